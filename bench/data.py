"""Building the benchmarks' elections, fast (run inside a worker, Django set up).

Elections, stations, candidacies and expected minutes are created with Kalata's services
(``kalata.elections.services``), so the rows are exactly those of a real election. For the
recomputation benchmark, the minutes are then made definitive by bulk-writing what the
double-entry workflow writes when a sheet becomes definitive — the contract of
``kalata/results/models.py``: status ``definitive``, the agreed figures in ``figures`` and in the
scalar columns, ``version``, ``definitive_at``, and one ``SheetVote`` row per selection. Those
bulk writes are not audited (``kalata audit verify`` would report them); the recomputation
benchmark is about reading, ingest is measured on its own through the audited services.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from kalata.elections import services as elections
from kalata.elections.models import Round, Selection
from kalata.results.entry import parse_figures
from kalata.results.models import SheetVote, TallySheet
from kalata.territory.models import Commune, Mission

ACTOR = "bench"
#: Registered electors of the full-size benchmarks: about 7 million (2007: 6.9 million), of
#: which 100 000 abroad — about 10 000 polling stations of at most 700 electors (Art. 71).
DOMESTIC_ELECTORS = 6_900_000
ABROAD_ELECTORS = 100_000
#: ``--quick``: the first communes (by code) and missions only, about 40 000 electors.
QUICK_COMMUNES = 24
QUICK_MISSIONS = 2
QUICK_DOMESTIC = 40_000
QUICK_ABROAD = 2_000

PRESIDENTIAL_CANDIDATES = 8
#: Relative national weights of the 8 candidates (a 2007-like field: one well ahead).
CANDIDATE_WEIGHTS = (0.55, 0.17, 0.08, 0.06, 0.05, 0.04, 0.03, 0.02)
LISTS_PER_COMMUNE = (3, 8)


def apportion(total: int, weights: Sequence[tuple[str, int]]) -> dict[str, int]:
    """Split ``total`` in proportion to integer weights (largest remainders, ties by code)."""
    whole = sum(w for _, w in weights)
    quotas = [(code, total * w // whole, total * w % whole) for code, w in weights]
    left = total - sum(q for _, q, _ in quotas)
    bonus = {code for code, _, _ in sorted(quotas, key=lambda t: (-t[2], t[0]))[:left]}
    return {code: q + (code in bonus) for code, q, _ in quotas}


def electors(quick: bool, *, abroad: bool = True) -> dict[str, int]:
    """Registered electors per commune (in proportion to its population) and per mission."""
    communes = list(Commune.objects.order_by("code").values_list("code", "population"))
    missions = list(Mission.objects.order_by("code").values_list("code", flat=True))
    domestic, outside = DOMESTIC_ELECTORS, ABROAD_ELECTORS
    if quick:
        communes, missions = communes[:QUICK_COMMUNES], missions[:QUICK_MISSIONS]
        domestic, outside = QUICK_DOMESTIC, QUICK_ABROAD
    out = apportion(domestic, [(code, max(1, pop or 1)) for code, pop in communes])
    if abroad and missions:
        out.update(apportion(outside, [(code, 1) for code in missions]))
    return {code: n for code, n in out.items() if n > 0}


def candidates(n: int = PRESIDENTIAL_CANDIDATES) -> list[dict]:
    return [
        {
            "code": f"C{i:02d}",
            "name": f"Candidat n°{i}",
            "party": f"Parti n°{i}",
            "order": i,
            "birth_date": date(1950 + i, 1 + i % 12, 1 + i),
        }
        for i in range(1, n + 1)
    ]


def build_presidential(polling_date: date, quick: bool) -> Round:
    """A presidential first round: stations in every commune and mission, 8 candidates, opened
    (one expected sheet per station)."""
    setup = elections.create_election(
        "presidential",
        polling_date,
        f"Présidentielle (banc d'essai) {polling_date.isoformat()}",
        actor=ACTOR,
        electors=electors(quick),
        selections=candidates(),
    )
    elections.open_round(setup.round, ACTOR)
    return setup.round


def _lists(rng: random.Random, contest_code: str, seats: int, on: date) -> list[dict]:
    n = rng.randint(*LISTS_PER_COMMUNE)
    out = []
    for i in range(1, n + 1):
        members = [
            (
                rank,
                f"Candidat {contest_code}-L{i:02d}-{rank:02d}",
                on - timedelta(days=365 * 25 + 97 * rank + 11 * i),
            )
            for rank in range(1, seats + 1)
        ]
        out.append(
            {
                "code": f"L{i:02d}",
                "name": f"Liste n°{i} de {contest_code}",
                "party": f"Parti n°{i}",
                "kind": "list",
                "order": i,
                "members": members,
            }
        )
    return out


def build_communal(polling_date: date, quick: bool, seed: int) -> Round:
    """Communal elections in every commune (quick: the first communes only): stations, 3 to 8
    lists per commune of as many candidates as councillors (Art. 58, 185), opened."""
    rng = random.Random(f"{seed}-lists")
    units = electors(quick, abroad=False)
    setup = elections.create_election(
        "communal",
        polling_date,
        f"Communales (banc d'essai) {polling_date.isoformat()}",
        actor=ACTOR,
        electors=units,
    )
    seats = dict(setup.round.contests.filter(code__in=list(units)).values_list("code", "seats"))
    specs = {code: _lists(rng, code, seats[code], polling_date) for code in sorted(units)}
    elections.add_selections(setup.round, specs, actor=ACTOR)
    if quick:
        # Contests without a station or a list cannot open (Art. 177): in a quick run the
        # communes left out are removed from the round before it opens.
        setup.round.contests.exclude(code__in=list(units)).delete()
    elections.open_round(setup.round, ACTOR)
    return setup.round


# --- Minutes -------------------------------------------------------------------------------


def station_figures(
    rng: random.Random, registered: int, codes: Sequence[str], weights: Sequence[float]
) -> dict:
    """Consistent minutes of one station, without any warning: turnout 25–55 %, null ballots
    2–6 % of voters, votes split by jittered weights (largest remainders)."""
    voters = round(registered * rng.uniform(0.25, 0.55))
    nulls = round(voters * rng.uniform(0.02, 0.06))
    valid = voters - nulls
    local = [w * rng.uniform(0.6, 1.4) for w in weights]
    parts = [(c, max(1, round(w * 10**6))) for c, w in zip(codes, local, strict=True)]
    split = apportion(valid, parts)
    return {
        "registered": registered,
        "voters": voters,
        "envelopes": voters,
        "null_ballots": nulls,
        "valid_votes": valid,
        "votes": {c: split[c] for c in codes},
    }


def _weights(rng: random.Random, n: int, presidential: bool) -> list[float]:
    if presidential:
        return list(CANDIDATE_WEIGHTS[:n])
    return [rng.uniform(0.2, 1.0) for _ in range(n)]


def make_definitive(round_: Round, seed: int) -> dict:
    """Make every sheet of the round definitive with plausible figures, in bulk; return counts.

    Writes what ``kalata.results.entry._make_definitive`` writes: ``status``, ``figures``,
    ``check_codes`` (none), the five scalar columns, ``version`` 1, the reception and definitive
    dates, and one ``SheetVote`` per selection of the contest.
    """
    presidential = round_.election.kind == "presidential"
    selections: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for pk, contest_id, code in (
        Selection.objects.filter(contest__round=round_)
        .order_by("contest_id", "order", "code")
        .values_list("pk", "contest_id", "code")
    ):
        selections[contest_id].append((pk, code))
    sheets = list(
        TallySheet.objects.filter(round=round_)
        .order_by("pk")
        .values_list("pk", "contest_id", "station__registered")
    )
    rng = random.Random(f"{seed}-{round_.pk}")
    weights = {
        cid: _weights(random.Random(f"{seed}-w-{cid}"), len(sels), presidential)
        for cid, sels in selections.items()
    }
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = []
    votes = []
    for pk, contest_id, registered in sheets:
        sels = selections[contest_id]
        codes = [code for _, code in sels]
        fig = parse_figures(station_figures(rng, registered, codes, weights[contest_id]))
        rows.append(
            (
                json.dumps(fig),
                fig["registered"],
                fig["voters"],
                fig["envelopes"],
                fig["null_ballots"],
                fig["valid_votes"],
                now,
                now,
                pk,
            )
        )
        votes.extend(
            SheetVote(sheet_id=pk, selection_id=sid, votes=fig["votes"][code]) for sid, code in sels
        )
    table = connection.ops.quote_name(TallySheet._meta.db_table)
    json_param = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    sql = (
        f"UPDATE {table} SET status = 'definitive', version = 1, check_codes = "
        f"{json_param}, figures = {json_param}, registered = %s, voters = %s, envelopes = %s, "
        "null_ballots = %s, valid_votes = %s, first_received_at = %s, definitive_at = %s "
        "WHERE id = %s"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, [("[]", *row) for row in rows])
        SheetVote.objects.bulk_create(votes, batch_size=5000)
    return {"sheets": len(sheets), "sheet_votes": len(votes)}


# --- Ingest --------------------------------------------------------------------------------


def commission_of(commune_cercle: int | None, commune_region: int | None, mission: int | None):
    """The centralisation commission of a station (Art. 141): its cercle, the District (the
    region of a Bamako commune), or its embassy or consulate — as grant() keyword arguments."""
    if mission is not None:
        return ("mission", mission)
    if commune_cercle is not None:
        return ("cercle", commune_cercle)
    return ("region", commune_region)


def ingest_plan(
    round_: Round, entries: int, seed: int, batch: int
) -> tuple[list[dict], dict[tuple[str, int], tuple[str, str]]]:
    """Pick ``entries // 2`` sheets across the country and plan their two entries.

    Returns the ordered submissions (``sheet``, ``clerk``, ``number``, ``figures``) — per
    commission batch of ``batch`` sheets, the first entries then the second ones, as clerks
    type a pile of minutes — and the clerk pair of each commission.
    """
    rng = random.Random(f"{seed}-ingest")
    rows = list(
        TallySheet.objects.filter(round=round_)
        .order_by("pk")
        .values_list(
            "pk",
            "contest_id",
            "station__registered",
            "station__commune__cercle_id",
            "station__commune__region_id",
            "station__mission_id",
        )
    )
    chosen = rng.sample(rows, min(len(rows), entries // 2))
    codes_by_contest: dict[int, list[str]] = defaultdict(list)
    for contest_id, code in (
        Selection.objects.filter(contest__round=round_)
        .order_by("contest_id", "order", "code")
        .values_list("contest_id", "code")
    ):
        codes_by_contest[contest_id].append(code)
    clerks: dict[tuple[str, int], tuple[str, str]] = {}
    plan: list[dict] = []
    for start in range(0, len(chosen), batch):
        pile = chosen[start : start + batch]
        firsts, seconds = [], []
        for pk, contest_id, registered, cercle, region, mission in pile:
            commission = commission_of(cercle, region, mission)
            prefix = f"saisie-{commission[0]}-{commission[1]}"
            pair = clerks.setdefault(commission, (f"{prefix}-a", f"{prefix}-b"))
            codes = codes_by_contest[contest_id]
            fig = station_figures(rng, registered, codes, CANDIDATE_WEIGHTS[: len(codes)])
            firsts.append({"sheet": pk, "clerk": pair[0], "number": 1, "figures": fig})
            seconds.append({"sheet": pk, "clerk": pair[1], "number": 2, "figures": fig})
        plan.extend(firsts)
        plan.extend(seconds)
    return plan, clerks


def create_clerks(election, clerks: Mapping[tuple[str, int], tuple[str, str]]) -> int:
    """Create the clerk accounts and grant each pair its commission (``kalata.accounts``)."""
    from kalata.accounts import services as accounts
    from kalata.accounts.models import Role
    from kalata.territory.models import Cercle, Region

    models = {"cercle": Cercle, "region": Region, "mission": Mission}
    n = 0
    for (field, pk), usernames in sorted(clerks.items()):
        area = models[field].objects.get(pk=pk)
        for username in usernames:
            user = accounts.create_user(username, actor=ACTOR)
            accounts.grant(user, Role.CLERK, election=election, **{field: area})
            n += 1
    return n


def round_counts(round_: Round) -> dict:
    """Contests, stations, selections and list candidates of a round."""
    from kalata.elections.models import ListMember, PollingStation

    return {
        "contests": round_.contests.count(),
        "stations": PollingStation.objects.filter(election=round_.election).count(),
        "selections": Selection.objects.filter(contest__round=round_).count(),
        "list_members": ListMember.objects.filter(selection__contest__round=round_).count(),
    }
