"""``kalata simulate TYPE DATE --seed N [--electors N] [--regions R08,EXT] [--runoff]
[--faults X] [--verify] [--json]``: a realistic election run on the real territory, from empty to
final results, through Kalata's services (see ``kalata.simulation``).

Progress goes to stderr; the summary (French) or the report (``--json``) to stdout.
"""

from __future__ import annotations

import sys
from datetime import date

from kalata.cli import CliError, print_json, setup_django

KINDS = ("presidential", "legislative", "communal", "referendum")


def register(sub) -> None:
    p = sub.add_parser(
        "simulate",
        help="simule un scrutin complet sur le territoire réel, des PV aux résultats définitifs",
        description=(
            "Simule un scrutin sur le territoire chargé : électeurs inscrits par commune "
            "(proportionnels à la population), bureaux de vote (art. 71), candidatures "
            "fictives, comptes des commissions, double saisie des procès-verbaux avec "
            "anomalies, arbitrages du président, résultats provisoires, décisions du juge, "
            "résultats définitifs et, s'il y a lieu, second tour. Tout passe par les services "
            "audités de Kalata."
        ),
    )
    p.add_argument("type", choices=KINDS, help="type de scrutin")
    p.add_argument("date", help="date du premier tour, un dimanche (AAAA-MM-JJ)")
    p.add_argument("--seed", type=int, default=2007, help="graine du hasard (2007)")
    p.add_argument(
        "--electors",
        type=int,
        default=None,
        metavar="N",
        help="électeurs inscrits au total (défaut : environ 7 000 000 pour tout le pays, en "
        "proportion de la population pour une partie du territoire)",
    )
    p.add_argument(
        "--regions",
        default="",
        metavar="CODES",
        help="restreint le territoire, par ex. R08 ou D09,EXT (EXT : ambassades et consulats)",
    )
    p.add_argument(
        "--runoff",
        action="store_true",
        help="présidentielle : aucun candidat proche de la majorité (comme en 2002), d'où un "
        "second tour",
    )
    p.add_argument(
        "--faults",
        type=float,
        default=1.0,
        metavar="X",
        help="facteur sur la fréquence des PV erronés et des fautes de frappe (1)",
    )
    p.add_argument("--title", default=None, help="intitulé du scrutin")
    p.add_argument(
        "--verify", action="store_true", help="vérifie le journal d'audit à la fin (plus long)"
    )
    p.add_argument("--quiet", action="store_true", help="sans messages d'avancement")
    p.add_argument("--json", action="store_true", help="rapport au format JSON")
    p.set_defaults(func=_simulate)


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CliError(f"date « {text} » invalide : format attendu AAAA-MM-JJ.") from None


def _progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _simulate(args) -> int:
    polling_date = _parse_date(args.date)
    setup_django()
    from kalata.simulation import SimulationOptions, simulate
    from kalata.simulation.report import lines_fr

    options = SimulationOptions(
        kind=args.type,
        polling_date=polling_date,
        seed=args.seed,
        electors=args.electors,
        regions=tuple(r for r in args.regions.split(",") if r.strip()),
        runoff=args.runoff,
        faults=args.faults,
        verify=args.verify,
        title=args.title,
        progress=None if args.quiet else _progress,
    )
    report = simulate(options)
    if args.json:
        print_json(report)
    else:
        print("\n".join(lines_fr(report)))
    audit = report["audit"]
    return 1 if audit["verified"] is False else 0
