"""API tokens for the commissions' tablets, and the receipts of idempotent submissions.

- ``ApiToken``: a bearer token acting as its user (the user's roles and scopes decide, through
  ``kalata.accounts.permissions``). Only the SHA-256 of the token is stored; the token itself is
  shown once, when it is created (``kalata api token create``). A token is refused once revoked
  or past ``expires_at``, or when its user is deactivated. Creation and revocation are audited
  (``api.token_created``, ``api.token_revoked``); ``last_used_at`` is a usage hint updated at
  most once a minute, outside the audit log.
- ``SubmissionReceipt``: the response given to a successful submission of minutes, under the
  client's idempotency key, so that sending the same request again returns the same response
  without writing anything (the entry itself is audited with its sheet, ``kalata.results``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from kalata.results.models import DataEntry, TallySheet


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_tokens",
        verbose_name="utilisateur",
    )
    name = models.CharField("nom (terminal, tablette)", max_length=100)
    prefix = models.CharField("début du jeton", max_length=16)
    key_hash = models.CharField("empreinte SHA-256 du jeton", max_length=64, unique=True)
    created_at = models.DateTimeField("créé le")
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)
    expires_at = models.DateTimeField("expire le", null=True, blank=True)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"

    def __str__(self) -> str:
        return f"{self.prefix}… — {self.name}"


class SubmissionReceipt(models.Model):
    """The response to a submission of minutes, kept under its idempotency key."""

    client_key = models.CharField("clé d'idempotence", max_length=100, unique=True)
    entry = models.OneToOneField(
        DataEntry, on_delete=models.CASCADE, related_name="api_receipt", verbose_name="saisie"
    )
    sheet = models.ForeignKey(
        TallySheet, on_delete=models.CASCADE, related_name="+", verbose_name="procès-verbal"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    fingerprint = models.CharField("empreinte de la requête", max_length=64)
    status_code = models.PositiveSmallIntegerField("statut HTTP")
    response = models.JSONField("réponse")
    created_at = models.DateTimeField("reçu le", auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "accusé de réception de saisie"
        verbose_name_plural = "accusés de réception de saisies"
