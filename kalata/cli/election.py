"""``kalata election …``: create, list and show elections; the deputies table.

Text output is French; ``--json`` gives the machine form. Writes are audited under the name
given by ``--actor`` (default: ``$KALATA_ACTOR``, else the system user name).
"""

from __future__ import annotations

import getpass
import os
from datetime import date

from kalata.cli import CliError, print_json, setup_django
from kalata.law.explain import fr_int

_DB_FR = (
    "La base de données n'est pas prête : lancez « kalata migrate » puis « kalata territory load »."
)


def register(sub) -> None:
    p = sub.add_parser("election", help="les scrutins : création, liste, détail")
    esub = p.add_subparsers(dest="election_command", metavar="SOUS-COMMANDE")
    esub.required = True

    q = esub.add_parser("create", help="crée un scrutin, son premier tour et ses circonscriptions")
    q.add_argument(
        "type",
        help="presidential, legislative, communal, referendum (national-councillors : pas "
        "encore pris en charge)",
    )
    q.add_argument("date", help="date du scrutin (premier tour), AAAA-MM-JJ")
    q.add_argument("--title", default=None, help="intitulé (par défaut : type et date)")
    q.add_argument("--question", default="", help="question soumise (référendum)")
    q.add_argument(
        "--force", action="store_true", help="accepte une date qui n'est pas un dimanche (art. 78)"
    )
    q.add_argument(
        "--seats",
        action="append",
        default=[],
        metavar="CODE=N",
        help="législatives : corrige le nombre de députés d'une circonscription (répétable), "
        "par ex. --seats C0106=3",
    )
    q.add_argument("--actor", default=None, help="auteur inscrit au journal d'audit")
    q.add_argument("--json", action="store_true", help="sortie JSON")
    q.set_defaults(func=_create)

    q = esub.add_parser("list", help="liste les scrutins")
    q.add_argument("--json", action="store_true", help="sortie JSON")
    q.set_defaults(func=_list)

    q = esub.add_parser("show", help="détail d'un scrutin : tours, circonscriptions, bureaux, PV")
    q.add_argument("code", help="code du scrutin, par ex. PRES-2026-04-26")
    q.add_argument("--json", action="store_true", help="sortie JSON")
    q.set_defaults(func=_show)

    q = esub.add_parser(
        "deputies",
        help="sièges de députés par circonscription (loi n°02-010) et contrôle par la règle",
    )
    q.add_argument("--json", action="store_true", help="sortie JSON")
    q.set_defaults(func=_deputies)


def _actor(args) -> str:
    if args.actor:
        return args.actor
    env = os.environ.get("KALATA_ACTOR", "").strip()
    if env:
        return env
    try:
        return getpass.getuser() or "system"
    except Exception:  # no user name in some containers
        return "system"


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CliError(
            f"date « {text} » invalide : format attendu AAAA-MM-JJ (par ex. 2026-04-26)."
        ) from None


def _db(call):
    """Run a database call; an unmigrated database becomes a French CLI error."""
    setup_django()
    from django.db import OperationalError, ProgrammingError

    try:
        return call()
    except (OperationalError, ProgrammingError):
        raise CliError(_DB_FR) from None


def _parse_seats(items: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in items:
        code, sep, value = item.partition("=")
        if not sep or not code.strip() or not value.strip().isdigit():
            raise CliError(
                f"--seats « {item} » invalide : format attendu CODE=N (par ex. C0106=3)."
            )
        out[code.strip()] = int(value)
    return out


def _create(args) -> int:
    polling_date = _parse_date(args.date)
    actor = _actor(args)
    seats = _parse_seats(args.seats)
    if seats and args.type != "legislative":
        raise CliError("--seats ne vaut que pour les élections législatives (députés).")

    def run():
        from kalata.elections.services import create_election

        return create_election(
            args.type,
            polling_date,
            args.title,
            actor=actor,
            force=args.force,
            question=args.question,
            deputies=seats or None,
        )

    setup = _db(run)
    if args.json:
        print_json(setup.as_dict())
        return 0
    from kalata.law.calendar import fr_date

    e = setup.election
    print(f"Scrutin créé : {e.code} — {e.title}")
    print(
        f"Premier tour {setup.round.code} le {fr_date(setup.round.polling_date)} "
        f"({setup.round.get_status_display()}) : {fr_int(setup.contests)} circonscription(s), "
        f"{fr_int(setup.seats)} siège(s) à pourvoir."
    )
    if setup.warnings:
        print("Avertissements :")
        for w in setup.warnings:
            print(f"  - {w}")
    return 0


def _list(args) -> int:
    def run():
        from kalata.elections.services import list_elections

        return list_elections()

    elections = _db(run)
    if args.json:
        print_json(elections)
        return 0
    if not elections:
        print("Aucun scrutin.")
        return 0
    from kalata.elections.models import Round

    labels = dict(Round.Status.choices)
    for e in elections:
        rounds = " ; ".join(
            f"tour {r['number']} le {r['polling_date']} : {labels.get(r['status'], r['status'])}"
            for r in e["rounds"]
        )
        print(f"{e['code']}  {e['title']}  ({fr_int(e['contests'])} circonscription(s) ; {rounds})")
    return 0


def _show(args) -> int:
    def run():
        from kalata.elections.services import election_summary, get_election

        return election_summary(get_election(args.code))

    summary = _db(run)
    if args.json:
        print_json(summary)
        return 0
    from kalata.law.calendar import fr_date
    from kalata.results.models import TallySheet

    status_fr = dict(TallySheet.Status.choices)
    print(f"{summary['code']} — {summary['title']}")
    print(f"Type : {summary['kind_label']}")
    if summary["question"]:
        print(f"Question : {summary['question']}")
    abroad = ""
    if summary["stations_abroad"]:
        abroad = (
            f" (dont {fr_int(summary['stations_abroad'])} à l'étranger, "
            f"{fr_int(summary['registered_abroad'])} inscrits)"
        )
    print(
        f"Bureaux de vote : {fr_int(summary['stations'])}{abroad} ; électeurs inscrits : "
        f"{fr_int(summary['registered'])}"
    )
    for r in summary["rounds"]:
        sheets = r["sheets"]
        print(
            f"Tour {r['number']} ({r['code']}) — {fr_date(date.fromisoformat(r['polling_date']))}"
            f" — {r['status_label']}"
        )
        print(
            f"  Circonscriptions : {fr_int(r['contests'])} ; sièges : {fr_int(r['seats'])} ; "
            f"candidatures : {fr_int(r['selections'])}"
        )
        print(
            f"  Procès-verbaux : {fr_int(sheets['received'])} reçus / "
            f"{fr_int(sheets['expected'])} attendus"
        )
        for status, n in sheets["by_status"].items():
            if n:
                print(f"    {status_fr.get(status, status)} : {fr_int(n)}")
    return 0


def _deputies(args) -> int:
    def run():
        from kalata.elections.services import deputies_rule_comparison

        return deputies_rule_comparison()

    comparison = _db(run)
    from kalata.elections.deputies import SOURCE_FR

    if args.json:
        print_json({"source": SOURCE_FR, **comparison.as_dict()})
        return 0
    print(SOURCE_FR)
    print(f"{'code':<9} {'circonscription':<16} {'population':>10} {'tableau':>7} {'règle':>6}")
    for row in comparison.rows:
        population = "?" if row.population is None else fr_int(row.population)
        rule = "?" if row.rule_seats is None else str(row.rule_seats)
        mark = "" if row.difference == 0 else "  ≠"
        print(f"{row.code:<9} {row.name:<16} {population:>10} {row.data_seats:>7} {rule:>6}{mark}")
    print(f"Total : {comparison.data_total} sièges (tableau), {comparison.rule_total} (règle).")
    for step in comparison.steps:
        print(step)
    return 0
