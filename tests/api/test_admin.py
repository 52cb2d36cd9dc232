"""The Django admin of API tokens: created through the service (shown once), revoked, audited."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.contrib.messages import get_messages

from kalata.accounts import services as accounts
from kalata.api.models import ApiToken
from kalata.api.tokens import hash_token
from kalata.audit.models import AuditEvent

from .api_fixtures import figures as _figures


def admin_client(world):
    root = User.objects.create_user("root", is_staff=True)
    accounts.grant(root, "admin")
    world.client.force_login(root)
    return world.client


def test_a_token_added_in_the_admin_is_shown_once_and_audited(world):
    client = admin_client(world)
    awa = world.users["awa"]
    response = client.post(
        "/admin/api/apitoken/add/", {"user": awa.pk, "name": "Tablette 9", "days": 5}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    token = ApiToken.objects.get(name="Tablette 9")
    messages = [m.message for m in get_messages(response.wsgi_request)]
    [message] = [m for m in messages if "il ne sera plus jamais affiché" in m]
    clear = next(word for word in message.split() if word.startswith("klt_"))
    assert token.key_hash == hash_token(clear)
    event = AuditEvent.objects.filter(event_type="api.token_created").order_by("-seq").first()
    assert (event.actor, event.object_pk) == ("root", str(token.pk))


def test_tokens_are_revoked_from_the_list(world):
    client = admin_client(world)
    token = ApiToken.objects.get(user=world.users["awa"])
    response = client.post(
        "/admin/api/apitoken/",
        {"action": "revoke_selected", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.get(event_type="api.token_revoked").actor == "root"


def test_only_an_administrator_sees_tokens(world):
    clerk = world.users["awa"]
    clerk.is_staff = True
    clerk.save()
    world.client.force_login(clerk)
    assert world.client.get("/admin/api/apitoken/").status_code == 403


def test_token_and_receipt_pages_render_read_only(world):
    world.submit("awa", "CM010101-BV001", _figures(), "k-1")
    client = admin_client(world)
    token = ApiToken.objects.get(user=world.users["awa"])
    for url in (
        "/admin/api/apitoken/",
        f"/admin/api/apitoken/{token.pk}/change/",
        "/admin/api/apitoken/add/",
        "/admin/api/submissionreceipt/",
    ):
        assert client.get(url).status_code == 200, url
    page = client.get(f"/admin/api/apitoken/{token.pk}/change/").content.decode()
    assert token.key_hash not in page
