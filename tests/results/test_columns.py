"""The in-process columns of a round's minutes (``kalata.results.columns``): outside a
transaction ``tabulate`` keeps a copy of the rows between calls, and every committed change —
through the services or behind their back — must show in the next results, equal to an
independent recount of the minutes.

These tests commit (``transaction=True``): the copy is only kept outside ``atomic``.
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.models import F

from kalata.elections.models import Selection
from kalata.results import columns
from kalata.results.models import Annulment, SheetVote, TabulationRevision, TallySheet
from kalata.results.tabulation import tabulate
from kalata.territory.models import Commune
from tests.results.tabulation_fixtures import make_definitive, make_user, presidential_scenario
from tests.results.test_tabulation import assert_equal_to_recount

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pres():
    columns.clear()
    yield presidential_scenario()
    columns.clear()


def _revision() -> int:
    return TabulationRevision.objects.get(id=1).n


def test_every_trigger_of_the_reference_revision_exists(pres):
    # A later migration that rebuilds a watched table on SQLite would drop its triggers.
    assert columns.triggers_present()
    assert TabulationRevision.objects.filter(id=1).exists()


@pytest.mark.article("141")
def test_reference_revision_moves_on_reference_writes_not_on_typing(pres):
    before = _revision()
    # Typing: a sheet becomes definitive with a new version, its vote rows inserted.
    sheet = TallySheet.objects.get(round=pres.round, station__code="CM020101-BV003")
    TallySheet.objects.filter(pk=sheet.pk).update(
        status=TallySheet.Status.FIRST_ENTRY, version=F("version") + 1
    )
    assert _revision() == before
    # Reference data: a candidate's name.
    Selection.objects.filter(contest__round=pres.round, code="C01").update(name="Autre nom")
    after_reference = _revision()
    assert after_reference != before
    # Behind the services' back: definitive figures without a new version, a vote row changed.
    done = TallySheet.objects.filter(round=pres.round, status=TallySheet.Status.DEFINITIVE)
    TallySheet.objects.filter(pk=done.first().pk).update(voters=F("voters") + 1)
    after_figures = _revision()
    assert after_figures != after_reference
    SheetVote.objects.filter(sheet=done.first()).update(votes=F("votes") + 1)
    assert _revision() != after_figures


@pytest.mark.article("141")
def test_the_copy_follows_every_committed_change(pres):
    assert not connection.in_atomic_block
    first = tabulate(pres.round)
    assert_equal_to_recount(first, pres.round, "NATION")
    kept = columns._cache[pres.round.id]
    reference = kept.reference

    # Nothing committed: the same copy, the same figures.
    again = tabulate(pres.round)
    assert columns._cache[pres.round.id] is kept and kept.reference is reference
    assert again.as_dict() == first.as_dict()

    # A sheet becomes definitive (status and figures change together).
    sheet = TallySheet.objects.get(round=pres.round, station__code="CM020101-BV003")
    make_definitive(
        sheet,
        registered=700,
        voters=400,
        null_ballots=10,
        votes={"C01": 100, "C02": 90, "C03": 80, "C04": 60, "C05": 40, "C06": 20},
    )
    after = tabulate(pres.round)
    assert_equal_to_recount(after, pres.round, "NATION")
    total = after.contest("NATION").total
    assert total.valid_votes == first.contest("NATION").total.valid_votes + 390
    assert (
        total.progress.sheets_definitive
        == first.contest("NATION").total.progress.sheets_definitive + 1
    )

    # A Court annulment.
    annulled_sheet = TallySheet.objects.get(round=pres.round, station__code="CM010101-BV001")
    Annulment.objects.create(
        round=pres.round,
        scope="station",
        station=annulled_sheet.station,
        reason="Bourrage d'urne constaté",
        reference="Arrêt n°1",
        by=make_user(),
    )
    TallySheet.objects.filter(pk=annulled_sheet.pk).update(annulled=True)
    annulled = tabulate(pres.round)
    assert_equal_to_recount(annulled, pres.round, "NATION")
    assert annulled.contest("NATION").total.progress.sheets_annulled == 1
    assert [a.target for a in annulled.annulments] == ["CM010101-BV001"]

    # Reference data: a commune renamed.
    Commune.objects.filter(code="CM010101").update(name="Kayes (nom rectifié)")
    renamed = tabulate(pres.round)
    assert renamed.contest("NATION").unit("commune", "CM010101").name == "Kayes (nom rectifié)"
    assert columns._cache[pres.round.id].reference is not reference

    # Behind the services' back: a vote row and a definitive figure changed without a new
    # version. The results show the rows as they are (and the unbalanced unit is reported).
    target = TallySheet.objects.get(round=pres.round, station__code="CM090001-BV001")
    SheetVote.objects.filter(sheet=target, selection__code="C02").update(votes=F("votes") + 5)
    tampered = tabulate(pres.round)
    assert_equal_to_recount(tampered, pres.round, "NATION")
    assert any(w.startswith("Circonscription NATION, CM090001") for w in tampered.warnings)
    TallySheet.objects.filter(pk=target.pk).update(valid_votes=F("valid_votes") + 5)
    fixed = tabulate(pres.round)
    assert_equal_to_recount(fixed, pres.round, "NATION")
    assert fixed.warnings == ()


@pytest.mark.article("141")
def test_inside_a_transaction_nothing_is_kept_and_a_rollback_leaves_no_trace(pres):
    before = tabulate(pres.round).as_dict()
    columns.clear()
    sheet = TallySheet.objects.get(round=pres.round, station__code="CM020101-BV003")

    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        make_definitive(
            sheet,
            registered=700,
            voters=300,
            null_ballots=0,
            votes={"C01": 300, "C02": 0, "C03": 0, "C04": 0, "C05": 0, "C06": 0},
        )
        inside = tabulate(pres.round)
        assert (
            inside.contest("NATION").total.votes["C01"]
            == before["contests"][0]["levels"]["nation"][0]["votes"]["C01"] + 300
        )
        assert pres.round.id not in columns._cache  # nothing kept inside a transaction
        raise Rollback

    assert tabulate(pres.round).as_dict() == before
    assert_equal_to_recount(tabulate(pres.round), pres.round, "NATION")


@pytest.mark.article("141")
def test_a_sheet_made_definitive_as_the_services_do_is_read_alone(pres):
    first = tabulate(pres.round)
    kept = columns._cache[pres.round.id]
    reference, revision = kept.reference, _revision()
    sheet = TallySheet.objects.get(round=pres.round, station__code="CM020101-BV003")
    votes = {"C01": 120, "C02": 80, "C03": 50, "C04": 30, "C05": 15, "C06": 5}
    # As the entry services write it: status, figures and a new version in one update, then
    # the vote rows inserted; no reference data touched.
    TallySheet.objects.filter(pk=sheet.pk).update(
        status=TallySheet.Status.DEFINITIVE,
        version=F("version") + 1,
        registered=700,
        voters=310,
        envelopes=310,
        null_ballots=10,
        valid_votes=300,
    )
    selections = {s.code: s for s in Selection.objects.filter(contest=sheet.contest)}
    SheetVote.objects.bulk_create(
        SheetVote(sheet=sheet, selection=selections[code], votes=n) for code, n in votes.items()
    )
    assert _revision() == revision
    after = tabulate(pres.round)
    assert columns._cache[pres.round.id] is kept and kept.reference is reference
    assert_equal_to_recount(after, pres.round, "NATION")
    total, before = after.contest("NATION").total, first.contest("NATION").total
    assert total.valid_votes == before.valid_votes + 300
    assert total.votes["C01"] == before.votes["C01"] + 120
    assert after.warnings == ()
