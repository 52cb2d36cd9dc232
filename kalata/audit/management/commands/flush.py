"""``flush`` that can empty the append-only audit table.

Django's ``flush`` (used between transactional tests, and by ``kalata manage flush``) deletes
every row of every table; the audit table's triggers would refuse it. This override lifts them
for the duration of the flush, in one transaction, so they are back whatever happens.
"""

from __future__ import annotations

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from kalata.audit import guards


class Command(FlushCommand):
    def handle(self, **options):
        database = options.get("database") or DEFAULT_DB_ALIAS
        connection = connections[database]
        with transaction.atomic(using=database), guards.suspended(connection):
            return super().handle(**options)
