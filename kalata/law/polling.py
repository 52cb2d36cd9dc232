"""Polling stations, booths, station members and polling hours (Art. 71, 74, 76, 80, 81).

- Art. 71 (nouveau): elections are held per commune, embassy or consulate "sur la base d'un
  bureau pour 700 électeurs ou fraction de 700" -> ceil(n / 700) stations per voter list.
- Art. 81 (nouveau): "Dans chaque bureau de vote, il doit y avoir, autant que possible, un
  isoloir pour 500 électeurs inscrits ou fraction de 500"; every station has at least one.
- Art. 74 (nouveau): a station is a president and four assessors.
- Art. 76: never fewer than three members present, among them the president (or his
  representative) and the secretary.
- Art. 80: polls open at 08:00 and close at 18:00; voters present at closing still vote; in a
  case of force majeure the hours may be set by the Haut Commissaire, ambassador or consul.

Every function returns its value with its explanation (French steps and articles).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time
from typing import TypeVar

from kalata.law.eligibility import Reason, Reasoned
from kalata.law.explain import LawError, Step, fr_int

T = TypeVar("T")

ELECTORS_PER_STATION = 700  # Art. 71
ELECTORS_PER_BOOTH = 500  # Art. 81
ASSESSORS_PER_STATION = 4  # Art. 74
MEMBERS_PER_STATION = 1 + ASSESSORS_PER_STATION  # Art. 74: a president and four assessors
MIN_MEMBERS_PRESENT = 3  # Art. 76
POLLS_OPEN = time(8, 0)  # Art. 80
POLLS_CLOSE = time(18, 0)  # Art. 80


def _ceil_div(n: int, d: int) -> int:
    return -(-n // d)


def _check_count(value: int, field: str, articles: tuple[str, ...]) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise LawError(
            code="count_not_integer",
            message="Le nombre d'électeurs inscrits doit être un nombre entier.",
            articles=articles,
            field=field,
        )
    if value < 0:
        raise LawError(
            code="count_negative",
            message=f"Le nombre d'électeurs inscrits ne peut pas être négatif ({value}).",
            articles=articles,
            field=field,
        )


def _fr_time(t: time) -> str:
    return f"{t.hour:02d} h {t.minute:02d}"


# --- Polling stations (Art. 71) -----------------------------------------------------------


@dataclass(frozen=True)
class StationCount:
    """Number of polling stations of one voter list, with its explanation (Art. 71)."""

    electors: int
    stations: int
    steps: tuple[Step, ...]

    def as_dict(self) -> dict:
        return {
            "electors": self.electors,
            "stations": self.stations,
            "steps": [s.as_dict() for s in self.steps],
        }


def stations_required(electors: int) -> StationCount:
    """Polling stations for a voter list of ``electors`` (Art. 71: one per 700 or fraction).

    The list is that of a commune, an embassy or a consulate (Art. 23, 71). A list without any
    elector needs no station.
    """
    arts = ("71",)
    _check_count(electors, "electors", arts)
    if electors == 0:
        steps = (
            Step(
                "La liste ne compte aucun électeur inscrit : aucun bureau de vote n'est "
                "nécessaire (un bureau pour 700 électeurs ou fraction de 700).",
                arts,
            ),
        )
        return StationCount(electors=0, stations=0, steps=steps)
    stations = _ceil_div(electors, ELECTORS_PER_STATION)
    full, rest = divmod(electors, ELECTORS_PER_STATION)
    if rest:
        detail = (
            f"{fr_int(electors)} électeurs = {full} × 700 + {fr_int(rest)} : "
            f"{full} bureau(x) pour les tranches complètes et un bureau pour la fraction "
            f"de {fr_int(rest)}, soit {stations} bureau(x) de vote."
        )
    else:
        detail = f"{fr_int(electors)} électeurs = {full} × 700 : {stations} bureau(x) de vote."
    steps = (
        Step(
            "Un bureau de vote pour 700 électeurs ou fraction de 700, par commune, "
            "ambassade ou consulat.",
            arts,
        ),
        Step(detail, arts),
    )
    return StationCount(electors=electors, stations=stations, steps=steps)


@dataclass(frozen=True)
class StationSplit:
    """Sizes of the stations of one voter list, balanced and each ≤ 700 (Art. 71)."""

    electors: int
    sizes: tuple[int, ...]
    steps: tuple[Step, ...]

    @property
    def stations(self) -> int:
        return len(self.sizes)

    def as_dict(self) -> dict:
        return {
            "electors": self.electors,
            "stations": self.stations,
            "sizes": list(self.sizes),
            "steps": [s.as_dict() for s in self.steps],
        }


def station_sizes(electors: int) -> StationSplit:
    """Split ``electors`` into ceil(n/700) stations of balanced sizes (Art. 71).

    Deterministic: the first ``n mod k`` stations get one elector more than the others, so sizes
    differ by at most one and none exceeds 700. The law fixes the number of stations, not their
    sizes (the ``ressort`` is set by decision, Art. 71); balancing is Kalata's proposal.
    """
    count = stations_required(electors)
    k = count.stations
    if k == 0:
        return StationSplit(electors=electors, sizes=(), steps=count.steps)
    base, extra = divmod(electors, k)
    sizes = tuple(base + 1 if i < extra else base for i in range(k))
    if extra:
        text = (
            f"Répartition équilibrée proposée : {extra} bureau(x) de {fr_int(base + 1)} et "
            f"{k - extra} bureau(x) de {fr_int(base)} électeurs (au plus 700 chacun)."
        )
    else:
        text = (
            f"Répartition équilibrée proposée : {k} bureau(x) de {fr_int(base)} électeurs "
            "(au plus 700 chacun)."
        )
    steps = (*count.steps, Step(text, ("71",)))
    return StationSplit(electors=electors, sizes=sizes, steps=steps)


def split_electors(electors: Sequence[T]) -> tuple[tuple[T, ...], ...]:
    """Split an ordered list of electors into consecutive stations (Art. 71).

    The order given (e.g. alphabetical, or by voter number, Art. 30) is kept; the sizes are
    those of ``station_sizes(len(electors))``.
    """
    sizes = station_sizes(len(electors)).sizes
    out: list[tuple[T, ...]] = []
    start = 0
    for size in sizes:
        out.append(tuple(electors[start : start + size]))
        start += size
    return tuple(out)


# --- Booths (Art. 81) ---------------------------------------------------------------------


@dataclass(frozen=True)
class BoothCount:
    """Booths a polling station should have, with its explanation (Art. 81)."""

    registered: int
    booths: int
    steps: tuple[Step, ...]

    def as_dict(self) -> dict:
        return {
            "registered": self.registered,
            "booths": self.booths,
            "steps": [s.as_dict() for s in self.steps],
        }


def booths_required(registered: int) -> BoothCount:
    """Booths for a polling station of ``registered`` electors (Art. 81).

    One per 500 registered electors or fraction of 500, "autant que possible": a target the
    administration should meet, not a condition of validity of the vote. Every station has
    "un ou plusieurs isoloirs", so at least one.
    """
    arts = ("81",)
    _check_count(registered, "registered", arts)
    by_ratio = _ceil_div(registered, ELECTORS_PER_BOOTH)
    booths = max(1, by_ratio)
    steps = [
        Step(
            "Chaque bureau de vote est doté d'un ou de plusieurs isoloirs ; il doit y avoir, "
            "autant que possible, un isoloir pour 500 électeurs inscrits ou fraction de 500.",
            arts,
        ),
        Step(
            f"{fr_int(registered)} électeurs inscrits : {by_ratio} isoloir(s) selon le ratio.",
            arts,
        ),
    ]
    if booths != by_ratio:
        steps.append(Step("Le bureau reçoit tout de même un isoloir (au moins un).", arts))
    steps.append(
        Step(
            "« Autant que possible » : un nombre inférieur est une irrégularité à signaler, "
            "non une cause de nullité du vote.",
            arts,
        )
    )
    return BoothCount(registered=registered, booths=booths, steps=tuple(steps))


# --- Members of the polling station (Art. 74, 76) -----------------------------------------


@dataclass(frozen=True)
class Check(Reasoned):
    """The result of a check: ``ok`` (no blocking reason) and the reasons that explain it."""

    ok: bool
    reasons: tuple[Reason, ...]

    @classmethod
    def of(cls, reasons: Sequence[Reason]) -> Check:
        reasons = tuple(reasons)
        return cls(ok=not any(r.blocking for r in reasons), reasons=reasons)

    def as_dict(self) -> dict:
        return {"ok": self.ok, "reasons": [r.as_dict() for r in self.reasons]}


@dataclass(frozen=True)
class StationAttendance:
    """Who of the station's members is present at a given moment (Art. 74, 76).

    ``president_present`` is true when the president or his representative sits (Art. 74: when
    the president is prevented, the oldest assessor presides). ``secretary_present``: the member
    acting as secretary. Both count among ``members_present``.
    """

    members_present: int
    president_present: bool
    secretary_present: bool

    def __post_init__(self) -> None:
        named = int(self.president_present) + int(self.secretary_present)
        if self.members_present < named:
            raise LawError(
                code="attendance_inconsistent",
                message=(
                    f"{self.members_present} membre(s) présent(s) ne peut pas inclure à la fois "
                    "le président et le secrétaire."
                ),
                articles=("76",),
                field="members_present",
            )


def check_composition(has_president: bool, assessors: int) -> Check:
    """Whether a station is constituted as the law requires: a president and four assessors.

    Art. 74 (nouveau). Absent assessors are replaced by the president from the electors of the
    station; a prevented president is replaced by the oldest assessor, who completes the
    assessors (mentioned in the minutes).
    """
    arts = ("74",)
    reasons: list[Reason] = []
    if not has_president:
        reasons.append(
            Reason(
                "no_president",
                "Le bureau n'a pas de président : l'assesseur le plus âgé assure la présidence "
                "et complète le nombre d'assesseurs parmi les électeurs du bureau.",
                arts,
                True,
            )
        )
    if assessors < ASSESSORS_PER_STATION:
        reasons.append(
            Reason(
                "assessors_missing",
                f"Le bureau compte {assessors} assesseur(s) au lieu de quatre : le président "
                "remplace les absents parmi les électeurs inscrits dans le bureau, et la "
                "mention en est faite au procès-verbal.",
                arts,
                True,
            )
        )
    elif assessors > ASSESSORS_PER_STATION:
        reasons.append(
            Reason(
                "assessors_too_many",
                f"Le bureau compte {assessors} assesseurs : la loi en prévoit quatre.",
                arts,
                True,
            )
        )
    if not reasons:
        reasons.append(
            Reason("composition_ok", "Le bureau comprend un président et quatre assesseurs.", arts)
        )
    return Check.of(reasons)


def check_quorum(attendance: StationAttendance) -> Check:
    """Whether enough members sit (Art. 76): at least three, with president and secretary.

    Art. 76: "le nombre des présents ne doit en aucun cas être inférieur à trois, dont le
    président ou son représentant et le secrétaire".
    """
    arts = ("76",)
    reasons: list[Reason] = []
    if attendance.members_present < MIN_MEMBERS_PRESENT:
        reasons.append(
            Reason(
                "too_few_members",
                f"{attendance.members_present} membre(s) présent(s) : jamais moins de trois.",
                arts,
                True,
            )
        )
    if not attendance.president_present:
        reasons.append(
            Reason(
                "president_absent",
                "Ni le président ni son représentant n'est présent.",
                arts,
                True,
            )
        )
    if not attendance.secretary_present:
        reasons.append(Reason("secretary_absent", "Le secrétaire n'est pas présent.", arts, True))
    if not reasons:
        reasons.append(
            Reason(
                "quorum_ok",
                f"{attendance.members_present} membres présents, dont le président (ou son "
                "représentant) et le secrétaire : le bureau peut siéger.",
                arts,
            )
        )
    return Check.of(reasons)


# --- Polling hours (Art. 80) --------------------------------------------------------------


def polls_open_at(moment: time, opening: time = POLLS_OPEN, closing: time = POLLS_CLOSE) -> bool:
    """Whether the poll is open at ``moment`` (Art. 80: from 08:00, closed at 18:00).

    Other hours may be passed when fixed for force majeure by the Haut Commissaire, the
    ambassador or the consul (Art. 80 al. 2).
    """
    return opening <= moment < closing


def admitted_to_vote(
    arrival: time,
    opening: time = POLLS_OPEN,
    closing: time = POLLS_CLOSE,
) -> Check:
    """Whether an elector arriving before the station at ``arrival`` is admitted to vote.

    Art. 80: "Le scrutin est ouvert à huit heures et clos à dix huit heures. Toutefois, les
    électeurs présents devant le bureau de vote à l'heure de la clôture seront admis à voter."
    An elector present at the closing hour itself (18:00 sharp) is present at closing and votes;
    one who arrives after it does not. One who arrives before the opening waits for it. Other
    hours may be passed when fixed for force majeure (Art. 80 al. 2).
    """
    arts = ("80",)
    if closing <= opening:
        raise LawError(
            code="hours_invalid",
            message="L'heure de clôture doit suivre l'heure d'ouverture.",
            articles=arts,
            field="closing",
        )
    hours = f"de {_fr_time(opening)} à {_fr_time(closing)}"
    if arrival < opening:
        reason = Reason(
            "before_opening",
            f"Arrivé à {_fr_time(arrival)}, avant l'ouverture ({hours}) : l'électeur vote "
            f"dès l'ouverture à {_fr_time(opening)}.",
            arts,
        )
    elif arrival < closing:
        reason = Reason(
            "during_hours",
            f"Arrivé à {_fr_time(arrival)}, pendant les heures du scrutin ({hours}).",
            arts,
        )
    elif arrival == closing:
        reason = Reason(
            "present_at_closing",
            f"Présent devant le bureau à l'heure de la clôture ({_fr_time(closing)}) : "
            "l'électeur est admis à voter.",
            arts,
        )
    else:
        reason = Reason(
            "after_closing",
            f"Arrivé à {_fr_time(arrival)}, après la clôture ({_fr_time(closing)}) : seuls les "
            "électeurs présents à l'heure de la clôture sont admis à voter.",
            arts,
            True,
        )
    return Check.of((reason,))


__all__ = [
    "ASSESSORS_PER_STATION",
    "BoothCount",
    "Check",
    "ELECTORS_PER_BOOTH",
    "ELECTORS_PER_STATION",
    "Reason",
    "MEMBERS_PER_STATION",
    "MIN_MEMBERS_PRESENT",
    "POLLS_CLOSE",
    "POLLS_OPEN",
    "StationAttendance",
    "StationCount",
    "StationSplit",
    "admitted_to_vote",
    "booths_required",
    "check_composition",
    "check_quorum",
    "polls_open_at",
    "split_electors",
    "station_sizes",
]
