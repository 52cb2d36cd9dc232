"""Login, logout, session and CSRF of the commission screens."""

from __future__ import annotations

import pytest
from django.test import Client

from kalata.audit.models import AuditEvent
from kalata.results.models import DataEntry

from .helpers import KAYES_1, figures, form_data

pytestmark = pytest.mark.django_db

PASSWORD = "mot-de-passe-1"


def test_every_commission_page_requires_a_session(country, client):
    urls = [
        "/commission/",
        f"/commission/{country.round.code}/",
        country.url("sheet", KAYES_1),
        country.url("entry", KAYES_1),
        country.url("resolve", KAYES_1),
        country.url("acknowledge", KAYES_1),
        country.url("discard", KAYES_1),
        country.url("correct", KAYES_1),
        country.url("delegate_copy", KAYES_1),
        country.url("scan_file", KAYES_1),
        country.url("summary", unit="C0101"),
        country.url("summary_pdf", unit="C0101"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/commission/connexion/?next="), url
    for url in (country.url("verify", KAYES_1), country.url("scan_upload", KAYES_1)):
        assert client.post(url).status_code == 302
    assert DataEntry.objects.count() == 0


def test_login_page_is_french(client, db):
    response = client.get("/commission/connexion/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Connexion des commissions" in html and "Mot de passe" in html


def test_login_opens_a_session_and_is_audited(country, client):
    response = client.post(
        "/commission/connexion/", {"username": "awa", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/commission/"
    assert "Connecté" in response.content.decode()
    assert AuditEvent.objects.filter(event_type="user.login", actor="awa").exists()


def test_login_follows_next(country, client):
    url = f"/commission/{country.round.code}/"
    response = client.post(
        f"/commission/connexion/?next={url}", {"username": "awa", "password": PASSWORD, "next": url}
    )
    assert response["Location"] == url


def test_a_wrong_password_is_refused_in_french_and_audited(country, client):
    response = client.post("/commission/connexion/", {"username": "awa", "password": "non"})
    assert response.status_code == 200
    assert "Identifiant ou mot de passe incorrect" in response.content.decode()
    assert AuditEvent.objects.filter(event_type="user.login_failed", object_pk="awa").count() == 1


def test_five_failures_lock_the_login_with_a_french_message(country, client):
    for _ in range(4):
        client.post("/commission/connexion/", {"username": "awa", "password": "non"})
    response = client.post("/commission/connexion/", {"username": "awa", "password": "non"})
    assert "connexion bloquée jusqu" in response.content.decode()
    # Even the right password is refused while locked, with the same message.
    response = client.post("/commission/connexion/", {"username": "awa", "password": PASSWORD})
    assert response.status_code == 200
    assert "connexion bloquée jusqu" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_asks_then_closes_the_session(country, client):
    client.force_login(country.user("awa"))
    response = client.get("/commission/deconnexion/")
    assert response.status_code == 200 and "Se déconnecter" in response.content.decode()
    assert "_auth_user_id" in client.session
    response = client.post("/commission/deconnexion/")
    assert "Vous êtes déconnecté" in response.content.decode()
    assert AuditEvent.objects.filter(event_type="user.logout", actor="awa").exists()
    assert client.get("/commission/").status_code == 302


def test_commission_pages_are_not_cached(country, client):
    client.force_login(country.user("awa"))
    response = client.get(country.url("sheet", KAYES_1))
    assert "no-store" in response["Cache-Control"]


def test_posts_without_the_csrf_token_are_refused(country):
    client = Client(enforce_csrf_checks=True)
    client.force_login(country.user("awa"))
    data = form_data(figures())
    response = client.post(country.url("entry", KAYES_1), data)
    assert response.status_code == 403
    assert DataEntry.objects.count() == 0
    # The verification endpoint too (JSON POST without the X-CSRFToken header).
    response = client.post(country.url("verify", KAYES_1), "{}", content_type="application/json")
    assert response.status_code == 403
    # With the token of the form, the same POST is accepted.
    page = client.get(country.url("entry", KAYES_1))
    token = page.context["csrf_token"]
    response = client.post(
        country.url("entry", KAYES_1), {**data, "csrfmiddlewaretoken": str(token)}
    )
    assert response.status_code == 302
    assert DataEntry.objects.count() == 1
