"""Polling-station minutes and what is built on them.

- ``TallySheet``: the minutes *expected* from one polling station for one contest of one round
  (progress is always "received / expected"). Its ``status`` follows the double-entry state machine
  documented in ``docs/data-entry.md`` (table ``kalata.results.workflow.TRANSITIONS``). Once the
  two entries agree (or are resolved), ``figures`` and ``check_codes`` hold the agreed figures (the
  president acknowledges or corrects them while the sheet is ``to_acknowledge`` or ``blocked``).
  Only when definitive are the figures copied into the scalar columns below and the votes into
  ``SheetVote`` rows, so that centralisation is a plain SQL ``GROUP BY`` over definitive sheets.
- ``DataEntry``: one clerk's typing of the minutes (first or second entry), kept as entered.
- ``Acknowledgement``: a warning acknowledged with a reason by the commission president.
- ``Correction``: a reasoned act (commission correction or court ruling) that changes definitive
  figures — never an edit.
- ``Annulment``: the Constitutional Court (or the competent judge) annuls a station, a commune or a
  whole constituency (Art. 150, 188).
- ``Proclamation``: a snapshot of the results proclaimed (provisional by the Ministry, Art. 141 and
  149; final by the Court, Art. 142 and 150; communal by the commission, Art. 187).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from kalata.elections.models import Contest, PollingStation, Round, Selection
from kalata.territory.models import Commune


class TallySheet(models.Model):
    class Status(models.TextChoices):
        EXPECTED = "expected", "attendu"
        FIRST_ENTRY = "first_entry", "première saisie faite"
        DIFFERENT = "different", "saisies différentes"
        TO_ACKNOWLEDGE = "to_acknowledge", "avertissements à valider"
        BLOCKED = "blocked", "bloqué (erreurs)"
        DEFINITIVE = "definitive", "définitif"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="sheets")
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="sheets")
    station = models.ForeignKey(PollingStation, on_delete=models.PROTECT, related_name="sheets")
    status = models.CharField(
        "état", max_length=16, choices=Status.choices, default=Status.EXPECTED, db_index=True
    )
    version = models.PositiveIntegerField("version", default=0)

    # Definitive figures (scalar columns null until definitive), denormalised for centralisation;
    # ``figures``/``check_codes``: the agreed figures from the moment the entries agree.
    registered = models.PositiveIntegerField("inscrits", null=True, blank=True)
    voters = models.PositiveIntegerField("votants", null=True, blank=True)
    envelopes = models.PositiveIntegerField("enveloppes", null=True, blank=True)
    null_ballots = models.PositiveIntegerField("bulletins nuls", null=True, blank=True)
    valid_votes = models.PositiveIntegerField("suffrages exprimés", null=True, blank=True)
    figures = models.JSONField("chiffres définitifs complets", null=True, blank=True)
    check_codes = models.JSONField("contrôles déclenchés", default=list, blank=True)
    annulled = models.BooleanField("annulé", default=False, db_index=True)

    first_received_at = models.DateTimeField("première saisie le", null=True, blank=True)
    definitive_at = models.DateTimeField("définitif le", null=True, blank=True)

    image = models.FileField("photo ou scan du PV", upload_to="minutes/", null=True, blank=True)
    image_sha256 = models.CharField("SHA-256 du PV", max_length=64, blank=True, default="")

    class Meta:
        ordering = ["round", "station__code"]
        verbose_name = "procès-verbal de bureau de vote"
        verbose_name_plural = "procès-verbaux de bureau de vote"
        constraints = [
            models.UniqueConstraint(
                fields=["round", "contest", "station"], name="sheet_station_contest_unique"
            ),
        ]
        indexes = [models.Index(fields=["round", "status"], name="sheet_round_status")]

    def __str__(self) -> str:
        return f"PV {self.station.code} ({self.round.code}/{self.contest.code})"


class SheetVote(models.Model):
    """Definitive votes of one candidate/list/answer on one sheet."""

    sheet = models.ForeignKey(TallySheet, on_delete=models.CASCADE, related_name="sheet_votes")
    selection = models.ForeignKey(Selection, on_delete=models.PROTECT, related_name="sheet_votes")
    votes = models.PositiveIntegerField("voix")

    class Meta:
        verbose_name = "voix définitives"
        verbose_name_plural = "voix définitives"
        constraints = [
            models.UniqueConstraint(fields=["sheet", "selection"], name="sheet_vote_unique"),
        ]


class DataEntry(models.Model):
    """One typing of the minutes by one clerk (four eyes: entries 1 and 2 by different users)."""

    class State(models.TextChoices):
        ACTIVE = "active", "en vigueur"
        DISCARDED = "discarded", "écartée"

    sheet = models.ForeignKey(TallySheet, on_delete=models.CASCADE, related_name="entries")
    number = models.PositiveSmallIntegerField("saisie n°")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tally_entries"
    )
    figures = models.JSONField("chiffres saisis")
    check_codes = models.JSONField("contrôles déclenchés", default=list, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    client_key = models.CharField(
        "clé d'idempotence", max_length=100, null=True, blank=True, unique=True
    )
    created_at = models.DateTimeField("saisi le", auto_now_add=True)

    class Meta:
        ordering = ["sheet", "created_at"]
        verbose_name = "saisie de PV"
        verbose_name_plural = "saisies de PV"
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "number"],
                condition=Q(state="active"),
                name="one_active_entry_per_number",
            ),
            models.CheckConstraint(condition=Q(number__in=[1, 2]), name="entry_number_1_or_2"),
        ]


class Acknowledgement(models.Model):
    """A warning of the checks acknowledged, with a reason, by the commission president."""

    sheet = models.ForeignKey(TallySheet, on_delete=models.CASCADE, related_name="acknowledgements")
    code = models.CharField("code de l'avertissement", max_length=8)
    reason = models.TextField("motif")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    sheet_version = models.PositiveIntegerField("version du PV validée")

    class Meta:
        ordering = ["sheet", "at"]
        verbose_name = "validation d'avertissement"
        verbose_name_plural = "validations d'avertissements"


class Correction(models.Model):
    """A reasoned act changing figures of a sheet: commission correction or court ruling."""

    class Kind(models.TextChoices):
        COMMISSION = "commission", "rectification de la commission"
        COURT = "court", "décision de justice"

    sheet = models.ForeignKey(TallySheet, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    before = models.JSONField("avant")
    after = models.JSONField("après")
    reason = models.TextField("motif")
    reference = models.CharField("référence de l'acte", max_length=200, blank=True, default="")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sheet", "at"]
        verbose_name = "rectification"
        verbose_name_plural = "rectifications"


class Annulment(models.Model):
    """Annulment of a station, a commune or a whole constituency (Art. 150, 188)."""

    class Scope(models.TextChoices):
        STATION = "station", "bureau de vote"
        COMMUNE = "commune", "commune"
        CONTEST = "contest", "circonscription"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="annulments")
    scope = models.CharField("portée", max_length=10, choices=Scope.choices)
    station = models.ForeignKey(PollingStation, on_delete=models.PROTECT, null=True, blank=True)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, null=True, blank=True)
    contest = models.ForeignKey(Contest, on_delete=models.PROTECT, null=True, blank=True)
    reason = models.TextField("motif")
    reference = models.CharField("référence de la décision", max_length=200)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "at"]
        verbose_name = "annulation"
        verbose_name_plural = "annulations"


class Proclamation(models.Model):
    """Results proclaimed: a frozen snapshot with the audit head it was computed at."""

    class Kind(models.TextChoices):
        PROVISIONAL = "provisional", "résultats provisoires"
        FINAL = "final", "résultats définitifs"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="proclamations")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    scope = models.CharField(
        "ressort (vide : tout le scrutin)",
        max_length=20,
        blank=True,
        default="",
    )
    results = models.JSONField("résultats proclamés")
    audit_head = models.CharField("empreinte du journal d'audit", max_length=64)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "at"]
        verbose_name = "proclamation"
        verbose_name_plural = "proclamations"
        constraints = [
            models.UniqueConstraint(
                fields=["round", "kind", "scope"], name="one_proclamation_per_kind_scope"
            ),
        ]


class TabulationRevision(models.Model):
    """A number that changes whenever the reference data of the centralisation changes.

    Database triggers (migration ``0002_tabulation_revision``) change it on every write to the
    contests, selections, list members, polling stations, the territory and on the creation or
    deletion of a sheet — never on the typing of minutes. ``kalata.results.columns`` reads it to
    know that its in-process copy of a round's reference data is still exact. One row (id 1);
    the triggers create it when absent (after a flush) with a random start, so a value read
    before a flush cannot come back by chance.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    n = models.BigIntegerField("révision", default=0)

    class Meta:
        verbose_name = "révision des données de référence"
        verbose_name_plural = "révisions des données de référence"
