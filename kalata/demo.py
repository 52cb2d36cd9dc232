"""``kalata demo``: the main job, end to end, on the current database.

A simulated national presidential election (``kalata.simulation``) on the loaded territory: the
election and its polling stations, fictional candidates, the accounts of every centralisation
commission, the minutes typed twice with their faults, the commissions' arbitrations, the
provisional results, the Court's rulings and the final results — then where to look.

By default at one tenth of the national scale (700,000 registered electors, about 1,300
polling stations), which runs in well under a minute on a small machine; ``full=True`` runs the
whole country (about 7 million electors, 10,000 polling stations). Idempotent: when the demo's
election already exists in the database, its results are shown again instead.
"""

from __future__ import annotations

import sys
from datetime import date, timedelta

from kalata.cli import setup_django
from kalata.law.calendar import ElectionType, legal_calendar
from kalata.law.explain import fr_int

#: The demo's election: a presidential first round on the last Sunday of April (as in 2002 and
#: 2007), simulated with the seed 2007.
DEMO_DATE = date(2027, 4, 25)
DEMO_SEED = 2007
#: One tenth of the national electorate: finishes in well under a minute on a 2-core machine.
DEMO_ELECTORS = 700_000
PUBLIC_URL = "http://127.0.0.1:8000"


def next_communal_polling_date(today: date) -> date:
    """The first Sunday on which a communal vote convoked today could legally be held (Art. 77,
    78): the latest convocation date of the calendar must not be before today."""
    d = today + timedelta(days=60)
    d += timedelta(days=(6 - d.weekday()) % 7)
    while legal_calendar(ElectionType.COMMUNAL, d)["convocation_latest"].date < today:
        d += timedelta(days=7)
    return d


def _progress(text: str) -> None:
    print(f"   … {text}", file=sys.stderr, flush=True)


def run_demo(
    *,
    full: bool = False,
    electors: int | None = None,
    seed: int = DEMO_SEED,
    polling_date: date = DEMO_DATE,
    regions: tuple[str, ...] = (),
    quiet: bool = False,
) -> int:
    """Run (or show again) the demo's simulated presidential election; 0 when done, 2 when the
    territory is not loaded. ``full``: the whole national electorate; ``electors``: another
    size; ``regions``: a part of the territory (tests)."""
    setup_django()
    from kalata.elections.models import Election
    from kalata.elections.services import election_code
    from kalata.simulation import SimulationOptions, simulate
    from kalata.simulation.report import existing_lines, lines_fr
    from kalata.territory.models import Commune, Mission, Region

    if not Commune.objects.exists():
        print("Le territoire n'est pas chargé : lancez `kalata territory load`.")
        return 2
    print("KALATA — démonstration (Loi n°02-007 du 12 février 2002 modifiée)\n")
    regions_n = Region.objects.filter(kind="region").count()
    communes = Commune.objects.count()
    missions = Mission.objects.count()
    population = sum(p for p in Commune.objects.values_list("population", flat=True) if p)
    print(
        f"Territoire : {regions_n} régions, le District de Bamako, {communes} communes "
        f"({fr_int(population)} habitants recensés), {missions} ambassades et consulats.\n"
    )
    code = election_code("presidential", polling_date)
    existing = Election.objects.filter(code=code).first()
    if existing is not None:
        print(
            f"L'élection simulée {code} existe déjà dans cette base : voici ses résultats. "
            "Pour une autre simulation : kalata simulate presidential <un autre dimanche> "
            "--seed N.\n"
        )
        print("\n".join(existing_lines(existing)))
        _where(code)
        return 0
    if electors is None and not full:
        electors = DEMO_ELECTORS
    if full:
        scale = "à l'échelle nationale : environ 7 millions d'électeurs et 10 000 bureaux de vote"
    else:
        other = polling_date + timedelta(days=7)
        scale = (
            f"à échelle réduite : {fr_int(electors)} électeurs inscrits, pour finir en moins "
            "d'une minute (l'élection complète, environ 7 millions d'électeurs et 10 000 "
            f"bureaux de vote : « kalata simulate presidential {other.isoformat()} »)"
        )
    print(f"Élection présidentielle simulée {scale}.\n")
    report = simulate(
        SimulationOptions(
            kind="presidential",
            polling_date=polling_date,
            seed=seed,
            electors=None if full else electors,
            regions=regions,
            progress=None if quiet else _progress,
        )
    )
    print("\n".join(lines_fr(report)))
    _where(code)
    return 0


#: The demo accounts: username, role, scope (Bamako District's commission, or national).
DEMO_ACCOUNTS = (
    ("demo-agent-a", "clerk", "D09", "agent de saisie A, commission du District de Bamako"),
    ("demo-agent-b", "clerk", "D09", "agent de saisie B, commission du District de Bamako"),
    ("demo-president", "president", "D09", "président de la commission du District"),
    ("demo-ceni", "ceni", "D09", "superviseur CENI du District"),
    ("demo-delegue", "delegate", "D09", "délégué de parti, District de Bamako"),
    ("demo-ministere", "ministry", "", "Ministère (résultats provisoires)"),
    ("demo-cour", "court", "", "Cour constitutionnelle (résultats définitifs)"),
    ("demo-admin", "admin", "", "administrateur"),
)


def demo_accounts(election_code_: str) -> list[tuple[str, str, str]]:
    """Create (or reset) the demo accounts with fresh random passwords; return
    ``(username, password, description)`` rows to print. Only ever for the demo database."""
    import secrets

    from django.contrib.auth import get_user_model

    from kalata.accounts.models import RoleAssignment
    from kalata.accounts.services import create_user, grant
    from kalata.elections.models import Election
    from kalata.territory.models import Region

    User = get_user_model()
    election = Election.objects.get(code=election_code_)
    district = Region.objects.get(code="D09")
    rows = []
    for username, role, scope, description in DEMO_ACCOUNTS:
        password = secrets.token_urlsafe(9)
        user = User.objects.filter(username=username).first()
        if user is None:
            user = create_user(username, password, staff=(role == "admin"))
        else:
            user.set_password(password)
            user.save(update_fields=["password"])
        if not RoleAssignment.objects.filter(user=user, role=role, revoked_at=None).exists():
            kwargs = {"region": district} if scope == "D09" else {}
            if role != "admin":
                kwargs["election"] = election
            grant(user, role, **kwargs)
        rows.append((username, password, description))
    return rows


def serve(code: str, address: str = "127.0.0.1:8000") -> int:
    """Print the demo accounts and serve the site (public results and commission screens)."""
    from django.core.management import call_command

    print("\nComptes de démonstration (mots de passe tirés au hasard à chaque lancement) :")
    for username, password, description in demo_accounts(code):
        print(f"  {username:<16} {password:<14} {description}")
    print(
        f"\nSite public : {PUBLIC_URL}/scrutins/{code}/\n"
        f"Commissions : {PUBLIC_URL}/commission/   API : {PUBLIC_URL}/api/v1/docs\n"
        "Ctrl-C pour arrêter.\n",
        flush=True,
    )
    call_command("runserver", address, use_reloader=False)
    return 0


def _where(code: str) -> None:
    print(
        "\nOù regarder :\n"
        f"  kalata results tabulate {code}-T1 --level region   (résultats par région)\n"
        f"  kalata results tabulate {code}-T1 --level station --unit CM090001   "
        "(bureaux d'une commune)\n"
        f"  kalata results compare {code}-T1   (provisoires et définitifs côte à côte)\n"
        "  kalata audit verify   (intégrité du journal d'audit)\n"
        f"  Site public, une fois le serveur lancé (kalata manage runserver) : "
        f"{PUBLIC_URL}/scrutins/{code}/"
    )
