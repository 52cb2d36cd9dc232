"""French first, English second (issue #4): the English catalogue is complete, compiled, in step
with the code, and the main screens read in English show English — French without the cookie.

The catalogue is ``kalata/locale/en/LC_MESSAGES/django.po`` (msgids in French, the source
language) and its compiled ``django.mo``. To refresh both after changing a user-visible string::

    cd kalata && django-admin makemessages -l en --no-obsolete   # then translate, then
    django-admin compilemessages

The law engine's explanations, check messages (E01…, W01…) and error messages stay French: they
are the law's words (README, "Languages").
"""

from __future__ import annotations

import ast
import gettext
import html as html_lib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings

import kalata
from kalata.commission.forms import LAW_LABELS
from kalata.law.tally import FIELD_LABELS, NULL_CATEGORY_LABELS

PACKAGE = Path(kalata.__file__).resolve().parent
LOCALE = PACKAGE / "locale"
PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
MO = LOCALE / "en" / "LC_MESSAGES" / "django.mo"
COOKIE = settings.LANGUAGE_COOKIE_NAME


# --------------------------------------------------------------------------------------------
# Reading a .po file (the subset of the format that makemessages writes)
# --------------------------------------------------------------------------------------------


def read_po(path: Path) -> list[dict]:
    """The entries of ``path``: msgctxt, msgid, msgid_plural, msgstr {index: text}, flags."""
    entries: list[dict] = []

    def blank() -> dict:
        return {"msgctxt": None, "msgid": None, "msgid_plural": None, "msgstr": {}, "flags": set()}

    entry, last = blank(), None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            if entry["msgid"] is not None:
                entries.append(entry)
            entry, last = blank(), None
            continue
        if line.startswith("#~"):
            raise AssertionError(f"{path.name}:{number}: obsolete entry left in the catalogue")
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        match = re.fullmatch(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")', line)
        if match:
            key, index, value = match.group(1), match.group(2), ast.literal_eval(match.group(3))
            if key.startswith("msgstr"):
                last = ("msgstr", int(index or 0))
                entry["msgstr"][last[1]] = value
            else:
                last = (key, None)
                entry[key] = value
            continue
        if line.startswith('"') and last is not None:
            value = ast.literal_eval(line)
            if last[0] == "msgstr":
                entry["msgstr"][last[1]] += value
            else:
                entry[last[0]] += value
            continue
        raise AssertionError(f"{path.name}:{number}: unreadable line {line!r}")
    if entry["msgid"] is not None:
        entries.append(entry)
    return entries


def key(entry: dict) -> tuple:
    return (entry["msgctxt"], entry["msgid"], entry["msgid_plural"])


def show(keys) -> str:
    return "\n".join(
        f"  {'[' + c + '] ' if c else ''}{m!r}{' / ' + repr(p) if p else ''}"
        for c, m, p in sorted(keys, key=lambda k: (k[1], k[0] or ""))
    )


@pytest.fixture(scope="module")
def catalogue() -> list[dict]:
    return read_po(PO)


# --------------------------------------------------------------------------------------------
# (a) complete, (b) compiled, (c) in step with the code
# --------------------------------------------------------------------------------------------


def test_the_settings_point_at_the_catalogue():
    assert LOCALE in [Path(p).resolve() for p in settings.LOCALE_PATHS]
    assert PO.is_file() and MO.is_file()


def test_every_msgid_has_an_english_translation_and_none_is_fuzzy(catalogue):
    header, entries = catalogue[0], catalogue[1:]
    assert header["msgid"] == "" and "Language: en" in header["msgstr"][0]
    assert "fuzzy" not in header["flags"]
    assert len(entries) > 400
    untranslated = [key(e) for e in entries if not all(e["msgstr"].get(i) for i in (0,))]
    untranslated += [key(e) for e in entries if e["msgid_plural"] and not e["msgstr"].get(1)]
    assert not untranslated, "msgids without English:\n" + show(untranslated)
    fuzzy = [key(e) for e in entries if "fuzzy" in e["flags"]]
    assert not fuzzy, "fuzzy entries:\n" + show(fuzzy)
    # A translation keeps the placeholders of its msgid (msgfmt --check says the same).
    for e in entries:
        wanted = sorted(re.findall(r"%\(\w+\)s", e["msgid"]))
        for text in e["msgstr"].values():
            assert sorted(re.findall(r"%\(\w+\)s", text)) == wanted or e["msgid_plural"], key(e)


def test_the_compiled_catalogue_is_the_po_file(catalogue):
    """The .mo holds exactly the .po's translations (compile with compilemessages after any
    change of the .po)."""
    with MO.open("rb") as handle:
        compiled = dict(gettext.GNUTranslations(handle)._catalog)
    # msgfmt leaves the POT-Creation-Date out of the compiled header.
    compiled[""] = _without_creation_date(compiled[""])
    expected = {}
    for e in catalogue:
        msgid = e["msgid"] if e["msgctxt"] is None else f"{e['msgctxt']}\x04{e['msgid']}"
        if e["msgid"] == "":
            expected[msgid] = _without_creation_date(e["msgstr"][0])
        elif e["msgid_plural"] is None:
            expected[msgid] = e["msgstr"][0]
        else:
            for index, text in e["msgstr"].items():
                expected[(msgid, index)] = text
    stale = {k for k in expected.keys() | compiled.keys() if expected.get(k) != compiled.get(k)}
    assert not stale, "django.mo differs from django.po (run compilemessages) for:\n" + "\n".join(
        f"  {k!r}: po={expected.get(k)!r} mo={compiled.get(k)!r}" for k in sorted(stale, key=str)
    )


def _without_creation_date(header: str) -> str:
    return "".join(
        line for line in header.splitlines(True) if not line.startswith("POT-Creation-Date:")
    )


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> set[tuple]:
    """The msgids that ``makemessages`` extracts today from a copy of the code (nothing is
    written into the real catalogue)."""
    if shutil.which("xgettext") is None:
        pytest.fail("xgettext is missing: install Debian's gettext (make test does)")
    root = tmp_path_factory.mktemp("i18n")
    copy = root / "kalata"
    shutil.copytree(
        PACKAGE, copy, ignore=shutil.ignore_patterns("locale", "__pycache__", "*.pyc", "*.mo")
    )
    (copy / "locale").mkdir()
    # Without settings, makemessages writes only into the copy's own locale/ folder.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    proc = subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "en", "--no-obsolete"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return {key(e) for e in read_po(copy / "locale" / "en" / "LC_MESSAGES" / "django.po")[1:]}


def test_every_translatable_string_of_the_code_is_in_the_catalogue(catalogue, extracted):
    present = {key(e) for e in catalogue[1:]}
    missing = extracted - present
    assert not missing, (
        "strings wrapped for translation but absent from django.po (run makemessages, then "
        "translate):\n" + show(missing)
    )
    stale = present - extracted
    assert not stale, "msgids of django.po no longer in the code:\n" + show(stale)


def test_the_law_labels_of_the_minutes_are_marked_and_translated(catalogue):
    """The entry form shows the law engine's field labels through ``gettext``: every one is
    marked in ``kalata.commission.forms.LAW_LABELS`` and so translated."""
    law = set(FIELD_LABELS.values()) | set(NULL_CATEGORY_LABELS.values())
    assert set(LAW_LABELS) == law
    translated = {e["msgid"]: e["msgstr"][0] for e in catalogue[1:] if e["msgctxt"] is None}
    for label in law:
        assert translated.get(label), label


def test_the_entry_script_words_come_from_the_translated_template():
    """saisie.js shows its own words through ``text(key, french)``: each key is a
    ``data-text-KEY`` attribute of the form, translated from that same French."""
    script = (PACKAGE / "commission" / "static" / "commission" / "saisie.js").read_text()
    template = (
        PACKAGE / "commission" / "templates" / "commission" / "_figures_form.html"
    ).read_text()
    used = dict(re.findall(r'text\("([\w-]+)", "((?:[^"\\]|\\.)*)"\)', script))
    given = {
        k: v
        for k, _, v in re.findall(r'data-text-([\w-]+)="{% translate ([\'"])(.*?)\2 %}"', template)
    }
    assert used and used == given


# --------------------------------------------------------------------------------------------
# (d) the main screens in English, French by default
# --------------------------------------------------------------------------------------------


def visible_text(content: bytes, *, without_french_parts: bool = False) -> str:
    """The text a reader sees (no tags, scripts, styles), one space apart; without the parts
    marked ``lang="fr"`` (the law's explanations, quoted articles, the FR switch) if asked."""
    text = content.decode()
    if without_french_parts:
        text = re.sub(r'<(\w+)\b[^>]*\blang="fr"[^>]*>.*?</\1>', " ", text, flags=re.S)
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(html_lib.unescape(text).split())


def french_leftovers(content: bytes, catalogue: list[dict], allowed=frozenset()) -> list:
    """The French msgids (of some length, translated differently) shown on an English page,
    apart from its parts marked ``lang="fr"``."""
    text = visible_text(content, without_french_parts=True)
    found = []
    for e in catalogue[1:]:
        msgid, english = e["msgid"], e["msgstr"][0]
        if e["msgid_plural"] or "%" in msgid or "<" in msgid or len(msgid) < 12:
            continue
        if msgid == english or msgid in allowed or msgid in english:
            continue
        if msgid in text:
            found.append(msgid)
    return found


@pytest.fixture
def public_caches():
    with override_settings(
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": "kalata-i18n-tests",
            }
        },
        KALATA_PUBLIC_STATE_SECONDS=0,
        KALATA_PUBLIC_REFRESH_SECONDS=0,
    ):
        from kalata.public.results import clear_memory

        cache.clear()
        clear_memory()
        yield
        clear_memory()


@pytest.fixture
def presidential(db, public_caches):
    from kalata.territory.services import load_territory
    from tests.public.scenario import build_presidential

    load_territory()
    return build_presidential()


#: Data of the scenario that is French whatever the reader's language (names of the election,
#: of the places, of the authorities in the law's words) and happens to equal a msgid.
DATA = frozenset({"Élection du Président de la République", "District de Bamako"})


def test_public_pages_in_english_and_in_french_by_default(presidential, client, catalogue):
    pages = {
        "home": "/scrutins/",
        "national": presidential.base + "NATION/",
        "region": presidential.base + "NATION/region/R01/",
        "round": presidential.base,
    }
    english_words = {
        "home": ["Elections", "Election results", "Public results site: read only"],
        "national": ["Decision under the law", "Registered", "Turnout", "Valid votes", "Regions"],
        "region": ["Registered", "Turnout", "Cercles", "Data of this page"],
        "round": ["Constituencies", "Final / expected minutes", "Other maps"],
    }
    french_words = {
        "home": ["Résultats des élections", "Site public des résultats"],
        "national": ["Décision selon la loi", "Suffrages exprimés", "Participation"],
        "region": ["Inscrits", "Participation", "Données de cette page"],
        "round": ["Circonscriptions", "PV définitifs / attendus", "Autres cartes"],
    }
    for name, url in pages.items():
        french = client.get(url)
        assert french.status_code == 200 and french["Content-Language"] == "fr", url
        text = visible_text(french.content)
        for word in french_words[name]:
            assert word in text, (url, word)

        client.cookies[COOKIE] = "en"
        english = client.get(url)
        del client.cookies[COOKIE]
        assert english.status_code == 200 and english["Content-Language"] == "en", url
        assert '<html lang="en">' in english.content.decode()
        text = visible_text(english.content)
        for word in english_words[name]:
            assert word in text, (url, word)
        for word in french_words[name]:
            assert word not in text, (url, word)
        leftovers = french_leftovers(english.content, catalogue, DATA)
        assert not leftovers, (url, leftovers)

        again = client.get(url)  # and French again for a reader without the cookie
        assert again["Content-Language"] == "fr" and again.content == french.content, url


@pytest.fixture
def country(db, settings, tmp_path):
    from tests.commission.helpers import build_country

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_country()


def test_commission_login_in_english_and_in_french_by_default(db, client, catalogue):
    french = visible_text(client.get("/commission/connexion/").content)
    assert "Connexion des commissions" in french and "Mot de passe" in french
    client.cookies[COOKIE] = "en"
    response = client.get("/commission/connexion/")
    text = visible_text(response.content)
    assert "Commission login" in text and "Password" in text and "Log in" in text
    assert "Every login and every failure is recorded in the audit log." in text
    for word in ("Connexion des commissions", "Mot de passe", "Identifiant", "Se connecter"):
        assert word not in text
    assert not french_leftovers(response.content, catalogue)
    refused = client.post(
        "/commission/connexion/", {"username": "nobody", "password": "wrong", "next": ""}
    )
    text = visible_text(refused.content)
    assert "Incorrect username or password." in text
    assert "Identifiant ou mot de passe incorrect" not in text


def test_commission_queue_and_entry_form_in_english(country, client, catalogue):
    from tests.commission.helpers import KAYES_1, figures, form_data

    client.force_login(country.user("awa"))
    queue_url = f"/commission/{country.round.code}/"
    entry_url = country.url("entry", KAYES_1)

    french = visible_text(client.get(queue_url).content)
    assert "File de travail" in french and "Bureau de vote" in french and "à saisir" in french
    french_entry = visible_text(client.get(entry_url).content)
    assert "Première saisie" in french_entry and "Électeurs et votants" in french_entry

    client.cookies[COOKIE] = "en"
    queue = client.get(queue_url)
    assert queue.status_code == 200 and queue["Content-Language"] == "en"
    text = visible_text(queue.content)
    for word in ("Work queue", "Polling station", "Commune or mission", "to enter (1st entry)"):
        assert word in text, word
    for word in ("Enter", "Filter", "expected", "Log out", "Logged in:"):
        assert word in text, word
    for word in ("File de travail", "Bureau de vote", "à saisir", "Filtrer", "Se déconnecter"):
        assert word not in text, word
    assert not french_leftovers(queue.content, catalogue, DATA)

    entry = client.get(entry_url)
    assert entry.status_code == 200
    text = visible_text(entry.content)
    for word in (
        "First entry — polling station",
        "Electors and voters",
        "Registered voters",
        "Voters (signatures on the list)",
        "Votes obtained (in ballot order)",
        "Breakdown of null ballots (optional)",
        "Record the 1st entry",
        "Checks",
    ):
        assert word in text, word
    for word in ("Première saisie", "Électeurs et votants", "Inscrits", "Enregistrer la"):
        assert word not in text, word
    assert not french_leftovers(entry.content, catalogue, DATA)
    # The words of the checks script come translated with the page.
    assert 'data-text-none="No error and no warning."' in entry.content.decode()

    # A refused entry: the screen in English, the law's message in French.
    typed = figures(voters="1 000 000 000 000")
    refused = client.post(entry_url, form_data(typed, client_key="i18n-refused"))
    assert refused.status_code == 200
    text = visible_text(refused.content)
    assert "Submission refused:" in text and "Nothing was recorded" in text
    assert "nombre hors limites" in text and "Enregistrement refusé" not in text
