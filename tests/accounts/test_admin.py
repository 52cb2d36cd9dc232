"""The Django admin: roles inline on the user page, granted and revoked through the services."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from kalata.accounts.models import LoginThrottle, RoleAssignment
from kalata.audit.models import AuditEvent

PREFIX = "role_assignments"


def _change_form_data(response) -> dict:
    """The POST data of the user change form as displayed (fields and inline management)."""
    data = {}
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form.initial.get(name, field.initial)
        if name in ("groups", "user_permissions"):
            data[name] = [obj.pk for obj in value] if value else []
        elif name in ("last_login", "date_joined"):
            if value:
                data[f"{name}_0"] = value.strftime("%d/%m/%Y")
                data[f"{name}_1"] = value.strftime("%H:%M:%S")
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management.initial.get(name, 0)
        for n, inline in enumerate(formset.formset.initial_forms):
            data[f"{formset.formset.prefix}-{n}-id"] = inline.instance.pk
            data[f"{formset.formset.prefix}-{n}-user"] = inline.instance.user_id
    return data


def test_a_role_granted_on_the_user_page_is_audited(world, client):
    root = User.objects.create_superuser("root", password=None)
    world.give(root, "admin")
    clerk = world.person("awa", "ceni", scope="R01")
    client.force_login(root)
    url = f"/admin/auth/user/{clerk.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert "superviseur CENI" in page.content.decode()
    data = _change_form_data(page)
    assert data[f"{PREFIX}-INITIAL_FORMS"] == 1
    data.update(
        {
            f"{PREFIX}-TOTAL_FORMS": 2,
            f"{PREFIX}-1-role": "clerk",
            f"{PREFIX}-1-election": world.elections["PRES"].pk,
            f"{PREFIX}-1-cercle": world.unit("C0101").pk,
            f"{PREFIX}-1-user": clerk.pk,
        }
    )
    saved = client.post(url, data)
    assert saved.status_code == 302, saved.context["errors"] if saved.context else saved
    assignment = RoleAssignment.objects.get(user=clerk, role="clerk")
    assert assignment.granted_by == root
    event = AuditEvent.objects.get(event_type="role.granted", object_pk=str(assignment.pk))
    assert event.actor == "root"


def test_an_unfit_scope_is_refused_on_the_user_page_in_french(world, client):
    root = User.objects.create_superuser("root", password=None)
    clerk = world.person("awa")
    client.force_login(root)
    url = f"/admin/auth/user/{clerk.pk}/change/"
    data = _change_form_data(client.get(url))
    data.update(
        {
            f"{PREFIX}-TOTAL_FORMS": 1,
            f"{PREFIX}-0-role": "clerk",
            f"{PREFIX}-0-commune": world.unit("CM010101").pk,
            f"{PREFIX}-0-user": clerk.pk,
        }
    )
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "commission de centralisation" in refused.content.decode()
    assert not RoleAssignment.objects.exists()


def test_roles_are_revoked_from_the_list_and_never_edited(world, client):
    root = User.objects.create_superuser("root", password=None)
    assignment = world.person("awa", "clerk", scope="C0101").role_assignments.get()
    client.force_login(root)
    listing = client.get("/admin/accounts/roleassignment/")
    assert listing.status_code == 200
    assert "cercle de Kayes" in listing.content.decode()
    assert client.get("/admin/accounts/roleassignment/add/").status_code == 403
    done = client.post(
        "/admin/accounts/roleassignment/",
        {"action": "revoke_selected", "_selected_action": [assignment.pk]},
    )
    assert done.status_code == 302
    assignment.refresh_from_db()
    assert assignment.revoked_at is not None and assignment.revoked_by == root
    assert AuditEvent.objects.filter(event_type="role.revoked").count() == 1


@pytest.mark.django_db
def test_staff_without_the_admin_role_cannot_manage_accounts(client):
    staff = User.objects.create_user("staff", password=None, is_staff=True)
    client.force_login(staff)
    assert client.get("/admin/auth/user/").status_code == 403
    assert client.get("/admin/accounts/roleassignment/").status_code == 403
    assert client.get("/admin/accounts/loginthrottle/").status_code == 403


@pytest.mark.django_db
def test_an_administrator_lifts_a_login_lock_by_deleting_its_counter(client):
    from kalata.accounts import services

    services.register_login_failure("awa", "10.0.0.1")
    root = User.objects.create_superuser("root", password=None)
    client.force_login(root)
    listing = client.get("/admin/accounts/loginthrottle/")
    assert listing.status_code == 200 and "10.0.0.1" in listing.content.decode()
    row = LoginThrottle.objects.get()
    deleted = client.post(f"/admin/accounts/loginthrottle/{row.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302
    assert not LoginThrottle.objects.exists()
