"""Submission of minutes through the API: idempotent, the same checks as the screens, refusals
in French with their codes, and nothing written when refused."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kalata.api.models import SubmissionReceipt
from kalata.audit.models import AuditEvent
from kalata.audit.services import verify
from kalata.law.tally import TallyFigures, check_tally
from kalata.results.entry import parse_figures
from kalata.results.models import DataEntry, TallySheet

from .api_fixtures import CANDIDATES, DAKAR, KATI, KAYES_1, KAYES_2, ROUND, figures

Status = TallySheet.Status
ENTRIES = f"/api/v1/rounds/{ROUND}/sheets/{KAYES_1}/entries"


def written() -> tuple[int, int, int]:
    """Rows that a submission writes: entries, audit events, receipts."""
    return DataEntry.objects.count(), AuditEvent.objects.count(), SubmissionReceipt.objects.count()


def sheet(station: str = KAYES_1) -> TallySheet:
    return TallySheet.objects.get(station__code=station, round__number=1)


def expected_report(data: dict):
    """What the screens' workflow computes: ``check_tally`` on the stored figures."""
    return check_tally(TallyFigures(**parse_figures(data)), CANDIDATES)


# --- Idempotency -----------------------------------------------------------------------------


def test_first_submission_is_stored_and_answered_201(world):
    before = written()
    response = world.submit("awa", KAYES_1, figures(), "tablette-1-pv-001")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["sheet_status"] == "first_entry"
    assert body["entry"]["number"] == 1
    assert body["entry"]["client_key"] == "tablette-1-pv-001"
    assert body["message"].startswith("Première saisie enregistrée")
    assert written() == (before[0] + 1, before[1] + 1, before[2] + 1)
    assert sheet().status == Status.FIRST_ENTRY
    assert "Idempotency-Replayed" not in response.headers


def test_sending_twice_stores_once_and_returns_the_same_response(world):
    first = world.submit("awa", KAYES_1, figures(), "tablette-1-pv-001")
    after_first = written()
    events_after_first = AuditEvent.objects.filter(event_type="tally.first_entry").count()
    second = world.submit("awa", KAYES_1, figures(), "tablette-1-pv-001")
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json() == first.json()
    assert second.headers["Idempotency-Replayed"] == "true"
    assert written() == after_first  # no entry, no audit event, no receipt added
    assert DataEntry.objects.filter(client_key="tablette-1-pv-001").count() == 1
    assert AuditEvent.objects.filter(event_type="tally.first_entry").count() == events_after_first


def test_the_original_response_is_replayed_even_after_the_sheet_moved_on(world):
    first = world.submit("awa", KAYES_1, figures(), "k-awa")
    world.submit("moussa", KAYES_1, figures(), "k-moussa")  # agreed: definitive
    assert sheet().status == Status.DEFINITIVE
    again = world.submit("awa", KAYES_1, figures(), "k-awa")
    assert again.status_code == 200
    assert again.json() == first.json()
    assert again.json()["sheet_status"] == "first_entry"  # the original result


def test_the_key_may_be_given_in_the_body(world):
    path = ENTRIES
    first = world.post(path, {"figures": figures(), "client_key": "k-body"}, "awa")
    second = world.post(path, {"figures": figures()}, "awa", **{"Idempotency-Key": "k-body"})
    assert (first.status_code, second.status_code) == (201, 200)
    assert DataEntry.objects.filter(client_key="k-body").count() == 1


def test_same_key_with_other_figures_is_refused_409_and_writes_nothing(world):
    world.submit("awa", KAYES_1, figures(), "k-1")
    before = written()
    response = world.submit("awa", KAYES_1, figures(C01=149, C02=101), "k-1")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "client_key_conflict"
    assert body["field"] == "client_key"
    assert "a déjà servi pour une autre saisie" in body["message"]
    assert written() == before


def test_same_key_by_another_clerk_or_on_another_sheet_is_refused_409(world):
    world.submit("awa", KAYES_1, figures(), "k-1")
    before = written()
    other_clerk = world.submit("moussa", KAYES_1, figures(), "k-1")
    other_sheet = world.submit("awa", KAYES_2, figures(), "k-1")
    assert (other_clerk.status_code, other_sheet.status_code) == (409, 409)
    assert {other_clerk.json()["code"], other_sheet.json()["code"]} == {"client_key_conflict"}
    assert written() == before


def test_a_key_used_on_the_screens_for_the_same_entry_is_replayed(world):
    """An entry typed elsewhere with the same key (no API receipt) is recognised, not doubled."""
    from kalata.results.entry import submit_entry

    submit_entry(sheet(), world.users["awa"], figures(), client_key="k-screen")
    before = written()
    response = world.submit("awa", KAYES_1, figures(), "k-screen")
    assert response.status_code == 200
    assert response.headers["Idempotency-Replayed"] == "true"
    assert response.json()["entry"]["number"] == 1
    assert written() == before


def test_a_key_is_required(world):
    before = written()
    response = world.submit("awa", KAYES_1, figures(), None)
    assert response.status_code == 422
    assert response.json()["code"] == "client_key_required"
    assert response.json()["field"] == "client_key"
    assert written() == before


def test_header_and_body_keys_must_agree(world):
    response = world.post(
        ENTRIES, {"figures": figures(), "client_key": "a"}, "awa", **{"Idempotency-Key": "b"}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "client_key_mismatch"


@pytest.mark.parametrize("key", ["", "avec espace", "é", "x" * 101])
def test_an_invalid_key_is_refused_422(world, key):
    response = world.post(ENTRIES, {"figures": figures(), "client_key": key}, "awa")
    assert response.status_code == 422
    assert response.json()["field"] == "client_key"


# --- The same checks and codes as the screens --------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        figures(),
        figures(C01=151),  # E04: the votes do not add up to the valid votes
        figures(envelopes=301),  # W01: envelopes differ from signatures
        figures(voters=460, null_ballots=170),  # E05: more voters than registered, W04
        figures(votes={"C01": 150, "C02": 100, "C99": 40}),  # E10 and E11
        figures(registered=-1, observations="Bulletins contestés par un délégué."),  # E02, W13
    ],
    ids=["clean", "E04", "W01", "E05", "E10-E11", "E02-W13"],
)
def test_response_carries_the_checks_of_check_tally(world, data):
    response = world.submit("awa", KAYES_1, data, "k-checks")
    assert response.status_code == 201, response.content
    body = response.json()
    report = expected_report(data)
    assert body["check_codes"] == list(report.codes)
    assert body["checks"] == report.as_dict()
    assert body["blocking"] is report.blocking
    assert body["entry"]["check_codes"] == list(report.codes)
    assert DataEntry.objects.get(client_key="k-checks").check_codes == list(report.codes)


def test_dry_run_gives_the_same_codes_and_writes_nothing(world):
    data = figures(C01=151, envelopes=301)
    before = written()
    response = world.post(
        "/api/v1/checks", {"round": ROUND, "station": KAYES_1, "figures": data}, "issa"
    )
    assert response.status_code == 200, response.content
    report = expected_report(data)
    assert response.json()["check_codes"] == list(report.codes) == ["E04", "W01"]
    assert response.json()["checks"] == report.as_dict()
    assert written() == before
    assert sheet().status == Status.EXPECTED


def test_dry_run_needs_a_token(world):
    response = world.post("/api/v1/checks", {"round": ROUND, "station": KAYES_1, "figures": {}})
    assert response.status_code == 401


# --- The double-entry workflow through the API -------------------------------------------------


def test_agreeing_second_entry_makes_the_sheet_definitive(world):
    world.submit("awa", KAYES_1, figures(), "k-1")
    response = world.submit("moussa", KAYES_1, figures(), "k-2")
    assert response.status_code == 201
    body = response.json()
    assert body["sheet_status"] == "definitive"
    assert body["agreed_checks"] == expected_report(figures()).as_dict()
    assert body["message"].endswith("le procès-verbal est définitif.")
    assert sheet().status == Status.DEFINITIVE
    assert verify().ok


def test_differing_second_entry_names_the_fields_but_not_the_first_figures(world):
    world.submit("awa", KAYES_1, figures(), "k-1")
    response = world.submit("moussa", KAYES_1, figures(C01=140, C02=110), "k-2")
    body = response.json()
    assert body["sheet_status"] == "different"
    assert body["differences"] == [
        {"field": "votes.C01", "label_fr": "voix de « C01 »"},
        {"field": "votes.C02", "label_fr": "voix de « C02 »"},
    ]
    assert "150" not in response.content.decode()  # awa's figure for C01 is not disclosed
    assert "diffère de la première sur 2 champs" in body["message"]


def test_the_same_clerk_cannot_make_the_second_entry(world):
    world.submit("awa", KAYES_1, figures(), "k-1")
    before = written()
    response = world.submit("awa", KAYES_1, figures(), "k-2")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "same_clerk"
    assert body["message"].startswith("Seconde saisie refusée")
    assert body["articles"] == ["141", "149", "187"]
    assert written() == before


def test_a_definitive_sheet_is_not_entered_again(world):
    world.submit("awa", KAYES_1, figures(), "k-1")
    world.submit("moussa", KAYES_1, figures(), "k-2")
    response = world.submit("awa", KAYES_1, figures(), "k-3")
    assert response.status_code == 409
    assert response.json()["code"] == "transition_refused"
    assert "définitif" in response.json()["message"]


# --- Who may enter -----------------------------------------------------------------------------


@pytest.mark.parametrize("station", [KATI, DAKAR])
def test_a_clerk_cannot_enter_minutes_of_another_area(world, station):
    before = written()
    response = world.submit("awa", station, figures(), "k-1")
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "role_refused"
    assert body["message"].startswith("Refusé : saisir les procès-verbaux")
    assert "hors de ce ressort" in body["message"]
    assert written() == before


def test_the_clerk_of_that_area_may(world):
    assert world.submit("issa", KATI, figures(), "k-kati").status_code == 201


@pytest.mark.parametrize("username", ["fatou", "aminata", "nobody"])
def test_roles_that_do_not_enter_minutes_are_refused_403(world, username):
    response = world.submit(username, KAYES_1, figures(), f"k-{username}")
    assert response.status_code == 403
    assert response.json()["code"] == "role_refused"
    assert DataEntry.objects.count() == 0


def test_a_refused_user_learns_nothing_of_the_state_of_the_sheet(world):
    """Authorization comes before the state machine: 403, not 409, on a definitive sheet."""
    world.submit("awa", KAYES_1, figures(), "k-1")
    world.submit("moussa", KAYES_1, figures(), "k-2")
    assert world.submit("issa", KAYES_1, figures(), "k-3").status_code == 403


# --- Malformed requests ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"voters": "300"}, "figures.voters"),
        ({"voters": 300.5}, "figures.voters"),
        ({"voters": True}, "figures.voters"),
        ({"voters": 10**10}, "figures.voters"),
        ({"votes": [150, 100, 40]}, "figures.votes"),
        ({"votes": {"C01": "cent"}}, "figures.votes.C01"),
        ({"null_breakdown": {"Blanc!": 3}}, "figures.null_breakdown.Blanc!"),
        ({"observations": "x" * 10_001}, "figures.observations"),
        ({"station": "CM010101-BV001"}, "figures.station"),
    ],
)
def test_malformed_figures_are_refused_422_naming_the_field(world, change, field):
    response = world.submit("awa", KAYES_1, {**figures(), **change}, "k-1")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_request"
    assert body["field"] == field
    assert f"« {field} »" in body["message"]
    assert DataEntry.objects.count() == 0


def test_what_the_screens_edge_refuses_is_named_under_figures(world):
    response = world.submit("awa", KAYES_1, figures(observations="PV\x00"), "k-1")
    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["field"]) == ("malformed_figures", "figures.observations")
    assert "caractère nul interdit" in body["message"]


def test_a_missing_figure_is_named(world):
    data = figures()
    del data["valid_votes"]
    body = world.submit("awa", KAYES_1, data, "k-1").json()
    assert body["field"] == "figures.valid_votes"
    assert "champ obligatoire absent" in body["message"]


def test_a_null_figure_is_kept_and_flagged_E01_as_on_the_screens(world):
    response = world.submit("awa", KAYES_1, figures(envelopes=None), "k-1")
    assert response.status_code == 201
    assert response.json()["check_codes"][0] == "E01"


def test_a_body_that_is_not_json_is_refused_in_french(world):
    response = world.client.post(
        ENTRIES,
        "pas du JSON",
        content_type="application/json",
        headers=world.headers("awa", **{"Idempotency-Key": "k"}),
    )
    assert response.status_code == 400
    assert response.json()["code"] == "unreadable_body"


@pytest.mark.parametrize(
    ("path", "code"),
    [
        (f"/api/v1/rounds/PRES-2031-04-27-T1/sheets/{KAYES_1}/entries", "round_unknown"),
        (f"/api/v1/rounds/{ROUND}/sheets/CM999999-BV001/entries", "sheet_unknown"),
        (f"/api/v1/rounds/{ROUND}/sheets/{KAYES_1}/entries?contest=C0101", "sheet_unknown"),
    ],
)
def test_unknown_codes_are_404_in_french(world, path, code):
    response = world.post(path, {"figures": figures()}, "awa", **{"Idempotency-Key": "k"})
    assert response.status_code == 404
    assert response.json()["code"] == code


# --- Cheap enough for election night -----------------------------------------------------------


def test_a_submission_costs_a_bounded_number_of_queries(world):
    """No N+1: the same small number of queries for a first and a second entry (the benchmark
    pushes 50 submissions per second), and four for a replay."""
    world.submit("awa", KAYES_2, figures(), "warm-up")
    counts = []
    for username, key in (("awa", "k-1"), ("moussa", "k-2"), ("moussa", "k-2")):
        with CaptureQueriesContext(connection) as ctx:
            assert world.submit(username, KAYES_1, figures(), key).status_code in (200, 201)
        counts.append(len(ctx.captured_queries))
    assert counts[0] <= 18 and counts[1] <= 24, counts
    assert counts[2] <= 4, counts


# --- Concurrent duplicates ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_store_once_on_postgresql(settings):
    """A tablet that re-sends before the first answer arrives: one entry, one 201, the other
    answers 200 with the same body (PostgreSQL: the sheet row is locked)."""
    import threading

    from django.db import connections
    from django.test import Client

    from .api_fixtures import build_world

    if connection.vendor != "postgresql":
        pytest.skip("concurrence testée sur PostgreSQL ; SQLite sérialise les écritures")
    settings.KALATA_API_RESULTS_CACHE_SECONDS = 0
    world = build_world()
    senders = 4
    barrier = threading.Barrier(senders)
    answers: list = []
    errors: list[BaseException] = []

    def send() -> None:
        try:
            client = Client()
            barrier.wait()
            answers.append(
                client.post(
                    ENTRIES,
                    {"figures": figures()},
                    content_type="application/json",
                    headers=world.headers("awa", **{"Idempotency-Key": "k-race"}),
                )
            )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(senders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(a.status_code for a in answers) == [200] * (senders - 1) + [201]
    assert len({a.content for a in answers}) == 1
    assert DataEntry.objects.filter(client_key="k-race").count() == 1
    assert SubmissionReceipt.objects.count() == 1
    assert verify().ok
