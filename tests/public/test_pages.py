"""The public results site, page by page: the drill-down from the elections to the polling
stations, figures equal to an independent sum of the minutes, JSON and CSV equal to the HTML,
404 for unknown codes, badges of the proclamations, no write, no personal data."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from fractions import Fraction

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.test import Client, override_settings

from kalata.law.explain import round_half_up
from kalata.results.models import TallySheet
from kalata.results.proclamation import annul, proclaim
from tests.public.helpers import FIELDS, figures, independent_sums, read_csv, unit_chains
from tests.public.scenario import CANDIDATES, FIRST_ENTRY_ONLY, NOT_RECEIVED, complete

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return Client()


def page_urls(pres) -> list[str]:
    """Every page of the drill-down of the scenario (HTML)."""
    base = pres.base
    chains = unit_chains(pres.election)
    urls = ["/", "/scrutins/", f"/scrutins/{pres.election.code}/", base, base + "NATION/"]
    for level in ("region", "cercle", "commune"):
        for code in sorted({c[level] for c in chains.values()}):
            urls.append(f"{base}NATION/{level}/{code}/")
    urls += [f"{base}NATION/bureau/{code}/" for code in sorted(chains)]
    for level in ("regions", "cercles"):
        for measure in ("tete", "participation"):
            urls.append(f"{base}carte/{level}/{measure}/")
            urls.append(f"{base}NATION/carte/{level}/{measure}/")
    return urls


def data_url(url: str, fmt: str) -> str:
    return url.rstrip("/") + "." + fmt


@pytest.mark.article("141")
def test_every_page_of_the_drilldown_shows_the_independent_sum_of_the_minutes(pres, client):
    sums = independent_sums(pres.election, pres.figures)
    for url in page_urls(pres):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("text/html")
    base = pres.base + "NATION/"
    for (level, code), expected in sums.items():
        url = base if level == "nation" else f"{base}{level}/{code}/"
        payload = client.get(data_url(url, "json")).json()
        unit = payload["unit"]
        assert {f: unit[f] for f in FIELDS} == {f: expected[f] for f in FIELDS}, url
        assert unit["votes"] == dict(expected["votes"]), url
        turnout = round_half_up(Fraction(expected["voters"] * 100, expected["registered"]))
        assert unit["turnout"] == turnout
        html = figures(client.get(url).content)
        assert html.headline == {f: str(expected[f]) for f in FIELDS} | {"turnout": turnout}
        for sel, votes in expected["votes"].items():
            assert html.rows[sel]["votes"] == str(votes), (url, sel)


def test_json_and_csv_tables_equal_the_html_table(pres, client):
    base = pres.base + "NATION/"
    for url in (
        base,
        base + "region/R01/",
        base + "cercle/C0101/",
        base + "commune/CM010101/",
        base + "region/D09/",
        base + "region/EXT/",
    ):
        html = figures(client.get(url).content)
        payload = client.get(data_url(url, "json")).json()
        rows = read_csv(client.get(data_url(url, "csv")).content)
        assert rows[0]["code"] == payload["unit"]["code"]
        by_code = {r["code"]: r for r in rows[1:]}
        assert [c["code"] for c in payload["children"]] == [r["code"] for r in rows[1:]]
        assert payload["children"], url
        for child in payload["children"]:
            cells = html.rows[child["code"]]
            line = by_code[child["code"]]
            if child.get("state", "definitive") != "definitive":
                # Minutes not (yet) counted: dashes in the page, zeros and the state in the data.
                assert set(cells.values()) == {"—"}
                assert child["voters"] == 0 and line["votants"] == "0" and line["etat"]
                continue
            for f in FIELDS:
                assert (
                    cells[f]
                    == str(child[f])
                    == line[
                        f.replace("null_ballots", "bulletins_nuls")
                        .replace("registered", "inscrits")
                        .replace("voters", "votants")
                        .replace("valid_votes", "suffrages_exprimes")
                    ]
                ), (url, child["code"], f)
            assert cells["turnout"] == child["turnout"] == line["participation_pct"]
            for sel, votes in child["votes"].items():
                assert html.selections[child["code"]][sel] == str(votes) == line[f"voix_{sel}"]
                assert child["shares"][sel] == line[f"pct_{sel}"]


def test_the_district_and_the_missions_drill_down_to_their_communes_and_stations(pres, client):
    base = pres.base + "NATION/"
    district = client.get(base + "region/D09.json").json()
    assert district["children_level"] == "commune"
    assert [c["code"] for c in district["children"]] == ["CM090001", "CM090002"]
    abroad = client.get(base + "region/EXT.json").json()
    assert [c["code"] for c in abroad["children"]] == ["AMB-SN-DAKAR"]
    assert abroad["children"][0]["url"] == base + "commune/AMB-SN-DAKAR/"
    dakar = client.get(base + "commune/AMB-SN-DAKAR.json").json()
    assert dakar["children_level"] == "station"
    assert [c["code"] for c in dakar["children"]] == ["AMB-SN-DAKAR-BV001", "AMB-SN-DAKAR-BV002"]
    trail = [t["code"] for t in dakar["trail"]]
    assert trail == ["ML", "EXT", "AMB-SN-DAKAR"]


@pytest.mark.article("141")
def test_progress_of_the_minutes_at_every_level(pres, client):
    base = pres.base + "NATION/"
    nation = client.get(base.rstrip("/") + ".json").json()["unit"]["progress"]
    assert nation["sheets_expected"] == 14
    assert nation["sheets_received"] == 13
    assert nation["sheets_definitive"] == 12
    assert nation["sheets_pending"] == 2
    kayes = client.get(base + "commune/CM010101.json").json()
    assert kayes["unit"]["progress"]["sheets_definitive"] == 2
    states = {c["code"]: c["state"] for c in kayes["children"]}
    assert states[NOT_RECEIVED] == "expected"
    bamako = client.get(base + "commune/CM090001.json").json()
    assert {c["code"]: c["state"] for c in bamako["children"]}[FIRST_ENTRY_ONLY] == "received"
    html = client.get(base).content.decode()
    assert "12 procès-verbaux définitifs sur 14 attendus" in html.replace("\u202f", " ")
    round_json = client.get(pres.base.rstrip("/") + ".json").json()
    assert round_json["progress"]["sheets_definitive"] == 12
    assert round_json["progress"]["counted_percent"] == "85.71"


def test_a_station_shows_its_definitive_minutes_only(pres, client):
    base = pres.base + "NATION/bureau/"
    code = "CM010101-BV001"
    payload = client.get(base + code + ".json").json()
    station = payload["station"]
    fig = pres.figures[code]
    assert {f: station[f] for f in FIELDS} == {f: fig[f] for f in FIELDS}
    assert station["votes"] == fig["votes"]
    assert station["state"] == "definitive"
    html = client.get(base + code + "/").content.decode()
    assert "définitif" in html
    assert [t["code"] for t in payload["trail"]] == ["ML", "R01", "C0101", "CM010101", code]
    pending = client.get(base + FIRST_ENTRY_ONLY + ".json").json()["station"]
    assert pending["state"] == "received" and pending["voters"] == 0
    html = client.get(base + FIRST_ENTRY_ONLY + "/").content.decode()
    assert "pas encore définitif" in html


def test_unknown_codes_are_404(pres, client):
    base = pres.base
    for url in (
        "/scrutins/PRES-1999-01-01/",
        "/scrutins/PRES-1999-01-01.json",
        f"/scrutins/{pres.election.code}/tour-2/",
        f"/scrutins/{pres.election.code}/tour-3.json",
        base + "C0101/",
        base + "XYZ.json",
        base + "NATION/region/R05/",
        base + "NATION/region/C0101/",
        base + "NATION/cercle/R01/",
        base + "NATION/commune/CM050101/",
        base + "NATION/commune/CM050101.csv",
        base + "NATION/bureau/CM010101-BV009/",
        base + "NATION/bureau/CM010101-BV001/pv",
        base + "NATION/carte/regions/tete/".replace("NATION", "C0101"),
    ):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_no_public_url_accepts_a_write(pres, client, method):
    urls = page_urls(pres)[:8] + [
        data_url(pres.base + "NATION/", "json"),
        data_url(pres.base + "NATION/", "csv"),
        pres.base + "NATION/carte/regions/tete.svg",
        f"/scrutins/{pres.election.code}/nist.json",
        pres.base + "NATION/bureau/CM010101-BV001/pv",
        "/langue/en/",
    ]
    for url in urls:
        response = getattr(client, method)(url, data={})
        assert response.status_code == 405, (method, url)
        assert set(response["Allow"].split(", ")) == {"GET", "HEAD"}


def test_no_candidate_birth_date_and_no_staff_name_is_published(pres, client):
    complete(pres)
    ministry = get_user_model().objects.create_user("ministre-x")
    proclaim(pres.round, "provisional", ministry)
    annul(pres.round, "station", "CM010102-BV001", "Bourrage d'urnes", "Arrêt n°2026-01", ministry)
    for url in page_urls(pres):
        for body in (client.get(url).content, client.get(data_url(url, "json")).content):
            text = body.decode()
            assert "ministre-x" not in text
            assert "agent-a" not in text and "admin-" not in text
            assert "birth" not in text
            for candidate in CANDIDATES:
                born = candidate["birth_date"]
                assert born.isoformat() not in text and f"/{born.year}" not in text
                assert f"{born.day:02d}/{born.month:02d}" not in text
                assert str(born.year) not in text, (url, born)


@pytest.mark.article("141")
@pytest.mark.article("142")
def test_partial_then_provisional_then_final_are_marked_with_authority_and_date(pres, client):
    url = pres.base + "NATION/"
    html = client.get(url).content.decode()
    assert "Résultats partiels, non proclamés" in html
    assert client.get(url.rstrip("/") + ".json").json()["status"]["kind"] == "partial"

    complete(pres)
    ministry = get_user_model().objects.create_user("ministre")
    court = get_user_model().objects.create_user("cour")
    provisional = proclaim(pres.round, "provisional", ministry)
    html = client.get(url).content.decode()
    assert 'class="badge provisional"' in html
    assert "le ministre chargé de l&#x27;Administration territoriale" in html
    status = client.get(url.rstrip("/") + ".json").json()["status"]
    assert status["kind"] == "provisional"
    assert status["at"] == provisional.at.isoformat()
    assert status["authority"] == "le ministre chargé de l'Administration territoriale"

    # The Court annuls a station after the provisional proclamation: the provisional figures
    # stay as proclaimed, the annulment is announced beside them.
    annul(pres.round, "station", "CM010102-BV001", "Bourrage d'urnes", "Arrêt n°2026-01", court)
    payload = client.get(url.rstrip("/") + ".json").json()
    assert payload["unit"]["voters"] == sum(f["voters"] for f in pres.figures.values())
    assert [a["target"] for a in payload["later_annulments"]] == ["CM010102-BV001"]
    assert "Arrêt n°2026-01" in client.get(url).content.decode()

    proclaim(pres.round, "final", court)
    html = client.get(url).content.decode()
    assert 'class="badge final"' in html
    assert "la Cour constitutionnelle" in html
    payload = client.get(url.rstrip("/") + ".json").json()
    assert payload["status"]["kind"] == "final"
    annulled = pres.figures["CM010102-BV001"]
    expected_voters = sum(f["voters"] for f in pres.figures.values()) - annulled["voters"]
    assert payload["unit"]["voters"] == expected_voters
    comparison = payload["comparison"]
    assert comparison["voters"] == {
        "provisional": expected_voters + annulled["voters"],
        "final": expected_voters,
        "difference": -annulled["voters"],
    }
    assert "Résultats provisoires et définitifs" in html
    commune = client.get(pres.base + "NATION/commune/CM010102.json").json()
    assert commune["unit"]["annulments"][0]["reference"] == "Arrêt n°2026-01"
    assert "by" not in commune["unit"]["annulments"][0]
    station = client.get(pres.base + "NATION/bureau/CM010102-BV001/").content.decode()
    assert "Bourrage d&#x27;urnes" in station


@pytest.mark.article("127")
def test_the_outcome_and_the_second_round_designation_are_shown(pres, client):
    complete(pres)
    payload = client.get(pres.base + "NATION.json").json()
    decision = payload["outcome"]["decision"]
    assert decision["elected"] is None
    assert decision["second_round"] == ["C01", "C02"]
    html = client.get(pres.base + "NATION/").content.decode()
    assert "Second tour entre Aminata Diallo" in html


def test_the_scan_of_definitive_minutes_is_served_with_its_sha256(pres, client, tmp_path):
    image = b"\x89PNG\r\n\x1a\n" + b"minutes of the station" * 10
    digest = hashlib.sha256(image).hexdigest()
    with override_settings(MEDIA_ROOT=str(tmp_path)):
        sheet = TallySheet.objects.get(round=pres.round, station__code="CM010101-BV001")
        sheet.image.save("pv-cm010101-bv001.png", ContentFile(image), save=False)
        sheet.image_sha256 = digest
        sheet.save(update_fields=["image", "image_sha256"])
        pending = TallySheet.objects.get(round=pres.round, station__code=FIRST_ENTRY_ONLY)
        pending.image.save("pv-pending.png", ContentFile(image), save=False)
        pending.image_sha256 = digest
        pending.save(update_fields=["image", "image_sha256"])

        page = pres.base + "NATION/bureau/CM010101-BV001/"
        html = client.get(page).content.decode()
        assert f'href="{page}pv"' in html
        assert digest in html
        assert client.get(data_url(page, "json")).json()["station"]["image_sha256"] == digest
        response = client.get(page + "pv")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == digest
        assert response["ETag"] == f'"{digest}"'
        assert client.get(page + "pv", HTTP_IF_NONE_MATCH=f'"{digest}"').status_code == 304

        # Not definitive: neither the link nor the file.
        other = pres.base + f"NATION/bureau/{FIRST_ENTRY_ONLY}/"
        assert 'pv"' not in client.get(other).content.decode()
        assert client.get(other + "pv").status_code == 404

        # Only images and PDF are served.
        sheet.image.save("pv.svg", ContentFile(b"<svg onload='x'/>"), save=False)
        sheet.save(update_fields=["image"])
        assert client.get(page + "pv").status_code == 404


def test_election_list_latest_first_and_election_page(pres, client, territory):
    from tests.public.scenario import build_presidential

    later = build_presidential(date(2031, 4, 27), {"CM010101": 700})
    rows = client.get("/scrutins.json").json()["elections"]
    assert [r["code"] for r in rows] == [later.election.code, pres.election.code]
    election = client.get(f"/scrutins/{pres.election.code}.json").json()
    assert election["rounds"][0]["sheets_definitive"] == 12
    assert election["links"]["nist"] == f"/scrutins/{pres.election.code}/nist.json"
    lines = read_csv(client.get("/scrutins.csv").content)
    assert [r["scrutin"] for r in lines] == [later.election.code, pres.election.code]
    html = client.get("/").content.decode()
    assert html.index(later.election.title) < html.index(pres.election.title)


def test_nist_export_is_linked_and_served(pres, client):
    response = client.get(f"/scrutins/{pres.election.code}/nist.json")
    assert response.status_code == 200
    report = json.loads(response.content)
    assert report["@type"] == "ElectionResults.ElectionReport"
    assert (
        f'href="/scrutins/{pres.election.code}/nist.json"'
        in client.get(f"/scrutins/{pres.election.code}/").content.decode()
    )


def test_language_switch_sets_the_cookie_and_returns_to_a_local_page(pres, client):
    response = client.get("/langue/en/?suivant=/scrutins/")
    assert response.status_code == 302 and response["Location"] == "/scrutins/"
    assert response.cookies["django_language"].value == "en"
    assert response["Cache-Control"] == "no-store"
    page = client.get("/scrutins/")
    assert page["Content-Language"] == "en"
    assert '<html lang="en">' in page.content.decode()
    evil = client.get("/langue/fr/?suivant=https://example.org/")
    assert evil["Location"] == "/"
    assert client.head(pres.base + "NATION/").status_code == 200
