"""The public results site: no login, reads only, French first.

Drill-down: elections -> election -> round -> contest (its whole constituency: the nation for a
presidential election or a referendum) -> region -> cercle (or District, mission) -> commune ->
polling station. Every page has a stable URL made of codes; every table is also served as
JSON and CSV at the same URL with ``.json`` / ``.csv`` instead of the final slash
(``/scrutins/PRES-2026-04-26/tour-1/NATION/region/R01/`` ->
``/scrutins/PRES-2026-04-26/tour-1/NATION/region/R01.json``).

Every view accepts GET and HEAD only (405 otherwise) and writes nothing. Pages are cached and
conditional (``caching.serve``).
"""

from __future__ import annotations

import csv
import importlib
import io
import json
import mimetypes
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kalata.elections.models import Election, Round
from kalata.results.models import TallySheet
from kalata.results.tabulation import station_results

from . import display
from .caching import serve
from .results import (
    CERCLE,
    COMMUNE,
    NATION,
    REGION,
    STATION,
    ContestData,
    RoundData,
    catalogue_state,
    contest_data,
    forget_round,
    leader,
    round_data,
    round_ref,
    round_state,
)

LEVEL_LABELS = {
    NATION: "circonscription",
    REGION: "région",
    CERCLE: "cercle",
    COMMUNE: "commune",
    STATION: "bureau",
}
MAX_SELECTION_COLUMNS = 8
IMAGE_TYPES = {
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/gif",
    "image/tiff",
    "application/pdf",
}


# --------------------------------------------------------------------------------------------
# URLs


def _election_url(e: str) -> str:
    return reverse("public:election", kwargs={"election": e})


def _round_url(e: str, n: int) -> str:
    return reverse("public:round", kwargs={"election": e, "number": n})


def _contest_url(e: str, n: int, c: str) -> str:
    return reverse("public:contest", kwargs={"election": e, "number": n, "contest": c})


def _unit_url(e: str, n: int, c: str, level: str, code: str) -> str:
    if level == NATION:
        return _contest_url(e, n, c)
    if level == STATION:
        return reverse(
            "public:station", kwargs={"election": e, "number": n, "contest": c, "station": code}
        )
    return reverse(
        "public:unit",
        kwargs={"election": e, "number": n, "contest": c, "level": level, "code": code},
    )


def _nist_url(e: str) -> str:
    return reverse("public:nist", kwargs={"election": e})


def _data_url(html_url: str, fmt: str) -> str:
    """The JSON or CSV of a page: its URL with ``.json`` / ``.csv`` instead of the final slash."""
    return html_url.rstrip("/") + "." + fmt


def _links(html_url: str, **more: str) -> dict[str, str]:
    return {
        "html": html_url,
        "json": _data_url(html_url, "json"),
        "csv": _data_url(html_url, "csv"),
    } | more


# --------------------------------------------------------------------------------------------
# Responses


def _json(payload: Mapping) -> HttpResponse:
    return JsonResponse(
        payload, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False}
    )


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]], filename: str) -> HttpResponse:
    """CSV, UTF-8 with a byte-order mark (spreadsheets read the accents right), RFC 4180."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    response = HttpResponse(
        buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _page(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    # No per-visitor content: no CSRF token in the (hidden) POST language form of the base
    # template, no messages (they would touch the session). The FR/EN links of the public
    # pages go through ``language`` instead. (An empty token renders nothing; with DEBUG on,
    # Django warns once that the template asked for one.)
    context = {"csrf_token": "", "messages": (), "request": _PathOnly(request), **context}
    return render(request, template, context)


class _PathOnly:
    """What the templates may read of the request: its path (the page is shared by every
    reader, so nothing of one visitor's request — not even a query string — goes into it)."""

    def __init__(self, request: HttpRequest) -> None:
        self.path = request.path

    def get_full_path(self) -> str:
        return self.path


def _round_or_404(election: str, number: int):
    ref = round_ref(election, number)
    if ref is None:
        raise Http404(_("Tour inconnu"))
    try:
        return ref, round_state(ref.id)
    except Round.DoesNotExist:  # deleted since it was looked up: look again
        forget_round(election, number)
        ref = round_ref(election, number)
        if ref is None:
            raise Http404(_("Tour inconnu")) from None
        return ref, round_state(ref.id)


def _round_states(election: str) -> list:
    """The states of the election's rounds (the law has two at most)."""
    states = []
    for number in (1, 2):
        try:
            states.append(_round_or_404(election, number)[1])
        except Http404:
            continue
    return states


def _load_round(ref) -> Round:
    return Round.objects.select_related("election").get(pk=ref.id)


def _contest_or_404(rnd: Round, state, code: str) -> ContestData:
    data = contest_data(rnd, state, code)
    if data is None:
        raise Http404(_("Circonscription inconnue dans ce tour"))
    return data


# --------------------------------------------------------------------------------------------
# Language switch (GET: sets the language cookie, never cached)


@require_safe
def language(request: HttpRequest, language: str) -> HttpResponse:
    """Switch FR/EN and come back to the page (a local path only)."""
    target = request.GET.get("suivant") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    response["Cache-Control"] = "no-store"
    if check_for_language(language) and language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE or "Lax",
        )
    return response


# --------------------------------------------------------------------------------------------
# Elections


def _elections_payload() -> list[dict]:
    elections = list(Election.objects.order_by("-polling_date", "code").prefetch_related("rounds"))
    out = []
    for e in elections:
        rounds = sorted(e.rounds.all(), key=lambda r: r.number)
        out.append(
            {
                "code": e.code,
                "kind": e.kind,
                "kind_label": Election.Kind(e.kind).label,
                "title": e.title,
                "polling_date": e.polling_date.isoformat(),
                "url": _election_url(e.code),
                "rounds": [
                    {
                        "code": f"{e.code}-T{r.number}",
                        "number": r.number,
                        "polling_date": r.polling_date.isoformat(),
                        "status": r.status,
                        "status_label": Round.Status(r.status).label,
                        "url": _round_url(e.code, r.number),
                    }
                    for r in rounds
                ],
            }
        )
    return out


@require_safe
def elections(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    """Every election, latest first, with its rounds and their status."""

    def build() -> HttpResponse:
        rows = _elections_payload()
        if fmt == "json":
            return _json({"elections": rows, "links": _links(reverse("public:elections"))})
        if fmt == "csv":
            return _csv(
                ["scrutin", "type", "intitule", "date", "tour", "date_du_tour", "etat"],
                (
                    [
                        e["code"],
                        e["kind"],
                        e["title"],
                        e["polling_date"],
                        r["number"],
                        r["polling_date"],
                        r["status"],
                    ]
                    for e in rows
                    for r in e["rounds"]
                ),
                "scrutins.csv",
            )
        return _page(
            request,
            "public/elections.html",
            {"elections": rows, "links": _links(reverse("public:elections"))},
        )

    return serve(request, catalogue_state(), None, build, per_language=fmt == "html")


def home(request: HttpRequest) -> HttpResponse:
    return elections(request)


@require_safe
def election(request: HttpRequest, election: str, fmt: str = "html") -> HttpResponse:
    """One election: its rounds, each with its status and the progress of its minutes."""
    found = Election.objects.filter(code=election).only("id").first()
    if found is None:
        raise Http404(_("Scrutin inconnu"))
    states = _round_states(election)
    key = catalogue_state() + "#" + "#".join(s.key for s in states)
    last = max((s.last_modified for s in states if s.last_modified), default=None)

    def build() -> HttpResponse:
        e = Election.objects.get(pk=found.pk)
        rounds = []
        for state in states:
            rnd = Round.objects.select_related("election").get(pk=state.round_id)
            rounds.append(
                {
                    "code": rnd.code,
                    "number": rnd.number,
                    "polling_date": rnd.polling_date.isoformat(),
                    "status": rnd.status,
                    "status_label": Round.Status(rnd.status).label,
                    "sheets_expected": state.expected,
                    "sheets_received": state.received,
                    "sheets_definitive": state.definitive,
                    "sheets_annulled": state.annulled,
                    "url": _round_url(e.code, rnd.number),
                }
            )
        html_url = _election_url(e.code)
        payload = {
            "election": {
                "code": e.code,
                "kind": e.kind,
                "kind_label": Election.Kind(e.kind).label,
                "title": e.title,
                "polling_date": e.polling_date.isoformat(),
                "question": e.question,
            },
            "rounds": rounds,
            "links": _links(html_url, nist=_nist_url(e.code)),
        }
        if fmt == "json":
            return _json(payload)
        if fmt == "csv":
            return _csv(
                [
                    "scrutin",
                    "tour",
                    "date",
                    "etat",
                    "pv_attendus",
                    "pv_recus",
                    "pv_definitifs",
                    "pv_annules",
                ],
                (
                    [
                        e.code,
                        r["number"],
                        r["polling_date"],
                        r["status"],
                        r["sheets_expected"],
                        r["sheets_received"],
                        r["sheets_definitive"],
                        r["sheets_annulled"],
                    ]
                    for r in rounds
                ),
                f"{e.code}.csv",
            )
        return _page(request, "public/election.html", payload)

    return serve(request, key, last, build, per_language=fmt == "html")


@require_safe
def nist(request: HttpRequest, election: str) -> HttpResponse:
    """The election as a NIST SP 1500-100 v2 ElectionReport (``kalata.formats.nist``), every
    round, down to the polling stations."""
    found = Election.objects.filter(code=election).first()
    if found is None:
        raise Http404(_("Scrutin inconnu"))
    nist_module = _nist_module()
    if nist_module is None:
        raise Http404(_("L'export NIST n'est pas encore disponible."))
    states = _round_states(election)
    key = "nist#" + "#".join(s.key for s in states)
    last = max((s.last_modified for s in states if s.last_modified), default=None)

    def build() -> HttpResponse:
        # ``generated_at`` from the data, not the clock: the same data give the same bytes
        # (and the ETag computed from the data stays true).
        report = nist_module.election_report(found, generated_at=last or found.created_at)
        dumps = getattr(nist_module, "dumps", None)
        text = dumps(report) if dumps else json.dumps(report, ensure_ascii=False)
        response = HttpResponse(text, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="{found.code}-nist.json"'
        return response

    return serve(request, key, last, build, per_language=False, heavy=True)


def _nist_module():
    """``kalata.formats.nist`` when installed (written beside this app), else None."""
    try:
        module = importlib.import_module("kalata.formats.nist")
    except ImportError:
        return None
    return module if callable(getattr(module, "election_report", None)) else None


# --------------------------------------------------------------------------------------------
# Rows of the tables (shared by HTML, JSON and CSV)


def _unit_row(data: ContestData, level: str, unit: Mapping, url: str) -> dict:
    """A unit of a table, with what the HTML needs beside the figures."""
    code, tie = leader(unit["votes"])
    progress = unit["progress"]
    return {
        **unit,
        "level": level,
        "url": url,
        "leader": None if code is None else data.selection(code)["name"],
        "leader_code": code,
        "leader_colour": data.colours.get(code, "") if code else "",
        "tie": tie,
        "cells": [
            {
                "code": s["code"],
                "votes": unit["votes"].get(s["code"], 0),
                "share": unit["shares"].get(s["code"], "0.00"),
            }
            for s in data.selections
        ],
        "counted": (progress["sheets_definitive"], progress["sheets_expected"]),
    }


def _csv_header(data: ContestData) -> list[str]:
    head = [
        "niveau",
        "code",
        "nom",
        "parent",
        "inscrits",
        "votants",
        "bulletins_nuls",
        "suffrages_exprimes",
        "participation_pct",
    ]
    for code in data.codes:
        head += [f"voix_{code}", f"pct_{code}"]
    head += [
        "pv_attendus",
        "pv_recus",
        "pv_definitifs",
        "pv_bloques",
        "pv_annules",
        "pv_en_attente",
        "etat",
    ]
    return head


def _csv_row(data: ContestData, level: str, unit: Mapping, state: str = "") -> list:
    p = unit["progress"]
    row = [
        LEVEL_LABELS.get(level, level),
        unit["code"],
        unit["name"],
        unit.get("parent") or "",
        unit["registered"],
        unit["voters"],
        unit["null_ballots"],
        unit["valid_votes"],
        unit["turnout"],
    ]
    for code in data.codes:
        row += [unit["votes"].get(code, 0), unit["shares"].get(code, "0.00")]
    row += [
        p["sheets_expected"],
        p["sheets_received"],
        p["sheets_definitive"],
        p["sheets_blocked"],
        p["sheets_annulled"],
        p["sheets_pending"],
        state,
    ]
    return row


STATION_STATES = {
    "definitive": "définitif",
    "annulled": "annulé",
    "blocked": "bloqué",
    "received": "reçu, saisie en cours",
    "expected": "attendu",
}


def _station_state(unit: Mapping) -> str:
    p = unit["progress"]
    if p["sheets_annulled"]:
        return "annulled"
    if p["sheets_definitive"]:
        return "definitive"
    if p["sheets_blocked"]:
        return "blocked"
    if p["sheets_received"]:
        return "received"
    return "expected"


def _selections(data: ContestData, unit: Mapping) -> list[dict]:
    seats = ((data.outcome.get("decision") or {}).get("seats") or {}) if unit is data.total else {}
    return [
        {
            **s,
            "votes": unit["votes"].get(s["code"], 0),
            "share": unit["shares"].get(s["code"], "0.00"),
            "colour": data.colours[s["code"]],
            "seats": seats.get(s["code"]),
        }
        for s in data.selections
    ]


# --------------------------------------------------------------------------------------------
# Outcome, in words


def _outcome_view(data: ContestData) -> dict:
    """The decision of the law engine on the contest's figures, in translated sentences."""
    outcome = data.outcome or {}
    decision = outcome.get("decision") or {}
    names = {s["code"]: s["name"] for s in data.selections}
    parties = {s["code"]: s.get("party", "") for s in data.selections}

    def label(code: str) -> str:
        party = parties.get(code)
        name = names.get(code, code)
        return f"{name} ({party})" if party and party != name else name

    lines: list[str] = []
    kind = data.election["kind"]
    if decision.get("elected") and isinstance(decision["elected"], str):
        lines.append(_("Élu : %(name)s") % {"name": label(decision["elected"])})
    if decision.get("elected_list"):
        lines.append(
            _("Liste élue (%(seats)s siège(s)) : %(name)s")
            % {"seats": data.seats, "name": label(decision["elected_list"])}
        )
    if decision.get("second_round"):
        a, b = decision["second_round"]
        lines.append(_("Second tour entre %(a)s et %(b)s") % {"a": label(a), "b": label(b)})
    if "adopted" in decision:
        lines.append(
            _("Le texte est adopté.") if decision["adopted"] else _("Le texte est rejeté.")
        )
    deposit = ""
    if kind == Election.Kind.PRESIDENTIAL and decision.get("deposit_refunded"):
        deposit = _(
            "Cautionnement remboursé (au moins 5 %% des suffrages exprimés) : %(names)s"
        ) % {"names": ", ".join(names.get(c, c) for c in decision["deposit_refunded"])}
    elected = []
    if isinstance(decision.get("elected"), list):
        elected = [
            {
                "list": e["list"],
                "list_name": names.get(e["list"], e["list"]),
                "rank": e["rank"],
                "name": e["name"],
                "colour": data.colours.get(e["list"], ""),
            }
            for e in decision["elected"]
        ]
    seats = decision.get("seats") or {}
    excluded = [label(c) for c in decision.get("excluded", ())]
    error = (outcome.get("error") or {}).get("message", "")
    return {
        "lines": lines,
        "deposit": deposit,
        "elected": elected,
        "seats": [
            {"code": c, "name": label(c), "seats": n, "colour": data.colours.get(c, "")}
            for c, n in seats.items()
        ],
        "excluded": excluded,
        "unallocated": decision.get("unallocated", 0),
        "unresolved_tie": bool(outcome.get("unresolved_tie")),
        "error": error,
        "complete": bool(outcome.get("complete")),
        "notes": outcome.get("notes", []),
        "steps": decision.get("steps", []),
        "articles": outcome.get("articles", []),
    }


def _short_outcome(data: ContestData) -> str:
    view = _outcome_view(data)
    if view["lines"]:
        return " ; ".join(view["lines"])
    if view["seats"]:
        return ", ".join(f"{s['name']} : {s['seats']}" for s in view["seats"] if s["seats"])
    return view["error"]


# --------------------------------------------------------------------------------------------
# Round


def _round_payload(data: RoundData, e: str, n: int) -> dict:
    contests = []
    for c in data.contests:
        total = c.total
        code, tie = leader(total["votes"])
        contests.append(
            {
                "code": c.code,
                "name": c.name,
                "level": c.level,
                "seats": c.seats,
                "scope": c.scope,
                "status": c.status.as_dict(),
                "registered": total["registered"],
                "voters": total["voters"],
                "null_ballots": total["null_ballots"],
                "valid_votes": total["valid_votes"],
                "turnout": total["turnout"],
                "votes": total["votes"],
                "shares": total["shares"],
                "leader": code,
                "leader_tie": tie,
                "progress": total["progress"],
                "outcome": c.outcome,
                "url": _contest_url(e, n, c.code),
            }
        )
    return {
        "election": data.election,
        "round": data.round,
        "statuses": data.statuses(),
        "progress": data.progress(),
        "contests": contests,
        "annulments": data.annulments,
        "links": _links(_round_url(e, n), nist=_nist_url(e)),
    }


def _party_seats(data: RoundData) -> tuple[list[dict], int, int]:
    """Seats won per party or grouping in the *proclaimed* contests (legislative: the elected
    list takes every seat, Art. 144; communal: proportional, Art. 176); and the seats
    proclaimed and at stake."""
    seats: dict[str, int] = {}
    proclaimed = total = 0
    for c in data.contests:
        total += c.seats
        if not c.status.proclaimed:
            continue
        decision = c.outcome.get("decision") or {}
        keys = {s["code"]: display.party_key(s) for s in c.selections}
        won: dict[str, int] = {}
        if decision.get("elected_list"):
            won = {decision["elected_list"]: c.seats}
        elif isinstance(decision.get("seats"), dict):
            won = decision["seats"]
        for code, n in won.items():
            if n:
                seats[keys.get(code, code)] = seats.get(keys.get(code, code), 0) + n
                proclaimed += n
    rows = [{"party": k, "seats": v} for k, v in sorted(seats.items(), key=lambda i: (-i[1], i[0]))]
    return rows, proclaimed, total


@require_safe
def round_page(request: HttpRequest, election: str, number: int, fmt: str = "html"):
    """A round: its status, progress, contests and their outcome, map and turnout by region."""
    ref, state = _round_or_404(election, number)

    def build() -> HttpResponse:
        rnd = _load_round(ref)
        data = round_data(rnd, state)
        payload = _round_payload(data, election, number)
        if fmt == "json":
            return _json(payload)
        if fmt == "csv":
            return _csv(
                [
                    "circonscription",
                    "nom",
                    "sieges",
                    "etat",
                    "inscrits",
                    "votants",
                    "bulletins_nuls",
                    "suffrages_exprimes",
                    "participation_pct",
                    "en_tete",
                    "pv_attendus",
                    "pv_definitifs",
                    "pv_annules",
                    "pv_en_attente",
                ],
                (
                    [
                        c["code"],
                        c["name"],
                        c["seats"],
                        c["status"]["kind"],
                        c["registered"],
                        c["voters"],
                        c["null_ballots"],
                        c["valid_votes"],
                        c["turnout"],
                        c["leader"] or "",
                        c["progress"]["sheets_expected"],
                        c["progress"]["sheets_definitive"],
                        c["progress"]["sheets_annulled"],
                        c["progress"]["sheets_pending"],
                    ]
                    for c in payload["contests"]
                ),
                f"{rnd.code}.csv",
            )
        keys = display.round_keys(data)

        def href(contest: str, level: str, code: str) -> str:
            return _unit_url(election, number, contest, level, code)

        regions = display.round_units(data, REGION, href)
        party_rows, proclaimed_seats, total_seats = _party_seats(data)
        for row in party_rows:
            row["colour"] = keys.colours.get(row["party"], "")
        rows = []
        without_station = []
        for c, summary in zip(data.contests, payload["contests"], strict=True):
            if not summary["progress"]["sheets_expected"]:
                without_station.append(c.code)  # no polling station: nothing to show
                continue
            rows.append(
                {
                    **summary,
                    "status_obj": c.status,
                    "leader_name": c.selection(summary["leader"])["name"]
                    if summary["leader"]
                    else "",
                    # The colour of the round's map: the candidate's in a single contest,
                    # the party's when the round has several constituencies.
                    "leader_colour": (
                        c.colours.get(summary["leader"] or "", "")
                        if data.single
                        else keys.colours.get(display.party_key(c.selection(summary["leader"])), "")
                    )
                    if summary["leader"]
                    else "",
                    "summary": _short_outcome(c),
                }
            )
        context = {
            **payload,
            "rows": rows,
            "without_station": without_station,
            "single": data.single,
            "round_status": _round_status(data),
            "map": display.render_map(
                regions,
                level="regions",
                measure="tete",
                keys=keys,
                map_id="carte-regions",
                title=_("%(title)s — %(keys)s par région")
                % {"title": data.election["title"], "keys": keys.title},
            ),
            "map_links": _map_links(_round_url(election, number)),
            "turnout_chart": display.turnout_chart(
                regions, chart_id="participation-regions", title=_("Participation par région")
            ),
            "party_seats": party_rows,
            "proclaimed_seats": proclaimed_seats,
            "total_seats": total_seats,
            "progress_obj": data.progress(),
            "show_party_seats": data.election["kind"]
            in (Election.Kind.LEGISLATIVE, Election.Kind.COMMUNAL),
        }
        return _page(request, "public/round.html", context)

    return serve(request, state.key, state.last_modified, build, per_language=fmt == "html")


def _round_status(data: RoundData) -> dict:
    statuses = data.statuses()
    scopes = sum(statuses.values())
    if len(statuses) == 1:
        kind = next(iter(statuses))
        contest = data.contests[0]
        return {"kind": kind, "status": contest.status, "scopes": scopes, "counts": statuses}
    return {"kind": "mixed", "status": None, "scopes": scopes, "counts": statuses}


def _map_links(base: str) -> list[dict]:
    return [
        {
            "level": level,
            "measure": measure,
            "url": f"{base}carte/{level}/{measure}/",
            "svg": f"{base}carte/{level}/{measure}.svg",
        }
        for level in display.MAP_LEVELS
        for measure in display.MEASURES
    ]


def _map_title(level: str, measure: str) -> str:
    return {
        ("regions", "tete"): _("En tête par région"),
        ("cercles", "tete"): _("En tête par cercle"),
        ("regions", "participation"): _("Participation par région"),
        ("cercles", "participation"): _("Participation par cercle"),
    }[(level, measure)]


def _map_response(request, fmt: str, svg, context: dict) -> HttpResponse:
    if fmt == "svg":
        return HttpResponse(
            '<?xml version="1.0" encoding="UTF-8"?>\n' + svg,
            content_type="image/svg+xml; charset=utf-8",
        )
    return _page(request, "public/map.html", {**context, "map": svg})


@require_safe
def round_map(request, election: str, number: int, level: str, measure: str, fmt: str = "html"):
    """The map of a round by region or cercle, coloured by leader or turnout."""
    ref, state = _round_or_404(election, number)

    def build() -> HttpResponse:
        rnd = _load_round(ref)
        data = round_data(rnd, state)
        keys = display.round_keys(data)
        units = display.round_units(
            data,
            display.MAP_LEVELS[level][1],
            lambda c, lv, code: _unit_url(election, number, c, lv, code),
        )
        title = f"{data.election['title']} — {_('tour')} {number} — {_map_title(level, measure)}"
        svg = display.render_map(
            units, level=level, measure=measure, keys=keys, map_id="carte", title=title
        )
        return _map_response(
            request,
            fmt,
            svg,
            {
                "election": data.election,
                "round": data.round,
                "contest": None,
                "title": title,
                "map_links": _map_links(_round_url(election, number)),
                "current": (level, measure),
                "back": _round_url(election, number),
            },
        )

    return serve(request, state.key, state.last_modified, build, per_language=True)


@require_safe
def contest_map(
    request, election: str, number: int, contest: str, level: str, measure: str, fmt="html"
):
    """The map of one contest by region or cercle, coloured by leader or turnout."""
    ref, state = _round_or_404(election, number)

    def build() -> HttpResponse:
        rnd = _load_round(ref)
        data = _contest_or_404(rnd, state, contest)
        units = display.contest_units(
            data,
            display.MAP_LEVELS[level][1],
            lambda lv, code: _unit_url(election, number, contest, lv, code),
        )
        title = f"{data.name} — {_('tour')} {number} — {_map_title(level, measure)}"
        svg = display.render_map(
            units,
            level=level,
            measure=measure,
            keys=display.contest_keys(data),
            map_id="carte",
            title=title,
        )
        return _map_response(
            request,
            fmt,
            svg,
            {
                "election": data.election,
                "round": data.round,
                "contest": data,
                "title": title,
                "map_links": _map_links(_contest_url(election, number, contest)),
                "current": (level, measure),
                "back": _contest_url(election, number, contest),
            },
        )

    return serve(request, state.key, state.last_modified, build, per_language=True)


# --------------------------------------------------------------------------------------------
# Contest and its units


@require_safe
def contest(request, election: str, number: int, contest: str, fmt: str = "html"):
    """A contest's results over its whole constituency (the national results of a presidential
    election or a referendum)."""
    return _unit_page(request, election, number, contest, NATION, None, fmt)


@require_safe
def unit(request, election: str, number: int, contest: str, level: str, code: str, fmt="html"):
    """A region, cercle (District, mission) or commune of a contest."""
    return _unit_page(request, election, number, contest, level, code, fmt)


def _trail(data: ContestData, level: str, code: str, e: str, n: int) -> list[dict]:
    return [
        {
            "level": lv,
            "code": u["code"],
            "name": u["name"],
            "url": _unit_url(e, n, data.code, lv, u["code"]),
        }
        for lv, u in data.trail(level, code)
    ]


def _unit_page(request, election, number, contest, level, code, fmt):
    ref, state = _round_or_404(election, number)

    def build() -> HttpResponse:
        rnd = _load_round(ref)
        data = _contest_or_404(rnd, state, contest)
        lv, cd = (NATION, data.total["code"]) if level == NATION else (level, code)
        if not data.has(lv, cd):
            raise Http404(_("Unité inconnue pour cette circonscription"))
        unit_data = data.unit(lv, cd)
        html_url = _unit_url(election, number, contest, lv, cd)
        child_level, kids = data.children(lv, cd)
        if child_level == STATION:
            station_code = data.canonical(lv, cd)[1]
            stations = station_results(rnd, contest_code=contest, unit_code=station_code)
            rows = [
                {
                    **_unit_row(
                        data,
                        STATION,
                        s.as_dict(),
                        _unit_url(election, number, contest, STATION, s.code),
                    ),
                    "state": _station_state(s.as_dict()),
                }
                for s in stations.get(contest, ())
            ]
            for r in rows:
                r["annulments"] = [
                    {k: v for k, v in a.items() if k != "by"} for a in r["annulments"]
                ]
        else:
            rows = [
                _unit_row(
                    data,
                    child_level,
                    k,
                    _unit_url(election, number, contest, *data.canonical(child_level, k["code"])),
                )
                for k in kids
            ]
        trail = _trail(data, lv, cd, election, number)
        payload = {
            "election": data.election,
            "round": data.round,
            "contest": {
                "code": data.code,
                "name": data.name,
                "level": data.level,
                "seats": data.seats,
                "scope": data.scope,
            },
            "status": data.status.as_dict(),
            "selections": data.selections,
            "level": lv,
            "unit": unit_data,
            "trail": [{k: t[k] for k in ("level", "code", "name")} for t in trail],
            "children_level": child_level,
            "children": [_public_row(r) for r in rows],
            "comparison": data.compared(lv, cd),
            "later_annulments": data.later_annulments,
            "warnings": data.warnings,
            "links": _links(html_url, nist=_nist_url(election)),
        }
        if lv == NATION:
            payload["outcome"] = data.outcome
        if fmt == "json":
            return _json(payload)
        if fmt == "csv":
            csv_rows = [_csv_row(data, lv, unit_data)]
            csv_rows += [
                _csv_row(data, child_level, r, STATION_STATES[r["state"]] if "state" in r else "")
                for r in rows
            ]
            name = f"{rnd.code}-{contest}" + ("" if lv == NATION else f"-{lv}-{cd}")
            return _csv(_csv_header(data), csv_rows, f"{name}.csv")
        return _page(
            request,
            "public/unit.html",
            _unit_context(
                data, lv, cd, unit_data, rows, child_level, trail, payload, election, number
            ),
        )

    return serve(request, state.key, state.last_modified, build, per_language=fmt == "html")


def _public_row(row: Mapping) -> dict:
    """A table row as published in JSON: the unit's figures and its page."""
    keep = (
        "level",
        "kind",
        "code",
        "name",
        "parent",
        "registered",
        "voters",
        "null_ballots",
        "valid_votes",
        "turnout",
        "votes",
        "shares",
        "progress",
        "annulments",
        "url",
        "state",
    )
    return {k: row[k] for k in keep if k in row}


def _unit_context(data, level, code, unit_data, rows, child_level, trail, payload, e, n) -> dict:
    is_total = level == NATION
    children_units = [
        display.MapUnit(
            r["code"],
            r["name"],
            r["registered"],
            r["voters"],
            r["valid_votes"],
            dict(r["votes"]),
            r["url"],
        )
        for r in rows
    ]
    title_unit = unit_data["name"]
    context = {
        **payload,
        "data": data,
        "is_total": is_total,
        "unit_obj": unit_data,
        "rows": rows,
        "trail": trail,
        "selection_rows": _selections(data, data.total if is_total else unit_data),
        "show_columns": len(data.selections) <= MAX_SELECTION_COLUMNS,
        "outcome_view": _outcome_view(data) if is_total else None,
        "shares_chart": display.shares_chart(
            unit_data["votes"],
            unit_data["valid_votes"],
            data,
            chart_id="parts",
            title=_("Répartition des suffrages exprimés — %(unit)s") % {"unit": title_unit},
        ),
        "turnout_chart": display.turnout_chart(
            children_units,
            chart_id="participation",
            title=_("Participation — %(unit)s") % {"unit": title_unit},
        )
        if len(children_units) > 1
        else None,
        "child_level": child_level,
        "compared": data.compared(level, code),
        "round_url": _round_url(e, n),
        "election_url": _election_url(e),
        "map_links": _map_links(_contest_url(e, n, data.code)) if data.level == "nation" else [],
    }
    if is_total and data.level == "nation":
        context["map"] = display.render_map(
            display.contest_units(data, REGION, lambda lv, cd: _unit_url(e, n, data.code, lv, cd)),
            level="regions",
            measure="tete",
            keys=display.contest_keys(data),
            map_id="carte-regions",
            title=_("%(name)s — en tête par région") % {"name": data.name},
        )
    return context


# --------------------------------------------------------------------------------------------
# Polling station


@require_safe
def station(request, election: str, number: int, contest: str, station: str, fmt="html"):
    """One polling station's minutes: the definitive figures, and the scan of the paper minutes
    with its SHA-256 when one was uploaded."""
    ref, state = _round_or_404(election, number)

    def build() -> HttpResponse:
        rnd = _load_round(ref)
        sheet = (
            TallySheet.objects.filter(round=rnd, contest__code=contest, station__code=station)
            .values(
                "status",
                "annulled",
                "definitive_at",
                "image",
                "image_sha256",
                "station__commune__code",
                "station__mission__code",
            )
            .first()
        )
        if sheet is None:
            raise Http404(_("Bureau de vote inconnu pour cette circonscription"))
        data = _contest_or_404(rnd, state, contest)
        unit_code = sheet["station__commune__code"] or sheet["station__mission__code"]
        found = [
            s
            for s in station_results(rnd, contest_code=contest, unit_code=unit_code).get(
                contest, ()
            )
            if s.code == station
        ]
        if not found:
            raise Http404(_("Bureau de vote inconnu pour cette circonscription"))
        unit_data = found[0].as_dict()
        unit_data["annulments"] = [
            {k: v for k, v in a.items() if k != "by"} for a in unit_data["annulments"]
        ]
        definitive = sheet["status"] == TallySheet.Status.DEFINITIVE
        html_url = _unit_url(election, number, contest, STATION, station)
        image_url = ""
        if definitive and sheet["image"]:
            image_url = html_url + "pv"
        st = _station_state(unit_data)
        trail = (
            _trail(data, COMMUNE, unit_code, election, number)
            if data.has(COMMUNE, unit_code)
            else []
        )
        trail.append(
            {"level": STATION, "code": station, "name": unit_data["name"], "url": html_url}
        )
        payload = {
            "election": data.election,
            "round": data.round,
            "contest": {"code": data.code, "name": data.name, "level": data.level},
            "status": data.status.as_dict(),
            "selections": data.selections,
            "station": {
                **unit_data,
                "state": st,
                "state_label": STATION_STATES[st],
                "definitive_at": sheet["definitive_at"] if definitive else None,
                "image_url": image_url,
                "image_sha256": sheet["image_sha256"] if image_url else "",
            },
            "trail": [{k: t[k] for k in ("level", "code", "name")} for t in trail],
            "links": _links(html_url),
        }
        if fmt == "json":
            return _json(payload)
        if fmt == "csv":
            return _csv(
                _csv_header(data) + ["sha256_pv"],
                [
                    _csv_row(data, STATION, unit_data, STATION_STATES[st])
                    + [payload["station"]["image_sha256"]]
                ],
                f"{rnd.code}-{contest}-{station}.csv",
            )
        return _page(
            request,
            "public/station.html",
            {
                **payload,
                "data": data,
                "trail": trail,
                "unit_obj": unit_data,
                "state": st,
                "selection_rows": _selections(data, unit_data),
                "shares_chart": display.shares_chart(
                    unit_data["votes"],
                    unit_data["valid_votes"],
                    data,
                    chart_id="parts",
                    title=_("Répartition des suffrages exprimés — %(unit)s")
                    % {"unit": unit_data["name"]},
                )
                if st == "definitive"
                else None,
                "round_url": _round_url(election, number),
                "election_url": _election_url(election),
            },
        )

    return serve(request, state.key, state.last_modified, build, per_language=fmt == "html")


@require_safe
def minutes_image(request, election: str, number: int, contest: str, station: str):
    """The photo or scan of a polling station's paper minutes — only once they are definitive
    (the figures published beside it are then the minutes' own)."""
    sheet = (
        TallySheet.objects.filter(
            round__election__code=election,
            round__number=number,
            contest__code=contest,
            station__code=station,
            status=TallySheet.Status.DEFINITIVE,
        )
        .exclude(image="")
        .exclude(image__isnull=True)
        .only("image", "image_sha256")
        .first()
    )
    if sheet is None:
        raise Http404(_("Pas de procès-verbal numérisé publié pour ce bureau"))
    content_type = mimetypes.guess_type(sheet.image.name)[0]
    if content_type not in IMAGE_TYPES:
        raise Http404(_("Pas de procès-verbal numérisé publié pour ce bureau"))
    etag = f'"{sheet.image_sha256}"' if sheet.image_sha256 else None
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        not_modified["ETag"] = etag
        return not_modified
    try:
        handle = sheet.image.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("Pas de procès-verbal numérisé publié pour ce bureau")) from None
    extension = mimetypes.guess_extension(content_type) or ""
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = (
        f'inline; filename="{station}-{election}-T{number}{extension}"'
    )
    response["Cache-Control"] = "public, max-age=300"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if etag:
        response["ETag"] = etag
        response["X-Content-SHA256"] = sheet.image_sha256
    return response


__all__ = [
    "contest",
    "contest_map",
    "election",
    "elections",
    "home",
    "language",
    "minutes_image",
    "nist",
    "round_map",
    "round_page",
    "station",
    "unit",
]
