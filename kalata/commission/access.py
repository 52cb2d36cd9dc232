"""Access to the commission screens: login required, ``can()`` for every object, French 403.

Every view of ``kalata.commission`` is wrapped by ``commission_view``: an anonymous visitor is
sent to the login page (``/commission/connexion/?next=…``); a ``PermissionDenied`` raised by the
view (from ``need()``, ``kalata.accounts.permissions`` or a service) becomes a French 403 page
giving the reason; responses are never cached (figures being typed, personal pages).
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from kalata.accounts.permissions import (
    COMMISSION_LEVELS,
    POLICY,
    Action,
    Authorizer,
    Decision,
    Grant,
    Reach,
)
from kalata.elections.models import Round
from kalata.law.explain import LawError
from kalata.results.models import TallySheet
from kalata.results.tabulation import get_round

LOGIN_URL_NAME = "commission:login"


def authorizer(request) -> Authorizer:
    """The user's rights, loaded once per request (one query)."""
    cached = getattr(request, "_kalata_authorizer", None)
    if cached is None:
        cached = request._kalata_authorizer = Authorizer(request.user)
    return cached


def forbidden(request, reason: str):
    return render(request, "commission/403.html", {"reason": reason}, status=403)


def commission_view(view):
    """Login required, ``PermissionDenied`` rendered as a French 403, never cached."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse(LOGIN_URL_NAME))
        try:
            response = view(request, *args, **kwargs)
        except PermissionDenied as exc:
            response = forbidden(request, str(exc) or _("Accès refusé."))
        add_never_cache_headers(response)
        return response

    return wrapper


def need(request, action: str, target, *, election=None) -> Decision:
    """``can()`` or ``PermissionDenied`` with the French reason."""
    decision = authorizer(request).can(action, target, election=election)
    if not decision:
        raise PermissionDenied(decision.reason)
    return decision


def allowed(request, action: str, target, *, election=None) -> bool:
    return bool(authorizer(request).can(action, target, election=election))


def area_or_404(rnd: Round, unit_code: str):
    """The centralisation commission's area ``unit_code`` of ``rnd``'s election, or 404."""
    from kalata.commission import services

    try:
        return services.commission_area(rnd.election, unit_code)
    except LookupError:
        raise Http404(
            _("Aucune commission de centralisation « %(code)s » pour ce scrutin.")
            % {"code": unit_code}
        ) from None


def round_or_404(code: str) -> Round:
    try:
        return get_round(code)
    except LawError:
        raise Http404(_("Tour inconnu : « %(code)s ».") % {"code": code}) from None


def reading_grants(request, election) -> list[Grant]:
    """The user's assignments that let them read minutes of ``election`` somewhere."""
    levels = COMMISSION_LEVELS.get(election.kind, frozenset())
    out = []
    for grant in authorizer(request).grants:
        if grant.election_id is not None and grant.election_id != election.pk:
            continue
        for rule in POLICY[Action.VIEW_MINUTES]:
            if rule.role != grant.role or not rule.applies_to(election.kind):
                continue
            if rule.reach == Reach.NATIONAL and grant.scope.level != "nation":
                continue
            if rule.reach == Reach.COMMISSION and grant.scope.commission_kind not in levels:
                continue
            out.append(grant)
            break
    return out


def require_round_reader(request, round_: Round) -> list[Grant]:
    grants = reading_grants(request, round_.election)
    if not grants:
        raise PermissionDenied(
            _(
                "Refusé : consulter les procès-verbaux — vous n'avez aucun rôle pour le scrutin "
                "%(election)s."
            )
            % {"election": round_.election.code}
        )
    return grants


SHEET_RELATED = (
    "round__election",
    "contest",
    "station__commune__cercle",
    "station__commune__region",
    "station__mission",
)


def sheet_or_404(round_: Round, contest_code: str, station_code: str) -> TallySheet:
    sheet = (
        TallySheet.objects.select_related(*SHEET_RELATED)
        .filter(round=round_, contest__code=contest_code, station__code=station_code)
        .first()
    )
    if sheet is None:
        raise Http404(_("Procès-verbal inconnu."))
    return sheet
