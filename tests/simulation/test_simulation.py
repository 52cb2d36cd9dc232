"""A simulated election run from empty to final results through the real services.

Small runs on the real territory restricted with ``regions`` (Kidal, R08: four cercles, eleven
communes; ``EXT``: the embassies and consulates). Results are checked against an independent
recount of the definitive, non-annulled minutes — plain Python over the rows, not the
tabulation code.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

import pytest

from kalata.audit.services import head, verify
from kalata.elections.models import Round, Selection
from kalata.results.models import (
    Acknowledgement,
    Correction,
    DataEntry,
    Proclamation,
    SheetVote,
    TallySheet,
)
from kalata.results.proclamation import communal_scopes
from kalata.results.tabulation import second_round_candidates, tabulate
from kalata.simulation import Simulation, SimulationOptions
from kalata.territory.services import load_territory

pytestmark = pytest.mark.django_db

SUNDAY = date(2026, 4, 26)
NEXT_SUNDAY = date(2026, 5, 3)


@pytest.fixture(autouse=True)
def territory(db):
    load_territory()


def run(kind: str = "presidential", day: date = SUNDAY, **options) -> tuple[Simulation, dict]:
    options.setdefault("regions", ("R08",))
    options.setdefault("seed", 7)
    sim = Simulation(SimulationOptions(kind=kind, polling_date=day, **options))
    return sim, sim.run()


def recount(round_: Round) -> tuple[dict, dict]:
    """Totals per contest and per (contest, commune or mission) of the definitive,
    non-annulled sheets, from the rows themselves."""
    fields = ("registered", "voters", "null_ballots", "valid_votes")
    by_contest: dict[str, Counter] = defaultdict(Counter)
    by_unit: dict[tuple[str, str], Counter] = defaultdict(Counter)
    counted = {}
    sheets = TallySheet.objects.filter(round=round_).select_related(
        "contest", "station__commune", "station__mission"
    )
    for sheet in sheets:
        assert sheet.status == TallySheet.Status.DEFINITIVE or sheet.annulled, sheet
        if sheet.status != TallySheet.Status.DEFINITIVE or sheet.annulled:
            continue
        station = sheet.station
        unit = station.commune.code if station.commune_id else station.mission.code
        key = (sheet.contest.code, unit)
        counted[sheet.pk] = key
        for name in fields:
            by_contest[key[0]][name] += getattr(sheet, name)
            by_unit[key][name] += getattr(sheet, name)
        assert sheet.null_ballots + sheet.valid_votes == sheet.voters
    votes = SheetVote.objects.filter(sheet__round=round_).select_related("selection")
    for vote in votes:
        key = counted.get(vote.sheet_id)
        if key is None:
            continue
        by_contest[key[0]][f"votes.{vote.selection.code}"] += vote.votes
        by_unit[key][f"votes.{vote.selection.code}"] += vote.votes
    return by_contest, by_unit


def _totals(unit: dict) -> Counter:
    out = Counter({k: unit[k] for k in ("registered", "voters", "null_ballots", "valid_votes")})
    for code, n in unit["votes"].items():
        out[f"votes.{code}"] += n
    return +out


def assert_final_equals_recount(round_: Round) -> None:
    by_contest, by_unit = recount(round_)
    snapshots = Proclamation.objects.filter(round=round_, kind="final")
    assert snapshots.exists()
    seen = set()
    for proclamation in snapshots:
        for contest in proclamation.results["contests"]:
            code = contest["code"]
            seen.add(code)
            nation = contest["levels"]["nation"][0]
            assert _totals(nation) == +by_contest[code], code
            for unit in contest["levels"]["commune"]:
                assert _totals(unit) == +by_unit[(code, unit["code"])], (code, unit["code"])
    assert set(by_contest) <= seen
    # The live recomputation says the same as the proclaimed snapshot.
    live = tabulate(round_)
    for contest in live.contests:
        total = contest.total
        expected = by_contest[contest.code]
        assert total.valid_votes == expected["valid_votes"]
        assert total.voters == expected["voters"]
        for code, n in total.votes.items():
            assert n == expected[f"votes.{code}"]


@pytest.mark.article("141")
@pytest.mark.article("142")
def test_presidential_final_results_equal_a_recount_and_the_audit_log_verifies():
    sim, report = run(regions=("R08", "D09", "EXT"), electors=30_000)
    round1 = Round.objects.get(election__code="PRES-2026-04-26", number=1)
    assert round1.status == Round.Status.FINAL
    assert_final_equals_recount(round1)
    r = report["rounds"][0]
    assert r["sheets"] == TallySheet.objects.filter(round=round1).count() == len(sim.rounds[0].jobs)
    assert report["electorate"]["registered"] == 30_000
    assert report["electorate"]["stations_abroad"] > 0
    # Two entries per sheet, by two different clerks of the station's own commission.
    for sheet in TallySheet.objects.filter(round=round1):
        clerks = set(
            DataEntry.objects.filter(sheet=sheet, state="active").values_list(
                "entered_by__username", flat=True
            )
        )
        assert len(clerks) == 2
    # A Court annulment shows in the final results and not in the provisional ones.
    annulled = TallySheet.objects.filter(round=round1, annulled=True)
    assert annulled.count() == len(r["annulments"]) >= 1
    assert r["final"]["sheets_annulled"] == annulled.count()
    assert r["provisional"]["sheets_annulled"] == 0
    lost = sum(s.registered for s in annulled)
    assert r["provisional"]["registered"] - r["final"]["registered"] == lost
    assert Correction.objects.filter(sheet__round=round1, kind="court").count() == 1
    # Acts by the right people.
    final = Proclamation.objects.get(round=round1, kind="final")
    provisional = Proclamation.objects.get(round=round1, kind="provisional")
    assert final.by.username.endswith(".cour")
    assert provisional.by.username.endswith(".ministere")
    audit = verify()
    assert audit.ok, audit.lines_fr()
    assert report["audit"]["head"] == head().hash
    assert r["outcome"]["elected"]["code"] == "C01"
    # As in 2007: Bamako votes less, and less for the incumbent, than the countryside.
    regions = {x["code"]: x for x in r["regions"]}
    assert set(regions) == {"R08", "D09", "EXT"}
    bamako, kidal = regions["D09"], regions["R08"]
    assert float(bamako["turnout"]) + 5 < float(kidal["turnout"])
    assert float(bamako["shares"]["C01"]) + 10 < float(kidal["shares"]["C01"])


@pytest.mark.article("84")
@pytest.mark.article("86")
@pytest.mark.article("87")
def test_injected_faults_show_up_as_blocked_or_acknowledged_sheets_with_their_codes():
    sim, report = run(seed=11, faults=3)
    jobs = sim.rounds[0].jobs
    by_fault = defaultdict(list)
    for job in jobs:
        by_fault[job.plan.fault].append(job)
    for fault in ("E03", "E04", "W01", "W06", "W13"):
        assert by_fault[fault], fault
    for job in by_fault["E03"]:
        # Both clerks typed the paper as it is: blocked with E03, then a reasoned correction.
        codes = DataEntry.objects.filter(sheet_id=job.sheet.pk).values_list(
            "check_codes", flat=True
        )
        assert any("E03" in c for c in codes)
        correction = Correction.objects.get(sheet_id=job.sheet.pk, kind="commission")
        assert correction.reason and correction.after["voters"] == job.truth["voters"]
    for job in by_fault["E04"]:
        # Typed from an unreadable copy: blocked with E04, discarded, typed again.
        discarded = DataEntry.objects.filter(sheet_id=job.sheet.pk, state="discarded")
        assert discarded.count() == 2
        assert all("E04" in e.check_codes for e in discarded)
        assert TallySheet.objects.get(pk=job.sheet.pk).status == "definitive"
    for fault in ("W01", "W06", "W13"):
        for job in by_fault[fault]:
            acks = Acknowledgement.objects.filter(sheet_id=job.sheet.pk, code=fault)
            assert acks.count() == 1 and acks.get().reason
    typos = [j for j in jobs if j.plan.typo_entry]
    assert typos
    for job in typos:
        first, second = DataEntry.objects.filter(sheet_id=job.sheet.pk).order_by("pk")[:2]
        assert first.figures != second.figures  # the differing entries are both kept
    r = report["rounds"][0]
    assert r["blocked"]["E03"] >= len(by_fault["E03"])
    assert r["blocked"]["E04"] >= len(by_fault["E04"])
    assert r["resolved"] >= len(typos)
    assert r["late_sheets"] == sum(j.late for j in jobs) >= 1
    assert len(r["looks"]) == 2
    assert float(r["looks"][0]["counted_percent"]) < 100


def test_the_same_seed_gives_the_same_results():
    _, a = run(seed=5)
    _, b = run(seed=5, day=NEXT_SUNDAY)
    ra, rb = a["rounds"][0], b["rounds"][0]
    assert ra["provisional"] == rb["provisional"]
    assert ra["final"] == rb["final"]
    assert [x["station"] for x in ra["annulments"]] == [x["station"] for x in rb["annulments"]]
    assert a["rounds"][0]["selections"] == b["rounds"][0]["selections"]
    _, c = run(seed=6, day=date(2026, 5, 10))
    assert c["rounds"][0]["final"] != ra["final"]


@pytest.mark.article("127")
def test_a_second_round_is_held_when_nobody_has_an_absolute_majority():
    sim, report = run(runoff=True, electors=15_000)
    round1, round2 = Round.objects.filter(election__code="PRES-2026-04-26").order_by("number")
    pairs = second_round_candidates(tabulate(round1))
    assert list(pairs) == ["NATION"]
    codes = list(
        Selection.objects.filter(contest__round=round2)
        .order_by("order")
        .values_list("code", flat=True)
    )
    assert codes == pairs["NATION"]
    assert round2.status == Round.Status.FINAL
    assert_final_equals_recount(round2)
    r1, r2 = report["rounds"]
    assert r1["outcome"]["elected"] is None
    assert [p["code"] for p in r1["outcome"]["second_round"]] == pairs["NATION"]
    assert r2["outcome"]["elected"]["code"] in pairs["NATION"]
    assert verify().ok


@pytest.mark.article("144")
def test_legislative_lists_and_second_rounds_end_in_final_results():
    sim, report = run("legislative", day=date(2026, 7, 5), seed=3)
    rounds = list(Round.objects.filter(election__code="LEG-2026-07-05").order_by("number"))
    round1 = rounds[0]
    assert_final_equals_recount(round1)
    pairs = second_round_candidates(tabulate(round1))
    if pairs:
        assert len(rounds) == 2
        assert set(pairs) == set(rounds[1].contests.values_list("code", flat=True))
        assert_final_equals_recount(rounds[1])
    else:
        assert len(rounds) == 1
    # Kidal's four cercles voted; the other constituencies have no station.
    outcome = report["rounds"][0]["outcome"]
    assert outcome["decided"] + outcome["second_round"] + outcome["undecided"] == 4
    assert verify().ok


@pytest.mark.article("176")
@pytest.mark.article("187")
@pytest.mark.article("188")
def test_communal_results_are_proclaimed_by_each_commission_then_made_final():
    sim, report = run("communal", day=date(2026, 6, 7), seed=4, electors=15_000)
    round1 = Round.objects.get(election__code="COM-2026-06-07", number=1)
    scopes = communal_scopes(round1)
    for kind in ("provisional", "final"):
        assert Proclamation.objects.filter(round=round1, kind=kind).count() == len(scopes)
    assert round1.status == Round.Status.FINAL
    assert_final_equals_recount(round1)
    outcome = report["rounds"][0]["outcome"]
    assert outcome["decided"] == 11  # the eleven communes of Kidal
    assert outcome["elected"] == sum(outcome["seats_by_party"].values()) > 0
    assert verify().ok
