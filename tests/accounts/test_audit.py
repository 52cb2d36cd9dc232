"""Logins, failed logins, logouts, accounts and roles in the audit log."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.test import RequestFactory

from kalata.accounts import services
from kalata.accounts.models import RoleAssignment
from kalata.audit.models import AuditEvent
from kalata.audit.services import verify

pytestmark = pytest.mark.django_db

PASSWORD = "Tombouctou-2026!"


def _role_mismatches():
    """What ``verify`` finds about role assignments (the fixture's sheets are not audited)."""
    report = verify()
    assert report.chain_ok
    assert "accounts.roleassignment" in report.models_checked
    return [m for m in report.data_mismatches if m.model == "accounts.roleassignment"]


def _events(event_type):
    return list(AuditEvent.objects.filter(event_type=event_type).order_by("seq"))


def test_a_login_and_a_logout_are_in_the_audit_log(client):
    User.objects.create_user("awa", password=PASSWORD)
    assert client.login(username="awa", password=PASSWORD)
    client.logout()
    (login,) = _events("user.login")
    assert login.actor == "awa"
    assert (login.object_model, login.object_pk) == ("auth.user", "awa")
    (logout,) = _events("user.logout")
    assert logout.actor == "awa"
    assert verify().ok


def test_a_failed_login_records_the_username_tried_and_never_the_password(client):
    User.objects.create_user("awa", password=PASSWORD)
    wrong = "Mauvais-mot-de-passe-123"
    assert not client.login(username="awa", password=wrong)
    request = RequestFactory().post("/connexion/", REMOTE_ADDR="10.1.2.3")
    assert authenticate(request, username="inconnu", password=wrong) is None
    first, second = _events("user.login_failed")
    assert first.actor == "anonymous"
    assert (first.object_model, first.object_pk) == ("auth.user", "awa")
    assert second.object_pk == "inconnu"
    assert '"ip":"10.1.2.3"' in second.after
    for event in (first, second):
        stored = " ".join([event.before, event.after, event.reason, event.object_pk])
        assert wrong not in stored
        assert "password" not in stored
    assert not _events("user.login")


def test_creating_an_account_is_audited_without_its_password():
    services.create_user("moussa", PASSWORD, staff=True)
    (event,) = _events("user.created")
    assert event.object_pk == "moussa"
    assert PASSWORD not in event.after
    assert '"is_staff":true' in event.after
    assert authenticate(username="moussa", password=PASSWORD) is not None


def test_granting_and_revoking_a_role_are_audited_and_verified(world):
    admin = world.person("admin", "admin")
    clerk = world.person("agent")
    assignment = world.give(clerk, "clerk", election="PRES", scope="C0101", granted_by=admin)
    services.revoke(assignment, by=admin, reason="Fin de mission")
    granted = [e for e in _events("role.granted") if e.object_pk == str(assignment.pk)]
    (revoked,) = _events("role.revoked")
    assert granted[0].actor == "admin"
    assert granted[0].object_model == "accounts.roleassignment"
    assert '"role":"clerk"' in granted[0].after
    assert revoked.reason == "Fin de mission"
    assert '"revoked_at":null' in revoked.before
    assert '"revoked_at":null' not in revoked.after
    assert _role_mismatches() == []


def test_a_role_changed_behind_the_log_is_reported_by_verify(world):
    user = world.person("agent", "clerk", election="PRES", scope="C0101")
    RoleAssignment.objects.filter(user=user).update(cercle=world.unit("C0102"))
    (mismatch,) = _role_mismatches()
    assert mismatch.kind == "changed"
    assert "cercle_id" in mismatch.fields
