"""``kalata outcome FILE`` — who is elected, from a JSON description of the results.

JSON in, JSON out: a stable contract. ``FILE`` is a path, or ``-`` for standard input.

Input, by ``type``:

* ``communal`` (Art. 176): ``{"type": "communal", "seats": N, "valid_votes"?: int,
  "lists": [{"code", "votes", "candidates": [{"name", "birth_date"?}]}]}`` — each list has
  exactly N candidates (Art. 58, 185); ``birth_date`` is ``AAAA-MM-JJ`` or null.
  Output: ``{"seats": {code: int}, "excluded": [codes], "elected": [{"list", "rank",
  "name"}], "unresolved_tie": bool, "steps": [...]}``.
* ``presidential`` (Art. 127, 135, 139): ``{"type": "presidential", "round": 1|2,
  "valid_votes"?: int, "candidates": [{"code", "votes"}], "withdrawn"?: [codes]}``
  (``withdrawn``: first round only). Output: ``{"elected", "second_round", "shares",
  "deposit_refunded", "steps"}``.
* ``legislative`` (Art. 144): ``{"type": "legislative", "round": 1|2, "seats": N,
  "valid_votes"?: int, "lists": [{"code", "votes"}]}``. Output: ``{"elected_list",
  "second_round", "shares", "steps"}``.
* ``referendum`` (Art. 125–126): ``{"type": "referendum", "yes": int, "no": int}``.
  Output: ``{"adopted", "shares": {"yes", "no"}, "steps"}``.

``steps`` are ``{"text": French sentence, "articles": [...]}``. The input is parsed and
checked here, once, into frozen dataclasses (``parse_outcome_request``); any error exits with
status 2 and a French message naming the field and, where it applies, the article. Unknown
fields are refused: a misspelt ``valid_votes`` or ``withdrawn`` must not pass silently.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from datetime import date
from typing import Any

from kalata.cli import CliError, print_json
from kalata.law.explain import LawError
from kalata.law.outcomes import (
    Contestant,
    LegislativeOutcome,
    PresidentialOutcome,
    ReferendumOutcome,
    check_contestants,
    check_second_round_pair,
    check_withdrawn,
    legislative_first_round,
    legislative_second_round,
    presidential_first_round,
    presidential_second_round,
    referendum_outcome,
)
from kalata.law.seats import (
    CandidateList,
    ListCandidate,
    SeatAllocation,
    allocate_communal_seats,
    check_communal_lists,
)

TYPES = ("communal", "presidential", "legislative", "referendum")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class CommunalRequest:
    seats: int
    lists: tuple[CandidateList, ...]
    valid_votes: int | None = None


@dataclass(frozen=True)
class PresidentialRequest:
    round: int
    candidates: tuple[Contestant, ...]
    valid_votes: int | None = None
    withdrawn: tuple[str, ...] = ()


@dataclass(frozen=True)
class LegislativeRequest:
    round: int
    seats: int
    lists: tuple[Contestant, ...]
    valid_votes: int | None = None


@dataclass(frozen=True)
class ReferendumRequest:
    yes: int
    no: int


OutcomeRequest = CommunalRequest | PresidentialRequest | LegislativeRequest | ReferendumRequest
Outcome = SeatAllocation | PresidentialOutcome | LegislativeOutcome | ReferendumOutcome


# --------------------------------------------------------------------------------------------
# Parsing at the edge


def _error(field: str, message: str, articles: tuple[str, ...] = ()) -> LawError:
    return LawError("invalid_input", message, articles, field)


def _require(obj: dict, key: str, where: str, articles: tuple[str, ...] = ()) -> Any:
    if key not in obj:
        raise _error(where + key, "champ obligatoire manquant", articles)
    return obj[key]


def _only(obj: dict, allowed: set[str], where: str) -> None:
    for key in obj:
        if key not in allowed:
            expected = ", ".join(sorted(allowed))
            raise _error(where + str(key), f"champ inconnu (champs admis : {expected})")


def _object(value: Any, field: str) -> dict:
    if not isinstance(value, dict):
        raise _error(field, "un objet JSON est attendu")
    return value


def _array(value: Any, field: str, articles: tuple[str, ...] = ()) -> list:
    if not isinstance(value, list):
        raise _error(field, "une liste JSON est attendue", articles)
    return value


def _count(value: Any, field: str, articles: tuple[str, ...] = (), minimum: int = 0) -> int:
    # bool is an int in Python; JSON true/false is not a number of votes.
    if isinstance(value, bool) or not isinstance(value, int):
        raise _error(field, f"un nombre entier est attendu (reçu : {json.dumps(value)})", articles)
    if value < minimum:
        what = "positif ou nul" if minimum == 0 else f"au moins égal à {minimum}"
        raise _error(field, f"le nombre doit être {what} (reçu : {value})", articles)
    return value


def _text(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _error(field, "une chaîne de caractères non vide est attendue")
    return value.strip()


def _birth_date(value: Any, field: str) -> date | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise _error(
            field, f"date de naissance au format AAAA-MM-JJ attendue (reçu : {value!r})", ("57",)
        )
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _error(field, f"date de naissance impossible : {value}", ("57",)) from None


def _round(obj: dict, article: str) -> int:
    value = _require(obj, "round", "", (article,))
    if isinstance(value, bool) or value not in (1, 2):
        raise _error(
            "round", f"le tour doit valoir 1 ou 2 (reçu : {json.dumps(value)})", (article,)
        )
    return int(value)


def _valid_votes(obj: dict, article: str) -> int | None:
    if obj.get("valid_votes") is None:
        return None
    return _count(obj["valid_votes"], "valid_votes", (article,))


def _contestants(obj: dict, key: str, article: str) -> tuple[Contestant, ...]:
    items = _array(_require(obj, key, "", (article,)), key, (article,))
    out = []
    for i, raw in enumerate(items):
        where = f"{key}[{i}]"
        entry = _object(raw, where)
        _only(entry, {"code", "votes"}, where + ".")
        code = _text(_require(entry, "code", where + ".", (article,)), where + ".code")
        votes = _count(
            _require(entry, "votes", where + ".", (article,)), where + ".votes", (article,)
        )
        out.append(Contestant(code, votes))
    return tuple(out)


def _parse_communal(obj: dict) -> CommunalRequest:
    _only(obj, {"type", "seats", "valid_votes", "lists"}, "")
    seats = _count(_require(obj, "seats", "", ("176",)), "seats", ("176",), minimum=1)
    items = _array(_require(obj, "lists", "", ("176",)), "lists", ("176",))
    lists = []
    for i, raw in enumerate(items):
        where = f"lists[{i}]"
        entry = _object(raw, where)
        _only(entry, {"code", "votes", "candidates"}, where + ".")
        code = _text(_require(entry, "code", where + "."), where + ".code")
        votes = _count(_require(entry, "votes", where + ".", ("176",)), where + ".votes", ("176",))
        raw_candidates = _array(
            _require(entry, "candidates", where + ".", ("58", "185")),
            where + ".candidates",
            ("58", "185"),
        )
        candidates = []
        for j, raw_c in enumerate(raw_candidates):
            cwhere = f"{where}.candidates[{j}]"
            c = _object(raw_c, cwhere)
            _only(c, {"name", "birth_date"}, cwhere + ".")
            name = _text(_require(c, "name", cwhere + ".", ("57",)), cwhere + ".name")
            birth = _birth_date(c.get("birth_date"), cwhere + ".birth_date")
            candidates.append(ListCandidate(name, birth))
        lists.append(CandidateList(code, votes, tuple(candidates)))
    request = CommunalRequest(seats, tuple(lists), _valid_votes(obj, "176"))
    check_communal_lists(request.seats, request.lists, request.valid_votes)
    return request


def _parse_presidential(obj: dict) -> PresidentialRequest:
    _only(obj, {"type", "round", "valid_votes", "candidates", "withdrawn"}, "")
    round_no = _round(obj, "127")
    candidates = _contestants(obj, "candidates", "127")
    valid = _valid_votes(obj, "127")
    withdrawn: list[str] = []
    if obj.get("withdrawn") is not None:
        if round_no == 2:
            raise _error(
                "withdrawn",
                "le désistement se déclare entre les deux tours : il ne s'applique qu'aux "
                "résultats du premier tour",
                ("127",),
            )
        for i, raw in enumerate(_array(obj["withdrawn"], "withdrawn", ("127",))):
            code = _text(raw, f"withdrawn[{i}]")
            if code in withdrawn:
                raise _error(f"withdrawn[{i}]", f"« {code} » est cité deux fois", ("127",))
            withdrawn.append(code)
    check_contestants(candidates, valid, "candidates", "127")
    if round_no == 2:
        check_second_round_pair(candidates, valid, "candidates", "127")
    check_withdrawn(candidates, frozenset(withdrawn))
    return PresidentialRequest(round_no, candidates, valid, tuple(withdrawn))


def _parse_legislative(obj: dict) -> LegislativeRequest:
    _only(obj, {"type", "round", "seats", "valid_votes", "lists"}, "")
    round_no = _round(obj, "144")
    seats = _count(_require(obj, "seats", "", ("144",)), "seats", ("144",), minimum=1)
    lists = _contestants(obj, "lists", "144")
    valid = _valid_votes(obj, "144")
    check_contestants(lists, valid, "lists", "144")
    if round_no == 2:
        check_second_round_pair(lists, valid, "lists", "144")
    return LegislativeRequest(round_no, seats, lists, valid)


def _parse_referendum(obj: dict) -> ReferendumRequest:
    _only(obj, {"type", "yes", "no"}, "")
    yes = _count(_require(obj, "yes", "", ("126",)), "yes", ("126",))
    no = _count(_require(obj, "no", "", ("126",)), "no", ("126",))
    return ReferendumRequest(yes, no)


def parse_outcome_request(data: Any) -> OutcomeRequest:
    """Parse and check a decoded JSON request into a frozen request; raise ``LawError``."""
    obj = _object(data, "(racine)")
    kind = _require(obj, "type", "")
    if kind == "communal":
        return _parse_communal(obj)
    if kind == "presidential":
        return _parse_presidential(obj)
    if kind == "legislative":
        return _parse_legislative(obj)
    if kind == "referendum":
        return _parse_referendum(obj)
    raise _error("type", f"type d'élection inconnu {json.dumps(kind)} (admis : {', '.join(TYPES)})")


# --------------------------------------------------------------------------------------------
# Deciding


def decide(request: OutcomeRequest) -> Outcome:
    """Apply the law to a checked request."""
    match request:
        case CommunalRequest(seats, lists, valid):
            return allocate_communal_seats(seats, lists, valid)
        case PresidentialRequest(1, candidates, valid, withdrawn):
            return presidential_first_round(candidates, valid, withdrawn)
        case PresidentialRequest(_, candidates, valid, _):
            return presidential_second_round(candidates, valid)
        case LegislativeRequest(1, seats, lists, valid):
            return legislative_first_round(seats, lists, valid)
        case LegislativeRequest(_, seats, lists, valid):
            return legislative_second_round(seats, lists, valid)
        case ReferendumRequest(yes, no):
            return referendum_outcome(yes, no)
    raise TypeError(f"unknown request {request!r}")  # pragma: no cover


# --------------------------------------------------------------------------------------------
# The command


def register(sub) -> None:
    p = sub.add_parser(
        "outcome",
        help="résultat légal d'un scrutin (élus, sièges, second tour) à partir d'un JSON",
        description=(
            "Lit un JSON (fichier ou « - » pour l'entrée standard) décrivant un scrutin "
            "communal, présidentiel, législatif ou référendaire et écrit en JSON le résultat "
            "selon la loi électorale (art. 125–127, 135, 139, 144, 176), avec ses étapes."
        ),
    )
    p.add_argument("file", metavar="FICHIER", help="fichier JSON, ou « - » pour l'entrée standard")
    p.add_argument(
        "--texte",
        action="store_true",
        help="écrire les étapes en français, une par ligne, au lieu du JSON",
    )
    p.set_defaults(func=_outcome)


def _read(path: str) -> Any:
    try:
        if path == "-":
            raw = sys.stdin.read()
        else:
            with open(path, encoding="utf-8") as fh:
                raw = fh.read()
    except FileNotFoundError:
        raise CliError(f"fichier introuvable : {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"lecture impossible de {path} : {exc}") from None
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise CliError(
            f"JSON invalide ({path}, ligne {exc.lineno}, colonne {exc.colno}) : {exc.msg}"
        ) from None


def _outcome(args) -> int:
    result = decide(parse_outcome_request(_read(args.file)))
    if args.texte:
        for step in result.steps:
            print(str(step))
    else:
        print_json(result.as_dict())
    return 0
