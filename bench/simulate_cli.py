"""``kalata simulate …`` run through ``kalata.cli.main`` even before the lead registers the
command module (``kalata.cli.COMMAND_MODULES``): the very same parser and handler.

Used by the end-to-end benchmark only when ``kalata simulate`` is not yet a registered command.
"""

from __future__ import annotations

import sys

import kalata.cli as cli

MODULE = "kalata.cli.simulate"


def main(argv: list[str]) -> int:
    if MODULE not in cli.COMMAND_MODULES:
        cli.COMMAND_MODULES.append(MODULE)
    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
