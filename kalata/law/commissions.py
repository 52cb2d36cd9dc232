"""The electoral commissions: their composition, who may sit, challenges (Art. 3–8).

- Art. 3: the CENI (national) sets up the Commission électorale du District de Bamako (six
  members), the Commission électorale locale of each cercle (six), the Commission électorale
  communale (six) and, where needed, the Commission électorale d'ambassade ou de consulat (three).
- Art. 4: the CENI has fifteen members: ten designated by the political parties, fairly split
  between majority and opposition, one each by the religious denominations, the Syndicat
  autonome de la magistrature, the Conseil de l'Ordre des avocats, the human-rights
  associations and the Coordination des associations féminines; all enjoying their civil and
  political rights.
- Art. 5: an institution that does not designate its member in time renounces its seat: the CENI
  then sits without it.
- Art. 6–7: who may not sit on the CENI nor on any of its branches.
- Art. 8: CENI members are appointed by decree in the Council of Ministers, the other commissions'
  members by a decision of the CENI; a challenge by a party or a candidate goes to the Supreme
  Court within fifteen days of the publication of the decree or decision; the Court rules within
  ten days.

Readings made here (shown in the explanations):

- "répartition équitable" between majority and opposition (Art. 4) is not quantified by the law.
  A side with no member at all is not a fair split (blocking); an unequal split (6–4) is reported
  without being declared unlawful, since the law leaves its measure to those who designate.
- Delays "dans un délai de quinze jours à compter de la date de publication" and "statue dans un
  délai de dix jours" are counted as elsewhere in the law engine (``kalata.law.calendar``): the
  day of the act is not counted, the last day is, and no extension for a holiday (the law gives
  none): publication + 15, seizure + 10.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from kalata.law.eligibility import Eligibility, Reason, Reasoned
from kalata.law.explain import LawError, Step, fr_date


class CommissionKind(StrEnum):
    """The five electoral commissions of Art. 3."""

    CENI = "ceni"
    DISTRICT = "district"
    CERCLE = "cercle"
    COMMUNE = "commune"
    EMBASSY = "embassy"

    @property
    def label_fr(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    CommissionKind.CENI: "Commission électorale nationale indépendante (C.E.N.I.)",
    CommissionKind.DISTRICT: "Commission électorale du District de Bamako",
    CommissionKind.CERCLE: "Commission électorale locale (cercle)",
    CommissionKind.COMMUNE: "Commission électorale communale",
    CommissionKind.EMBASSY: "Commission électorale d'ambassade ou de consulat",
}

# Art. 3 and 4: number of members of each commission.
COMMISSION_SIZES: dict[CommissionKind, int] = {
    CommissionKind.CENI: 15,
    CommissionKind.DISTRICT: 6,
    CommissionKind.CERCLE: 6,
    CommissionKind.COMMUNE: 6,
    CommissionKind.EMBASSY: 3,
}


class CeniCategory(StrEnum):
    """Who designates a member of the CENI (Art. 4)."""

    PARTY_MAJORITY = "party_majority"
    PARTY_OPPOSITION = "party_opposition"
    RELIGIOUS = "religious"
    MAGISTRATES = "magistrates"
    BAR = "bar"
    HUMAN_RIGHTS = "human_rights"
    WOMEN = "women"

    @property
    def label_fr(self) -> str:
        return _CATEGORY_LABELS[self]


_CATEGORY_LABELS = {
    CeniCategory.PARTY_MAJORITY: "partis politiques de la majorité",
    CeniCategory.PARTY_OPPOSITION: "partis politiques de l'opposition",
    CeniCategory.RELIGIOUS: "confessions religieuses",
    CeniCategory.MAGISTRATES: "Syndicat autonome de la magistrature",
    CeniCategory.BAR: "Conseil de l'Ordre des avocats",
    CeniCategory.HUMAN_RIGHTS: "associations de défense des droits de l'homme",
    CeniCategory.WOMEN: "Coordination des associations féminines",
}

PARTY_SEATS = 10
# Art. 4: one seat for each designating body other than the parties.
CENI_SINGLE_SEATS: tuple[CeniCategory, ...] = (
    CeniCategory.RELIGIOUS,
    CeniCategory.MAGISTRATES,
    CeniCategory.BAR,
    CeniCategory.HUMAN_RIGHTS,
    CeniCategory.WOMEN,
)
# Art. 5: the bodies that may renounce by not designating ("parties" stands for the ten seats).
PARTIES = "parties"


class Bar(StrEnum):
    """A ground that keeps a person off every electoral commission (Art. 6, 7)."""

    CONVICTED = "convicted"
    CONTUMACE = "contumace"
    BANKRUPT = "bankrupt"
    CIVIC_RIGHTS_DEPRIVED = "civic_rights_deprived"
    GOVERNMENT_MEMBER = "government_member"
    PARTY_LEADER = "party_leader"
    CANDIDATE = "candidate"
    STATE_REPRESENTATIVE = "state_representative"
    AMBASSADOR = "ambassador"
    CONSUL = "consul"

    @property
    def article(self) -> str:
        return "6" if self in _ART6 else "7"

    @property
    def label_fr(self) -> str:
        return _BAR_LABELS[self]


_ART6 = {Bar.CONVICTED, Bar.CONTUMACE, Bar.BANKRUPT, Bar.CIVIC_RIGHTS_DEPRIVED}
_BAR_LABELS = {
    Bar.CONVICTED: "personne condamnée pour crime ou délit",
    Bar.CONTUMACE: "personne en état de contumace",
    Bar.BANKRUPT: "failli non réhabilité",
    Bar.CIVIC_RIGHTS_DEPRIVED: "personne privée de ses droits civiques par décision judiciaire",
    Bar.GOVERNMENT_MEMBER: "membre du Gouvernement",
    Bar.PARTY_LEADER: "chef de parti politique",
    Bar.CANDIDATE: "candidat à une élection",
    Bar.STATE_REPRESENTATIVE: (
        "représentant de l'État auprès d'une collectivité territoriale décentralisée"
    ),
    Bar.AMBASSADOR: "ambassadeur",
    Bar.CONSUL: "consul",
}


@dataclass(frozen=True)
class CommissionMember:
    """A proposed member: a name, the body that designates him (CENI only), his situation."""

    name: str
    category: CeniCategory | None = None
    bars: frozenset[Bar] = frozenset()
    civil_and_political_rights: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "bars", frozenset(Bar(b) for b in self.bars))
        if self.category is not None:
            object.__setattr__(self, "category", CeniCategory(self.category))


def _kind(kind: CommissionKind | str) -> CommissionKind:
    try:
        return CommissionKind(kind)
    except ValueError:
        choices = ", ".join(k.value for k in CommissionKind)
        raise LawError(
            code="unknown_commission",
            message=f"commission inconnue « {kind} » ; commissions possibles : {choices}",
            articles=("3",),
            field="kind",
        ) from None


def member_may_sit(member: CommissionMember, kind: CommissionKind | str) -> Eligibility:
    """Whether ``member`` may sit on a commission of ``kind`` (Art. 6, 7; Art. 4 for the CENI).

    Every ground is reported, not only the first.
    """
    kind = _kind(kind)
    reasons: list[Reason] = []
    for bar in sorted(member.bars, key=lambda b: (b.article, b.value)):
        verb = "Ne peuvent être membres" if bar.article == "6" else "Ne peuvent également être"
        reasons.append(
            Reason(
                f"bar_{bar.value}",
                f"{member.name} : {bar.label_fr} — « {verb} … ni de la C.E.N.I., ni de ses "
                "démembrements ».",
                (bar.article,),
                blocking=True,
            )
        )
    if kind is CommissionKind.CENI and not member.civil_and_political_rights:
        reasons.append(
            Reason(
                "no_civil_rights",
                f"{member.name} ne jouit pas de ses droits civils et politiques, exigés des "
                "membres de la C.E.N.I.",
                ("4",),
                blocking=True,
            )
        )
    if not reasons:
        reasons.append(
            Reason(
                "may_sit",
                f"{member.name} ne relève d'aucune des exclusions des articles 6 et 7.",
                ("6", "7"),
            )
        )
    return Eligibility.of(reasons)


@dataclass(frozen=True)
class CompositionCheck(Reasoned):
    """The verdict on a commission's composition: ``valid`` and the reasons, in order."""

    kind: CommissionKind
    expected_size: int
    size: int
    reasons: tuple[Reason, ...]

    @property
    def valid(self) -> bool:
        return not any(r.blocking for r in self.reasons)

    def as_dict(self) -> dict:
        return {
            "kind": self.kind.value,
            "expected_size": self.expected_size,
            "size": self.size,
            "valid": self.valid,
            "reasons": [r.as_dict() for r in self.reasons],
        }


def _expected_ceni_seats(renounced: set[str]) -> dict[str, int]:
    seats = {PARTIES: 0 if PARTIES in renounced else PARTY_SEATS}
    for cat in CENI_SINGLE_SEATS:
        seats[cat.value] = 0 if cat.value in renounced else 1
    return seats


def check_commission_composition(
    kind: CommissionKind | str,
    members: Iterable[CommissionMember],
    renounced: Iterable[CeniCategory | str] = (),
) -> CompositionCheck:
    """Check the members of a commission against Art. 3–7.

    ``renounced`` (CENI only): the designating bodies that did not designate in time, which
    renounce their seat (Art. 5); ``"parties"`` stands for the ten seats of the parties.
    """
    kind = _kind(kind)
    members = tuple(members)
    renounced_set = {str(getattr(r, "value", r)) for r in renounced}
    valid_renounced = {PARTIES, *(c.value for c in CENI_SINGLE_SEATS)}
    unknown = renounced_set - valid_renounced
    if unknown:
        raise LawError(
            code="unknown_designating_body",
            message=f"organisation désignataire inconnue : {', '.join(sorted(unknown))}",
            articles=("4", "5"),
            field="renounced",
        )
    if renounced_set and kind is not CommissionKind.CENI:
        raise LawError(
            code="renunciation_outside_ceni",
            message="la renonciation par défaut de désignation (art. 5) ne concerne que la "
            "C.E.N.I.",
            articles=("5",),
            field="renounced",
        )
    reasons: list[Reason] = []
    size = COMMISSION_SIZES[kind]
    if kind is CommissionKind.CENI:
        expected = sum(_expected_ceni_seats(renounced_set).values())
    else:
        expected = size
    article = "4" if kind is CommissionKind.CENI else "3"
    if len(members) != expected:
        more = "trop" if len(members) > expected else "pas assez"
        reasons.append(
            Reason(
                "wrong_size",
                f"{kind.label_fr} : {len(members)} membre(s) au lieu de {expected} — {more} de "
                "membres.",
                (article, "5") if expected != size else (article,),
                blocking=True,
            )
        )
    else:
        reasons.append(
            Reason(
                "size_ok",
                f"{kind.label_fr} : {len(members)} membres, le nombre fixé par la loi"
                + (
                    f" ({size} moins les sièges auxquels il a été renoncé)"
                    if expected != size
                    else ""
                )
                + ".",
                (article, "5") if expected != size else (article,),
            )
        )
    names = Counter(m.name.strip().casefold() for m in members)
    for m in members:
        if names[m.name.strip().casefold()] > 1:
            reasons.append(
                Reason(
                    "duplicate_member",
                    f"{m.name} figure plusieurs fois : une personne n'occupe qu'un siège.",
                    (article,),
                    blocking=True,
                )
            )
            names[m.name.strip().casefold()] = 1  # report once
    if kind is CommissionKind.CENI:
        reasons.extend(_ceni_categories(members, renounced_set))
    for m in members:
        verdict = member_may_sit(m, kind)
        reasons.extend(verdict.blocking)
    return CompositionCheck(
        kind=kind, expected_size=expected, size=len(members), reasons=tuple(reasons)
    )


def _ceni_categories(members: tuple[CommissionMember, ...], renounced: set[str]) -> list[Reason]:
    out: list[Reason] = []
    missing = [m.name for m in members if m.category is None]
    if missing:
        out.append(
            Reason(
                "no_category",
                "Organisation désignataire non indiquée pour : " + ", ".join(missing) + ".",
                ("4",),
                blocking=True,
            )
        )
    counts = Counter(m.category for m in members if m.category is not None)
    expected = _expected_ceni_seats(renounced)
    majority = counts[CeniCategory.PARTY_MAJORITY]
    opposition = counts[CeniCategory.PARTY_OPPOSITION]
    parties = majority + opposition
    if parties != expected[PARTIES]:
        out.append(
            Reason(
                "party_seats",
                f"{parties} membre(s) désigné(s) par les partis politiques au lieu de "
                f"{expected[PARTIES]}.",
                ("4", "5") if PARTIES in renounced else ("4",),
                blocking=True,
            )
        )
    if expected[PARTIES] and parties and (majority == 0 or opposition == 0):
        side = "l'opposition" if opposition == 0 else "la majorité"
        out.append(
            Reason(
                "party_split_unfair",
                f"Aucun membre n'est désigné par les partis de {side} : la répartition entre "
                "majorité et opposition doit être équitable.",
                ("4",),
                blocking=True,
            )
        )
    elif expected[PARTIES] and parties and majority != opposition:
        out.append(
            Reason(
                "party_split_unequal",
                f"Partis : {majority} membre(s) de la majorité et {opposition} de l'opposition. "
                "La loi exige une répartition « équitable » sans la chiffrer ; le partage égal "
                "serait de 5 et 5.",
                ("4",),
            )
        )
    elif parties:
        out.append(
            Reason(
                "party_split_ok",
                f"Partis : {majority} membres de la majorité et {opposition} de l'opposition.",
                ("4",),
            )
        )
    for cat in CENI_SINGLE_SEATS:
        n, want = counts[cat], expected[cat.value]
        if n != want:
            text = (
                f"{n} membre(s) désigné(s) par : {cat.label_fr}, au lieu de {want}"
                + (" (elle a renoncé à son siège faute de désignation)" if want == 0 else "")
                + "."
            )
            out.append(
                Reason(
                    f"seat_{cat.value}",
                    text,
                    ("4", "5") if cat.value in renounced else ("4",),
                    blocking=True,
                )
            )
    for r in sorted(renounced):
        label = "partis politiques" if r == PARTIES else CeniCategory(r).label_fr
        out.append(
            Reason(
                f"renounced_{r}",
                f"Faute de désignation dans les délais, « {label} » est réputé avoir renoncé : "
                "la C.E.N.I. siège sans ce ou ces membres.",
                ("5",),
            )
        )
    return out


def appointing_act(kind: CommissionKind | str) -> Step:
    """The act that appoints a commission's members (Art. 8)."""
    kind = _kind(kind)
    if kind is CommissionKind.CENI:
        return Step(
            "Les membres de la C.E.N.I. sont nommés par décret pris en Conseil des Ministres.",
            ("8",),
        )
    return Step(
        f"Les membres de la {kind.label_fr} sont désignés par une décision de la C.E.N.I.",
        ("8",),
    )


# --- Challenges (Art. 8) ----------------------------------------------------------------------

CHALLENGE_DAYS = 15
RULING_DAYS = 10


class Challenger(StrEnum):
    """Who challenges a commission member (Art. 8: parties and candidates in the race)."""

    PARTY = "party"
    CANDIDATE = "candidate"
    OTHER = "other"


@dataclass(frozen=True)
class ChallengeDeadlines:
    """Art. 8: the last day to seize the Supreme Court, and the last day of its ruling."""

    publication: date
    challenge_deadline: date
    ruling_deadline: date
    seized_on: date | None
    steps: tuple[Step, ...]

    def as_dict(self) -> dict:
        return {
            "publication": self.publication.isoformat(),
            "challenge_deadline": self.challenge_deadline.isoformat(),
            "ruling_deadline": self.ruling_deadline.isoformat(),
            "seized_on": self.seized_on.isoformat() if self.seized_on else None,
            "steps": [s.as_dict() for s in self.steps],
        }


def commission_challenge_deadlines(
    publication_date: date, seized_on: date | None = None
) -> ChallengeDeadlines:
    """Deadlines of a challenge against commission members (Art. 8).

    The Supreme Court is seized within fifteen days of the publication of the decree or decision
    of appointment and rules within ten days — of its seizure ``seized_on`` when known, otherwise
    at the latest ten days after the last day to seize it.
    """
    challenge = publication_date + timedelta(days=CHALLENGE_DAYS)
    if seized_on is not None and seized_on < publication_date:
        raise LawError(
            code="seized_before_publication",
            message=f"la saisine ({fr_date(seized_on)}) précède la publication de l'acte de "
            f"nomination ({fr_date(publication_date)})",
            articles=("8",),
            field="seized_on",
        )
    start = seized_on or challenge
    ruling = start + timedelta(days=RULING_DAYS)
    steps = [
        Step(
            f"Publication du décret ou de la décision de nomination le "
            f"{fr_date(publication_date)} ; la Cour suprême est saisie « dans un délai de "
            f"quinze jours à compter de la date de publication » : {fr_date(publication_date)} "
            f"+ 15 jours = {fr_date(challenge)}.",
            ("8",),
        ),
        Step(
            (
                f"Saisie le {fr_date(seized_on)}, la Cour statue dans les dix jours : "
                f"au plus tard le {fr_date(ruling)}."
            )
            if seized_on
            else (
                f"La Cour statue dans un délai de dix jours : pour une saisine le dernier jour, "
                f"au plus tard le {fr_date(ruling)}."
            ),
            ("8",),
        ),
    ]
    return ChallengeDeadlines(publication_date, challenge, ruling, seized_on, tuple(steps))


def check_commission_challenge(
    publication_date: date, filed_on: date, by: Challenger | str
) -> Eligibility:
    """Whether a challenge against commission members is receivable (Art. 8)."""
    try:
        by = Challenger(by)
    except ValueError:
        raise LawError(
            code="unknown_challenger",
            message=f"auteur de la contestation inconnu « {by} »",
            articles=("8",),
            field="by",
        ) from None
    deadlines = commission_challenge_deadlines(publication_date, filed_on)
    reasons: list[Reason] = []
    if by is Challenger.OTHER:
        reasons.append(
            Reason(
                "challenger_not_entitled",
                "Seuls les partis politiques et les candidats en lice peuvent contester la "
                "désignation des membres des commissions.",
                ("8",),
                blocking=True,
            )
        )
    if filed_on > deadlines.challenge_deadline:
        late = (filed_on - deadlines.challenge_deadline).days
        reasons.append(
            Reason(
                "challenge_late",
                f"Contestation déposée le {fr_date(filed_on)}, {late} jour(s) après la date "
                f"limite du {fr_date(deadlines.challenge_deadline)}.",
                ("8",),
                blocking=True,
            )
        )
    if not reasons:
        reasons.append(
            Reason(
                "challenge_receivable",
                f"Contestation déposée le {fr_date(filed_on)}, dans le délai de quinze jours ; "
                f"la Cour suprême statue au plus tard le {fr_date(deadlines.ruling_deadline)}.",
                ("8",),
            )
        )
    return Eligibility.of(reasons)


__all__ = [
    "Bar",
    "CENI_SINGLE_SEATS",
    "COMMISSION_SIZES",
    "CeniCategory",
    "ChallengeDeadlines",
    "Challenger",
    "CommissionKind",
    "CommissionMember",
    "CompositionCheck",
    "PARTIES",
    "PARTY_SEATS",
    "appointing_act",
    "check_commission_challenge",
    "check_commission_composition",
    "commission_challenge_deadlines",
    "member_may_sit",
]
