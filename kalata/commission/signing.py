"""Signing the summary minutes of a commission's area in the application (Art. 87, 141, 149,
174, 187).

The president of the centralisation commission (``Action.SIGN_COLLATION``, role ``president``
scoped to the commission's area) signs the summary minutes (``documents.summary_data``). What is
signed is **the figures part** of the summary (``signed_figures``): per contest the totals, the
votes of each candidate or list and the communes' figures, and the lists of the minutes counted,
not counted and annulled — as canonical JSON (``kalata.audit.canonical``), stored verbatim with
its SHA-256. The members present and the refusals to sign with their reasons are recorded beside
it (Art. 87 applied to the summary minutes, as the printed form does).

When may it be signed: ``kalata.law.collation.signing_readiness`` (no minute received and not
settled; for the national councillors every minute received, Art. 174; at least one minute
counted). Refusals are French ``LawError``s; a refused call writes nothing.

A signed version is never edited. When the figures below change after signing (a new definitive
minute, a correction, an annulment), the version is **superseded**: its status becomes
``superseded`` with the time and a French account of what changed, and a new version must be
signed (``sign_summary`` again: version n + 1). The change is detected by comparing the SHA-256
of the current figures with the signed one (``signature_state``), and recorded the first time
it is seen — by any screen of the summary (actor ``system``) or by the next signature.

Event types (``register_event_type``), about the audited model ``commission.summarysignature``:

- ``collation.signed`` — a version signed (after = the row);
- ``collation.superseded`` — a version superseded (before/after, the reason: what changed).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kalata.accounts.permissions import Action, Authorizer
from kalata.audit.canonical import canonical_json
from kalata.audit.events import register_event_type
from kalata.audit.registry import model_serializer, register_audited_model
from kalata.audit.services import SYSTEM, record, snapshot
from kalata.commission.documents import summary_data
from kalata.commission.models import SummarySignature
from kalata.commission.services import CommissionArea
from kalata.elections.models import Round
from kalata.law.collation import Readiness, Signatory, check_signatories, signing_readiness
from kalata.law.explain import LawError, fr_int

__all__ = [
    "FORMAT",
    "SUMMARY_SIGNED",
    "SUMMARY_SUPERSEDED",
    "SignatureState",
    "describe_changes",
    "figures_sha256",
    "readiness",
    "register_audit",
    "sign_summary",
    "signature_matches",
    "signature_state",
    "signed_document",
    "signed_figures",
]

SUMMARY_SIGNED = register_event_type(
    "collation.signed", "Procès-verbal récapitulatif signé par le président de la commission"
)
SUMMARY_SUPERSEDED = register_event_type(
    "collation.superseded",
    "Signature du procès-verbal récapitulatif remplacée (chiffres modifiés)",
    requires_reason=True,
)

#: Version of the signed figures' layout (part of what is hashed).
FORMAT = "kalata-recapitulatif-v1"


def register_audit() -> None:
    """Declare the signatures audited (``CommissionConfig.ready()``)."""
    register_audited_model("commission.summarysignature", model_serializer())


# --------------------------------------------------------------------------------------------
# The figures signed
# --------------------------------------------------------------------------------------------


def _sheet(s: Mapping) -> dict:
    return {
        "station": s["station"],
        "name": s["name"],
        "place": s["place"],
        "contest": s["contest"],
    }


def signed_figures(data: Mapping) -> dict:
    """The figures part of ``summary_data``: what is signed and hashed.

    Left out: what changes without the figures changing — the time of the document, the head
    of the audit log, the CENI observations, and whether a minute not counted has arrived or
    not (counted, not counted and annulled minutes are listed; "not counted" merges the
    missing and those being processed, so that a minute's arrival alone does not change the
    figures; its becoming definitive does).
    """
    groups = {g["key"]: g["sheets"] for g in data["groups"]}
    counted = [_sheet(s) for s in groups.get("definitive", ())]
    annulled = [_sheet(s) for s in groups.get("annulled", ())]
    not_counted = sorted(
        [_sheet(s) for s in (*groups.get("missing", ()), *groups.get("processing", ()))],
        key=lambda s: (s["station"], s["contest"]),
    )
    contests = []
    for c in data["contests"]:
        code = c["code"]
        contests.append(
            {
                "code": code,
                "name": c["name"],
                "seats": c["seats"],
                "selections": [dict(s) for s in c["selections"]],
                "totals": dict(c["totals"]) if c["totals"] else None,
                "total_votes": list(c["total_votes"]),
                "communes": [dict(u) for u in c["communes"]],
                "sheets": {
                    "counted": sum(1 for s in counted if s["contest"] == code),
                    "not_counted": sum(1 for s in not_counted if s["contest"] == code),
                    "annulled": sum(1 for s in annulled if s["contest"] == code),
                },
            }
        )
    return {
        "format": FORMAT,
        "election": data["election"]["code"],
        "round": data["round"]["code"],
        "area": data["area"]["code"],
        "contests": contests,
        "sheets": {"counted": counted, "not_counted": not_counted, "annulled": annulled},
    }


def canonical_figures(figures: Mapping) -> str:
    return canonical_json(figures)


def figures_sha256(figures: Mapping | str) -> str:
    """SHA-256 (hex) of the canonical JSON of the figures (or of that text itself)."""
    text = figures if isinstance(figures, str) else canonical_figures(figures)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def readiness(data: Mapping, kind: str) -> Readiness:
    """``signing_readiness`` applied to the minutes listed in ``summary_data``."""
    groups = {g["key"]: g["sheets"] for g in data["groups"]}
    several = len(data["contests"]) > 1

    def code(s):
        return f"{s['station']} — {s['contest']}" if several else s["station"]

    return signing_readiness(
        kind,
        counted=len(groups.get("definitive", ())),
        missing=[code(s) for s in groups.get("missing", ())],
        unsettled=[(code(s), s["status"]) for s in groups.get("processing", ())],
        annulled=len(groups.get("annulled", ())),
    )


# --------------------------------------------------------------------------------------------
# What changed since a signature
# --------------------------------------------------------------------------------------------


def _keys(rows: Iterable[Mapping]) -> set[tuple[str, str]]:
    return {(s["station"], s["contest"]) for s in rows}


def _codes(keys: set[tuple[str, str]]) -> str:
    listed = sorted(station for station, _contest in keys)
    shown = ", ".join(listed[:10])
    if len(listed) > 10:
        shown += "…"
    return shown


_TOTAL_LABELS = (
    ("registered", "inscrits"),
    ("voters", "votants"),
    ("null_ballots", "bulletins nuls"),
    ("valid_votes", "suffrages exprimés"),
)


def describe_changes(old: Mapping, new: Mapping) -> str:
    """A French account of what changed between two signed-figures values (``""`` if none)."""
    parts: list[str] = []
    before, after = old.get("sheets", {}), new.get("sheets", {})
    counted_old, counted_new = _keys(before.get("counted", ())), _keys(after.get("counted", ()))
    annulled_old = _keys(before.get("annulled", ()))
    annulled_new = _keys(after.get("annulled", ()))
    if counted_new - counted_old:
        parts.append(f"procès-verbaux désormais comptés : {_codes(counted_new - counted_old)}")
    if counted_old - counted_new - annulled_new:
        parts.append(
            f"procès-verbaux qui ne sont plus comptés : {_codes(counted_old - counted_new)}"
        )
    if annulled_new - annulled_old:
        parts.append(f"procès-verbaux annulés : {_codes(annulled_new - annulled_old)}")
    old_contests = {c["code"]: c for c in old.get("contests", ())}
    for contest in new.get("contests", ()):
        previous = old_contests.get(contest["code"])
        if previous is None:
            parts.append(f"circonscription {contest['code']} ajoutée")
            continue
        changes = []
        t_old, t_new = previous.get("totals") or {}, contest.get("totals") or {}
        for key, label in _TOTAL_LABELS:
            if t_old.get(key) != t_new.get(key):
                changes.append(f"{label} {t_old.get(key, '—')} → {t_new.get(key, '—')}")
        votes_old = {s["code"]: s["votes"] for s in previous.get("selections", ())}
        for sel in contest.get("selections", ()):
            if votes_old.get(sel["code"]) != sel["votes"]:
                changes.append(
                    f"voix de {sel['name']} {votes_old.get(sel['code'], '—')} → {sel['votes']}"
                )
        if not changes and previous != contest:
            changes.append("chiffres par commune")
        if changes:
            parts.append(f"circonscription {contest['code']} : " + ", ".join(changes))
    if not parts and old != new:
        parts.append("contenu du procès-verbal récapitulatif")
    return "; ".join(parts)


# --------------------------------------------------------------------------------------------
# State of the signature
# --------------------------------------------------------------------------------------------


@dataclass
class SignatureState:
    """The signed versions of a summary and how the latest compares with the current figures."""

    figures: dict
    sha256: str
    versions: list[SummarySignature] = field(default_factory=list)

    @property
    def latest(self) -> SummarySignature | None:
        return self.versions[-1] if self.versions else None

    @property
    def matches(self) -> bool:
        """Whether the latest signed version is current and signed exactly these figures."""
        latest = self.latest
        return bool(latest and latest.is_current and latest.figures_sha256 == self.sha256)

    @property
    def state(self) -> str:
        """``unsigned``, ``signed`` (the current figures are signed) or ``superseded``."""
        if self.latest is None:
            return "unsigned"
        return "signed" if self.matches else "superseded"

    @property
    def next_version(self) -> int:
        return (self.latest.version + 1) if self.latest else 1


def _versions(round_: Round, area: CommissionArea, *, lock: bool = False):
    qs = SummarySignature.objects.filter(round=round_, area_code=area.code)
    if lock:
        qs = qs.select_for_update()
    return list(qs.select_related("signed_by").order_by("version"))


def _supersede(signature: SummarySignature, new_figures: Mapping, actor, now) -> None:
    """Mark ``signature`` superseded, with what changed, and audit it (in a transaction)."""
    before = snapshot(signature)
    what = describe_changes(signature.figures, new_figures) or "contenu modifié"
    signature.status = SummarySignature.Status.SUPERSEDED
    signature.superseded_at = now
    signature.superseded_reason = (
        f"Chiffres modifiés après la signature de la version {signature.version} : {what}."
    )[:4000]
    signature.save(update_fields=["status", "superseded_at", "superseded_reason"])
    record(SUMMARY_SUPERSEDED, actor, signature, before, signature, signature.superseded_reason)


def signature_state(
    round_: Round, area: CommissionArea, data: Mapping | None = None, *, refresh: bool = True
) -> SignatureState:
    """The signed versions of the summary of ``area`` for ``round_`` against its current
    figures. With ``refresh`` (default), a current version whose figures no longer match is
    marked superseded now (actor ``system``, audited), so that the status stored is the truth.
    """
    if data is None:
        data = summary_data(round_, area)
    figures = signed_figures(data)
    sha = figures_sha256(figures)
    versions = _versions(round_, area)
    state = SignatureState(figures, sha, versions)
    latest = state.latest
    if refresh and latest is not None and latest.is_current and latest.figures_sha256 != sha:
        with transaction.atomic():
            locked = _versions(round_, area, lock=True)
            current = [v for v in locked if v.is_current]
            if current and current[-1].figures_sha256 != sha:
                _supersede(current[-1], figures, SYSTEM, timezone.now())
        state = SignatureState(figures, sha, _versions(round_, area))
    return state


def signature_matches(round_: Round, area: CommissionArea) -> bool:
    """Whether the latest signature of the summary still matches its current figures."""
    return signature_state(round_, area, refresh=False).matches


# --------------------------------------------------------------------------------------------
# Signing
# --------------------------------------------------------------------------------------------


def _signatories(members: Iterable) -> tuple[Signatory, ...]:
    rows = []
    for m in members or ():
        if isinstance(m, Signatory):
            rows.append(m)
        elif isinstance(m, Mapping):
            rows.append(
                Signatory(
                    quality=str(m.get("quality", "")),
                    name=str(m.get("name", "") or ""),
                    present=bool(m.get("present", False)),
                    refused=bool(m.get("refused", False)),
                    reason=str(m.get("reason", "") or ""),
                )
            )
        else:
            raise TypeError(f"Membre attendu (Signatory ou dict), reçu : {m!r}")
    return check_signatories(rows)


def sign_summary(
    round_: Round,
    area: CommissionArea,
    user,
    *,
    members: Sequence = (),
    place: str = "",
    expected_sha256: str = "",
    authorizer: Authorizer | None = None,
    now=None,
) -> SummarySignature:
    """The president signs the summary minutes of ``area`` for ``round_``: a new version.

    - Who: ``can(user, Action.SIGN_COLLATION, area.unit, election=round_)`` (the president of
      that commission), else ``PermissionDenied`` with the French reason.
    - When: ``kalata.law.collation.signing_readiness`` (French ``LawError`` otherwise).
    - ``members``: the members' lines (``Signatory`` or dicts: quality, name, present, refused,
      reason), checked by ``check_signatories`` (Art. 87).
    - ``expected_sha256``: the SHA-256 of the figures the president was shown; refused when the
      figures changed since (sign what you saw).
    - The figures already signed in the current version: refused (nothing new to sign). A
      current version with other figures is superseded first.

    The signature and its audit events are written in one transaction.
    """
    authorizer = authorizer or Authorizer(user)
    decision = authorizer.can(Action.SIGN_COLLATION, area.unit, election=round_)
    if not decision:
        raise PermissionDenied(decision.reason)
    signatories = _signatories(members)
    place = " ".join((place or "").split()) or area.name
    if len(place) > 200:
        raise LawError(
            "place_too_long", _("Lieu trop long (200 caractères au plus)."), field="place"
        )
    now = now or timezone.now()
    kind = round_.election.kind
    try:
        with transaction.atomic():
            versions = _versions(round_, area, lock=True)
            data = summary_data(round_, area, now=now)
            ready = readiness(data, kind)
            if not ready:
                raise ready.error
            figures = signed_figures(data)
            text = canonical_figures(figures)
            sha = figures_sha256(text)
            if expected_sha256 and expected_sha256 != sha:
                raise LawError(
                    "summary_changed",
                    _(
                        "Les chiffres du procès-verbal récapitulatif ont changé depuis leur "
                        "affichage : relisez-les, puis signez de nouveau. Rien n'a été signé."
                    ),
                    tuple(data["articles"]),
                )
            current = [v for v in versions if v.is_current]
            if current and current[-1].figures_sha256 == sha:
                latest = current[-1]
                raise LawError(
                    "summary_already_signed",
                    _(
                        "Ces chiffres sont déjà signés (version %(version)s, par %(name)s le "
                        "%(date)s) : une nouvelle version ne se signe que si les chiffres "
                        "changent."
                    )
                    % {
                        "version": latest.version,
                        "name": latest.signer_name,
                        "date": timezone.localtime(latest.signed_at).strftime("%d/%m/%Y à %H:%M"),
                    },
                    tuple(data["articles"]),
                )
            if current:
                _supersede(current[-1], figures, user, now)
            signature = SummarySignature.objects.create(
                round=round_,
                area_code=area.code,
                area_kind=area.kind,
                version=(versions[-1].version + 1) if versions else 1,
                signed_by=user,
                signer_name=(user.get_full_name() or user.get_username())[:200],
                signer_title=data["president_title"][:200],
                signed_at=now,
                place=place,
                figures_json=text,
                figures_sha256=sha,
                members=[s.as_dict() for s in signatories],
            )
            record(SUMMARY_SIGNED, user, signature, None, signature)
    except IntegrityError:
        raise LawError(
            "summary_signed_concurrently",
            _(
                "Une autre signature de ce procès-verbal récapitulatif vient d'être enregistrée : "
                "rechargez la page. Rien n'a été signé."
            ),
        ) from None
    return signature


# --------------------------------------------------------------------------------------------
# The document of a signed version
# --------------------------------------------------------------------------------------------


def signature_block(signature: SummarySignature, state: SignatureState | None = None) -> dict:
    """What the PDF and the screens show of a signed version (plain values, French)."""
    at = timezone.localtime(signature.signed_at)
    block = {
        "version": signature.version,
        "status": signature.status,
        "status_label": signature.get_status_display(),
        "signer": signature.signer_name,
        "username": signature.signed_by.get_username(),
        "title": signature.signer_title,
        "signed_at": at.strftime("%d/%m/%Y à %H:%M"),
        "signed_iso": at.isoformat(timespec="seconds"),
        "place": signature.place,
        "sha256": signature.figures_sha256,
        "members": list(signature.members or []),
        "refusals": [m for m in (signature.members or []) if m.get("refused")],
        "superseded_at": (
            timezone.localtime(signature.superseded_at).strftime("%d/%m/%Y à %H:%M")
            if signature.superseded_at
            else ""
        ),
        "superseded_reason": signature.superseded_reason,
        "matches": bool(state and state.latest == signature and state.matches),
    }
    return block


def current_document_signature(state: SignatureState) -> dict:
    """The ``signature`` entry of the PDF of the current summary (``data["signature"]``)."""
    latest = state.latest
    if latest is None:
        return {"state": "unsigned", "sha256": state.sha256}
    return {
        "state": state.state,
        "sha256": state.sha256,
        "latest": signature_block(latest, state),
    }


def signed_document(signature: SummarySignature, data: Mapping) -> dict:
    """The summary's content with the figures of ``signature`` (for its PDF).

    ``data``: the current ``summary_data`` (heading, members, observations): its contests and
    minutes are replaced by those signed, and ``signature`` describes the signed version.
    """
    figures = signature.figures
    out = dict(data)
    contests = []
    for c in figures["contests"]:
        sheets = c["sheets"]
        expected = sheets["counted"] + sheets["not_counted"] + sheets["annulled"]
        progress = (
            f"PV : {fr_int(sheets['counted'])} définitifs sur {fr_int(expected)} attendus à la "
            f"signature ; {fr_int(sheets['not_counted'])} non comptés"
        )
        if sheets["annulled"]:
            progress += f", {fr_int(sheets['annulled'])} annulés"
        contests.append({**c, "progress": progress, "complete": sheets["not_counted"] == 0})
    out["contests"] = contests
    labels = {"counted": "définitif", "not_counted": "non parvenu", "annulled": "annulé"}
    lists = figures["sheets"]
    groups = [
        ("definitive", "Procès-verbaux définitifs (comptés)", "counted"),
        ("processing", "Procès-verbaux reçus, en cours de traitement (non comptés)", None),
        ("missing", "Procès-verbaux non parvenus", "not_counted"),
        ("annulled", "Procès-verbaux annulés (non comptés)", "annulled"),
    ]
    out["groups"] = []
    for key, title, source in groups:
        rows = [{**s, "status": labels[source]} for s in lists[source]] if source else []
        out["groups"].append({"key": key, "title": title, "count": len(rows), "sheets": rows})
    out["sheets_total"] = sum(g["count"] for g in out["groups"])
    out["signature"] = {
        "state": "signed" if signature.is_current else "superseded",
        "sha256": signature.figures_sha256,
        "latest": signature_block(signature),
        "version_document": True,
    }
    return out
