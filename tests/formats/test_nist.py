"""The NIST SP 1500-100 v2 export: valid against the official schema, the GpUnit tree complete,
the counts those of the centralisation (Art. 141, 142, 149, 150, 187).

The reference for the counts is the tabulation (``kalata.results.tabulation``), itself tested
against an independent recount in ``tests/results``; here an independent sum of the definitive
minutes checks the nation too.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

import pytest

from kalata.cli import main
from kalata.elections.models import Contest, Election, ListMember
from kalata.formats import nist
from kalata.results.models import TallySheet
from kalata.results.proclamation import proclaim
from kalata.results.tabulation import station_results, tabulate
from tests.formats.fixtures import (
    ANNULLED_STATION,
    decided_first_round,
    enter,
    presidential,
    with_second_round,
)
from tests.results.tabulation_fixtures import (
    add_sheets,
    add_stations,
    build_territory,
    make_contest,
    make_definitive,
    make_election,
    make_list,
    make_round,
    make_selections,
    make_user,
)

pytestmark = pytest.mark.django_db

AT = datetime(2026, 4, 28, 18, 0, tzinfo=UTC)


def valid(report: dict) -> dict:
    """The report passes Kalata's validation and the plain draft-04 validator of jsonschema."""
    errors = nist.validate(report)
    assert errors == [], errors[:5]
    assert nist.validate_strict(report)
    return report


def units(report: dict) -> dict[str, dict]:
    return {u["@id"]: u for u in report["GpUnit"]}


def counts_by_unit(selection: dict, kind: str = "total") -> dict[str, int]:
    return {v["GpUnitId"]: v["Count"] for v in selection["VoteCounts"] if v["Type"] == kind}


def ext(obj: dict, other_type: str = "kalata") -> str:
    return next(e["Value"] for e in obj["ExternalIdentifier"] if e["OtherType"] == other_type)


def code(selection: dict) -> str:
    """A selection's Kalata code: the end of its id (``sel-<round>-<contest>-C01``)."""
    return selection["@id"].rsplit("-", 1)[-1]


# --------------------------------------------------------------------------------------------
# Schema and status


def test_the_schema_shipped_is_nists_draft_04_json_schema():
    schema = nist.load_schema()
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    assert schema["$ref"] == "#/definitions/ElectionResults.ElectionReport"


@pytest.mark.article("141")
def test_results_while_minutes_arrive_are_unofficial_partial_and_valid():
    p = presidential()
    sheets = p.sheets()
    enter(sheets[:5], (p.awa, p.moussa))  # 5 of 8 definitive
    enter(sheets[5:6], (p.awa,))  # one at first entry, two not received
    report = valid(nist.election_report(p.election, generated_at=AT))
    assert report["Status"] == "unofficial-partial"
    assert report["Issuer"].startswith("Ministère de l'Administration Territoriale")
    assert report["IssuerAbbreviation"] == "MATCL"
    assert report["Format"] == "precinct-level"
    assert report["VendorApplicationId"].startswith("Kalata ")
    assert report["GeneratedDate"] == "2026-04-28T18:00:00Z"
    (election,) = report["Election"]
    assert election["Type"] == "general"
    (contest,) = election["Contest"]
    assert contest["@type"] == "ElectionResults.CandidateContest"
    assert contest["CountStatus"][0]["Status"] == "in-process"
    assert (contest["SubUnitsReported"], contest["TotalSubUnits"]) == (5, 8)
    assert contest["NumberElected"] == 1 and contest["VotesAllowed"] == 1
    # Stations not yet counted have no counts at all (absent, not zero).
    counted = {
        s.station.code for s in TallySheet.objects.filter(round=p.round, status="definitive")
    }
    station_ids = {gid for gid in counts_by_unit(contest["ContestSelection"][0]) if "-BV" in gid}
    assert station_ids == {nist.gpu_id(code) for code in counted}


@pytest.mark.article("141")
def test_every_minutes_definitive_makes_the_results_unofficial_complete():
    p = presidential()
    decided_first_round(p)
    report = valid(nist.election_report(p.round, generated_at=AT))
    assert report["Status"] == "unofficial-complete"
    contest = report["Election"][0]["Contest"][0]
    assert contest["CountStatus"][0]["Status"] == "completed"


@pytest.mark.article("141")
@pytest.mark.article("142")
def test_provisional_then_final_proclamation_moves_to_certified_issued_by_the_court():
    p = presidential()
    decided_first_round(p)
    proclaim(p.round, "provisional", p.officer)
    provisional = valid(nist.election_report(p.round, generated_at=AT))
    assert provisional["Status"] == "unofficial-complete"
    assert provisional["IssuerAbbreviation"] == "MATCL"
    candidates = {ext(c): c for c in provisional["Election"][0]["Candidate"]}
    assert candidates["C01"]["PostElectionStatus"] == "advanced-to-runoff"
    assert candidates["C03"]["PostElectionStatus"] == "defeated"
    proclaim(p.round, "final", p.officer)
    final = valid(nist.election_report(p.round, generated_at=AT))
    assert final["Status"] == "certified"
    assert final["Issuer"] == "Cour constitutionnelle du Mali"
    assert final["IssuerAbbreviation"] == "CCM"


def test_report_status_is_the_least_advanced_round():
    assert nist.report_status(["certified", "unofficial-partial"]) == "unofficial-partial"
    assert nist.report_status(["certified", "pre-election"]) == "unofficial-partial"
    assert nist.report_status(["pre-election"]) == "pre-election"
    assert nist.report_status(["certified", "certified"]) == "certified"
    assert nist.report_status(["unofficial-complete", "certified"]) == "unofficial-complete"


# --------------------------------------------------------------------------------------------
# The GpUnit tree


@pytest.mark.article("141")
def test_every_station_reaches_the_nation_through_the_tree():
    p = presidential()
    decided_first_round(p)
    report = valid(nist.election_report(p.election, generated_at=AT))
    by_id = units(report)
    parent = {}
    for unit in report["GpUnit"]:
        for child in unit.get("ComposingGpUnitIds", []):
            assert child not in parent, f"{child} has two parents"
            parent[child] = unit["@id"]
    stations = p.stations()
    assert len([u for u in report["GpUnit"] if u["Type"] == "precinct"]) == len(stations) == 8
    for station in stations:
        chain = [nist.gpu_id(station.code)]
        while chain[-1] in parent:
            chain.append(parent[chain[-1]])
        assert chain[-1] == "gpu-ML", chain
        types = [by_id[g].get("OtherType", by_id[g]["Type"]) for g in chain]
        if station.commune_id and station.commune.cercle_id:
            assert types == ["precinct", "municipality", "cercle", "region", "country"]
        elif station.commune_id:  # Bamako: the District stands for cercle and region
            assert types == ["precinct", "municipality", "district", "country"]
        else:
            assert types == ["precinct", "mission", "abroad", "country"]
    nation = by_id["gpu-ML"]
    assert nation["Type"] == "country"
    assert nation["VotersRegistered"] == sum(s.registered for s in stations)
    assert ext(nation, "ocha-pcode") == "ML"
    assert ext(by_id["gpu-R01"], "ocha-pcode") == "ML01"
    assert ext(by_id["gpu-CM010101-BV001"]) == "CM010101-BV001"
    assert by_id["gpu-C0101"]["VotersRegistered"] == 1500 + 1200


@pytest.mark.article("141")
def test_a_summary_report_has_no_station():
    p = presidential()
    decided_first_round(p)
    report = valid(nist.election_report(p.election, generated_at=AT, level="commune"))
    assert report["Format"] == "summary-contest"
    assert not [u for u in report["GpUnit"] if u["Type"] == "precinct"]
    ids = {u["@id"] for u in report["GpUnit"]}
    for selection in report["Election"][0]["Contest"][0]["ContestSelection"]:
        assert set(counts_by_unit(selection)) <= ids


# --------------------------------------------------------------------------------------------
# Counts


def assert_counts_equal_tabulation(report: dict, rnd, election_index: int) -> None:
    results = tabulate(rnd)
    stations = station_results(rnd)
    election = report["Election"][election_index]
    ballots = {b["GpUnitId"]: b for b in election["BallotCounts"]}
    contests = {ext(c): c for c in election["Contest"]}
    expected_ballots: dict[str, list[int]] = {}
    for contest in results.contests:
        exported = contests[contest.code]
        selections = {code(s): s for s in exported["ContestSelection"]}
        every = [
            u for level in ("nation", "region", "cercle", "commune") for u in contest.units[level]
        ]
        every += list(stations.get(contest.code, ()))
        seen = set()
        for unit in every:
            gid = nist.gpu_id(unit.code)
            if unit.progress.sheets_definitive == 0:
                assert all(gid not in counts_by_unit(s) for s in selections.values())
                continue
            for sel, votes in unit.votes.items():
                assert counts_by_unit(selections[sel])[gid] == votes, (gid, sel)
            if gid not in seen:  # the District and missions appear at two levels
                seen.add(gid)
                acc = expected_ballots.setdefault(gid, [0, 0])
                acc[0] += unit.voters
                acc[1] += unit.null_ballots
    # Ballots are counted per unit over every contest of the round (one ballot per voter).
    assert {g: [b["BallotsCast"], b["BallotsRejected"]] for g, b in ballots.items()} == (
        expected_ballots
    )


@pytest.mark.article("87")
@pytest.mark.article("141")
def test_counts_equal_the_tabulation_at_every_level_and_the_sum_of_the_minutes():
    p = presidential()
    sheets = p.sheets()
    enter(sheets[:6], (p.awa, p.moussa))
    report = valid(nist.election_report(p.election, generated_at=AT))
    assert_counts_equal_tabulation(report, p.round, 0)
    # Independent sum of the definitive minutes for the nation.
    definitive = TallySheet.objects.filter(round=p.round, status="definitive")
    nation = {
        code(s): counts_by_unit(s)["gpu-ML"]
        for s in report["Election"][0]["Contest"][0]["ContestSelection"]
    }
    for c in ("C01", "C02", "C03"):
        assert nation[c] == sum(s.figures["votes"][c] for s in definitive)
    cast = {b["GpUnitId"]: b["BallotsCast"] for b in report["Election"][0]["BallotCounts"]}
    assert cast["gpu-ML"] == sum(s.voters for s in definitive)


@pytest.mark.article("127")
@pytest.mark.article("142")
def test_an_annulment_and_a_second_round_export_valid_with_both_rounds():
    p = presidential()
    r2 = with_second_round(p)
    report = valid(nist.election_report(p.election, generated_at=AT))
    assert report["Status"] == "unofficial-partial"  # round 2 still counting
    assert report["IssuerAbbreviation"] == "MATCL"
    first, second = report["Election"]
    assert (first["Type"], second["Type"]) == ("general", "runoff")
    assert ext(second) == r2.code and second["StartDate"] == r2.polling_date.isoformat()
    # The annulled station counts nowhere in round 1 and the annulment is in the notes.
    for selection in first["Contest"][0]["ContestSelection"]:
        assert nist.gpu_id(ANNULLED_STATION) not in counts_by_unit(selection)
    assert ANNULLED_STATION in report["Notes"] and "Arrêt n°2026-01/CC-EP" in report["Notes"]
    assert_counts_equal_tabulation(report, p.round, 0)
    assert_counts_equal_tabulation(report, r2, 1)
    round1 = {ext(c): c.get("PostElectionStatus") for c in first["Candidate"]}
    assert round1 == {"C01": "advanced-to-runoff", "C02": "advanced-to-runoff", "C03": "defeated"}
    assert {ext(c) for c in second["Candidate"]} == {"C01", "C02"}
    # Ids are unique across rounds: each round has its own contest, selections, candidates.
    assert first["Contest"][0]["@id"] != second["Contest"][0]["@id"]
    parties = {p_["@id"]: p_ for p_ in report["Party"]}
    assert set(parties) == {
        "party-ALLIANCE-POUR-LA-DEMOCRATIE-AU-MALI",
        "party-RASSEMBLEMENT-POUR-LE-MALI",
    }


@pytest.mark.article("127")
@pytest.mark.article("142")
def test_a_second_round_proclaimed_final_makes_the_election_certified():
    p = presidential()
    r2 = with_second_round(p, complete=True)
    proclaim(r2, "provisional", p.officer)
    assert valid(nist.election_report(p.election, generated_at=AT))["Status"] == (
        "unofficial-complete"
    )
    proclaim(r2, "final", p.officer)
    report = valid(nist.election_report(p.election, generated_at=AT))
    assert report["Status"] == "certified"
    assert report["IssuerAbbreviation"] == "CCM"
    second = report["Election"][1]
    statuses = {ext(c): c["PostElectionStatus"] for c in second["Candidate"]}
    assert statuses == {"C01": "winner", "C02": "defeated"}


def test_the_output_is_deterministic():
    p = presidential()
    decided_first_round(p)
    a = nist.dumps(nist.election_report(p.election, generated_at=AT))
    b = nist.dumps(nist.election_report(p.election, generated_at=AT))
    assert a == b
    assert '"@id": "ctst-PRES-2026-04-26-T1-NATION"' in a
    assert '"@id": "sel-PRES-2026-04-26-T1-NATION-C01"' in a


# --------------------------------------------------------------------------------------------
# Other kinds of election (small ORM territory)


@pytest.mark.article("125")
@pytest.mark.article("126")
def test_a_referendum_is_a_ballot_measure_with_oui_and_non():
    t = build_territory()
    election = make_election(Election.Kind.REFERENDUM)
    election.question = "Approuvez-vous le projet de Constitution ?"
    election.save()
    rnd = make_round(election)
    nation = make_contest(rnd, "NATION", "Territoire national", Contest.Level.NATION)
    make_selections(nation, ["OUI", "NON"], kind="answer")
    sheets = add_sheets(rnd, nation, add_stations(election, t.communes["CM010101"], [500, 400]))
    make_definitive(
        sheets[0], registered=500, voters=300, null_ballots=10, votes={"OUI": 200, "NON": 90}
    )
    make_definitive(
        sheets[1], registered=400, voters=200, null_ballots=0, votes={"OUI": 50, "NON": 150}
    )
    report = valid(nist.election_report(election, generated_at=AT))
    (contest,) = report["Election"][0]["Contest"]
    assert contest["@type"] == "ElectionResults.BallotMeasureContest"
    assert contest["Type"] == "referendum"
    assert contest["FullText"]["Text"][0]["Content"].startswith("Approuvez-vous")
    answers = {ext(s): s for s in contest["ContestSelection"]}
    assert answers["OUI"]["@type"] == "ElectionResults.BallotMeasureSelection"
    assert counts_by_unit(answers["OUI"])["gpu-ML"] == 250
    assert counts_by_unit(answers["NON"])["gpu-ML"] == 240
    assert "Candidate" not in report["Election"][0]


@pytest.mark.article("176")
@pytest.mark.article("187")
def test_communal_lists_export_their_members_and_the_seats_won():
    t = build_territory()
    election = make_election(Election.Kind.COMMUNAL)
    rnd = make_round(election)
    commune = t.communes["CM010202"]  # 11 councillors
    contest = make_contest(
        rnd, "CM010202", commune.name, Contest.Level.COMMUNE, seats=11, commune=commune
    )
    a = make_list(contest, "L01", 1, [(f"Candidat A{i}", None) for i in range(1, 12)])
    make_list(contest, "L02", 2, [(f"Candidat B{i}", None) for i in range(1, 12)])
    a.party = "Union pour la République et la Démocratie"
    a.save()
    sheets = add_sheets(rnd, contest, add_stations(election, commune, [350, 330]))
    make_definitive(
        sheets[0], registered=350, voters=200, null_ballots=0, votes={"L01": 120, "L02": 80}
    )
    make_definitive(
        sheets[1], registered=330, voters=150, null_ballots=4, votes={"L01": 70, "L02": 76}
    )
    user = make_user()
    proclaim(rnd, "provisional", user, scope="C0102")
    rnd.refresh_from_db()
    report = valid(nist.election_report(rnd, generated_at=AT))
    assert report["Status"] == "unofficial-complete"
    (exported,) = report["Election"][0]["Contest"]
    assert exported["ElectionDistrictId"] == "gpu-CM010202"
    assert exported["NumberElected"] == 11 and exported["VoteVariation"] == "proportional"
    lists = {code(s): s for s in exported["ContestSelection"]}
    assert len(lists["L01"]["CandidateIds"]) == 11
    assert lists["L01"]["EndorsementPartyIds"] == [
        "party-UNION-POUR-LA-REPUBLIQUE-ET-LA-DEMOCRATIE"
    ]
    seats = {c: counts_by_unit(s, "seats")["gpu-CM010202"] for c, s in lists.items()}
    decision = tabulate(rnd).contests[0].outcome.decision
    assert seats == dict(decision.seats) and sum(seats.values()) == 11
    elected = [
        c
        for c in report["Election"][0]["Candidate"]
        if c.get("PostElectionStatus") == "projected-winner"
    ]
    assert len(elected) == 11
    assert ListMember.objects.filter(selection__contest=contest).count() == 22


@pytest.mark.article("143")
@pytest.mark.article("149")
def test_legislative_constituencies_are_the_cercles_and_the_communes_of_bamako():
    t = build_territory()
    election = make_election(Election.Kind.LEGISLATIVE)
    rnd = make_round(election)
    kayes = make_contest(
        rnd, "C0101", "Cercle de Kayes", Contest.Level.CERCLE, seats=2, cercle=t.cercles["C0101"]
    )
    bamako = make_contest(
        rnd,
        "CM090001",
        "Commune I",
        Contest.Level.BAMAKO_COMMUNE,
        seats=2,
        commune=t.communes["CM090001"],
    )
    for contest in (kayes, bamako):
        make_list(contest, "L01", 1, [("X", None), ("Y", None)])
        make_list(contest, "L02", 2, [("Z", None), ("W", None)])
    s1 = add_sheets(rnd, kayes, add_stations(election, t.communes["CM010101"], [500]))
    s2 = add_sheets(rnd, bamako, add_stations(election, t.communes["CM090001"], [600]))
    make_definitive(
        s1[0], registered=500, voters=300, null_ballots=0, votes={"L01": 200, "L02": 100}
    )
    make_definitive(
        s2[0], registered=600, voters=300, null_ballots=0, votes={"L01": 100, "L02": 200}
    )
    report = valid(nist.election_report(election, generated_at=AT))
    contests = {ext(c): c for c in report["Election"][0]["Contest"]}
    assert contests["C0101"]["ElectionDistrictId"] == "gpu-C0101"
    assert contests["CM090001"]["ElectionDistrictId"] == "gpu-CM090001"
    assert_counts_equal_tabulation(report, rnd, 0)
    ballots = {b["GpUnitId"]: b["BallotsCast"] for b in report["Election"][0]["BallotCounts"]}
    assert ballots["gpu-ML"] == 600  # both constituencies together


# --------------------------------------------------------------------------------------------
# Validation catches errors


def test_validation_reports_schema_and_reference_errors_in_french():
    p = presidential()
    decided_first_round(p)
    report = nist.election_report(p.round, generated_at=AT)
    broken = copy.deepcopy(report)
    broken["Status"] = "provisoire"
    broken["Election"][0]["BallotCounts"][0]["GpUnitId"] = "gpu-NULLE-PART"
    broken["GpUnit"].append(copy.deepcopy(broken["GpUnit"][0]))
    errors = nist.validate(broken)
    assert not nist.validate_strict(broken)
    assert any("non conforme au schéma NIST en « /Status »" in e for e in errors)
    assert any("« gpu-NULLE-PART », absent du document" in e for e in errors)
    assert any("identifiant « gpu-ML » présent 2 fois" in e for e in errors)


def test_the_fast_one_of_gives_the_plain_validators_verdict_on_a_bad_selection():
    p = presidential()
    decided_first_round(p)
    report = nist.election_report(p.round, generated_at=AT)
    broken = copy.deepcopy(report)
    selection = broken["Election"][0]["Contest"][0]["ContestSelection"][0]
    selection["VoteCounts"][0]["Count"] = "trois"
    selection["Nom"] = "interdit"
    errors = nist.validate(broken)
    assert not nist.validate_strict(broken)
    assert any("/ContestSelection/0/VoteCounts/0/Count" in e for e in errors), errors
    assert any("'Nom' was unexpected" in e for e in errors), errors
    unknown = copy.deepcopy(report)
    unknown["Election"][0]["Contest"][0]["@type"] = "ElectionResults.Inconnu"
    assert nist.validate(unknown) and not nist.validate_strict(unknown)


# --------------------------------------------------------------------------------------------
# Command line


@pytest.mark.article("141")
def test_cli_export_nist_validates_and_writes_the_file(tmp_path, capsys):
    p = presidential()
    decided_first_round(p)
    out = tmp_path / "resultats.json"
    code = main(
        [
            "results",
            "export",
            p.election.code,
            "--format",
            "nist",
            "--validate",
            "--output",
            str(out),
        ]
    )
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert "conforme au schéma officiel" in printed.out
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["Status"] == "unofficial-complete"
    assert nist.validate(report) == []
    assert main(["results", "export", p.round.code, "--format", "nist", "--level", "region"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["Format"] == "summary-contest"
    assert main(["results", "export", "PRES-2099-01-01-T1", "--format", "nist"]) == 2
    assert "tour inconnu" in capsys.readouterr().err
