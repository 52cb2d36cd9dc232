"""Administrative commands: ``kalata manage …`` (Django), ``kalata migrate``, ``kalata demo``."""

from __future__ import annotations

import argparse

from kalata.cli import setup_django


def register(sub) -> None:
    p = sub.add_parser("manage", help="commandes Django (manage.py)", add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=_manage)

    p = sub.add_parser("migrate", help="crée ou met à jour la base de données")
    p.set_defaults(func=_migrate)

    p = sub.add_parser(
        "demo",
        help="la démonstration : une présidentielle simulée, des PV aux résultats définitifs",
    )
    p.add_argument("--full", action="store_true", help="tout le corps électoral (7 millions)")
    p.add_argument("--electors", type=int, default=None, help="nombre d'électeurs simulés")
    p.add_argument("--seed", type=int, default=None, help="graine du tirage (reproductible)")
    p.add_argument(
        "--serve",
        action="store_true",
        help="puis sert le site sur http://127.0.0.1:8000 avec des comptes de démonstration",
    )
    p.set_defaults(func=_demo)


def _manage(args) -> int:
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kalata manage", *args.rest])
    return 0


def _migrate(args) -> int:
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    print("Base de données à jour.")
    return 0


def _demo(args) -> int:
    from kalata.demo import DEMO_DATE, DEMO_SEED, run_demo, serve

    seed = DEMO_SEED if args.seed is None else args.seed
    status = run_demo(full=args.full, electors=args.electors, seed=seed)
    if status or not args.serve:
        return status
    from kalata.elections.services import election_code  # Django is set up by run_demo

    return serve(election_code("presidential", DEMO_DATE))
