"""Who is an elector, and who may stand (Art. 18–24, 27–28, 51–54, 130–131, 176, 178–184).

Every predicate takes a person's facts (``Person``, immutable) and the election date, and returns
an ``Eligibility``: ``eligible`` plus the ordered ``reasons`` (code, French text, articles) — the
conditions met and, when ineligible, every ground of ineligibility, not only the first.

Readings of the law made here (each is also shown in the explanation):

- Age of the elector (Art. 18, 24 al. 2). Art. 18 says "âgés de 18 ans" without a reference date;
  Art. 24 al. 2 supplies it: "sont inscrites sur la liste électorale les personnes qui auront
  atteint la majorité de 18 ans l'année du scrutin". The law uses the same formula for
  communal candidates, "âgés de 21 ans l'année du scrutin" (Art. 176). A person registered under
  Art. 24 al. 2 is on the final list (Art. 44) and a registered citizen votes (Art. 81); nothing in
  the law lets the polling station turn him away because his birthday falls after polling day,
  and limits on the right to vote are read strictly. So a person who turns 18 during the calendar
  year of the vote is an elector for every vote of that year, even one held before the birthday.
- Délais in years or months (Art. 20, 54, 53) run from the day the conviction became final and
  expire at the end of the anniversary day: a person convicted finally on 10 March 2000 is
  excluded by Art. 20 until 10 March 2005 inclusive.
- Residence "depuis six mois au moins, au 31 décembre" (Art. 24): the list closes at the end of
  31 December (Art. 44), so residence from 1 July at the latest suffices. The 31 December is that
  of the revision whose list serves the election (Art. 31 al. 2: the list closed on 31 December
  serves for the whole following year), i.e. by default the year before the vote.
- Soldiers and security agents in service (Art. 27) are registered in the commune where they
  reside: Art. 27 names the list without the six-month condition, and a posting is not the
  soldier's choice; they are not held to six months of residence.
- Art. 53 "période double": the period during which the person cannot be registered, counted from
  the same starting day, doubled (5 years -> 10 years). Deprivations of unfixed length
  (contumace, bankruptcy, incapacity, loss of civic rights, a court ban without end) make
  ineligible as long as they last.
- Art. 19 excludes "pendant la durée de la prescription légale de la peine": the period runs
  from the day the conviction became final to the end of the prescription, which the penal code
  fixes (``Conviction.prescription_ends``); when that day is not known the exclusion is held to be
  running — it cannot be presumed over. Contumace and undischarged bankruptcy exclude while they
  last. Art. 54's two years for electoral corruption also run from the final conviction.
- Ineligibilities are read strictly (the rule is eligibility): Art. 181 bars only at the next
  general renewal, not at a by-election.
"""

from __future__ import annotations

import calendar as _cal
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from fractions import Fraction

from kalata.law.explain import LawError, Step, fr_date, fr_int, round_half_up

# --- Shared result types ------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """One ground of a decision: a code, a French text and the articles it applies.

    ``blocking`` reasons make the person ineligible (or the act invalid); the others record a
    condition met or a reading of the law.
    """

    code: str
    text_fr: str
    articles: tuple[str, ...]
    blocking: bool = False

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "text_fr": self.text_fr,
            "articles": list(self.articles),
            "blocking": self.blocking,
        }

    def as_step(self) -> Step:
        return Step(self.text_fr, self.articles)


class Reasoned:
    """What every result made of ``reasons`` (a tuple of ``Reason``) offers: the blocking
    reasons, the codes and the French steps, in order."""

    reasons: tuple[Reason, ...]

    @property
    def blocking(self) -> tuple[Reason, ...]:
        """The blocking grounds (empty when nothing blocks)."""
        return tuple(r for r in self.reasons if r.blocking)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)

    @property
    def steps(self) -> tuple[Step, ...]:
        return tuple(r.as_step() for r in self.reasons)


@dataclass(frozen=True)
class Eligibility(Reasoned):
    """The outcome of an eligibility predicate: ``eligible`` and the reasons, in order."""

    eligible: bool
    reasons: tuple[Reason, ...]

    @classmethod
    def of(cls, reasons: Iterable[Reason]) -> Eligibility:
        reasons = tuple(reasons)
        return cls(eligible=not any(r.blocking for r in reasons), reasons=reasons)

    def as_dict(self) -> dict:
        return {"eligible": self.eligible, "reasons": [r.as_dict() for r in self.reasons]}


# --- Dates --------------------------------------------------------------------------------


def add_months(d: date, months: int) -> date:
    """``d`` moved by whole months, the day clamped to the month's end (31 Aug + 6 -> 28 Feb)."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, _cal.monthrange(year, month)[1]))


def add_years(d: date, years: int) -> date:
    """``d`` moved by whole years (29 February -> 28 February in a common year)."""
    return add_months(d, 12 * years)


def age_on(birth: date, on: date) -> int:
    """Age in whole years on a day; the birthday counts (born 29 Feb: of age on 1 March)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _double_period(start: date, end: date) -> date:
    """End of a period twice as long as [start, end], from the same start (Art. 53).

    Periods of whole months (5 years, 2 years) are doubled in months so that leap days do not
    shift the end; other periods are doubled in days.
    """
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) == end:
        return add_months(start, 2 * months)
    return start + 2 * (end - start)


def _fr_months(months: Fraction) -> str:
    if months.denominator == 1:
        return f"{months.numerator} mois"
    return f"{round_half_up(months, 2).replace('.', ',')} mois"


# --- Facts --------------------------------------------------------------------------------


class OffenceCategory(StrEnum):
    """The categories of Art. 19–22."""

    CRIME = "crime"
    # Art. 19 §2: vol, escroquerie, abus de confiance, soustraction de deniers publics, faux et
    # usage de faux, corruption et trafic d'influence, attentats aux mœurs.
    LISTED = "listed"
    OTHER = "other"  # any other délit
    NEGLIGENCE = "negligence"  # délit d'imprudence (Art. 22)


LISTED_OFFENCES: tuple[str, ...] = (
    "vol",
    "escroquerie",
    "abus de confiance",
    "soustraction de deniers publics",
    "faux et usage de faux",
    "corruption et trafic d'influence",
    "attentat aux mœurs",
)

FINE_THRESHOLD = 200_000  # F CFA, Art. 20


@dataclass(frozen=True)
class Conviction:
    """A criminal conviction, as the registering authority knows it (Art. 19–22, 54).

    ``prison_months``: the prison sentence in months (Fraction for days: 45 days = 3/2), with or
    without suspension — Art. 19 and 20 count both. ``fine``: in F CFA; ``fine_suspended``: Art. 20
    counts only a fine without suspension. ``final_on``: the day the conviction became final.
    ``prescription_ends``: the last day of the legal prescription of the sentence (Art. 19; set by
    the penal code, outside this law); ``None`` when not known. ``hit_and_run``: a negligence
    offence with a concomitant délit de fuite (Art. 22). ``electoral_corruption``: a conviction for
    electoral corruption (Art. 54; e.g. Art. 115).
    """

    category: OffenceCategory
    final_on: date
    prison_months: Fraction | int = 0
    prison_suspended: bool = False
    fine: int = 0
    fine_suspended: bool = False
    prescription_ends: date | None = None
    hit_and_run: bool = False
    electoral_corruption: bool = False
    label: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "category", OffenceCategory(self.category))
        if Fraction(self.prison_months) < 0:
            raise LawError(
                code="prison_negative",
                message="La durée d'emprisonnement ne peut pas être négative.",
                articles=("19", "20"),
                field="prison_months",
            )
        if self.fine < 0:
            raise LawError(
                code="fine_negative",
                message="Le montant de l'amende ne peut pas être négatif.",
                articles=("20",),
                field="fine",
            )

    @property
    def months(self) -> Fraction:
        return Fraction(self.prison_months)

    def describe(self) -> str:
        """French description: 'condamnation pour vol, devenue définitive le …, 2 mois …'."""
        if self.category is OffenceCategory.CRIME:
            what = f"crime ({self.label})" if self.label else "crime"
        elif self.category is OffenceCategory.NEGLIGENCE:
            what = f"délit d'imprudence ({self.label})" if self.label else "délit d'imprudence"
            if self.hit_and_run:
                what += " avec délit de fuite concomitant"
        elif self.category is OffenceCategory.LISTED:
            what = self.label or "un délit énuméré à l'article 19"
        else:
            what = f"délit ({self.label})" if self.label else "délit"
        parts = [f"condamnation pour {what}, devenue définitive le {fr_date(self.final_on)}"]
        if self.months:
            suffix = " avec sursis" if self.prison_suspended else ""
            parts.append(f"{_fr_months(self.months)} d'emprisonnement{suffix}")
        if self.fine:
            suffix = " avec sursis" if self.fine_suspended else ""
            parts.append(f"amende de {fr_int(self.fine)} F{suffix}")
        return ", ".join(parts)


class BannedRight(StrEnum):
    VOTE = "vote"  # Art. 19 al. 2, 21
    ELIGIBILITY = "eligibility"  # Art. 54


@dataclass(frozen=True)
class CourtBan:
    """A court's ban of the right to vote (Art. 19 al. 2, 21) or to stand (Art. 54).

    ``until``: the last day of the ban fixed by the judgment; ``None`` when it sets no end.
    """

    right: BannedRight
    pronounced_on: date
    until: date | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "right", BannedRight(self.right))


class OfficeKind(StrEnum):
    """Offices that bar election to a communal council (Art. 178, 180)."""

    # Art. 178 — in the circonscription where exercised, and for six months after.
    STATE_BANK_DIRECTOR = "state_bank_director"
    MINISTRY_INSPECTOR = "ministry_inspector"
    PUBLIC_CONTROLLER = "public_controller"
    STATE_REPRESENTATIVE = "state_representative"
    MAGISTRATE = "magistrate"
    CHIEF_CLERK = "chief_clerk"
    PUBLIC_ENTERPRISE_DIRECTOR = "public_enterprise_director"
    TREASURY_OR_CUSTOMS = "treasury_or_customs"
    DECREE_APPOINTED_HEAD = "decree_appointed_head"
    CAP_DIRECTOR = "cap_director"
    MILITARY_OR_SECURITY = "military_or_security"
    AMBASSADOR = "ambassador"
    # Art. 180 — in the commune, during the functions and six months after.
    COMMUNAL_ACCOUNTANT = "communal_accountant"
    PUBLIC_WORKS = "public_works"
    COMMUNAL_EMPLOYEE = "communal_employee"
    SUPERVISORY_AGENT = "supervisory_agent"


OFFICE_LABELS: dict[OfficeKind, str] = {
    OfficeKind.STATE_BANK_DIRECTOR: "directeur de banque d'État",
    OfficeKind.MINISTRY_INSPECTOR: "inspecteur des départements ministériels",
    OfficeKind.PUBLIC_CONTROLLER: "contrôleur des services publics ou contrôleur financier",
    OfficeKind.STATE_REPRESENTATIVE: "représentant de l'État (ou son adjoint)",
    OfficeKind.MAGISTRATE: "magistrat de l'ordre judiciaire ou administratif",
    OfficeKind.CHIEF_CLERK: "greffier en chef (ou greffier en remplissant les fonctions)",
    OfficeKind.PUBLIC_ENTERPRISE_DIRECTOR: (
        "directeur général, directeur adjoint ou agent comptable d'une société ou entreprise "
        "publique à caractère industriel et commercial"
    ),
    OfficeKind.TREASURY_OR_CUSTOMS: "trésorier payeur, percepteur ou chef de bureau des douanes",
    OfficeKind.DECREE_APPOINTED_HEAD: (
        "chef ou directeur de service public nommé par décret pris en Conseil des Ministres"
    ),
    OfficeKind.CAP_DIRECTOR: "directeur de centre d'animation pédagogique",
    OfficeKind.MILITARY_OR_SECURITY: "militaire ou agent des services de sécurité en activité",
    OfficeKind.AMBASSADOR: "ambassadeur ou consul général",
    OfficeKind.COMMUNAL_ACCOUNTANT: (
        "comptable des deniers communaux ou entrepreneur des services communaux"
    ),
    OfficeKind.PUBLIC_WORKS: (
        "ingénieur ou technicien des travaux publics, agent chargé d'une circonscription "
        "territoriale de voirie"
    ),
    OfficeKind.COMMUNAL_EMPLOYEE: "agent salarié de la commune",
    OfficeKind.SUPERVISORY_AGENT: (
        "agent de l'autorité de tutelle mis à la disposition de la commune"
    ),
}

ART_180_OFFICES = frozenset(
    {
        OfficeKind.COMMUNAL_ACCOUNTANT,
        OfficeKind.PUBLIC_WORKS,
        OfficeKind.COMMUNAL_EMPLOYEE,
        OfficeKind.SUPERVISORY_AGENT,
    }
)


@dataclass(frozen=True)
class Office:
    """An office held (or ended on ``ended_on``) over ``area`` (a commune, cercle, region code).

    ``professional_fee_only``: for a communal employee (Art. 180 al. 3), a civil servant or
    independent professional paid by the commune only for services of his profession — not barred.
    """

    kind: OfficeKind
    area: str
    ended_on: date | None = None
    professional_fee_only: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", OfficeKind(self.kind))


@dataclass(frozen=True)
class Person:
    """What the law needs to know about a person to decide who votes and who may stand.

    Registration facts: ``residence_since`` (in the commune where he asks to be registered),
    ``resides_in`` (code of that commune or mission), ``resides_abroad`` and
    ``consular_registration`` (Art. 28), ``forces_member`` / ``forces_left_on`` (a member of the
    armed or security forces, and the day he left them, Art. 27, 131), ``voter_list`` (code of the
    list he is registered on, if any). Candidacy facts: ``malian_by_origin`` (Art. 130), offices
    (Art. 178, 180), statuses (Art. 179), declarations of resignation (Art. 181), councils he sits
    on (Art. 182).
    """

    birth_date: date
    malian: bool = True
    malian_by_origin: bool = False
    civic_rights: bool = True
    convictions: tuple[Conviction, ...] = ()
    court_bans: tuple[CourtBan, ...] = ()
    in_contumacy: bool = False
    undischarged_bankrupt: bool = False
    incapable_adult: bool = False
    residence_since: date | None = None
    resides_in: str | None = None
    resides_abroad: bool = False
    consular_registration: bool = False
    forces_member: bool = False
    forces_left_on: date | None = None
    voter_list: str | None = None
    offices: tuple[Office, ...] = ()
    statute_bars_eligibility: bool = False
    exempt_from_communal_charges: bool = False
    permanent_public_assistance: bool = False
    declared_resigned_on: tuple[date, ...] = ()
    sits_on: tuple[str, ...] = ()

    def in_forces_on(self, on: date) -> bool:
        """Whether he serves in the armed or security forces on a day (Art. 27, 131)."""
        return self.forces_member and (self.forces_left_on is None or self.forces_left_on > on)


class ElectionKind(StrEnum):
    PRESIDENTIAL = "presidential"
    LEGISLATIVE = "legislative"
    NATIONAL_COUNCILLORS = "national_councillors"
    COMMUNAL = "communal"
    CERCLE = "cercle"
    REGIONAL = "regional"
    REFERENDUM = "referendum"


# --- Exclusions from the list (Art. 19–22) ------------------------------------------------


@dataclass(frozen=True)
class _Exclusion:
    """A period during which a person may not be registered, from ``start`` to ``end``.

    ``end`` is the last excluded day; ``None``: no end known (prescription date missing) or none
    set. ``fixed``: the period has a legal or judicial length (Art. 53 doubles it).
    """

    code: str
    text: str
    articles: tuple[str, ...]
    start: date
    end: date | None
    fixed: bool


def _conviction_exclusions(c: Conviction) -> tuple[list[_Exclusion], list[Reason]]:
    """Periods of exclusion a conviction entails (Art. 19, 20, 22), and notes."""
    notes: list[Reason] = []
    out: list[_Exclusion] = []
    what = c.describe()
    category = c.category
    if category is OffenceCategory.NEGLIGENCE:
        if not c.hit_and_run:
            notes.append(
                Reason(
                    "negligence_no_exclusion",
                    f"{what.capitalize()} : les condamnations pour délits d'imprudence "
                    "n'empêchent pas l'inscription.",
                    ("22",),
                )
            )
            return out, notes
        notes.append(
            Reason(
                "negligence_hit_and_run",
                f"{what.capitalize()} : avec délit de fuite concomitant, l'exception de "
                "l'article 22 ne joue pas ; la condamnation suit les règles des délits.",
                ("22",),
            )
        )
        category = OffenceCategory.OTHER

    def prescription(code: str, why: str, arts: tuple[str, ...]) -> _Exclusion:
        if c.prescription_ends is None:
            text = (
                f"{what.capitalize()} : {why} ; pas d'inscription pendant la durée de la "
                "prescription légale de la peine, dont la date de fin n'est pas renseignée : "
                "l'exclusion est tenue pour en cours."
            )
        else:
            text = (
                f"{what.capitalize()} : {why} ; pas d'inscription pendant la durée de la "
                f"prescription légale de la peine, jusqu'au {fr_date(c.prescription_ends)}."
            )
        return _Exclusion(code, text, arts, c.final_on, c.prescription_ends, fixed=True)

    months = c.months
    if category is OffenceCategory.CRIME:
        out.append(prescription("crime_conviction", "condamnation pour crime", ("19",)))
    elif category is OffenceCategory.LISTED and months > 1:
        out.append(
            prescription(
                "listed_offence_over_one_month",
                "délit énuméré à l'article 19 puni de plus d'un mois d'emprisonnement, avec ou "
                "sans sursis",
                ("19",),
            )
        )
    elif category is OffenceCategory.OTHER and months > 3:
        out.append(
            prescription(
                "offence_over_three_months",
                "délit puni de plus de trois mois d'emprisonnement, avec ou sans sursis",
                ("19",),
            )
        )
    elif category is OffenceCategory.OTHER and months > 1:
        end = add_years(c.final_on, 5)
        out.append(
            _Exclusion(
                "offence_one_to_three_months",
                f"{what.capitalize()} : délit puni de plus d'un mois et d'au plus trois mois "
                "d'emprisonnement ; pas d'inscription pendant cinq ans à compter de la date où "
                f"la condamnation est devenue définitive, jusqu'au {fr_date(end)}.",
                ("20",),
                c.final_on,
                end,
                fixed=True,
            )
        )
    if category is not OffenceCategory.CRIME and c.fine > FINE_THRESHOLD and not c.fine_suspended:
        end = add_years(c.final_on, 5)
        out.append(
            _Exclusion(
                "fine_over_200000",
                f"{what.capitalize()} : amende sans sursis supérieure à 200 000 F ; pas "
                "d'inscription pendant cinq ans à compter de la date où la condamnation est "
                f"devenue définitive, jusqu'au {fr_date(end)}.",
                ("20",),
                c.final_on,
                end,
                fixed=True,
            )
        )
    if not out:
        notes.append(
            Reason(
                "conviction_no_exclusion",
                f"{what.capitalize()} : cette condamnation n'entre dans aucun des cas des "
                "articles 19 et 20 et n'empêche pas l'inscription.",
                ("19", "20"),
            )
        )
    return out, notes


def _vote_exclusions(person: Person) -> tuple[list[_Exclusion], list[Reason]]:
    """Every period of exclusion from the list (Art. 19–22) and the notes on convictions."""
    exclusions: list[_Exclusion] = []
    notes: list[Reason] = []
    for c in person.convictions:
        ex, nt = _conviction_exclusions(c)
        exclusions.extend(ex)
        notes.extend(nt)
    for ban in person.court_bans:
        if ban.right is not BannedRight.VOTE:
            continue
        if ban.until is None:
            text = (
                f"Privé du droit de vote par une décision de justice du "
                f"{fr_date(ban.pronounced_on)}, sans terme fixé."
            )
            exclusions.append(
                _Exclusion("court_vote_ban", text, ("19",), ban.pronounced_on, None, False)
            )
        else:
            text = (
                f"Le tribunal a interdit le droit de vote du {fr_date(ban.pronounced_on)} "
                f"au {fr_date(ban.until)} : pas d'inscription pendant le délai fixé par le "
                "jugement."
            )
            exclusions.append(
                _Exclusion("court_vote_ban", text, ("21",), ban.pronounced_on, ban.until, True)
            )
    return exclusions, notes


def _status_deprivations(person: Person, extra: tuple[str, ...] = ()) -> list[Reason]:
    """Deprivations that last as long as a state does (Art. 18, 19), as blocking reasons."""
    out: list[Reason] = []
    if not person.civic_rights:
        out.append(
            Reason(
                "no_civic_rights",
                "Ne jouit pas de ses droits civiques et politiques.",
                ("18", *extra),
                True,
            )
        )
    if person.in_contumacy:
        out.append(Reason("contumacy", "Est en état de contumace.", ("19", *extra), True))
    if person.undischarged_bankrupt:
        out.append(
            Reason("undischarged_bankrupt", "Est un failli non réhabilité.", ("19", *extra), True)
        )
    if person.incapable_adult:
        out.append(Reason("incapable_adult", "Est un incapable majeur.", ("19", *extra), True))
    return out


# --- Elector (Art. 18–24, 27–28) ----------------------------------------------------------


def _age_reasons_18(person: Person, election_date: date) -> Reason:
    year = election_date.year
    turns_18 = add_years(person.birth_date, 18)
    if age_on(person.birth_date, election_date) >= 18:
        return Reason(
            "age_18",
            f"Né le {fr_date(person.birth_date)} : a 18 ans révolus le jour du scrutin "
            f"({fr_date(election_date)}).",
            ("18",),
        )
    if year - person.birth_date.year >= 18:
        # Art. 24 al. 2 — see the module docstring for the reading.
        return Reason(
            "age_18_in_election_year",
            f"Né le {fr_date(person.birth_date)} : n'aura 18 ans que le {fr_date(turns_18)}, "
            f"mais atteint la majorité de 18 ans dans l'année du scrutin ({year}) : il est "
            "inscrit sur la liste et électeur pour les scrutins de cette année (l'âge de 18 ans "
            "de l'article 18 s'apprécie dans l'année du scrutin, art. 24 al. 2).",
            ("18", "24"),
        )
    return Reason(
        "under_18",
        f"Né le {fr_date(person.birth_date)} : n'atteint 18 ans que le {fr_date(turns_18)}, "
        f"après l'année du scrutin ({year}).",
        ("18", "24"),
        True,
    )


def _residence_reason(person: Person, election_date: date, list_closed_on: date | None) -> Reason:
    if person.resides_abroad:
        if person.consular_registration:
            return Reason(
                "abroad_registered",
                "Réside hors du territoire national et est immatriculé au consulat ou à "
                "l'ambassade : il vote sur la liste électorale de cette juridiction.",
                ("28",),
            )
        return Reason(
            "abroad_not_registered",
            "Réside hors du territoire national sans être immatriculé au consulat ou à "
            "l'ambassade du Mali : il ne peut pas être inscrit sur la liste de la juridiction.",
            ("28",),
            True,
        )
    closing = list_closed_on or date(election_date.year - 1, 12, 31)
    if person.in_forces_on(closing):
        return Reason(
            "forces_registered_where_resident",
            "Militaire ou agent de sécurité en activité : inscrit sur la liste de la commune où "
            "il réside, sans condition de six mois de résidence (l'affectation ne dépend pas "
            "de lui).",
            ("27",),
        )
    latest = add_months(closing + timedelta(days=1), -6)
    if person.residence_since is None:
        return Reason(
            "residence_unknown",
            "La date depuis laquelle il réside dans la commune n'est pas établie : six mois de "
            f"résidence au {fr_date(closing)} sont exigés.",
            ("24",),
            True,
        )
    if person.residence_since <= latest:
        return Reason(
            "residence_six_months",
            f"Réside dans la commune depuis le {fr_date(person.residence_since)} : au moins six "
            f"mois au {fr_date(closing)}, date de clôture de la liste qui sert au scrutin.",
            ("24", "31"),
        )
    return Reason(
        "residence_under_six_months",
        f"Réside dans la commune depuis le {fr_date(person.residence_since)} seulement : moins "
        f"de six mois au {fr_date(closing)}, date de clôture de la liste qui sert au scrutin "
        f"(il fallait y résider au plus tard le {fr_date(latest)}).",
        ("24", "31"),
        True,
    )


def _exclusion_reasons_at(
    exclusions: list[_Exclusion], notes: list[Reason], on: date
) -> list[Reason]:
    out: list[Reason] = list(notes)
    for ex in exclusions:
        if on < ex.start:
            out.append(
                Reason(
                    f"{ex.code}_not_yet",
                    f"{ex.text} Cette exclusion ne court qu'à partir du {fr_date(ex.start)}.",
                    ex.articles,
                )
            )
        elif ex.end is None or on <= ex.end:
            out.append(Reason(ex.code, ex.text, ex.articles, True))
        else:
            out.append(
                Reason(
                    f"{ex.code}_over",
                    f"{ex.text} Cette exclusion a pris fin le {fr_date(ex.end)}.",
                    ex.articles,
                )
            )
    return out


def elector_eligibility(
    person: Person, election_date: date, *, list_closed_on: date | None = None
) -> Eligibility:
    """Whether ``person`` is an elector for the vote of ``election_date`` (Art. 18–24, 27, 28).

    Art. 18 (Malian, aged 18, civic and political rights), Art. 19–22 (exclusions), Art. 24
    (residence of six months at 31 December; those who reach 18 in the year of the vote), Art. 27
    (soldiers registered where they reside), Art. 28 (Malians abroad registered at the consulate
    or embassy). Exclusions are assessed on the polling day; residence on ``list_closed_on``, by
    default 31 December of the year before the vote (Art. 31 al. 2, 44) — pass the closing day of
    an exceptional revision (Art. 31 al. 4–5) when it applies.
    """
    reasons: list[Reason] = []
    if person.malian:
        reasons.append(Reason("malian", "De nationalité malienne.", ("18",)))
    else:
        reasons.append(Reason("not_malian", "N'est pas de nationalité malienne.", ("18",), True))
    reasons.append(_age_reasons_18(person, election_date))
    if person.civic_rights:
        reasons.append(
            Reason("civic_rights", "Jouit de ses droits civiques et politiques.", ("18",))
        )
    reasons.extend(_status_deprivations(person))
    exclusions, notes = _vote_exclusions(person)
    reasons.extend(_exclusion_reasons_at(exclusions, notes, election_date))
    reasons.append(_residence_reason(person, election_date, list_closed_on))
    return Eligibility.of(reasons)


# --- Candidates, general rules (Art. 51–54) -----------------------------------------------


def _check_chapter_vi(kind: ElectionKind) -> None:
    if kind in (ElectionKind.LEGISLATIVE, ElectionKind.NATIONAL_COUNCILLORS):
        raise LawError(
            code="chapter_vi_not_applicable",
            message=(
                "Les articles 52 à 54 ne s'appliquent pas à l'élection des députés et des "
                "conseillers nationaux : leur éligibilité relève d'une autre loi (art. 1er, 51)."
            ),
            articles=("51", "1"),
            field="kind",
        )
    if kind is ElectionKind.REFERENDUM:
        raise LawError(
            code="no_candidates",
            message="Un référendum n'a pas de candidats.",
            articles=("51",),
            field="kind",
        )


_REGISTRATION_CODES = frozenset(
    {"under_18", "residence_unknown", "residence_under_six_months", "abroad_not_registered"}
)


def _general_reasons(
    person: Person, election_date: date, extra: tuple[str, ...] = ()
) -> list[Reason]:
    """Art. 52–54 for one election (chapter VI), as ordered reasons."""
    reasons: list[Reason] = [
        Reason(
            "chapter_vi_applies",
            "Les conditions générales d'éligibilité des articles 52 à 54 s'appliquent à cette "
            "élection (elles ne s'appliquent pas aux députés ni aux conseillers nationaux).",
            ("51",),
        )
    ]
    # Art. 52 — Malian, registered or showing he should be.
    if not person.malian:
        reasons.append(
            Reason("not_malian", "N'est pas ressortissant de la République du Mali.", ("52",), True)
        )
    elector = elector_eligibility(person, election_date)
    if person.voter_list:
        reasons.append(
            Reason(
                "registered",
                f"Inscrit sur la liste électorale « {person.voter_list} ».",
                ("52",),
            )
        )
    elif elector.eligible:
        reasons.append(
            Reason(
                "entitled_to_registration",
                "N'est pas inscrit, mais justifie qu'il devrait l'être : il remplit les "
                "conditions pour être électeur.",
                ("52",),
            )
        )
    else:
        # Deprivations of the vote are reported under Art. 53 below; here, the other missing
        # conditions of registration (age, residence, consular registration).
        detail = " ".join(r.text_fr for r in elector.blocking if r.code in _REGISTRATION_CODES)
        text = "N'est pas inscrit sur une liste électorale et ne justifie pas qu'il devrait l'être."
        if detail:
            text += f" {detail}"
        elif any(r.code not in _REGISTRATION_CODES | {"not_malian"} for r in elector.blocking):
            text += " Il est privé du droit de vote (voir l'article 53 ci-après)."
        reasons.append(Reason("not_registered", text, ("52",), True))

    # Art. 53 — deprived of the vote; temporary deprivation: double the period.
    for r in _status_deprivations(person, extra):
        reasons.append(
            Reason(
                r.code,
                f"{r.text_fr[:-1]} : privé du droit de vote, il est inéligible tant que dure "
                "cette privation.",
                ("53", *r.articles),
                True,
            )
        )
    exclusions, _notes = _vote_exclusions(person)
    for ex in exclusions:
        if election_date < ex.start:
            continue
        if ex.end is None:
            reasons.append(
                Reason(
                    f"{ex.code}_ineligible",
                    f"{ex.text} Privé du droit de vote : inéligible (la période double ne peut "
                    "être calculée sans la fin de la privation).",
                    ("53", *ex.articles),
                    True,
                )
            )
            continue
        doubled = _double_period(ex.start, ex.end)
        if election_date <= doubled:
            reasons.append(
                Reason(
                    f"{ex.code}_ineligible",
                    f"{ex.text} Privation temporaire : inéligible pendant une période double, "
                    f"du {fr_date(ex.start)} au {fr_date(doubled)}.",
                    ("53", *ex.articles),
                    True,
                )
            )
        else:
            reasons.append(
                Reason(
                    f"{ex.code}_double_over",
                    f"{ex.text} La période double d'inéligibilité a pris fin le "
                    f"{fr_date(doubled)}.",
                    ("53", *ex.articles),
                )
            )

    # Art. 54 — judicial deprivation of eligibility; electoral corruption: two years.
    for ban in person.court_bans:
        if ban.right is not BannedRight.ELIGIBILITY or election_date < ban.pronounced_on:
            continue
        if ban.until is None or election_date <= ban.until:
            end = "sans terme fixé" if ban.until is None else f"jusqu'au {fr_date(ban.until)}"
            reasons.append(
                Reason(
                    "court_eligibility_ban",
                    "Privé de son droit d'éligibilité par une décision de justice du "
                    f"{fr_date(ban.pronounced_on)}, {end}.",
                    ("54",),
                    True,
                )
            )
        else:
            reasons.append(
                Reason(
                    "court_eligibility_ban_over",
                    "La privation judiciaire du droit d'éligibilité a pris fin le "
                    f"{fr_date(ban.until)}.",
                    ("54",),
                )
            )
    for c in person.convictions:
        if not c.electoral_corruption or election_date < c.final_on:
            continue
        end = add_years(c.final_on, 2)
        if election_date <= end:
            reasons.append(
                Reason(
                    "electoral_corruption",
                    f"Condamné pour faits de corruption électorale ({c.describe()}) : "
                    f"inéligible pendant deux ans, jusqu'au {fr_date(end)}.",
                    ("54",),
                    True,
                )
            )
        else:
            reasons.append(
                Reason(
                    "electoral_corruption_over",
                    "Condamné pour faits de corruption électorale : les deux ans d'inéligibilité "
                    f"ont pris fin le {fr_date(end)}.",
                    ("54",),
                )
            )
    return reasons


def candidate_eligibility(
    person: Person, election_date: date, kind: ElectionKind | str
) -> Eligibility:
    """General conditions of eligibility (Art. 52–54) for an election of ``kind``.

    Art. 51: chapter VI does not apply to deputies and national councillors — asking raises a
    ``LawError`` that says so. Art. 52: a Malian registered on a list or showing he should be;
    Art. 53: persons deprived of the vote are ineligible, for double the period when the
    deprivation is temporary; Art. 54: judicial deprivation of eligibility; electoral corruption,
    two years.
    """
    kind = ElectionKind(kind)
    _check_chapter_vi(kind)
    return Eligibility.of(_general_reasons(person, election_date))


# --- President of the Republic (Art. 130–131) ---------------------------------------------


def presidential_campaign_opening(polling_date: date) -> date:
    """Opening of the presidential campaign: the 21st day before the vote (Art. 59).

    A tiny local rule so that this module does not depend on ``kalata.law.calendar``: the day
    before polling day is the first day preceding it, so the 21st is polling day − 21 days.
    """
    return polling_date - timedelta(days=21)


def presidential_candidate_eligibility(
    person: Person, election_date: date, *, campaign_opens: date | None = None
) -> Eligibility:
    """Eligibility to the presidency (Art. 130–131, with Art. 52–54).

    Art. 130: Malian by origin, enjoying all civic and political rights, at least 35 years old on
    polling day. Art. 131: a member of the armed or security forces must have resigned six months
    before the campaign opens (``campaign_opens``; by default polling day − 21 days, Art. 59).
    """
    reasons = _general_reasons(person, election_date, ("130",))
    if person.malian_by_origin:
        reasons.append(Reason("malian_by_origin", "De nationalité malienne d'origine.", ("130",)))
    else:
        reasons.append(
            Reason(
                "not_malian_by_origin",
                "La nationalité malienne d'origine n'est pas établie.",
                ("130",),
                True,
            )
        )
    if person.civic_rights:
        reasons.append(
            Reason("civic_rights", "Jouit de tous ses droits civiques et politiques.", ("130",))
        )
    age = age_on(person.birth_date, election_date)
    turns_35 = add_years(person.birth_date, 35)
    if age >= 35:
        reasons.append(
            Reason(
                "age_35",
                f"Né le {fr_date(person.birth_date)} : a {age} ans le jour du scrutin "
                f"({fr_date(election_date)}), au moins 35 ans.",
                ("130",),
            )
        )
    else:
        reasons.append(
            Reason(
                "under_35",
                f"Né le {fr_date(person.birth_date)} : n'aura 35 ans que le {fr_date(turns_35)}, "
                f"après le jour du scrutin ({fr_date(election_date)}).",
                ("130",),
                True,
            )
        )
    opens = campaign_opens or presidential_campaign_opening(election_date)
    opens_note = "" if campaign_opens else " (vingt et unième jour avant le scrutin, art. 59)"
    arts_131: tuple[str, ...] = ("131",) if campaign_opens else ("131", "59")
    deadline = add_months(opens, -6)
    if not person.forces_member:
        reasons.append(
            Reason(
                "not_forces_member",
                "N'est pas membre des forces armées ou de sécurité.",
                ("131",),
            )
        )
    elif person.forces_left_on is None:
        reasons.append(
            Reason(
                "forces_not_resigned",
                "Membre des forces armées ou de sécurité qui n'a pas démissionné : il devait "
                f"démissionner au plus tard le {fr_date(deadline)}, six mois avant l'ouverture "
                f"de la campagne le {fr_date(opens)}{opens_note}.",
                arts_131,
                True,
            )
        )
    elif person.forces_left_on <= deadline:
        reasons.append(
            Reason(
                "forces_resigned_in_time",
                f"A démissionné des forces armées ou de sécurité le "
                f"{fr_date(person.forces_left_on)}, au moins six mois avant l'ouverture de la "
                f"campagne le {fr_date(opens)}{opens_note}.",
                arts_131,
            )
        )
    else:
        reasons.append(
            Reason(
                "forces_resigned_too_late",
                f"A démissionné des forces armées ou de sécurité le "
                f"{fr_date(person.forces_left_on)} : il fallait démissionner au plus tard le "
                f"{fr_date(deadline)}, six mois avant l'ouverture de la campagne le "
                f"{fr_date(opens)}{opens_note}.",
                arts_131,
                True,
            )
        )
    return Eligibility.of(reasons)


# --- Communal councillors (Art. 176, 178–184) ---------------------------------------------


def _office_reason(
    office: Office, election_date: date, commune: str, areas: frozenset[str]
) -> Reason | None:
    label = OFFICE_LABELS[office.kind]
    if office.kind in ART_180_OFFICES:
        arts: tuple[str, ...] = ("180",)
        if office.area != commune:
            return None
        if office.kind is OfficeKind.COMMUNAL_EMPLOYEE and office.professional_fee_only:
            return Reason(
                "communal_fee_professional",
                f"{label.capitalize()} : fonctionnaire ou professionnel indépendant qui ne reçoit "
                "de la commune qu'une indemnité pour les services de sa profession ; "
                "l'article 180 ne s'applique pas.",
                arts,
            )
        where = "dans la commune"
    else:
        arts = ("178",)
        if office.area != commune and office.area not in areas:
            return None
        where = "dans la circonscription"
    if office.ended_on is None:
        return Reason(
            f"office_{office.kind.value}",
            f"Exerce les fonctions de {label} {where} : inéligible.",
            arts,
            True,
        )
    free_from = add_months(office.ended_on, 6)
    if election_date < free_from:
        return Reason(
            f"office_{office.kind.value}",
            f"A cessé les fonctions de {label} {where} le {fr_date(office.ended_on)}, moins de "
            f"six mois avant le scrutin : inéligible jusqu'au {fr_date(free_from)}.",
            arts,
            True,
        )
    return Reason(
        f"office_{office.kind.value}_over",
        f"A cessé les fonctions de {label} {where} le {fr_date(office.ended_on)}, six mois au "
        "moins avant le scrutin.",
        arts,
    )


def communal_candidate_eligibility(
    person: Person,
    election_date: date,
    commune: str,
    *,
    areas: Iterable[str] = (),
    general_renewal: bool = True,
    previous_renewal: date | None = None,
) -> Eligibility:
    """Eligibility to the council of ``commune`` (Art. 176, 178–182, with Art. 52–54).

    Art. 176: electors of the commune aged 21 in the year of the vote (turning 21 during the
    calendar year of the vote suffices), subject to Art. 179–182. Art. 178: offices exercised in
    the circonscription (the commune, or a unit containing it: pass its cercle, region or District
    codes in ``areas``) or left less than six months before. Art. 179: statuses. Art. 180:
    communal functions, during them and for six months after. Art. 181: councillors declared
    démissionnaires are ineligible at the next renewal (``general_renewal``; the renewal is the
    next one for declarations made since ``previous_renewal``, by default within the five years of
    a mandate, Art. 176). Art. 182: one council only.
    """
    areas = frozenset(areas)
    reasons = _general_reasons(person, election_date)

    # Art. 176 — elector of the commune.
    if person.voter_list == commune:
        reasons.append(
            Reason("elector_of_commune", f"Électeur de la commune « {commune} ».", ("176",))
        )
    elif person.voter_list is None and person.resides_in == commune:
        reasons.append(
            Reason(
                "resident_of_commune",
                f"Réside dans la commune « {commune} », où il devrait être inscrit.",
                ("176", "52"),
            )
        )
    else:
        where = (
            f"inscrit sur la liste « {person.voter_list} »"
            if person.voter_list
            else ("ni inscrit ni résident")
        )
        reasons.append(
            Reason(
                "not_elector_of_commune",
                f"N'est pas électeur de la commune « {commune} » ({where}).",
                ("176",),
                True,
            )
        )
    # Art. 176 — aged 21 in the year of the vote.
    year = election_date.year
    turns_21 = add_years(person.birth_date, 21)
    if turns_21 <= election_date:
        reasons.append(
            Reason(
                "age_21",
                f"Né le {fr_date(person.birth_date)} : a 21 ans révolus le jour du scrutin.",
                ("176",),
            )
        )
    elif year - person.birth_date.year >= 21:
        reasons.append(
            Reason(
                "age_21_in_election_year",
                f"Né le {fr_date(person.birth_date)} : n'aura 21 ans que le "
                f"{fr_date(turns_21)}, mais atteint cet âge dans l'année du scrutin ({year}), "
                "ce qui suffit : l'âge de 21 ans s'apprécie dans l'année du scrutin.",
                ("176",),
            )
        )
    else:
        reasons.append(
            Reason(
                "under_21",
                f"Né le {fr_date(person.birth_date)} : n'atteint 21 ans que le "
                f"{fr_date(turns_21)}, après l'année du scrutin ({year}).",
                ("176",),
                True,
            )
        )

    # Art. 178, 180 — offices.
    for office in person.offices:
        r = _office_reason(office, election_date, commune, areas)
        if r is not None:
            reasons.append(r)

    # Art. 179 — statuses.
    if person.statute_bars_eligibility:
        reasons.append(
            Reason(
                "statute_bars_eligibility",
                "Fonctionnaire auquel son statut particulier enlève le droit d'éligibilité.",
                ("179",),
                True,
            )
        )
    if person.exempt_from_communal_charges:
        reasons.append(
            Reason(
                "exempt_from_communal_charges",
                "Dispensé de subvenir aux charges communales.",
                ("179",),
                True,
            )
        )
    if person.permanent_public_assistance:
        reasons.append(
            Reason(
                "permanent_public_assistance",
                "Secouru de façon permanente par la commune ou par l'assistance sociale.",
                ("179",),
                True,
            )
        )

    # Art. 181 — declared démissionnaire: ineligible at the next renewal.
    if person.declared_resigned_on:
        if not general_renewal:
            reasons.append(
                Reason(
                    "resigned_not_renewal",
                    "Déclaré démissionnaire d'un conseil communal : l'inéligibilité ne vaut que "
                    "pour le renouvellement suivant, et ce scrutin n'est pas un renouvellement "
                    "général (les inéligibilités sont d'interprétation stricte).",
                    ("181",),
                )
            )
        else:
            since = previous_renewal or add_years(election_date, -5)
            basis = (
                f"depuis le renouvellement du {fr_date(previous_renewal)}"
                if previous_renewal
                else f"depuis le {fr_date(since)} (cinq ans, durée d'un mandat, art. 176)"
            )
            recent = sorted(d for d in person.declared_resigned_on if since <= d < election_date)
            if recent:
                reasons.append(
                    Reason(
                        "declared_resigned",
                        f"Déclaré démissionnaire d'un conseil communal le {fr_date(recent[-1])}, "
                        f"{basis} : inéligible lors de ce renouvellement.",
                        ("181",),
                        True,
                    )
                )
            else:
                reasons.append(
                    Reason(
                        "declared_resigned_before",
                        "Déclaré démissionnaire lors d'un mandat antérieur : le renouvellement "
                        "suivant est passé.",
                        ("181",),
                    )
                )

    # Art. 182 — one council only.
    elsewhere = sorted(c for c in person.sits_on if c != commune)
    if elsewhere and not general_renewal:
        reasons.append(
            Reason(
                "member_of_other_council",
                f"Siège déjà au conseil communal de « {', '.join(elsewhere)} » : nul ne peut être "
                "membre de plusieurs conseils communaux.",
                ("182",),
                True,
            )
        )
    elif elsewhere:
        reasons.append(
            Reason(
                "other_council_ends",
                f"Siège au conseil communal de « {', '.join(elsewhere)} », dont le mandat prend "
                "fin au renouvellement général : il ne pourra être membre que d'un seul conseil.",
                ("182",),
            )
        )
    return Eligibility.of(reasons)


def councillor_incompatibility(
    office: Office, commune: str, arose_on: date, on: date, *, opted: bool = False
) -> Eligibility:
    """Whether a sitting councillor of ``commune`` is caught by an incompatibility (Art. 184).

    The mandate is incompatible with the functions of Art. 180; a councillor who falls into one
    after his election must choose between function and mandate within thirty days of the cause
    (``arose_on``); after that he is declared démissionnaire, ex officio or on any elector's
    claim. ``eligible`` here means he may keep sitting on ``on``.
    """
    arts = ("184",)
    label = OFFICE_LABELS[office.kind]
    if office.kind not in ART_180_OFFICES or office.area != commune:
        return Eligibility.of(
            (
                Reason(
                    "no_incompatibility",
                    f"Les fonctions de {label} ne sont pas de celles de l'article 180 dans la "
                    "commune : pas d'incompatibilité.",
                    ("184", "180"),
                ),
            )
        )
    if office.kind is OfficeKind.COMMUNAL_EMPLOYEE and office.professional_fee_only:
        return Eligibility.of(
            (
                Reason(
                    "no_incompatibility",
                    "Indemnité reçue de la commune pour les seuls services de sa profession : "
                    "pas d'incompatibilité.",
                    ("184", "180"),
                ),
            )
        )
    deadline = arose_on + timedelta(days=30)
    if opted:
        reason = Reason(
            "opted",
            f"Devenu {label} le {fr_date(arose_on)}, il a opté entre sa fonction et son mandat.",
            arts,
        )
    elif on <= deadline:
        reason = Reason(
            "must_opt",
            f"Devenu {label} le {fr_date(arose_on)} : il doit opter entre sa fonction et son "
            f"mandat au plus tard le {fr_date(deadline)} (trente jours).",
            arts,
        )
    else:
        reason = Reason(
            "declared_resigned_incompatibility",
            f"Devenu {label} le {fr_date(arose_on)} sans avoir opté dans les trente jours "
            f"(au {fr_date(deadline)}) : il est déclaré démissionnaire de son mandat, d'office "
            "ou sur la réclamation de tout électeur.",
            arts,
            True,
        )
    return Eligibility.of((reason,))


# --- Councils as a whole (Art. 182, 183) --------------------------------------------------


class Kinship(StrEnum):
    """Kinship links of Art. 183.

    ``PARENT`` / ``ASCENDANT``: ``a`` is the parent / an ascendant (any degree) of ``b``.
    """

    SPOUSE = "spouse"
    PARENT = "parent"
    ASCENDANT = "ascendant"
    SIBLING = "sibling"


@dataclass(frozen=True)
class KinshipLink:
    a: str
    b: str
    kind: Kinship

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", Kinship(self.kind))


@dataclass(frozen=True)
class ElectedCouncillor:
    """A councillor elected (or proclaimed) in ``commune`` on list ``list_code``."""

    person: str
    commune: str
    list_code: str
    party: str | None = None


@dataclass(frozen=True)
class CouncilConflict:
    """Two elected councillors who cannot sit together (Art. 183), or one person elected in
    several communes (Art. 182). The law does not say who gives way: reported, not decided."""

    commune: str | None
    persons: tuple[str, ...]
    reason: Reason

    def as_dict(self) -> dict:
        return {
            "commune": self.commune,
            "persons": list(self.persons),
            "reason": self.reason.as_dict(),
        }


def _relations(links: Iterable[KinshipLink]) -> dict[frozenset[str], str]:
    """Every pair of related persons with the French name of the relation (Art. 183).

    Ascendants are closed transitively (a parent's parent is an ascendant); persons with a common
    parent are siblings (half-siblings included). In-laws are not covered by Art. 183.
    """
    parents: dict[str, set[str]] = defaultdict(set)  # child -> direct parents
    up: dict[str, set[str]] = defaultdict(set)  # person -> ascendants
    out: dict[frozenset[str], str] = {}
    for link in links:
        if link.a == link.b:
            continue
        if link.kind is Kinship.SPOUSE:
            out.setdefault(frozenset((link.a, link.b)), "conjoints")
        elif link.kind is Kinship.SIBLING:
            out.setdefault(frozenset((link.a, link.b)), "frères ou sœurs")
        else:
            up[link.b].add(link.a)
            if link.kind is Kinship.PARENT:
                parents[link.b].add(link.a)
    # Transitive closure of ascendants.
    changed = True
    while changed:
        changed = False
        for person in list(up):
            extra = set().union(*(up.get(a, set()) for a in up[person])) - up[person] - {person}
            if extra:
                up[person] |= extra
                changed = True
    for person, ascendants in up.items():
        for a in ascendants:
            out.setdefault(frozenset((a, person)), "ascendant et descendant")
    children: dict[str, set[str]] = defaultdict(set)
    for child, ps in parents.items():
        for p in ps:
            children[p].add(child)
    for kids in children.values():
        for x in kids:
            for y in kids:
                if x < y:
                    out.setdefault(frozenset((x, y)), "frères ou sœurs")
    return out


def kinship_conflicts(
    elected: Iterable[ElectedCouncillor], links: Iterable[KinshipLink]
) -> tuple[CouncilConflict, ...]:
    """Relatives who cannot sit together on the same communal council (Art. 183).

    "Les conjoints, les ascendants, les descendants, les frères, les sœurs appartenant à un même
    parti ou figurant sur la même liste de candidats ne peuvent être simultanément membres du même
    conseil communal." Relatives of different parties on different lists may sit together. The
    law does not say which of the two gives way: each conflict is reported, not decided.
    """
    relations = _relations(links)
    by_commune: dict[str, list[ElectedCouncillor]] = defaultdict(list)
    for e in elected:
        by_commune[e.commune].append(e)
    out: list[CouncilConflict] = []
    for commune in sorted(by_commune):
        members = sorted(by_commune[commune], key=lambda e: e.person)
        for i, x in enumerate(members):
            for y in members[i + 1 :]:
                relation = relations.get(frozenset((x.person, y.person)))
                if relation is None:
                    continue
                same_list = x.list_code == y.list_code
                same_party = x.party is not None and x.party == y.party
                if not (same_list or same_party):
                    continue
                ties = []
                if same_party:
                    ties.append(f"du même parti « {x.party} »")
                if same_list:
                    ties.append(f"de la même liste « {x.list_code} »")
                text = (
                    f"{x.person} et {y.person} ({relation}), {' et '.join(ties)}, ne peuvent "
                    f"être simultanément membres du conseil communal de « {commune} ». La loi "
                    "ne dit pas lequel cède : à trancher par l'autorité compétente."
                )
                out.append(
                    CouncilConflict(
                        commune=commune,
                        persons=(x.person, y.person),
                        reason=Reason("relatives_same_council", text, ("183",), True),
                    )
                )
    return tuple(out)


def multiple_council_conflicts(
    elected: Iterable[ElectedCouncillor],
) -> tuple[CouncilConflict, ...]:
    """Persons elected to more than one communal council (Art. 182: one council only)."""
    communes: dict[str, set[str]] = defaultdict(set)
    for e in elected:
        communes[e.person].add(e.commune)
    out: list[CouncilConflict] = []
    for person in sorted(communes):
        if len(communes[person]) < 2:
            continue
        names = ", ".join(f"« {c} »" for c in sorted(communes[person]))
        out.append(
            CouncilConflict(
                commune=None,
                persons=(person,),
                reason=Reason(
                    "member_of_several_councils",
                    f"{person} est élu dans plusieurs communes ({names}) : nul ne peut être "
                    "membre de plusieurs conseils communaux.",
                    ("182",),
                    True,
                ),
            )
        )
    return tuple(out)


__all__ = [
    "ART_180_OFFICES",
    "BannedRight",
    "Conviction",
    "CouncilConflict",
    "CourtBan",
    "ElectedCouncillor",
    "ElectionKind",
    "Eligibility",
    "FINE_THRESHOLD",
    "Kinship",
    "KinshipLink",
    "LISTED_OFFENCES",
    "OFFICE_LABELS",
    "OffenceCategory",
    "Office",
    "OfficeKind",
    "Person",
    "Reason",
    "add_months",
    "add_years",
    "age_on",
    "candidate_eligibility",
    "communal_candidate_eligibility",
    "councillor_incompatibility",
    "elector_eligibility",
    "fr_date",
    "kinship_conflicts",
    "multiple_council_conflicts",
    "presidential_candidate_eligibility",
    "presidential_campaign_opening",
]
