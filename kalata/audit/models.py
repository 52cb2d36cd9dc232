"""The audit log's tables: the events (append-only) and the head of the chain.

An ``AuditEvent`` is never updated nor deleted: the model and its queryset refuse it, and
database triggers refuse it too (migration 0002). Each event carries the SHA-256 of its own
canonical serialisation, which includes the hash of the event before it (``prev_hash``); the
first event chains from ``GENESIS_HASH``. ``AuditChainHead`` is a single row holding the last
sequence number and hash: writers lock it to append one at a time, and ``verify`` compares it
with the last event to detect a truncated tail.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from django.db import models

from kalata.audit.canonical import canonical_json, plain_json

GENESIS_HASH = "0" * 64
HASH_FORMAT = "kalata-audit-v1"
HEAD_ID = 1


class AuditImmutableError(Exception):
    """Raised on any attempt to modify or delete an audit event."""

    def __init__(self, message: str | None = None):
        super().__init__(
            message
            or "Le journal d'audit est en ajout seul : un événement ne peut être ni modifié "
            "ni supprimé."
        )


def event_hash(
    *,
    seq: int,
    timestamp: datetime,
    actor: str,
    event_type: str,
    object_model: str,
    object_pk: str,
    before: str,
    after: str,
    reason: str,
    prev_hash: str,
) -> str:
    """SHA-256 (hex) of the canonical serialisation of an event's fields and ``prev_hash``.

    ``before`` and ``after`` are hashed as the exact canonical JSON texts stored in the table.
    """
    envelope = {
        "format": HASH_FORMAT,
        "seq": seq,
        "timestamp": timestamp,
        "actor": actor,
        "event_type": event_type,
        "object_model": object_model,
        "object_pk": object_pk,
        "before": before,
        "after": after,
        "reason": reason,
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(canonical_json(envelope).encode("utf-8")).hexdigest()


def plain_event_hash(
    seq: int,
    timestamp_text: str,
    actor: str,
    event_type: str,
    object_model: str,
    object_pk: str,
    before: str,
    after: str,
    reason: str,
    prev_hash: str,
) -> str:
    """``event_hash`` for fields that are already plain (``timestamp_text`` from ``utc_text``):
    the same digest, without walking the envelope (the append path hashes thousands of them)."""
    envelope = {
        "format": HASH_FORMAT,
        "seq": seq,
        "timestamp": timestamp_text,
        "actor": actor,
        "event_type": event_type,
        "object_model": object_model,
        "object_pk": object_pk,
        "before": before,
        "after": after,
        "reason": reason,
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(plain_json(envelope).encode("utf-8")).hexdigest()


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditImmutableError()

    def delete(self):
        raise AuditImmutableError()

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditImmutableError()

    def update_or_create(self, *args, **kwargs):
        raise AuditImmutableError()

    def bulk_create(self, objs, *args, **kwargs):
        raise AuditImmutableError(
            "Un événement d'audit s'écrit par kalata.audit.services.record() ou record_many()."
        )


class AuditEvent(models.Model):
    """One audited write: who, when, what, before and after. Append-only."""

    seq = models.BigIntegerField("numéro d'ordre", primary_key=True)
    timestamp = models.DateTimeField("horodatage (UTC)")
    actor = models.CharField("auteur", max_length=150)
    event_type = models.CharField("type d'événement", max_length=64)
    object_model = models.CharField("modèle de l'objet", max_length=100, blank=True)
    object_pk = models.CharField("identifiant de l'objet", max_length=255, blank=True)
    before = models.TextField("avant (JSON canonique)", default="null")
    after = models.TextField("après (JSON canonique)", default="null")
    reason = models.TextField("motif", blank=True, default="")
    prev_hash = models.CharField("empreinte précédente", max_length=64)
    hash = models.CharField("empreinte", max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        verbose_name = "événement d'audit"
        verbose_name_plural = "événements d'audit"
        indexes = [
            models.Index(fields=["object_model", "object_pk"], name="audit_event_object_idx"),
            models.Index(fields=["event_type"], name="audit_event_type_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(seq__gte=1), name="audit_event_seq_positive"),
        ]

    def __str__(self) -> str:
        ref = f" {self.object_model}:{self.object_pk}" if self.object_model else ""
        return f"n° {self.seq} {self.event_type}{ref} par {self.actor}"

    # -- integrity -------------------------------------------------------------------------
    def compute_hash(self) -> str:
        timestamp = self.timestamp
        if isinstance(timestamp, datetime) and timestamp.tzinfo is None:
            timestamp = timestamp.replace(tzinfo=UTC)
        return event_hash(
            seq=self.seq,
            timestamp=timestamp,
            actor=self.actor,
            event_type=self.event_type,
            object_model=self.object_model,
            object_pk=self.object_pk,
            before=self.before,
            after=self.after,
            reason=self.reason,
            prev_hash=self.prev_hash,
        )

    @property
    def before_data(self):
        return json.loads(self.before)

    @property
    def after_data(self):
        return json.loads(self.after)

    # -- append-only -----------------------------------------------------------------------
    def save(self, *args, **kwargs):
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            raise AuditImmutableError()
        if self.hash != self.compute_hash():
            raise AuditImmutableError(
                "Empreinte incohérente : un événement d'audit s'écrit par "
                "kalata.audit.services.record()."
            )
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditImmutableError()


class AuditChainHead(models.Model):
    """The head of the chain: a single row (id 1), locked by writers to append in order."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=HEAD_ID)
    seq = models.BigIntegerField("dernier numéro d'ordre", default=0)
    hash = models.CharField("dernière empreinte", max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = "tête de la chaîne d'audit"
        verbose_name_plural = "tête de la chaîne d'audit"
        constraints = [
            models.CheckConstraint(condition=models.Q(id=HEAD_ID), name="audit_head_single_row"),
        ]

    def __str__(self) -> str:
        return f"n° {self.seq} — {self.hash}"
