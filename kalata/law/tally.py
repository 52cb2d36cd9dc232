"""Numbered checks of polling-station minutes (procès-verbal des opérations de vote, Art. 84–87).

A polling station's minutes (``TallySheet``) carry a handful of figures: registered electors,
voters (the signatures on the signature list), envelopes found in the box, null ballots (blank
included), valid votes and the votes of each candidate or list, plus a few optional facts the law
asks the minutes to record (undistributed voter cards, Art. 50; members present, Art. 76;
refusals to sign, Art. 87; observations and protests, Art. 86).

``check_tally`` returns the numbered checks that fire on one set of figures. Each check has a
stable code and cites its articles:

* ``E..`` — errors. The figures contradict themselves or the law's arithmetic; minutes with an
  error are *blocking*: they cannot become definitive until they are corrected (by a new entry or
  a reasoned act of the commission), never silently fixed.
* ``W..`` — warnings. The figures are possible but unusual, or record an irregularity the law asks
  to be mentioned; each warning needs an acknowledgement with a reason before the minutes become
  definitive.

Codes are stable: a code is never renumbered or reused; a new check gets the next free number.
The catalogue is ``CHECKS``; ``docs/checks.md`` lists it.

Which figure is "voters" (``votants``)
--------------------------------------
Art. 84 says that after closing "la liste des émargements est arrêtée et le nombre de votants est
indiqué en toutes lettres ; elle est signée par les membres du bureau". The law itself defines the
number of voters as the count of signatures, closed, written in words and signed. The envelopes
found in the box are a control figure: when they differ from the signatures, the law asks only that
the difference be *mentioned* in the minutes ("il en est fait mention au procès-verbal") — it does
not replace the number of voters by the number of envelopes. Proxy votes are signatures too: the
proxy holder signs in front of his name and of his grantors' names (Art. 97), and grantors are on
the same list as the holder (Art. 94), so voters never exceed registered electors, with or without
proxies. The Constitutional Court publishes the same identity (2013, second round:
3 123 127 votants = 88 664 nuls + 3 034 463 exprimés), and the glossary defines valid votes as
voters − null ballots. Hence the blocking identity E03 is ``null + valid = voters (signatures)``,
and ``envelopes ≠ signatures`` is the warning W01. Consequence, by design: when the ballots counted
match the envelopes but not the signatures, E03 blocks the minutes; the centralisation commission
(or the Court, Art. 150) decides what to do with the difference, and the message says so.

Double entry
------------
``compare_entries`` compares two entries of the same minutes field by field. The law does not
organise double entry: it is a procedure of the centralisation commissions, which total the minutes
"au fur et à mesure de l'arrivée des procès-verbaux" (Art. 141, 149, 187).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType
from typing import Any

from kalata.law.explain import Step, fr_int, fr_percent, percent

# --------------------------------------------------------------------------------------------
# Constants of the law
# --------------------------------------------------------------------------------------------

#: Art. 71: one polling station per 700 electors or fraction of 700.
MAX_ELECTORS_PER_STATION = 700
#: Art. 76: never fewer than three members present.
MIN_MEMBERS_PRESENT = 3
#: Art. 74: a president and four assessors.
BUREAU_MEMBERS = 5
#: Art. 96: a proxy holder may use at most two proxies.
MAX_PROXIES_PER_HOLDER = 2


class Severity(StrEnum):
    """Severity of a check: an error blocks the minutes, a warning needs an acknowledgement."""

    ERROR = "error"
    WARNING = "warning"


class NullCategory(StrEnum):
    """Stable keys of the causes of nullity listed in Art. 85 (breakdown of null ballots)."""

    BLANK = "blank"
    MULTIPLE_DIFFERENT = "multiple_different"
    INSUFFICIENT_DESIGNATION = "insufficient_designation"
    VOTER_IDENTIFIABLE = "voter_identifiable"
    NO_OR_IRREGULAR_ENVELOPE = "no_or_irregular_envelope"
    RECOGNITION_MARKS = "recognition_marks"
    INSULTING = "insulting"


#: French labels of the Art. 85 categories, in the order of the article.
NULL_CATEGORY_LABELS: Mapping[str, str] = MappingProxyType(
    {
        NullCategory.BLANK: "bulletins blancs",
        # Art. 85, second paragraph: several ballots in one envelope naming different
        # candidates or lists make the vote null (the same candidate twice counts once).
        NullCategory.MULTIPLE_DIFFERENT: "enveloppes contenant des bulletins différents",
        NullCategory.INSUFFICIENT_DESIGNATION: "désignation insuffisante",
        NullCategory.VOTER_IDENTIFIABLE: "votant s'étant fait connaître",
        NullCategory.NO_OR_IRREGULAR_ENVELOPE: "sans enveloppe ou enveloppe non réglementaire",
        NullCategory.RECOGNITION_MARKS: "signes de reconnaissance",
        NullCategory.INSULTING: "mentions injurieuses",
    }
)

#: French labels of the scalar fields of the minutes, in the order of the paper form.
FIELD_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "registered": "inscrits",
        "voters": "votants (émargements)",
        "envelopes": "enveloppes trouvées dans l'urne",
        "null_ballots": "bulletins nuls",
        "valid_votes": "suffrages exprimés",
        "proxies_used": "votes par procuration",
        "cards_received": "cartes non distribuées reçues sous pli",
        "cards_delivered": "cartes remises aux titulaires pendant le scrutin",
        "cards_returned": "cartes non retirées retournées à la clôture",
        "refusals_to_sign": "refus de signer le procès-verbal",
        "members_present": "membres du bureau présents",
    }
)

_REQUIRED_FIELDS = ("registered", "voters", "envelopes", "null_ballots", "valid_votes")
_OPTIONAL_FIELDS = (
    "proxies_used",
    "cards_received",
    "cards_delivered",
    "cards_returned",
    "refusals_to_sign",
    "members_present",
)


def field_label(path: str) -> str:
    """French label of a field of the minutes, Art. 50, 84–87 ('votes.C01' -> 'voix de « C01 »')."""
    if path.startswith("votes."):
        return f"voix de « {path[len('votes.') :]} »"
    if path.startswith("null_breakdown."):
        key = path[len("null_breakdown.") :]
        return f"nuls — {NULL_CATEGORY_LABELS.get(key, key)}"
    if path == "votes":
        return "voix par candidat ou liste"
    if path == "null_breakdown":
        return "ventilation des bulletins nuls"
    if path == "observations":
        return "observations"
    return FIELD_LABELS.get(path, path)


# --------------------------------------------------------------------------------------------
# Input value
# --------------------------------------------------------------------------------------------


def _freeze(mapping: Any) -> Any:
    """A read-only copy of a mapping; anything else is kept as entered (checked by E01)."""
    if isinstance(mapping, Mapping):
        return MappingProxyType(dict(mapping))
    return mapping


@dataclass(frozen=True)
class TallyFigures:
    """The figures of one polling station's minutes, as entered (Art. 50, 76, 84–87).

    Nothing is validated on construction: inconsistent minutes are stored as entered and the
    checks say what is wrong. ``votes`` maps each candidate or list code to its votes (a zero must
    be entered explicitly); ``null_breakdown`` optionally maps ``NullCategory`` keys to counts.
    The three card figures follow Art. 50: undistributed cards received under seal by the
    president, cards handed to their holders during the poll, cards not collected and returned
    under seal with the minutes.
    """

    registered: int
    voters: int
    envelopes: int
    null_ballots: int
    valid_votes: int
    votes: Mapping[str, int] = field(default_factory=dict, hash=False)
    null_breakdown: Mapping[str, int] | None = field(default=None, hash=False)
    proxies_used: int | None = None
    cards_received: int | None = None
    cards_delivered: int | None = None
    cards_returned: int | None = None
    refusals_to_sign: int | None = None
    members_present: int | None = None
    observations: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "votes", _freeze(self.votes))
        object.__setattr__(self, "null_breakdown", _freeze(self.null_breakdown))

    def as_dict(self) -> dict:
        out: dict[str, Any] = {}
        for name in _REQUIRED_FIELDS:
            out[name] = getattr(self, name)
        out["votes"] = dict(self.votes) if isinstance(self.votes, Mapping) else self.votes
        if isinstance(self.null_breakdown, Mapping):
            out["null_breakdown"] = dict(self.null_breakdown)
        else:
            out["null_breakdown"] = self.null_breakdown
        for name in _OPTIONAL_FIELDS:
            out[name] = getattr(self, name)
        out["observations"] = self.observations
        return out


@dataclass(frozen=True)
class TallyThresholds:
    """Plausibility thresholds of the warnings; ``None`` switches a warning off.

    Percentages are exact (``Fraction`` or ``int``, 95 meaning 95 %). Defaults and their reasons
    are in ``docs/checks.md``:

    * ``turnout`` 95 % (W02): national turnout was 36.17 % in 2007 and 48.98 % in 2013 (Court);
      voter lists are revised once a year (Art. 44) and keep deceased and departed electors, so
      95 % of a station's electors voting is rare enough to deserve a second look.
    * ``candidate_share`` 95 % of valid votes (W03), only from ``candidate_share_min_valid_votes``
      = 50 valid votes: below that, near-unanimity in a small village says nothing; above it, a
      candidate whose real support were 80 % (more than any national score on record, 77.62 % in
      2013) would reach 95 % of 50 votes about once in 800 stations. Switch it off (``None``) for a
      referendum if a near-unanimous answer is expected. It never fires in a contest with a single
      candidate or list.
    * ``null_share`` 20 % of voters (W04), not the 10 % first suggested: in the 2013 first round
      null ballots were 11.65 % of voters nationally (389 876 of 3 345 253), so 10 % would flag most
      stations of a many-candidate first round; 20 % is well above every national rate on record.
      A commission may lower it for a second round (2.84 % in 2013).
    """

    turnout: Fraction | int | None = 95
    candidate_share: Fraction | int | None = 95
    candidate_share_min_valid_votes: int = 50
    null_share: Fraction | int | None = 20


DEFAULT_THRESHOLDS = TallyThresholds()


# --------------------------------------------------------------------------------------------
# Catalogue
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckSpec:
    """One entry of the catalogue: what a code means, for UIs and documentation."""

    code: str
    severity: Severity
    title_fr: str
    articles: tuple[str, ...]
    description_en: str

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": str(self.severity),
            "title_fr": self.title_fr,
            "articles": list(self.articles),
            "description_en": self.description_en,
        }


def _spec(code: str, title_fr: str, articles: tuple[str, ...], description_en: str) -> CheckSpec:
    severity = Severity.ERROR if code.startswith("E") else Severity.WARNING
    return CheckSpec(code, severity, title_fr, articles, description_en)


_CATALOGUE = (
    _spec(
        "E01",
        "Valeur manquante ou non entière",
        ("84", "87"),
        "A required figure is missing, or a figure is not a whole number.",
    ),
    _spec("E02", "Nombre négatif", ("84", "87"), "A figure is negative."),
    _spec(
        "E03",
        "Nuls + exprimés ≠ votants",
        ("84", "85"),
        "Null ballots plus valid votes differ from voters (signatures on the signature list).",
    ),
    _spec(
        "E04",
        "Somme des voix ≠ suffrages exprimés",
        ("85", "87"),
        "The votes of the candidates or lists do not add up to the valid votes.",
    ),
    _spec(
        "E05",
        "Votants > inscrits",
        ("81", "84", "94"),
        "More voters than registered electors (proxy holders vote on the same list).",
    ),
    _spec("E06", "Exprimés > votants", ("84", "85"), "More valid votes than voters."),
    _spec("E07", "Nuls > votants", ("84", "85"), "More null ballots than voters."),
    _spec(
        "E08",
        "Ventilation des nuls ≠ total des nuls",
        ("85",),
        "The breakdown of null ballots by Art. 85 cause does not add up to the null ballots.",
    ),
    _spec(
        "E09",
        "Catégorie de nul inconnue",
        ("85",),
        "The breakdown of null ballots uses a cause that Art. 85 does not list.",
    ),
    _spec(
        "E10",
        "Candidat ou liste hors scrutin",
        ("69", "85"),
        "Votes entered for a candidate or list code that does not stand in this contest.",
    ),
    _spec(
        "E11",
        "Voix d'un candidat ou d'une liste non saisies",
        ("85", "87"),
        "A candidate or list of the contest has no entry (a zero must be entered explicitly).",
    ),
    _spec(
        "E12",
        "Votes par procuration > votants",
        ("97",),
        "More proxy votes than voters (each proxy vote is signed on the signature list).",
    ),
    _spec(
        "E13",
        "Cartes reçues ≠ remises + retournées",
        ("50",),
        "Undistributed cards received differ from cards handed to holders plus cards returned.",
    ),
    _spec(
        "W01",
        "Enveloppes ≠ émargements",
        ("84",),
        "Envelopes found in the box differ from signatures; the minutes must mention it.",
    ),
    _spec(
        "W02",
        "Participation très élevée",
        ("84",),
        "Turnout (voters / registered) at or above the turnout threshold.",
    ),
    _spec(
        "W03",
        "Score d'un candidat ou d'une liste très élevé",
        ("85", "87"),
        "One candidate or list has a share of valid votes at or above the share threshold.",
    ),
    _spec(
        "W04",
        "Bulletins nuls nombreux",
        ("85",),
        "Null ballots at or above the null-share threshold of voters.",
    ),
    _spec(
        "W05",
        "Aucun votant",
        ("80", "84"),
        "No voter in a station with registered electors.",
    ),
    _spec(
        "W06",
        "Refus de signer le procès-verbal",
        ("87",),
        "Refusals to sign the minutes are recorded.",
    ),
    _spec(
        "W07",
        "Moins de trois membres présents",
        ("76",),
        "Fewer than three members of the bureau present.",
    ),
    _spec(
        "W08",
        "Plus de 700 inscrits",
        ("71",),
        "More than 700 registered electors in one station (the station decision may predate a"
        " revision of the list).",
    ),
    _spec(
        "W09",
        "Cartes non retirées > inscrits − votants",
        ("50", "81"),
        "More uncollected cards returned than registered electors who did not vote.",
    ),
    _spec(
        "W10",
        "Plus de cinq membres présents",
        ("74",),
        "More members present than a president and four assessors.",
    ),
    _spec(
        "W11",
        "Cartes reçues > inscrits",
        ("50",),
        "More undistributed cards received than registered electors of the station.",
    ),
    _spec(
        "W12",
        "Votes par procuration trop nombreux",
        ("96", "97"),
        "Proxy votes exceed two thirds of voters: some holder used more than two proxies.",
    ),
    _spec(
        "W13",
        "Observations consignées",
        ("86",),
        "Observations, protests or disputes are recorded in the minutes.",
    ),
)

#: The catalogue of checks: code -> ``CheckSpec``, errors first, in code order.
CHECKS: Mapping[str, CheckSpec] = MappingProxyType({spec.code: spec for spec in _CATALOGUE})


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One check that fired: its code, severity, French message, articles and the fields."""

    code: str
    severity: Severity
    message_fr: str
    articles: tuple[str, ...]
    fields: tuple[str, ...]

    @property
    def blocking(self) -> bool:
        return self.severity is Severity.ERROR

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": str(self.severity),
            "message_fr": self.message_fr,
            "articles": list(self.articles),
            "fields": list(self.fields),
        }

    def __str__(self) -> str:
        return f"{self.code} {self.message_fr} (art. {', '.join(self.articles)})"


@dataclass(frozen=True)
class TallyReport:
    """The checks that fired on one set of minutes, and the steps of the verification."""

    checks: tuple[Check, ...]
    steps: tuple[Step, ...]

    @property
    def errors(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.severity is Severity.WARNING)

    @property
    def blocking(self) -> bool:
        """True when an error fired: such minutes cannot become definitive."""
        return bool(self.errors)

    @property
    def codes(self) -> tuple[str, ...]:
        """Codes of the checks that fired, without repetition, in order."""
        return tuple(dict.fromkeys(c.code for c in self.checks))

    def as_dict(self) -> dict:
        return {
            "blocking": self.blocking,
            "errors": [c.as_dict() for c in self.errors],
            "warnings": [c.as_dict() for c in self.warnings],
            "steps": [s.as_dict() for s in self.steps],
        }


# --------------------------------------------------------------------------------------------
# The checks
# --------------------------------------------------------------------------------------------


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _usable(value: Any) -> bool:
    return _is_int(value) and value >= 0


def _n(value: int) -> str:
    return fr_int(value)


class _Run:
    """Collects the checks and steps of one verification."""

    def __init__(
        self, figures: TallyFigures, contest_codes: tuple[str, ...], thresholds: TallyThresholds
    ) -> None:
        self.f = figures
        self.contest = contest_codes
        self.t = thresholds
        self.checks: list[Check] = []
        self.steps: list[Step] = []

    def fire(self, code: str, message: str, fields: Iterable[str]) -> None:
        spec = CHECKS[code]
        self.checks.append(Check(code, spec.severity, message, spec.articles, tuple(fields)))
        self.steps.append(Step(f"{code} — {message}", spec.articles))

    def passed(self, code: str, text: str) -> None:
        self.steps.append(Step(f"{text} : conforme.", CHECKS[code].articles))

    def skipped(self, code: str, fields: Iterable[str]) -> None:
        names = ", ".join(f"« {field_label(f)} »" for f in fields)
        self.steps.append(
            Step(
                f"Contrôle {code} non effectué : {names} sans valeur entière positive ou nulle.",
                CHECKS[code].articles,
            )
        )

    def disabled(self, code: str) -> None:
        self.steps.append(Step(f"Contrôle {code} désactivé (aucun seuil).", CHECKS[code].articles))

    # Helpers over the figures.
    def value(self, name: str) -> Any:
        return getattr(self.f, name)

    def ok(self, *names: str) -> bool:
        return all(_usable(self.value(n)) for n in names)

    def unusable(self, *names: str) -> list[str]:
        return [n for n in names if not _usable(self.value(n))]

    @property
    def votes_ok(self) -> bool:
        votes = self.f.votes
        return isinstance(votes, Mapping) and all(_usable(v) for v in votes.values())

    @property
    def breakdown_ok(self) -> bool:
        nb = self.f.null_breakdown
        return isinstance(nb, Mapping) and all(_usable(v) for v in nb.values())


def _all_numbers(f: TallyFigures) -> list[tuple[str, Any, bool]]:
    """Every numeric entry of the minutes: (field path, value, required)."""
    out: list[tuple[str, Any, bool]] = [(n, getattr(f, n), True) for n in _REQUIRED_FIELDS]
    if isinstance(f.votes, Mapping):
        out += [(f"votes.{code}", v, True) for code, v in f.votes.items()]
    if isinstance(f.null_breakdown, Mapping):
        out += [(f"null_breakdown.{key}", v, True) for key, v in f.null_breakdown.items()]
    out += [(n, getattr(f, n), False) for n in _OPTIONAL_FIELDS]
    return out


def _check_numbers(r: _Run) -> None:
    """E01, E02: every figure is a whole number, positive or zero (Art. 84, 87)."""
    # Art. 84 has the number of voters written out in words: the minutes carry whole counts.
    bad = False
    if not isinstance(r.f.votes, Mapping):
        bad = True
        r.fire("E01", "Les voix par candidat ou liste doivent être saisies une à une.", ["votes"])
    if r.f.null_breakdown is not None and not isinstance(r.f.null_breakdown, Mapping):
        bad = True
        r.fire(
            "E01",
            "La ventilation des bulletins nuls doit être saisie catégorie par catégorie.",
            ["null_breakdown"],
        )
    for path, value, required in _all_numbers(r.f):
        label = field_label(path)
        if value is None:
            if required:
                bad = True
                r.fire("E01", f"« {label} » : valeur obligatoire non saisie.", [path])
        elif not _is_int(value):
            bad = True
            r.fire("E01", f"« {label} » : « {value} » n'est pas un nombre entier.", [path])
        elif value < 0:
            bad = True
            r.fire("E02", f"« {label} » : nombre négatif ({_n(value)}).", [path])
    if not bad:
        r.steps.append(
            Step(
                "Toutes les valeurs saisies sont des nombres entiers positifs ou nuls.",
                CHECKS["E01"].articles,
            )
        )


def _check_voters_identity(r: _Run) -> None:
    """E03: null + valid = voters, the signatures (Art. 84, 85)."""
    names = ("null_ballots", "valid_votes", "voters")
    if not r.ok(*names):
        return r.skipped("E03", r.unusable(*names))
    null, valid, voters = r.f.null_ballots, r.f.valid_votes, r.f.voters
    total = null + valid
    if total == voters:
        return r.passed(
            "E03", f"Nuls ({_n(null)}) + exprimés ({_n(valid)}) = votants ({_n(voters)})"
        )
    message = f"Nuls ({_n(null)}) + exprimés ({_n(valid)}) = {_n(total)} ≠ votants ({_n(voters)})."
    if _usable(r.f.envelopes) and total == r.f.envelopes:
        # The count matches the box, not the signatures: Art. 84 keeps the signatures as the
        # number of voters; the difference is for the commission, not for the typist.
        message += (
            f" Ce total égale les enveloppes trouvées dans l'urne ({_n(r.f.envelopes)}) : les"
            " votants restent le nombre d'émargements (art. 84) et l'écart est à trancher par la"
            " commission de centralisation."
        )
    r.fire("E03", message, names)


def _check_votes_sum(r: _Run) -> None:
    """E04: the votes of the candidates or lists add up to the valid votes (Art. 85, 87)."""
    if not (r.ok("valid_votes") and r.votes_ok):
        bad = r.unusable("valid_votes") + ([] if r.votes_ok else ["votes"])
        return r.skipped("E04", bad)
    total = sum(r.f.votes.values())
    valid = r.f.valid_votes
    if total == valid:
        return r.passed(
            "E04", f"Somme des voix des candidats ou listes ({_n(total)}) = exprimés ({_n(valid)})"
        )
    r.fire(
        "E04",
        f"Somme des voix des candidats ou listes ({_n(total)}) ≠ suffrages exprimés ({_n(valid)}).",
        ["valid_votes", *(f"votes.{c}" for c in r.f.votes)],
    )


def _check_voters_registered(r: _Run) -> None:
    """E05: voters do not exceed registered electors (Art. 81, 84, 94)."""
    # Only electors on the station's signature list vote (Art. 81); proxy holders are on the same
    # list as their grantors (Art. 94) and sign in front of their names (Art. 97), so proxies do
    # not add voters beyond the registered. This version of the law has no voting "sur
    # attestation" for bureau members or security forces: any excess is an error.
    names = ("voters", "registered")
    if not r.ok(*names):
        return r.skipped("E05", r.unusable(*names))
    voters, registered = r.f.voters, r.f.registered
    if voters <= registered:
        return r.passed("E05", f"Votants ({_n(voters)}) ≤ inscrits ({_n(registered)})")
    r.fire(
        "E05",
        f"Votants ({_n(voters)}) > inscrits ({_n(registered)}) : seuls les inscrits du bureau"
        " votent, les mandataires étant inscrits sur la même liste que leurs mandants (art. 94).",
        names,
    )


def _check_part_le_voters(r: _Run, code: str, name: str, short: str) -> None:
    """E06, E07: valid votes, null ballots never exceed voters (Art. 84, 85)."""
    names = (name, "voters")
    if not r.ok(*names):
        return r.skipped(code, r.unusable(*names))
    part, voters = r.value(name), r.f.voters
    if part <= voters:
        return r.passed(code, f"{short} ({_n(part)}) ≤ votants ({_n(voters)})")
    r.fire(code, f"{short} ({_n(part)}) > votants ({_n(voters)}).", names)


def _check_valid_le_voters(r: _Run) -> None:
    _check_part_le_voters(r, "E06", "valid_votes", "Exprimés")


def _check_null_le_voters(r: _Run) -> None:
    _check_part_le_voters(r, "E07", "null_ballots", "Nuls")


def _check_null_breakdown(r: _Run) -> None:
    """E08, E09: the Art. 85 breakdown uses known causes and adds up to the null ballots."""
    nb = r.f.null_breakdown
    if nb is None:
        r.steps.append(Step("Ventilation des bulletins nuls non saisie.", CHECKS["E08"].articles))
        return
    if not isinstance(nb, Mapping):
        return
    unknown = [k for k in nb if k not in NULL_CATEGORY_LABELS]
    for key in unknown:
        r.fire(
            "E09",
            f"Catégorie de bulletin nul inconnue : « {key} » (causes de l'art. 85 : "
            + ", ".join(NULL_CATEGORY_LABELS.values())
            + ").",
            [f"null_breakdown.{key}"],
        )
    if not unknown:
        r.passed("E09", "Les catégories de bulletins nuls sont celles de l'art. 85")
    if not (r.ok("null_ballots") and r.breakdown_ok):
        bad = r.unusable("null_ballots") + ([] if r.breakdown_ok else ["null_breakdown"])
        return r.skipped("E08", bad)
    total = sum(nb.values())
    null = r.f.null_ballots
    order = {k: i for i, k in enumerate(NULL_CATEGORY_LABELS)}
    parts = " + ".join(
        f"{field_label('null_breakdown.' + k).removeprefix('nuls — ')} ({_n(v)})"
        for k, v in sorted(nb.items(), key=lambda kv: order.get(kv[0], len(order)))
    )
    if total == null:
        return r.passed("E08", f"Ventilation des nuls ({_n(total)}) = bulletins nuls ({_n(null)})")
    r.fire(
        "E08",
        f"Ventilation des nuls : {parts or 'aucune'} = {_n(total)} ≠ bulletins nuls ({_n(null)}).",
        ["null_ballots", *(f"null_breakdown.{k}" for k in nb)],
    )


def _check_codes(r: _Run) -> None:
    """E10, E11: votes are entered for exactly the candidates or lists of the contest."""
    votes = r.f.votes
    if not isinstance(votes, Mapping):
        return
    expected = set(r.contest)
    for code, value in votes.items():
        if code not in expected:
            shown = f"{_n(value)} voix saisies" if _is_int(value) else f"« {value} » saisi"
            r.fire(
                "E10",
                f"Code « {code} » inconnu : ce candidat ou cette liste n'est pas en lice dans"
                f" cette circonscription ({shown}).",
                [f"votes.{code}"],
            )
    for code in r.contest:
        if code not in votes:
            r.fire(
                "E11",
                f"Aucune voix saisie pour « {code} » : saisir 0 si ce candidat ou cette liste"
                " n'a obtenu aucune voix.",
                [f"votes.{code}"],
            )
    if set(votes) == expected:
        r.passed(
            "E10",
            f"Voix saisies pour les {len(expected)} candidats ou listes en lice, et pour eux seuls",
        )


def _check_proxies(r: _Run) -> None:
    """E12, W12: proxy votes are among voters, at most two per holder (Art. 96, 97)."""
    if r.f.proxies_used is None:
        return
    names = ("proxies_used", "voters")
    if not r.ok(*names):
        r.skipped("E12", r.unusable(*names))
        return r.skipped("W12", r.unusable(*names))
    proxies, voters = r.f.proxies_used, r.f.voters
    if proxies > voters:
        return r.fire(
            "E12",
            f"Votes par procuration ({_n(proxies)}) > votants ({_n(voters)}) : chaque vote par"
            " procuration est émargé sur la liste (art. 97).",
            names,
        )
    r.passed("E12", f"Votes par procuration ({_n(proxies)}) ≤ votants ({_n(voters)})")
    # Each holder votes for himself and signs in front of his name and his grantors' names on the
    # same signature list (Art. 94, 97), and uses at most two proxies (Art. 96). With h holders:
    # proxies <= 2h and h <= voters - proxies, hence 3 * proxies <= 2 * voters.
    if (MAX_PROXIES_PER_HOLDER + 1) * proxies <= MAX_PROXIES_PER_HOLDER * voters:
        return r.passed(
            "W12",
            f"Votes par procuration ({_n(proxies)}) ≤ deux tiers des votants ({_n(voters)})",
        )
    r.fire(
        "W12",
        f"Votes par procuration ({_n(proxies)}) > deux tiers des votants ({_n(voters)}) : chaque"
        " mandataire vote aussi pour lui-même et ne peut utiliser plus de deux procurations"
        " (art. 96), il faudrait donc au moins"
        f" {_n(-(-proxies // MAX_PROXIES_PER_HOLDER))} mandataires parmi les"
        f" {_n(voters - proxies)} autres votants.",
        names,
    )


def _check_cards(r: _Run) -> None:
    """E13, W09, W11: undistributed voter cards at the station (Art. 50, 81)."""
    names = ("cards_received", "cards_delivered", "cards_returned")
    received, delivered, returned = (r.value(n) for n in names)
    if all(v is None for v in (received, delivered, returned)):
        return
    # E13 — Art. 50: cards received under seal are either handed to their holders during the
    # poll or returned under seal at closing.
    if all(v is not None for v in (received, delivered, returned)):
        if not r.ok(*names):
            r.skipped("E13", r.unusable(*names))
        elif received == delivered + returned:
            r.passed(
                "E13",
                f"Cartes reçues ({_n(received)}) = remises ({_n(delivered)}) + retournées"
                f" ({_n(returned)})",
            )
        else:
            r.fire(
                "E13",
                f"Cartes reçues sous pli ({_n(received)}) ≠ remises aux titulaires"
                f" ({_n(delivered)}) + retournées ({_n(returned)}) = {_n(delivered + returned)}.",
                names,
            )
    # W11 — the cards are those of the station's electors.
    if received is not None:
        if not r.ok("cards_received", "registered"):
            r.skipped("W11", r.unusable("cards_received", "registered"))
        elif received <= r.f.registered:
            r.passed("W11", f"Cartes reçues ({_n(received)}) ≤ inscrits ({_n(r.f.registered)})")
        else:
            r.fire(
                "W11",
                f"Cartes non distribuées reçues sous pli ({_n(received)}) > inscrits du bureau"
                f" ({_n(r.f.registered)}) : les cartes sont remises au bureau où leurs titulaires"
                " votent (art. 50).",
                ("cards_received", "registered"),
            )
    # W09 — an elector whose card was still uncollected at closing did not come to the station
    # to collect it; he could still have voted with an identity document (Art. 81), hence a
    # warning only.
    if returned is not None:
        w09 = ("cards_returned", "registered", "voters")
        if not r.ok(*w09):
            r.skipped("W09", r.unusable(*w09))
        elif r.f.voters > r.f.registered:
            pass  # E05 already fired; the bound registered - voters is meaningless.
        elif returned <= r.f.registered - r.f.voters:
            r.passed(
                "W09",
                f"Cartes non retirées ({_n(returned)}) ≤ inscrits − votants"
                f" ({_n(r.f.registered - r.f.voters)})",
            )
        else:
            r.fire(
                "W09",
                f"Cartes non retirées retournées ({_n(returned)}) > inscrits − votants"
                f" ({_n(r.f.registered)} − {_n(r.f.voters)} = {_n(r.f.registered - r.f.voters)})"
                " : des électeurs ont voté sans retirer leur carte (art. 81, pièce d'identité) ou"
                " à leur place.",
                w09,
            )


def _check_envelopes(r: _Run) -> None:
    """W01: envelopes found in the box equal the signatures, else it is mentioned (Art. 84)."""
    names = ("envelopes", "voters")
    if not r.ok(*names):
        return r.skipped("W01", r.unusable(*names))
    envelopes, voters = r.f.envelopes, r.f.voters
    if envelopes == voters:
        return r.passed("W01", f"Enveloppes ({_n(envelopes)}) = émargements ({_n(voters)})")
    diff = envelopes - voters
    r.fire(
        "W01",
        f"Enveloppes trouvées dans l'urne ({_n(envelopes)}) ≠ émargements ({_n(voters)}) : écart"
        f" de {'+' if diff > 0 else '−'}{_n(abs(diff))}, qui doit être mentionné au"
        " procès-verbal (art. 84).",
        names,
    )


def _check_turnout(r: _Run) -> None:
    """W02: turnout at or above the threshold (Art. 84)."""
    threshold = r.t.turnout
    if threshold is None:
        return r.disabled("W02")
    names = ("voters", "registered")
    if not r.ok(*names):
        return r.skipped("W02", r.unusable(*names))
    voters, registered = r.f.voters, r.f.registered
    if registered == 0 or voters > registered:
        return  # E05 (or nothing to measure); a turnout above 100 % is an error, not a warning.
    rate = percent(voters, registered)
    text = (
        f"Participation de {fr_percent(rate)} ({_n(voters)} votants sur {_n(registered)} inscrits)"
    )
    if rate < threshold:
        return r.passed("W02", f"{text}, sous {fr_percent(threshold)}")
    r.fire("W02", f"{text}, au seuil de {fr_percent(threshold)} ou au-delà.", names)


def _check_candidate_share(r: _Run) -> None:
    """W03: one candidate's or list's share of valid votes at or above the threshold."""
    threshold = r.t.candidate_share
    if threshold is None:
        return r.disabled("W03")
    if len(r.contest) < 2:
        return  # A single candidate or list always has 100 %: nothing unusual.
    if not (r.ok("valid_votes") and r.votes_ok):
        return r.skipped("W03", r.unusable("valid_votes") + ([] if r.votes_ok else ["votes"]))
    valid = r.f.valid_votes
    if sum(r.f.votes.values()) != valid:
        return  # E04 fired: shares of an inconsistent sheet mean nothing.
    minimum = r.t.candidate_share_min_valid_votes
    if valid < minimum:
        r.steps.append(
            Step(
                f"Contrôle W03 non appliqué : {_n(valid)} suffrages exprimés, moins de"
                f" {_n(minimum)}.",
                CHECKS["W03"].articles,
            )
        )
        return
    fired = False
    for code, votes in r.f.votes.items():
        share = percent(votes, valid)
        if share >= threshold:
            fired = True
            r.fire(
                "W03",
                f"« {code} » obtient {fr_percent(share)} des suffrages exprimés ({_n(votes)} sur"
                f" {_n(valid)}), au seuil de {fr_percent(threshold)} ou au-delà.",
                [f"votes.{code}", "valid_votes"],
            )
    if not fired:
        r.passed("W03", f"Aucun candidat ni liste n'atteint {fr_percent(threshold)} des exprimés")


def _check_null_share(r: _Run) -> None:
    """W04: null ballots at or above the threshold share of voters (Art. 85)."""
    threshold = r.t.null_share
    if threshold is None:
        return r.disabled("W04")
    names = ("null_ballots", "voters")
    if not r.ok(*names):
        return r.skipped("W04", r.unusable(*names))
    null, voters = r.f.null_ballots, r.f.voters
    if voters == 0 or null > voters:
        return  # W05 or E07.
    share = percent(null, voters)
    if share < threshold:
        return r.passed(
            "W04", f"Bulletins nuls : {fr_percent(share)} des votants, sous {fr_percent(threshold)}"
        )
    r.fire(
        "W04",
        f"Bulletins nuls : {fr_percent(share)} des votants ({_n(null)} sur {_n(voters)}), au"
        f" seuil de {fr_percent(threshold)} ou au-delà.",
        names,
    )


def _check_zero_voters(r: _Run) -> None:
    """W05: no voter in a station with registered electors (Art. 80, 84)."""
    names = ("voters", "registered")
    if not r.ok(*names):
        return r.skipped("W05", r.unusable(*names))
    if r.f.voters > 0 or r.f.registered == 0:
        return r.passed("W05", f"{_n(r.f.voters)} votant(s)")
    r.fire(
        "W05",
        f"Aucun votant pour {_n(r.f.registered)} inscrits : le scrutin est ouvert de 8 h à 18 h"
        " (art. 80) ; vérifier que le bureau a fonctionné et que la saisie est complète.",
        names,
    )


def _check_refusals(r: _Run) -> None:
    """W06: refusals to sign recorded in the minutes (Art. 87)."""
    refusals = r.f.refusals_to_sign
    if refusals is None:
        return
    if not _usable(refusals):
        return r.skipped("W06", ["refusals_to_sign"])
    if refusals == 0:
        return r.passed("W06", "Aucun refus de signer mentionné")
    r.fire(
        "W06",
        f"{_n(refusals)} refus de signer le procès-verbal mentionné(s) : le représentant de la CENI"
        " en fait aussi mention dans son rapport (art. 87).",
        ["refusals_to_sign"],
    )


def _check_members(r: _Run) -> None:
    """W07, W10: members of the bureau present (Art. 74, 76)."""
    members = r.f.members_present
    if members is None:
        return
    if not _usable(members):
        r.skipped("W07", ["members_present"])
        return r.skipped("W10", ["members_present"])
    # Art. 76 ("en aucun cas") is a rule of the poll, not of the figures: whether operations held
    # with fewer than three members are annulled is for the judge (Art. 150), hence a warning.
    if members < MIN_MEMBERS_PRESENT:
        r.fire(
            "W07",
            f"{_n(members)} membre(s) présent(s) : le bureau ne doit en aucun cas compter moins de"
            " trois présents, dont le président ou son représentant et le secrétaire (art. 76).",
            ["members_present"],
        )
    else:
        r.passed("W07", f"{_n(members)} membres présents, au moins trois")
    if members > BUREAU_MEMBERS:
        r.fire(
            "W10",
            f"{_n(members)} membres présents : le bureau comprend un président et quatre"
            " assesseurs (art. 74) ; les délégués des candidats ne sont pas membres du bureau.",
            ["members_present"],
        )
    else:
        r.passed("W10", f"{_n(members)} membres présents, au plus cinq")


def _check_station_size(r: _Run) -> None:
    """W08: at most 700 registered electors per station (Art. 71)."""
    if not r.ok("registered"):
        return r.skipped("W08", ["registered"])
    registered = r.f.registered
    if registered <= MAX_ELECTORS_PER_STATION:
        return r.passed("W08", f"{_n(registered)} inscrits, au plus 700")
    # A warning, not an error: the decision fixing the stations serves for a year (Art. 71) and
    # may predate a revision of the list that added electors to the station.
    r.fire(
        "W08",
        f"{_n(registered)} inscrits : un bureau de vote sert au plus 700 électeurs (art. 71).",
        ["registered"],
    )


_EMPTY_OBSERVATIONS = frozenset(
    {"", "ras", "neant", "aucune", "aucun", "rien", "rienasignaler", "sansobservation", "-", "/"}
)


def _meaningful(text: str) -> bool:
    """False for an empty observation or a conventional 'nothing to report' (RAS, néant)."""
    folded = unicodedata.normalize("NFKD", text).casefold()
    folded = "".join(ch for ch in folded if ch.isalnum() or ch in "-/")
    return folded not in _EMPTY_OBSERVATIONS


def _check_observations(r: _Run) -> None:
    """W13: observations, protests or disputes recorded in the minutes (Art. 86)."""
    text = r.f.observations
    text = "" if text is None else str(text)
    if not _meaningful(text):
        return r.passed("W13", "Aucune observation consignée")
    shown = " ".join(text.split())
    if len(shown) > 120:
        shown = shown[:119] + "…"
    r.fire(
        "W13",
        f"Observations consignées au procès-verbal, à examiner par la commission (art. 86) :"
        f" « {shown} ».",
        ["observations"],
    )


_RULES: tuple[Callable[[_Run], None], ...] = (
    _check_numbers,
    _check_voters_identity,
    _check_votes_sum,
    _check_voters_registered,
    _check_valid_le_voters,
    _check_null_le_voters,
    _check_null_breakdown,
    _check_codes,
    _check_proxies,
    _check_cards,
    _check_envelopes,
    _check_turnout,
    _check_candidate_share,
    _check_null_share,
    _check_zero_voters,
    _check_refusals,
    _check_members,
    _check_station_size,
    _check_observations,
)


def check_tally(
    figures: TallyFigures,
    contest_codes: Collection[str],
    thresholds: TallyThresholds = DEFAULT_THRESHOLDS,
) -> TallyReport:
    """Run the numbered checks on one polling station's minutes (Art. 50, 71, 74, 76, 80–87, 94–97).

    ``contest_codes`` are the codes of the candidates or lists standing in the contest. Returns
    the checks that fired (errors block the minutes, warnings need an acknowledgement) and the
    steps of the verification, passed checks included. A check whose figures are missing or not
    whole non-negative numbers is not run (E01/E02 already block) and its step says so.
    """
    run = _Run(figures, tuple(dict.fromkeys(contest_codes)), thresholds)
    for rule in _RULES:
        rule(run)
    checks = sorted(run.checks, key=lambda c: (c.severity is not Severity.ERROR, c.code))
    return TallyReport(checks=tuple(checks), steps=tuple(run.steps))


# --------------------------------------------------------------------------------------------
# Double entry
# --------------------------------------------------------------------------------------------

_MISSING = object()


@dataclass(frozen=True)
class FieldDifference:
    """One field on which the first and second entries of the same minutes differ."""

    field: str
    label_fr: str
    first: Any
    second: Any

    def as_dict(self) -> dict:
        return {
            "field": self.field,
            "label_fr": self.label_fr,
            "first": self.first,
            "second": self.second,
        }

    def __str__(self) -> str:
        return (
            f"{self.label_fr} : {_show(self.first)} (1re saisie) ≠ {_show(self.second)} (2e saisie)"
        )


def _show(value: Any) -> str:
    if value is None or value == "":
        return "non saisi"
    if _is_int(value):
        return fr_int(value)
    return f"« {value} »"


def _same(a: Any, b: Any) -> bool:
    # ``True == 1`` in Python; a typed boolean is not the number one.
    return type(a) is type(b) and a == b


def _normalise_text(text: Any) -> str:
    return " ".join(str(text or "").split())


def compare_entries(first: TallyFigures, second: TallyFigures) -> tuple[FieldDifference, ...]:
    """Fields on which two entries of one minutes differ, with both values (Art. 141, 149, 187).

    Double entry is a procedure of the commission, not of the law: the centralisation commissions
    total the minutes as they arrive (Art. 141 presidential, 149 legislative, 187 communal) and
    must total what the paper says. Every field is compared exactly — a vote left empty differs
    from a zero; observations are compared after collapsing white space. The order is the order of
    the paper form: scalar figures, votes by code, null breakdown in Art. 85 order, observations.
    """
    out: list[FieldDifference] = []

    def add(path: str, a: Any, b: Any) -> None:
        a = None if a is _MISSING else a
        b = None if b is _MISSING else b
        out.append(FieldDifference(path, field_label(path), a, b))

    for name in _REQUIRED_FIELDS:
        a, b = getattr(first, name), getattr(second, name)
        if not _same(a, b):
            add(name, a, b)

    def mapping_diff(prefix: str, a: Any, b: Any, order: Callable[[Any], Any]) -> None:
        # ``None`` (not entered) compares as an empty mapping; anything else that is not a
        # mapping is compared as a whole.
        if not all(x is None or isinstance(x, Mapping) for x in (a, b)):
            if not _same(a, b):
                add(prefix, a, b)
            return
        a_map, b_map = a or {}, b or {}
        for key in sorted(set(a_map) | set(b_map), key=order):
            va, vb = a_map.get(key, _MISSING), b_map.get(key, _MISSING)
            if not _same(va, vb):
                add(f"{prefix}.{key}", va, vb)

    mapping_diff("votes", first.votes, second.votes, lambda k: str(k))
    cat_order = {k: i for i, k in enumerate(NULL_CATEGORY_LABELS)}
    mapping_diff(
        "null_breakdown",
        first.null_breakdown,
        second.null_breakdown,
        lambda k: (cat_order.get(k, len(cat_order)), str(k)),
    )
    for name in _OPTIONAL_FIELDS:
        a, b = getattr(first, name), getattr(second, name)
        if not _same(a, b):
            add(name, a, b)
    if _normalise_text(first.observations) != _normalise_text(second.observations):
        add("observations", first.observations, second.observations)
    return tuple(out)


__all__ = [
    "BUREAU_MEMBERS",
    "CHECKS",
    "Check",
    "CheckSpec",
    "DEFAULT_THRESHOLDS",
    "FIELD_LABELS",
    "FieldDifference",
    "MAX_ELECTORS_PER_STATION",
    "MAX_PROXIES_PER_HOLDER",
    "MIN_MEMBERS_PRESENT",
    "NULL_CATEGORY_LABELS",
    "NullCategory",
    "Severity",
    "TallyFigures",
    "TallyReport",
    "TallyThresholds",
    "check_tally",
    "compare_entries",
    "field_label",
]
