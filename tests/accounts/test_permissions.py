"""Beyond the matrix: other kinds of election, containment, list filters, validity of grants."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from kalata.accounts import services
from kalata.accounts.models import RoleAssignment
from kalata.accounts.permissions import (
    Area,
    Authorizer,
    Grant,
    Subject,
    can,
    decide,
    require,
    visible_sheets,
    visible_stations,
)
from kalata.law.explain import LawError
from kalata.results.models import Annulment, DataEntry

from .conftest import COMMUNES


# --- Communal elections (Art. 187, 188) ----------------------------------------------------
@pytest.mark.article("187")
def test_communal_results_are_proclaimed_by_the_president_of_the_cercle_commission(world):
    president = world.person("president-kayes", "president", election="COM", scope="C0101")
    kayes = world.contests[("COM", "CM010101")]
    assert can(president, "proclaim_provisional", kayes)
    refused = can(president, "proclaim_provisional", world.contests[("COM", "CM020101")])
    assert not refused
    assert "hors de ce ressort" in refused.reason


@pytest.mark.article("17")
@pytest.mark.article("187")
def test_the_ministry_proclaims_no_communal_results(world):
    ministry = world.person("matcl", "ministry")
    refused = can(ministry, "proclaim_provisional", world.rounds["COM"])
    assert not refused
    assert "élections communales" in refused.reason
    assert "président de commission" in refused.reason
    assert refused.articles == ("187",)
    assert can(ministry, "proclaim_provisional", world.rounds["PRES"])
    # It still reads the communal minutes it keeps (Art. 17).
    assert can(ministry, "view_minutes", world.sheet("COM", "CM090001"))


@pytest.mark.article("188")
def test_the_administrative_tribunal_annuls_communal_operations_of_its_area_only(world):
    tribunal = world.person("ta-kayes", "court", election="COM", scope="R01")
    assert can(tribunal, "annul", world.sheet("COM", "CM010201"))
    assert can(tribunal, "court_correction", world.sheet("COM", "CM010101"))
    assert can(tribunal, "proclaim_final", world.contests[("COM", "CM010102")])
    assert not can(tribunal, "annul", world.sheet("COM", "CM090001"))
    assert not can(tribunal, "proclaim_final", world.contests[("COM", "CM020101")])


@pytest.mark.article("188")
def test_the_supreme_court_on_appeal_may_annul_any_communal_operation(world):
    supreme = world.person("cour-supreme", "court", election="COM")
    assert can(supreme, "annul", world.sheet("COM", "CM090002"))
    assert can(supreme, "annul", world.sheet("COM", "CM020101"))


@pytest.mark.article("154")
def test_a_territorial_court_has_no_say_in_a_presidential_election(world):
    tribunal = world.person("ta-kayes", "court", scope="R01")  # every election
    assert can(tribunal, "annul", world.sheet("COM", "CM010101"))
    refused = can(tribunal, "annul", world.sheet("PRES", "CM010101"))
    assert not refused
    assert "portée nationale" in refused.reason
    assert "154" in refused.articles
    assert not can(tribunal, "view_minutes", world.sheet("PRES", "CM010101"))


@pytest.mark.article("150")
def test_only_the_court_annuls(world):
    for role, scope in (
        ("ministry", None),
        ("president", "C0101"),
        ("ceni", None),
        ("admin", None),
        ("clerk", "C0101"),
        ("delegate", None),
    ):
        user = world.person(f"{role}-x", role, scope=scope)
        refused = can(user, "annul", world.sheet("PRES", "CM010101"))
        assert not refused, role
        assert "juridiction" in refused.reason


# --- National councillors (Art. 174, 175) -------------------------------------------------
@pytest.mark.article("174")
def test_a_regional_commission_centralises_the_national_councillors_election(world):
    clerk = world.person("agent-region-kayes", "clerk", scope="R01")  # every election
    assert can(clerk, "enter_minutes", world.sheet("CN", "CM010101"))
    assert can(clerk, "enter_minutes", world.sheet("CN", "CM010201"))
    assert not can(clerk, "enter_minutes", world.sheet("CN", "CM020101"))
    # … and nothing in a presidential election, which has no regional commission (Art. 141).
    refused = can(clerk, "enter_minutes", world.sheet("PRES", "CM010101"))
    assert not refused
    assert "n'est pas le ressort d'une commission de centralisation" in refused.reason


@pytest.mark.article("174")
def test_a_cercle_clerk_types_no_national_councillors_minutes(world):
    clerk = world.person("agent-kayes", "clerk", scope="C0101")
    assert can(clerk, "enter_minutes", world.sheet("PRES", "CM010101"))
    assert not can(clerk, "enter_minutes", world.sheet("CN", "CM010101"))


@pytest.mark.article("174")
def test_the_regional_commission_proclaims_the_national_councillors(world):
    president = world.person("president-r01", "president", election="CN", scope="R01")
    district = world.person("president-d09", "president", election="CN", scope="D09")
    assert can(president, "proclaim_provisional", world.contests[("CN", "R01")])
    assert not can(president, "proclaim_provisional", world.contests[("CN", "R02")])
    assert can(district, "proclaim_provisional", world.contests[("CN", "D09")])
    assert can(district, "resolve_entries", world.sheet("CN", "CM090001"))
    assert not can(district, "enter_minutes", world.sheet("CN", "CM090001"))  # four eyes


@pytest.mark.article("175")
def test_the_supreme_court_annuls_national_councillors_operations(world):
    supreme = world.person("cour-supreme", "court", election="CN")
    assert can(supreme, "annul", world.sheet("CN", "CM020101"))
    assert can(supreme, "proclaim_final", world.rounds["CN"])


# --- Containment ---------------------------------------------------------------------------
@pytest.mark.article("141")
def test_the_district_commission_covers_bamakos_six_communes_and_nothing_else(world):
    clerk = world.person("agent-bamako", "clerk", election="PRES", scope="D09")
    allowed = {
        code
        for code in (*COMMUNES, "AMB-CI-ABIDJAN", "CG-FR-PARIS")
        if can(clerk, "enter_minutes", world.sheet("PRES", code))
    }
    assert allowed == {"CM090001", "CM090002"}


@pytest.mark.article("141")
def test_an_embassy_commission_covers_its_own_stations(world):
    clerk = world.person("agent-abidjan", "clerk", election="PRES", scope="AMB-CI-ABIDJAN")
    assert can(clerk, "enter_minutes", world.sheet("PRES", "AMB-CI-ABIDJAN"))
    assert not can(clerk, "enter_minutes", world.sheet("PRES", "CG-FR-PARIS"))
    assert not can(clerk, "enter_minutes", world.sheet("PRES", "CM090001"))


@pytest.mark.article("9")
def test_a_ceni_supervisor_reads_exactly_their_area(world):
    expectations = {
        None: {*COMMUNES, "AMB-CI-ABIDJAN", "CG-FR-PARIS"},
        "R01": {"CM010101", "CM010102", "CM010201"},
        "C0101": {"CM010101", "CM010102"},
        "D09": {"CM090001", "CM090002"},
        "CM010102": {"CM010102"},
        "CG-FR-PARIS": {"CG-FR-PARIS"},
    }
    for n, (scope, expected) in enumerate(expectations.items()):
        ceni = world.person(f"ceni-{n}", "ceni", scope=scope)
        seen = {
            code
            for code in (*COMMUNES, "AMB-CI-ABIDJAN", "CG-FR-PARIS")
            if can(ceni, "view_minutes", world.sheet("PRES", code))
        }
        assert seen == expected, scope
        assert can(ceni, "record_observation", world.stations[("PRES", sorted(expected)[0])])


@pytest.mark.article("87")
def test_a_delegate_submits_their_copy_in_their_area_and_enters_nothing(world):
    delegate = world.person("delegue", "delegate", election="PRES", scope="C0101")
    sheet = world.sheet("PRES", "CM010102")
    assert can(delegate, "submit_delegate_copy", sheet)
    assert can(delegate, "view_minutes", sheet)
    refused = can(delegate, "enter_minutes", sheet)
    assert not refused
    assert "réservé à : agent de saisie" in refused.reason
    assert not can(delegate, "submit_delegate_copy", world.sheet("PRES", "CM010201"))


# --- The list screens filter as can() decides ---------------------------------------------
SCOPED_ROLES = [
    ("clerk", "C0101"),
    ("clerk", "R01"),  # a regional clerk: sees nothing of a presidential election
    ("president", "D09"),
    ("president", "AMB-CI-ABIDJAN"),
    ("ministry", None),
    ("court", None),
    ("court", "R01"),
    ("ceni", "R01"),
    ("ceni", "CM090002"),
    ("delegate", "C0102"),
    ("admin", None),
]


@pytest.mark.parametrize("key", ["PRES", "COM", "CN"])
def test_visible_stations_and_sheets_are_exactly_what_can_allows(world, key):
    for n, (role, scope) in enumerate(SCOPED_ROLES):
        user = world.person(f"{role}-{n}", role, scope=scope)
        stations = {s for (k, _), s in world.stations.items() if k == key}
        sheets = {s for (k, _), s in world.sheets.items() if k == key}
        expected_stations = {s.pk for s in stations if can(user, "view_minutes", s)}
        expected_sheets = {s.pk for s in sheets if can(user, "view_minutes", s)}
        election = world.elections[key]
        got = set(visible_stations(user, election).values_list("pk", flat=True))
        assert got == expected_stations, (role, scope)
        got = set(visible_sheets(user, world.rounds[key]).values_list("pk", flat=True))
        assert got == expected_sheets, (role, scope)
    # And the sets are not trivial: the Ministry sees all, a delegate of Bafoulabé one station.
    ministry = User.objects.get(username="ministry-4")
    assert visible_stations(ministry, world.elections[key]).count() == len(stations)


def test_visible_sheets_costs_two_queries_whatever_the_number_of_grants(
    world, django_assert_num_queries
):
    user = world.person("ceni-multi", "ceni", scope="C0101")
    world.give(user, "ceni", scope="D09")
    world.give(user, "ceni", scope="AMB-CI-ABIDJAN")
    with django_assert_num_queries(2):
        codes = sorted(
            s.station.code
            for s in visible_sheets(user, world.rounds["PRES"]).select_related("station")
        )
    assert codes == [
        "AMB-CI-ABIDJAN-BV001",
        "CM010101-BV001",
        "CM010102-BV001",
        "CM090001-BV001",
        "CM090002-BV001",
    ]


def test_nobody_sees_anything_without_a_role(world):
    user = world.person("sans-role")
    assert visible_stations(user, world.elections["PRES"]).count() == 0
    assert visible_sheets(AnonymousUser(), world.rounds["PRES"]).count() == 0


# --- Validity of assignments ---------------------------------------------------------------
def test_a_revoked_role_grants_nothing(world):
    clerk = world.person("agent", "clerk", election="PRES", scope="C0101")
    sheet = world.sheet("PRES", "CM010101")
    assert can(clerk, "enter_minutes", sheet)
    services.revoke(RoleAssignment.objects.get(user=clerk))
    refused = can(clerk, "enter_minutes", sheet)
    assert not refused
    assert "aucun rôle en vigueur" in refused.reason
    assert visible_sheets(clerk, world.rounds["PRES"]).count() == 0


def test_an_expired_role_grants_nothing(world):
    soon = timezone.now() + timedelta(hours=1)
    clerk = world.person("agent", "clerk", election="PRES", scope="C0101", expires_at=soon)
    sheet = world.sheet("PRES", "CM010101")
    assert can(clerk, "enter_minutes", sheet)
    assert not can(clerk, "enter_minutes", sheet, at=soon)
    assert not can(clerk, "enter_minutes", sheet, at=soon + timedelta(seconds=1))


def test_a_role_for_every_election_serves_in_each(world):
    clerk = world.person("agent", "clerk", scope="C0101")
    assert can(clerk, "enter_minutes", world.sheet("PRES", "CM010101"))
    assert can(clerk, "enter_minutes", world.sheet("PRES2", "CM010101"))
    assert can(clerk, "enter_minutes", world.sheet("COM", "CM010102"))


def test_an_inactive_or_anonymous_user_may_do_nothing(world):
    ministry = world.person("matcl", "ministry")
    ministry.is_active = False
    ministry.save()
    refused = can(ministry, "view_minutes", world.sheet("PRES", "CM010101"))
    assert not refused and "désactivé" in refused.reason
    refused = can(AnonymousUser(), "view_minutes", world.sheet("PRES", "CM010101"))
    assert not refused and "connexion requise" in refused.reason
    assert not can(None, "manage_users")


def test_a_superuser_manages_accounts_but_performs_no_electoral_act(world):
    root = User.objects.create_superuser("root", password=None)
    assert can(root, "manage_users")
    assert can(root, "manage_elections", world.elections["PRES"])
    assert not can(root, "enter_minutes", world.sheet("PRES", "CM010101"))
    assert not can(root, "proclaim_final", world.rounds["PRES"])


def test_require_raises_permission_denied_with_the_french_reason(world):
    delegate = world.person("delegue", "delegate", scope="C0101")
    with pytest.raises(PermissionDenied, match="réservé à : agent de saisie"):
        require(delegate, "enter_minutes", world.sheet("PRES", "CM010101"))
    assert require(delegate, "view_minutes", world.sheet("PRES", "CM010101"))


# --- Targets -------------------------------------------------------------------------------
def test_objects_about_a_sheet_or_a_station_resolve_to_their_area(world):
    president = world.person("president", "president", election="PRES", scope="C0101")
    court = world.person("cour", "court", election="PRES")
    sheet = world.sheet("PRES", "CM010102")
    entry = DataEntry.objects.create(sheet=sheet, number=1, entered_by=president, figures={})
    assert can(president, "discard_entries", entry)
    annulment = Annulment.objects.create(
        round=world.rounds["PRES"],
        scope="station",
        station=world.stations[("PRES", "CM010102")],
        reason="Urne disparue",
        reference="Arrêt n°1",
        by=court,
    )
    assert can(court, "annul", annulment)
    assert not can(president, "annul", annulment)
    elsewhere = DataEntry.objects.create(
        sheet=world.sheet("PRES", "CM020101"), number=1, entered_by=president, figures={}
    )
    assert not can(president, "discard_entries", elsewhere)


@pytest.mark.article("141")
def test_the_summary_minutes_of_an_area_need_the_round(world):
    president = world.person("president", "president", election="PRES", scope="C0101")
    kayes = world.unit("C0101")
    assert can(president, "sign_collation", kayes, election=world.rounds["PRES"])
    refused = can(president, "sign_collation", kayes)
    assert not refused
    assert "précisé" in refused.reason
    with pytest.raises(ValueError):
        can(
            president, "view_minutes", world.sheet("PRES", "CM010101"), election=world.rounds["COM"]
        )
    with pytest.raises(TypeError):
        can(president, "view_minutes", object())
    with pytest.raises(ValueError):
        can(president, "fly", kayes)


def test_authorizer_loads_the_grants_once(world, django_assert_num_queries):
    president = world.person("president", "president", election="PRES", scope="D09")
    district = world.unit("D09")
    rnd = type(world.rounds["PRES"]).objects.get(pk=world.rounds["PRES"].pk)  # nothing cached
    with django_assert_num_queries(2):  # the grants, then the round's election
        rights = Authorizer(president)
        results = [
            rights.can(action, district, election=rnd).allowed
            for action in ("sign_collation", "resolve_entries", "enter_minutes", "annul")
        ]
    assert results == [True, True, False, False]


# --- decide() is pure ----------------------------------------------------------------------
def test_decide_works_on_plain_values_without_a_database():
    kayes = Area(region_id=1, cercle_id=10, label="cercle de Kayes")
    station = Subject(
        Area(region_id=1, cercle_id=10, commune_id=100, label="commune de Kayes"),
        election_id=7,
        election_kind="legislative",
        election_code="LEG-2027-07-04",
        label="le procès-verbal du bureau CM010101-BV001",
    )
    clerk = Grant("clerk", kayes, election_id=7, election_code="LEG-2027-07-04")
    decision = decide([clerk], "enter_minutes", station)
    assert decision.allowed
    assert decision.as_dict()["role"] == "clerk"
    other = Grant("clerk", kayes, election_id=8, election_code="LEG-2032-07-04")
    refused = decide([other], "enter_minutes", station)
    assert not refused
    assert "vaut pour le scrutin LEG-2032-07-04, pas pour le scrutin LEG-2027-07-04" in (
        refused.reason
    )


# --- Grant-time validation -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "election", "scope", "code", "field"),
    [
        ("ministry", None, "C0101", "scope_must_be_national", "cercle"),
        ("admin", None, "R01", "scope_must_be_national", "region"),
        ("admin", "PRES", None, "admin_for_every_election", "election"),
        ("clerk", None, "CM010101", "scope_not_a_commission", "commune"),
        ("clerk", None, None, "scope_not_a_commission", "cercle"),
        ("president", "PRES", "R01", "scope_not_a_commission", "region"),
        ("clerk", "LEG", "AMB-CI-ABIDJAN", "scope_not_a_commission", "mission"),
        ("clerk", "CN", "C0101", "scope_not_a_commission", "cercle"),
        ("court", "PRES", "R01", "court_must_be_national", "region"),
        ("court", "LEG", "C0101", "court_must_be_national", "cercle"),
    ],
)
def test_a_scope_that_does_not_suit_the_role_is_refused(world, role, election, scope, code, field):
    user = world.person("x")
    with pytest.raises(LawError) as caught:
        world.give(user, role, election=election, scope=scope)
    assert caught.value.code == code
    assert caught.value.field == field
    assert not RoleAssignment.objects.exists()


@pytest.mark.parametrize(
    ("role", "election", "scope"),
    [
        ("clerk", "PRES", "AMB-CI-ABIDJAN"),  # Art. 141: embassy commissions
        ("clerk", "CN", "R01"),  # Art. 174: regional commissions
        ("president", "COM", "D09"),  # Art. 187
        ("court", "COM", "R01"),  # Art. 188: administrative tribunal
        ("court", None, "R01"),
        ("ceni", None, "CM010101"),
        ("delegate", "PRES", "CG-FR-PARIS"),
        ("ministry", "PRES", None),
        ("admin", None, None),
    ],
)
def test_a_scope_that_suits_the_role_is_granted(world, role, election, scope):
    user = world.person("x")
    assignment = world.give(user, role, election=election, scope=scope)
    assert assignment.pk and assignment.is_active()


def test_the_same_role_twice_is_refused_and_a_revoked_one_may_be_granted_again(world):
    user = world.person("agent", "clerk", election="PRES", scope="C0101")
    with pytest.raises(LawError) as caught:
        world.give(user, "clerk", election="PRES", scope="C0101")
    assert caught.value.code == "role_already_granted"
    services.revoke(RoleAssignment.objects.get(user=user))
    with pytest.raises(LawError, match="déjà été retiré"):
        services.revoke(RoleAssignment.objects.get(user=user))
    world.give(user, "clerk", election="PRES", scope="C0101")
    assert RoleAssignment.objects.active().filter(user=user).count() == 1


def test_the_database_refuses_two_scopes_on_one_assignment(world):
    user = world.person("x")
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(
            user=user, role="ceni", cercle=world.unit("C0101"), commune=world.unit("CM010101")
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role="pilot")


def test_model_validation_speaks_french_on_the_field(world):
    from django.core.exceptions import ValidationError

    user = world.person("x")
    assignment = RoleAssignment(user=user, role="clerk", commune=world.unit("CM010101"))
    with pytest.raises(ValidationError) as caught:
        assignment.full_clean()
    assert "commission de centralisation" in caught.value.message_dict["commune"][0]
