"""The JSON API, version 1 (django-ninja), mounted at ``/api/v1/``.

For the commissions' tablets (token authentication, ``kalata.api.tokens``) and for partners
(public results). Everything a person reads is French (messages, OpenAPI ``summary`` and
``description``); identifiers are English. ``docs/api.md`` is the guide.

- Reading: elections, rounds (contests, candidates, progress), results (public, cacheable), the
  catalogue of checks; the minutes a user may consult (``visible_sheets``), each with its entries'
  figures only when the user may see them — a clerk never receives another clerk's typing (blind
  second entry).
- Writing: one operation, the submission of a polling station's minutes
  (``kalata.results.entry.submit_entry``: the very service behind the screens, so the same
  checks, codes, state machine, four eyes and audit). It is idempotent under the client's key:
  the first success answers 201 and keeps its response (``SubmissionReceipt``); the same request
  again answers 200 with that same response and writes nothing; the same key with another
  request answers 409.
- Errors: always ``{"code", "message", "articles", "field", "details"}`` with a French message
  (``ErrorOut``): 401 authentication, 403 permission, 404 unknown code, 409 refused by the state
  of the minutes, 422 invalid request (the field is named).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from typing import Annotated

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import HttpResponse, HttpResponseNotModified
from ninja import Header, NinjaAPI, Path, Query
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer

try:  # django-ninja >= 1.6: ``Status``; before, a (status, body) tuple
    from ninja import Status as _Status
except ImportError:  # pragma: no cover - older django-ninja
    _Status = None

from kalata.accounts.permissions import Authorizer, visible_sheets
from kalata.api.auth import bearer
from kalata.api.docs import OfflineSwagger
from kalata.api.models import SubmissionReceipt
from kalata.api.schemas import (
    CODE_PATTERN,
    CatalogueOut,
    CheckReportOut,
    ChecksIn,
    ClientKey,
    ElectionOut,
    EntryIn,
    ErrorOut,
    Level,
    ResultsOut,
    RoundOut,
    SheetDetailOut,
    SheetListOut,
    SheetStatus,
    SubmissionOut,
)
from kalata.api.tokens import TokenRefused
from kalata.audit.canonical import canonical_json
from kalata.elections.models import Contest, Election, Round, Selection
from kalata.law.explain import LawError, fr_int
from kalata.law.tally import (
    CHECKS,
    FIELD_LABELS,
    NULL_CATEGORY_LABELS,
    check_tally,
    compare_entries,
)
from kalata.results.entry import figures_value, parse_figures, submit_entry
from kalata.results.models import DataEntry, TallySheet
from kalata.results.tabulation import get_round, station_results, tabulate
from kalata.results.workflow import STATUS_LABELS, Operation, WorkflowError, authorize

Status = TallySheet.Status

DESCRIPTION = """\
API de Kalata pour les terminaux des commissions de centralisation (tablettes) et pour les
partenaires.

**Authentification** : en-tête `Authorization: Bearer <jeton>` ; un jeton est créé par un
administrateur (`kalata api token create IDENTIFIANT --name …`) et agit au nom de son
utilisateur, avec ses rôles et son ressort. Les résultats, les scrutins et le catalogue des
contrôles sont publics.

**Saisie idempotente** : chaque envoi de procès-verbal porte une clé choisie par le terminal
(en-tête `Idempotency-Key` ou champ `client_key`). Le même envoi répété n'enregistre qu'une
saisie et reçoit la même réponse (201 la première fois, 200 ensuite) ; la même clé avec une
autre requête est refusée (409).

**Erreurs** : `{"code", "message", "articles", "field", "details"}`, message en français.
"""

#: The default TTL of the public results cache (seconds); ``KALATA_API_RESULTS_CACHE_SECONDS``.
RESULTS_CACHE_SECONDS = 10
RESULTS_MAX_AGE = 15
PUBLIC_MAX_AGE = 30
CATALOGUE_MAX_AGE = 3600


class FrenchJSONRenderer(JSONRenderer):
    """JSON in UTF-8 as is (« é », not ``\\u00e9``): readable with curl, and smaller."""

    json_dumps_params = {"ensure_ascii": False}


def _with_status(status: int, body):
    return _Status(status, body) if _Status is not None else (status, body)


api = NinjaAPI(
    renderer=FrenchJSONRenderer(),
    title="Kalata — API des terminaux et partenaires",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api:v1",
    docs=OfflineSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
PUBLIC_ERRORS = {404: ErrorOut, 422: ErrorOut}

RoundCode = Annotated[
    str, Path(description="Code du tour : PRES-2026-04-26-T1.", pattern=CODE_PATTERN)
]
StationCode = Annotated[
    str, Path(description="Code du bureau de vote : CM010101-BV001.", pattern=CODE_PATTERN)
]
ContestQuery = Annotated[
    str | None,
    Query(
        description="Code de la circonscription (NATION, C0101, CM010101…).", pattern=CODE_PATTERN
    ),
]
UnitQuery = Annotated[
    str | None,
    Query(
        description="Code d'une unité (région, cercle, commune, ambassade) : elle et ses filles.",
        pattern=CODE_PATTERN,
    ),
]
CommuneQuery = Annotated[
    str | None, Query(description="Code de la commune : CM010101.", pattern=CODE_PATTERN)
]
LevelQuery = Annotated[
    Level, Query(description="Niveau : nation, region, cercle, commune ou station.")
]
LimitQuery = Annotated[int, Query(ge=1, le=1000, description="Nombre au plus (1 à 1000).")]
OffsetQuery = Annotated[int, Query(ge=0, le=10_000_000, description="Décalage (pagination).")]
IdempotencyHeader = Annotated[
    ClientKey | None,
    Header(
        alias="Idempotency-Key",
        description="Clé d'idempotence du terminal (un UUID par procès-verbal saisi).",
    ),
]
StatusQuery = Annotated[SheetStatus | None, Query(description="État du procès-verbal.")]

TAG_PUBLIC = "Scrutins et résultats (public)"
TAG_SHEETS = "Procès-verbaux (commissions)"
TAG_CHECKS = "Contrôles"


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class ApiError(Exception):
    """An error answered as ``ErrorOut`` with ``status``."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        articles: tuple[str, ...] = (),
        field: str | None = None,
        details: dict | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body = _error_body(code, message, articles, field, details)


#: HTTP status of the law's and the workflow's refusals, by code (default 422 / 409).
STATUS_BY_CODE = {
    "role_refused": 403,
    "round_unknown": 404,
    "round_code_invalid": 404,
    "malformed_figures": 422,
    "client_key_invalid": 422,
    "transition_refused": 409,
    "same_clerk": 409,
    "client_key_conflict": 409,
    "four_eyes": 409,
}


def _error_body(code: str, message: str, articles=(), field=None, details=None) -> dict:
    """The one shape of every error (``ErrorOut``)."""
    return {
        "code": code,
        "message": message,
        "articles": list(articles),
        "field": field,
        "details": details or None,
    }


def _error_response(request, status: int, body: dict, headers: dict | None = None):
    response = api.create_response(request, body, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@api.exception_handler(ApiError)
def _on_api_error(request, exc: ApiError):
    return _error_response(request, exc.status, exc.body)


@api.exception_handler(LawError)
def _on_law_error(request, exc: LawError):
    default = 409 if isinstance(exc, WorkflowError) else 422
    status = STATUS_BY_CODE.get(exc.code, default)
    body = _error_body(exc.code, exc.message, exc.articles, exc.field, exc.details)
    return _error_response(request, status, body)


@api.exception_handler(TokenRefused)
def _on_token_refused(request, exc: TokenRefused):
    body = _error_body(exc.code, exc.message)
    return _error_response(request, 401, body, {"WWW-Authenticate": 'Bearer error="invalid_token"'})


@api.exception_handler(AuthenticationError)
def _on_authentication_error(request, exc: AuthenticationError):
    body = _error_body(
        "authentication_required",
        "Authentification requise : en-tête « Authorization: Bearer <jeton> ».",
    )
    return _error_response(request, 401, body, {"WWW-Authenticate": "Bearer"})


_HTTP_MESSAGES = {
    400: ("unreadable_body", "Corps de la requête illisible : un objet JSON est attendu."),
    405: ("method_not_allowed", "Méthode non permise pour cette adresse."),
    429: ("too_many_requests", "Trop de requêtes : réessayez plus tard."),
}


@api.exception_handler(HttpError)
def _on_http_error(request, exc: HttpError):
    code, message = _HTTP_MESSAGES.get(exc.status_code, ("http_error", str(exc)))
    body = _error_body(code, message)
    return _error_response(request, exc.status_code, body)


# French wording of pydantic's error types (the original is kept in ``details``).
_PYDANTIC_FR = {
    "missing": "champ obligatoire absent (une valeur nulle se saisit 0)",
    "extra_forbidden": "champ inconnu",
    "int_type": "un nombre entier est attendu",
    "int_parsing": "un nombre entier est attendu",
    "int_from_float": "un nombre entier est attendu",
    "greater_than_equal": "nombre hors limites",
    "less_than_equal": "nombre hors limites",
    "string_type": "un texte est attendu",
    "string_pattern_mismatch": "format invalide",
    "string_too_long": "texte trop long",
    "literal_error": "valeur non admise",
    "dict_type": "un objet est attendu",
    "model_type": "un objet est attendu",
    "model_attributes_type": "un objet est attendu",
    "bool_type": "vrai ou faux est attendu",
    "bool_parsing": "vrai ou faux est attendu",
    "json_invalid": "JSON invalide",
    "value_error": "valeur invalide",
}
_LOCATIONS = {"body": "corps", "query": "paramètre", "path": "adresse", "header": "en-tête"}


def _field_of(loc) -> tuple[str, str]:
    """(where, dotted field) of a ninja error location: ('body', 'payload', 'figures', …)."""
    parts = [str(p) for p in loc if p != "[key]"]  # pydantic's marker of a bad mapping key
    where = parts[0] if parts else ""
    rest = parts[1:]
    if where == "body" and rest and rest[0] in ("payload", "data"):
        rest = rest[1:]
    return where, ".".join(rest)


@api.exception_handler(ValidationError)
def _on_validation_error(request, exc: ValidationError):
    errors = []
    for error in exc.errors:
        where, field = _field_of(error.get("loc", ()))
        kind = str(error.get("type", ""))
        text = _PYDANTIC_FR.get(kind, "valeur invalide")
        ctx = error.get("ctx") or {}
        if kind == "literal_error" and "expected" in ctx:
            text += f" (valeurs possibles : {ctx['expected']})"
        if kind in ("greater_than_equal", "less_than_equal"):
            text += f" (au plus {fr_int(10**9)} en valeur absolue)"
        if kind == "string_too_long" and "max_length" in ctx:
            text += f" (au plus {fr_int(int(ctx['max_length']))} caractères)"
        errors.append(
            {
                "field": field,
                "location": where,
                "type": kind,
                "message": text,
                "detail_en": str(error.get("msg", "")),
            }
        )
    first = errors[0] if errors else {"field": "", "location": "", "message": "requête invalide"}
    place = _LOCATIONS.get(first["location"], "requête")
    if first["field"]:
        place += f" « {first['field']} »"
    elif first["location"] == "body":
        place = "corps de la requête"
    message = f"Requête refusée, {place} : {first['message']}."
    if len(errors) > 1:
        message += f" ({len(errors)} erreurs, voir « details »)"
    body = _error_body("invalid_request", message, (), first["field"] or None, {"errors": errors})
    return _error_response(request, 422, body)


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _round(code: str) -> Round:
    try:
        return get_round(code)
    except LawError as exc:
        raise ApiError(404, exc.code, f"Tour inconnu : « {code} ».", field="round_code") from None


def _sheet(round_: Round, station_code: str, contest_code: str | None = None) -> TallySheet:
    sheets = TallySheet.objects.filter(round=round_, station__code=station_code).select_related(
        "station__mission", "station__commune", "contest"
    )
    if contest_code:
        sheets = sheets.filter(contest__code=contest_code)
    found = list(sheets.order_by("contest__code")[:2])
    if not found:
        raise ApiError(
            404,
            "sheet_unknown",
            f"Aucun procès-verbal attendu du bureau « {station_code} » au tour {round_.code}"
            + (f" pour la circonscription « {contest_code} »." if contest_code else "."),
            field="station_code",
        )
    if len(found) > 1:
        raise ApiError(
            422,
            "contest_required",
            f"Le bureau « {station_code} » vote dans plusieurs circonscriptions au tour "
            f"{round_.code} : précisez « contest ».",
            field="contest",
        )
    sheet = found[0]
    sheet.round = round_  # already loaded with its election: no query for authorization
    return sheet


def _public(response: HttpResponse, max_age: int) -> None:
    response["Cache-Control"] = f"public, max-age={max_age}"
    response["Access-Control-Allow-Origin"] = "*"


def _progress(rows) -> dict:
    """Progress from (status, annulled, count) rows."""
    by_status = {value: 0 for value in Status.values}
    out = {
        "sheets_expected": 0,
        "sheets_received": 0,
        "sheets_definitive": 0,
        "sheets_blocked": 0,
        "sheets_annulled": 0,
    }
    for status, annulled, n in rows:
        by_status[status] = by_status.get(status, 0) + n
        out["sheets_expected"] += n
        if status != Status.EXPECTED:
            out["sheets_received"] += n
        if annulled:
            out["sheets_annulled"] += n
        elif status == Status.DEFINITIVE:
            out["sheets_definitive"] += n
        elif status == Status.BLOCKED:
            out["sheets_blocked"] += n
    out["by_status"] = by_status
    return out


def _round_brief(r: Round) -> dict:
    return {
        "code": r.code,
        "number": r.number,
        "polling_date": r.polling_date,
        "status": r.status,
        "status_label": r.get_status_display(),
    }


def _contest_codes(contest_id: int) -> list[str]:
    """The codes standing in a contest, in ballot order (as the workflow reads them)."""
    return list(
        Selection.objects.filter(contest_id=contest_id)
        .order_by("order", "code", "pk")
        .values_list("code", flat=True)
    )


def _sheet_brief(sheet: TallySheet) -> dict:
    station = sheet.station
    return {
        "station": station.code,
        "station_name": station.name,
        "commune": station.commune.code if station.commune_id else None,
        "mission": station.mission.code if station.mission_id else None,
        "contest": sheet.contest.code,
        "status": sheet.status,
        "status_label": STATUS_LABELS[sheet.status],
        "annulled": sheet.annulled,
        "version": sheet.version,
        "check_codes": list(sheet.check_codes or []),
        "first_received_at": sheet.first_received_at,
        "definitive_at": sheet.definitive_at,
    }


# --------------------------------------------------------------------------------------------
# Public: elections, rounds, results, catalogue
# --------------------------------------------------------------------------------------------


@api.get(
    "/elections",
    response=list[ElectionOut],
    tags=[TAG_PUBLIC],
    summary="Liste des scrutins",
    description="Tous les scrutins, du plus récent au plus ancien, avec leurs tours. Public.",
)
def list_elections(request, response: HttpResponse):
    rounds = Round.objects.order_by("number")
    elections = Election.objects.prefetch_related(Prefetch("rounds", queryset=rounds))
    _public(response, PUBLIC_MAX_AGE)
    return [
        {
            "code": e.code,
            "kind": e.kind,
            "kind_label": e.get_kind_display(),
            "title": e.title,
            "polling_date": e.polling_date,
            "rounds": [_round_brief(r) for r in e.rounds.all()],
        }
        for e in elections
    ]


@api.get(
    "/rounds/{round_code}",
    response={200: RoundOut, **PUBLIC_ERRORS},
    tags=[TAG_PUBLIC],
    summary="Un tour : circonscriptions, candidats, avancement",
    description=(
        "Les circonscriptions du tour, leurs candidats, listes ou réponses (dans l'ordre du "
        "bulletin), et l'avancement des procès-verbaux (attendus, reçus, définitifs, bloqués, "
        "annulés). Public."
    ),
)
def get_round_detail(request, response: HttpResponse, round_code: RoundCode):
    round_ = _round(round_code)
    selections = Selection.objects.order_by("order", "code", "pk")
    contests = list(
        Contest.objects.filter(round=round_)
        .order_by("code")
        .prefetch_related(Prefetch("selections", queryset=selections))
    )
    rows = (
        TallySheet.objects.filter(round=round_)
        .order_by()
        .values_list("contest_id", "status", "annulled")
        .annotate(n=Count("id"))
    )
    by_contest: dict[int, list] = defaultdict(list)
    every = []
    for contest_id, status, annulled, n in rows:
        by_contest[contest_id].append((status, annulled, n))
        every.append((status, annulled, n))
    _public(response, PUBLIC_MAX_AGE)
    election = round_.election
    return {
        **_round_brief(round_),
        "election": election.code,
        "election_kind": election.kind,
        "election_title": election.title,
        "progress": _progress(every),
        "contests": [
            {
                "code": c.code,
                "name": c.name,
                "level": c.level,
                "seats": c.seats,
                "selections": [
                    {
                        "code": s.code,
                        "name": s.name,
                        "party": s.party,
                        "kind": s.kind,
                        "order": s.order,
                        "withdrawn": s.withdrawn,
                    }
                    for s in c.selections.all()
                ],
                "progress": _progress(by_contest.get(c.pk, ())),
            }
            for c in contests
        ],
    }


def _results_payload(round_: Round, level: str, unit: str | None, contest: str | None) -> dict:
    codes = [contest] if contest else None
    results = tabulate(round_, contest_codes=codes)
    if contest and not results.contests:
        raise ApiError(
            404,
            "contest_unknown",
            f"Circonscription inconnue au tour {round_.code} : « {contest} ».",
            field="contest",
        )
    if level == "station":
        stations = station_results(round_, contest_code=contest, unit_code=unit)
        data = results.as_dict(levels=())
        for c in data["contests"]:
            c["levels"] = {"station": [u.as_dict() for u in stations.get(c["code"], ())]}
    else:
        data = results.as_dict(levels=(level,))
        if unit:
            for c in data["contests"]:
                c["levels"][level] = [
                    u for u in c["levels"][level] if unit in (u["code"], u["parent"])
                ]
    if unit and not any(c["levels"].get(level) for c in data["contests"]):
        raise ApiError(
            404,
            "unit_unknown",
            f"Aucun résultat au niveau « {level} » pour « {unit} » au tour {round_.code}.",
            field="unit",
        )
    return data


@api.get(
    "/rounds/{round_code}/results",
    response={200: ResultsOut, 304: None, **PUBLIC_ERRORS},
    tags=[TAG_PUBLIC],
    summary="Résultats totalisés d'un tour",
    description=(
        "Les résultats recalculés à partir des procès-verbaux définitifs et non annulés, au "
        "niveau demandé (`level` : nation, region, cercle, commune, station), avec la décision "
        "de la loi pour chaque circonscription (même JSON que `kalata results tabulate --json`)."
        " `unit` restreint aux unités de ce code ou dont c'est le parent (au niveau station : "
        "les bureaux d'une commune ou d'une ambassade) ; `contest` à une circonscription. "
        "Public, sans authentification ; réponses cachables (`Cache-Control`, `ETag`)."
    ),
)
def get_results(
    request,
    round_code: RoundCode,
    level: LevelQuery = "nation",
    unit: UnitQuery = None,
    contest: ContestQuery = None,
):
    ttl = int(getattr(settings, "KALATA_API_RESULTS_CACHE_SECONDS", RESULTS_CACHE_SECONDS))
    key = (
        "kalata.api.results:"
        + hashlib.sha256(f"{round_code}|{level}|{unit or ''}|{contest or ''}".encode()).hexdigest()
    )
    cached = cache.get(key) if ttl > 0 else None
    if cached is None:
        round_ = _round(round_code)
        data = _results_payload(round_, level, unit, contest)
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        cached = (body, etag)
        if ttl > 0:
            cache.set(key, cached, ttl)
    body, etag = cached
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["ETag"] = etag
    _public(response, RESULTS_MAX_AGE)
    return response


_CATALOGUE = {
    "checks": [spec.as_dict() for spec in CHECKS.values()],
    "null_categories": {str(k): v for k, v in NULL_CATEGORY_LABELS.items()},
    "fields": dict(FIELD_LABELS),
}


@api.get(
    "/checks/catalogue",
    response=CatalogueOut,
    tags=[TAG_CHECKS],
    summary="Catalogue des contrôles numérotés",
    description=(
        "Les codes des contrôles des procès-verbaux — E : erreurs bloquantes, W : "
        "avertissements à valider avec un motif — avec leur intitulé et leurs articles ; les "
        "causes de nullité de l'article 85 et les libellés des champs. Public."
    ),
)
def checks_catalogue(request, response: HttpResponse):
    _public(response, CATALOGUE_MAX_AGE)
    return _CATALOGUE


# --------------------------------------------------------------------------------------------
# Minutes (authenticated)
# --------------------------------------------------------------------------------------------


@api.get(
    "/rounds/{round_code}/sheets",
    auth=bearer,
    response={200: SheetListOut, **ERRORS},
    tags=[TAG_SHEETS],
    summary="Procès-verbaux consultables",
    description=(
        "Les procès-verbaux du tour que l'utilisateur du jeton peut consulter (son ressort), "
        "triés par bureau, filtrés par état, commune ou circonscription ; pagination par "
        "`limit` et `offset`."
    ),
)
def list_sheets(
    request,
    round_code: RoundCode,
    status: StatusQuery = None,
    commune: CommuneQuery = None,
    contest: ContestQuery = None,
    limit: LimitQuery = 100,
    offset: OffsetQuery = 0,
):
    round_ = _round(round_code)
    sheets = visible_sheets(request.auth, round_)
    if status:
        sheets = sheets.filter(status=status)
    if commune:
        sheets = sheets.filter(station__commune__code=commune)
    if contest:
        sheets = sheets.filter(contest__code=contest)
    count = sheets.count()
    rows = sheets.order_by("station__code", "contest__code").values_list(
        "station__code",
        "station__name",
        "station__commune__code",
        "station__mission__code",
        "contest__code",
        "status",
        "annulled",
        "version",
        "check_codes",
        "first_received_at",
        "definitive_at",
    )[offset : offset + limit]
    items = [
        {
            "station": r[0],
            "station_name": r[1],
            "commune": r[2],
            "mission": r[3],
            "contest": r[4],
            "status": r[5],
            "status_label": STATUS_LABELS[r[5]],
            "annulled": r[6],
            "version": r[7],
            "check_codes": list(r[8] or []),
            "first_received_at": r[9],
            "definitive_at": r[10],
        }
        for r in rows
    ]
    return {"round": round_.code, "count": count, "limit": limit, "offset": offset, "items": items}


def _entry_visible(entry: DataEntry, user, sheet: TallySheet, may_enter: bool, may_resolve: bool):
    """Whether ``user`` may see the figures typed in ``entry`` (blind second entry).

    One's own typing is always visible. Someone who may enter this sheet's minutes never sees
    another clerk's typing while the sheet still awaits an entry (``expected`` or
    ``first_entry``), even a president who is also a clerk; a clerk who is not also a
    president never sees another clerk's typing at all (a discarded entry would otherwise
    guide a new typing). Those who may not enter these minutes (presidents, the Ministry, the
    Court, the CENI, delegates within their reach) see every entry.
    """
    if entry.entered_by_id == user.pk:
        return True
    if not may_enter:
        return True
    if sheet.status in (Status.EXPECTED, Status.FIRST_ENTRY):
        return False
    return may_resolve


@api.get(
    "/rounds/{round_code}/sheets/{station_code}",
    auth=bearer,
    response={200: SheetDetailOut, **ERRORS},
    tags=[TAG_SHEETS],
    summary="Un procès-verbal : état, contrôles, saisies",
    description=(
        "L'état du procès-verbal d'un bureau, ses codes de contrôle et ses saisies. Les chiffres "
        "d'une saisie ne sont donnés qu'à qui peut les voir : un agent de saisie ne reçoit que "
        "les siennes (seconde saisie à l'aveugle) ; les chiffres retenus, qu'une fois le "
        "procès-verbal définitif ou à qui ne saisit pas ce procès-verbal."
    ),
)
def get_sheet(
    request,
    round_code: RoundCode,
    station_code: StationCode,
    contest: ContestQuery = None,
):
    user = request.auth
    round_ = _round(round_code)
    sheet = _sheet(round_, station_code, contest)
    rights = Authorizer(user)
    decision = rights.can("view_minutes", sheet)
    if not decision:
        raise ApiError(403, "role_refused", decision.reason, articles=decision.articles)
    may_enter = bool(rights.can("enter_minutes", sheet))
    may_resolve = bool(rights.can("resolve_entries", sheet))
    entries = list(
        DataEntry.objects.filter(sheet_id=sheet.pk).select_related("entered_by").order_by("pk")
    )
    visible = {e.pk: _entry_visible(e, user, sheet, may_enter, may_resolve) for e in entries}
    agreed_visible = (
        sheet.status == Status.DEFINITIVE or not may_enter or may_resolve
    ) and isinstance(sheet.figures, dict)
    checks = None
    if agreed_visible:
        checks = check_tally(figures_value(sheet.figures), _contest_codes(sheet.contest_id))
    differences = None
    active = [e for e in entries if e.state == DataEntry.State.ACTIVE]
    if sheet.status == Status.DIFFERENT and len(active) == 2 and all(visible[e.pk] for e in active):
        differences = [
            d.as_dict()
            for d in compare_entries(
                figures_value(active[0].figures), figures_value(active[1].figures)
            )
        ]
    return {
        **_sheet_brief(sheet),
        "round": round_.code,
        "registered_expected": sheet.station.registered,
        "figures_visible": agreed_visible,
        "figures": sheet.figures if agreed_visible else None,
        "checks": checks.as_dict() if checks else None,
        "entries": [
            {
                "number": e.number,
                "state": e.state,
                "entered_by": e.entered_by.get_username(),
                "own": e.entered_by_id == user.pk,
                "created_at": e.created_at,
                "check_codes": list(e.check_codes or []),
                "figures_visible": visible[e.pk],
                "figures": e.figures if visible[e.pk] else None,
            }
            for e in entries
        ],
        "differences": differences,
        "allowed": {
            "view_minutes": True,
            "enter_minutes": may_enter,
            "resolve_entries": may_resolve,
        },
    }


_MESSAGES = {
    Status.FIRST_ENTRY: (
        "Première saisie enregistrée : le procès-verbal attend la seconde saisie, par un autre "
        "agent (double saisie)."
    ),
    Status.TO_ACKNOWLEDGE: (
        "Seconde saisie concordante : le président de la commission doit valider chaque "
        "avertissement avec un motif avant que le procès-verbal devienne définitif."
    ),
    Status.BLOCKED: (
        "Seconde saisie concordante, mais les chiffres sont en erreur : procès-verbal bloqué ; "
        "le président doit faire ressaisir le procès-verbal ou le rectifier par une décision "
        "motivée."
    ),
    Status.DEFINITIVE: (
        "Seconde saisie concordante, sans erreur ni avertissement : le procès-verbal est définitif."
    ),
}


def _submission_body(round_: Round, sheet: TallySheet, result, key: str) -> dict:
    entry = result.entry
    if result.status == Status.DIFFERENT:
        n = len(result.differences)
        message = (
            f"Seconde saisie enregistrée : elle diffère de la première sur {fr_int(n)} "
            f"champ{'s' if n > 1 else ''} ; le président de la commission doit trancher."
        )
    else:
        message = _MESSAGES.get(
            result.status, f"Saisie enregistrée ({STATUS_LABELS[result.status]})."
        )
    report = result.report
    return {
        "round": round_.code,
        "station": sheet.station.code,
        "contest": sheet.contest.code,
        "sheet_status": result.status,
        "sheet_status_label": STATUS_LABELS[result.status],
        "message": message,
        "entry": {
            "number": entry.number,
            "client_key": key,
            "created_at": entry.created_at.isoformat(),
            "check_codes": list(entry.check_codes or []),
        },
        "check_codes": list(report.codes),
        "blocking": report.blocking,
        "checks": report.as_dict(),
        "agreed_checks": result.agreed_report.as_dict() if result.agreed_report else None,
        # Only the fields: the values of the first entry are not the second clerk's to see.
        "differences": [{"field": d.field, "label_fr": d.label_fr} for d in result.differences],
    }


def _parse(figures_in) -> dict:
    """The stored form of validated figures (``parse_figures``: the screens' edge); its
    refusals (a NUL character in the observations…) name the field as the schema does."""
    try:
        return parse_figures(figures_in.model_dump())
    except WorkflowError as exc:
        field = f"figures.{exc.field}" if exc.field else "figures"
        raise ApiError(422, exc.code, exc.message, articles=exc.articles, field=field) from None


def _fingerprint(sheet: TallySheet, figures: dict) -> str:
    return hashlib.sha256(
        canonical_json({"sheet": sheet.pk, "figures": figures}).encode()
    ).hexdigest()


def _key_conflict(key: str) -> ApiError:
    return ApiError(
        409,
        "client_key_conflict",
        f"La clé d'idempotence « {key} » a déjà servi pour une autre saisie (autre "
        "procès-verbal, autre agent ou autres chiffres) : saisie refusée, rien n'a été "
        "enregistré.",
        field="client_key",
    )


def _receipt(key: str) -> SubmissionReceipt | None:
    return SubmissionReceipt.objects.filter(client_key=key).order_by().first()


def _replayed(receipt: SubmissionReceipt, user, fingerprint: str, response: HttpResponse):
    if receipt.user_id != user.pk or receipt.fingerprint != fingerprint:
        raise _key_conflict(receipt.client_key)
    response["Idempotency-Replayed"] = "true"
    return _with_status(200, receipt.response)


@api.post(
    "/rounds/{round_code}/sheets/{station_code}/entries",
    auth=bearer,
    response={200: SubmissionOut, 201: SubmissionOut, **ERRORS},
    tags=[TAG_SHEETS],
    summary="Saisir un procès-verbal (idempotent)",
    description=(
        "Enregistre la saisie des chiffres du procès-verbal d'un bureau par l'agent du jeton "
        "(première ou seconde saisie, double saisie à quatre yeux), avec les mêmes contrôles et "
        "les mêmes codes que les écrans. Idempotent : la clé du terminal (`Idempotency-Key` ou "
        "`client_key`) est obligatoire ; le même envoi répété ne stocke qu'une saisie et reçoit "
        "la même réponse (201 la première fois, 200 ensuite, en-tête `Idempotency-Replayed`) ; "
        "la même clé pour une autre requête : 409. Refus : 403 (hors de votre ressort ou rôle), "
        "409 (état du procès-verbal, même agent pour les deux saisies), 422 (requête invalide, "
        "champ nommé)."
    ),
)
def submit_minutes(
    request,
    response: HttpResponse,
    round_code: RoundCode,
    station_code: StationCode,
    payload: EntryIn,
    contest: ContestQuery = None,
    idempotency_key: IdempotencyHeader = None,
):
    user = request.auth
    key = idempotency_key or payload.client_key
    if idempotency_key and payload.client_key and idempotency_key != payload.client_key:
        raise ApiError(
            422,
            "client_key_mismatch",
            "Clé d'idempotence contradictoire : l'en-tête « Idempotency-Key » et le champ "
            "« client_key » diffèrent.",
            field="client_key",
        )
    if not key:
        raise ApiError(
            422,
            "client_key_required",
            "Clé d'idempotence obligatoire : en-tête « Idempotency-Key » ou champ « client_key »"
            " (un UUID par procès-verbal saisi), pour qu'un envoi répété ne soit enregistré "
            "qu'une fois.",
            field="client_key",
        )
    round_ = _round(round_code)
    sheet = _sheet(round_, station_code, contest)
    figures = _parse(payload.figures)
    fingerprint = _fingerprint(sheet, figures)

    receipt = _receipt(key)
    if receipt is not None:
        return _replayed(receipt, user, fingerprint, response)

    authorize(user, Operation.SUBMIT, sheet)  # can(user, "enter_minutes", sheet), else 403
    with transaction.atomic():
        result = submit_entry(sheet, user, figures, client_key=key)
        if not result.replayed:
            body = _submission_body(round_, sheet, result, key)
            SubmissionReceipt.objects.create(
                client_key=key,
                entry=result.entry,
                sheet=sheet,
                user=user,
                fingerprint=fingerprint,
                status_code=201,
                response=body,
            )
            return _with_status(201, body)
    # The same key was stored meanwhile (a concurrent identical request, or an entry made
    # elsewhere with this key, checked identical by the service): answer as a replay.
    receipt = _receipt(key)
    if receipt is not None:
        return _replayed(receipt, user, fingerprint, response)
    response["Idempotency-Replayed"] = "true"
    return _with_status(200, _submission_body(round_, result.sheet, result, key))


@api.post(
    "/checks",
    auth=bearer,
    response={200: CheckReportOut, **ERRORS},
    tags=[TAG_CHECKS],
    summary="Contrôler des chiffres sans les enregistrer",
    description=(
        "Applique aux chiffres d'un procès-verbal les contrôles numérotés (Art. 50, 71, 74, 76, "
        "80–87, 94–97) avec les candidats de la circonscription du bureau, exactement comme la "
        "saisie, sans rien écrire. Pour tout utilisateur authentifié : rien n'est révélé "
        "au-delà de la liste publique des candidats."
    ),
)
def dry_run_checks(request, payload: ChecksIn):
    round_ = _round(payload.round)
    sheet = _sheet(round_, payload.station, payload.contest)
    figures = _parse(payload.figures)
    report = check_tally(figures_value(figures), _contest_codes(sheet.contest_id))
    return {
        "round": round_.code,
        "station": sheet.station.code,
        "contest": sheet.contest.code,
        "check_codes": list(report.codes),
        "checks": report.as_dict(),
    }
