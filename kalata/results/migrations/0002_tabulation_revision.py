"""The revision of the centralisation's reference data, kept by database triggers.

Every write to the tables listed in ``WATCHED`` changes ``results_tabulationrevision.n`` (row 1,
created when absent with a random start); ``kalata.results.columns`` compares it to know whether
its in-process copy of a round's contests, selections, list members, stations and territory is
still exact. The typing of minutes does not touch it: a sheet's status and version change, and
its vote rows are inserted, without it. It changes on what the services never do — a sheet's
definitive figures changed without a new version, a vote row updated or deleted — and on a
correction (which replaces vote rows), so that the copy is read again.

The SQL is written out here, frozen with the migration; ``kalata.results.columns`` knows the
trigger names and checks they are all present before it trusts the revision. On SQLite a later
migration that rebuilds one of these tables loses its triggers: it must re-create them
(``tests/results/test_columns.py`` checks that every trigger exists after all migrations).
"""

from django.db import migrations, models

# (table, operations watched). Sheets: creation and deletion only.
WATCHED = (
    ("elections_contest", ("INSERT", "UPDATE", "DELETE")),
    ("elections_selection", ("INSERT", "UPDATE", "DELETE")),
    ("elections_listmember", ("INSERT", "UPDATE", "DELETE")),
    ("elections_pollingstation", ("INSERT", "UPDATE", "DELETE")),
    ("territory_region", ("INSERT", "UPDATE", "DELETE")),
    ("territory_cercle", ("INSERT", "UPDATE", "DELETE")),
    ("territory_commune", ("INSERT", "UPDATE", "DELETE")),
    ("territory_mission", ("INSERT", "UPDATE", "DELETE")),
    ("results_tallysheet", ("INSERT", "DELETE")),
)

SQLITE_INSTALL = [
    f"""
    CREATE TRIGGER tabrev_{table}_{op.lower()} AFTER {op} ON {table}
    BEGIN
        INSERT INTO results_tabulationrevision (id, n) VALUES (1, abs(random() % 1000000000000))
        ON CONFLICT (id) DO UPDATE SET n = n + 1;
    END
    """
    for table, ops in WATCHED
    for op in ops
]
# Changes the services never make (definitive figures change with the sheet's version; vote rows
# are only inserted when a sheet becomes definitive): they too must be seen by the copy.
_FIGURES_CHANGED = (
    "OLD.version = NEW.version AND ("
    + " OR ".join(
        f"OLD.{c} IS NOT NEW.{c}"
        for c in (
            "registered",
            "voters",
            "null_ballots",
            "valid_votes",
            "contest_id",
            "station_id",
            "round_id",
        )
    )
    + ")"
)
_TOUCH_SQLITE = """
        INSERT INTO results_tabulationrevision (id, n) VALUES (1, abs(random() % 1000000000000))
        ON CONFLICT (id) DO UPDATE SET n = n + 1;"""
SQLITE_INSTALL += [
    f"""
    CREATE TRIGGER tabrev_results_tallysheet_figures AFTER UPDATE ON results_tallysheet
    WHEN {_FIGURES_CHANGED}
    BEGIN{_TOUCH_SQLITE}
    END
    """,
    f"""
    CREATE TRIGGER tabrev_results_sheetvote_update AFTER UPDATE ON results_sheetvote
    BEGIN{_TOUCH_SQLITE}
    END
    """,
    f"""
    CREATE TRIGGER tabrev_results_sheetvote_delete AFTER DELETE ON results_sheetvote
    BEGIN{_TOUCH_SQLITE}
    END
    """,
]
SQLITE_INSTALL.append(
    "INSERT INTO results_tabulationrevision (id, n) VALUES (1, abs(random() % 1000000000000)) "
    "ON CONFLICT (id) DO NOTHING"
)
SQLITE_REMOVE = [
    f"DROP TRIGGER IF EXISTS tabrev_{table}_{op.lower()}" for table, ops in WATCHED for op in ops
] + [
    "DROP TRIGGER IF EXISTS tabrev_results_tallysheet_figures",
    "DROP TRIGGER IF EXISTS tabrev_results_sheetvote_update",
    "DROP TRIGGER IF EXISTS tabrev_results_sheetvote_delete",
]

POSTGRESQL_INSTALL = [
    """
    CREATE OR REPLACE FUNCTION results_tabulation_touch() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO results_tabulationrevision (id, n)
            VALUES (1, floor(random() * 1000000000000)::bigint)
        ON CONFLICT (id) DO UPDATE SET n = results_tabulationrevision.n + 1;
        RETURN NULL;
    END
    $$
    """,
    *(
        f"""
        CREATE TRIGGER tabrev_{table} AFTER {" OR ".join(ops)} OR TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION results_tabulation_touch()
        """
        for table, ops in WATCHED
    ),
]
POSTGRESQL_INSTALL += [
    f"""
    CREATE TRIGGER tabrev_results_tallysheet_figures AFTER UPDATE ON results_tallysheet
        FOR EACH ROW WHEN ({_FIGURES_CHANGED.replace(" IS NOT ", " IS DISTINCT FROM ")})
        EXECUTE FUNCTION results_tabulation_touch()
    """,
    """
    CREATE TRIGGER tabrev_results_sheetvote_change AFTER UPDATE OR DELETE ON results_sheetvote
        FOR EACH ROW EXECUTE FUNCTION results_tabulation_touch()
    """,
]
POSTGRESQL_INSTALL.append(
    "INSERT INTO results_tabulationrevision (id, n) "
    "VALUES (1, floor(random() * 1000000000000)::bigint) ON CONFLICT (id) DO NOTHING"
)
POSTGRESQL_REMOVE = [
    "DROP TRIGGER IF EXISTS tabrev_results_tallysheet_figures ON results_tallysheet",
    "DROP TRIGGER IF EXISTS tabrev_results_sheetvote_change ON results_sheetvote",
    *(f"DROP TRIGGER IF EXISTS tabrev_{table} ON {table}" for table, _ in WATCHED),
    "DROP FUNCTION IF EXISTS results_tabulation_touch()",
]

INSTALL = {"postgresql": POSTGRESQL_INSTALL, "sqlite": SQLITE_INSTALL}
REMOVE = {"postgresql": POSTGRESQL_REMOVE, "sqlite": SQLITE_REMOVE}


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("results", "0001_initial"),
        ("elections", "0001_initial"),
        ("territory", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="TabulationRevision",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False),
                ),
                ("n", models.BigIntegerField(default=0, verbose_name="révision")),
            ],
            options={
                "verbose_name": "révision des données de référence",
                "verbose_name_plural": "révisions des données de référence",
            },
        ),
        migrations.RunPython(_run(INSTALL), _run(REMOVE), elidable=False),
    ]
