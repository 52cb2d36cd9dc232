"""Rebuild ``data/territory.json`` from the verbatim annex and the corrections.

Usage: ``python -m kalata.territory.build`` (or ``kalata territory build``);
``--check`` only compares the shipped file with a fresh build (exit 1 when they differ).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kalata.territory.annex import TERRITORY_FILE, build_territory, dumps


def rebuild(path: Path = TERRITORY_FILE) -> dict:
    """Write ``territory.json`` from the sources; returns the data written."""
    territory = build_territory()
    path.write_text(dumps(territory), encoding="utf-8")
    return territory


def is_current(path: Path = TERRITORY_FILE) -> bool:
    """Whether the shipped file equals a fresh build, byte for byte."""
    return path.exists() and path.read_text(encoding="utf-8") == dumps(build_territory())


def summary_fr(territory: dict) -> str:
    t = territory["totals"]
    return (
        f"{t['regions']} régions, {t['districts']} district, {t['cercles']} cercles, "
        f"{t['communes']} communes, {t['councillors']} conseillers, "
        f"{len(territory['corrections'])} corrections."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kalata.territory.build",
        description="Reconstruit territory.json à partir de l'annexe et des corrections.",
    )
    parser.add_argument(
        "--check", action="store_true", help="vérifie seulement que le fichier est à jour"
    )
    args = parser.parse_args(argv)
    if args.check:
        if is_current():
            print(f"{TERRITORY_FILE.name} est à jour.")
            return 0
        print(
            f"{TERRITORY_FILE.name} n'est pas à jour : lancez la reconstruction.", file=sys.stderr
        )
        return 1
    territory = rebuild()
    print(f"{TERRITORY_FILE.name} reconstruit : {summary_fr(territory)}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
