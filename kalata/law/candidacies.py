"""Candidacies: receipts, declarations, emblems, national councillors' lists.

- Art. 55: a receipt is delivered to the candidates or to the list's agent after every deposit —
  by the President of the Constitutional Court (133, presidential), the Ministry of Territorial
  Administration (147, deputies), the High Commissioner (159, national councillors: the receipt
  "ne préjuge pas de la recevabilité"), the State representative in the cercle or the District
  (185, communal).
- Art. 133–134: the presidential declaration — made in person, in two copies signed by the
  candidate with a sworn statement that he is eligible, with a photo, a nationality certificate,
  a birth certificate (or the judgment standing for it) and a criminal record (bulletin n°3) less
  than three months old; it states the name, first names, profession, domicile, date and place of
  birth and the colour of the ballot.
- Art. 145–146: the legislative declaration — as many candidates as seats (145); the title, the
  photo or colour (and possibly acronym and symbol), each candidate's identity, profession and
  domicile (with service, employment and posting for State agents), the constituency (146).
- Art. 158–163: national councillors — lists of as many candidates as seats with title,
  identities, sign and colour, legalised signatures and a criminal record less than three months
  old (158); the deadlines of 159, 160 and 162 are in ``kalata.law.calendar``; a sign, colour
  or acronym already chosen by another cannot be used: the High Commissioner gives priority to
  each party for its traditional colour or sign by seniority, then to groupings and independent
  lists by the date of deposit of their title (161); no substitution or withdrawal after the
  deadline, except a complementary declaration until the eve of the vote on the death or
  ineligibility of a candidate (163).
- Art. 103, 161: electoral emblems and documents combining the colours of the national flag
  (green, gold, red) are forbidden (fine of 10 000 F per contravention, Art. 103).

Readings (shown in the explanations):

- "datant de moins de trois mois" (57, 133, 158): issued after the day three calendar months
  before the deposit (a record of 10 January is too old for a deposit on 10 April).
- Art. 103 forbids "une combinaison des couleurs du drapeau national" and Art. 161 "une
  combinaison de trois couleurs nationales": a penal prohibition is read strictly, so an emblem
  is forbidden when it combines the three colours; two of them are allowed (and reported).
- Receipt numbers: the law fixes no format. Kalata numbers the deposits received by one
  authority for one election in the order of deposit (1, 2, 3 …), because that order is what the
  law uses to settle conflicts (138: first deposit; 161: date of deposit of the title). The
  reference reads ``PR-2007-0003`` (type, year of the deposit, number).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from kalata.law.calendar import ElectionType, legal_calendar, parse_election_type
from kalata.law.eligibility import Eligibility, Reason, add_months
from kalata.law.explain import LawError, Step, fr_date

# --- Receipts (Art. 55) ------------------------------------------------------------------------

_ISSUERS: dict[ElectionType, tuple[str, tuple[str, ...], str]] = {
    ElectionType.PRESIDENTIAL: ("le Président de la Cour constitutionnelle", ("55", "133"), "PR"),
    ElectionType.LEGISLATIVE: (
        "le Ministère chargé de l'Administration territoriale",
        ("55", "147"),
        "LG",
    ),
    ElectionType.NATIONAL_COUNCILLORS: (
        "le Haut Commissaire de la Région ou du District de Bamako",
        ("55", "159"),
        "CN",
    ),
    ElectionType.COMMUNAL: (
        "le représentant de l'État dans le cercle ou le District de Bamako",
        ("55", "185"),
        "CM",
    ),
}


class DepositorRole(StrEnum):
    """Who deposits: the candidate himself, or the agent (mandataire) of the list or party."""

    CANDIDATE = "candidate"
    MANDATARY = "mandatary"


# Who may deposit, by election (Art. 133: "à titre personnel"; 147: the candidate or the
# agent; 159: parties, groupings or agents of lists; 185: the list's agent).
_ALLOWED_ROLES = {
    ElectionType.PRESIDENTIAL: ({DepositorRole.CANDIDATE}, ("133",)),
    ElectionType.LEGISLATIVE: ({DepositorRole.CANDIDATE, DepositorRole.MANDATARY}, ("147",)),
    ElectionType.NATIONAL_COUNCILLORS: ({DepositorRole.MANDATARY}, ("159",)),
    ElectionType.COMMUNAL: ({DepositorRole.MANDATARY}, ("185",)),
}


@dataclass(frozen=True)
class Deposit:
    """A candidacy as deposited: its title (list title or candidate's name), who brought it."""

    deposited_at: datetime
    title: str
    depositor: str
    role: DepositorRole | str = DepositorRole.MANDATARY
    constituency: str = ""


@dataclass(frozen=True)
class Receipt:
    """The receipt of one deposit (Art. 55): number, reference, issuer and French text."""

    number: int
    reference: str
    election_type: ElectionType
    deposit: Deposit
    issuer_fr: str
    text_fr: tuple[str, ...]
    late: bool
    steps: tuple[Step, ...]

    def as_dict(self) -> dict:
        return {
            "number": self.number,
            "reference": self.reference,
            "election": self.election_type.value,
            "deposited_at": self.deposit.deposited_at.strftime("%Y-%m-%dT%H:%M"),
            "title": self.deposit.title,
            "depositor": self.deposit.depositor,
            "issuer": self.issuer_fr,
            "text": list(self.text_fr),
            "late": self.late,
            "steps": [s.as_dict() for s in self.steps],
        }


def _election(election_type: ElectionType | str) -> ElectionType:
    t = parse_election_type(str(getattr(election_type, "value", election_type)))
    if t not in _ISSUERS:
        raise LawError(
            code="no_candidacies",
            message=f"le {t.label_fr} ne comporte pas de candidatures",
            articles=("55",),
            field="type",
        )
    return t


def candidacy_receipts(
    election_type: ElectionType | str,
    deposits: Iterable[Deposit],
    polling_date: date | None = None,
) -> tuple[Receipt, ...]:
    """The receipts of the deposits one authority received for one election (Art. 55).

    Numbered 1, 2, 3 … in the order of deposit (ties keep the order given). With
    ``polling_date``, a deposit after the legal deadline is marked late on its receipt (the
    receipt is still owed: it records the deposit, not its admissibility).
    """
    t = _election(election_type)
    issuer, articles, prefix = _ISSUERS[t]
    allowed, role_articles = _ALLOWED_ROLES[t]
    deadline = None
    if polling_date is not None:
        deadline = legal_calendar(t, polling_date)["candidacy_deadline"]
    items = list(enumerate(deposits))
    for i, d in items:
        if not d.title.strip():
            raise LawError(
                code="receipt_without_title",
                message=f"dépôt n°{i + 1} : titre de la liste ou nom du candidat manquant",
                articles=("55",),
                field="title",
            )
        if not d.depositor.strip():
            raise LawError(
                code="receipt_without_depositor",
                message=f"dépôt n°{i + 1} : nom du déposant manquant",
                articles=("55",),
                field="depositor",
            )
        try:
            role = DepositorRole(d.role)
        except ValueError:
            raise LawError(
                code="unknown_depositor_role",
                message=f"qualité du déposant inconnue « {d.role} »",
                articles=("55",),
                field="role",
            ) from None
        if role not in allowed:
            who = (
                "le candidat lui-même (déclaration « à titre personnel »)"
                if t is ElectionType.PRESIDENTIAL
                else "le mandataire de la liste"
            )
            raise LawError(
                code="depositor_not_entitled",
                message=f"dépôt n°{i + 1} ({d.title}) : pour l'{t.label_fr}, la candidature est "
                f"déposée par {who}",
                articles=role_articles,
                field="role",
            )
    items.sort(key=lambda item: (item[1].deposited_at, item[0]))
    out: list[Receipt] = []
    for number, (_, d) in enumerate(items, start=1):
        role = DepositorRole(d.role)
        reference = f"{prefix}-{d.deposited_at.year}-{number:04d}"
        to = "au candidat" if role is DepositorRole.CANDIDATE else "au mandataire de la liste"
        where = f", circonscription : {d.constituency}" if d.constituency.strip() else ""
        text = [
            f"Récépissé de dépôt de candidature n°{number} ({reference})",
            f"Délivré par {issuer} {to} {d.depositor}.",
            f"Candidature : {d.title}{where}.",
            f"Déposée le {fr_date(d.deposited_at.date())} à {d.deposited_at.hour} h "
            f"{d.deposited_at.minute:02d}.",
        ]
        steps = [
            Step(
                f"Après le dépôt, il est délivré récépissé {to} (n°{number} dans l'ordre "
                "des dépôts reçus).",
                articles,
            )
        ]
        late = deadline is not None and d.deposited_at.date() > deadline.date
        if late:
            text.append(
                f"Dépôt postérieur à la date limite du {fr_date(deadline.date)} "
                f"(art. {', '.join(deadline.articles)})."
            )
            steps.append(
                Step(
                    f"Déposée après la date limite du {fr_date(deadline.date)} : le récépissé "
                    "constate le dépôt, la candidature est tardive.",
                    deadline.articles,
                )
            )
        if t is ElectionType.PRESIDENTIAL:
            text.append(
                "Le cautionnement de cinq millions de francs est payé dans les deux jours qui "
                "suivent la déclaration (art. 135) ; aucun retrait après la délivrance du "
                "présent récépissé n'entraîne son remboursement (art. 139)."
            )
            steps.append(Step("Mentions du cautionnement et du retrait.", ("135", "139")))
        if t is ElectionType.NATIONAL_COUNCILLORS:
            text.append("Ce récépissé ne préjuge pas de la recevabilité de la candidature.")
            steps.append(Step("Le récépissé ne préjuge pas de la recevabilité.", ("159",)))
        out.append(Receipt(number, reference, t, d, issuer, tuple(text), late, tuple(steps)))
    return tuple(out)


# --- Declarations: shared pieces ----------------------------------------------------------------


@dataclass(frozen=True)
class CandidateIdentity:
    """A candidate as a declaration states him (Art. 57, 134, 146, 158)."""

    last_name: str = ""
    first_names: str = ""
    birth_date: date | None = None
    birth_place: str = ""
    profession: str = ""
    domicile: str = ""
    state_agent: bool = False
    service: str = ""
    employment: str = ""
    posting: str = ""


_IDENTITY_LABELS = {
    "last_name": "nom",
    "first_names": "prénoms",
    "birth_date": "date de naissance",
    "birth_place": "lieu de naissance",
    "profession": "profession",
    "domicile": "domicile",
    "service": "service",
    "employment": "emploi",
    "posting": "lieu d'affectation",
}


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _identity_reasons(
    c: CandidateIdentity, where: str, articles: tuple[str, ...], agent_details: bool = False
) -> list[Reason]:
    fields = ["last_name", "first_names", "birth_date", "birth_place", "profession", "domicile"]
    if agent_details and c.state_agent:
        fields += ["service", "employment", "posting"]
    missing = [_IDENTITY_LABELS[f] for f in fields if _blank(getattr(c, f))]
    if not missing:
        return []
    return [
        Reason(
            "identity_incomplete",
            f"{where} : mention(s) manquante(s) : {', '.join(missing)}.",
            articles,
            blocking=True,
        )
    ]


def criminal_record_reason(
    record_date: date | None, filed_on: date | None, articles: tuple[str, ...]
) -> Reason:
    """Whether the criminal record "date de moins de trois mois" on the day of deposit."""
    if record_date is None:
        return Reason(
            "criminal_record_missing",
            "Extrait du casier judiciaire manquant.",
            articles,
            blocking=True,
        )
    limit = add_months(filed_on, -3)
    if record_date > filed_on:
        raise LawError(
            code="record_after_deposit",
            message=f"l'extrait du casier judiciaire ({fr_date(record_date)}) est postérieur au "
            f"dépôt ({fr_date(filed_on)})",
            articles=articles,
            field="criminal_record_date",
        )
    if record_date <= limit:
        return Reason(
            "criminal_record_too_old",
            f"Extrait du casier judiciaire du {fr_date(record_date)} : il doit dater de moins de "
            f"trois mois au dépôt du {fr_date(filed_on)}, donc être postérieur au "
            f"{fr_date(limit)}.",
            articles,
            blocking=True,
        )
    return Reason(
        "criminal_record_ok",
        f"Extrait du casier judiciaire du {fr_date(record_date)}, de moins de trois mois.",
        articles,
    )


# --- Presidential declaration (Art. 133–134) -----------------------------------------------------


@dataclass(frozen=True)
class PresidentialDeclaration:
    """A declaration of candidacy for the presidency, as deposited (Art. 133, 134)."""

    candidate: CandidateIdentity
    filed_on: date
    colour: str = ""
    copies: int = 2
    signed: bool = True
    sworn_statement: bool = True
    photo: bool = True
    nationality_certificate: bool = True
    birth_certificate: bool = True
    criminal_record_date: date | None = None
    in_person: bool = True


def check_presidential_declaration(
    decl: PresidentialDeclaration, polling_date: date, convocation_published: date | None = None
) -> Eligibility:
    """Every defect of a presidential declaration of candidacy (Art. 133, 134).

    ``convocation_published``: the day the convocation decree was published, when known
    (declarations are made "à partir de" it).
    """
    reasons: list[Reason] = []
    deadline = legal_calendar(ElectionType.PRESIDENTIAL, polling_date)["candidacy_deadline"].date
    if decl.filed_on > deadline:
        reasons.append(
            Reason(
                "declaration_late",
                f"Déclaration du {fr_date(decl.filed_on)}, après le trentième jour précédant le "
                f"scrutin ({fr_date(deadline)}).",
                ("133",),
                blocking=True,
            )
        )
    elif convocation_published is not None and decl.filed_on < convocation_published:
        reasons.append(
            Reason(
                "declaration_early",
                f"Déclaration du {fr_date(decl.filed_on)}, avant la publication du décret de "
                f"convocation ({fr_date(convocation_published)}).",
                ("133",),
                blocking=True,
            )
        )
    else:
        reasons.append(
            Reason(
                "declaration_in_time",
                f"Déclaration du {fr_date(decl.filed_on)}, au plus tard le {fr_date(deadline)}.",
                ("133",),
            )
        )
    if not decl.in_person:
        reasons.append(
            Reason("not_in_person", "La déclaration est faite à titre personnel.", ("133",), True)
        )
    if decl.copies < 2:
        reasons.append(
            Reason(
                "copies",
                f"{decl.copies} exemplaire(s) : la déclaration est faite en double exemplaire.",
                ("133",),
                blocking=True,
            )
        )
    if not decl.signed:
        reasons.append(
            Reason("unsigned", "La déclaration doit être signée du candidat.", ("133",), True)
        )
    if not decl.sworn_statement:
        reasons.append(
            Reason(
                "no_sworn_statement",
                "Attestation sur l'honneur de remplir les conditions d'éligibilité manquante.",
                ("133",),
                blocking=True,
            )
        )
    pieces = [
        ("photo", "photo d'identité"),
        ("nationality_certificate", "certificat de nationalité"),
        ("birth_certificate", "extrait de naissance ou jugement supplétif"),
    ]
    missing = [label for attr, label in pieces if not getattr(decl, attr)]
    if missing:
        reasons.append(
            Reason(
                "missing_pieces",
                "Pièce(s) manquante(s) : " + ", ".join(missing) + ".",
                ("133",),
                blocking=True,
            )
        )
    reasons.append(criminal_record_reason(decl.criminal_record_date, decl.filed_on, ("133",)))
    reasons.extend(_identity_reasons(decl.candidate, "Déclaration", ("134",)))
    if _blank(decl.colour):
        reasons.append(
            Reason(
                "no_colour",
                "Le candidat doit indiquer la couleur pour l'impression de son bulletin.",
                ("134",),
                blocking=True,
            )
        )
    if not any(r.blocking for r in reasons):
        reasons.append(
            Reason(
                "declaration_complete",
                "Déclaration complète : mentions et pièces exigées présentes.",
                ("133", "134"),
            )
        )
    return Eligibility.of(reasons)


# --- Legislative declaration (Art. 145–146) ------------------------------------------------------


@dataclass(frozen=True)
class LegislativeDeclaration:
    """A declaration of candidacy for the National Assembly (Art. 146)."""

    title: str
    constituency: str
    candidates: Sequence[CandidateIdentity]
    photo: bool = False
    colour: str = ""
    acronym: str = ""
    symbol: str = ""


def check_legislative_declaration(decl: LegislativeDeclaration, seats: int) -> Eligibility:
    """Every defect of a legislative declaration (Art. 145 number of candidates, 146 content)."""
    if not isinstance(seats, int) or seats < 1:
        raise LawError(
            code="invalid_seats",
            message=f"nombre de sièges invalide : {seats!r}",
            articles=("145",),
            field="seats",
        )
    reasons: list[Reason] = []
    n = len(decl.candidates)
    if n != seats:
        reasons.append(
            Reason(
                "candidates_not_seats",
                f"{n} candidat(s) titulaire(s) pour {seats} siège(s) : la déclaration doit en "
                "comporter autant que de sièges, sous peine d'invalidation.",
                ("145",),
                blocking=True,
            )
        )
    if _blank(decl.title):
        reasons.append(
            Reason(
                "no_title",
                "Titre du parti, du groupement ou de l'indépendant manquant.",
                ("146",),
                blocking=True,
            )
        )
    if not decl.photo and _blank(decl.colour):
        reasons.append(
            Reason(
                "no_photo_or_colour",
                "La déclaration doit comporter la photo ou la couleur choisie.",
                ("146",),
                blocking=True,
            )
        )
    for i, c in enumerate(decl.candidates, start=1):
        reasons.extend(_identity_reasons(c, f"Candidat n°{i}", ("146",), agent_details=True))
    if _blank(decl.constituency):
        reasons.append(
            Reason(
                "no_constituency",
                "Le cercle ou la commune du District de Bamako où la liste se présente n'est "
                "pas indiqué.",
                ("146",),
                blocking=True,
            )
        )
    if not any(r.blocking for r in reasons):
        reasons.append(
            Reason(
                "declaration_complete",
                f"Déclaration complète : {n} candidat(s) pour {seats} siège(s).",
                ("145", "146"),
            )
        )
    return Eligibility.of(reasons)


# --- National councillors' lists (Art. 158, 161, 163) --------------------------------------------


@dataclass(frozen=True)
class NationalCouncillorsList:
    """A list of candidates for the national councillors of one region or the District."""

    title: str
    candidates: Sequence[CandidateIdentity]
    sign: str = ""
    colour: str = ""
    signatures_legalised: bool = True
    criminal_record_date: date | None = None
    filed_on: date | None = None


def check_national_councillors_list(lst: NationalCouncillorsList, seats: int) -> Eligibility:
    """Every defect of a national councillors' list declaration (Art. 158)."""
    if not isinstance(seats, int) or seats < 1:
        raise LawError(
            code="invalid_seats",
            message=f"nombre de sièges invalide : {seats!r}",
            articles=("158",),
            field="seats",
        )
    reasons: list[Reason] = []
    n = len(lst.candidates)
    if n != seats:
        reasons.append(
            Reason(
                "candidates_not_seats",
                f"{n} candidat(s) pour {seats} siège(s) : chaque liste comprend un nombre de "
                "candidats égal au nombre de sièges à pourvoir.",
                ("158",),
                blocking=True,
            )
        )
    if _blank(lst.title):
        reasons.append(Reason("no_title", "Titre de la liste manquant.", ("158",), True))
    for i, c in enumerate(lst.candidates, start=1):
        reasons.extend(_identity_reasons(c, f"Candidat n°{i}", ("158",)))
    missing = [w for w, v in (("le signe", lst.sign), ("la couleur", lst.colour)) if _blank(v)]
    if missing:
        reasons.append(
            Reason(
                "no_sign_or_colour",
                f"La déclaration doit indiquer {' et '.join(missing)} choisi(s) pour "
                "l'impression des bulletins et des affiches.",
                ("158",),
                blocking=True,
            )
        )
    if not lst.signatures_legalised:
        reasons.append(
            Reason(
                "signatures_not_legalised",
                "La déclaration doit être revêtue de la signature des candidats dûment légalisée.",
                ("158",),
                blocking=True,
            )
        )
    if lst.criminal_record_date is None or lst.filed_on is not None:
        # Without the day of deposit the record's age cannot be assessed, only its presence.
        filed_on = lst.filed_on or lst.criminal_record_date
        reasons.append(criminal_record_reason(lst.criminal_record_date, filed_on, ("158",)))
    if not any(r.blocking for r in reasons):
        reasons.append(
            Reason(
                "list_complete",
                f"Liste complète : {n} candidat(s) pour {seats} siège(s).",
                ("158",),
            )
        )
    return Eligibility.of(reasons)


class ListChange(StrEnum):
    """A change to a deposited list (Art. 163)."""

    SUBSTITUTION = "substitution"
    WITHDRAWAL = "withdrawal"
    COMPLEMENTARY = "complementary"


class ChangeCause(StrEnum):
    DEATH = "death"
    INELIGIBILITY = "ineligibility"
    OTHER = "other"


def check_list_change(
    change: ListChange | str,
    on: date,
    polling_date: date,
    cause: ChangeCause | str = ChangeCause.OTHER,
) -> Eligibility:
    """Whether a national councillors' list may be changed on ``on`` (Art. 163).

    Before the deposit deadline (25 days before the vote, Art. 159) the list is still being
    deposited. After it no substitution nor withdrawal is admitted; until the eve of the vote, the
    death or ineligibility of a candidate opens a complementary declaration by the list's agent.
    """
    change = ListChange(change)
    cause = ChangeCause(cause)
    deadline = legal_calendar(ElectionType.NATIONAL_COUNCILLORS, polling_date)[
        "candidacy_deadline"
    ].date
    eve = date.fromordinal(polling_date.toordinal() - 1)
    if on <= deadline:
        return Eligibility.of(
            [
                Reason(
                    "before_deadline",
                    f"Le {fr_date(on)} précède la date limite de dépôt ({fr_date(deadline)}) : "
                    "la liste peut encore être déposée ou modifiée.",
                    ("159", "163"),
                )
            ]
        )
    if on > eve:
        return Eligibility.of(
            [
                Reason(
                    "after_eve",
                    f"Le {fr_date(on)} est postérieur à la veille du scrutin ({fr_date(eve)}) : "
                    "plus aucune déclaration n'est reçue.",
                    ("163",),
                    blocking=True,
                )
            ]
        )
    if cause in (ChangeCause.DEATH, ChangeCause.INELIGIBILITY):
        what = "décès" if cause is ChangeCause.DEATH else "inéligibilité"
        return Eligibility.of(
            [
                Reason(
                    "complementary_declaration",
                    f"En cas de {what} d'un candidat, entre la date limite de dépôt et la veille "
                    f"du scrutin ({fr_date(eve)}), le mandataire fait sans délai une déclaration "
                    "complémentaire de candidature au Haut Commissaire.",
                    ("163",),
                )
            ]
        )
    verb = {
        ListChange.SUBSTITUTION: "aucune substitution",
        ListChange.WITHDRAWAL: "aucun retrait de candidature",
        ListChange.COMPLEMENTARY: "aucune déclaration complémentaire hors décès ou inéligibilité",
    }[change]
    return Eligibility.of(
        [
            Reason(
                "change_refused",
                f"Après la date limite de dépôt ({fr_date(deadline)}), {verb} n'est admis(e).",
                ("163",),
                blocking=True,
            )
        ]
    )


# --- Emblems: national colours (Art. 103, 161) and priority (Art. 161) ---------------------------

NATIONAL_COLOURS: tuple[str, ...] = ("vert", "or", "rouge")
_COLOUR_NAMES = {
    "vert": "vert",
    "verte": "vert",
    "green": "vert",
    "#14b53a": "vert",
    "or": "or",
    "jaune": "or",
    "jaune or": "or",
    "doré": "or",
    "gold": "or",
    "yellow": "or",
    "#fcd116": "or",
    "rouge": "rouge",
    "red": "rouge",
    "#ce1126": "rouge",
}


def national_colour(name: str) -> str | None:
    """The national colour a colour name stands for ('vert', 'or', 'rouge'), or None."""
    return _COLOUR_NAMES.get(" ".join(name.strip().casefold().split()))


def check_emblem_colours(colours: Iterable[str]) -> Eligibility:
    """Whether an emblem's colours combine the three national colours (Art. 103, 161)."""
    colours = [c for c in colours if c and c.strip()]
    found = {national_colour(c) for c in colours} - {None}
    if found == set(NATIONAL_COLOURS):
        return Eligibility.of(
            [
                Reason(
                    "national_colours",
                    "L'emblème combine les trois couleurs nationales (vert, or, rouge) : ce "
                    "choix est interdit (art. 161) et tout document électoral qui les combine "
                    "expose à une amende de 10 000 francs par contravention (art. 103).",
                    ("103", "161"),
                    blocking=True,
                )
            ]
        )
    if found:
        names = ", ".join(c for c in NATIONAL_COLOURS if c in found)
        return Eligibility.of(
            [
                Reason(
                    "some_national_colours",
                    f"L'emblème comporte {len(found)} des trois couleurs nationales ({names}) : "
                    "seule la combinaison des trois est interdite.",
                    ("103", "161"),
                )
            ]
        )
    return Eligibility.of(
        [Reason("no_national_colours", "Aucune couleur nationale.", ("103", "161"))]
    )


class ListSponsor(StrEnum):
    """Who presents a list (Art. 158, 161)."""

    PARTY = "party"
    GROUPING = "grouping"
    INDEPENDENT = "independent"


@dataclass(frozen=True)
class EmblemClaim:
    """A list's choice of a sign, colour or acronym (Art. 161).

    ``party_founded``: for a party, the date of its legal constitution (seniority);
    ``title_deposited_at``: for a grouping or independent list, when its title was deposited.
    """

    list_name: str
    sponsor: ListSponsor | str
    emblem: str
    party_founded: date | None = None
    title_deposited_at: datetime | None = None
    colours: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class EmblemAllocation:
    """Art. 161: who keeps each contested emblem, who must choose another, and why."""

    granted: dict[str, str]
    refused: dict[str, str]
    steps: tuple[Step, ...]

    def as_dict(self) -> dict:
        return {
            "granted": dict(self.granted),
            "refused": dict(self.refused),
            "steps": [s.as_dict() for s in self.steps],
        }


def allocate_emblems(claims: Iterable[EmblemClaim]) -> EmblemAllocation:
    """Settle identical signs, colours or acronyms between lists (Art. 161).

    Parties come first, by seniority (earliest constitution), for their traditional colour or
    sign; groupings and independent lists next, by the date of deposit of their title. Emblems
    combining the three national colours are refused whoever claims them.
    """
    claims = tuple(claims)
    steps: list[Step] = []
    granted: dict[str, str] = {}
    refused: dict[str, str] = {}
    names = [c.list_name for c in claims]
    if len(set(names)) != len(names):
        raise LawError(
            code="duplicate_list",
            message="une même liste figure deux fois",
            articles=("161",),
            field="claims",
        )
    by_emblem: dict[str, list[EmblemClaim]] = defaultdict(list)
    for c in claims:
        sponsor = ListSponsor(c.sponsor)
        if sponsor is ListSponsor.PARTY and c.party_founded is None:
            raise LawError(
                code="party_seniority_missing",
                message=f"{c.list_name} : date de constitution du parti manquante (ancienneté)",
                articles=("161",),
                field="party_founded",
            )
        if sponsor is not ListSponsor.PARTY and c.title_deposited_at is None:
            raise LawError(
                code="title_deposit_missing",
                message=f"{c.list_name} : date de dépôt du titre manquante",
                articles=("161",),
                field="title_deposited_at",
            )
        if c.colours and not check_emblem_colours(c.colours).eligible:
            refused[c.list_name] = c.emblem
            steps.append(
                Step(
                    f"{c.list_name} : l'emblème « {c.emblem} » combine les trois couleurs "
                    "nationales, il est interdit.",
                    ("103", "161"),
                )
            )
            continue
        by_emblem[" ".join(c.emblem.casefold().split())].append(c)

    def rank(c: EmblemClaim):
        if ListSponsor(c.sponsor) is ListSponsor.PARTY:
            return (0, datetime.combine(c.party_founded, datetime.min.time()))
        return (1, c.title_deposited_at)

    for group in by_emblem.values():
        ordered = sorted(group, key=rank)
        winner = ordered[0]
        granted[winner.list_name] = winner.emblem
        if len(ordered) > 1 and rank(ordered[0]) == rank(ordered[1]):
            raise LawError(
                code="emblem_tie",
                message=f"« {winner.emblem} » : {ordered[0].list_name} et {ordered[1].list_name} "
                "ont la même ancienneté ou la même date de dépôt ; la loi ne les départage pas",
                articles=("161",),
                field="claims",
            )
        for loser in ordered[1:]:
            refused[loser.list_name] = loser.emblem
        if len(ordered) > 1:
            why = (
                f"parti le plus ancien (constitué le {fr_date(winner.party_founded)})"
                if ListSponsor(winner.sponsor) is ListSponsor.PARTY
                else f"titre déposé le premier ({fr_date(winner.title_deposited_at.date())})"
            )
            steps.append(
                Step(
                    f"« {winner.emblem} » est attribué à {winner.list_name} : {why}. "
                    + ", ".join(c.list_name for c in ordered[1:])
                    + " doi(ven)t en choisir un autre ; le Haut Commissaire en informe aussitôt "
                    "les partis intéressés.",
                    ("161",),
                )
            )
    return EmblemAllocation(granted, refused, tuple(steps))


__all__ = [
    "CandidateIdentity",
    "ChangeCause",
    "Deposit",
    "DepositorRole",
    "EmblemAllocation",
    "EmblemClaim",
    "LegislativeDeclaration",
    "ListChange",
    "ListSponsor",
    "NATIONAL_COLOURS",
    "NationalCouncillorsList",
    "PresidentialDeclaration",
    "Receipt",
    "allocate_emblems",
    "candidacy_receipts",
    "check_emblem_colours",
    "check_legislative_declaration",
    "check_list_change",
    "check_national_councillors_list",
    "check_presidential_declaration",
    "criminal_record_reason",
    "national_colour",
]
