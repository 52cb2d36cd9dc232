"""``kalata accounts …``: through ``kalata.cli.main``, and once as a subprocess."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User

from kalata.accounts.models import RoleAssignment
from kalata.audit.models import AuditEvent
from kalata.cli import main

KALATA = str(Path(sys.executable).with_name("kalata"))
PASSWORD = "Tombouctou-2026!"


@pytest.mark.django_db
def test_create_user_with_a_password_read_from_stdin(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["accounts", "create-user", "awa", "--password-stdin", "--staff"]) == 0
    out = capsys.readouterr().out
    assert "Compte créé : awa." in out
    assert "administration Django : oui" in out
    assert PASSWORD not in out
    user = authenticate(username="awa", password=PASSWORD)
    assert user is not None and user.is_staff
    assert AuditEvent.objects.filter(event_type="user.created", object_pk="awa").exists()


@pytest.mark.django_db
def test_create_user_without_password_cannot_log_in(capsys):
    assert main(["accounts", "create-user", "moussa", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "username": "moussa",
        "is_staff": False,
        "has_password": False,
    }
    assert not User.objects.get(username="moussa").has_usable_password()


@pytest.mark.django_db
def test_create_user_twice_is_a_french_error(capsys):
    assert main(["accounts", "create-user", "awa"]) == 0
    assert main(["accounts", "create-user", "awa"]) == 2
    assert "Erreur : identifiant : L'utilisateur « awa » existe déjà." in capsys.readouterr().err
    assert main(["accounts", "create-user", "a b"]) == 2
    assert "Identifiant invalide" in capsys.readouterr().err


def test_an_empty_password_on_stdin_is_refused(monkeypatch, capsys, db):
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n"))
    assert main(["accounts", "create-user", "awa", "--password-stdin"]) == 2
    assert "aucun mot de passe lu" in capsys.readouterr().err
    assert not User.objects.exists()


def test_grant_list_and_revoke(world, capsys):
    world.person("awa")
    args = ["accounts", "grant", "awa", "clerk", "--election", "PRES-2026-04-26"]
    assert main([*args, "--cercle", "C0101"]) == 0
    assert capsys.readouterr().out.strip() == (
        "Rôle attribué à awa : agent de saisie — cercle de Kayes (PRES-2026-04-26)."
    )
    assert main(["accounts", "grant", "awa", "ceni", "--region", "D09", "--json"]) == 0
    granted = json.loads(capsys.readouterr().out)
    assert granted["scope"] == {"level": "region", "code": "D09", "label": "District de Bamako"}
    assert granted["election"] is None and granted["active"] is True

    assert main(["accounts", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(r["role"], r["scope"]["code"]) for r in listed] == [
        ("clerk", "C0101"),
        ("ceni", "D09"),
    ]
    assert main(["accounts", "list"]) == 0
    out = capsys.readouterr().out
    assert "awa : superviseur CENI — District de Bamako (tous les scrutins)" in out
    assert "2 rôle(s)." in out

    assert main(["accounts", "revoke", "awa", "clerk", "--election", "PRES-2026-04-26"]) == 2
    assert "n'a pas ce rôle en vigueur" in capsys.readouterr().err  # scope must match too
    assert main(["accounts", "revoke", *args[2:], "--cercle", "C0101", "--reason", "Fin"]) == 0
    assert "Rôle retiré à awa : agent de saisie — cercle de Kayes" in capsys.readouterr().out
    assert main(["accounts", "list", "--user", "awa", "--json"]) == 0
    assert [r["role"] for r in json.loads(capsys.readouterr().out)] == ["ceni"]
    assert main(["accounts", "list", "--all"]) == 0
    assert "[retiré]" in capsys.readouterr().out
    assert RoleAssignment.objects.count() == 2


@pytest.mark.parametrize(
    ("option", "code", "message"),
    [
        ("--cercle", "C9999", "Erreur : cercle (--cercle) : Cercle inconnu : « C9999 »."),
        ("--commune", "CM999999", "Erreur : commune (--commune) : Commune inconnue"),
        ("--region", "R77", "Erreur : région (--region) : Région ou District inconnu"),
        ("--mission", "AMB-XX", "Erreur : ambassade ou consulat (--mission) : Ambassade"),
        ("--election", "PRES-1900-01-01", "Erreur : scrutin (--election) : Scrutin inconnu"),
    ],
)
def test_unknown_codes_are_french_errors_naming_the_field(world, capsys, option, code, message):
    world.person("awa")
    assert main(["accounts", "grant", "awa", "ceni", option, code]) == 2
    assert message in capsys.readouterr().err
    assert not RoleAssignment.objects.exists()


def test_a_scope_unfit_for_the_role_is_a_french_error_naming_the_field(world, capsys):
    world.person("awa")
    assert main(["accounts", "grant", "awa", "clerk", "--commune", "CM010101"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Erreur : commune (--commune) : Le rôle « agent de saisie »")
    assert main(["accounts", "grant", "inconnu", "clerk", "--cercle", "C0101"]) == 2
    assert "Utilisateur inconnu : « inconnu »" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["accounts", "grant", "awa", "pilote"])
    assert "choix invalide" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["accounts", "grant", "awa", "ceni", "--cercle", "C0101", "--commune", "CM010101"])
    assert "incompatible" in capsys.readouterr().err


def test_the_installed_command_creates_grants_and_lists(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    env["KALATA_DATA_DIR"] = str(tmp_path)
    env.pop("DJANGO_SETTINGS_MODULE", None)

    def kalata(*args, stdin=None):
        return subprocess.run(
            [KALATA, *args],
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,
            cwd=tmp_path,
        )

    assert kalata("migrate").returncode == 0
    created = kalata("accounts", "create-user", "admin", "--password-stdin", stdin=PASSWORD)
    assert created.returncode == 0, created.stderr
    granted = kalata("accounts", "grant", "admin", "admin")
    assert granted.returncode == 0, granted.stderr
    assert "administrateur — tout le pays (tous les scrutins)" in granted.stdout
    refused = kalata("accounts", "grant", "admin", "clerk", "--cercle", "C0101")
    assert refused.returncode == 2
    assert refused.stderr.strip() == "Erreur : cercle (--cercle) : Cercle inconnu : « C0101 »."
    listed = kalata("accounts", "list", "--json")
    assert [(r["username"], r["role"]) for r in json.loads(listed.stdout)] == [("admin", "admin")]
    verified = kalata("audit", "verify")
    assert verified.returncode == 0, verified.stdout
