"""Voting by proxy (Art. 93–100)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kalata.law.explain import LawError
from kalata.law.proxies import (
    Proxy,
    ProxyGround,
    ProxyParty,
    evaluate_proxies,
    evaluate_proxy,
    grantor_may_vote_in_person,
)

ELECTION = "PR-2002-T1"
LIST = "BKO-C1"
T0 = datetime(2002, 4, 20, 9, 0)


def party(elector_id: str, voter_list: str | None = LIST, **kw) -> ProxyParty:
    return ProxyParty(elector_id=elector_id, voter_list=voter_list, **kw)


def proxy(code: str = "P1", grantor: str = "A", holder: str | ProxyParty = "H", **kw) -> Proxy:
    base = dict(
        code=code,
        grantor=party(grantor),
        holder=holder if isinstance(holder, ProxyParty) else party(holder),
        election=ELECTION,
        drawn_up_at=T0,
        ground=ProxyGround.ILLNESS,
        legalised=True,
    )
    base.update(kw)
    return Proxy(**base)


def one(p: Proxy):
    return evaluate_proxies([p], ELECTION)[0]


# --- Art. 93 ------------------------------------------------------------------------------


@pytest.mark.article("93")
@pytest.mark.article("94")
@pytest.mark.article("95")
@pytest.mark.article("100")
def test_sick_elector_may_vote_through_a_holder_of_the_same_list():
    d = one(proxy())
    assert d.valid is True
    assert d.codes == ("ground_ok", "holder_ok", "legalised", "this_election", "among_first_two")
    assert d.rank == 1
    assert not d.blocking


@pytest.mark.article("93")
@pytest.mark.parametrize(
    "ground", [ProxyGround.ILLNESS, ProxyGround.GRAND_INVALIDE, ProxyGround.DETENTION]
)
def test_each_category_of_article_93_may_vote_by_proxy(ground):
    assert one(proxy(ground=ground)).valid is True


@pytest.mark.article("93")
def test_elector_outside_the_categories_may_not_vote_by_proxy():
    d = one(proxy(ground=None))
    assert d.valid is False
    assert "no_ground" in d.codes


@pytest.mark.article("93")
def test_obligations_must_be_duly_established():
    assert one(proxy(ground=ProxyGround.OBLIGATIONS)).valid is True
    d = one(proxy(ground=ProxyGround.OBLIGATIONS, ground_established=False))
    assert d.valid is False
    assert "ground_not_established" in d.codes
    assert "dûment constatées" in d.blocking[0].text_fr


@pytest.mark.article("93")
def test_detainee_whose_sentence_entails_electoral_incapacity_cannot_vote_by_proxy():
    d = one(proxy(ground=ProxyGround.DETENTION, sentence_entails_incapacity=True))
    assert d.valid is False
    assert d.blocking[0].code == "detention_with_incapacity"


# --- Art. 94 ------------------------------------------------------------------------------


@pytest.mark.article("94")
def test_holder_must_be_on_the_same_voter_list_as_the_grantor():
    d = one(proxy(holder=party("H", voter_list="BKO-C2")))
    assert d.valid is False
    assert d.blocking[0].code == "holder_other_list"
    assert one(proxy(holder=party("H", voter_list=None))).valid is False


@pytest.mark.article("94")
def test_holder_must_enjoy_his_electoral_rights():
    d = one(proxy(holder=party("H", electoral_rights=False)))
    assert d.valid is False
    assert "holder_no_electoral_rights" in d.codes


@pytest.mark.article("94")
def test_grantor_cannot_be_his_own_holder():
    assert "holder_is_grantor" in one(proxy(grantor="A", holder="A")).codes


# --- Art. 95 ------------------------------------------------------------------------------


@pytest.mark.article("95")
def test_proxy_must_be_legalised():
    d = one(proxy(legalised=False))
    assert d.valid is False
    assert d.blocking[0].code == "not_legalised"
    assert d.blocking[0].articles == ("95",)


# --- Art. 96 ------------------------------------------------------------------------------


@pytest.mark.article("96")
def test_only_the_first_two_proxies_drawn_up_are_valid_the_others_null():
    # Given out of order: the order is that of drawing up, not of the input.
    p3 = proxy("P3", grantor="C", drawn_up_at=T0 + timedelta(hours=2))
    p1 = proxy("P1", grantor="A", drawn_up_at=T0)
    p2 = proxy("P2", grantor="B", drawn_up_at=T0 + timedelta(hours=1))
    decisions = evaluate_proxies([p3, p1, p2], ELECTION)
    assert [d.proxy for d in decisions] == ["P3", "P1", "P2"]
    assert [d.valid for d in decisions] == [False, True, True]
    assert [d.rank for d in decisions] == [3, 1, 2]
    assert decisions[0].blocking[0].code == "beyond_two"
    assert "nulle de plein droit" in decisions[0].blocking[0].text_fr


@pytest.mark.article("96")
def test_tie_in_drawing_up_that_decides_validity_is_reported_not_decided():
    p1 = proxy("P1", grantor="A", drawn_up_at=T0)
    p2 = proxy("P2", grantor="B", drawn_up_at=T0 + timedelta(hours=1))
    p3 = proxy("P3", grantor="C", drawn_up_at=T0 + timedelta(hours=1))
    d1, d2, d3 = evaluate_proxies([p1, p2, p3], ELECTION)
    assert d1.valid is True and not d1.tie
    assert d2.valid is None and d3.valid is None
    assert d2.tie and d3.tie
    assert "order_tie" in d2.codes
    assert "non tranchée" in d2.reasons[-1].text_fr


@pytest.mark.article("96")
def test_tie_that_does_not_cross_the_limit_of_two_changes_nothing():
    p1 = proxy("P1", grantor="A", drawn_up_at=T0)
    p2 = proxy("P2", grantor="B", drawn_up_at=T0)
    p3 = proxy("P3", grantor="C", drawn_up_at=T0 + timedelta(days=1))
    d1, d2, d3 = evaluate_proxies([p1, p2, p3], ELECTION)
    assert (d1.valid, d2.valid, d3.valid) == (True, True, False)
    assert not (d1.tie or d2.tie or d3.tie)


@pytest.mark.article("96")
@pytest.mark.article("98")
def test_cancelling_an_earlier_proxy_does_not_revive_a_third_one():
    p1 = proxy("P1", grantor="A", drawn_up_at=T0, cancelled=True)
    p2 = proxy("P2", grantor="B", drawn_up_at=T0 + timedelta(hours=1))
    p3 = proxy("P3", grantor="C", drawn_up_at=T0 + timedelta(hours=2))
    d1, d2, d3 = evaluate_proxies([p1, p2, p3], ELECTION)
    assert (d1.valid, d2.valid, d3.valid) == (False, True, False)
    assert "cancelled" in d1.codes
    assert "beyond_two" in d3.codes


@pytest.mark.article("96")
def test_limit_of_two_counts_per_holder():
    decisions = evaluate_proxies(
        [
            proxy("P1", grantor="A", holder="H1"),
            proxy("P2", grantor="B", holder="H1", drawn_up_at=T0 + timedelta(minutes=1)),
            proxy("P3", grantor="C", holder="H2", drawn_up_at=T0 + timedelta(minutes=2)),
        ],
        ELECTION,
    )
    assert all(d.valid for d in decisions)


@pytest.mark.article("96")
def test_proxy_numbers_must_be_unique_and_times_known():
    with pytest.raises(LawError):
        evaluate_proxies([proxy("P1"), proxy("P1", grantor="B")], ELECTION)
    with pytest.raises(LawError):
        proxy(drawn_up_at=T0.date())


@pytest.mark.article("96")
@given(
    st.lists(
        st.tuples(st.sampled_from(["H1", "H2", "H3"]), st.integers(min_value=0, max_value=5)),
        max_size=12,
    )
)
def test_no_holder_ever_has_more_than_two_valid_proxies(items):
    proxies = [
        proxy(f"P{i}", grantor=f"G{i}", holder=h, drawn_up_at=T0 + timedelta(hours=hour))
        for i, (h, hour) in enumerate(items)
    ]
    decisions = evaluate_proxies(proxies, ELECTION)
    for holder in ("H1", "H2", "H3"):
        mine = [d for p, d in zip(proxies, decisions, strict=True) if p.holder.elector_id == holder]
        assert sum(d.valid is True for d in mine) <= 2
        # Undecided only when the order is tied across the limit.
        assert all(d.tie for d in mine if d.valid is None)
        # With at most two proxies drawn up, all of them are valid.
        if len(mine) <= 2:
            assert all(d.valid is True for d in mine)


# --- Art. 98 ------------------------------------------------------------------------------


@pytest.mark.article("98")
def test_grantor_may_cancel_his_proxy_before_the_vote():
    d = one(proxy(cancelled=True))
    assert d.valid is False
    assert d.blocking[0].code == "cancelled"


@pytest.mark.article("98")
def test_grantor_may_vote_in_person_until_the_holder_has_voted():
    p = proxy()
    assert grantor_may_vote_in_person(p, holder_has_voted=False).eligible
    late = grantor_may_vote_in_person(p, holder_has_voted=True)
    assert not late.eligible
    assert late.codes == ("holder_already_voted",)
    assert one(replace(p, grantor_voted_in_person=True)).valid is False


# --- Art. 99 ------------------------------------------------------------------------------


@pytest.mark.article("99")
def test_proxy_is_void_on_the_grantors_death():
    d = one(replace(proxy(), grantor=party("A", deceased=True)))
    assert d.valid is False
    assert "grantor_deceased" in d.codes


@pytest.mark.article("99")
def test_proxy_is_void_when_the_grantor_loses_his_civic_rights():
    d = one(replace(proxy(), grantor=party("A", civic_rights_lost=True)))
    assert d.valid is False
    assert "grantor_civic_rights_lost" in d.codes


# --- Art. 100 -----------------------------------------------------------------------------


@pytest.mark.article("100")
def test_proxy_is_valid_for_one_election_only():
    d = one(proxy(election="PR-2002-T2"))
    assert d.valid is False
    assert d.blocking[0].code == "other_election"
    assert d.rank is None


@pytest.mark.article("100")
@pytest.mark.article("96")
def test_proxies_of_another_election_do_not_count_towards_the_limit_of_two():
    old = [
        proxy(f"OLD{i}", grantor=f"X{i}", election="LEG-2002-T1", drawn_up_at=T0 - timedelta(i + 1))
        for i in range(2)
    ]
    new = proxy("NEW", grantor="Y", drawn_up_at=T0)
    d = evaluate_proxy(new, ELECTION, old)
    assert d.valid is True
    assert d.rank == 1


@pytest.mark.article("93")
def test_every_ground_of_nullity_is_reported_not_only_the_first():
    d = one(
        proxy(
            ground=None,
            legalised=False,
            holder=party("H", voter_list="OTHER"),
            election="OTHER",
        )
    )
    assert {r.code for r in d.blocking} == {
        "no_ground",
        "holder_other_list",
        "not_legalised",
        "other_election",
    }
    assert d.as_dict()["valid"] is False
