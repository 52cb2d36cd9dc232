"""The ``kalata`` command line.

Text output is French, for people; ``--json`` gives the machine form, a stable contract.
Each command group lives in its own module and registers itself with ``register(subparsers)``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys

from kalata.law.explain import LawError

# Command modules, each exposing ``register(subparsers)``.
COMMAND_MODULES = [
    "kalata.cli.territory",
    "kalata.cli.calendar",
    "kalata.cli.outcome",
    "kalata.cli.law",
    "kalata.cli.audit",
    "kalata.cli.election",
    "kalata.cli.results",
    "kalata.cli.accounts",
    "kalata.cli.simulate",
    "kalata.cli.api",
    "kalata.cli.admin",
]


# argparse's own messages, in French (French first for everything a user reads).
_ARGPARSE_FR = {
    "usage: ": "usage : ",
    "positional arguments": "arguments",
    "options": "options",
    "show this help message and exit": "affiche cette aide et quitte",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "unrecognized arguments: %s": "arguments non reconnus : %s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "choix invalide : %(value)r (valeurs possibles : %(choices)s)"
    ),
    "expected one argument": "une valeur est attendue",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
    "invalid %(type)s value: %(value)r": "valeur invalide (%(type)s) : %(value)r",
    "not allowed with argument %s": "incompatible avec l'argument %s",
}


def _argparse_fr(message: str) -> str:
    return _ARGPARSE_FR.get(message, message)


argparse._ = _argparse_fr  # argparse looks its messages up through this module-level name


class CliError(Exception):
    """A user error: French message, exit status 2."""

    def __init__(self, message: str, status: int = 2):
        super().__init__(message)
        self.message = message
        self.status = status


def print_json(data) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def setup_django() -> None:
    """Configure Django for commands that use the database."""
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kalata.settings")
    django.setup()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kalata",
        description="Kalata — gestion des élections et des résultats (Loi n°02-007 modifiée).",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE")
    sub.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except LawError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    except CliError as exc:
        print(f"Erreur : {exc.message}", file=sys.stderr)
        return exc.status
    except BrokenPipeError:  # output piped into a command that stopped reading (head …)
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
