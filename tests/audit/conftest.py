"""Fixtures for the audit tests: an audited model (auth.Group) and raw-SQL tampering helpers."""

from __future__ import annotations

import pytest
from django.db import connection

from kalata.audit.events import register_event_type
from kalata.audit.registry import model_serializer, register_audited_model, unregister_audited_model

GROUP_SAVED = register_event_type("test.group_saved", "Groupe enregistré (test)")
GROUP_DELETED = register_event_type("test.group_deleted", "Groupe supprimé (test)")

COLUMNS = (
    "seq, timestamp, actor, event_type, object_model, object_pk, before, after, reason, "
    "prev_hash, hash"
)


@pytest.fixture
def audited_groups():
    """auth.Group registered as an audited model for the duration of a test."""
    entry = register_audited_model("auth.group", model_serializer())
    yield entry
    unregister_audited_model("auth.group")


class Tamper:
    """Raw SQL on the audit table, as an attacker with database access would write it.

    The append-only triggers are dropped first (inside the test's transaction, so they come
    back when pytest-django rolls it back).
    """

    def __init__(self):
        self.dropped = False

    def _drop_guards(self):
        if self.dropped:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("DROP TRIGGER audit_event_no_update_delete ON audit_auditevent")
                cursor.execute("DROP TRIGGER audit_event_no_truncate ON audit_auditevent")
            else:
                cursor.execute("DROP TRIGGER audit_event_no_update")
                cursor.execute("DROP TRIGGER audit_event_no_delete")
        self.dropped = True

    def sql(self, statement: str, params=()):
        self._drop_guards()
        with connection.cursor() as cursor:
            cursor.execute(statement, params)

    def insert(
        self,
        *,
        seq,
        timestamp,
        actor,
        event_type,
        object_model="",
        object_pk="",
        before="null",
        after="null",
        reason="",
        prev_hash,
        hash,
    ):
        self.sql(
            f"INSERT INTO audit_auditevent ({COLUMNS}) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                seq,
                connection.ops.adapt_datetimefield_value(timestamp),
                actor,
                event_type,
                object_model,
                object_pk,
                before,
                after,
                reason,
                prev_hash,
                hash,
            ],
        )


@pytest.fixture
def tamper():
    return Tamper()
