"""CSV export of the results per level: what is read back equals the centralisation
(Art. 141: the commissions total the minutes as they arrive; Art. 87: each station's minutes)."""

from __future__ import annotations

import pytest

from kalata.cli import main
from kalata.formats.csv_export import FIXED_COLUMNS, export_csv, read_csv
from kalata.law.explain import round_half_up
from kalata.results.tabulation import station_results, tabulate
from tests.formats.fixtures import (
    ANNULLED_STATION,
    decided_first_round,
    enter,
    presidential,
    with_second_round,
)

pytestmark = pytest.mark.django_db


def expected_rows(rnd) -> list[dict]:
    """The tabulation (and the station drill-down) as the rows the export must hold."""
    out = []
    results = tabulate(rnd)
    stations = station_results(rnd)
    for contest in results.contests:
        levels = [(lv, contest.units[lv]) for lv in ("nation", "region", "cercle", "commune")]
        levels.append(("bureau", stations.get(contest.code, ())))
        for name, units in levels:
            for u in units:
                row = {
                    "tour": rnd.code,
                    "circonscription": contest.code,
                    "niveau": name,
                    "code": u.code,
                    "inscrits": u.registered,
                    "votants": u.voters,
                    "bulletins_nuls": u.null_ballots,
                    "suffrages_exprimes": u.valid_votes,
                    "participation": round_half_up(u.turnout),
                    "pv_attendus": u.progress.sheets_expected,
                    "pv_definitifs": u.progress.sheets_definitive,
                    "pv_annules": u.progress.sheets_annulled,
                    "pv_en_attente": u.progress.sheets_pending,
                }
                for code, votes in u.votes.items():
                    row[f"voix_{code}"] = votes
                    row[f"part_{code}"] = round_half_up(u.shares[code])
                out.append(row)
    return out


def project(rows: list[dict], keys) -> list[dict]:
    return [{k: r[k] for k in keys if k in r} for r in rows]


@pytest.mark.article("87")
@pytest.mark.article("141")
def test_export_read_back_equals_the_tabulation_at_every_level():
    p = presidential()
    enter(p.sheets()[:6], (p.awa, p.moussa))
    rows = read_csv(export_csv(p.round))
    expected = expected_rows(p.round)
    assert project(rows, expected[0].keys()) == expected
    levels = [r["niveau"] for r in rows]
    assert levels.count("nation") == 1 and levels.count("bureau") == 8
    nation = rows[0]
    assert nation["code"] == "ML" and nation["type"] == "nation" and nation["parent"] == ""
    assert nation["pv_attendus"] == 8 and nation["pv_definitifs"] == 6


def test_the_file_is_utf8_with_bom_comma_separated_with_french_machine_headers():
    p = presidential()
    decided_first_round(p)
    data = export_csv(p.round, ["nation"])
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").split("\r\n")
    header = lines[0].split(",")
    assert tuple(header[: len(FIXED_COLUMNS)]) == FIXED_COLUMNS
    assert header[len(FIXED_COLUMNS) :] == [
        "voix_C01",
        "part_C01",
        "voix_C02",
        "part_C02",
        "voix_C03",
        "part_C03",
    ]
    values = dict(zip(header, lines[1].split(","), strict=True))
    assert values["nom"] == "Mali"
    assert values["votants"].isdigit()
    share = values["part_C01"]
    assert len(share.split(".")[1]) == 2  # "40.12": two decimals, a point
    assert lines[-1] == ""  # CRLF after the last row


def test_levels_and_contest_can_be_chosen():
    p = presidential()
    decided_first_round(p)
    rows = read_csv(export_csv(p.round, ["cercle", "bureau"]))
    assert {r["niveau"] for r in rows} == {"cercle", "bureau"}
    cercles = [r for r in rows if r["niveau"] == "cercle"]
    # Kayes' cercle, the District of Bamako, the embassy (a mission is its own commission).
    assert [r["code"] for r in cercles] == ["C0101", "D09", "AMB-SN-DAKAR"]
    assert [r["type"] for r in cercles] == ["cercle", "district", "mission"]
    assert read_csv(export_csv(p.round, ["nation"], contest="NATION"))[0]["code"] == "ML"


@pytest.mark.article("127")
@pytest.mark.article("142")
def test_an_election_export_holds_both_rounds_and_the_annulled_station_counts_zero():
    p = presidential()
    r2 = with_second_round(p)
    rows = read_csv(export_csv(p.election))
    assert {r["tour"] for r in rows} == {p.round.code, r2.code}
    annulled = next(r for r in rows if r["tour"] == p.round.code and r["code"] == ANNULLED_STATION)
    assert annulled["pv_annules"] == 1 and annulled["votants"] == 0
    round2_nation = next(r for r in rows if r["tour"] == r2.code and r["niveau"] == "nation")
    assert "voix_C03" not in round2_nation  # C03 does not stand in round 2: empty cell
    assert project([round2_nation], expected_rows(r2)[0].keys()) == [expected_rows(r2)[0]]


def test_cli_export_csv_to_a_file(tmp_path, capsys):
    p = presidential()
    decided_first_round(p)
    out = tmp_path / "resultats.csv"
    argv = ["results", "export", p.round.code, "--format", "csv", "--level", "commune"]
    assert main([*argv, "--output", str(out)]) == 0
    rows = read_csv(out.read_bytes())
    assert {r["niveau"] for r in rows} == {"commune"}
    assert main(["results", "export", p.round.code, "--format", "csv", "--validate"]) == 2
    assert "--validate ne s'applique qu'au format nist" in capsys.readouterr().err
