"""Indirect elections: which college elects which council (Art. 190)."""

from __future__ import annotations

import pytest

from kalata.law.explain import LawError
from kalata.law.indirect import Council, electing_councils, electoral_college
from kalata.territory.annex import load_shipped

pytestmark = pytest.mark.article("190")


def test_communal_councils_elect_cercle_and_district_councils_from_among_their_members():
    for council in ("cercle", "district"):
        college = electoral_college(council)
        assert college.electors is Council.COMMUNE
        assert college.from_among_members and not college.direct
        assert college.term_years == 5
    assert "statut particulier" in electoral_college("district").steps[-1].text


def test_cercle_councils_elect_the_regional_assembly():
    college = electoral_college(Council.REGION)
    assert college.electors is Council.CERCLE and college.from_among_members
    assert "assemblée régionale" in college.steps[-1].text


def test_communal_councils_are_elected_directly_and_national_councillors_by_councillors():
    commune = electoral_college("commune")
    assert commune.direct and commune.electors is None
    national = electoral_college("national")
    assert national.electors is Council.COMMUNE and not national.from_among_members
    assert national.steps[0].articles == ("155",)
    with pytest.raises(LawError) as err:
        electoral_college("province")
    assert err.value.field == "council"


def test_electing_councils_on_the_real_territory():
    territory = load_shipped()
    commune_parent = {c["code"]: c["cercle"] or c["region"] for c in territory["communes"]}
    cercle_parent = {c["code"]: c["region"] for c in territory["cercles"]}
    bamako = electing_councils("district", "D09", commune_parent)
    assert len(bamako) == 6  # the six communes of Bamako
    kayes = electing_councils("cercle", "C0101", commune_parent)
    assert kayes and all(code.startswith("CM0101") for code in kayes)
    region = electing_councils("region", "R01", cercle_parent)
    assert region == tuple(sorted(c["code"] for c in territory["cercles"] if c["region"] == "R01"))
    with pytest.raises(LawError) as err:
        electing_councils("commune", "CM010101", commune_parent)
    assert err.value.code == "direct_election"
    with pytest.raises(LawError) as err:
        electing_councils("cercle", "C9999", commune_parent)
    assert err.value.code == "no_electing_council"
