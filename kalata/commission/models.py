"""What the commission screens store beside the results app's own tables.

- ``DelegateCopy``: the copy of a polling station's result that a party's or list's delegate
  (or an observer) was handed at the station (Art. 87: "Une copie de ce résultat est aussitôt
  remise à chaque délégué de parti politique ou de liste de candidats"), typed by the delegate for
  comparison with the minutes entered by the commission. Kept as typed (shape checked by
  ``kalata.results.entry.parse_figures``), never edited: a new copy supersedes the previous one of
  the same delegate for the same sheet.
- ``Observation``: an observation recorded by a CENI supervisor (Art. 9–12, 187: the commission
  centralises "sous la supervision de la CENI", which asks for "les corrections nécessaires"),
  about one sheet or about the commission's work as a whole (``sheet`` empty, ``unit_code`` the
  commission's area).

Both are audited models (``kalata.commission.services.register_audit``): each row is written with
its event in the same transaction, and ``kalata audit verify`` reports a row written or changed
behind the log.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from kalata.elections.models import Round, Selection
from kalata.results.models import TallySheet


class DelegateCopy(models.Model):
    """A delegate's or observer's copy of a station's result (Art. 86, 87), as they typed it."""

    class Capacity(models.TextChoices):
        DELEGATE = "delegate", "délégué de parti ou de liste"
        OBSERVER = "observer", "observateur"

    sheet = models.ForeignKey(TallySheet, on_delete=models.CASCADE, related_name="delegate_copies")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="delegate_copies"
    )
    capacity = models.CharField(
        "qualité", max_length=10, choices=Capacity.choices, default=Capacity.DELEGATE
    )
    selection = models.ForeignKey(
        Selection,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="candidat ou liste représenté",
    )
    organisation = models.CharField(
        "parti, liste ou organisation", max_length=200, blank=True, default=""
    )
    figures = models.JSONField("chiffres de la copie")
    check_codes = models.JSONField("contrôles déclenchés", default=list, blank=True)
    note = models.TextField("remarque du délégué", blank=True, default="")
    created_at = models.DateTimeField("déposée le", auto_now_add=True)

    class Meta:
        ordering = ["sheet", "created_at", "id"]
        verbose_name = "copie du résultat remise à un délégué"
        verbose_name_plural = "copies du résultat remises aux délégués"
        indexes = [models.Index(fields=["sheet", "submitted_by"], name="delegatecopy_sheet_user")]

    def __str__(self) -> str:
        return f"Copie de {self.submitted_by} — PV {self.sheet_id}"


class Observation(models.Model):
    """An observation of a CENI supervisor on a sheet or on a commission's work (Art. 187)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="ceni_observations")
    sheet = models.ForeignKey(
        TallySheet,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ceni_observations",
    )
    unit_code = models.CharField(
        "ressort de la commission (cercle, District, mission ou région)",
        max_length=40,
        blank=True,
        default="",
    )
    text = models.TextField("observation")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("consignée le", auto_now_add=True)

    class Meta:
        ordering = ["round", "at", "id"]
        verbose_name = "observation de la CENI"
        verbose_name_plural = "observations de la CENI"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sheet__isnull=False) | ~models.Q(unit_code=""),
                name="observation_on_sheet_or_unit",
            )
        ]

    def __str__(self) -> str:
        return f"Observation CENI ({self.unit_code or self.sheet_id})"


class SummarySignature(models.Model):
    """One signed version of the summary minutes of a commission's area (Art. 87, 141, 149, 174,
    187): the exact figures signed (canonical JSON) and their SHA-256, who signed and when, the
    members present and the refusals to sign with their reasons.

    Never edited: the only change a row may undergo is ``current`` → ``superseded`` (with
    ``superseded_at`` and ``superseded_reason``) when the figures below changed after signing (a
    new definitive minute, a correction, an annulment); a new version is then signed. Written by
    ``kalata.commission.signing`` only, with its audit event (audited model
    ``commission.summarysignature``).
    """

    class Status(models.TextChoices):
        CURRENT = "current", "en vigueur"
        SUPERSEDED = "superseded", "remplacée (chiffres modifiés après la signature)"

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="summary_signatures")
    area_code = models.CharField(
        "ressort de la commission (cercle, District, mission ou région)", max_length=40
    )
    area_kind = models.CharField("nature du ressort", max_length=10)
    version = models.PositiveIntegerField("version")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="summary_signatures"
    )
    signer_name = models.CharField("nom du signataire", max_length=200)
    signer_title = models.CharField("qualité du signataire", max_length=200)
    signed_at = models.DateTimeField("signé le")
    place = models.CharField("fait à", max_length=200)
    figures_json = models.TextField("chiffres signés (JSON canonique)")
    figures_sha256 = models.CharField("SHA-256 des chiffres signés", max_length=64)
    members = models.JSONField("membres présents et refus de signer", default=list, blank=True)
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.CURRENT)
    superseded_at = models.DateTimeField("remplacée le", null=True, blank=True)
    superseded_reason = models.TextField("motif du remplacement", blank=True, default="")

    #: The only fields a signed version may change, once (``current`` → ``superseded``).
    MUTABLE = frozenset({"status", "superseded_at", "superseded_reason"})

    class Meta:
        ordering = ["round", "area_code", "version"]
        verbose_name = "signature du procès-verbal récapitulatif"
        verbose_name_plural = "signatures des procès-verbaux récapitulatifs"
        constraints = [
            models.UniqueConstraint(
                fields=["round", "area_code", "version"], name="summarysignature_version_unique"
            ),
            models.UniqueConstraint(
                fields=["round", "area_code"],
                condition=models.Q(status="current"),
                name="summarysignature_one_current",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["current", "superseded"]),
                name="summarysignature_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"PV récapitulatif {self.area_code} — version {self.version} ({self.status})"

    @property
    def figures(self) -> dict:
        import json

        return json.loads(self.figures_json)

    @property
    def is_current(self) -> bool:
        return self.status == self.Status.CURRENT

    def save(self, *args, **kwargs):
        if not self._state.adding:
            fields = kwargs.get("update_fields")
            if fields is None or not set(fields) <= self.MUTABLE:
                raise ValueError(
                    "Une version signée du procès-verbal récapitulatif n'est jamais modifiée : "
                    "seul son remplacement (chiffres modifiés) est consigné."
                )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(
            "Une version signée du procès-verbal récapitulatif n'est jamais supprimée."
        )
