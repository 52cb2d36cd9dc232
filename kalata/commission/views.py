"""The commission screens: login, work queue, minutes entry with the checks as you type, the
president's resolution, acknowledgement, discard and correction, scans of the paper minutes,
delegates' copies, CENI observations, and the summary minutes of the area (screen and PDF).

Every view requires a login and asks ``kalata.accounts.permissions`` for the object it shows or
changes (``access.need``): nobody acts, nor reads, where they do not belong (French 403). Every
change goes through a service that audits it (``kalata.results.entry``,
``kalata.commission.services``). **The second entry is blind to the first**: while a sheet can
still be typed (expected, first entry), a user who may type it never sees an entry's figures, a
delegate's copy nor any comparison with them.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Mapping
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.views import LoginView
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from kalata.accounts.permissions import ROLE_LABELS, visible_sheets
from kalata.commission import services
from kalata.commission.access import (
    allowed,
    area_or_404,
    authorizer,
    commission_view,
    need,
    reading_grants,
    require_round_reader,
    round_or_404,
    sheet_or_404,
)
from kalata.commission.documents import render_summary_pdf, summary_data
from kalata.commission.forms import FiguresInput, LoginForm, ObservationForm, ReasonForm, ScanForm
from kalata.commission.models import DelegateCopy
from kalata.commission.signing_views import signing_context, with_signature
from kalata.elections.models import Round, Selection
from kalata.law.explain import LawError
from kalata.law.tally import CHECKS, Severity, TallyReport, check_tally
from kalata.results.entry import (
    acknowledge,
    correct,
    differences,
    discard_entries,
    figures_value,
    parse_figures,
    resolve,
    submit_entry,
)
from kalata.results.models import Correction, DataEntry, TallySheet
from kalata.results.workflow import Operation, WorkflowError, refusal

Status = TallySheet.Status
PAGE_SIZE = 50

#: While a sheet is in one of these states, a clerk may still type it: blind mode.
TYPING = frozenset({Status.EXPECTED, Status.FIRST_ENTRY})


# --------------------------------------------------------------------------------------------
# Login / logout
# --------------------------------------------------------------------------------------------


class CommissionLoginView(LoginView):
    """Django's login view, French template; failed logins are audited and throttled by the
    configured backend (``ThrottledModelBackend``), whose lock the form reports in French."""

    template_name = "commission/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    next_page = reverse_lazy("commission:index")


@require_http_methods(["GET", "POST"])
def logout_view(request):
    """GET: a confirmation with a POST button (logging out changes state); POST: log out."""
    if request.method == "POST":
        auth_logout(request)  # audited by kalata.accounts.signals (user.logout)
        return render(request, "commission/logged_out.html")
    if not request.user.is_authenticated:
        return redirect("commission:login")
    return render(request, "commission/logout.html")


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _selections(sheet: TallySheet) -> list[Selection]:
    return list(Selection.objects.filter(contest_id=sheet.contest_id).order_by("order", "code"))


def _codes(selections) -> list[str]:
    return [s.code for s in selections]


def _check_rows(report: TallyReport) -> list[dict]:
    rows = []
    for check in report.checks:
        spec = CHECKS[check.code]
        rows.append(
            {
                "code": check.code,
                "severity": str(check.severity),
                "title": spec.title_fr,
                "message": check.message_fr,
                "articles": ", ".join(check.articles),
                "fields": list(check.fields),
            }
        )
    return rows


def _typed_checks(form: FiguresInput, codes) -> list[dict]:
    """The checks of the figures typed in ``form`` (for a re-rendered form), or none."""
    try:
        data = parse_figures(form.figures())
    except WorkflowError:
        return []
    return _check_rows(check_tally(figures_value(data), codes))


def _catalogue() -> dict:
    return {
        code: {"title": spec.title_fr, "articles": list(spec.articles), "severity": spec.severity}
        for code, spec in CHECKS.items()
    }


def _sheet_url(sheet: TallySheet, name: str = "sheet") -> str:
    return reverse(
        f"commission:{name}",
        args=[sheet.round.code, sheet.contest.code, sheet.station.code],
    )


def _place(sheet: TallySheet) -> str:
    station = sheet.station
    if station.mission_id:
        return station.mission.name
    commune = station.commune
    if commune.cercle_id:
        where = _("cercle de %(name)s") % {"name": commune.cercle.name}
    else:
        where = _("District de Bamako")
    return _("commune de %(name)s (%(where)s)") % {"name": commune.name, "where": where}


def _blind(request, sheet: TallySheet) -> bool:
    """Whether the viewer may still type this sheet: then no entry figures are shown."""
    return sheet.status in TYPING and allowed(request, "enter_minutes", sheet)


def _base_context(sheet: TallySheet) -> dict:
    return {
        "sheet": sheet,
        "round": sheet.round,
        "election": sheet.round.election,
        "place": _place(sheet),
        "status_label": STATUS_LABELS.get(sheet.status, sheet.status),
        "sheet_url": _sheet_url(sheet),
        "queue_url": reverse("commission:queue", args=[sheet.round.code]),
    }


def _error_dict(exc: LawError) -> dict:
    return {
        "code": exc.code,
        "message": exc.message,
        "articles": ", ".join(exc.articles),
        "field": exc.field or "",
    }


def _active_entries(sheet: TallySheet) -> list[DataEntry]:
    return list(
        DataEntry.objects.filter(sheet_id=sheet.pk, state=DataEntry.State.ACTIVE)
        .select_related("entered_by")
        .order_by("number")
    )


# --------------------------------------------------------------------------------------------
# Home: the rounds the user has roles for
# --------------------------------------------------------------------------------------------


@commission_view
def index(request):
    grants = authorizer(request).grants
    rounds = []
    if grants:
        qs = Round.objects.select_related("election").exclude(status=Round.Status.SETUP)
        if all(g.election_id is not None for g in grants):
            qs = qs.filter(election_id__in={g.election_id for g in grants})
        for rnd in qs.order_by("-polling_date", "election__code", "number"):
            if not reading_grants(request, rnd.election):
                continue
            rounds.append(
                {
                    "round": rnd,
                    "url": reverse("commission:queue", args=[rnd.code]),
                    "sheets": visible_sheets(request.user, rnd).count(),
                }
            )
    return render(
        request,
        "commission/index.html",
        {
            "rounds": rounds,
            "grants": [g.description for g in grants],
        },
    )


# --------------------------------------------------------------------------------------------
# Work queue
# --------------------------------------------------------------------------------------------

STATUS_ORDER = (
    (Status.EXPECTED, gettext_lazy("à saisir (1re saisie)")),
    (Status.FIRST_ENTRY, gettext_lazy("en attente de la 2e saisie")),
    (Status.DIFFERENT, gettext_lazy("saisies différentes")),
    (Status.TO_ACKNOWLEDGE, gettext_lazy("avertissements à valider")),
    (Status.BLOCKED, gettext_lazy("bloqués (erreurs)")),
    (Status.DEFINITIVE, gettext_lazy("définitifs")),
)

#: The labels of ``TallySheet.Status`` (same French words) in the reader's language. The model's
#: own labels stay plain French: they also label data (API, exports) that is the same for all.
STATUS_LABELS = {
    Status.EXPECTED: pgettext_lazy("minutes status", "attendu"),
    Status.FIRST_ENTRY: pgettext_lazy("minutes status", "première saisie faite"),
    Status.DIFFERENT: pgettext_lazy("minutes status", "saisies différentes"),
    Status.TO_ACKNOWLEDGE: pgettext_lazy("minutes status", "avertissements à valider"),
    Status.BLOCKED: pgettext_lazy("minutes status", "bloqué (erreurs)"),
    Status.DEFINITIVE: pgettext_lazy("minutes status", "définitif"),
}
ENTRY_STATE_LABELS = {
    DataEntry.State.ACTIVE: pgettext_lazy("entry state", "en vigueur"),
    DataEntry.State.DISCARDED: pgettext_lazy("entry state", "écartée"),
}
CAPACITY_LABELS = {
    DelegateCopy.Capacity.DELEGATE: gettext_lazy("délégué de parti ou de liste"),
    DelegateCopy.Capacity.OBSERVER: gettext_lazy("observateur"),
}


@commission_view
def queue(request, round_code: str):
    rnd = round_or_404(round_code)
    election = rnd.election
    require_round_reader(request, rnd)
    base = visible_sheets(request.user, rnd)
    areas = services.commission_areas(election, base)
    area_code = request.GET.get("commission", "")
    area = next((a for a in areas if a.code == area_code), None)
    if area is not None:
        base = base.filter(area.stations_q())

    units = []
    for c_code, c_name, m_code, m_name in (
        base.order_by()
        .values_list(
            "station__commune__code",
            "station__commune__name",
            "station__mission__code",
            "station__mission__name",
        )
        .distinct()
    ):
        units.append((c_code or m_code, c_name or m_name))
    units.sort()
    unit = request.GET.get("unite", "")
    if unit:
        base = base.filter(Q(station__commune__code=unit) | Q(station__mission__code=unit))

    counts = {row["status"]: row["n"] for row in base.values("status").annotate(n=Count("id"))}
    total = sum(counts.values())
    annulled = base.filter(annulled=True).count()
    status = request.GET.get("etat", "")
    sheets = base
    if status in Status.values:
        sheets = sheets.filter(status=status)
    elif status == "recus":
        sheets = sheets.exclude(status=Status.EXPECTED)
    else:
        status = ""

    first_clerk = DataEntry.objects.filter(
        sheet=OuterRef("pk"), state=DataEntry.State.ACTIVE, number=1
    ).values("entered_by_id")[:1]
    sheets = (
        sheets.select_related(
            "round__election",
            "contest",
            "station__commune__cercle",
            "station__commune__region",
            "station__mission",
        )
        .annotate(first_clerk=Subquery(first_clerk))
        .order_by("station__code", "contest__code")
    )
    page = Paginator(sheets, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = _queue_rows(request, list(page.object_list))

    params = {k: v for k, v in (("commission", area_code), ("unite", unit)) if v}
    return render(
        request,
        "commission/queue.html",
        {
            "round": rnd,
            "election": election,
            "areas": areas,
            "area": area,
            "area_code": area_code,
            "units": units,
            "unit": unit,
            "status": status,
            "statuses": [
                {"key": key, "label": label, "count": counts.get(key, 0)}
                for key, label in STATUS_ORDER
            ],
            "total": total,
            "received": total - counts.get(Status.EXPECTED, 0),
            "annulled": annulled,
            "page": page,
            "rows": rows,
            "filter_query": urlencode(params),
            "page_query": urlencode({**params, **({"etat": status} if status else {})}),
        },
    )


def _queue_rows(request, sheets: list[TallySheet]) -> list[dict]:
    user = request.user
    copies: dict[int, list[DelegateCopy]] = defaultdict(list)
    ids = [s.pk for s in sheets]
    for copy in DelegateCopy.objects.filter(sheet_id__in=ids).order_by("created_at", "id"):
        copies[copy.sheet_id].append(copy)
    entries: dict[int, list[DataEntry]] = defaultdict(list)
    if copies:
        for entry in DataEntry.objects.filter(
            sheet_id__in=list(copies), state=DataEntry.State.ACTIVE
        ):
            entries[entry.sheet_id].append(entry)
    rows = []
    for sheet in sheets:
        actions = []
        if sheet.status in TYPING and allowed(request, "enter_minutes", sheet):
            if sheet.first_clerk == user.pk:
                actions.append({"label": _("1re saisie faite par vous"), "url": ""})
            else:
                label = _("Saisir") if sheet.status == Status.EXPECTED else _("2e saisie")
                actions.append({"label": label, "url": _sheet_url(sheet, "entry")})
        if sheet.status == Status.DIFFERENT and allowed(request, "resolve_entries", sheet):
            actions.append({"label": _("Trancher"), "url": _sheet_url(sheet, "resolve")})
        if sheet.status == Status.TO_ACKNOWLEDGE and allowed(request, "acknowledge_warning", sheet):
            actions.append({"label": _("Valider"), "url": _sheet_url(sheet, "acknowledge")})
        if sheet.status == Status.BLOCKED and allowed(request, "correct_minutes", sheet):
            actions.append({"label": _("Rectifier"), "url": _sheet_url(sheet, "correct")})
        discrepancy = False
        if copies.get(sheet.pk) and not _blind(request, sheet):
            latest = _latest_copies(copies[sheet.pk])
            for copy in latest:
                if any(
                    not c.agrees
                    for c in services.copy_discrepancies(copy, sheet, entries[sheet.pk])
                ):
                    discrepancy = True
        rows.append(
            {
                "sheet": sheet,
                "status_label": STATUS_LABELS.get(sheet.status, sheet.status),
                "place": sheet.station.commune.name
                if sheet.station.commune_id
                else sheet.station.mission.name,
                "url": _sheet_url(sheet),
                "actions": actions,
                "codes": sheet.check_codes if sheet.status not in TYPING else [],
                "copies": len(copies.get(sheet.pk, ())),
                "discrepancy": discrepancy,
                "scan": bool(sheet.image),
            }
        )
    return rows


def _latest_copies(copies: list[DelegateCopy]) -> list[DelegateCopy]:
    """The latest copy of each delegate (a new copy supersedes the previous one)."""
    latest: dict[int, DelegateCopy] = {}
    for copy in copies:
        latest[copy.submitted_by_id] = copy
    return list(latest.values())


# --------------------------------------------------------------------------------------------
# One sheet
# --------------------------------------------------------------------------------------------


@commission_view
def sheet_view(request, round_code: str, contest_code: str, station_code: str):
    rnd = round_or_404(round_code)
    sheet = sheet_or_404(rnd, contest_code, station_code)
    decision = need(request, "view_minutes", sheet)
    selections = _selections(sheet)
    codes = _codes(selections)
    blind = _blind(request, sheet)
    reads_entries = not blind and decision.role != "delegate"

    agreed = None
    agreed_checks: list[dict] = []
    if isinstance(sheet.figures, Mapping) and not blind:
        agreed = FiguresInput(selections, figures=sheet.figures)
        agreed_checks = _check_rows(check_tally(figures_value(sheet.figures), codes))

    entries = []
    all_entries = list(
        DataEntry.objects.filter(sheet_id=sheet.pk).select_related("entered_by").order_by("pk")
    )
    if reads_entries:
        for entry in all_entries:
            entries.append(
                {
                    "entry": entry,
                    "form": FiguresInput(selections, figures=entry.figures),
                    "state_label": ENTRY_STATE_LABELS.get(entry.state, entry.state),
                }
            )
    entry_table = _entry_table(selections, [e for e in all_entries if e.state == "active"])

    copies = []
    if not blind:
        latest = {c.pk for c in _latest_copies(list(sheet.delegate_copies.all()))}
        for copy in sheet.delegate_copies.select_related("submitted_by", "selection").order_by(
            "created_at", "id"
        ):
            comparisons = services.copy_discrepancies(copy, sheet, all_entries)
            if not reads_entries:
                comparisons = [c for c in comparisons if "saisie" not in c.against]
            copies.append(
                {
                    "copy": copy,
                    "comparisons": comparisons,
                    "current": copy.pk in latest,
                    "capacity_label": CAPACITY_LABELS.get(copy.capacity, copy.capacity),
                }
            )

    observations = sheet.ceni_observations.select_related("by").order_by("at", "id")
    context = {
        **_base_context(sheet),
        "blind": blind,
        "reads_entries": reads_entries,
        "agreed": agreed,
        "agreed_checks": agreed_checks,
        "entries": entries,
        "entry_table": entry_table if reads_entries else None,
        "copies": copies,
        "observations": observations,
        "acknowledgements": sheet.acknowledgements.select_related("by").order_by("at"),
        "corrections": sheet.corrections.select_related("by").order_by("at"),
        "can": {
            "enter": sheet.status in TYPING and allowed(request, "enter_minutes", sheet),
            "resolve": sheet.status == Status.DIFFERENT
            and allowed(request, "resolve_entries", sheet),
            "acknowledge": sheet.status == Status.TO_ACKNOWLEDGE
            and allowed(request, "acknowledge_warning", sheet),
            "discard": sheet.status not in (Status.EXPECTED, Status.DEFINITIVE)
            and allowed(request, "discard_entries", sheet),
            "correct": sheet.status in (Status.BLOCKED, Status.DEFINITIVE)
            and allowed(request, "correct_minutes", sheet),
            "upload": allowed(request, "upload_scan", sheet),
            "copy": allowed(request, "submit_delegate_copy", sheet),
            "observe": allowed(request, "record_observation", sheet),
        },
        "scan_form": ScanForm(),
        "observation_form": ObservationForm(),
        "scan": _scan_info(sheet),
        "role_label": ROLE_LABELS.get(decision.role or "", ""),
    }
    return render(request, "commission/sheet.html", context)


def _entry_table(selections, active: list[DataEntry]) -> list[dict]:
    """The active entries side by side, field by field, differing fields marked."""
    if not active:
        return []
    forms = [FiguresInput(selections, figures=e.figures) for e in active]
    layouts = [f.sections() for f in forms]
    rows = []
    for s_index, section in enumerate(layouts[0]):
        for i, line in enumerate(section.lines):
            values = [layout[s_index].lines[i].value for layout in layouts]
            if section.optional and not any(values):
                continue
            rows.append(
                {
                    "label": line.label,
                    "values": values,
                    "differs": len(set(values)) > 1,
                }
            )
    obs = [f.observations for f in forms]
    if any(o.strip() for o in obs):
        rows.append(
            {
                "label": _("Observations"),
                "values": obs,
                "differs": len({" ".join(o.split()) for o in obs}) > 1,
            }
        )
    return rows


def _scan_info(sheet: TallySheet) -> dict | None:
    if not sheet.image:
        return None
    name = sheet.image.name
    ext = name.rsplit(".", 1)[-1].lower()
    return {
        "url": _sheet_url(sheet, "scan_file"),
        "sha256": sheet.image_sha256,
        "is_image": ext in ("jpg", "png"),
        "format": ext.upper(),
    }


# --------------------------------------------------------------------------------------------
# Entry (first or second, blind) and the checks as you type
# --------------------------------------------------------------------------------------------

_STATUS_MESSAGES = {
    Status.FIRST_ENTRY: gettext_lazy(
        "Première saisie enregistrée. Un autre agent doit faire la seconde saisie."
    ),
    Status.DIFFERENT: gettext_lazy(
        "Seconde saisie enregistrée : elle diffère de la première. Le président de la commission"
        " tranchera les écarts."
    ),
    Status.TO_ACKNOWLEDGE: gettext_lazy(
        "Seconde saisie enregistrée, identique à la première : des avertissements sont à valider"
        " par le président."
    ),
    Status.BLOCKED: gettext_lazy(
        "Seconde saisie enregistrée, identique à la première, mais les chiffres sont en erreur :"
        " le procès-verbal est bloqué (rectification ou nouvelle saisie)."
    ),
    Status.DEFINITIVE: gettext_lazy(
        "Seconde saisie identique à la première : le procès-verbal est définitif."
    ),
}


@commission_view
@require_http_methods(["GET", "POST"])
def entry_view(request, round_code: str, contest_code: str, station_code: str):
    rnd = round_or_404(round_code)
    sheet = sheet_or_404(rnd, contest_code, station_code)
    need(request, "enter_minutes", sheet)
    selections = _selections(sheet)
    context = _base_context(sheet)
    closed = ""
    if sheet.status not in TYPING:
        closed = refusal(sheet.status, Operation.SUBMIT).message
    else:
        first = next((e for e in _active_entries(sheet) if e.number == 1), None)
        if first is not None and first.entered_by_id == request.user.pk:
            closed = _(
                "Vous avez fait la première saisie de ce procès-verbal : la seconde doit être"
                " faite par un autre agent (double saisie, quatre yeux)."
            )
    if closed:
        return render(request, "commission/entry_closed.html", {**context, "closed": closed})

    number = 1 if sheet.status == Status.EXPECTED else 2
    error = None
    if request.method == "POST":
        form = FiguresInput(selections, data=request.POST)
        key = request.POST.get("client_key", "").strip()[:100] or None
        try:
            result = submit_entry(sheet, request.user, form.figures(), client_key=key)
        except WorkflowError as exc:
            error = _error_dict(exc)
        else:
            messages.success(
                request,
                _("Bureau %(code)s : %(text)s")
                % {
                    "code": sheet.station.code,
                    "text": _STATUS_MESSAGES.get(result.status, result.status),
                },
            )
            return redirect(context["queue_url"])
    else:
        form = FiguresInput(selections)
        key = None
    return render(
        request,
        "commission/entry.html",
        {
            **context,
            "form": form,
            "sections": form.sections(),
            "number": number,
            "client_key": key or uuid.uuid4().hex,
            "error": error,
            "catalogue": _catalogue(),
            "codes": _codes(selections),
            "verify_url": _sheet_url(sheet, "verify"),
            "submit_label": _("Enregistrer la 1re saisie")
            if number == 1
            else _("Enregistrer la 2e saisie"),
            "mode": "entry",
            "initial_checks": _typed_checks(form, _codes(selections)) if error else [],
        },
    )


@commission_view
@require_POST
def verify_view(request, round_code: str, contest_code: str, station_code: str):
    """POST JSON figures -> the numbered checks (``check_tally``), which are the authority."""
    rnd = round_or_404(round_code)
    sheet = sheet_or_404(rnd, contest_code, station_code)
    need(request, "view_minutes", sheet)
    try:
        payload = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return JsonResponse(
            {"error": {"code": "json_invalid", "message": _("Requête invalide : JSON attendu.")}},
            status=400,
        )
    try:
        data = parse_figures(payload)
    except WorkflowError as exc:
        return JsonResponse({"error": exc.as_dict()}, status=400)
    codes = list(
        Selection.objects.filter(contest_id=sheet.contest_id)
        .order_by("order", "code")
        .values_list("code", flat=True)
    )
    report = check_tally(figures_value(data), codes)
    rows = _check_rows(report)
    return JsonResponse(
        {
            "blocking": report.blocking,
            "errors": [r for r in rows if r["severity"] == Severity.ERROR],
            "warnings": [r for r in rows if r["severity"] == Severity.WARNING],
        }
    )


# --------------------------------------------------------------------------------------------
# President: resolve, acknowledge, discard, correct
# --------------------------------------------------------------------------------------------


def _done(request, sheet: TallySheet, text: str):
    messages.success(
        request, _("Bureau %(code)s : %(text)s") % {"code": sheet.station.code, "text": text}
    )
    return redirect(_sheet_url(sheet))


def _outcome_text(status: str) -> str:
    return {
        Status.DEFINITIVE: _("le procès-verbal est définitif."),
        Status.TO_ACKNOWLEDGE: _("des avertissements restent à valider."),
        Status.BLOCKED: _("les chiffres retenus sont en erreur : le procès-verbal est bloqué."),
        Status.EXPECTED: _("les saisies sont écartées ; le procès-verbal est à ressaisir."),
    }.get(status, str(status))


@commission_view
@require_http_methods(["GET", "POST"])
def resolve_view(request, round_code: str, contest_code: str, station_code: str):
    rnd = round_or_404(round_code)
    sheet = sheet_or_404(rnd, contest_code, station_code)
    need(request, "resolve_entries", sheet)
    context = _base_context(sheet)
    if sheet.status != Status.DIFFERENT:
        return render(
            request,
            "commission/entry_closed.html",
            {**context, "closed": refusal(sheet.status, Operation.RESOLVE).message},
        )
    diffs = differences(sheet)
    active = _active_entries(sheet)
    selections = _selections(sheet)
    codes = _codes(selections)
    names = {
        f"votes.{s.code}": _("Voix de %(name)s (%(code)s)") % {"name": s.name, "code": s.code}
        for s in selections
    }
    choices = {}
    error = None
    if request.method == "POST":
        choices = {d.field: request.POST.get(f"choix:{d.field}", "") for d in diffs}
        try:
            result = resolve(sheet, request.user, {k: v for k, v in choices.items() if v})
        except WorkflowError as exc:
            error = _error_dict(exc)
        else:
            return _done(request, sheet, _("écarts tranchés ; ") + _outcome_text(result.status))
    rows = [
        {
            "field": d.field,
            "label": names.get(d.field, d.label_fr),
            "first": _display(d.first),
            "second": _display(d.second),
            "choice": choices.get(d.field, ""),
        }
        for d in diffs
    ]
    return render(
        request,
        "commission/resolve.html",
        {
            **context,
            "rows": rows,
            "entries": [
                {
                    "entry": e,
                    "checks": _check_rows(check_tally(figures_value(e.figures), codes)),
                }
                for e in active
            ],
            "error": error,
            "scan": _scan_info(sheet),
        },
    )


def _display(value) -> str:
    if value is None or value == "":
        return _("non saisi")
    return str(value)


@commission_view
@require_http_methods(["GET", "POST"])
def acknowledge_view(request, round_code: str, contest_code: str, station_code: str):
    rnd = round_or_404(round_code)
    sheet = sheet_or_404(rnd, contest_code, station_code)
    need(request, "acknowledge_warning", sheet)
    context = _base_context(sheet)
    if sheet.status != Status.TO_ACKNOWLEDGE:
        return render(
            request,
            "commission/entry_closed.html",
            {**context, "closed": refusal(sheet.status, Operation.ACKNOWLEDGE).message},
        )
    codes = _codes(_selections(sheet))
    report = check_tally(figures_value(sheet.figures), codes)
    grouped: dict[str, list[str]] = {}
    for check in report.warnings:
        grouped.setdefault(check.code, []).append(check.message_fr)
    reasons = {code: "" for code in grouped}
    error = None
    if request.method == "POST":
        reasons = {code: request.POST.get(f"motif:{code}", "") for code in grouped}
        try:
            result = acknowledge(sheet, request.user, reasons)
        except WorkflowError as exc:
            error = _error_dict(exc)
        else:
            return _done(
                request, sheet, _("avertissements validés ; ") + _outcome_text(result.status)
            )
    warnings = [
        {
            "code": code,
            "title": CHECKS[code].title_fr,
            "articles": ", ".join(CHECKS[code].articles),
            "messages": texts,
            "reason": reasons.get(code, ""),
        }
        for code, texts in grouped.items()
    ]
    return render(
        request,
        "commission/acknowledge.html",
        {
            **context,
            "warnings": warnings,
            "figures": FiguresInput(_selections(sheet), figures=sheet.figures),
            "error": error,
            "scan": _scan_info(sheet),
        },
    )


@commission_view
@require_http_methods(["GET", "POST"])
def discard_view(request, round_code: str, contest_code: str, station_code: str):
    rnd = round_or_404(round_code)
    sheet = sheet_or_404(rnd, contest_code, station_code)
    need(request, "discard_entries", sheet)
    context = _base_context(sheet)
    if sheet.status in (Status.EXPECTED, Status.DEFINITIVE):
        return render(
            request,
            "commission/entry_closed.html",
            {**context, "closed": refusal(sheet.status, Operation.DISCARD).message},
        )
    error = None
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = discard_entries(sheet, request.user, form.cleaned_data["reason"])
        except WorkflowError as exc:
            error = _error_dict(exc)
        else:
            return _done(request, sheet, _outcome_text(result.status))
    return render(request, "commission/discard.html", {**context, "form": form, "error": error})


@commission_view
@require_http_methods(["GET", "POST"])
def correct_view(request, round_code: str, contest_code: str, station_code: str):
    rnd = round_or_404(round_code)
    sheet = sheet_or_404(rnd, contest_code, station_code)
    need(request, "correct_minutes", sheet)
    context = _base_context(sheet)
    if sheet.status not in (Status.BLOCKED, Status.DEFINITIVE):
        return render(
            request,
            "commission/entry_closed.html",
            {
                **context,
                "closed": refusal(sheet.status, Operation.COMMISSION_CORRECTION).message,
            },
        )
    selections = _selections(sheet)
    error = None
    reason = reference = ""
    if request.method == "POST":
        form = FiguresInput(selections, data=request.POST)
        reason = request.POST.get("reason", "")
        reference = request.POST.get("reference", "")
        try:
            result = correct(
                sheet,
                request.user,
                form.figures(),
                reason,
                kind=Correction.Kind.COMMISSION,
                reference=reference[:200],
            )
        except WorkflowError as exc:
            error = _error_dict(exc)
        else:
            return _done(
                request, sheet, _("rectification enregistrée ; ") + _outcome_text(result.status)
            )
    else:
        form = FiguresInput(selections, figures=sheet.figures or {})
    current = []
    if isinstance(sheet.figures, Mapping):
        current = _check_rows(check_tally(figures_value(sheet.figures), _codes(selections)))
    return render(
        request,
        "commission/correct.html",
        {
            **context,
            "form": form,
            "sections": form.sections(),
            "error": error,
            "reason": reason,
            "reference": reference,
            "current_checks": current,
            "catalogue": _catalogue(),
            "verify_url": _sheet_url(sheet, "verify"),
            "submit_label": _("Enregistrer la rectification"),
            "mode": "correct",
            "initial_checks": _typed_checks(form, _codes(selections)),
            "scan": _scan_info(sheet),
        },
    )


# --------------------------------------------------------------------------------------------
# Scans of the paper minutes
# --------------------------------------------------------------------------------------------


@commission_view
@require_POST
def scan_upload(request, round_code: str, contest_code: str, station_code: str):
    rnd = round_or_404(round_code)
    sheet = sheet_or_404(rnd, contest_code, station_code)
    need(request, "upload_scan", sheet)
    form = ScanForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, _("Scan refusé : %(reason)s") % {"reason": text})
        return redirect(_sheet_url(sheet))
    try:
        stored = services.store_scan(
            sheet,
            request.user,
            form.cleaned_data["scan"],
            form.cleaned_data.get("reason", ""),
            authorizer=authorizer(request),
        )
    except LawError as exc:
        messages.error(request, _("Scan refusé : %(reason)s") % {"reason": exc.message})
    else:
        messages.success(
            request, _("Scan enregistré (SHA-256 %(sha256)s).") % {"sha256": stored.sha256}
        )
    return redirect(_sheet_url(sheet))


@commission_view
def scan_file(request, round_code: str, contest_code: str, station_code: str):
    rnd = round_or_404(round_code)
    sheet = sheet_or_404(rnd, contest_code, station_code)
    need(request, "view_minutes", sheet)
    if not sheet.image:
        raise Http404(_("Aucun scan pour ce procès-verbal."))
    name = sheet.image.name
    try:
        handle = default_storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404(_("Fichier du scan introuvable.")) from None
    response = FileResponse(
        handle,
        content_type=services.scan_content_type(name),
        filename=name.rsplit("/", 1)[-1],
    )
    response["X-Content-Type-Options"] = "nosniff"
    if not name.endswith(".pdf"):
        # An image opened on its own: nothing else may load or run (browsers' PDF viewers do
        # not work in a sandboxed document, so PDFs only get nosniff and their sniffed type).
        response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


# --------------------------------------------------------------------------------------------
# Delegates' copies and CENI observations
# --------------------------------------------------------------------------------------------


@commission_view
@require_http_methods(["GET", "POST"])
def delegate_copy_view(request, round_code: str, contest_code: str, station_code: str):
    rnd = round_or_404(round_code)
    sheet = sheet_or_404(rnd, contest_code, station_code)
    need(request, "submit_delegate_copy", sheet)
    selections = _selections(sheet)
    error = None
    values = {"capacity": "delegate", "selection": "", "organisation": "", "note": ""}
    if request.method == "POST":
        form = FiguresInput(selections, data=request.POST)
        values = {k: request.POST.get(k, "") for k in values}
        chosen = next((s for s in selections if s.code == values["selection"]), None)
        try:
            services.submit_delegate_copy(
                sheet,
                request.user,
                form.figures(),
                capacity=values["capacity"] or "delegate",
                selection=chosen,
                organisation=values["organisation"],
                note=values["note"],
                authorizer=authorizer(request),
            )
        except LawError as exc:
            error = _error_dict(exc)
        else:
            return _done(
                request,
                sheet,
                _(
                    "votre copie est enregistrée ; la commission voit les écarts éventuels avec le"
                    " procès-verbal saisi."
                ),
            )
    else:
        form = FiguresInput(selections)
    return render(
        request,
        "commission/delegate_copy.html",
        {
            **_base_context(sheet),
            "form": form,
            "sections": form.sections(),
            "selections": selections,
            "values": values,
            "capacities": list(CAPACITY_LABELS.items()),
            "error": error,
            "catalogue": _catalogue(),
            "verify_url": _sheet_url(sheet, "verify"),
            "submit_label": _("Déposer ma copie"),
            "mode": "copy",
            "initial_checks": _typed_checks(form, _codes(selections)) if error else [],
        },
    )


@commission_view
@require_POST
def observation_view(request, round_code: str, contest_code: str, station_code: str):
    rnd = round_or_404(round_code)
    sheet = sheet_or_404(rnd, contest_code, station_code)
    need(request, "record_observation", sheet)
    form = ObservationForm(request.POST)
    if form.is_valid():
        try:
            services.record_observation(
                request.user,
                rnd,
                form.cleaned_data["text"],
                sheet=sheet,
                authorizer=authorizer(request),
            )
        except LawError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Observation consignée."))
    else:
        messages.error(request, _("L'observation est vide : rien n'a été consigné."))
    return redirect(_sheet_url(sheet))


# --------------------------------------------------------------------------------------------
# Summary minutes of the area (Art. 141, 149, 174, 187)
# --------------------------------------------------------------------------------------------


@commission_view
def summary_view(request, round_code: str, unit_code: str):
    rnd = round_or_404(round_code)
    area = area_or_404(rnd, unit_code)
    need(request, "view_minutes", area.unit, election=rnd)
    data = summary_data(rnd, area)
    return render(
        request,
        "commission/summary.html",
        {
            "round": rnd,
            "election": rnd.election,
            "area": area,
            "data": data,
            "pdf_url": reverse("commission:summary_pdf", args=[rnd.code, area.code]),
            "queue_url": reverse("commission:queue", args=[rnd.code]) + f"?commission={area.code}",
            "can_observe": allowed(request, "record_observation", area.unit, election=rnd),
            "observation_form": ObservationForm(),
            "observation_url": reverse(
                "commission:summary_observation", args=[rnd.code, area.code]
            ),
            **signing_context(request, rnd, area, data),
        },
    )


@commission_view
def summary_pdf(request, round_code: str, unit_code: str):
    rnd = round_or_404(round_code)
    area = area_or_404(rnd, unit_code)
    need(request, "view_minutes", area.unit, election=rnd)
    pdf = render_summary_pdf(with_signature(rnd, area, summary_data(rnd, area)))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="pv-recapitulatif-{rnd.code}-{area.code}.pdf"'
    )
    return response


@commission_view
@require_POST
def summary_observation(request, round_code: str, unit_code: str):
    rnd = round_or_404(round_code)
    area = area_or_404(rnd, unit_code)
    need(request, "record_observation", area.unit, election=rnd)
    form = ObservationForm(request.POST)
    if form.is_valid():
        services.record_observation(
            request.user, rnd, form.cleaned_data["text"], area=area, authorizer=authorizer(request)
        )
        messages.success(request, _("Observation consignée."))
    else:
        messages.error(request, _("L'observation est vide : rien n'a été consigné."))
    return redirect("commission:summary", rnd.code, area.code)


__all__ = [
    "CommissionLoginView",
    "acknowledge_view",
    "correct_view",
    "delegate_copy_view",
    "discard_view",
    "entry_view",
    "index",
    "logout_view",
    "observation_view",
    "queue",
    "resolve_view",
    "scan_file",
    "scan_upload",
    "sheet_view",
    "summary_observation",
    "summary_pdf",
    "summary_view",
    "verify_view",
]
