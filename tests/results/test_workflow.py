"""The state machine of polling-station minutes: one table, every move allowed or refused."""

from __future__ import annotations

import re
from itertools import product
from pathlib import Path

import pytest

from kalata.accounts.models import Role
from kalata.accounts.permissions import POLICY
from kalata.accounts.permissions import Action as Permission
from kalata.audit.events import get_event_type
from kalata.results import entry  # noqa: F401  (registers the results event types)
from kalata.results.models import TallySheet
from kalata.results.workflow import (
    OPERATION_ACTIONS,
    OPERATION_PERMISSIONS,
    TRANSITIONS,
    Action,
    Operation,
    WorkflowError,
    apply,
    require,
    transitions_from,
)
from kalata.territory.models import Mission

from .entry_fixtures import make_sheet, user_with

Status = TallySheet.Status
DOC = Path(__file__).resolve().parents[2] / "docs" / "data-entry.md"
ALL_PAIRS = list(product([str(s) for s in Status], list(Action)))
ALLOWED = [pair for pair in ALL_PAIRS if pair in TRANSITIONS]
FORBIDDEN = [pair for pair in ALL_PAIRS if pair not in TRANSITIONS]


@pytest.fixture
def people(db):
    return {
        Role.CLERK: user_with("agent", Role.CLERK),
        Role.PRESIDENT: user_with("president", Role.PRESIDENT),
        Role.COURT: user_with("greffe", Role.COURT),
    }


@pytest.fixture
def sheet(db):
    return make_sheet()


# --- the table ------------------------------------------------------------------------------


def test_every_row_moves_between_states_of_the_model_and_records_a_registered_event():
    statuses = {str(s) for s in Status}
    for (frm, action), t in TRANSITIONS.items():
        assert (t.from_status, t.action) == (frm, action)
        assert t.from_status in statuses and t.to_status in statuses
        assert get_event_type(t.event).key == t.event
        assert t.label_fr


def test_every_action_is_in_the_table_and_belongs_to_exactly_one_operation():
    in_table = {t.action for t in TRANSITIONS.values()}
    assert in_table == set(Action)
    grouped = [a for actions in OPERATION_ACTIONS.values() for a in actions]
    assert sorted(grouped) == sorted(Action)


def test_an_operation_is_always_made_by_one_role():
    for actions in OPERATION_ACTIONS.values():
        assert len({t.role for t in TRANSITIONS.values() if t.action in actions}) == 1


@pytest.mark.article("141")
@pytest.mark.article("187")
def test_the_role_of_each_move_is_the_one_the_accounts_policy_gives_its_permission_to():
    for t in TRANSITIONS.values():
        permission = Permission(OPERATION_PERMISSIONS[t.operation])
        assert {rule.role for rule in POLICY[permission]} == {t.role}


def test_every_state_but_expected_and_definitive_can_be_left_by_the_president():
    # No sheet can get stuck: each intermediate state has a president's way out.
    for status in (Status.FIRST_ENTRY, Status.DIFFERENT, Status.TO_ACKNOWLEDGE, Status.BLOCKED):
        assert any(t.role is Role.PRESIDENT for t in transitions_from(status))


def test_definitive_minutes_change_only_through_a_reasoned_correction():
    moves = transitions_from(Status.DEFINITIVE)
    assert {t.action for t in moves} == {Action.COMMISSION_CORRECTION, Action.COURT_CORRECTION}
    assert all(get_event_type(t.event).requires_reason for t in moves)
    assert all(t.to_status == Status.DEFINITIVE for t in moves)


def test_entries_are_typed_by_clerks_and_settled_by_presidents_never_the_other_way():
    for t in TRANSITIONS.values():
        if t.action in OPERATION_ACTIONS[Operation.SUBMIT]:
            assert t.role is Role.CLERK
        else:
            assert t.role is not Role.CLERK


# --- apply: every allowed move, every forbidden one -------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "action"), ALLOWED)
def test_an_allowed_move_takes_the_sheet_to_the_state_of_the_table(people, sheet, status, action):
    t = TRANSITIONS[(status, action)]
    sheet.status = status
    assert apply(sheet, action, people[t.role]) is t
    assert sheet.status == t.to_status


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "action"), ALLOWED)
def test_an_allowed_move_is_refused_to_the_other_roles(people, sheet, status, action):
    t = TRANSITIONS[(status, action)]
    for role, user in people.items():
        if role == t.role:
            continue
        sheet.status = status
        with pytest.raises(WorkflowError) as err:
            apply(sheet, action, user)
        assert err.value.code == "role_refused"
        assert err.value.message.startswith("Refusé")
        assert sheet.status == status


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "action"), FORBIDDEN)
def test_a_move_missing_from_the_table_is_refused_in_french(people, sheet, status, action):
    sheet.status = status
    for user in people.values():
        with pytest.raises(WorkflowError) as err:
            apply(sheet, action, user)
        assert err.value.code == "transition_refused"
        assert "impossible" in err.value.message
        assert sheet.status == status


@pytest.mark.django_db
def test_an_entry_on_definitive_minutes_is_refused_pointing_to_a_reasoned_correction(people, sheet):
    sheet.status = Status.DEFINITIVE
    with pytest.raises(WorkflowError) as err:
        require(sheet, Operation.SUBMIT, people[Role.CLERK])
    assert "définitif" in err.value.message
    assert "rectification motivée" in err.value.message


@pytest.mark.django_db
def test_an_inactive_or_anonymous_user_cannot_move_a_sheet(people, sheet):
    from django.contrib.auth.models import AnonymousUser

    clerk = people[Role.CLERK]
    clerk.is_active = False
    with pytest.raises(WorkflowError) as err:
        apply(sheet, Action.FIRST_ENTRY, clerk)
    assert err.value.code == "role_refused" and "désactivé" in err.value.message
    with pytest.raises(WorkflowError) as err:
        apply(sheet, Action.FIRST_ENTRY, AnonymousUser())
    assert err.value.code == "role_refused" and "connexion" in err.value.message
    assert sheet.status == Status.EXPECTED


@pytest.mark.django_db
def test_a_superuser_types_no_minutes_unless_granted_a_role(sheet):
    from django.contrib.auth.models import User

    admin = User.objects.create_superuser("admin")
    with pytest.raises(WorkflowError) as err:
        apply(sheet, Action.FIRST_ENTRY, admin)
    assert err.value.code == "role_refused"


@pytest.mark.django_db
@pytest.mark.article("141")
def test_a_clerk_of_another_commission_cannot_type_these_minutes(sheet):
    abidjan = Mission.objects.create(
        code="AMB-CI-ABIDJAN",
        name="Ambassade à Abidjan",
        kind="ambassade",
        city="Abidjan",
        country="CI",
    )
    stranger = user_with("etranger", Role.CLERK, mission=abidjan)
    with pytest.raises(WorkflowError) as err:
        apply(sheet, Action.FIRST_ENTRY, stranger)
    assert err.value.code == "role_refused"
    assert "hors de ce ressort" in err.value.message
    assert sheet.status == Status.EXPECTED


# --- the documentation ----------------------------------------------------------------------

ROW = re.compile(
    r"^\|\s*`(\w+)`\s*\|\s*`(\w+)`\s*\|\s*`(\w+)`\s*\|\s*`(\w+)`\s*\|\s*`([\w.]+)`\s*\|"
)


def test_the_documentation_lists_exactly_the_transitions_of_the_table():
    rows = [ROW.match(line) for line in DOC.read_text(encoding="utf-8").splitlines()]
    documented = [m.groups() for m in rows if m]
    table = [
        (t.from_status, str(t.action), t.to_status, str(t.role), t.event)
        for t in TRANSITIONS.values()
    ]
    assert len(documented) == len(set(documented)), "a transition is documented twice"
    assert sorted(documented) == sorted(table)
