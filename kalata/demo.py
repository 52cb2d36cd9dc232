"""``kalata demo``: the main job, shown end to end on the embedded SQLite database.

For now (foundation): the territory as loaded, the legal calendar of the next communal vote that
could be convoked today, and a sample seat allocation in a real commune with its explanation.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from kalata.cli import setup_django
from kalata.law.calendar import ElectionType, fr_date, legal_calendar
from kalata.law.explain import fr_int, fr_percent, percent
from kalata.law.seats import CandidateList, ListCandidate, allocate_communal_seats

FIRST_NAMES = [
    "Aminata",
    "Moussa",
    "Fatoumata",
    "Mamadou",
    "Oumou",
    "Boubacar",
    "Kadiatou",
    "Seydou",
    "Mariam",
    "Ibrahim",
    "Awa",
    "Souleymane",
    "Hawa",
    "Modibo",
    "Assétou",
    "Bakary",
    "Djénéba",
    "Adama",
    "Rokia",
    "Cheick",
    "Nana",
    "Lassana",
    "Salimata",
    "Tiémoko",
]
FAMILY_NAMES = [
    "Traoré",
    "Keïta",
    "Coulibaly",
    "Diarra",
    "Touré",
    "Cissé",
    "Sidibé",
    "Konaté",
    "Dembélé",
    "Sangaré",
    "Diallo",
    "Maïga",
    "Kanté",
    "Doumbia",
    "Samaké",
    "Koné",
    "Sissoko",
    "Bagayoko",
]
LIST_TITLES = [
    ("A", "Alliance pour la démocratie"),
    ("B", "Union pour la République"),
    ("C", "Rassemblement pour le développement"),
    ("D", "Liste indépendante Benkadi"),
    ("E", "Convergence citoyenne"),
    ("F", "Mouvement pour le renouveau"),
]


def next_communal_polling_date(today: date) -> date:
    """The first Sunday on which a communal vote convoked today could legally be held (Art. 77,
    78): the latest convocation date of the calendar must not be before today."""
    d = today + timedelta(days=60)
    d += timedelta(days=(6 - d.weekday()) % 7)
    while legal_calendar(ElectionType.COMMUNAL, d)["convocation_latest"].date < today:
        d += timedelta(days=7)
    return d


def sample_lists(seats: int, seed: int) -> list[CandidateList]:
    rng = random.Random(seed)
    lists = []
    weights = [rng.uniform(0.3, 3.0) for _ in LIST_TITLES]
    weights[-1] = 0.12  # one small list, to show the 5 % threshold (Art. 176)
    total = 24_000
    for (code, _title), w in zip(LIST_TITLES, weights, strict=True):
        votes = int(total * w / sum(weights))
        members = tuple(
            ListCandidate(
                f"{rng.choice(FIRST_NAMES)} {rng.choice(FAMILY_NAMES)}",
                date(rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28)),
            )
            for _ in range(seats)
        )
        lists.append(CandidateList(code, votes, members))
    return lists


def run_demo(today: date | None = None) -> int:
    setup_django()
    from kalata.territory.models import Commune, Region

    today = today or date.today()
    if not Commune.objects.exists():
        print("Le territoire n'est pas chargé : lancez `kalata territory load`.")
        return 2
    print("KALATA — démonstration (Loi n°02-007 du 12 février 2002 modifiée)\n")
    print("1. Le territoire (annexe de l'arrêté n°03-1879/MATCL-SG du 27 août 2003)")
    regions = Region.objects.filter(kind="region").count()
    communes = Commune.objects.count()
    councillors = sum(Commune.objects.values_list("councillors", flat=True))
    population = sum(p for p in Commune.objects.values_list("population", flat=True) if p)
    print(
        f"   {regions} régions, le District de Bamako, {communes} communes, "
        f"{fr_int(councillors)} conseillers communaux à élire, "
        f"{fr_int(population)} habitants recensés.\n"
    )

    polling = next_communal_polling_date(today)
    cal = legal_calendar(ElectionType.COMMUNAL, polling)
    print(
        f"2. Calendrier légal du prochain scrutin communal possible (convocation le "
        f"{fr_date(today)}) : {fr_date(polling)}"
    )
    for d in cal.deadlines:
        when = fr_date(d.date) + (f" à {d.time}" if d.time else "")
        print(f"   {when:<34} {d.label_fr} (art. {', '.join(d.articles)})")
    for w in cal.warnings:
        print(f"   ATTENTION : {w}")

    commune = Commune.objects.select_related("cercle").get(code="CM010128")
    lists = sample_lists(commune.councillors, seed=2004)
    result = allocate_communal_seats(commune.councillors, lists)
    valid = sum(lst.votes for lst in lists)
    print(
        f"\n3. Exemple de répartition des sièges : commune de {commune.name} "
        f"(cercle de {commune.cercle.name}), {commune.councillors} conseillers (art. 176)"
    )
    for (code, title), lst in zip(LIST_TITLES, lists, strict=True):
        share = fr_percent(percent(lst.votes, valid))
        print(
            f"   Liste {code} « {title} » : {fr_int(lst.votes)} voix ({share}) → "
            f"{result.seats[code]} siège(s)"
        )
    print("\n   Explication (extraits) :")
    seat_steps = [s for s in result.steps if s.text.startswith("Siège n°")]
    for step in result.steps:
        if step in seat_steps[3:]:
            continue
        print(f"   - {step}")
        if len(seat_steps) > 3 and step is seat_steps[2]:
            print(f"   - … ({len(seat_steps) - 3} autres sièges, même règle)")
    print("\n   Élus, dans l'ordre de présentation des listes :")
    for e in result.elected[:10]:
        print(f"   {e.list_code}{e.rank:>3}. {e.name}")
    if len(result.elected) > 10:
        print(f"   … et {len(result.elected) - 10} autres.")
    return 0
