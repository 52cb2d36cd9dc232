"""Setting up an election: the election and its first round, its contests, its polling stations,
its candidates or lists, the minutes expected from each station, and a second round.

- ``create_election(kind, polling_date, title=None, *, actor, …)``: the ``Election``, round 1
  and one contest per constituency (Art. 140, 125, 143, 177), checked against the legal calendar
  (Art. 78: a Sunday, unless forced);
- ``create_stations(election, electors_by_unit, actor)``: ⌈n/700⌉ stations of balanced sizes per
  commune — and per embassy or consulate for a presidential vote or a referendum (Art. 23, 28,
  71, 140);
- ``add_selection`` / ``add_selections`` / ``add_presidential_candidates``: candidates and lists
  (Art. 58, 127, 144, 145, 176, 185), referendum answers being created with the contest (126);
- ``open_round(round, actor)``: the ``TallySheet``s expected, one per station and contest, then
  the round is "counting";
- ``create_second_round(round1, selections_by_contest, …)``: round 2 with the contests and the
  two candidates or lists the centralisation designated (Art. 127, 144).

Every write is audited (``kalata.audit.services.record``) in its own transaction, all-or-nothing.
Errors a user can cause are French ``LawError``s naming the article. Codes: see ``models``.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db import DatabaseError, connections, router, transaction
from django.db.models import Count, Q, Sum

from kalata.audit.events import ELECTION_CREATED, register_event_type
from kalata.audit.services import record, snapshot
from kalata.elections import deputies as deputies_data
from kalata.elections.models import (
    Contest,
    Election,
    ListMember,
    PollingStation,
    Round,
    Selection,
)
from kalata.law.calendar import Calendar, ElectionType, fr_date, legal_calendar, parse_election_type
from kalata.law.explain import LawError, Step, fr_int
from kalata.law.polling import station_sizes
from kalata.results.models import TallySheet
from kalata.territory.models import Cercle, Commune, Mission

# Event types of this module. Registered on import; ``kalata.elections.admin`` imports this
# module so that they are known whenever Django is set up (``kalata audit verify``).
STATIONS_CREATED = register_event_type("election.stations_created", "Bureaux de vote créés")
SELECTIONS_ADDED = register_event_type(
    "election.selections_added", "Candidatures enregistrées dans une circonscription"
)
ROUND_OPENED = register_event_type(
    "election.round_opened", "Tour ouvert : procès-verbaux attendus créés"
)
SECOND_ROUND_CREATED = register_event_type("election.second_round_created", "Second tour créé")

Kind = Election.Kind
NATION_CODE = "NATION"
NATION_NAME = "Territoire national"
# Art. 125 (referendum) and 140 (President): the national territory, "sous réserve du cas de la
# participation des Maliens de l'extérieur" — they vote in their embassy or consulate (Art. 28).
NATIONAL_KINDS = (Kind.PRESIDENTIAL, Kind.REFERENDUM)
LIST_KINDS = (Kind.LEGISLATIVE, Kind.COMMUNAL)
SECOND_ROUND_KINDS = {Kind.PRESIDENTIAL: "127", Kind.LEGISLATIVE: "144"}
REFERENDUM_ANSWERS = (("OUI", "Oui", 1), ("NON", "Non", 2))  # Art. 126: one ballot per answer
LIST_SIZE_ARTICLE = {Kind.LEGISLATIVE: "145", Kind.COMMUNAL: "185"}
CONSTITUENCY_ARTICLE = {
    Kind.PRESIDENTIAL: "140",
    Kind.REFERENDUM: "125",
    Kind.LEGISLATIVE: "143",
    Kind.COMMUNAL: "177",
}

_SELECTION_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,19}$")
_BULK = 2000


def _insert_new(objs: Sequence) -> None:
    """``bulk_create(objs, batch_size=_BULK)`` for new rows of one model, faster on SQLite.

    On SQLite it does what ``bulk_create`` does for rows without signals, database defaults or
    conflicts (each field's ``pre_save`` and ``get_db_prep_save``, multi-row ``INSERT …
    RETURNING`` the primary keys, set on the objects) without the per-value query compilation
    that makes up half its cost for the ten thousand stations and minutes of a national
    election. Elsewhere (PostgreSQL inserts with ``UNNEST``, faster still) and where the
    database cannot return the keys of a multi-row insert: ``bulk_create`` itself."""
    if not objs:
        return
    model = type(objs[0])
    conn = connections[router.db_for_write(model)]
    if conn.vendor != "sqlite" or not conn.features.can_return_rows_from_bulk_insert:
        model._default_manager.bulk_create(objs, batch_size=_BULK)
        return
    opts = model._meta
    fields = [f for f in opts.concrete_fields if not f.primary_key]
    quote = conn.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    head = f"INSERT INTO {quote(opts.db_table)} ({columns}) VALUES "
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    returning = f" RETURNING {quote(opts.pk.column)}"
    size = max(1, min(_BULK, conn.ops.bulk_batch_size(fields, objs)))
    with conn.cursor() as cursor:
        for start in range(0, len(objs), size):
            chunk = objs[start : start + size]
            params = []
            for obj in chunk:
                if obj.pk is not None or type(obj) is not model:
                    raise ValueError("_insert_new: new rows of one model only")
                obj._prepare_related_fields_for_save(operation_name="bulk_create")
                params += [f.get_db_prep_save(f.pre_save(obj, True), conn) for f in fields]
            cursor.execute(head + ", ".join([row] * len(chunk)) + returning, params)
            keys = cursor.fetchall()
            for obj, (pk,) in zip(chunk, keys, strict=True):
                obj.pk = pk
                obj._state.adding = False
                obj._state.db = conn.alias


def _error(code: str, message: str, articles: Sequence[str] = (), field: str | None = None, **d):
    return LawError(code=code, message=message, articles=tuple(articles), field=field, details=d)


def _some(items: Sequence[str], limit: int = 5) -> str:
    items = list(items)
    shown = ", ".join(items[:limit])
    return shown + (f" … ({len(items)} en tout)" if len(items) > limit else "")


def _the(kind: Kind, capital: bool = False) -> str:
    """'l'élection des députés…', 'le référendum' (French article before the kind's label)."""
    label = kind.label[0].lower() + kind.label[1:]
    text = f"le {label}" if kind == Kind.REFERENDUM else f"l'{label}"
    return text[0].upper() + text[1:] if capital else text


def election_code(kind: str, polling_date: date) -> str:
    """``PRES-2026-04-26``: the kind's prefix and the first round's ISO date (see ``models``)."""
    return f"{Election.PREFIX[str(kind)]}-{polling_date.isoformat()}"


def _parse_date(value, field: str = "date") -> date:
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise _error(
        "date_invalid",
        f"Date « {value} » invalide : format attendu AAAA-MM-JJ (par ex. 2026-04-26).",
        field=field,
    )


def _not_sunday(polling_date: date, articles: Sequence[str] = ("78",)) -> LawError:
    return _error(
        "not_sunday",
        f"Le {fr_date(polling_date)} n'est pas un dimanche : le scrutin a lieu un dimanche "
        "(art. 78). Une date forcée est possible (option --force) si un texte le permet.",
        ("78", *[a for a in articles if a != "78"]),
        "polling_date",
    )


def _require_territory() -> None:
    try:
        loaded = Commune.objects.exists()
    except DatabaseError:
        loaded = False
    if not loaded:
        raise _error(
            "territory_not_loaded",
            "Le territoire n'est pas chargé : lancez « kalata migrate » puis "
            "« kalata territory load ».",
        )


# --- The election and its contests ----------------------------------------------------------


@dataclass(frozen=True)
class ElectionSetup:
    """What ``create_election`` created: the election, round 1, its contests, the warnings."""

    election: Election
    round: Round
    contests: int
    seats: int
    calendar: Calendar
    warnings: tuple[Step, ...]
    stations: StationsCreated | None = None
    selections: int = 0

    def as_dict(self) -> dict:
        return {
            "code": self.election.code,
            "kind": self.election.kind,
            "title": self.election.title,
            "polling_date": self.election.polling_date.isoformat(),
            "round": self.round.code,
            "contests": self.contests,
            "seats": self.seats,
            "stations": self.stations.as_dict() if self.stations else None,
            "selections": self.selections,
            "warnings": [w.as_dict() for w in self.warnings],
        }


def _national_contests(round_: Round) -> list[Contest]:
    return [
        Contest(
            round=round_, code=NATION_CODE, name=NATION_NAME, level=Contest.Level.NATION, seats=1
        )
    ]


def _legislative_contests(round_: Round, overrides: Mapping[str, int] | None) -> list[Contest]:
    """One contest per cercle and per commune of the District of Bamako (Art. 143), with the
    seats of Loi n°02-010 (``deputies.py``)."""
    table = deputies_data.load_deputies()
    seats = deputies_data.deputy_seats(overrides, table)
    cercles = list(Cercle.objects.select_related("region").order_by("code"))
    bamako = list(
        Commune.objects.filter(cercle__isnull=True).select_related("region").order_by("code")
    )
    problems = deputies_data.territory_problems(
        table, {c.code: c.name for c in cercles}, {c.code: c.name for c in bamako}
    )
    if problems:
        raise _error(
            "deputies_table_mismatch",
            "Le tableau des députés ne correspond pas au territoire : " + " ".join(problems[:5]),
            ("143",),
            "deputies",
            problems=problems,
        )
    contests = [
        Contest(
            round=round_,
            code=c.code,
            name=f"Cercle de {c.name}",
            level=Contest.Level.CERCLE,
            region=c.region,
            cercle=c,
            seats=seats[c.code],
        )
        for c in cercles
    ]
    contests += [
        Contest(
            round=round_,
            code=c.code,
            name=f"{c.name} du District de Bamako",
            level=Contest.Level.BAMAKO_COMMUNE,
            region=c.region,
            commune=c,
            seats=seats[c.code],
        )
        for c in bamako
    ]
    return contests


def _communal_contests(round_: Round) -> list[Contest]:
    """One contest per commune, seats = its councillors from the territory (Art. 177; annex)."""
    communes = Commune.objects.select_related("region", "cercle").order_by("code")
    return [
        Contest(
            round=round_,
            code=c.code,
            name=f"{c.name} ({'cercle de ' + c.cercle.name if c.cercle_id else c.region.label})",
            level=Contest.Level.COMMUNE,
            region=c.region,
            cercle=c.cercle,
            commune=c,
            seats=c.councillors,
        )
        for c in communes
    ]


def create_election(
    kind,
    polling_date,
    title: str | None = None,
    *,
    actor,
    electors: Mapping[str, int] | None = None,
    selections: Mapping[str, Sequence[Mapping]] | Sequence[Mapping] | None = None,
    force: bool = False,
    deputies: Mapping[str, int] | None = None,
    question: str = "",
) -> ElectionSetup:
    """Create an election, its first round (status setup) and its contests; return them with
    the calendar's warnings.

    - presidential (Art. 140) and referendum (Art. 125): one ``NATION`` contest, 1 seat; a
      referendum gets its ``OUI``/``NON`` answers (Art. 126) and its ``question``;
    - legislative (Art. 143): one contest per cercle and per commune of the District of Bamako,
      seats from the deputies table (Loi n°02-010), with the administrator's ``deputies``
      overrides;
    - communal (Art. 177): one contest per commune, seats = its councillors (annex);
    - national councillors: not handled yet (French error).

    The polling date must be a Sunday (Art. 78) unless ``force``: the warning is then returned
    and written in the audit event. Optionally, in the same transaction, ``electors`` (voters
    per commune/mission code, see ``create_stations``) and ``selections`` (per contest code, or
    a plain list for the ``NATION`` contest, see ``add_selections``). The code is the kind's
    prefix and the ISO date; an election with that code must not exist. Audited
    (``election.created``).
    """
    etype = parse_election_type(str(kind))
    if etype is ElectionType.NATIONAL_COUNCILLORS:
        raise _error(
            "not_supported",
            "Type de scrutin pas encore pris en charge par Kalata : l'élection des conseillers "
            "nationaux (collège des conseillers communaux, titre VI).",
            ("155",),
            "type",
        )
    kind = Kind(etype.value)
    if deputies and kind != Kind.LEGISLATIVE:
        raise _error(
            "deputies_not_legislative",
            "Le nombre de députés ne se corrige que pour l'élection des députés.",
            ("143",),
            "deputies",
        )
    polling_date = _parse_date(polling_date, "polling_date")
    calendar = legal_calendar(etype, polling_date)
    warnings = calendar.warnings
    if polling_date.weekday() != 6 and not force:
        raise _not_sunday(polling_date)
    title = (title or "").strip() or f"{kind.label} — {fr_date(polling_date)}"
    if len(title) > 200:
        raise _error("title_too_long", "L'intitulé dépasse 200 caractères.", field="title")
    _require_territory()
    code = election_code(kind, polling_date)
    if Election.objects.filter(code=code).exists():
        raise _error(
            "election_exists",
            f"Le scrutin {code} existe déjà ({kind.label} du {fr_date(polling_date)}).",
            field="polling_date",
        )

    with transaction.atomic():
        election = Election.objects.create(
            code=code,
            kind=kind,
            title=title,
            polling_date=polling_date,
            question=question if kind == Kind.REFERENDUM else "",
        )
        round_ = Round.objects.create(
            election=election, number=1, polling_date=polling_date, status=Round.Status.SETUP
        )
        if kind in NATIONAL_KINDS:
            contests = _national_contests(round_)
        elif kind == Kind.LEGISLATIVE:
            contests = _legislative_contests(round_, deputies)
        else:
            contests = _communal_contests(round_)
        Contest.objects.bulk_create(contests, batch_size=_BULK)
        if kind == Kind.REFERENDUM:
            nation = Contest.objects.get(round=round_, code=NATION_CODE)
            Selection.objects.bulk_create(
                [
                    Selection(contest=nation, code=c, kind=Selection.Kind.ANSWER, name=n, order=o)
                    for c, n, o in REFERENDUM_ANSWERS
                ]
            )
        seats = sum(c.seats for c in contests)
        reason = ""
        if polling_date.weekday() != 6:
            reason = "Date forcée : " + " ".join(str(w) for w in warnings)
        record(
            ELECTION_CREATED,
            actor,
            ("elections.election", code),
            None,
            {
                "election": snapshot(election),
                "round": round_.code,
                "round_status": round_.status,
                "contests": len(contests),
                "seats": seats,
                "deputies_overrides": dict(deputies or {}) if kind == Kind.LEGISLATIVE else {},
                "warnings": [str(w) for w in warnings],
            },
            reason,
        )
        stations = None
        if electors:
            stations = create_stations(election, electors, actor)
        added = 0
        if selections:
            if not isinstance(selections, Mapping):
                selections = {NATION_CODE: selections}
            added = sum(len(v) for v in add_selections(round_, selections, actor=actor).values())
    return ElectionSetup(
        election=election,
        round=round_,
        contests=len(contests),
        seats=seats,
        calendar=calendar,
        warnings=warnings,
        stations=stations,
        selections=added,
    )


def get_election(code: str) -> Election:
    """The election with this code; French ``LawError`` otherwise."""
    try:
        return Election.objects.get(code=code)
    except Election.DoesNotExist:
        raise _error("election_unknown", f"Aucun scrutin ne porte le code « {code} ».") from None


def get_round(election: Election, number: int) -> Round:
    """Round ``number`` of ``election``; French ``LawError`` otherwise."""
    try:
        return election.rounds.get(number=number)
    except Round.DoesNotExist:
        raise _error(
            "round_unknown", f"Le scrutin {election.code} n'a pas de tour n°{number}."
        ) from None


# --- Polling stations -----------------------------------------------------------------------


@dataclass(frozen=True)
class StationsCreated:
    """Stations created per unit (commune or mission code): (stations, registered electors)."""

    by_unit: Mapping[str, tuple[int, int]]
    steps: tuple[Step, ...] = field(default=(), compare=False)

    @property
    def units(self) -> int:
        return len(self.by_unit)

    @property
    def stations(self) -> int:
        return sum(s for s, _ in self.by_unit.values())

    @property
    def registered(self) -> int:
        return sum(r for _, r in self.by_unit.values())

    def as_dict(self) -> dict:
        return {"units": self.units, "stations": self.stations, "registered": self.registered}


def station_code(unit_code: str, number: int) -> str:
    """``CM010101-BV003``: the commune or mission code, ``-BV`` and a 3-digit number."""
    return f"{unit_code}-BV{number:03d}"


def create_stations(election: Election, electors_by_unit: Mapping[str, int], actor):
    """Create the polling stations of ``election`` from the electors registered per unit.

    ``electors_by_unit`` maps a commune code (``CM010101``) or a mission code
    (``AMB-CI-ABIDJAN``) to its registered electors. Each unit's voter list (Art. 23) is split
    into ⌈n/700⌉ stations of balanced sizes (Art. 71, ``kalata.law.polling.station_sizes``),
    coded ``<unit>-BV001``…, named "Bureau n°1"…; a unit with no elector gets no station.

    Embassies and consulates hold voter lists (Art. 23, 28) and vote where the constituency is
    the national territory "sous réserve du cas de la participation des Maliens de l'extérieur":
    the presidential election (Art. 140) and the referendum (Art. 125). For deputies the
    constituencies are the cercles and the communes of the District of Bamako (Art. 143), for
    communal councillors the commune (Art. 177): no constituency contains a mission, so Malians
    abroad do not vote there and a mission's electors are refused for those elections.

    Stations can be added unit by unit while every round is still being set up (a unit that
    already has stations is refused: Art. 71, the stations are fixed by one decision), never
    once a round is open (its expected minutes are already fixed). Bulk-created; one audit
    event (``election.stations_created``) with the stations and electors per unit.
    """
    kind = Kind(election.kind)
    if kind == Kind.NATIONAL_COUNCILLORS:
        raise _error(
            "not_supported",
            "Type de scrutin pas encore pris en charge : l'élection des conseillers nationaux.",
            ("155",),
        )
    opened = election.rounds.exclude(status=Round.Status.SETUP).order_by("number").first()
    if opened is not None:
        raise _error(
            "stations_frozen",
            f"Le tour {opened.code} est ouvert : ses procès-verbaux attendus sont fixés, les "
            "bureaux de vote ne peuvent plus être ajoutés.",
            ("71",),
            "electors",
        )
    if not electors_by_unit:
        raise _error("no_electors", "Aucun électeur inscrit n'est donné.", ("71",), "electors")
    for code, n in electors_by_unit.items():
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise _error(
                "electors_invalid",
                f"Nombre d'électeurs inscrits « {n} » invalide pour {code} : un entier positif "
                "ou nul.",
                ("71",),
                "electors",
                unit=code,
            )
    codes = list(electors_by_unit)
    communes = Commune.objects.in_bulk(codes, field_name="code")
    missions = Mission.objects.in_bulk([c for c in codes if c not in communes], field_name="code")
    unknown = [c for c in codes if c not in communes and c not in missions]
    if unknown:
        raise _error(
            "unit_unknown",
            "Ni commune ni ambassade ou consulat connu : " + _some(sorted(unknown)) + ".",
            ("23",),
            "electors",
            units=sorted(unknown),
        )
    if missions and kind in LIST_KINDS:
        article = CONSTITUENCY_ARTICLE[kind]
        where = (
            "les circonscriptions sont les cercles et les communes du District de Bamako"
            if kind == Kind.LEGISLATIVE
            else "la circonscription est la commune"
        )
        raise _error(
            "mission_not_in_constituency",
            f"Les ambassades et consulats ({_some(sorted(missions))}) ne votent pas à "
            f"{_the(kind)} : {where} (art. {article}) ; les "
            "Maliens de l'extérieur ne votent qu'à l'élection présidentielle et au référendum "
            "(art. 140, 125).",
            (article, "23", "28"),
            "electors",
            units=sorted(missions),
        )
    taken = sorted(
        set(
            PollingStation.objects.filter(election=election, commune__code__in=list(communes))
            .values_list("commune__code", flat=True)
            .distinct()
        )
        | set(
            PollingStation.objects.filter(election=election, mission__code__in=list(missions))
            .values_list("mission__code", flat=True)
            .distinct()
        )
    )
    if taken:
        raise _error(
            "stations_exist",
            "Ces unités ont déjà leurs bureaux de vote : " + _some(taken) + ".",
            ("71",),
            "electors",
            units=taken,
        )

    stations: list[PollingStation] = []
    by_unit: dict[str, tuple[int, int]] = {}
    for code in sorted(codes):
        n = electors_by_unit[code]
        sizes = station_sizes(n).sizes
        commune = communes.get(code)
        mission = missions.get(code)
        for i, size in enumerate(sizes, start=1):
            stations.append(
                PollingStation(
                    election=election,
                    code=station_code(code, i),
                    number=i,
                    name=f"Bureau n°{i}",
                    commune=commune,
                    mission=mission,
                    registered=size,
                )
            )
        by_unit[code] = (len(sizes), n)
    result = StationsCreated(
        by_unit=by_unit,
        steps=(
            Step(
                f"{fr_int(sum(n for _, n in by_unit.values()))} électeurs inscrits dans "
                f"{len(by_unit)} liste(s) électorale(s) : {fr_int(len(stations))} bureaux de vote, "
                "un pour 700 électeurs ou fraction de 700 par liste, de tailles équilibrées.",
                ("71",),
            ),
        ),
    )
    with transaction.atomic():
        _insert_new(stations)
        record(
            STATIONS_CREATED,
            actor,
            ("elections.election", election.code),
            None,
            {
                "units": result.units,
                "stations": result.stations,
                "registered": result.registered,
                "by_unit": {code: list(v) for code, v in by_unit.items()},
            },
        )
    return result


# --- Candidates, lists and answers ----------------------------------------------------------


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _member_tuple(member, index: int, where: str):
    if isinstance(member, Mapping):
        rank, name, birth = member.get("rank"), member.get("name"), member.get("birth_date")
    else:
        try:
            rank, name, birth = member
        except (TypeError, ValueError):
            raise _error(
                "member_invalid",
                f"{where} : le candidat n°{index} doit être (rang, nom, date de naissance).",
                ("57",),
                "members",
            ) from None
    if birth is not None and not isinstance(birth, date):
        birth = _parse_date(birth, "members")
    return rank, (name or "").strip() if isinstance(name, str) else name, birth


@dataclass
class _ContestState:
    """What a contest already holds, to validate new selections against (Art. 58)."""

    codes: set[str]
    titles: set[str]
    parties: set[str]
    orders: set[int]
    people: set[tuple[str, date]]
    next_order: int


def _states(contests: Sequence[Contest]) -> dict[int, _ContestState]:
    """The state of each contest, in two queries whatever their number."""
    states = {c.pk: _ContestState(set(), set(), set(), set(), set(), 1) for c in contests}
    rows = (
        Selection.objects.filter(contest__in=[c.pk for c in contests])
        .order_by()
        .values_list("contest_id", "code", "kind", "name", "party", "order")
    )
    for contest_id, code, kind, name, party, order in rows:
        state = states[contest_id]
        state.codes.add(code)
        state.orders.add(order)
        state.next_order = max(state.next_order, order + 1)
        if kind == Selection.Kind.LIST:
            state.titles.add(_norm(name))
            if party:
                state.parties.add(_norm(party))
    people = (
        ListMember.objects.filter(
            selection__contest__in=[c.pk for c in contests], birth_date__isnull=False
        )
        .order_by()
        .values_list("selection__contest_id", "name", "birth_date")
    )
    for contest_id, name, birth in people:
        states[contest_id].people.add((_norm(name), birth))
    return states


def _check_editable(contest: Contest) -> None:
    round_ = contest.round
    if round_.number != 1:
        raise _error(
            "second_round_fixed",
            "Les candidats ou listes du second tour sont ceux que désigne le premier tour "
            "(art. 127, 144) : ils sont repris par la création du second tour.",
            ("127", "144"),
        )
    if round_.status != Round.Status.SETUP:
        raise _error(
            "round_open",
            f"Le tour {round_.code} est ouvert : les candidatures ne peuvent plus changer.",
        )


def _build_selection(contest: Contest, kind: Kind, spec: Mapping, state: _ContestState):
    """Validate one candidacy against the law and the contest; the unsaved objects."""
    where = f"{contest.code}"
    code = str(spec.get("code") or "").strip()
    if not _SELECTION_CODE_RE.match(code):
        raise _error(
            "selection_code_invalid",
            f"{where} : code « {code} » invalide (1 à 20 lettres, chiffres, « - », « _ » ou "
            "« . », par ex. C01, L03).",
            field="code",
        )
    where = f"{contest.code}/{code}"
    if code in state.codes:
        raise _error(
            "selection_code_taken",
            f"Le code {code} est déjà pris dans la circonscription {contest.name}.",
            field="code",
        )
    name = str(spec.get("name") or "").strip()
    if not name or len(name) > 200:
        raise _error(
            "selection_name_invalid",
            f"{where} : nom ou titre manquant ou de plus de 200 caractères.",
            ("57",),
            "name",
        )
    # Default nature: a candidate in a presidential election, a list in a list election.
    skind = str(spec.get("kind") or ("candidate" if kind == Kind.PRESIDENTIAL else "list"))
    party = str(spec.get("party") or "").strip()
    members = list(spec.get("members") or ())
    birth = spec.get("birth_date")
    if birth is not None:
        birth = _parse_date(birth, "birth_date")

    if kind == Kind.REFERENDUM:
        raise _error(
            "referendum_answers_fixed",
            "Un référendum n'a pas de candidats : les réponses OUI et NON, une couleur de "
            "bulletin chacune, sont créées avec le scrutin.",
            ("126",),
            "kind",
        )
    allowed = {
        Kind.PRESIDENTIAL: {Selection.Kind.CANDIDATE},
        # Art. 144: "le candidat ou la liste" — a single candidate only where one seat is at
        # stake (a list of one is also accepted); Art. 145: as many candidates as seats.
        Kind.LEGISLATIVE: {Selection.Kind.LIST}
        | ({Selection.Kind.CANDIDATE} if contest.seats == 1 else set()),
        Kind.COMMUNAL: {Selection.Kind.LIST},  # Art. 176, 185: lists only
    }[kind]
    if skind not in allowed:
        expected = " ou ".join(sorted(Selection.Kind(k).label for k in allowed))
        article = {Kind.PRESIDENTIAL: "127", Kind.LEGISLATIVE: "144", Kind.COMMUNAL: "176"}[kind]
        raise _error(
            "selection_kind_invalid",
            f"{where} : nature « {skind} » refusée pour {_the(kind)} ; attendu : {expected}.",
            (article,),
            "kind",
        )

    order = spec.get("order")
    if order is None:
        order = state.next_order
    if isinstance(order, bool) or not isinstance(order, int) or order < 1 or order > 32767:
        raise _error(
            "order_invalid", f"{where} : rang sur le bulletin « {order} » invalide.", field="order"
        )
    if order in state.orders:
        raise _error(
            "order_taken",
            f"{where} : le rang {order} sur le bulletin est déjà attribué dans {contest.name}.",
            field="order",
        )

    objs_members: list[ListMember] = []
    if skind == Selection.Kind.LIST:
        article = LIST_SIZE_ARTICLE[kind]
        if len(members) != contest.seats:
            raise _error(
                "list_size",
                f"La liste « {name} » ({where}) compte {len(members)} candidat(s) pour "
                f"{contest.seats} siège(s) à pourvoir : chaque liste comprend un nombre de "
                f"candidats égal au nombre de sièges (art. 58, {article}).",
                ("58", article),
                "members",
                candidates=len(members),
                seats=contest.seats,
            )
        title = _norm(name)
        if title in state.titles:
            raise _error(
                "list_title_taken",
                f"Une autre liste porte déjà le titre « {name} » dans {contest.name} (art. 58).",
                ("58",),
                "name",
            )
        if party and _norm(party) in state.parties:
            raise _error(
                "list_party_taken",
                f"Une autre liste se réclame déjà du parti « {party} » dans {contest.name} "
                "(art. 58).",
                ("58",),
                "party",
            )
        if birth is not None:
            raise _error(
                "list_birth_date",
                f"{where} : une liste n'a pas de date de naissance ; elle va à chaque candidat.",
                ("57",),
                "birth_date",
            )
        tuples = [_member_tuple(m, i, where) for i, m in enumerate(members, start=1)]
        ranks = [t[0] for t in tuples]
        if sorted(r for r in ranks if isinstance(r, int)) != list(range(1, len(tuples) + 1)):
            raise _error(
                "member_ranks",
                f"{where} : les rangs des candidats doivent être 1 à {len(tuples)}, chacun une "
                "fois (ordre de présentation, art. 57).",
                ("57",),
                "members",
            )
        seen: set[tuple[str, date]] = set()
        for rank, mname, mbirth in tuples:
            if not isinstance(mname, str) or not mname or len(mname) > 200:
                raise _error(
                    "member_name_invalid",
                    f"{where} : nom du candidat de rang {rank} manquant ou trop long.",
                    ("57",),
                    "members",
                )
            if mbirth is not None:
                person = (_norm(mname), mbirth)
                if person in seen or person in state.people:
                    raise _error(
                        "candidate_twice",
                        f"{mname}, né(e) le {mbirth.isoformat()}, figure sur plusieurs listes "
                        f"dans {contest.name} : nul ne peut être candidat sur plusieurs listes "
                        "(art. 58).",
                        ("58",),
                        "members",
                    )
                seen.add(person)
            objs_members.append(ListMember(rank=rank, name=mname, birth_date=mbirth))
    elif members:
        raise _error(
            "members_not_list",
            f"{where} : seule une liste a des candidats ; « {skind} » n'en a pas.",
            ("57",),
            "members",
        )
    if len(party) > 200:
        raise _error("party_too_long", f"{where} : parti de plus de 200 caractères.", field="party")

    selection = Selection(
        contest=contest,
        code=code,
        kind=skind,
        name=name,
        party=party,
        order=order,
        birth_date=birth if skind == Selection.Kind.CANDIDATE else None,
    )
    # Update the state so that the next candidacy of the same batch is checked against this one.
    state.codes.add(code)
    state.orders.add(order)
    state.next_order = max(state.next_order, order + 1)
    if skind == Selection.Kind.LIST:
        state.titles.add(_norm(name))
        if party:
            state.parties.add(_norm(party))
        state.people |= {(_norm(m.name), m.birth_date) for m in objs_members if m.birth_date}
    return selection, objs_members


def _selection_plain(selection: Selection, members: Sequence[ListMember]) -> dict:
    return {
        "code": selection.code,
        "kind": selection.kind,
        "name": selection.name,
        "party": selection.party,
        "order": selection.order,
        "birth_date": selection.birth_date,
        "members": [[m.rank, m.name, m.birth_date] for m in members],
    }


def _save_selections(
    items: Sequence[tuple[Contest, list[tuple[Selection, list[ListMember]]]]], actor
) -> None:
    """Bulk-create selections and members; one audit event per contest (inside a transaction)."""
    selections = [s for _, pairs in items for s, _ in pairs]
    Selection.objects.bulk_create(selections, batch_size=_BULK)
    members = []
    for _, pairs in items:
        for selection, ms in pairs:
            for m in ms:
                m.selection = selection
                members.append(m)
    ListMember.objects.bulk_create(members, batch_size=_BULK)
    for contest, pairs in items:
        record(
            SELECTIONS_ADDED,
            actor,
            ("elections.contest", f"{contest.round.code}/{contest.code}"),
            None,
            {"selections": [_selection_plain(s, ms) for s, ms in pairs]},
        )


def add_selection(
    contest: Contest,
    code: str,
    name: str,
    kind: str,
    party: str = "",
    order: int | None = None,
    members: Sequence = (),
    birth_date: date | None = None,
    *,
    actor=None,
) -> Selection:
    """Register a candidate or a list in ``contest`` (round 1, still being set up).

    - presidential: candidates (Art. 127, uninominal);
    - legislative: lists of exactly as many candidates as seats (Art. 58, 145), or a single
      candidate where one seat is at stake (Art. 144 "le candidat ou la liste");
    - communal: lists of exactly as many candidates as seats (Art. 58, 176, 185);
    - referendum: refused — the ``OUI``/``NON`` answers are created with the election (Art. 126).

    ``members``: ``(rank, name, birth_date)`` tuples (or dicts), ranks 1…n in order of
    presentation (Art. 57). Codes are unique in the contest; two lists of a contest may not share
    a title or a party, nor a candidate (same name and birth date) (Art. 58). ``order``: rank on
    the ballot, by default the next one. Audited (``election.selections_added``).
    """
    spec = {
        "code": code,
        "name": name,
        "kind": kind,
        "party": party,
        "order": order,
        "members": members,
        "birth_date": birth_date,
    }
    return add_selections(contest.round, {contest.code: [spec]}, actor=actor)[contest.code][0]


def add_selections(
    round_: Round, selections_by_contest: Mapping[str, Sequence[Mapping]], *, actor=None
) -> dict[str, list[Selection]]:
    """Register many candidacies at once: ``{contest code: [spec, …]}``, each spec a dict with
    the arguments of ``add_selection`` (``code``, ``name``, ``kind``, ``party``, ``order``,
    ``members``, ``birth_date``). Same rules (Art. 58, 126, 127, 144, 145, 176, 185); all or
    nothing; bulk-created, one audit event per contest.
    """
    kind = Kind(round_.election.kind)
    contests = {
        c.code: c
        for c in Contest.objects.filter(
            round=round_, code__in=list(selections_by_contest)
        ).select_related("round__election")
    }
    unknown = sorted(set(selections_by_contest) - set(contests))
    if unknown:
        raise _error(
            "contest_unknown",
            f"Circonscription(s) inconnue(s) au tour {round_.code} : {_some(unknown)}.",
            field="contest",
        )
    for contest in contests.values():
        _check_editable(contest)
    states = _states(list(contests.values()))
    items = []
    for code, specs in selections_by_contest.items():
        contest = contests[code]
        state = states[contest.pk]
        pairs = [_build_selection(contest, kind, spec, state) for spec in specs]
        items.append((contest, pairs))
    with transaction.atomic():
        _save_selections(items, actor)
    return {contest.code: [s for s, _ in pairs] for contest, pairs in items}


def add_presidential_candidates(
    election: Election | Round, candidates: Sequence[Mapping], *, actor=None
) -> list[Selection]:
    """Register the presidential candidates (Art. 127; the list the Constitutional Court
    published, Art. 136) in the ``NATION`` contest of round 1, from dicts with ``code``,
    ``name``, optional ``party``, ``order`` and ``birth_date``."""
    round_ = election if isinstance(election, Round) else get_round(election, 1)
    if round_.election.kind != Kind.PRESIDENTIAL:
        raise _error(
            "not_presidential",
            f"{round_.election.code} n'est pas une élection présidentielle.",
            ("127",),
        )
    specs = [{"kind": Selection.Kind.CANDIDATE, **dict(c)} for c in candidates]
    return add_selections(round_, {NATION_CODE: specs}, actor=actor)[NATION_CODE]


# --- Expected minutes -----------------------------------------------------------------------


@dataclass(frozen=True)
class RoundOpened:
    """The minutes expected for an opened round, per contest code."""

    round: Round
    by_contest: Mapping[str, int]
    contests_without_station: tuple[str, ...]
    unassigned_stations: int

    @property
    def sheets(self) -> int:
        return sum(self.by_contest.values())

    def as_dict(self) -> dict:
        return {
            "round": self.round.code,
            "sheets": self.sheets,
            "contests_without_station": list(self.contests_without_station),
            "unassigned_stations": self.unassigned_stations,
        }


def open_round(round_: Round, actor) -> RoundOpened:
    """Create the minutes (``TallySheet``) expected for ``round_`` and set it counting.

    One sheet per polling station for the contest its unit belongs to: presidential and
    referendum, every station (communes and missions) to ``NATION`` (Art. 140, 125);
    legislative, a station of a commune of cercle C to contest C and a station of a Bamako
    commune to that commune's contest (Art. 143), mission stations to none; communal, the
    station's commune (Art. 177). In a second round only the contests still at stake receive
    sheets. Refused when a contest has no candidate, list or answer standing, when there is no
    station, or when the round is not being set up. Bulk-created; audited
    (``election.round_opened``).
    """
    round_ = Round.objects.select_related("election").get(pk=round_.pk)
    election = round_.election
    kind = Kind(election.kind)
    if round_.status != Round.Status.SETUP:
        raise _error(
            "round_already_open",
            f"Le tour {round_.code} est déjà ouvert ({round_.get_status_display()}).",
        )
    contests = list(
        Contest.objects.filter(round=round_).annotate(
            standing=Count("selections", filter=Q(selections__withdrawn=False))
        )
    )
    if not contests:
        raise _error("no_contest", f"Le tour {round_.code} n'a aucune circonscription.")
    empty = sorted(c.code for c in contests if c.standing == 0)
    if empty:
        raise _error(
            "contest_without_selection",
            f"Aucun candidat ni liste dans : {_some(empty)}. Enregistrez les candidatures "
            "avant d'ouvrir le tour.",
            field="contest",
            contests=empty,
        )
    stations = list(
        PollingStation.objects.filter(election=election).values_list(
            "id", "commune_id", "commune__cercle_id", "mission_id"
        )
    )
    if not stations:
        raise _error(
            "no_station",
            f"Le scrutin {election.code} n'a aucun bureau de vote : créez-les d'abord "
            "(un bureau pour 700 électeurs ou fraction de 700).",
            ("71",),
        )
    if kind in NATIONAL_KINDS:
        nation = next(c for c in contests if c.code == NATION_CODE)

        def target(commune_id, cercle_id, mission_id):
            return nation
    elif kind == Kind.LEGISLATIVE:
        by_cercle = {c.cercle_id: c for c in contests if c.level == Contest.Level.CERCLE}
        by_bamako = {c.commune_id: c for c in contests if c.level == Contest.Level.BAMAKO_COMMUNE}

        def target(commune_id, cercle_id, mission_id):
            if commune_id is None:
                return None  # Art. 143: no mission in any constituency
            return by_cercle.get(cercle_id) if cercle_id else by_bamako.get(commune_id)
    else:
        by_commune = {c.commune_id: c for c in contests}

        def target(commune_id, cercle_id, mission_id):
            return by_commune.get(commune_id)  # Art. 177

    sheets = []
    per_contest: Counter[str] = Counter()
    unassigned = 0
    for station_id, commune_id, cercle_id, mission_id in stations:
        contest = target(commune_id, cercle_id, mission_id)
        if contest is None:
            unassigned += 1
            continue
        sheets.append(TallySheet(round_id=round_.pk, contest_id=contest.pk, station_id=station_id))
        per_contest[contest.code] += 1
    without = tuple(sorted(c.code for c in contests if per_contest[c.code] == 0))
    by_contest = {c.code: per_contest[c.code] for c in sorted(contests, key=lambda c: c.code)}
    from kalata.results.entry import record_expected

    with transaction.atomic():
        _insert_new(sheets)
        # Each sheet is an audited row (``results.tallysheet``): its creation is recorded
        # (``tally.expected``), or ``kalata audit verify`` would report it written outside the log.
        record_expected(sheets, actor)
        before = {"status": round_.status}
        round_.status = Round.Status.COUNTING
        round_.save(update_fields=["status"])
        record(
            ROUND_OPENED,
            actor,
            ("elections.round", round_.code),
            before,
            {
                "status": round_.status,
                "sheets": len(sheets),
                "by_contest": by_contest,
                "contests_without_station": list(without),
                "unassigned_stations": unassigned,
            },
        )
    return RoundOpened(
        round=round_,
        by_contest=by_contest,
        contests_without_station=without,
        unassigned_stations=unassigned,
    )


# --- Second round ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SecondRoundSetup:
    """The second round created, its contests and the warnings on its date."""

    round: Round
    contests: tuple[str, ...]
    warnings: tuple[Step, ...]

    def as_dict(self) -> dict:
        return {
            "round": self.round.code,
            "polling_date": self.round.polling_date.isoformat(),
            "contests": list(self.contests),
            "warnings": [w.as_dict() for w in self.warnings],
        }


def create_second_round(
    round1: Round,
    selections_by_contest: Mapping[str, Sequence[str]],
    polling_date: date | str | None = None,
    *,
    actor,
    force: bool = False,
) -> SecondRoundSetup:
    """Create round 2 with the contests and the two selections per contest it is told.

    Which candidates or lists go to round 2 is the law engine's decision
    (``kalata.law.outcomes``), computed by the centralisation; this function creates it:
    ``selections_by_contest`` maps each contest still at stake (legislative: the
    constituencies not decided in round 1) to exactly two selection codes of round 1 —
    "seuls peuvent se présenter les deux candidats" (Art. 127), "les deux candidats ou les deux
    listes" (Art. 144) — none of them withdrawn (on a withdrawal the next in the round-1
    ranking steps up, Art. 127: the caller passes that one). Each listed contest is copied with
    copies of its two selections (same codes, names, parties, ballot order, members).

    Only presidential and legislative elections have a second round (Art. 127, 144; a
    referendum is decided at once, communal seats by proportional representation, Art. 176).
    Round 1 must have been opened. The date is the one the law gives — the second Sunday after
    the first round (Art. 127, 144, ``legal_calendar`` ``second_round``) — unless
    ``polling_date`` is given: a different date is returned as a warning, a day other than
    Sunday refused unless ``force`` (Art. 78). Audited (``election.second_round_created``).
    """
    round1 = Round.objects.select_related("election").get(pk=round1.pk)
    election = round1.election
    kind = Kind(election.kind)
    if kind not in SECOND_ROUND_KINDS:
        raise _error(
            "no_second_round",
            f"{_the(kind, capital=True)} n'a pas de second tour "
            "(seuls le Président et les députés sont élus à deux tours, art. 127, 144).",
            ("127", "144"),
        )
    article = SECOND_ROUND_KINDS[kind]
    if round1.number != 1:
        raise _error(
            "not_first_round", f"{round1.code} n'est pas un premier tour.", (article,), "round"
        )
    if election.rounds.filter(number=2).exists():
        raise _error(
            "second_round_exists", f"Le scrutin {election.code} a déjà un second tour.", (article,)
        )
    if round1.status == Round.Status.SETUP:
        raise _error(
            "first_round_not_held",
            f"Le premier tour {round1.code} n'est pas encore ouvert : le second tour suit ses "
            "résultats.",
            (article,),
        )
    if not selections_by_contest:
        raise _error(
            "second_round_empty",
            "Aucune circonscription n'est désignée pour le second tour.",
            (article,),
            "contests",
        )

    legal = legal_calendar(ElectionType(kind.value), round1.polling_date)["second_round"].date
    warnings: list[Step] = []
    if polling_date is None:
        polling_date = legal
    else:
        polling_date = _parse_date(polling_date, "polling_date")
        if polling_date <= round1.polling_date:
            raise _error(
                "second_round_before_first",
                f"Le second tour ({fr_date(polling_date)}) doit suivre le premier "
                f"({fr_date(round1.polling_date)}).",
                (article,),
                "polling_date",
            )
        if polling_date != legal:
            warnings.append(
                Step(
                    f"Le second tour a lieu le deuxième dimanche suivant le premier, soit le "
                    f"{fr_date(legal)} ; la date retenue est le {fr_date(polling_date)}.",
                    (article,),
                )
            )
        if polling_date.weekday() != 6:
            if not force:
                raise _not_sunday(polling_date, (article,))
            warnings.append(Step(f"Le {fr_date(polling_date)} n'est pas un dimanche.", ("78",)))

    contests = {
        c.code: c
        for c in Contest.objects.filter(round=round1, code__in=list(selections_by_contest))
    }
    unknown = sorted(set(selections_by_contest) - set(contests))
    if unknown:
        raise _error(
            "contest_unknown",
            f"Circonscription(s) inconnue(s) au premier tour : {_some(unknown)}.",
            (article,),
            "contests",
        )
    selections = defaultdict(dict)
    for s in Selection.objects.filter(contest__in=list(contests.values())).prefetch_related(
        "members"
    ):
        selections[s.contest_id][s.code] = s
    chosen: dict[str, list[Selection]] = {}
    for code, codes in selections_by_contest.items():
        contest = contests[code]
        codes = [codes] if isinstance(codes, str) else list(codes)
        if len(codes) != 2 or len(set(codes)) != 2:
            raise _error(
                "second_round_two",
                f"{contest.name} : le second tour oppose exactement deux "
                f"{'candidats' if kind == Kind.PRESIDENTIAL else 'candidats ou listes'} "
                f"(art. {article}), {len(set(codes))} désigné(s).",
                (article,),
                "selections",
                contest=code,
            )
        available = selections[contest.pk]
        missing = [c for c in codes if c not in available]
        if missing:
            raise _error(
                "selection_unknown",
                f"{contest.name} : {_some(missing)} ne se présentai(en)t pas au premier tour.",
                (article,),
                "selections",
                contest=code,
            )
        withdrawn = [c for c in codes if available[c].withdrawn]
        if withdrawn:
            raise _error(
                "selection_withdrawn",
                f"{contest.name} : {_some(withdrawn)} s'est désisté ; le suivant dans l'ordre du "
                f"premier tour se présente à sa place (art. {article}).",
                (article,),
                "selections",
                contest=code,
            )
        chosen[code] = [available[c] for c in codes]

    with transaction.atomic():
        round2 = Round.objects.create(
            election=election, number=2, polling_date=polling_date, status=Round.Status.SETUP
        )
        new_contests = [
            Contest(
                round=round2,
                code=c.code,
                name=c.name,
                level=c.level,
                region_id=c.region_id,
                cercle_id=c.cercle_id,
                commune_id=c.commune_id,
                seats=c.seats,
            )
            for c in sorted(contests.values(), key=lambda c: c.code)
        ]
        Contest.objects.bulk_create(new_contests, batch_size=_BULK)
        by_code = {c.code: c for c in new_contests}
        items = []
        for code in sorted(chosen):
            pairs = []
            for old in chosen[code]:
                copy = Selection(
                    contest=by_code[code],
                    code=old.code,
                    kind=old.kind,
                    name=old.name,
                    party=old.party,
                    order=old.order,
                    birth_date=old.birth_date,
                )
                members = [
                    ListMember(rank=m.rank, name=m.name, birth_date=m.birth_date)
                    for m in old.members.all()
                ]
                pairs.append((copy, members))
            items.append((by_code[code], pairs))
        _save_selections(items, actor)
        record(
            SECOND_ROUND_CREATED,
            actor,
            ("elections.round", round2.code),
            None,
            {
                "round": snapshot(round2),
                "legal_date": legal,
                "selections": {code: [s.code for s in chosen[code]] for code in sorted(chosen)},
                "warnings": [str(w) for w in warnings],
            },
        )
    return SecondRoundSetup(round=round2, contests=tuple(sorted(chosen)), warnings=tuple(warnings))


# --- Reading --------------------------------------------------------------------------------


def election_summary(election: Election) -> dict:
    """Rounds, contests, seats, stations, registered electors and minutes expected/received."""
    stations = PollingStation.objects.filter(election=election).aggregate(
        n=Count("id"),
        electors=Sum("registered"),
        abroad=Count("id", filter=Q(mission__isnull=False)),
        abroad_electors=Sum("registered", filter=Q(mission__isnull=False)),
    )
    rounds = []
    for r in election.rounds.order_by("number"):
        contest_stats = Contest.objects.filter(round=r).aggregate(n=Count("id"), seats=Sum("seats"))
        status_counts = dict(
            TallySheet.objects.filter(round=r)
            .order_by()
            .values_list("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
        )
        expected = sum(status_counts.values())
        rounds.append(
            {
                "code": r.code,
                "number": r.number,
                "polling_date": r.polling_date.isoformat(),
                "status": r.status,
                "status_label": r.get_status_display(),
                "contests": contest_stats["n"] or 0,
                "seats": contest_stats["seats"] or 0,
                "selections": Selection.objects.filter(contest__round=r).count(),
                "sheets": {
                    "expected": expected,
                    "received": expected - status_counts.get(TallySheet.Status.EXPECTED, 0),
                    "by_status": {
                        s.value: status_counts.get(s.value, 0) for s in TallySheet.Status
                    },
                },
            }
        )
    return {
        "code": election.code,
        "kind": election.kind,
        "kind_label": election.get_kind_display(),
        "title": election.title,
        "polling_date": election.polling_date.isoformat(),
        "question": election.question,
        "stations": stations["n"] or 0,
        "registered": stations["electors"] or 0,
        "stations_abroad": stations["abroad"] or 0,
        "registered_abroad": stations["abroad_electors"] or 0,
        "rounds": rounds,
    }


def list_elections() -> list[dict]:
    """Every election, most recent first: code, kind, title, date, rounds and their status."""
    out = []
    elections = Election.objects.prefetch_related("rounds").annotate(
        contests=Count("rounds__contests", filter=Q(rounds__number=1))
    )
    for e in elections:
        out.append(
            {
                "code": e.code,
                "kind": e.kind,
                "kind_label": e.get_kind_display(),
                "title": e.title,
                "polling_date": e.polling_date.isoformat(),
                "contests": e.contests,
                "rounds": [
                    {
                        "number": r.number,
                        "polling_date": r.polling_date.isoformat(),
                        "status": r.status,
                    }
                    for r in sorted(e.rounds.all(), key=lambda r: r.number)
                ],
            }
        )
    return out


def deputies_rule_comparison(overrides: Mapping[str, int] | None = None):
    """The deputies table beside the rule of Loi n°02-010 art. 1er applied to the populations of
    the territory in the database (Art. 143); see ``deputies.compare_with_rule``."""
    _require_territory()
    populations: dict[str, int | None] = {}
    for code, cercle_code, population in Commune.objects.values_list(
        "code", "cercle__code", "population"
    ):
        key = cercle_code or code
        if population is None or populations.get(key, 0) is None:
            populations[key] = None
        else:
            populations[key] = populations.get(key, 0) + population
    table = deputies_data.load_deputies()
    return deputies_data.compare_with_rule(
        populations, deputies_data.deputy_seats(overrides, table), table
    )


__all__ = [
    "ElectionSetup",
    "NATION_CODE",
    "RoundOpened",
    "SecondRoundSetup",
    "StationsCreated",
    "add_presidential_candidates",
    "add_selection",
    "add_selections",
    "create_election",
    "create_second_round",
    "create_stations",
    "deputies_rule_comparison",
    "election_code",
    "election_summary",
    "get_election",
    "get_round",
    "list_elections",
    "open_round",
    "station_code",
]
