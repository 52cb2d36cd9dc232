"""The voter lists: annual revision calendar and its rules (Art. 29–47).

- Art. 29: nobody on more than one list; on multiple registration the elector is given formal
  notice to opt; failing an option within eight days he stays on the list of his last residence
  and is struck from all others.
- Art. 30: lists are permanent; the elector's number is a chronological number followed by his
  order number in the census book.
- Art. 31: annual revision from 1 September to 31 December; the list closed on 31 December
  serves for every election of the following year.
- Art. 32: parties notify their representatives on the administrative commission at least five
  days before the revision starts.
- Art. 33–34: the commission meets on 1 September and works until 15 October; registration
  requests are deposited until 15 October "ou jusqu'au dernier jour ouvrable qui le précède";
  third-party requests are individual and name each person (34).
- Art. 35: an elector struck ex officio or whose registration is contested is informed free of
  charge and heard.
- Art. 36–39: register of decisions; recapitulative table from 15 October with the identity
  mentions and the motive of each change (37); the tableau rectificatif signed by every member,
  fingerprint for the illiterate (38); on 15 October it is deposited, the public told that claims
  are received for 20 days, a copy sent within two days to the State representative (39).
- Art. 41: claims recorded in chronological order with name, domicile and grounds, may be oral,
  and always get a receipt.
- Art. 42–43: a refused registration is notified within five days; the elector may go to the
  civil judge within ten days of the notification; the judge rules within ten days, notifies
  within seven days of his decision; appeal within fifteen days of that notification.
- Art. 44–47: lists closed on 31 December; the tableau rectificatif in four copies (46), the new
  list in three copies (47).

Readings (shown in the explanations):

- Delays are counted as in ``kalata.law.calendar``: the day of the act is not counted, the last
  day is (act + N), and no delay is extended for a weekend or holiday unless the law says so.
  Art. 33 is the one place where it says so: when 15 October is not a working day, requests
  close on the last working day before it. Working days are Monday to Friday, minus the public
  holidays the caller names (the law does not list them; 15 October and the days before it are
  not fixed holidays in Mali, movable religious feasts can be).
- "dans les cinq jours" (42) runs from the commission's decision; "dans les dix jours de la
  notification" (42) from the notification; the judge's ten days (43) from his seizure; his
  seven days from his decision; the fifteen days of appeal from the notification of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from kalata.law.calendar import Bound, Deadline
from kalata.law.calendar import fr_date as _weekday
from kalata.law.eligibility import Eligibility, Reason
from kalata.law.explain import LawError, Step, fr_date

CLAIMS_DAYS = 20  # Art. 39, 2°
COPY_DAYS = 2  # Art. 39, 3°
OPTION_DAYS = 8  # Art. 29
PARTY_NOTICE_DAYS = 5  # Art. 32
REFUSAL_NOTICE_DAYS = 5  # Art. 42
REFUSAL_APPEAL_DAYS = 10  # Art. 42
JUDGE_RULING_DAYS = 10  # Art. 43
JUDGE_NOTICE_DAYS = 7  # Art. 43
APPEAL_DAYS = 15  # Art. 43


# --- Working days (Art. 33) -------------------------------------------------------------------


def is_working_day(d: date, holidays: Iterable[date] = ()) -> bool:
    """Monday to Friday and not a public holiday named in ``holidays`` (Art. 33)."""
    return d.weekday() < 5 and d not in set(holidays)


def last_working_day_on_or_before(d: date, holidays: Iterable[date] = ()) -> date:
    """``d`` itself when it is a working day, otherwise the last working day before it (Art. 33).

    "jusqu'au 15 octobre de l'année en cours, ou jusqu'au dernier jour ouvrable qui le précède".
    """
    off = set(holidays)
    while not is_working_day(d, off):
        d -= timedelta(days=1)
    return d


# --- The annual revision calendar (Art. 31–47) -----------------------------------------------


@dataclass(frozen=True)
class RevisionCalendar:
    """The dates of the annual revision of ``year`` and the year its list serves (Art. 31)."""

    year: int
    deadlines: tuple[Deadline, ...]
    serves_from: date
    serves_until: date
    steps: tuple[Step, ...]

    def __getitem__(self, event: str) -> Deadline:
        for d in self.deadlines:
            if d.event == event:
                return d
        raise KeyError(event)

    @property
    def events(self) -> tuple[str, ...]:
        return tuple(d.event for d in self.deadlines)

    def as_dict(self) -> dict:
        return {
            "year": self.year,
            "deadlines": [d.as_dict() for d in self.deadlines],
            "serves_from": self.serves_from.isoformat(),
            "serves_until": self.serves_until.isoformat(),
            "steps": [s.as_dict() for s in self.steps],
        }


def _year(year: int) -> int:
    if not isinstance(year, int) or isinstance(year, bool) or not 1 <= year <= 9998:
        raise LawError(
            code="invalid_year",
            message=f"année de révision invalide : {year!r}",
            articles=("31",),
            field="year",
        )
    return year


def revision_calendar(year: int, holidays: Iterable[date] = ()) -> RevisionCalendar:
    """Every date of the annual revision of the voter lists of ``year`` (Art. 31–47).

    ``holidays``: public holidays that are not working days (Art. 33 only).
    """
    year = _year(year)
    holidays = tuple(holidays)
    opens = date(year, 9, 1)
    oct15 = date(year, 10, 15)
    closes = date(year, 12, 31)
    requests = last_working_day_on_or_before(oct15, holidays)
    party = opens - timedelta(days=PARTY_NOTICE_DAYS)
    copy = oct15 + timedelta(days=COPY_DAYS)
    claims = oct15 + timedelta(days=CLAIMS_DAYS)

    if requests == oct15:
        req_text = (
            f"Les demandes d'inscription nouvelle sont déposées à la mairie « jusqu'au "
            f"15 octobre de l'année en cours » : le {_weekday(oct15)} est un jour ouvrable."
        )
    else:
        req_text = (
            f"Les demandes sont reçues « jusqu'au 15 octobre … ou jusqu'au dernier jour ouvrable "
            f"qui le précède » : le {_weekday(oct15)} n'est pas ouvrable, la date limite est "
            f"le {_weekday(requests)}."
        )
    deadlines = (
        Deadline(
            "party_representatives_notified",
            party,
            None,
            ("32",),
            "Date limite de notification des représentants des partis à la commission "
            "administrative",
            f"« au moins cinq jours avant le début des opérations de révision » : "
            f"{_weekday(opens)} − 5 jours = {_weekday(party)}.",
        ),
        Deadline(
            "revision_opens",
            opens,
            None,
            ("31", "33"),
            "Ouverture de la révision annuelle ; la commission administrative se réunit",
            "La révision annuelle court « du 1er septembre au 31 décembre » (art. 31) ; la "
            "commission administrative se réunit le 1er septembre (art. 33).",
            Bound.EXACT,
        ),
        Deadline(
            "registration_requests_deadline",
            requests,
            None,
            ("33",),
            "Date limite de dépôt des demandes d'inscription nouvelle",
            req_text,
        ),
        Deadline(
            "commission_operations_close",
            oct15,
            None,
            ("33", "34"),
            "Fin des opérations de révision de la commission administrative (inscriptions et "
            "radiations d'office, demandes des électeurs et des tiers)",
            "La commission « effectue ses opérations de révision jusqu'au 15 octobre » (art. 33) "
            "et statue « pendant le même délai » sur les demandes (art. 34).",
        ),
        Deadline(
            "tableau_deposited",
            oct15,
            None,
            ("36", "38", "39"),
            "Dépôt du tableau rectificatif au secrétariat et avis à la population",
            "À partir du 15 octobre la commission dresse le tableau récapitulatif (art. 36), "
            "arrête le tableau rectificatif signé de tous ses membres (art. 38) ; « le "
            "15 octobre », le Maire, l'Ambassadeur ou le Consul le dépose et en avise la "
            "population par affiches (art. 39). La loi ne reporte pas ce jour.",
            Bound.EXACT,
        ),
        Deadline(
            "tableau_copy_sent",
            copy,
            None,
            ("39",),
            "Date limite d'envoi d'une copie du tableau rectificatif au représentant de l'État",
            f"« dans les deux jours » du dépôt : {_weekday(oct15)} + 2 jours = "
            f"{_weekday(copy)} (l'ambassadeur ou le consul transmet au Ministre).",
        ),
        Deadline(
            "claims_deadline",
            claims,
            None,
            ("39", "41"),
            "Date limite des réclamations contre le tableau rectificatif",
            f"Les réclamations « seront reçues pendant un délai de 20 jours » à compter du "
            f"dépôt : {_weekday(oct15)} + 20 jours = {_weekday(claims)} ; elles sont portées "
            "au registre des réclamations, avec récépissé (art. 41).",
        ),
        Deadline(
            "lists_closed",
            closes,
            None,
            ("31", "44", "45"),
            "Clôture de la révision : listes définitivement arrêtées",
            "« Les listes sont définitivement arrêtées le 31 décembre de chaque année » "
            "(art. 44), fin de la révision annuelle (art. 31) ; la commission y porte les "
            "décisions du juge et retranche les décédés et les électeurs privés du droit de vote "
            "par un jugement définitif (art. 45).",
            Bound.EXACT,
        ),
    )
    serves_from, serves_until = date(year + 1, 1, 1), date(year + 1, 12, 31)
    steps = (
        Step(f"Révision annuelle {year} : du {fr_date(opens)} au {fr_date(closes)}.", ("31",)),
        Step(
            f"La liste arrêtée le {fr_date(closes)} sert à toutes les élections de {year + 1} "
            f"(du {fr_date(serves_from)} au {fr_date(serves_until)}), sauf nouvelle liste ou "
            "révision exceptionnelle prescrite par le Ministre.",
            ("31",),
        ),
        Step(
            "Le tableau rectificatif est reporté sur la liste de l'année suivante (art. 46) ; la "
            "Délégation générale aux élections dresse la nouvelle liste en trois exemplaires "
            "(art. 47).",
            ("46", "47"),
        ),
    )
    return RevisionCalendar(year, deadlines, serves_from, serves_until, steps)


def list_serving(polling_date: date) -> tuple[int, Step]:
    """The revision year whose list serves an election on ``polling_date`` (Art. 31 al. 2).

    Exceptional revisions (Art. 31 al. 3–5) are decided by the Minister and are not presumed.
    """
    year = polling_date.year - 1
    return year, Step(
        f"Scrutin du {fr_date(polling_date)} : « durant toute l'année qui suit la clôture de la "
        f"liste, les élections sont faites suivant la liste révisée et arrêtée au 31 décembre » "
        f"— la liste arrêtée le {fr_date(date(year, 12, 31))}.",
        ("31", "44"),
    )


def check_registration_request(
    filed_on: date,
    holidays: Iterable[date] = (),
    *,
    third_party: bool = False,
    names: Sequence[str] = (),
) -> Eligibility:
    """Whether a registration request is receivable for the revision of its year (Art. 33, 34).

    A request filed before 1 September belongs to no revision yet; one filed after the deadline
    waits for the next revision. A third party's request (``third_party``) must be individual
    and name the person(s) concerned (Art. 34).
    """
    cal = revision_calendar(filed_on.year, holidays)
    deadline = cal["registration_requests_deadline"].date
    reasons: list[Reason] = []
    if filed_on < cal["revision_opens"].date:
        reasons.append(
            Reason(
                "before_revision",
                f"Demande déposée le {fr_date(filed_on)}, avant l'ouverture de la révision "
                f"annuelle le {fr_date(cal['revision_opens'].date)}.",
                ("31", "33"),
                blocking=True,
            )
        )
    elif filed_on > deadline:
        reasons.append(
            Reason(
                "request_late",
                f"Demande déposée le {fr_date(filed_on)}, après la date limite du "
                f"{_weekday(deadline)} : elle relève de la révision suivante.",
                ("33",),
                blocking=True,
            )
        )
    else:
        reasons.append(
            Reason(
                "request_in_time",
                f"Demande déposée le {fr_date(filed_on)}, au plus tard le {_weekday(deadline)}.",
                ("33",),
            )
        )
    if third_party:
        clean = [n.strip() for n in names if n and n.strip()]
        if not clean:
            reasons.append(
                Reason(
                    "third_party_unnamed",
                    "La demande d'un tiers ne peut viser que des inscriptions individuelles et "
                    "doit préciser le nom de chacun de ceux qu'elle concerne.",
                    ("34",),
                    blocking=True,
                )
            )
        else:
            reasons.append(
                Reason(
                    "third_party_named",
                    f"Demande d'un tiers nommant {len(clean)} personne(s) : "
                    + ", ".join(clean)
                    + ".",
                    ("34",),
                )
            )
    return Eligibility.of(reasons)


# --- Elector number (Art. 30) -----------------------------------------------------------------


def elector_number(chronological: int, census_order: int) -> str:
    """The elector's registration number: the chronological number followed by his order
    number in the census book (Art. 30), joined by a slash: ``elector_number(1204, 37)`` ->
    ``'1204/37'`` (the separator is Kalata's; the law fixes only the order of the two numbers).
    """
    for value, field in ((chronological, "chronological"), (census_order, "census_order")):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise LawError(
                code="invalid_number",
                message=f"numéro invalide : {value!r} (entier positif attendu)",
                articles=("30",),
                field=field,
            )
    return f"{chronological}/{census_order}"


# --- Multiple registration (Art. 29) ----------------------------------------------------------


@dataclass(frozen=True)
class Registration:
    """One registration of an elector: the list (commune, embassy, consulate) and since when
    he resides there."""

    list_code: str
    resident_since: date


@dataclass(frozen=True)
class MultipleRegistrationOutcome:
    """Art. 29: the list kept (None while the elector may still opt), those struck."""

    kept: str | None
    struck: tuple[str, ...]
    option_deadline: date | None
    pending: bool
    steps: tuple[Step, ...]

    def as_dict(self) -> dict:
        return {
            "kept": self.kept,
            "struck": list(self.struck),
            "option_deadline": self.option_deadline.isoformat() if self.option_deadline else None,
            "pending": self.pending,
            "steps": [s.as_dict() for s in self.steps],
        }


def resolve_multiple_registration(
    registrations: Iterable[Registration],
    notice_date: date | None,
    on: date,
    option: str | None = None,
    option_date: date | None = None,
) -> MultipleRegistrationOutcome:
    """Which list an elector registered more than once stays on (Art. 29).

    ``notice_date``: the day of the formal notice to opt (None: not yet given). ``option`` and
    ``option_date``: the list the elector chose and when. ``on``: the day of the decision.
    """
    regs = tuple(registrations)
    codes = [r.list_code for r in regs]
    if len(set(codes)) != len(codes):
        raise LawError(
            code="duplicate_list",
            message="la même liste figure deux fois parmi les inscriptions",
            articles=("29",),
            field="registrations",
        )
    if len(regs) < 2:
        kept = regs[0].list_code if regs else None
        return MultipleRegistrationOutcome(
            kept,
            (),
            None,
            False,
            (Step("Une seule inscription : rien à régler.", ("29",)),),
        )
    steps = [
        Step(
            f"Inscrit sur {len(regs)} listes ({', '.join(codes)}) : « nul ne peut être inscrit "
            "sur plus d'une liste électorale ».",
            ("29",),
        )
    ]
    if notice_date is None:
        steps.append(
            Step("L'électeur doit être mis en demeure sans délai d'opter pour une liste.", ("29",))
        )
        return MultipleRegistrationOutcome(None, (), None, True, tuple(steps))
    deadline = notice_date + timedelta(days=OPTION_DAYS)
    steps.append(
        Step(
            f"Mise en demeure le {fr_date(notice_date)} : option dans les huit jours, au plus "
            f"tard le {fr_date(deadline)}.",
            ("29",),
        )
    )
    if option is not None:
        if option not in codes:
            raise LawError(
                code="option_not_a_registration",
                message=f"la liste choisie « {option} » n'est pas une des listes où l'électeur "
                "est inscrit",
                articles=("29",),
                field="option",
            )
        if option_date is None:
            raise LawError(
                code="option_date_missing",
                message="date de l'option manquante",
                articles=("29",),
                field="option_date",
            )
        if notice_date <= option_date <= deadline:
            steps.append(
                Step(f"L'électeur a opté le {fr_date(option_date)} pour « {option} ».", ("29",))
            )
            return MultipleRegistrationOutcome(
                option, tuple(c for c in codes if c != option), deadline, False, tuple(steps)
            )
        steps.append(
            Step(
                f"L'option du {fr_date(option_date)} est hors du délai de huit jours : elle ne "
                "compte pas.",
                ("29",),
            )
        )
    elif on <= deadline:
        steps.append(Step("Le délai d'option court encore : aucune radiation.", ("29",)))
        return MultipleRegistrationOutcome(None, (), deadline, True, tuple(steps))
    latest = max(r.resident_since for r in regs)
    last = [r for r in regs if r.resident_since == latest]
    if len(last) > 1:
        raise LawError(
            code="last_residence_ambiguous",
            message="la dernière résidence ne peut être déterminée : "
            + ", ".join(r.list_code for r in last)
            + f" datent toutes du {fr_date(latest)}",
            articles=("29",),
            field="registrations",
        )
    kept = last[0].list_code
    steps.append(
        Step(
            f"À défaut d'option dans les huit jours, l'électeur est maintenu sur la liste de sa "
            f"dernière résidence, « {kept} » (depuis le {fr_date(latest)}), et radié de toutes "
            "les autres.",
            ("29",),
        )
    )
    return MultipleRegistrationOutcome(
        kept, tuple(c for c in codes if c != kept), deadline, False, tuple(steps)
    )


# --- Refused registration: notification and appeals (Art. 42–43) ----------------------------


@dataclass(frozen=True)
class RefusalDeadlines:
    """Art. 42–43: each deadline, from the known acts (or the latest possible date)."""

    deadlines: tuple[Deadline, ...]
    steps: tuple[Step, ...]

    def __getitem__(self, event: str) -> Deadline:
        for d in self.deadlines:
            if d.event == event:
                return d
        raise KeyError(event)

    def as_dict(self) -> dict:
        return {
            "deadlines": [d.as_dict() for d in self.deadlines],
            "steps": [s.as_dict() for s in self.steps],
        }


def refusal_deadlines(
    decision_date: date,
    notified_on: date | None = None,
    judge_seized_on: date | None = None,
    judgment_date: date | None = None,
    judgment_notified_on: date | None = None,
) -> RefusalDeadlines:
    """Deadlines after a commission refuses a registration (Art. 42–43).

    Each delay runs from the actual act when it is given, otherwise from the latest date the
    previous delay allows (``relative_to`` names that act).
    """
    acts = [
        ("decision_date", decision_date),
        ("notified_on", notified_on),
        ("judge_seized_on", judge_seized_on),
        ("judgment_date", judgment_date),
        ("judgment_notified_on", judgment_notified_on),
    ]
    known = [(n, d) for n, d in acts if d is not None]
    for (n1, d1), (n2, d2) in zip(known, known[1:], strict=False):
        if d2 < d1:
            raise LawError(
                code="acts_out_of_order",
                message=f"{n2} ({fr_date(d2)}) précède {n1} ({fr_date(d1)})",
                articles=("42", "43"),
                field=n2,
            )
    out: list[Deadline] = []

    def add(event, label, start, start_name, days, articles, words, actual):
        limit = start + timedelta(days=days)
        text = f"{words} : {fr_date(start)} ({start_name}) + {days} jours = {fr_date(limit)}."
        out.append(Deadline(event, limit, None, articles, label, text, Bound.LATEST, start_name))
        return actual if actual is not None else limit, limit

    n_start, _ = add(
        "refusal_notified",
        "Date limite de notification du refus par le maire",
        decision_date,
        "décision de la commission",
        REFUSAL_NOTICE_DAYS,
        ("42",),
        "Le refus est notifié par écrit « dans les cinq jours », avec ses motifs, la date de "
        "publication de la liste ou du tableau et la voie de recours",
        notified_on,
    )
    s_start, _ = add(
        "judge_seizure_deadline",
        "Date limite de saisine du juge civil",
        n_start,
        "notification" if notified_on else "notification au plus tard",
        REFUSAL_APPEAL_DAYS,
        ("42",),
        "L'intéressé conteste le refus devant le juge civil « dans les dix jours de la "
        "notification »",
        judge_seized_on,
    )
    j_start, _ = add(
        "judgment_deadline",
        "Date limite du jugement",
        s_start,
        "saisine du juge" if judge_seized_on else "saisine au plus tard",
        JUDGE_RULING_DAYS,
        ("43",),
        "Le juge statue « dans les dix jours, sans frais »",
        judgment_date,
    )
    jn_start, _ = add(
        "judgment_notified",
        "Date limite d'avis de la décision du juge",
        j_start,
        "jugement" if judgment_date else "jugement au plus tard",
        JUDGE_NOTICE_DAYS,
        ("43",),
        "Le juge avise de sa décision « dans les sept jours de celle-ci »",
        judgment_notified_on,
    )
    add(
        "appeal_deadline",
        "Date limite d'appel",
        jn_start,
        "notification du jugement" if judgment_notified_on else "notification au plus tard",
        APPEAL_DAYS,
        ("43",),
        "L'appel est formé « dans un délai de quinze jours, après sa notification à l'intéressé »",
        None,
    )
    steps = (
        Step(
            "Mention de la notification et de sa date est faite au registre des décisions de "
            "la commission (art. 36).",
            ("42", "36"),
        ),
    )
    return RefusalDeadlines(tuple(out), steps)


# --- Claims register (Art. 41) and tableaux (Art. 37, 38, 46, 47) -------------------------------


@dataclass(frozen=True)
class Claim:
    """A claim against the tableau rectificatif, as written in the register (Art. 41)."""

    received_on: date
    claimant: str
    domicile: str
    grounds: str
    oral: bool = False


@dataclass(frozen=True)
class ClaimEntry:
    """A claim given its place in the register and the receipt it is owed (Art. 41)."""

    order: int
    claim: Claim
    receipt_fr: str
    reasons: tuple[Reason, ...]

    @property
    def receivable(self) -> bool:
        return not any(r.blocking for r in self.reasons)


def register_claims(claims: Iterable[Claim], year: int) -> tuple[ClaimEntry, ...]:
    """Number the claims of ``year``'s revision in chronological order, each with its receipt
    (Art. 41), and check each: claimant, domicile and grounds stated (41), received within the
    20 days after the deposit of the tableau on 15 October (39). An oral claim is valid."""
    cal = revision_calendar(year)
    first, last = cal["tableau_deposited"].date, cal["claims_deadline"].date
    ordered = sorted(enumerate(claims), key=lambda ic: (ic[1].received_on, ic[0]))
    out: list[ClaimEntry] = []
    for order, (_, claim) in enumerate(ordered, start=1):
        reasons: list[Reason] = []
        for attr, label in (
            ("claimant", "le nom du réclamant"),
            ("domicile", "son domicile"),
            ("grounds", "l'énoncé des motifs"),
        ):
            if not getattr(claim, attr).strip():
                reasons.append(
                    Reason(
                        f"missing_{attr}",
                        f"La réclamation doit indiquer {label}.",
                        ("41",),
                        blocking=True,
                    )
                )
        if not first <= claim.received_on <= last:
            reasons.append(
                Reason(
                    "claim_out_of_time",
                    f"Réclamation reçue le {fr_date(claim.received_on)}, hors du délai de 20 "
                    f"jours ouvert du {fr_date(first)} au {fr_date(last)}.",
                    ("39",),
                    blocking=True,
                )
            )
        form = "verbale" if claim.oral else "écrite"
        receipt = (
            f"Récépissé n°{order} — réclamation {form} de {claim.claimant.strip() or '(sans nom)'}"
            f" reçue le {fr_date(claim.received_on)}, inscrite sous le n°{order} au registre des "
            "réclamations."
        )
        out.append(ClaimEntry(order, claim, receipt, tuple(reasons)))
    return tuple(out)


# Art. 37: the identity mentions of the voter list, and the motive of each change.
TABLEAU_FIELDS: tuple[str, ...] = (
    "last_name",
    "first_names",
    "birth_date",
    "birth_place",
    "address",
    "motive",
)


def check_tableau(
    entries: Iterable[dict],
    members: Iterable[str],
    signed_by: Iterable[str],
    fingerprints: Iterable[str] = (),
) -> Eligibility:
    """Check a tableau rectificatif: each entry carries the identity mentions and its motive
    (Art. 37); it is signed by every member of the commission, an illiterate member putting his
    fingerprint instead (Art. 38)."""
    reasons: list[Reason] = []
    for i, entry in enumerate(entries, start=1):
        if entry.get("change") not in ("added", "removed"):
            reasons.append(
                Reason(
                    "entry_change",
                    f"Ligne {i} : ni inscription ni radiation.",
                    ("36",),
                    blocking=True,
                )
            )
        missing = [f for f in TABLEAU_FIELDS if not str(entry.get(f) or "").strip()]
        if missing:
            reasons.append(
                Reason(
                    "entry_incomplete",
                    f"Ligne {i} : mention(s) manquante(s) : {', '.join(missing)}.",
                    ("37",),
                    blocking=True,
                )
            )
    signed = set(signed_by) | set(fingerprints)
    unsigned = [m for m in members if m not in signed]
    if unsigned:
        reasons.append(
            Reason(
                "tableau_unsigned",
                "Le tableau rectificatif doit être signé par tous les membres ; manque : "
                + ", ".join(unsigned)
                + ".",
                ("38",),
                blocking=True,
            )
        )
    if not reasons:
        reasons.append(
            Reason("tableau_ok", "Tableau complet et signé de tous les membres.", ("37", "38"))
        )
    return Eligibility.of(reasons)


# --- Removal: the elector is informed and heard (Art. 35) ---------------------------------------


def check_removal(
    decided_on: date,
    informed_on: date | None,
    *,
    fee_charged: bool = False,
    observations_allowed: bool = True,
) -> Eligibility:
    """Whether an ex officio removal, or a ruling on a contested registration, respected the
    elector's right to be informed free of charge and heard before the decision (Art. 35)."""
    reasons: list[Reason] = []
    if informed_on is None or informed_on > decided_on:
        reasons.append(
            Reason(
                "not_informed",
                "L'électeur à rayer d'office ou dont l'inscription est contestée doit être "
                "informé par le président de la commission avant la décision.",
                ("35",),
                blocking=True,
            )
        )
    if fee_charged:
        reasons.append(
            Reason(
                "fee_charged",
                "L'information de l'électeur est faite sans frais.",
                ("35",),
                blocking=True,
            )
        )
    if not observations_allowed:
        reasons.append(
            Reason(
                "not_heard",
                "L'électeur doit être admis à présenter ses observations.",
                ("35",),
                blocking=True,
            )
        )
    if not reasons:
        reasons.append(
            Reason(
                "heard",
                f"Électeur informé sans frais le {fr_date(informed_on)} et admis à présenter ses "
                f"observations avant la décision du {fr_date(decided_on)}.",
                ("35",),
            )
        )
    return Eligibility.of(reasons)


# --- Closing of the lists on 31 December (Art. 44–45) ------------------------------------------


@dataclass(frozen=True)
class ClosingEvent:
    """An event after the tableau of 15 October: a judge's decision (``add`` or ``remove``), a
    death, or a judgment depriving of the right to vote (``final``: no longer open to appeal)."""

    elector: str
    kind: str  # "judge", "death", "deprivation"
    on: date
    outcome: str = "remove"
    final: bool = True


def closing_modifications(
    year: int, events: Iterable[ClosingEvent]
) -> tuple[tuple[ClosingEvent, Reason], ...]:
    """Which events the commission carries into the lists closed on 31 December (Art. 44, 45).

    The judge's decisions are applied; electors who died since the tableau was published on
    15 October are struck, as are those a final judgment deprived of the vote. Later events wait
    for the next revision (a death before the tableau is an ex officio removal, Art. 33).
    """
    cal = revision_calendar(year)
    published, closes = cal["tableau_deposited"].date, cal["lists_closed"].date
    out: list[tuple[ClosingEvent, Reason]] = []
    for e in events:
        if e.kind not in ("judge", "death", "deprivation") or e.outcome not in ("add", "remove"):
            raise LawError(
                code="unknown_closing_event",
                message=f"événement inconnu : {e.kind} / {e.outcome}",
                articles=("45",),
                field="kind",
            )
        if e.on > closes:
            reason = Reason(
                "after_closing",
                f"{e.elector} : événement du {fr_date(e.on)}, après l'arrêt des listes le "
                f"{fr_date(closes)} — relève de la révision suivante.",
                ("44",),
                blocking=True,
            )
        elif e.kind == "judge":
            verb = "inscrit" if e.outcome == "add" else "radié"
            reason = Reason(
                "judge_applied",
                f"{e.elector} : {verb} selon la décision du juge du {fr_date(e.on)}.",
                ("45",),
            )
        elif e.kind == "death":
            if e.on < published:
                reason = Reason(
                    "death_before_tableau",
                    f"{e.elector} : décès du {fr_date(e.on)}, antérieur au tableau du "
                    f"{fr_date(published)} — radiation d'office lors de la révision.",
                    ("33",),
                )
            else:
                reason = Reason(
                    "death_removed",
                    f"{e.elector} : décédé le {fr_date(e.on)}, depuis la publication du tableau "
                    "rectificatif — retranché de la liste.",
                    ("45",),
                )
        elif not e.final:
            reason = Reason(
                "deprivation_not_final",
                f"{e.elector} : le jugement du {fr_date(e.on)} n'est pas définitif — "
                "l'électeur reste inscrit.",
                ("45",),
                blocking=True,
            )
        else:
            reason = Reason(
                "deprivation_removed",
                f"{e.elector} : privé du droit de vote par un jugement devenu définitif le "
                f"{fr_date(e.on)} — retranché de la liste.",
                ("45",),
            )
        out.append((e, reason))
    return tuple(out)


# Art. 46 al. 2 and 47: where the copies go.
TABLEAU_COPIES: tuple[str, ...] = (
    "le maire, l'ambassadeur ou le consul",
    "la commission électorale communale, d'ambassade ou de consulat",
    "le représentant de l'État dans le cercle ou le District de Bamako",
    "le Ministre chargé de l'Administration territoriale (pour la Délégation générale aux "
    "élections)",
)
LIST_COPIES: tuple[str, ...] = (
    "le secrétariat de la commune, de l'ambassade ou du consulat (consultation par tout "
    "requérant, sans déplacement)",
    "la commission électorale communale, d'ambassade ou de consulat",
    "le représentant de l'État dans le cercle ou le District de Bamako",
)


def distribution(document: str) -> tuple[Step, ...]:
    """Where the copies of the final tableau rectificatif (Art. 46: four copies) or of the new
    list (Art. 47: three copies) go, one step per copy."""
    if document == "tableau":
        return tuple(
            Step(f"Exemplaire n°{i} : {to}.", ("46",)) for i, to in enumerate(TABLEAU_COPIES, 1)
        )
    if document == "list":
        return tuple(
            Step(f"Exemplaire n°{i} : {to}.", ("47",)) for i, to in enumerate(LIST_COPIES, 1)
        )
    raise LawError(
        code="unknown_document",
        message=f"document inconnu « {document} » ; documents possibles : tableau, list",
        articles=("46", "47"),
        field="document",
    )


__all__ = [
    "Claim",
    "ClosingEvent",
    "check_removal",
    "closing_modifications",
    "distribution",
    "ClaimEntry",
    "LIST_COPIES",
    "MultipleRegistrationOutcome",
    "RefusalDeadlines",
    "Registration",
    "RevisionCalendar",
    "TABLEAU_COPIES",
    "TABLEAU_FIELDS",
    "check_registration_request",
    "check_tableau",
    "elector_number",
    "is_working_day",
    "last_working_day_on_or_before",
    "list_serving",
    "refusal_deadlines",
    "register_claims",
    "resolve_multiple_registration",
    "revision_calendar",
]
