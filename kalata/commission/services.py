"""Services of the commission screens: scans of the paper minutes, delegates' copies (Art. 87),
CENI observations (Art. 187), and the areas of the centralisation commissions.

Each write runs in one ``transaction.atomic()`` with its audit event (``kalata.audit.services.
record``) and asks ``kalata.accounts.permissions`` first: a refused or failed call writes nothing.

Event types added (``register_event_type``):

- ``tally.scan_uploaded`` — the photo or scan of a station's paper minutes, with its SHA-256.
  The scan is not part of the sheet's audited dossier (``results.tallysheet`` leaves ``image`` out),
  so the event is about ``("commission.sheetscan", <sheet id>)``: its ``after`` holds the stored
  file name and its SHA-256, and the previous ones in ``before`` when a scan is replaced (a reason
  is then mandatory; the old file is kept: it is evidence).
- ``delegate.copy_submitted`` — a delegate's copy of a station's result (audited model
  ``commission.delegatecopy``).
- ``ceni.observation_recorded`` — a CENI supervisor's observation (audited model
  ``commission.observation``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_noop

from kalata.accounts.permissions import (
    COMMISSION_LEVELS,
    Authorizer,
)
from kalata.audit.events import register_event_type
from kalata.audit.registry import model_serializer, register_audited_model
from kalata.audit.services import record
from kalata.commission.models import DelegateCopy, Observation
from kalata.elections.models import Election, Round, Selection
from kalata.law.explain import LawError, fr_int
from kalata.law.tally import FieldDifference, check_tally, compare_entries
from kalata.results.entry import figures_value, parse_figures
from kalata.results.models import DataEntry, TallySheet
from kalata.territory.models import Cercle, Mission, Region

__all__ = [
    "CENI_OBSERVATION_RECORDED",
    "CommissionArea",
    "Comparison",
    "DELEGATE_COPY_SUBMITTED",
    "SCAN_TYPES",
    "TALLY_SCAN_UPLOADED",
    "commission_area",
    "commission_areas",
    "copy_discrepancies",
    "record_observation",
    "register_audit",
    "scan_max_bytes",
    "sniff_scan",
    "store_scan",
    "submit_delegate_copy",
]

TALLY_SCAN_UPLOADED = register_event_type(
    "tally.scan_uploaded", "Procès-verbal : photo ou scan du PV papier déposé"
)
DELEGATE_COPY_SUBMITTED = register_event_type(
    "delegate.copy_submitted", "Copie du résultat remise à un délégué déposée (art. 87)"
)
CENI_OBSERVATION_RECORDED = register_event_type(
    "ceni.observation_recorded", "Observation de la CENI consignée (art. 187)"
)

#: Object label of the scan events (the sheet's own dossier does not include its image).
SCAN_OBJECT = "commission.sheetscan"


def register_audit() -> None:
    """Declare the commission's models audited (``CommissionConfig.ready()``)."""
    register_audited_model("commission.delegatecopy", model_serializer())
    register_audited_model("commission.observation", model_serializer())


def _require(authorizer: Authorizer, action: str, target, election=None) -> None:
    decision = authorizer.can(action, target, election=election)
    if not decision:
        raise PermissionDenied(decision.reason)


# --------------------------------------------------------------------------------------------
# Areas of the centralisation commissions (Art. 141, 149, 174, 187)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommissionArea:
    """The area of one centralisation commission: a cercle, the District, a mission, a region."""

    code: str
    kind: str  # "cercle", "district", "mission" or "region"
    name: str
    unit: Any  # Cercle, Region or Mission

    @property
    def label(self) -> str:
        if self.kind == "cercle":
            return f"cercle de {self.name}"
        if self.kind == "district":
            return "District de Bamako"
        if self.kind == "region":
            return f"Région de {self.name}"
        return self.name

    @property
    def commission_label(self) -> str:
        """'Commission de centralisation du cercle de Kayes' (Art. 141, 149, 174, 187)."""
        if self.kind == "mission":
            name = self.name[:1].lower() + self.name[1:]
            article = "de l'" if name[:1] in "aeéiou" else "du "
            return f"Commission de centralisation {article}{name}"
        if self.kind == "region":
            return f"Commission de centralisation de la {self.label}"
        return f"Commission de centralisation du {self.label}"

    def president_title(self, kind: str) -> str:
        """Who presides, in the words of the law (Art. 141, 149, 174, 187)."""
        if self.kind == "mission":
            is_consulate = getattr(self.unit, "kind", "") == Mission.Kind.CONSULATE
            return "Le Consul, président" if is_consulate else "L'Ambassadeur, président"
        if kind == Election.Kind.NATIONAL_COUNCILLORS:
            return "Le Haut Commissaire, président"  # Art. 174
        if self.kind == "district":
            return "Le représentant de l'État dans le District de Bamako, président"
        return f"Le représentant de l'État dans le cercle de {self.name}, président"

    def stations_q(self, prefix: str = "station__") -> Q:
        """The polling stations of the area (a Q on sheets with the default prefix)."""
        if self.kind == "mission":
            return Q(**{f"{prefix}mission_id": self.unit.pk})
        if self.kind == "cercle":
            return Q(**{f"{prefix}commune__cercle_id": self.unit.pk})
        return Q(**{f"{prefix}commune__region_id": self.unit.pk})


def commission_area(election: Election, code: str) -> CommissionArea:
    """The area of the commission coded ``code`` for ``election``, or ``LookupError``.

    Only the areas the law gives a commission for this kind of election are accepted
    (``kalata.accounts.permissions.COMMISSION_LEVELS``): no regional commission for the
    presidential election, no mission for the legislative and communal elections.
    """
    levels = COMMISSION_LEVELS.get(election.kind, frozenset())
    cercle = Cercle.objects.filter(code=code).first()
    if cercle is not None:
        area = CommissionArea(cercle.code, "cercle", cercle.name, cercle)
    else:
        region = Region.objects.filter(code=code).first()
        if region is not None:
            kind = "district" if region.kind == Region.Kind.DISTRICT else "region"
            area = CommissionArea(region.code, kind, region.name, region)
        else:
            mission = Mission.objects.filter(code=code).first()
            if mission is None:
                raise LookupError(code)
            area = CommissionArea(mission.code, "mission", mission.name, mission)
    if area.kind not in levels:
        raise LookupError(code)
    return area


def commission_areas(election: Election, sheets) -> list[CommissionArea]:
    """The commission areas holding at least one of ``sheets`` (a queryset), in code order."""
    levels = COMMISSION_LEVELS.get(election.kind, frozenset())
    rows = (
        sheets.order_by()
        .values_list(
            "station__commune__cercle_id",
            "station__commune__region_id",
            "station__mission_id",
        )
        .distinct()
    )
    cercles, regions, missions = set(), set(), set()
    for cercle_id, region_id, mission_id in rows:
        if mission_id is not None:
            missions.add(mission_id)
        elif cercle_id is not None and "cercle" in levels:
            cercles.add(cercle_id)
        elif region_id is not None:
            regions.add(region_id)
    out: list[CommissionArea] = []
    for c in Cercle.objects.filter(pk__in=cercles):
        out.append(CommissionArea(c.code, "cercle", c.name, c))
    for r in Region.objects.filter(pk__in=regions):
        kind = "district" if r.kind == Region.Kind.DISTRICT else "region"
        if kind in levels:
            out.append(CommissionArea(r.code, kind, r.name, r))
    if "mission" in levels:
        for m in Mission.objects.filter(pk__in=missions):
            out.append(CommissionArea(m.code, "mission", m.name, m))
    return sorted(out, key=lambda a: a.code)


# --------------------------------------------------------------------------------------------
# Scans of the paper minutes
# --------------------------------------------------------------------------------------------

#: Accepted formats, recognised by their first bytes (never by the name or the declared type).
SCAN_TYPES: Mapping[str, tuple[bytes, str]] = {
    "pdf": (b"%PDF-", "application/pdf"),
    "jpg": (b"\xff\xd8\xff", "image/jpeg"),
    "png": (b"\x89PNG\r\n\x1a\n", "image/png"),
}
DEFAULT_SCAN_MAX_BYTES = 10 * 1024 * 1024


def scan_max_bytes() -> int:
    """Largest accepted scan (``KALATA_SCAN_MAX_BYTES``, default 10 Mio)."""
    return int(getattr(settings, "KALATA_SCAN_MAX_BYTES", DEFAULT_SCAN_MAX_BYTES))


def sniff_scan(head: bytes) -> str | None:
    """The extension of a scan from its first bytes (``pdf``, ``jpg``, ``png``) or None."""
    for ext, (magic, _mime) in SCAN_TYPES.items():
        if head.startswith(magic):
            return ext
    return None


def scan_content_type(name: str) -> str:
    ext = name.rsplit(".", 1)[-1].lower()
    return SCAN_TYPES.get(ext, (b"", "application/octet-stream"))[1]


def _scan_error(code: str, message: str) -> LawError:
    return LawError(code, message, ("87",), field="scan")


@dataclass(frozen=True)
class ScanStored:
    sheet: TallySheet
    name: str
    sha256: str
    replaced: str  # previous file name ("" if none)


def store_scan(sheet: TallySheet, user, upload, reason: str = "", *, authorizer=None) -> ScanStored:
    """Store the photo or scan of a station's paper minutes (Art. 87: the first copy goes to the
    commission) under ``MEDIA_ROOT`` with its SHA-256, and audit it (``tally.scan_uploaded``).

    Who may: ``can(user, "upload_scan", sheet)`` (clerks and president of the commission).
    Refused (French ``LawError``): empty or too large files, content that is not a PDF, JPEG or
    PNG (sniffed from the bytes), the same file as the current scan, and replacing a scan
    without a reason. Only ``image`` and ``image_sha256`` of the sheet are written.
    """
    authorizer = authorizer or Authorizer(user)
    _require(authorizer, "upload_scan", sheet)
    size = getattr(upload, "size", None) or 0
    limit = scan_max_bytes()
    if size <= 0:
        raise _scan_error("scan_empty", "Fichier vide : aucun scan n'a été enregistré.")
    if size > limit:
        raise _scan_error(
            "scan_too_large",
            f"Fichier trop volumineux ({fr_int(size)} octets ; au plus {fr_int(limit)}).",
        )
    upload.seek(0)
    head = upload.read(16)
    ext = sniff_scan(head)
    if ext is None:
        raise _scan_error(
            "scan_type",
            "Format refusé : seuls les fichiers PDF, JPEG et PNG sont acceptés (le contenu du"
            " fichier a été vérifié, pas seulement son nom).",
        )
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    sha = digest.hexdigest()
    text = (reason or "").strip()
    current = TallySheet.objects.filter(pk=sheet.pk).values_list("image", "image_sha256").get()
    _check_replacement(current, sha, text)

    station = sheet.station.code
    folder = f"minutes/{sheet.round.election.code}-T{sheet.round.number}"
    name = f"{folder}/{station}-{sheet.contest.code}-{sha[:16]}.{ext}"
    upload.seek(0)
    stored = default_storage.save(name, File(upload))
    try:
        with transaction.atomic():
            locked = TallySheet.objects.select_for_update().get(pk=sheet.pk)
            current = (locked.image.name if locked.image else "", locked.image_sha256)
            _check_replacement(current, sha, text)
            before = {"image": current[0], "image_sha256": current[1]} if current[0] else None
            TallySheet.objects.filter(pk=sheet.pk).update(image=stored, image_sha256=sha)
            after = {
                "image": stored,
                "image_sha256": sha,
                "size": size,
                "format": ext,
                "round": sheet.round.code,
                "contest": sheet.contest.code,
                "station": station,
            }
            record(TALLY_SCAN_UPLOADED, user, (SCAN_OBJECT, sheet.pk), before, after, text)
    except BaseException:
        default_storage.delete(stored)
        raise
    sheet.image = stored
    sheet.image_sha256 = sha
    return ScanStored(sheet, stored, sha, current[0] if current else "")


def _check_replacement(current: Sequence, sha: str, reason: str) -> None:
    name, old_sha = current[0] or "", current[1] or ""
    if not name:
        return
    if old_sha == sha:
        raise _scan_error(
            "scan_unchanged", "Ce fichier est déjà le scan enregistré pour ce procès-verbal."
        )
    if not reason:
        raise _scan_error(
            "scan_reason_required",
            "Un scan est déjà enregistré : indiquez le motif de son remplacement (l'ancien"
            " fichier est conservé).",
        )


# --------------------------------------------------------------------------------------------
# Delegates' copies (Art. 86, 87)
# --------------------------------------------------------------------------------------------


def submit_delegate_copy(
    sheet: TallySheet,
    user,
    figures: Any,
    *,
    capacity: str = DelegateCopy.Capacity.DELEGATE,
    selection: Selection | None = None,
    organisation: str = "",
    note: str = "",
    authorizer=None,
) -> DelegateCopy:
    """Store the copy of a station's result a delegate was handed (Art. 87), as typed.

    Who may: ``can(user, "submit_delegate_copy", sheet)`` (delegates and observers within their
    area). The shape is checked like an entry (``parse_figures``, French error naming the
    field); the values are kept as typed with the codes of the checks they fire. The candidate
    or list represented, when given, must stand in the sheet's contest. Audited
    (``delegate.copy_submitted``).
    """
    authorizer = authorizer or Authorizer(user)
    _require(authorizer, "submit_delegate_copy", sheet)
    data = parse_figures(figures)
    if capacity not in DelegateCopy.Capacity.values:
        raise LawError("capacity_invalid", f"Qualité inconnue : « {capacity} ».", field="capacity")
    if selection is not None and selection.contest_id != sheet.contest_id:
        raise LawError(
            "selection_not_in_contest",
            "Le candidat ou la liste représenté ne se présente pas dans cette circonscription.",
            ("86", "87"),
            field="selection",
        )
    organisation = (organisation or "").strip()[:200]
    note = (note or "").strip()
    codes = list(
        Selection.objects.filter(contest_id=sheet.contest_id)
        .order_by("order", "code")
        .values_list("code", flat=True)
    )
    report = check_tally(figures_value(data), codes)
    with transaction.atomic():
        copy = DelegateCopy.objects.create(
            sheet=sheet,
            submitted_by=user,
            capacity=capacity,
            selection=selection,
            organisation=organisation,
            figures=data,
            check_codes=list(report.codes),
            note=note,
        )
        record(DELEGATE_COPY_SUBMITTED, user, copy, None, copy)
    return copy


#: Fields a copy may leave out without it counting as a discrepancy: the copy handed to the
#: delegates is "une copie de ce résultat" (Art. 87) — the figures and votes —, not necessarily
#: the annexes of the minutes (card counts, breakdown of null ballots, observations).
_OPTIONAL_PREFIXES = (
    "null_breakdown",
    "proxies_used",
    "cards_received",
    "cards_delivered",
    "cards_returned",
    "refusals_to_sign",
    "members_present",
    "observations",
)


@dataclass(frozen=True)
class Comparison:
    """A delegate's copy compared with one version of the minutes (entry, agreed, definitive)."""

    against: str  # French: "PV définitif", "1re saisie"…
    differences: tuple[FieldDifference, ...]

    @property
    def agrees(self) -> bool:
        return not self.differences


def _relevant(diff: FieldDifference) -> bool:
    if diff.field.split(".", 1)[0] in _OPTIONAL_PREFIXES:
        return diff.first not in (None, "")
    return True


def copy_discrepancies(
    copy: DelegateCopy, sheet: TallySheet, entries: Iterable[DataEntry] | None = None
) -> list[Comparison]:
    """The copy compared field by field with what the commission holds for the sheet.

    - agreed figures (definitive, to acknowledge, blocked): compared with them;
    - first entry or differing entries: compared with each entry in force;
    - nothing entered: no comparison.

    In each ``FieldDifference``, ``first`` is the delegate's value and ``second`` the minutes'.
    Optional annexes the copy leaves empty are not discrepancies (``_OPTIONAL_PREFIXES``).
    """
    mine = figures_value(copy.figures)
    out: list[Comparison] = []
    if isinstance(sheet.figures, Mapping):
        # French msgids marked for translation; the screens translate them when shown.
        label = (
            gettext_noop("PV définitif")
            if sheet.status == TallySheet.Status.DEFINITIVE
            else gettext_noop("chiffres retenus (non encore définitifs)")
        )
        diffs = tuple(
            d for d in compare_entries(mine, figures_value(sheet.figures)) if _relevant(d)
        )
        out.append(Comparison(label, diffs))
        return out
    if entries is None:
        entries = DataEntry.objects.filter(sheet_id=sheet.pk)
    active = sorted(
        (e for e in entries if e.state == DataEntry.State.ACTIVE), key=lambda e: e.number
    )
    for entry in active:
        diffs = tuple(
            d for d in compare_entries(mine, figures_value(entry.figures)) if _relevant(d)
        )
        against = gettext_noop("1re saisie") if entry.number == 1 else gettext_noop("2e saisie")
        out.append(Comparison(against, diffs))
    return out


# --------------------------------------------------------------------------------------------
# CENI observations (Art. 187)
# --------------------------------------------------------------------------------------------

MAX_OBSERVATION = 5000


def record_observation(
    user,
    round_: Round,
    text: str,
    *,
    sheet: TallySheet | None = None,
    area: CommissionArea | None = None,
    authorizer=None,
) -> Observation:
    """A CENI supervisor records an observation on a sheet or on a commission's work.

    Who may: ``can(user, "record_observation", sheet)`` — or on the commission's area unit for
    the round (Art. 9–12, 187). The text is mandatory. Audited (``ceni.observation_recorded``).
    """
    authorizer = authorizer or Authorizer(user)
    if (sheet is None) == (area is None):
        raise ValueError("sheet or area, exactly one")
    if sheet is not None:
        _require(authorizer, "record_observation", sheet)
    else:
        _require(authorizer, "record_observation", area.unit, election=round_)
    text = (text or "").strip()
    if not text:
        raise LawError(
            "observation_empty", "L'observation est vide : rien n'a été consigné.", ("187",), "text"
        )
    if len(text) > MAX_OBSERVATION:
        raise LawError(
            "observation_too_long",
            f"Observation trop longue ({fr_int(len(text))} caractères ; au plus"
            f" {fr_int(MAX_OBSERVATION)}).",
            ("187",),
            "text",
        )
    with transaction.atomic():
        obs = Observation.objects.create(
            round=round_,
            sheet=sheet,
            unit_code="" if area is None else area.code,
            text=text,
            by=user,
        )
        record(CENI_OBSERVATION_RECORDED, user, obs, None, obs)
    return obs
