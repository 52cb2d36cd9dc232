"""Loading the territory into the database, reading it back, missions (Art. 23, 28)."""

from __future__ import annotations

import copy

import pytest

from kalata.law.explain import LawError
from kalata.territory import annex, checks, services
from kalata.territory.models import AnnexCorrection, Cercle, Commune, Mission, Region

pytestmark = pytest.mark.django_db


def test_load_gives_the_annex_counts():
    counts = services.load_territory()
    assert (counts["regions"], counts["districts"], counts["cercles"], counts["communes"]) == (
        8,
        1,
        49,
        703,
    )
    assert counts["corrections"] == 5
    assert counts["created"] == 9 + 49 + 703 + 5
    assert Mission.objects.count() == counts["missions"] == 9


def test_load_twice_updates_and_never_duplicates():
    services.load_territory()
    again = services.load_territory()
    assert again["created"] == 0 and again["updated"] == 0
    assert Commune.objects.count() == 703
    assert Region.objects.count() == 9
    assert Cercle.objects.count() == 49
    assert AnnexCorrection.objects.count() == 5
    assert Mission.objects.count() == 9


def test_reload_repairs_a_changed_value_in_place():
    services.load_territory()
    Commune.objects.filter(code="CM010103").update(councillors=17)
    pk = Commune.objects.get(code="CM010103").pk
    counts = services.load_territory()
    assert counts["updated"] == 1
    diamou = Commune.objects.get(code="CM010103")
    assert (diamou.pk, diamou.councillors) == (pk, 11)


def test_load_is_all_or_nothing():
    broken = copy.deepcopy(annex.load_shipped())
    broken["communes"][-1]["cercle"] = "C9999"  # unknown cercle: fails after most writes
    with pytest.raises(KeyError):
        services.load_territory(broken)
    assert Region.objects.count() == 0
    assert Commune.objects.count() == 0
    assert Mission.objects.count() == 0


def test_stats_have_exactly_the_six_keys():
    services.load_territory()
    assert services.territory_stats() == {
        "regions": 8,
        "districts": 1,
        "cercles": 49,
        "communes": 703,
        "councillors": 10_789,
        "population": 10_198_064,
    }


def test_stats_before_load_say_to_run_load():
    with pytest.raises(services.TerritoryNotLoaded) as err:
        services.territory_stats()
    assert "kalata territory load" in err.value.message


def test_database_keeps_printed_values_and_traceable_corrections():
    services.load_territory()
    marena = Commune.objects.get(code="CM010115")
    assert (marena.population, marena.printed_population) == (9_648, "9 648I")
    corr = AnnexCorrection.objects.get(ident="L0023-population")
    assert corr.commune == marena
    assert (corr.line, corr.seed_line, corr.certainty) == (23, 1320, "certain")
    region_fix = AnnexCorrection.objects.get(ident="L0458-region_name")
    assert region_fix.commune is None and region_fix.unit_code == "R04"
    bamako = Commune.objects.get(code="CM090006")
    assert bamako.cercle is None and bamako.place_name == "District de Bamako"


def test_check_from_the_database_equals_the_check_of_the_shipped_file():
    services.load_territory()
    assert services.territory_check() == checks.check_territory(annex.load_shipped())


def test_corrections_list_names_printed_and_corrected_values():
    services.load_territory()
    items = services.list_corrections()
    assert [c["id"] for c in items] == [
        "L0023-population",
        "L0145-name",
        "L0146-row",
        "L0458-region_name",
        "L0783-name",
    ]
    assert items[0]["printed"] == "9 648I" and items[0]["corrected"] == "9 648"


# -- missions ---------------------------------------------------------------------------------


@pytest.mark.article("23")
@pytest.mark.article("28")
def test_seeded_missions_include_embassies_and_consulates():
    services.load_territory()
    codes = {m["code"]: m for m in services.list_missions()}
    assert codes["AMB-CI-ABIDJAN"]["kind"] == "ambassade"
    assert codes["CG-CI-BOUAKE"]["kind"] == "consulat"
    assert codes["CG-SA-DJEDDAH"]["country"] == "SA"


@pytest.mark.article("23")
@pytest.mark.article("28")
def test_reload_keeps_an_administrator_edit_of_a_seeded_mission():
    services.load_territory()
    Mission.objects.filter(code="AMB-SN-DAKAR").update(jurisdiction="Sénégal et Gambie")
    services.load_territory()
    assert Mission.objects.get(code="AMB-SN-DAKAR").jurisdiction == "Sénégal et Gambie"


@pytest.mark.article("23")
@pytest.mark.article("28")
def test_administrator_can_add_a_mission():
    mission = services.add_mission(
        code="amb-mr-nouakchott",
        name="Ambassade du Mali en Mauritanie",
        kind="ambassade",
        city="Nouakchott",
        country="mr",
    )
    assert (mission.code, mission.country) == ("AMB-MR-NOUAKCHOTT", "MR")


@pytest.mark.article("23")
@pytest.mark.article("28")
def test_mission_code_used_twice_is_refused():
    fields = dict(
        code="AMB-GH-ACCRA", name="Ambassade du Mali au Ghana", kind="ambassade", city="Accra"
    )
    services.add_mission(country="GH", **fields)
    with pytest.raises(LawError) as err:
        services.add_mission(country="GH", **fields)
    assert err.value.code == "mission_exists"


@pytest.mark.article("23")
@pytest.mark.article("28")
@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"kind": "bureau"}, "mission_kind"),
        ({"country": "CIV"}, "mission_country"),
        ({"country": "ML", "code": "AMB-ML-BAMAKO"}, "mission_in_mali"),
        ({"code": "ABIDJAN"}, "mission_code"),
        ({"kind": "consulat"}, "mission_code_kind"),
        ({"country": "SN"}, "mission_code_country"),
        ({"name": " "}, "mission_name"),
        ({"city": ""}, "mission_city"),
    ],
)
def test_invalid_mission_is_refused_with_a_french_message(changes, code):
    fields = dict(
        code="AMB-CI-ABIDJAN",
        name="Ambassade du Mali en Côte d'Ivoire",
        kind="ambassade",
        city="Abidjan",
        country="CI",
    )
    fields.update(changes)
    with pytest.raises(LawError) as err:
        services.validate_mission(**fields)
    assert err.value.code == code
    assert err.value.articles == ("23", "28")
    assert err.value.message[0].isupper()


@pytest.mark.article("23")
@pytest.mark.article("28")
def test_admin_registers_the_territory_and_validates_missions():
    from django.contrib import admin

    from kalata.territory.admin import MissionForm

    for model in (Region, Cercle, Commune, AnnexCorrection, Mission):
        assert admin.site.is_registered(model)
    form = MissionForm(
        data={
            "code": "CG-CI-BOUAKE",
            "name": "Consulat général du Mali à Bouaké",
            "kind": "ambassade",
            "city": "Bouaké",
            "country": "CI",
            "jurisdiction": "",
        }
    )
    assert not form.is_valid()
    assert "ne désigne pas" in str(form.errors["code"])
    form = MissionForm(
        data={
            "code": "cg-ci-bouake",
            "name": "Consulat général du Mali à Bouaké",
            "kind": "consulat",
            "city": "Bouaké",
            "country": "ci",
            "jurisdiction": "",
        }
    )
    assert form.is_valid(), form.errors
    assert form.save().code == "CG-CI-BOUAKE"
