"""Annulments by the Court or the judge (Art. 142, 150, 188), proclamations (Art. 17, 141, 142,
149, 150, 187, 188) and the provisional / final comparison."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from kalata.audit.canonical import canonical_json
from kalata.audit.models import AuditEvent
from kalata.audit.services import head, snapshot, verify
from kalata.cli import main
from kalata.elections.models import Contest, Election, Round
from kalata.law.explain import LawError
from kalata.results.models import Annulment, Proclamation, TallySheet
from kalata.results.proclamation import annul, compare, proclaim, serialize_annulment
from kalata.results.tabulation import tabulate
from tests.results.tabulation_fixtures import (
    add_sheets,
    add_stations,
    build_territory,
    make_contest,
    make_definitive,
    make_election,
    make_list,
    make_round,
    make_selections,
    make_user,
    presidential_scenario,
    spread,
)

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]
KALATA = str(Path(sys.executable).with_name("kalata"))


def complete(scenario) -> None:
    """Make every undecided sheet of the scenario definitive (as if the minutes had arrived)."""
    for sheet in TallySheet.objects.filter(round=scenario.round).exclude(status="definitive"):
        make_definitive(
            sheet,
            registered=sheet.station.registered,
            voters=260,
            null_ballots=8,
            votes=dict(
                zip(["C01", "C02", "C03", "C04", "C05", "C06"], spread(252, 6), strict=True)
            ),
        )


def events(event_type: str, model: str | None = None):
    qs = AuditEvent.objects.filter(event_type=event_type).order_by("seq")
    if model:
        qs = qs.filter(object_model=model)
    return list(qs)


@pytest.fixture
def pres():
    return presidential_scenario()


@pytest.fixture
def court():
    return make_user("cour")


# --------------------------------------------------------------------------------------------
# Proclamations: order, pending minutes, snapshot, audit


@pytest.mark.article("141")
def test_provisional_results_are_refused_while_minutes_are_pending(pres, court):
    with pytest.raises(LawError) as err:
        proclaim(pres.round, "provisional", court)
    assert err.value.code == "sheets_pending"
    assert "3 procès-verbal(aux) sur 30" in err.value.message
    assert not Proclamation.objects.exists()
    assert events("results.proclaimed") == []


@pytest.mark.article("141")
def test_a_forced_proclamation_records_that_it_was_forced(pres, court):
    p = proclaim(pres.round, "provisional", court, force=True)
    meta = p.results["proclamation"]
    assert meta["forced"] is True and meta["pending_sheets"] == 3
    assert "Proclamation forcée : 3 procès-verbal(aux) sur 30" in meta["steps"][-1]["text"]
    (event,) = events("results.proclaimed", "results.proclamation")
    assert event.reason.startswith("Proclamation forcée")
    assert p.results["contests"][0]["outcome"]["complete"] is False


@pytest.mark.article("141")
def test_totals_that_do_not_add_up_block_the_proclamation_unless_forced(pres, court):
    complete(pres)
    sheet = TallySheet.objects.get(round=pres.round, station__code="CM010102-BV001")
    sheet.sheet_votes.filter(selection__code="C02").update(votes=0)
    with pytest.raises(LawError) as err:
        proclaim(pres.round, "provisional", court)
    assert err.value.code == "results_unbalanced"
    assert "CM010102" in err.value.message
    p = proclaim(pres.round, "provisional", court, force=True)
    meta = p.results["proclamation"]
    assert meta["forced"] is True and meta["pending_sheets"] == 0
    assert "anomalie" in meta["steps"][-1]["text"]


@pytest.mark.article("141")
@pytest.mark.article("17")
def test_provisional_proclamation_stores_the_results_with_the_audit_head(pres, court):
    complete(pres)
    chain = head()
    p = proclaim(pres.round, "provisional", court)
    assert p.audit_head == chain.hash
    expected = json.loads(json.dumps(tabulate(pres.round).as_dict()))
    stored = dict(p.results)
    meta = stored.pop("proclamation")
    assert stored == expected
    assert meta["forced"] is False and meta["pending_sheets"] == 0
    assert meta["audit_seq"] == chain.seq and meta["audit_head_exact"] is True
    assert meta["authority"] == "le ministre chargé de l'Administration territoriale"
    assert meta["steps"][0]["articles"] == ["17", "141"]
    # Audited: the proclamation as stored, and the round's new status.
    (created,) = events("results.proclaimed", "results.proclamation")
    assert created.actor == "cour"
    assert created.after == canonical_json(snapshot(p))
    (status,) = events("results.proclaimed", "elections.round")
    assert json.loads(status.before)["status"] == "counting"
    assert json.loads(status.after)["status"] == "provisional"
    pres.round.refresh_from_db()
    assert pres.round.status == Round.Status.PROVISIONAL
    assert verify(data=False).ok


@pytest.mark.article("142")
def test_final_results_cannot_be_proclaimed_before_the_provisional_ones(pres, court):
    complete(pres)
    with pytest.raises(LawError) as err:
        proclaim(pres.round, "final", court)
    assert err.value.code == "final_before_provisional"
    assert err.value.articles == ("142",)


@pytest.mark.article("142")
@pytest.mark.article("141")
def test_nothing_is_proclaimed_twice_nor_provisional_after_final(pres, court):
    complete(pres)
    proclaim(pres.round, "provisional", court)
    with pytest.raises(LawError) as err:
        proclaim(pres.round, "provisional", court)
    assert err.value.code == "already_proclaimed"
    proclaim(pres.round, "final", court)
    pres.round.refresh_from_db()
    assert pres.round.status == Round.Status.FINAL
    with pytest.raises(LawError) as err:
        proclaim(pres.round, "final", court)
    assert err.value.code == "already_proclaimed"
    assert Proclamation.objects.count() == 2


@pytest.mark.article("142")
def test_a_presidential_proclamation_has_no_territorial_scope(pres, court):
    complete(pres)
    with pytest.raises(LawError) as err:
        proclaim(pres.round, "provisional", court, scope="C0101")
    assert err.value.code == "scope_not_applicable"
    with pytest.raises(LawError) as err:
        proclaim(pres.round, "definitive", court)
    assert err.value.code == "proclamation_kind"


@pytest.mark.article("141")
def test_a_round_without_contest_has_nothing_to_proclaim(court):
    rnd = make_round(make_election(Election.Kind.REFERENDUM))
    with pytest.raises(LawError) as err:
        proclaim(rnd, "provisional", court)
    assert err.value.code == "no_contest"


@pytest.mark.article("141")
def test_a_late_provisional_proclamation_says_so(pres, court):
    complete(pres)
    late = pres.round.polling_date + timedelta(days=8)
    p = proclaim(pres.round, "provisional", court, now=_aware(late))
    texts = [s["text"] for s in p.results["proclamation"]["steps"]]
    assert any("8 jours après le scrutin" in t for t in texts)


def _aware(d: date):
    from datetime import datetime

    from django.utils import timezone

    return timezone.make_aware(datetime(d.year, d.month, d.day, 12))


# --------------------------------------------------------------------------------------------
# Annulments (Art. 142, 150)


@pytest.mark.article("150")
def test_an_annulment_needs_a_reason_and_the_reference_of_the_decision(pres, court):
    proclaim(pres.round, "provisional", court, force=True)
    for reason, reference, code in (
        ("  ", "Arrêt n°1", "annulment_reason_required"),
        ("Fraude", "", "annulment_reference_required"),
    ):
        with pytest.raises(LawError) as err:
            annul(pres.round, "station", "CM010101-BV001", reason, reference, court)
        assert err.value.code == code
    assert not Annulment.objects.exists()
    assert not TallySheet.objects.filter(annulled=True).exists()


@pytest.mark.article("150")
@pytest.mark.article("142")
def test_the_court_annuls_only_between_provisional_and_final_results(pres, court):
    complete(pres)
    with pytest.raises(LawError) as err:
        annul(pres.round, "station", "CM010101-BV001", "Fraude", "Arrêt n°1", court)
    assert err.value.code == "annulment_before_provisional"
    proclaim(pres.round, "provisional", court)
    annul(pres.round, "station", "CM010101-BV001", "Fraude", "Arrêt n°1", court)
    proclaim(pres.round, "final", court)
    with pytest.raises(LawError) as err:
        annul(pres.round, "station", "CM010101-BV002", "Fraude", "Arrêt n°2", court)
    assert err.value.code == "annulment_after_final"
    assert Annulment.objects.count() == 1


@pytest.mark.article("150")
def test_the_court_annuls_a_station_a_commune_or_a_whole_constituency(pres, court):
    proclaim(pres.round, "provisional", court, force=True)
    a1 = annul(pres.round, "station", "CM010201-BV001", "Urne non scellée", "Arrêt n°1", court)
    assert a1.sheets_annulled == 1
    a2 = annul(pres.round, "commune", "CM010201", "Violences", "Arrêt n°2", court)
    assert a2.sheets_annulled == 2  # BV001 was already annulled
    results = tabulate(pres.round)
    commune = results.contest("NATION").unit("commune", "CM010201")
    assert commune.valid_votes == 0
    assert commune.progress.sheets_annulled == 3
    assert commune.progress.registered_annulled == 690 + 610 + 500
    assert [a.reason for a in commune.annulments] == ["Urne non scellée", "Violences"]
    # Audited: each annulment with every sheet its target covers, all annulled.
    annulments = events("court.annulment", "results.annulment")
    assert len(annulments) == 2
    assert all("Cour constitutionnelle" in e.reason for e in annulments)
    commune_sheets = TallySheet.objects.filter(round=pres.round, station__commune__code="CM010201")
    assert json.loads(annulments[1].after)["sheets"] == [
        {"id": s.id, "annulled": True} for s in commune_sheets.order_by("id")
    ]
    assert annulments[1].after == canonical_json(serialize_annulment(a2))
    assert json.loads(annulments[1].after)["reason"] == "Violences"
    # The whole constituency: every remaining sheet, then nothing is left to annul.
    a3 = annul(pres.round, "contest", "NATION", "Irrégularités généralisées", "Arrêt n°3", court)
    assert a3.sheets_annulled == 27
    with pytest.raises(LawError) as err:
        annul(pres.round, "contest", pres.contests["NATION"], "Encore", "Arrêt n°4", court)
    assert err.value.code == "already_annulled"
    total = tabulate(pres.round).contest("NATION").total
    assert total.valid_votes == 0 and total.progress.sheets_pending == 0
    assert verify(["results.annulment", "results.proclamation"]).ok


@pytest.mark.article("150")
def test_a_sheet_un_annulled_behind_the_log_is_caught_by_audit_verify(pres, court):
    proclaim(pres.round, "provisional", court, force=True)
    annul(pres.round, "commune", "CM010201", "Violences", "Arrêt n°2", court)
    assert verify(["results.annulment"]).ok
    sheet = TallySheet.objects.filter(round=pres.round, station__commune__code="CM010201").first()
    TallySheet.objects.filter(pk=sheet.pk).update(annulled=False)
    report = verify(["results.annulment"])
    assert not report.ok
    assert len(report.data_mismatches) == 1


@pytest.mark.article("150")
def test_an_unknown_annulment_target_is_a_french_error(pres, court):
    proclaim(pres.round, "provisional", court, force=True)
    cases = (
        ("station", "CM010101-BV099", "station_unknown"),
        ("commune", "CM999999", "commune_unknown"),
        ("contest", "C0101", "contest_unknown"),
        ("cercle", "C0101", "annulment_scope"),
    )
    for scope, target, code in cases:
        with pytest.raises(LawError) as err:
            annul(pres.round, scope, target, "Motif", "Arrêt", court)
        assert err.value.code == code


# --------------------------------------------------------------------------------------------
# Provisional vs final, as in 2007 (70.89 % provisional, 71.20 % final)


def scenario_2007(t=None):
    """A presidential first round whose leader has 70.89 % in the provisional results; the
    Court then annuls one station where he had no vote."""
    t = t or build_territory()
    election = make_election(Election.Kind.PRESIDENTIAL, date(2007, 4, 29))
    rnd = make_round(election)
    nation = make_contest(rnd, "NATION", "Territoire national", Contest.Level.NATION)
    make_selections(nation, ["C01", "C02", "C03"])
    sheets = add_sheets(rnd, nation, add_stations(election, t.communes["CM090001"], [700] * 15))
    for sheet, a, b, c in zip(
        sheets, spread(7089, 15), spread(1956, 15), spread(911, 15), strict=True
    ):
        make_definitive(
            sheet,
            registered=700,
            voters=a + b + c + 6,
            null_ballots=6,
            votes={"C01": a, "C02": b, "C03": c},
        )
    (odd,) = add_sheets(rnd, nation, add_stations(election, t.communes["CM010201"], [700]))
    make_definitive(
        odd, registered=700, voters=46, null_ballots=2, votes={"C01": 0, "C02": 44, "C03": 0}
    )
    return rnd


@pytest.mark.article("141")
@pytest.mark.article("142")
def test_final_results_differ_from_provisional_ones_as_in_2007(court):
    rnd = scenario_2007()
    provisional = proclaim(rnd, "provisional", court)
    annul(
        rnd,
        "station",
        "CM010201-BV001",
        "Procès-verbal sans signature des assesseurs",
        "Arrêt n°07-001/CC-EP",
        court,
    )
    final = proclaim(rnd, "final", court)
    comparison = compare(provisional, final)
    (contest,) = comparison.as_dict()["contests"]
    (nation,) = contest["levels"]["nation"]
    c01 = nation["selections"]["C01"]
    assert (c01["share_provisional"], c01["share_final"]) == ("70.89", "71.20")
    assert c01["share_difference"] == "+0.31"  # 7 089/9 956 − 7 089/10 000, exact then rounded
    assert c01["votes_difference"] == 0
    assert nation["selections"]["C02"]["votes_difference"] == -44
    assert nation["valid_votes"] == {"provisional": 10000, "final": 9956, "difference": -44}
    assert nation["registered"]["difference"] == -700
    assert nation["annulments"][0]["reference"] == "Arrêt n°07-001/CC-EP"
    assert contest["outcome"]["changed"] is False
    assert contest["outcome"]["final"]["elected"] == "C01"
    lines = "\n".join(comparison.lines_fr())
    assert "C01 : 7\u202f089 voix (70,89 %) → 7\u202f089 voix (71,20 %)" in lines
    # Communes untouched by the annulment are unchanged.
    commune_units = {u["code"]: u for u in contest["levels"]["commune"]}
    assert commune_units["CM090001"]["changed"] is False
    assert commune_units["CM010201"]["changed"] is True


@pytest.mark.article("142")
def test_compare_refuses_proclamations_of_different_rounds(pres, court):
    complete(pres)
    p1 = proclaim(pres.round, "provisional", court)
    other = scenario_2007(pres.territory)
    p2 = proclaim(other, "provisional", court)
    with pytest.raises(LawError):
        compare(p1, p2)


# --------------------------------------------------------------------------------------------
# Communal: the commission of each cercle / the District proclaims (Art. 187, 188)


def communal_scenario():
    t = build_territory()
    election = make_election(Election.Kind.COMMUNAL)
    rnd = make_round(election)
    for code, votes in (("CM010101", (300, 200)), ("CM090001", (250, 350))):
        commune = t.communes[code]
        contest = make_contest(
            rnd,
            code,
            commune.name,
            Contest.Level.COMMUNE,
            seats=commune.councillors,
            commune=commune,
        )
        for order, lst in enumerate(("L1", "L2"), start=1):
            members = [(f"{code} {lst} {i:02d}", None) for i in range(1, commune.councillors + 1)]
            make_list(contest, lst, order, members)
        sheets = add_sheets(rnd, contest, add_stations(election, commune, [700, 700]))
        for sheet, l1, l2 in zip(sheets, spread(votes[0], 2), spread(votes[1], 2), strict=True):
            make_definitive(
                sheet,
                registered=700,
                voters=l1 + l2 + 4,
                null_ballots=4,
                votes={"L1": l1, "L2": l2},
            )
    return rnd


@pytest.mark.article("187")
@pytest.mark.article("188")
def test_communal_results_are_proclaimed_per_commission_and_final_after_the_dispute_period(
    court, capsys
):
    rnd = communal_scenario()
    with pytest.raises(LawError) as err:
        proclaim(rnd, "provisional", court)
    assert err.value.code == "scope_required"
    with pytest.raises(LawError) as err:
        proclaim(rnd, "provisional", court, scope="C0102")
    assert err.value.code == "scope_without_contest"

    assert main(["results", "tabulate", rnd.code, "--scope", "D09", "--json"]) == 0
    tabulated = json.loads(capsys.readouterr().out)
    assert [c["code"] for c in tabulated["contests"]] == ["CM090001"]

    kayes = proclaim(rnd, "provisional", court, scope="C0101")
    assert [c["code"] for c in kayes.results["contests"]] == ["CM010101"]
    assert kayes.results["proclamation"]["steps"][0]["articles"] == ["187"]
    rnd.refresh_from_db()
    assert rnd.status == Round.Status.COUNTING  # the District has not proclaimed yet
    bamako = proclaim(rnd, "provisional", court, scope="D09")
    assert [c["code"] for c in bamako.results["contests"]] == ["CM090001"]
    seats = bamako.results["contests"][0]["outcome"]["decision"]["seats"]
    assert sum(seats.values()) == 41
    rnd.refresh_from_db()
    assert rnd.status == Round.Status.PROVISIONAL

    # Ten days to seize the administrative tribunal (Art. 188): not final before they run out.
    with pytest.raises(LawError) as err:
        proclaim(rnd, "final", court, scope="C0101", now=kayes.at + timedelta(days=10))
    assert err.value.code == "dispute_period_running"
    assert err.value.articles == ("188",)

    # The tribunal annuls a station in Commune I before the District's results become final.
    annulment = annul(rnd, "station", "CM090001-BV001", "Bourrage", "Jugement n°12/TA-B", court)
    (event,) = events("court.annulment", "results.annulment")
    assert "tribunal administratif" in event.reason
    assert annulment.sheets_annulled == 1

    final_kayes = proclaim(rnd, "final", court, scope="C0101", now=kayes.at + timedelta(days=11))
    assert final_kayes.results["proclamation"]["steps"][1]["articles"] == ["187", "188"]
    rnd.refresh_from_db()
    assert rnd.status == Round.Status.PROVISIONAL
    final_bamako = proclaim(rnd, "final", court, scope="D09", now=bamako.at + timedelta(days=11))
    rnd.refresh_from_db()
    assert rnd.status == Round.Status.FINAL
    comparison = compare(bamako, final_bamako).as_dict()
    assert comparison["scope"] == "D09"
    (nation,) = comparison["contests"][0]["levels"]["nation"]
    assert nation["valid_votes"]["difference"] == -(125 + 175)


# --------------------------------------------------------------------------------------------
# Command line


@pytest.mark.article("141")
@pytest.mark.article("142")
@pytest.mark.article("150")
def test_cli_proclaim_annul_and_compare(court, capsys):
    rnd = scenario_2007()
    code = rnd.code
    assert main(["results", "proclaim", code, "provisional"]) == 0
    out = capsys.readouterr().out
    assert "Résultats provisoires proclamés pour PRES-2007-04-29-T1" in out
    assert "État du tour : résultats provisoires proclamés" in out
    # Without --user, the act is the server operator's: the inactive "system" account.
    system = get_user_model().objects.get(username="system")
    assert not system.is_active and not system.has_usable_password()
    assert Proclamation.objects.get(kind="provisional").by == system

    args = ["results", "annul", code, "--station", "CM010201-BV001"]
    assert main([*args, "--reason", "PV non signé", "--reference", "Arrêt n°1", "--user", "x"]) == 2
    assert "utilisateur inconnu : « x »" in capsys.readouterr().err
    assert (
        main([*args, "--reason", "PV non signé", "--reference", "Arrêt n°1", "--user", "cour"]) == 0
    )
    assert "1 procès-verbal(aux) annulé(s)" in capsys.readouterr().out
    assert Annulment.objects.get().by == court

    assert main(["results", "compare", code]) == 2
    assert "ne sont pas tous deux proclamés" in capsys.readouterr().err
    assert main(["results", "proclaim", code, "final", "--json", "--user", "cour"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["kind"] == "final" and data["forced"] is False and data["by"] == "cour"
    assert main(["results", "compare", code, "--json"]) == 0
    comparison = json.loads(capsys.readouterr().out)
    c01 = comparison["contests"][0]["levels"]["nation"][0]["selections"]["C01"]
    assert (c01["share_provisional"], c01["share_final"]) == ("70.89", "71.20")
    assert main(["results", "compare", code]) == 0
    assert "(70,89 %) → 7\u202f089 voix (71,20 %) ; écart 0 voix, +0,31 point" in (
        capsys.readouterr().out
    )


@pytest.mark.article("141")
def test_cli_refuses_a_proclamation_with_pending_minutes_unless_forced(pres, capsys):
    assert main(["results", "proclaim", pres.round.code, "provisional"]) == 2
    assert "proclamation refusée" in capsys.readouterr().err
    assert main(["results", "proclaim", pres.round.code, "provisional", "--force", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["forced"] is True


def test_cli_annul_requires_a_reason(pres):
    with pytest.raises(SystemExit) as exc:
        main(["results", "annul", pres.round.code, "--station", "CM010101-BV001"])
    assert exc.value.code == 2


BUILD = """
import sys
sys.path.insert(0, {repo!r})
import django
django.setup()
from django.db import transaction
from tests.results.tabulation_fixtures import presidential_scenario, record_sheets_in_audit_log
with transaction.atomic():
    rnd = presidential_scenario().round
    record_sheets_in_audit_log(rnd)
    print(rnd.code)
"""


@pytest.mark.article("141")
def test_the_installed_command_tabulates_and_proclaims(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    env["KALATA_DATA_DIR"] = str(tmp_path)
    env.pop("DJANGO_SETTINGS_MODULE", None)

    def run(*cmd, **extra):
        return subprocess.run(
            cmd, env={**env, **extra}, capture_output=True, text=True, timeout=300, cwd=tmp_path
        )

    assert run(KALATA, "migrate").returncode == 0
    built = run(
        sys.executable,
        "-c",
        BUILD.format(repo=str(REPO)),
        DJANGO_SETTINGS_MODULE="kalata.settings",
    )
    assert built.returncode == 0, built.stderr
    code = built.stdout.strip()
    tab = run(KALATA, "results", "tabulate", code, "--json")
    assert tab.returncode == 0, tab.stderr
    data = json.loads(tab.stdout)
    assert data["contests"][0]["levels"]["nation"][0]["progress"]["sheets_expected"] == 30
    refused = run(KALATA, "results", "proclaim", code, "provisional")
    assert refused.returncode == 2
    assert refused.stderr.startswith("Erreur : 3 procès-verbal(aux)")
    forced = run(KALATA, "results", "proclaim", code, "provisional", "--force")
    assert forced.returncode == 0, forced.stderr
    assert "Proclamation forcée" in forced.stdout
    audit = run(KALATA, "audit", "verify")
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert "results.tallysheet" in audit.stdout
