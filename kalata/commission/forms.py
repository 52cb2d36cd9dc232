"""Forms of the commission screens.

- ``LoginForm``: Django's authentication form, with the French lockout message of the throttled
  backend (``kalata.accounts.backends.ThrottledModelBackend``).
- ``FiguresInput``: the polling-station minutes laid out like the paper form (Art. 50, 76,
  84–87), one line per candidate or list in ballot order. Values are kept **as typed**: a field
  left empty is ``None``, digits (with spaces as thousands separators) are a whole number, a
  leading minus a negative number, anything else the text typed — so that the checks say what is
  wrong (E01, E02) and a refused submission re-renders exactly what was typed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from kalata.law.tally import FIELD_LABELS, NULL_CATEGORY_LABELS

# --------------------------------------------------------------------------------------------
# Login
# --------------------------------------------------------------------------------------------


class LoginForm(AuthenticationForm):
    """Login with the throttle's French message when the (username, address) pair is locked."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Identifiant ou mot de passe incorrect. Après 5 échecs en 15 minutes, la connexion"
            " depuis ce poste est bloquée pendant 15 minutes."
        ),
        "inactive": _("Ce compte est désactivé."),
        "locked": _(
            "Trop d'échecs de connexion pour cet identifiant depuis ce poste : connexion bloquée"
            " jusqu'à %(until)s. Réessayez ensuite, ou demandez à l'administrateur."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Identifiant")
        self.fields["password"].label = _("Mot de passe")
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            until = getattr(self.request, "kalata_login_locked_until", None)
            if until is not None:
                local = timezone.localtime(until)
                raise forms.ValidationError(
                    self.error_messages["locked"],
                    code="locked",
                    params={"until": local.strftime("%H h %M")},
                ) from None
            raise


# --------------------------------------------------------------------------------------------
# The figures of the minutes, laid out like the paper form
# --------------------------------------------------------------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']+")
_INTEGER = re.compile(r"[+-]?\d+")


def parse_value(raw: Any) -> Any:
    """A typed value in the stored form: None (empty), an int, or the text as typed."""
    if raw is None:
        return None
    text = str(raw).strip()
    if not text:
        return None
    compact = _SPACES.sub("", text)
    if _INTEGER.fullmatch(compact):
        return int(compact)
    return text


def show_value(value: Any) -> str:
    """The text to put back in an input for a stored value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass
class Line:
    """One input of the form: stored path, French label, articles, value as typed."""

    path: str
    label: str
    articles: tuple[str, ...] = ()
    required: bool = False
    hint: str = ""
    value: str = ""
    number: str = ""  # ballot order, for candidates and lists
    party: str = ""

    @property
    def input_id(self) -> str:
        return "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", self.path)


@dataclass
class Section:
    key: str
    title: str
    articles: tuple[str, ...]
    lines: list[Line] = field(default_factory=list)
    optional: bool = False
    note: str = ""

    @property
    def filled(self) -> bool:
        return any(line.value.strip() for line in self.lines)


SCALAR_ORDER = ("registered", "voters", "proxies_used", "envelopes")
COUNT_ORDER = ("null_ballots", "valid_votes")
CARD_ORDER = ("cards_received", "cards_delivered", "cards_returned")
BUREAU_ORDER = ("members_present", "refusals_to_sign")
REQUIRED = frozenset({"registered", "voters", "envelopes", "null_ballots", "valid_votes"})

_ARTICLES = {
    "registered": ("84",),
    "voters": ("84",),
    "proxies_used": ("93", "97"),
    "envelopes": ("84",),
    "null_ballots": ("85",),
    "valid_votes": ("85",),
    "cards_received": ("50",),
    "cards_delivered": ("50",),
    "cards_returned": ("50",),
    "members_present": ("74", "76"),
    "refusals_to_sign": ("87",),
}
_HINTS = {
    "voters": _("nombre d'émargements sur la liste, arrêté en toutes lettres"),
    "proxies_used": _("compris dans les votants"),
    "envelopes": _("différence avec les émargements mentionnée au PV"),
    "null_ballots": _("bulletins blancs compris"),
    "valid_votes": _("votants − nuls"),
}

#: The law engine's labels of the fields of the minutes (``FIELD_LABELS``,
#: ``NULL_CATEGORY_LABELS`` of ``kalata.law.tally``), marked here for translation: the law engine
#: stays free of Django. The form shows ``gettext(label)``; tests/web/test_i18n.py checks that
#: every label of the law is marked here and translated.
LAW_LABELS = (
    gettext_noop("inscrits"),
    gettext_noop("votants (émargements)"),
    gettext_noop("enveloppes trouvées dans l'urne"),
    gettext_noop("bulletins nuls"),
    gettext_noop("suffrages exprimés"),
    gettext_noop("votes par procuration"),
    gettext_noop("cartes non distribuées reçues sous pli"),
    gettext_noop("cartes remises aux titulaires pendant le scrutin"),
    gettext_noop("cartes non retirées retournées à la clôture"),
    gettext_noop("refus de signer le procès-verbal"),
    gettext_noop("membres du bureau présents"),
    gettext_noop("bulletins blancs"),
    gettext_noop("enveloppes contenant des bulletins différents"),
    gettext_noop("désignation insuffisante"),
    gettext_noop("votant s'étant fait connaître"),
    gettext_noop("sans enveloppe ou enveloppe non réglementaire"),
    gettext_noop("signes de reconnaissance"),
    gettext_noop("mentions injurieuses"),
)


class FiguresInput:
    """The paper form of one contest's minutes, with the values typed (or stored)."""

    def __init__(
        self,
        selections: Sequence,
        *,
        data: Mapping | None = None,
        figures: Mapping | None = None,
    ) -> None:
        """``selections``: the contest's candidates/lists in ballot order (objects with ``code``,
        ``name``, ``party``, ``order``); ``data``: a POST; ``figures``: stored figures to show."""
        self.selections = list(selections)
        self.codes = [s.code for s in self.selections]
        raw: dict[str, str] = {}
        if data is not None:
            for path in self.paths():
                raw[path] = str(data.get(path, ""))
            raw["observations"] = str(data.get("observations", ""))
        elif figures is not None:
            for path in self.paths():
                raw[path] = show_value(_get_path(figures, path))
            raw["observations"] = str(figures.get("observations") or "")
        self.raw = raw

    def paths(self) -> list[str]:
        return [
            *SCALAR_ORDER,
            *COUNT_ORDER,
            *(f"null_breakdown.{k}" for k in NULL_CATEGORY_LABELS),
            *(f"votes.{c}" for c in self.codes),
            *CARD_ORDER,
            *BUREAU_ORDER,
        ]

    @property
    def observations(self) -> str:
        return self.raw.get("observations", "")

    def _line(self, path: str) -> Line:
        return Line(
            path=path,
            label=_capfirst(gettext(FIELD_LABELS[path]) if path in FIELD_LABELS else path),
            articles=_ARTICLES.get(path, ()),
            required=path in REQUIRED,
            hint=_HINTS.get(path, ""),
            value=self.raw.get(path, ""),
        )

    def sections(self) -> list[Section]:
        """The sections of the paper form, in the order of the minutes."""
        voters = Section("electeurs", gettext("Électeurs et votants"), ("84", "97"))
        voters.lines = [self._line(p) for p in SCALAR_ORDER]
        counts = Section("depouillement", gettext("Dépouillement"), ("84", "85"))
        counts.lines = [self._line(p) for p in COUNT_ORDER]
        breakdown = Section(
            "nuls",
            gettext("Détail des bulletins nuls (facultatif)"),
            ("85",),
            optional=True,
            note=gettext(
                "Par cause de nullité de l'article 85 ; le détail doit faire le total des nuls."
            ),
        )
        for key, label in NULL_CATEGORY_LABELS.items():
            line = self._line(f"null_breakdown.{key}")
            line.label = _capfirst(gettext(label))
            breakdown.lines.append(line)
        votes = Section(
            "voix",
            gettext("Voix obtenues (dans l'ordre du bulletin)"),
            ("85", "87"),
            note=gettext("Saisir chaque candidat ou liste, 0 compris."),
        )
        for sel in self.selections:
            line = self._line(f"votes.{sel.code}")
            line.label = sel.name
            line.required = True
            line.number = str(sel.order or "")
            line.party = getattr(sel, "party", "") or ""
            line.articles = ()
            votes.lines.append(line)
        cards = Section(
            "cartes", gettext("Cartes d'électeur non distribuées (facultatif)"), ("50",)
        )
        cards.optional = True
        cards.lines = [self._line(p) for p in CARD_ORDER]
        bureau = Section("bureau", gettext("Bureau de vote"), ("74", "76", "86", "87"))
        bureau.lines = [self._line(p) for p in BUREAU_ORDER]
        return [voters, counts, breakdown, votes, cards, bureau]

    def figures(self) -> dict:
        """The payload for ``submit_entry`` / ``correct`` (``TallyFigures.as_dict()`` shape)."""
        out: dict[str, Any] = {}
        for name in (*SCALAR_ORDER, *COUNT_ORDER, *CARD_ORDER, *BUREAU_ORDER):
            out[name] = parse_value(self.raw.get(name))
        out["votes"] = {c: parse_value(self.raw.get(f"votes.{c}")) for c in self.codes}
        breakdown = {}
        for key in NULL_CATEGORY_LABELS:
            value = parse_value(self.raw.get(f"null_breakdown.{key}"))
            if value is not None:
                breakdown[str(key)] = value
        out["null_breakdown"] = breakdown or None
        out["observations"] = self.observations
        return out


def _capfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


def _get_path(figures: Mapping, path: str) -> Any:
    head, _, key = path.partition(".")
    value = figures.get(head)
    if not key:
        return value
    return value.get(key) if isinstance(value, Mapping) else None


# --------------------------------------------------------------------------------------------
# Small forms
# --------------------------------------------------------------------------------------------


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": _("Le motif est obligatoire.")},
    )


class ScanForm(forms.Form):
    scan = forms.FileField(
        label=_("Photo ou scan du procès-verbal (PDF, JPEG ou PNG)"),
        error_messages={
            "required": _("Choisissez un fichier."),
            "empty": _("Le fichier est vide."),
        },
    )
    reason = forms.CharField(
        label=_("Motif du remplacement (si un scan existe déjà)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ObservationForm(forms.Form):
    text = forms.CharField(
        label=_("Observation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": _("L'observation est vide.")},
    )
