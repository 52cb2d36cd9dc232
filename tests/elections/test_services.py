"""Setting up elections: contests per type, stations, candidacies, expected minutes, round 2."""

from __future__ import annotations

import time
from datetime import date

import pytest
from django.db.models import Sum

from kalata.audit.models import AuditEvent
from kalata.audit.services import verify
from kalata.elections import services
from kalata.elections.models import Contest, Election, ListMember, PollingStation, Round, Selection
from kalata.law.explain import LawError
from kalata.results.models import TallySheet
from kalata.territory.models import Cercle, Commune, Mission

pytestmark = pytest.mark.django_db

SUNDAY = date(2026, 4, 26)
SATURDAY = date(2026, 4, 25)


def _create(kind, polling_date=SUNDAY, **kw):
    return services.create_election(kind, polling_date, actor="awa", **kw)


def _members(n, prefix="Candidat"):
    return [(i, f"{prefix} {i}", date(1970, 1, 1 + i % 28)) for i in range(1, n + 1)]


def _lists_everywhere(round_, per_contest=2):
    """Two full lists in every contest of a list election (sizes = seats)."""
    specs = {}
    for c in Contest.objects.filter(round=round_):
        specs[c.code] = [
            {
                "code": f"L{j}",
                "name": f"Liste {j}",
                "kind": "list",
                "party": f"Parti {j}",
                "members": _members(c.seats, f"{c.code} L{j} n°"),
            }
            for j in range(1, per_contest + 1)
        ]
    return services.add_selections(round_, specs, actor="awa")


def _candidates(n=3):
    return [
        {"code": f"C{i:02d}", "name": f"Candidat {i}", "party": f"Parti {i}"}
        for i in range(1, n + 1)
    ]


# --- create_election: contests per type ------------------------------------------------------


@pytest.mark.article("140")
def test_presidential_has_one_national_contest_with_one_seat(territory):
    setup = _create("presidential")
    e = setup.election
    assert e.code == "PRES-2026-04-26"
    assert e.title == "Élection du Président de la République — dimanche 26 avril 2026"
    assert setup.round.number == 1 and setup.round.status == Round.Status.SETUP
    assert setup.round.polling_date == SUNDAY and setup.round.code == "PRES-2026-04-26-T1"
    contests = list(Contest.objects.filter(round=setup.round))
    assert [(c.code, c.level, c.seats) for c in contests] == [("NATION", "nation", 1)]
    assert setup.warnings == ()
    event = AuditEvent.objects.get(event_type="election.created")
    assert (event.actor, event.object_model, event.object_pk) == (
        "awa",
        "elections.election",
        "PRES-2026-04-26",
    )


@pytest.mark.article("125")
@pytest.mark.article("126")
def test_referendum_has_one_national_contest_with_yes_and_no(territory):
    setup = _create("referendum", question="Approuvez-vous la Constitution ?")
    assert setup.election.code == "REF-2026-04-26"
    assert setup.election.question == "Approuvez-vous la Constitution ?"
    nation = Contest.objects.get(round=setup.round)
    assert nation.code == "NATION"
    answers = list(nation.selections.values_list("code", "kind", "order"))
    assert answers == [("OUI", "answer", 1), ("NON", "answer", 2)]
    with pytest.raises(LawError) as exc:
        services.add_selection(nation, "PEUT", "Peut-être", "answer")
    assert exc.value.articles == ("126",)


@pytest.mark.article("143")
def test_legislative_has_55_constituencies_and_147_seats(territory):
    setup = _create("legislative")
    assert setup.election.code == "LEG-2026-04-26"
    assert (setup.contests, setup.seats) == (55, 147)
    contests = {c.code: c for c in Contest.objects.filter(round=setup.round)}
    assert len(contests) == 55
    assert sum(c.seats for c in contests.values()) == 147
    assert set(contests) == set(Cercle.objects.values_list("code", flat=True)) | {
        f"CM09000{i}" for i in range(1, 7)
    }
    kati = contests["C0205"]
    assert (kati.name, kati.level, kati.seats, kati.cercle.code) == (
        "Cercle de Kati",
        "cercle",
        7,
        "C0205",
    )
    c2 = contests["CM090002"]
    assert (c2.name, c2.level, c2.seats, c2.commune.code, c2.region.code) == (
        "Commune II du District de Bamako",
        "bamako_commune",
        3,
        "CM090002",
        "D09",
    )


@pytest.mark.article("143")
def test_legislative_seats_take_the_administrators_correction(territory):
    setup = _create("legislative", deputies={"CM090002": 2, "C0106": 4})
    seats = dict(Contest.objects.filter(round=setup.round).values_list("code", "seats"))
    assert seats["CM090002"] == 2 and seats["C0106"] == 4
    with pytest.raises(LawError):
        _create("legislative", date(2026, 5, 3), deputies={"CM010101": 3})
    with pytest.raises(LawError) as exc:
        _create("communal", deputies={"C0106": 3})
    assert exc.value.code == "deputies_not_legislative"


@pytest.mark.article("177")
def test_communal_has_one_contest_per_commune_with_its_councillors(territory):
    setup = _create("communal")
    assert setup.election.code == "COM-2026-04-26"
    councillors = Commune.objects.aggregate(s=Sum("councillors"))["s"]
    assert councillors == 10_789
    assert (setup.contests, setup.seats) == (703, councillors)
    c = Contest.objects.get(round=setup.round, code="CM010101")
    assert (c.name, c.level, c.seats, c.commune.code, c.cercle.code) == (
        "Bangassi (cercle de Kayes)",
        "commune",
        11,
        "CM010101",
        "C0101",
    )
    assert Contest.objects.get(round=setup.round, code="CM090006").name == (
        "Commune VI (District de Bamako)"
    )


@pytest.mark.article("155")
def test_national_councillors_are_not_handled_yet(territory):
    with pytest.raises(LawError) as exc:
        _create("national-councillors")
    assert "pas encore pris en charge" in exc.value.message
    assert not Election.objects.exists()


def test_unknown_type_is_refused_in_french(territory):
    with pytest.raises(LawError) as exc:
        _create("municipales")
    assert exc.value.code == "unknown_election_type"


@pytest.mark.article("78")
def test_polling_date_must_be_a_sunday_unless_forced(territory):
    with pytest.raises(LawError) as exc:
        _create("presidential", SATURDAY)
    assert exc.value.code == "not_sunday" and "78" in exc.value.articles
    assert "samedi 25 avril 2026" in exc.value.message
    assert not Election.objects.exists()
    setup = _create("presidential", SATURDAY, force=True)
    assert setup.election.code == "PRES-2026-04-25"
    assert any("78" in w.articles for w in setup.warnings)
    event = AuditEvent.objects.get(event_type="election.created")
    assert event.reason.startswith("Date forcée")


def test_an_election_is_created_once(territory):
    _create("presidential")
    with pytest.raises(LawError) as exc:
        _create("presidential", title="Autre intitulé")
    assert exc.value.code == "election_exists"
    assert Election.objects.count() == 1


def test_territory_must_be_loaded(db):
    with pytest.raises(LawError) as exc:
        _create("presidential")
    assert exc.value.code == "territory_not_loaded"


@pytest.mark.article("71")
@pytest.mark.article("127")
def test_create_election_can_set_up_stations_and_candidates_in_one_go(territory):
    setup = _create(
        "presidential", electors={"CM010101": 1500, "AMB-CI-ABIDJAN": 800}, selections=_candidates()
    )
    assert setup.stations.stations == 3 + 2
    assert setup.selections == 3
    assert PollingStation.objects.filter(election=setup.election).count() == 5
    assert Selection.objects.filter(contest__round=setup.round).count() == 3


def test_a_failing_part_leaves_nothing_written(territory):
    with pytest.raises(LawError):
        _create("presidential", electors={"CM010101": 1500, "NOWHERE": 5})
    assert not Election.objects.exists()
    assert not AuditEvent.objects.filter(event_type="election.created").exists()


# --- Polling stations -----------------------------------------------------------------------


@pytest.mark.article("71")
def test_stations_split_balanced_with_codes_and_names(territory):
    e = _create("communal").election
    result = services.create_stations(e, {"CM010101": 1500, "CM010102": 0}, "awa")
    assert (result.units, result.stations, result.registered) == (2, 3, 1500)
    rows = list(
        PollingStation.objects.filter(election=e).values_list(
            "code", "number", "name", "registered"
        )
    )
    assert rows == [
        ("CM010101-BV001", 1, "Bureau n°1", 500),
        ("CM010101-BV002", 2, "Bureau n°2", 500),
        ("CM010101-BV003", 3, "Bureau n°3", 500),
    ]
    event = AuditEvent.objects.get(event_type="election.stations_created")
    assert '"CM010101":[3,1500]' in event.after


@pytest.mark.article("71")
@pytest.mark.parametrize(
    ("electors", "sizes"),
    [(1, [1]), (700, [700]), (701, [351, 350]), (1400, [700, 700]), (1401, [467, 467, 467])],
)
def test_one_station_per_700_electors_or_fraction(territory, electors, sizes):
    e = _create("presidential").election
    services.create_stations(e, {"CM010101": electors}, "awa")
    got = list(
        PollingStation.objects.filter(election=e)
        .order_by("number")
        .values_list("registered", flat=True)
    )
    assert got == sizes
    assert sum(got) == electors and max(got) <= 700


@pytest.mark.article("140")
@pytest.mark.article("23")
@pytest.mark.article("28")
def test_missions_hold_stations_for_the_presidential_election(territory):
    e = _create("presidential").election
    services.create_stations(e, {"AMB-CI-ABIDJAN": 2000, "CM090001": 700}, "awa")
    abroad = PollingStation.objects.filter(election=e, mission__code="AMB-CI-ABIDJAN")
    assert list(abroad.values_list("code", flat=True)) == [
        "AMB-CI-ABIDJAN-BV001",
        "AMB-CI-ABIDJAN-BV002",
        "AMB-CI-ABIDJAN-BV003",
    ]
    assert all(s.commune_id is None for s in abroad)


@pytest.mark.article("125")
@pytest.mark.article("28")
def test_missions_hold_stations_for_a_referendum(territory):
    e = _create("referendum").election
    services.create_stations(e, {"CG-CI-BOUAKE": 10}, "awa")
    assert PollingStation.objects.get(election=e).mission.code == "CG-CI-BOUAKE"


@pytest.mark.article("143")
def test_missions_do_not_vote_for_deputies(territory):
    e = _create("legislative").election
    with pytest.raises(LawError) as exc:
        services.create_stations(e, {"CM010101": 100, "AMB-CI-ABIDJAN": 100}, "awa")
    assert exc.value.code == "mission_not_in_constituency"
    assert exc.value.articles[0] == "143"
    assert "députés" in exc.value.message
    assert not PollingStation.objects.exists()


@pytest.mark.article("177")
def test_missions_do_not_vote_for_communal_councillors(territory):
    e = _create("communal").election
    with pytest.raises(LawError) as exc:
        services.create_stations(e, {"AMB-SN-DAKAR": 100}, "awa")
    assert exc.value.articles[0] == "177"


@pytest.mark.article("71")
def test_bad_station_input_is_refused_in_french(territory):
    e = _create("presidential").election
    with pytest.raises(LawError) as exc:
        services.create_stations(e, {"CM999999": 10}, "awa")
    assert exc.value.code == "unit_unknown" and "CM999999" in exc.value.message
    for bad in (-1, 1.5, True, "700"):
        with pytest.raises(LawError) as exc:
            services.create_stations(e, {"CM010101": bad}, "awa")
        assert exc.value.code == "electors_invalid"
    with pytest.raises(LawError):
        services.create_stations(e, {}, "awa")
    services.create_stations(e, {"CM010101": 10}, "awa")
    with pytest.raises(LawError) as exc:
        services.create_stations(e, {"CM010101": 10, "CM010102": 5}, "awa")
    assert exc.value.code == "stations_exist"
    assert PollingStation.objects.filter(election=e).count() == 1


@pytest.mark.article("71")
def test_national_scale_stations_are_created_in_bulk_quickly(territory):
    """~7 million electors: every commune and mission, ~10,000 stations (a speed guard)."""
    e = _create("presidential").election
    communes = list(Commune.objects.values_list("code", "population"))
    population = sum(p for _, p in communes)
    electors = {code: p * 6_900_000 // population for code, p in communes}
    electors.update({code: 20_000 for code in Mission.objects.values_list("code", flat=True)})
    start = time.perf_counter()
    result = services.create_stations(e, electors, "awa")
    elapsed = time.perf_counter() - start
    assert result.registered == sum(electors.values()) > 6_900_000
    assert PollingStation.objects.filter(election=e).count() == result.stations > 10_000
    assert elapsed < 5, f"{elapsed:.2f} s"  # measured ≈ 0.3–0.6 s; generous for shared CI


# --- Candidacies ----------------------------------------------------------------------------


@pytest.mark.article("127")
def test_presidential_candidates_go_to_the_nation_contest(territory):
    e = _create("presidential").election
    created = services.add_presidential_candidates(
        e, [*_candidates(2), {"code": "C03", "name": "Candidat 3", "birth_date": "1950-02-03"}]
    )
    assert [(s.code, s.kind, s.order) for s in created] == [
        ("C01", "candidate", 1),
        ("C02", "candidate", 2),
        ("C03", "candidate", 3),
    ]
    assert created[2].birth_date == date(1950, 2, 3)
    nation = Contest.objects.get(round__election=e)
    with pytest.raises(LawError) as exc:
        services.add_selection(nation, "C01", "Autre", "candidate")
    assert exc.value.code == "selection_code_taken"
    with pytest.raises(LawError) as exc:
        services.add_selection(nation, "L01", "Une liste", "list", members=_members(1))
    assert exc.value.code == "selection_kind_invalid" and exc.value.articles == ("127",)
    assert AuditEvent.objects.filter(event_type="election.selections_added").count() == 1


@pytest.mark.article("58")
@pytest.mark.article("185")
def test_communal_list_must_have_as_many_candidates_as_seats(territory):
    setup = _create("communal")
    bangassi = Contest.objects.get(round=setup.round, code="CM010101")  # 11 councillors
    with pytest.raises(LawError) as exc:
        services.add_selection(bangassi, "L01", "Liste A", "list", members=_members(10))
    assert exc.value.code == "list_size"
    assert exc.value.articles == ("58", "185")
    assert "10 candidat(s) pour 11 siège(s)" in exc.value.message
    with pytest.raises(LawError):
        services.add_selection(bangassi, "L01", "Liste A", "list", members=_members(12))
    s = services.add_selection(bangassi, "L01", "Liste A", "list", "Parti A", members=_members(11))
    assert list(s.members.values_list("rank", flat=True)) == list(range(1, 12))
    with pytest.raises(LawError) as exc:
        services.add_selection(bangassi, "C01", "Seul", "candidate")
    assert exc.value.code == "selection_kind_invalid"


@pytest.mark.article("58")
@pytest.mark.article("145")
def test_legislative_list_must_have_as_many_candidates_as_seats(territory):
    setup = _create("legislative")
    kati = Contest.objects.get(round=setup.round, code="C0205")  # 7 seats
    with pytest.raises(LawError) as exc:
        services.add_selection(kati, "L01", "Liste A", "list", members=_members(6))
    assert exc.value.articles == ("58", "145")
    with pytest.raises(LawError) as exc:
        services.add_selection(kati, "C01", "Un seul", "candidate")
    assert exc.value.code == "selection_kind_invalid"
    services.add_selection(kati, "L01", "Liste A", "list", members=_members(7))


@pytest.mark.article("144")
def test_a_single_candidate_may_stand_where_one_deputy_is_elected(territory):
    setup = _create("legislative")
    kidal = Contest.objects.get(round=setup.round, code="C0801")  # 1 seat
    s = services.add_selection(
        kidal, "C01", "Un candidat", "candidate", "Parti", None, (), "1960-05-01"
    )
    assert s.kind == "candidate" and s.birth_date == date(1960, 5, 1)
    services.add_selection(kidal, "L02", "Liste d'un", "list", members=_members(1))
    assert kidal.selections.count() == 2


@pytest.mark.article("58")
def test_two_lists_may_not_share_a_title_a_party_or_a_candidate(territory):
    setup = _create("communal")
    c = Contest.objects.get(round=setup.round, code="CM010101")
    services.add_selection(c, "L01", "Liste Espoir", "list", "Parti A", members=_members(11))
    with pytest.raises(LawError) as exc:
        services.add_selection(
            c, "L02", "liste  espoir", "list", "Parti B", members=_members(11, "X")
        )
    assert exc.value.code == "list_title_taken"
    with pytest.raises(LawError) as exc:
        services.add_selection(
            c, "L02", "Liste Avenir", "list", "Parti A", members=_members(11, "X")
        )
    assert exc.value.code == "list_party_taken"
    with pytest.raises(LawError) as exc:
        services.add_selection(c, "L02", "Liste Avenir", "list", "Parti B", members=_members(11))
    assert exc.value.code == "candidate_twice" and exc.value.articles == ("58",)
    services.add_selection(c, "L02", "Liste Avenir", "list", "Parti B", members=_members(11, "X"))


@pytest.mark.article("57")
def test_list_ranks_must_be_one_to_n(territory):
    setup = _create("communal")
    c = Contest.objects.get(round=setup.round, code="CM010101")
    members = _members(11)
    members[3] = (3, "Doublon", None)
    with pytest.raises(LawError) as exc:
        services.add_selection(c, "L01", "Liste", "list", members=members)
    assert exc.value.code == "member_ranks"
    dicts = [{"rank": r, "name": n, "birth_date": b} for r, n, b in _members(11)]
    s = services.add_selection(c, "L01", "Liste", "list", members=dicts)
    assert ListMember.objects.filter(selection=s).count() == 11


def test_a_batch_of_candidacies_is_all_or_nothing(territory):
    setup = _create("communal")
    specs = {
        "CM010101": [{"code": "L1", "name": "A", "kind": "list", "members": _members(11)}],
        "CM010102": [{"code": "L1", "name": "B", "kind": "list", "members": _members(1)}],
    }
    with pytest.raises(LawError):
        services.add_selections(setup.round, specs)
    assert not Selection.objects.exists()
    with pytest.raises(LawError) as exc:
        services.add_selections(setup.round, {"ZZZ": []})
    assert exc.value.code == "contest_unknown"


# --- Expected minutes -----------------------------------------------------------------------


@pytest.mark.article("140")
@pytest.mark.article("28")
def test_open_presidential_round_expects_one_sheet_per_station_including_missions(territory):
    setup = _create("presidential", selections=_candidates())
    services.create_stations(
        setup.election, {"CM010101": 1500, "CM090001": 800, "AMB-CI-ABIDJAN": 701}, "awa"
    )
    opened = services.open_round(setup.round, "awa")
    assert opened.sheets == 3 + 2 + 2 == TallySheet.objects.filter(round=setup.round).count()
    assert opened.by_contest == {"NATION": 7} and opened.unassigned_stations == 0
    setup.round.refresh_from_db()
    assert setup.round.status == Round.Status.COUNTING
    assert set(TallySheet.objects.values_list("status", flat=True)) == {"expected"}
    assert AuditEvent.objects.filter(event_type="election.round_opened").count() == 1
    with pytest.raises(LawError) as exc:
        services.open_round(setup.round, "awa")
    assert exc.value.code == "round_already_open"
    with pytest.raises(LawError) as exc:
        services.create_stations(setup.election, {"CM010102": 10}, "awa")
    assert exc.value.code == "stations_frozen"
    with pytest.raises(LawError) as exc:
        services.add_presidential_candidates(setup.election, [{"code": "C09", "name": "Tard"}])
    assert exc.value.code == "round_open"


@pytest.mark.article("143")
def test_open_legislative_round_maps_stations_to_cercles_and_bamako_communes(territory):
    setup = _create("legislative")
    _lists_everywhere(setup.round)
    # Every commune votes; one commune of Kati (C0205) has three stations.
    electors = {code: 300 for code in Commune.objects.values_list("code", flat=True)}
    kati_commune = Commune.objects.filter(cercle__code="C0205").order_by("code").first().code
    electors[kati_commune] = 2000
    services.create_stations(setup.election, electors, "awa")
    opened = services.open_round(setup.round, "awa")
    stations = PollingStation.objects.filter(election=setup.election).count()
    assert opened.sheets == stations == 703 + 2
    kati_communes = Commune.objects.filter(cercle__code="C0205").count()
    assert opened.by_contest["C0205"] == kati_communes + 2
    assert opened.by_contest["CM090003"] == 1
    assert opened.contests_without_station == ()
    for sheet in TallySheet.objects.filter(round=setup.round).select_related(
        "contest", "station__commune"
    )[:800]:
        commune = sheet.station.commune
        if commune.cercle_id:
            assert sheet.contest.cercle_id == commune.cercle_id
        else:
            assert sheet.contest.commune_id == commune.pk


@pytest.mark.article("177")
def test_open_communal_round_maps_each_station_to_its_commune(territory):
    setup = _create("communal")
    _lists_everywhere(setup.round, per_contest=1)
    electors = {code: 900 for code in Commune.objects.values_list("code", flat=True)}
    services.create_stations(setup.election, electors, "awa")
    opened = services.open_round(setup.round, "awa")
    assert opened.sheets == 703 * 2 == PollingStation.objects.count()
    mismatched = TallySheet.objects.filter(round=setup.round).exclude(
        contest__commune_id=models_f("station__commune_id")
    )
    assert not mismatched.exists()


def models_f(name):
    from django.db.models import F

    return F(name)


def test_a_round_cannot_open_with_a_contest_without_candidates(territory):
    setup = _create("legislative")
    services.create_stations(setup.election, {"CM010101": 100}, "awa")
    with pytest.raises(LawError) as exc:
        services.open_round(setup.round, "awa")
    assert exc.value.code == "contest_without_selection"
    assert "(55 en tout)" in exc.value.message


@pytest.mark.article("71")
def test_a_round_cannot_open_without_stations(territory):
    setup = _create("presidential", selections=_candidates())
    with pytest.raises(LawError) as exc:
        services.open_round(setup.round, "awa")
    assert exc.value.code == "no_station"


# --- Second round ---------------------------------------------------------------------------


def _held_presidential(**kw):
    setup = _create("presidential", selections=_candidates(4), **kw)
    services.create_stations(setup.election, {"CM010101": 1500, "AMB-CI-ABIDJAN": 100}, "awa")
    services.open_round(setup.round, "awa")
    return setup


@pytest.mark.article("127")
def test_presidential_second_round_on_the_second_sunday_with_the_two_named(territory):
    setup = _held_presidential()
    second = services.create_second_round(setup.round, {"NATION": ["C03", "C01"]}, actor="awa")
    r2 = second.round
    assert (r2.number, r2.polling_date, r2.status) == (2, date(2026, 5, 10), "setup")
    assert r2.code == "PRES-2026-04-26-T2" and second.warnings == ()
    copies = list(Selection.objects.filter(contest__round=r2).order_by("order"))
    assert [(s.code, s.name, s.order) for s in copies] == [
        ("C01", "Candidat 1", 1),
        ("C03", "Candidat 3", 3),
    ]
    opened = services.open_round(r2, "awa")
    assert opened.sheets == 4  # the same stations, new minutes
    assert TallySheet.objects.filter(round=setup.round).count() == 4
    assert AuditEvent.objects.filter(event_type="election.second_round_created").count() == 1
    with pytest.raises(LawError) as exc:
        services.create_second_round(setup.round, {"NATION": ["C01", "C02"]}, actor="awa")
    assert exc.value.code == "second_round_exists"


@pytest.mark.article("127")
def test_presidential_second_round_has_exactly_two_candidates(territory):
    setup = _held_presidential()
    for codes in (["C01"], ["C01", "C02", "C03"], ["C01", "C01"]):
        with pytest.raises(LawError) as exc:
            services.create_second_round(setup.round, {"NATION": codes}, actor="awa")
        assert exc.value.code == "second_round_two" and exc.value.articles == ("127",)
    with pytest.raises(LawError) as exc:
        services.create_second_round(setup.round, {"NATION": ["C01", "C99"]}, actor="awa")
    assert exc.value.code == "selection_unknown"
    with pytest.raises(LawError) as exc:
        services.create_second_round(setup.round, {"C0101": ["C01", "C02"]}, actor="awa")
    assert exc.value.code == "contest_unknown"
    Selection.objects.filter(contest__round=setup.round, code="C02").update(withdrawn=True)
    with pytest.raises(LawError) as exc:
        services.create_second_round(setup.round, {"NATION": ["C01", "C02"]}, actor="awa")
    assert exc.value.code == "selection_withdrawn"
    assert Round.objects.filter(number=2).count() == 0


@pytest.mark.article("127")
@pytest.mark.article("78")
def test_second_round_date_other_than_the_law_is_a_warning_and_must_be_a_sunday(territory):
    setup = _held_presidential()
    with pytest.raises(LawError) as exc:
        services.create_second_round(
            setup.round, {"NATION": ["C01", "C02"]}, date(2026, 5, 16), actor="awa"
        )
    assert exc.value.code == "not_sunday"
    with pytest.raises(LawError) as exc:
        services.create_second_round(
            setup.round, {"NATION": ["C01", "C02"]}, date(2026, 4, 19), actor="awa"
        )
    assert exc.value.code == "second_round_before_first"
    second = services.create_second_round(
        setup.round, {"NATION": ["C01", "C02"]}, "2026-05-17", actor="awa"
    )
    assert second.round.polling_date == date(2026, 5, 17)
    assert len(second.warnings) == 1 and "dimanche 10 mai 2026" in second.warnings[0].text


@pytest.mark.article("127")
def test_second_round_follows_a_held_first_round(territory):
    setup = _create("presidential", selections=_candidates())
    with pytest.raises(LawError) as exc:
        services.create_second_round(setup.round, {"NATION": ["C01", "C02"]}, actor="awa")
    assert exc.value.code == "first_round_not_held"


@pytest.mark.article("144")
def test_legislative_second_round_only_in_the_undecided_constituencies(territory):
    setup = _create("legislative")
    _lists_everywhere(setup.round, per_contest=3)
    electors = {code: 300 for code in Commune.objects.values_list("code", flat=True)}
    services.create_stations(setup.election, electors, "awa")
    services.open_round(setup.round, "awa")
    second = services.create_second_round(
        setup.round, {"C0205": ["L1", "L3"], "CM090001": ("L2", "L1")}, actor="awa"
    )
    assert second.contests == ("C0205", "CM090001")
    assert second.round.polling_date == date(2026, 5, 10)
    contests = {c.code: c for c in Contest.objects.filter(round=second.round)}
    assert set(contests) == {"C0205", "CM090001"}
    assert (contests["C0205"].seats, contests["C0205"].cercle.code) == (7, "C0205")
    l3 = Selection.objects.get(contest=contests["C0205"], code="L3")
    original = Selection.objects.get(contest__round=setup.round, contest__code="C0205", code="L3")
    assert (l3.name, l3.party, l3.order) == (original.name, original.party, original.order)
    assert list(l3.members.values_list("rank", "name", "birth_date")) == list(
        original.members.values_list("rank", "name", "birth_date")
    )
    opened = services.open_round(second.round, "awa")
    kati_communes = Commune.objects.filter(cercle__code="C0205").count()
    assert opened.by_contest == {"C0205": kati_communes, "CM090001": 1}
    with pytest.raises(LawError) as exc:
        services.add_selection(contests["C0205"], "L9", "Tard", "list", members=_members(7))
    assert exc.value.code == "second_round_fixed"


@pytest.mark.article("144")
def test_legislative_second_round_refuses_one_or_three_lists(territory):
    setup = _create("legislative")
    _lists_everywhere(setup.round, per_contest=3)
    services.create_stations(setup.election, {"CM010101": 100}, "awa")
    services.open_round(setup.round, "awa")
    with pytest.raises(LawError) as exc:
        services.create_second_round(
            setup.round, {"C0205": ["L1", "L2"], "C0101": ["L1", "L2", "L3"]}, actor="awa"
        )
    assert exc.value.code == "second_round_two" and exc.value.articles == ("144",)
    assert not Round.objects.filter(number=2).exists()


@pytest.mark.article("176")
def test_communal_and_referendum_have_no_second_round(territory):
    for kind in ("communal", "referendum"):
        setup = _create(kind)
        with pytest.raises(LawError) as exc:
            services.create_second_round(setup.round, {"NATION": ["OUI", "NON"]}, actor="awa")
        assert exc.value.code == "no_second_round"
    assert "Le référendum n'a pas de second tour" in exc.value.message


# --- Reading and audit ----------------------------------------------------------------------


def test_summary_counts_rounds_stations_and_sheets(territory):
    setup = _held_presidential()
    TallySheet.objects.filter(round=setup.round).order_by("id").filter(
        id__in=TallySheet.objects.filter(round=setup.round).order_by("id").values("id")[:1]
    ).update(status="first_entry")
    summary = services.election_summary(setup.election)
    assert (summary["stations"], summary["registered"]) == (4, 1600)
    assert (summary["stations_abroad"], summary["registered_abroad"]) == (1, 100)
    (r1,) = summary["rounds"]
    assert (r1["contests"], r1["seats"], r1["selections"], r1["status"]) == (1, 1, 4, "counting")
    assert r1["sheets"]["expected"] == 4 and r1["sheets"]["received"] == 1
    assert r1["sheets"]["by_status"]["first_entry"] == 1
    listing = services.list_elections()
    assert [e["code"] for e in listing] == ["PRES-2026-04-26"]
    assert listing[0]["rounds"] == [
        {"number": 1, "polling_date": "2026-04-26", "status": "counting"}
    ]


def test_every_write_is_in_an_intact_audit_chain(territory):
    setup = _held_presidential()
    services.create_second_round(setup.round, {"NATION": ["C01", "C02"]}, actor="awa")
    types = list(AuditEvent.objects.order_by("seq").values_list("event_type", flat=True))
    assert types == [
        "election.created",
        "election.selections_added",
        "election.stations_created",
        *["tally.expected"] * 4,  # each expected sheet is an audited row
        "election.round_opened",
        "election.selections_added",
        "election.second_round_created",
    ]
    report = verify()
    assert report.ok, report.lines_fr()
    assert not any("inconnus" in w for w in report.warnings)


@pytest.mark.article("71")
def test_stations_and_minutes_written_in_bulk_read_back_as_the_orm_writes_them(territory):
    """Stations and expected minutes are inserted in bulk (plain multi-row ``INSERT`` on
    SQLite): every column holds what ``bulk_create`` would store, the objects carry their
    database ids, and the audit log (one ``tally.expected`` per sheet, with its state)
    verifies."""
    setup = _create("presidential")
    services.add_presidential_candidates(setup.round, _candidates(2), actor="awa")
    services.create_stations(setup.election, {"CM010101": 1500, "AMB-CI-ABIDJAN": 800}, "awa")
    stations = list(
        PollingStation.objects.filter(election=setup.election)
        .order_by("code")
        .values_list("code", "number", "name", "registered", "commune__code", "mission__code")
    )
    assert stations == [
        ("AMB-CI-ABIDJAN-BV001", 1, "Bureau n°1", 400, None, "AMB-CI-ABIDJAN"),
        ("AMB-CI-ABIDJAN-BV002", 2, "Bureau n°2", 400, None, "AMB-CI-ABIDJAN"),
        ("CM010101-BV001", 1, "Bureau n°1", 500, "CM010101", None),
        ("CM010101-BV002", 2, "Bureau n°2", 500, "CM010101", None),
        ("CM010101-BV003", 3, "Bureau n°3", 500, "CM010101", None),
    ]
    opened = services.open_round(setup.round, "awa")
    assert opened.sheets == 5
    sheets = TallySheet.objects.filter(round=setup.round)
    assert sheets.count() == 5
    for sheet in sheets:
        assert sheet.status == TallySheet.Status.EXPECTED and sheet.version == 0
        assert sheet.figures is None and sheet.check_codes == [] and not sheet.annulled
        assert sheet.registered is None and sheet.first_received_at is None
        assert not sheet.image and sheet.image_sha256 == ""
    expected = AuditEvent.objects.filter(event_type="tally.expected")
    assert sorted(int(e.object_pk) for e in expected) == sorted(s.pk for s in sheets)
    assert verify().ok
