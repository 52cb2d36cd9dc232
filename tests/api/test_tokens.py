"""API tokens: a bearer token acts as its user; only its hash is kept; refused when unknown,
expired, revoked or its account deactivated; creation and revocation audited; the CLI."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from kalata import cli
from kalata.accounts.services import create_user
from kalata.api.models import ApiToken
from kalata.api.tokens import (
    LAST_USED_PRECISION,
    create_token,
    hash_token,
    revoke_token,
)
from kalata.audit.models import AuditEvent
from kalata.audit.services import verify
from kalata.law.explain import LawError

from .api_fixtures import KAYES_1, ROUND, figures

SHEETS = f"/api/v1/rounds/{ROUND}/sheets"


def get(world, token: str | None, header: str | None = None):
    headers = {}
    if header is not None:
        headers["Authorization"] = header
    elif token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return world.client.get(SHEETS, headers=headers)


# --- Authentication ----------------------------------------------------------------------------


def test_a_valid_token_acts_as_its_user(world):
    response = get(world, world.tokens["issa"])
    assert response.status_code == 200
    assert [i["station"] for i in response.json()["items"]] == ["CM020101-BV001"]


@pytest.mark.parametrize(
    "header",
    [None, "", "Bearer", "Bearer ", "Basic YXdhOnNlY3JldA==", "Token klt_abc"],
    ids=["absent", "empty", "bearer-alone", "bearer-empty", "basic", "other-scheme"],
)
def test_a_request_without_a_bearer_token_is_401(world, header):
    response = get(world, None, header)
    assert response.status_code == 401
    assert response.json()["code"] in ("authentication_required", "token_invalid")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_token_is_401(world):
    response = get(world, "klt_" + "x" * 43)
    assert response.status_code == 401
    assert response.json() == {
        "code": "token_invalid",
        "message": "Jeton d'API invalide.",
        "articles": [],
        "field": None,
        "details": None,
    }
    assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_an_expired_token_is_401(world):
    ApiToken.objects.filter(user=world.users["awa"]).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = get(world, world.tokens["awa"])
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"
    assert response.json()["message"] == "Jeton d'API expiré : demandez-en un nouveau."


def test_a_revoked_token_is_401_and_refuses_submissions(world):
    token = ApiToken.objects.get(user=world.users["awa"])
    revoke_token(token, actor="admin", reason="Tablette perdue")
    response = get(world, world.tokens["awa"])
    assert response.status_code == 401
    assert response.json()["code"] == "token_revoked"
    assert world.submit("awa", KAYES_1, figures(), "k-1").status_code == 401


def test_a_deactivated_account_is_401(world):
    user = world.users["awa"]
    user.is_active = False
    user.save()
    response = get(world, world.tokens["awa"])
    assert response.status_code == 401
    assert response.json()["code"] == "user_inactive"


def test_only_the_hash_of_a_token_is_stored_and_audited(world):
    clear = world.tokens["awa"]
    token = ApiToken.objects.get(user=world.users["awa"])
    assert token.key_hash == hash_token(clear)
    assert token.prefix == clear[:12] and clear.startswith("klt_")
    assert len(clear) == 4 + 43
    stored = json.dumps(list(ApiToken.objects.values()), default=str)
    events = json.dumps(list(AuditEvent.objects.values()), default=str)
    assert clear not in stored and clear not in events


def test_last_use_is_recorded_at_most_once_a_minute(world):
    token = ApiToken.objects.get(user=world.users["awa"])
    assert token.last_used_at is None
    get(world, world.tokens["awa"])
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    get(world, world.tokens["awa"])
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - LAST_USED_PRECISION)
    get(world, world.tokens["awa"])
    token.refresh_from_db()
    assert token.last_used_at > first


def test_token_roles_are_read_at_each_request(world):
    """A role granted after the token was made counts at once (no stale cache across requests)."""
    from kalata.accounts import services as accounts
    from kalata.territory.models import Cercle

    accounts.grant(world.users["nobody"], "clerk", cercle=Cercle.objects.get(code="C0101"))
    assert world.submit("nobody", KAYES_1, figures(), "k-1").status_code == 201


# --- Creation and revocation -------------------------------------------------------------------


def test_creation_and_revocation_are_audited(world):
    user = world.users["moussa"]
    new = create_token(user, "Tablette n°2", days=7, actor="admin")
    created = AuditEvent.objects.filter(event_type="api.token_created").order_by("-seq").first()
    assert (created.actor, created.object_model, created.object_pk) == (
        "admin",
        "api.apitoken",
        str(new.token.pk),
    )
    assert json.loads(created.after)["key_hash"] == new.token.key_hash
    revoke_token(new.token, actor="admin", reason="Tablette perdue")
    revoked = AuditEvent.objects.filter(event_type="api.token_revoked").get()
    assert revoked.reason == "Tablette perdue"
    assert json.loads(revoked.before)["revoked_at"] is None
    assert json.loads(revoked.after)["revoked_at"] is not None
    assert verify().ok, verify().lines_fr()


def test_a_token_changed_behind_the_log_is_reported_by_verify(world):
    token = ApiToken.objects.get(user=world.users["awa"])
    ApiToken.objects.filter(pk=token.pk).update(expires_at=None)
    report = verify()
    assert not report.ok


def test_last_use_does_not_disturb_the_audit(world):
    get(world, world.tokens["awa"])
    assert verify().ok


def test_revoking_twice_is_refused(world):
    token = ApiToken.objects.get(user=world.users["awa"])
    revoke_token(token)
    with pytest.raises(LawError) as err:
        revoke_token(token)
    assert err.value.code == "token_already_revoked"


@pytest.mark.parametrize(
    ("name", "days", "code"),
    [
        ("", 30, "token_name_missing"),
        ("a\nb", 30, "token_name_invalid"),
        ("t", 0, "token_days_invalid"),
    ],
)
def test_invalid_token_requests_are_refused_in_french(world, name, days, code):
    with pytest.raises(LawError) as err:
        create_token(world.users["awa"], name, days=days)
    assert err.value.code == code


def test_no_token_for_a_deactivated_account(world):
    user = world.users["awa"]
    user.is_active = False
    user.save()
    with pytest.raises(LawError) as err:
        create_token(user, "tablette")
    assert err.value.code == "user_inactive"


# --- CLI ---------------------------------------------------------------------------------------


@pytest.fixture
def kalata(monkeypatch):
    """``kalata.cli.main`` with the ``api`` commands registered (until COMMAND_MODULES has them)."""
    if "kalata.cli.api" not in cli.COMMAND_MODULES:
        monkeypatch.setattr(cli, "COMMAND_MODULES", [*cli.COMMAND_MODULES, "kalata.cli.api"])
    return cli.main


def test_cli_parser_from_register():
    from kalata.cli import api as api_cli

    parser = argparse.ArgumentParser(prog="kalata")
    api_cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["api", "token", "create", "awa", "--name", "Tablette", "--days", "7"])
    assert (args.username, args.name, args.days, args.func) == (
        "awa",
        "Tablette",
        7,
        api_cli._create,
    )
    assert parser.parse_args(["api", "token", "revoke", "3"]).token_id == "3"
    assert parser.parse_args(["api", "token", "list", "--json"]).json is True


def test_cli_creates_lists_and_revokes(db, kalata, capsys):
    create_user("awa")
    assert kalata(["api", "token", "create", "awa", "--name", "Tablette 1", "--days", "10"]) == 0
    out = capsys.readouterr().out
    clear = next(line for line in out.splitlines() if line.startswith("klt_"))
    token = ApiToken.objects.get()
    assert token.key_hash == hash_token(clear)
    assert "il ne sera plus jamais affiché" in out
    assert abs((token.expires_at - token.created_at) - timedelta(days=10)) < timedelta(seconds=1)

    assert kalata(["api", "token", "list", "--json"]) == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert listed["status"] == "active" and listed["username"] == "awa"
    assert "key_hash" not in listed and "token" not in listed

    assert kalata(["api", "token", "revoke", str(token.pk), "--reason", "perdue"]) == 0
    assert "révoqué le" in capsys.readouterr().out
    assert kalata(["api", "token", "list"]) == 0
    assert "révoqué" in capsys.readouterr().out
    assert kalata(["api", "token", "list", "--active"]) == 0
    assert capsys.readouterr().out.strip() == "Aucun jeton."


def test_cli_errors_are_french_and_exit_2(db, kalata, capsys):
    assert kalata(["api", "token", "create", "inconnu", "--name", "t"]) == 2
    assert capsys.readouterr().err.strip() == "Erreur : Utilisateur inconnu : « inconnu »."
    assert kalata(["api", "token", "revoke", "999"]) == 2
    assert capsys.readouterr().err.strip() == "Erreur : Jeton inconnu : « 999 »."
    create_user("awa")
    assert kalata(["api", "token", "create", "awa", "--name", "t", "--days", "0"]) == 2
    assert "Durée de validité invalide" in capsys.readouterr().err


RUNNER = (
    "import sys, kalata.cli as c\n"
    "m = 'kalata.cli.api'\n"
    "m in c.COMMAND_MODULES or c.COMMAND_MODULES.append(m)\n"
    "sys.exit(c.main(sys.argv[1:]))\n"
)


def test_the_commands_in_a_separate_process(tmp_path):
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env["KALATA_DATA_DIR"] = str(tmp_path)

    def kalata(*args):
        return subprocess.run(
            [sys.executable, "-c", RUNNER, *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            cwd=tmp_path,
        )

    assert kalata("migrate").returncode == 0
    assert kalata("accounts", "create-user", "awa").returncode == 0
    created = kalata("api", "token", "create", "awa", "--name", "Tablette", "--json")
    assert created.returncode == 0, created.stderr
    data = json.loads(created.stdout)
    assert data["token"].startswith("klt_") and data["status"] == "active"
    revoked = kalata("api", "token", "revoke", str(data["id"]))
    assert revoked.returncode == 0, revoked.stderr
    again = kalata("api", "token", "revoke", str(data["id"]))
    assert again.returncode == 2
    assert again.stderr.startswith("Erreur : Le jeton n°")
    verified = kalata("audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_the_installed_kalata_knows_the_api_commands_once_registered():
    """``.venv/bin/kalata api …`` works once the lead adds ``kalata.cli.api`` to COMMAND_MODULES."""
    if "kalata.cli.api" not in cli.COMMAND_MODULES:
        pytest.skip("kalata.cli.api n'est pas encore dans COMMAND_MODULES")
    kalata_bin = str(Path(sys.executable).with_name("kalata"))
    result = subprocess.run(
        [kalata_bin, "api", "token", "--help"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0
    assert "create" in result.stdout and "revoke" in result.stdout
