"""Bulk import of polling-station minutes from CSV and Excel: all or nothing, every error by row
and column in French, each row an entry of the double-entry workflow (Art. 87 minutes; Art.
141 the commission totals them as they arrive)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from openpyxl import Workbook, load_workbook

from kalata.accounts.models import Role
from kalata.accounts.services import grant
from kalata.audit.models import AuditEvent
from kalata.audit.services import verify
from kalata.cli import main
from kalata.formats.importer import import_minutes, import_template
from kalata.results.entry import discard_entries
from kalata.results.models import DataEntry, TallySheet
from kalata.results.tabulation import tabulate
from kalata.territory.models import Cercle
from tests.formats.fixtures import (
    IMPORT_HEADER,
    csv_bytes,
    enter,
    import_rows,
    minutes,
    presidential,
)

pytestmark = pytest.mark.django_db

Status = TallySheet.Status
REPO = Path(__file__).resolve().parents[2]
KALATA = Path(sys.executable).with_name("kalata")


def state() -> tuple[int, int, list]:
    """What an import may write: entries, audit events, the sheets' states."""
    return (
        DataEntry.objects.count(),
        AuditEvent.objects.count(),
        list(TallySheet.objects.order_by("pk").values_list("status", "version")),
    )


def xlsx_bytes(header, rows, title: str = "PV") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def election():
    return presidential()


# --------------------------------------------------------------------------------------------
# Good files


@pytest.mark.article("87")
@pytest.mark.article("141")
def test_a_good_csv_becomes_first_entries_and_the_import_is_audited(election):
    p = election
    data = csv_bytes(IMPORT_HEADER, import_rows(p.sheets()))
    report = import_minutes(p.round, data, user=p.awa, filename="kayes.csv")
    assert report.ok, [str(e) for e in report.errors]
    assert report.written and report.entries_written == 8
    assert {r.entry for r in report.results} == {1}
    assert {r.status for r in report.results} == {Status.FIRST_ENTRY}
    entries = DataEntry.objects.filter(sheet__round=p.round)
    assert entries.count() == 8 and {e.entered_by_id for e in entries} == {p.awa.pk}
    event = AuditEvent.objects.get(event_type="results.imported")
    assert event.actor == "awa"
    assert event.object_pk == report.file_sha256
    assert '"rows":8' in event.after and '"filename":"kayes.csv"' in event.after
    assert verify().ok


@pytest.mark.article("87")
@pytest.mark.article("141")
def test_a_second_clerks_excel_file_makes_the_minutes_definitive(election):
    p = election
    sheets = p.sheets()
    import_minutes(p.round, csv_bytes(IMPORT_HEADER, import_rows(sheets)), user=p.awa)
    data = xlsx_bytes(IMPORT_HEADER, import_rows(sheets))
    report = import_minutes(p.round, data, user=p.moussa, filename="saisie2.xlsx")
    assert report.ok, [str(e) for e in report.errors]
    assert report.format == "xlsx"
    assert {r.entry for r in report.results} == {2}
    assert {r.status for r in report.results} == {Status.DEFINITIVE}
    total = tabulate(p.round).contests[0].total
    assert total.progress.sheets_definitive == 8
    assert total.voters == sum(minutes(s.station, ["C01", "C02", "C03"])["voters"] for s in sheets)


@pytest.mark.article("84")
@pytest.mark.article("87")
def test_inconsistent_minutes_are_stored_as_entered_and_blocked_not_refused(election):
    p = election
    sheets = p.sheets()[:1]
    rows = import_rows(sheets)
    rows[0][6] += 1  # C01 one vote too many: votes no longer add up to the valid votes
    data = csv_bytes(IMPORT_HEADER, rows)
    first = import_minutes(p.round, data, user=p.awa)
    assert first.ok
    assert first.results[0].codes  # the blocking check is reported on the row
    second = import_minutes(p.round, xlsx_bytes(IMPORT_HEADER, rows), user=p.moussa)
    assert second.ok
    assert second.results[0].status == Status.BLOCKED
    assert TallySheet.objects.get(pk=sheets[0].pk).status == Status.BLOCKED


def test_french_headers_semicolons_and_windows_1252_are_read(election):
    p = election
    header = [
        "Bureau",
        "Inscrits",
        "Votants",
        "Enveloppes",
        "Bulletins nuls",
        "Suffrages exprimés",
        "voix_C01",
        "c02",
        "C03",
        "Observations",
    ]
    rows = [row + ["Délégué absent à la clôture"] for row in import_rows(p.sheets()[:2])]
    rows[0][2] = f"{rows[0][2]:,}".replace(",", " ")  # "1 234" style thousands, if any
    text = csv_bytes(header, rows, delimiter=";").decode("utf-8").encode("cp1252")
    report = import_minutes(p.round, text, user=p.awa, filename="pv.csv")
    assert report.ok, [str(e) for e in report.errors]
    entry = DataEntry.objects.filter(sheet__station__code=p.sheets()[0].station.code).get()
    assert entry.figures["observations"] == "Délégué absent à la clôture"


# --------------------------------------------------------------------------------------------
# All or nothing


@pytest.mark.article("87")
def test_a_file_with_three_bad_rows_is_refused_whole_with_every_error_in_french(election):
    p = election
    rows = import_rows(p.sheets())
    rows[1][2] = "3O4"  # line 3: votants not a number
    rows[3][0] = "CM010101-BV999"  # line 5: unknown station
    rows[5][7] = -5  # line 7: negative votes for C02
    data = csv_bytes(IMPORT_HEADER, rows)
    before = state()
    report = import_minutes(p.round, data, user=p.awa, filename="mauvais.csv")
    assert not report.ok and not report.written
    messages = [str(e) for e in report.errors]
    assert messages == [
        "ligne 3, colonne « votants » : « 3O4 » n'est pas un nombre entier",
        "ligne 5, colonne « bureau » : « CM010101-BV999 » : bureau de vote inconnu dans le "
        "scrutin PRES-2026-04-26",
        "ligne 7, colonne « C02 » : « -5 » est négatif : un nombre de bulletins ou de voix ne "
        "l'est jamais",
    ]
    assert state() == before  # nothing written: no entry, no audit event, no sheet moved


def test_header_problems_are_reported_on_line_one(election):
    p = election
    header = [h for h in IMPORT_HEADER if h != "C03"] + ["remarques", "votants"]
    rows = [row[:-1] + ["", row[2]] for row in import_rows(p.sheets()[:1])]
    report = import_minutes(p.round, csv_bytes(header, rows), user=p.awa)
    messages = [str(e) for e in report.errors]
    assert (
        "ligne 1, colonne « remarques » : colonne inconnue : ni un champ du procès-verbal ni le "
        "code d'un candidat, d'une liste ou d'une réponse de ce tour" in messages
    )
    assert "ligne 1, colonne « votants » : colonne en double (déjà en colonne n°3)" in messages
    assert any("colonne absente : « C03 »" in m for m in messages)
    assert DataEntry.objects.count() == 0


def test_duplicate_station_missing_value_and_unknown_candidate_are_errors(election):
    p = election
    header = [*IMPORT_HEADER, "C09"]
    rows = [row + [""] for row in import_rows(p.sheets()[:3])]
    rows.append(list(rows[0]))  # line 5: same station again
    rows[1][3] = ""  # line 3: envelopes missing
    report = import_minutes(p.round, csv_bytes(header, rows), user=p.awa)
    messages = [str(e) for e in report.errors]
    assert any(m.startswith("ligne 1, colonne « C09 » : colonne inconnue") for m in messages)
    assert (
        "ligne 3, colonne « enveloppes » : valeur manquante (une valeur nulle se saisit 0)"
        in messages
    )
    assert any(
        m.startswith("ligne 5, colonne « bureau »") and "déjà présent ligne 2" in m
        for m in messages
    )


@pytest.mark.article("141")
def test_a_clerk_outside_the_commission_area_is_refused(election):
    p = election
    data = csv_bytes(IMPORT_HEADER, import_rows(p.sheets()))
    before = state()
    report = import_minutes(p.round, data, user=p.outsider)
    assert not report.ok
    assert len(report.errors) == 8
    assert all(e.code == "not_allowed" for e in report.errors)
    assert all(
        str(e).startswith(f"ligne {n}, colonne « bureau » : ")
        for n, e in enumerate(report.errors, 2)
    )
    assert state() == before


@pytest.mark.article("141")
def test_four_eyes_the_first_clerk_cannot_import_the_second_entry(election):
    p = election
    sheets = p.sheets()
    import_minutes(p.round, csv_bytes(IMPORT_HEADER, import_rows(sheets)), user=p.awa)
    other_file = xlsx_bytes(IMPORT_HEADER, import_rows(sheets))
    report = import_minutes(p.round, other_file, user=p.awa)
    assert not report.ok
    assert {e.code for e in report.errors} == {"same_clerk"}
    # Another clerk's identical file (same template, same correct figures) is the second entry;
    # the report warns that the file is byte for byte the first one.
    same_file = csv_bytes(IMPORT_HEADER, import_rows(sheets))
    second = import_minutes(p.round, same_file, user=p.moussa)
    assert second.ok and {r.status for r in second.results} == {Status.DEFINITIVE}
    assert len(second.warnings) == 1 and "déjà été importé par awa" in second.warnings[0]


@pytest.mark.article("141")
def test_minutes_already_definitive_cannot_be_imported_again(election):
    p = election
    sheets = p.sheets()
    enter(sheets[:1], (p.awa, p.moussa))
    report = import_minutes(p.round, csv_bytes(IMPORT_HEADER, import_rows(sheets[:2])), user=p.awa)
    assert [e.code for e in report.errors] == ["already_definitive"]
    assert report.errors[0].line == 2
    assert "seule une rectification motivée" in str(report.errors[0])


def test_an_unreadable_or_empty_file_is_refused_in_french(election):
    p = election
    broken = import_minutes(p.round, b"PK\x03\x04pas un classeur", user=p.awa, filename="pv.xlsx")
    assert [str(e) for e in broken.errors] == [
        "fichier : fichier Excel illisible (BadZipFile) : enregistrez-le au format .xlsx"
    ]
    empty = import_minutes(p.round, b"", user=p.awa, filename="pv.csv")
    assert [e.code for e in empty.errors] == ["import_empty"]
    assert DataEntry.objects.count() == 0


# --------------------------------------------------------------------------------------------
# Idempotence, dry run


def test_importing_the_same_file_again_writes_nothing(election):
    p = election
    data = csv_bytes(IMPORT_HEADER, import_rows(p.sheets()))
    first = import_minutes(p.round, data, user=p.awa)
    assert first.entries_written == 8
    before = state()
    again = import_minutes(p.round, data, user=p.awa)
    assert again.ok and all(r.replayed for r in again.results)
    assert again.entries_written == 0
    assert state() == before


def test_a_dry_run_checks_everything_and_writes_nothing(election):
    p = election
    data = csv_bytes(IMPORT_HEADER, import_rows(p.sheets()))
    before = state()
    report = import_minutes(p.round, data, user=p.awa, dry_run=True)
    assert report.ok and report.dry_run and not report.written
    assert [r.entry for r in report.results] == [1] * 8
    assert state() == before
    validated = import_minutes(p.round, data)  # no user: validation only
    assert validated.ok and not validated.written
    assert state() == before


@pytest.mark.article("141")
def test_rows_whose_entries_the_president_discarded_must_be_typed_again(election):
    p = election
    president = get_user_model().objects.create_user("president")
    grant(president, Role.PRESIDENT, election=p.election, cercle=Cercle.objects.get(code="C0101"))
    kayes = [s for s in p.sheets() if s.station.code.startswith("CM0101")][:2]
    data = csv_bytes(IMPORT_HEADER, import_rows(kayes))
    import_minutes(p.round, data, user=p.awa)
    discard_entries(kayes[0], president, "Chiffres illisibles sur la copie scannée")
    report = import_minutes(p.round, data, user=p.awa)
    assert [(e.line, e.code) for e in report.errors] == [(2, "entry_discarded")]
    assert "doit être ressaisi" in str(report.errors[0])


def test_json_output_of_a_refused_import(election, tmp_path, capsys):
    p = election
    rows = import_rows(p.sheets()[:1])
    rows[0][4] = "douze"
    path = tmp_path / "pv.csv"
    path.write_bytes(csv_bytes(IMPORT_HEADER, rows))
    argv = ["results", "import", str(path), "--round", p.round.code, "--user", "awa", "--json"]
    assert main(argv) == 2
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False and data["written"] is False
    assert data["errors"] == [
        {
            "code": "not_integer",
            "line": 2,
            "column": "bulletins_nuls",
            "value": "douze",
            "message": "ligne 2, colonne « bulletins_nuls » : « douze » n'est pas un nombre entier",
        }
    ]


# --------------------------------------------------------------------------------------------
# Templates


@pytest.mark.article("141")
def test_the_csv_template_has_the_columns_of_the_contest_and_one_row_per_station(election):
    p = election
    data = import_template(p.round, unit_code="C0101")
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == (
        "bureau,nom_bureau,inscrits,votants,enveloppes,bulletins_nuls,suffrages_exprimes,"
        "C01,C02,C03,observations"
    )
    assert [line.split(",")[0] for line in lines[1:]] == [
        s.station.code for s in p.sheets() if s.station.code.startswith("CM0101")
    ]


def test_a_filled_xlsx_template_imports(election):
    p = election
    wb = load_workbook(io.BytesIO(import_template(p.round, fmt="xlsx")))
    ws = wb["PV"]
    header = [c.value for c in ws[1]]
    assert header[:2] == ["bureau", "nom_bureau"] and "C03" in header
    assert wb["Colonnes"]["A2"].value == "bureau"
    by_code = {s.station.code: s for s in p.sheets()}
    for row in ws.iter_rows(min_row=2):
        m = minutes(by_code[row[0].value].station, ["C01", "C02", "C03"])
        values = {**{k: m[k] for k in ("envelopes",)}, **m["votes"]}
        columns = {
            "inscrits": m["registered"],
            "votants": m["voters"],
            "enveloppes": values["envelopes"],
            "bulletins_nuls": m["null_ballots"],
            "suffrages_exprimes": m["valid_votes"],
            **m["votes"],
        }
        for i, name in enumerate(header):
            if name in columns:
                row[i].value = columns[name]
    buffer = io.BytesIO()
    wb.save(buffer)
    report = import_minutes(p.round, buffer.getvalue(), user=p.awa, filename="modele.xlsx")
    assert report.ok, [str(e) for e in report.errors]
    assert report.entries_written == 8


# --------------------------------------------------------------------------------------------
# Command line


@pytest.mark.article("87")
def test_cli_import_refuses_a_bad_file_with_exit_2_and_every_error(election, tmp_path, capsys):
    p = election
    rows = import_rows(p.sheets())
    rows[1][2] = "3O4"
    rows[2][0] = "XX"
    path = tmp_path / "pv.csv"
    path.write_bytes(csv_bytes(IMPORT_HEADER, rows))
    code = main(["results", "import", str(path), "--round", p.round.code, "--user", "awa"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("Erreur : Import refusé (pv.csv, tour PRES-2026-04-26-T1) : 2 erreur(s)")
    assert "ligne 3, colonne « votants » : « 3O4 » n'est pas un nombre entier" in err
    assert "ligne 4, colonne « bureau »" in err
    assert DataEntry.objects.count() == 0
    rows = import_rows(p.sheets())
    path.write_bytes(csv_bytes(IMPORT_HEADER, rows))
    argv = ["results", "import", str(path), "--round", p.round.code, "--user", "awa"]
    assert main([*argv, "--dry-run"]) == 0
    assert "Essai à blanc" in capsys.readouterr().out
    assert main(argv) == 0
    assert "8 saisie(s) enregistrée(s)" in capsys.readouterr().out
    template = tmp_path / "modele.xlsx"
    argv = ["results", "import-template", p.round.code, "--format", "xlsx", "--output"]
    assert main([*argv, str(template)]) == 0
    assert load_workbook(template)["PV"]["A1"].value == "bureau"


BUILD = """
import sys
sys.path.insert(0, {repo!r})
import django
django.setup()
from django.db import transaction
from tests.formats.fixtures import presidential, import_rows, csv_bytes, IMPORT_HEADER
with transaction.atomic():
    p = presidential()
open({path!r}, "wb").write(csv_bytes(IMPORT_HEADER, import_rows(p.sheets())))
print(p.round.code)
"""


@pytest.mark.article("87")
@pytest.mark.article("141")
def test_the_installed_command_imports_and_exports(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["KALATA_DATA_DIR"] = str(tmp_path)
    env.pop("DJANGO_SETTINGS_MODULE", None)

    def run(*cmd, **extra):
        return subprocess.run(
            cmd, env={**env, **extra}, capture_output=True, text=True, timeout=300, cwd=tmp_path
        )

    assert run(str(KALATA), "migrate").returncode == 0
    csv_path = tmp_path / "pv.csv"
    built = run(
        sys.executable,
        "-c",
        BUILD.format(repo=str(REPO), path=str(csv_path)),
        DJANGO_SETTINGS_MODULE="kalata.settings",
    )
    assert built.returncode == 0, built.stderr
    code = built.stdout.strip()
    imported = run(
        str(KALATA), "results", "import", str(csv_path), "--round", code, "--user", "awa"
    )
    assert imported.returncode == 0, imported.stderr
    assert "8 saisie(s) enregistrée(s)" in imported.stdout
    exported = run(str(KALATA), "results", "export", code, "--format", "nist", "--validate")
    assert exported.returncode == 0, exported.stderr
    assert '"Status": "unofficial-partial"' in exported.stdout
    audit = run(str(KALATA), "audit", "verify")
    assert audit.returncode == 0, audit.stdout + audit.stderr
