"""The database triggers that make the audit table append-only (installed by migration 0002).

- PostgreSQL: a row trigger refuses UPDATE and DELETE, a statement trigger refuses TRUNCATE
  (both raise SQLSTATE 23000, seen by Django as ``IntegrityError``).
- SQLite: ``BEFORE UPDATE`` and ``BEFORE DELETE`` triggers ``RAISE(ABORT, …)``.

They guard against the application's own mistakes (a stray ``QuerySet.update()``, a raw SQL
script), not against someone who owns the database: that person can drop them, which is why
``verify`` recomputes the chain instead of trusting the triggers, and reports missing ones.

Note for future migrations: on SQLite, Django rebuilds a table to alter it, which drops its
triggers — a migration that alters ``audit_auditevent`` must re-create them.
"""

from __future__ import annotations

from contextlib import contextmanager

EVENT_TABLE = "audit_auditevent"
TRIGGERS = {
    "postgresql": ("audit_event_no_update_delete", "audit_event_no_truncate"),
    "sqlite": ("audit_event_no_update", "audit_event_no_delete"),
}


def expected_triggers(connection) -> tuple[str, ...]:
    return TRIGGERS.get(connection.vendor, ())


def active_triggers(connection) -> set[str]:
    """Names of the enabled user triggers on the audit table."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = to_regclass(%s) "
                "AND NOT tgisinternal AND tgenabled <> 'D'",
                [EVENT_TABLE],
            )
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [EVENT_TABLE],
            )
        else:  # pragma: no cover - other backends are not supported
            return set()
        return {row[0] for row in cursor.fetchall()}


def missing_triggers(connection) -> list[str]:
    present = active_triggers(connection)
    return [name for name in expected_triggers(connection) if name not in present]


@contextmanager
def suspended(connection):
    """Lift the guards for the enclosed statements, inside the caller's transaction.

    Used only by ``flush`` (which empties every table, the log included). The guards are
    restored on exit; as DDL is transactional on both backends, a failure rolls everything
    back, guards included.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("guards.suspended() must run inside transaction.atomic()")
    if EVENT_TABLE not in connection.introspection.table_names():
        yield
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names = sorted(active_triggers(connection) & set(TRIGGERS["postgresql"]))
            for name in names:
                cursor.execute(f'ALTER TABLE "{EVENT_TABLE}" DISABLE TRIGGER "{name}"')
            yield
            for name in names:
                cursor.execute(f'ALTER TABLE "{EVENT_TABLE}" ENABLE TRIGGER "{name}"')
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [EVENT_TABLE],
            )
            saved = [(n, s) for n, s in cursor.fetchall() if n in TRIGGERS["sqlite"]]
            for name, _sql in saved:
                cursor.execute(f'DROP TRIGGER "{name}"')
            yield
            for _name, sql in saved:
                cursor.execute(sql)
        else:  # pragma: no cover
            yield
