"""Writing to the audit log, and reading its head.

Every write in Kalata goes with one ``record()`` call, in the same transaction::

    from django.db import transaction
    from kalata.audit.events import TALLY_CORRECTED
    from kalata.audit.services import record, snapshot

    with transaction.atomic():
        before = snapshot(sheet)
        sheet.null_ballots = 12
        sheet.save()
        record(TALLY_CORRECTED, request.user, sheet, before, sheet,
               reason="Erreur de report constatée par la commission")

so that the data and its event commit or roll back together. ``verify`` (re-exported here from
``kalata.audit.verification``) recomputes the chain and compares audited rows with the log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import DEFAULT_DB_ALIAS, models, transaction
from django.utils import timezone

from kalata.audit.canonical import canonical_json, to_plain
from kalata.audit.events import EventType, get_event_type
from kalata.audit.models import GENESIS_HASH, HEAD_ID, AuditChainHead, AuditEvent, event_hash
from kalata.audit.registry import audited_model, model_serializer
from kalata.audit.verification import VerifyReport, verify

__all__ = [
    "SYSTEM",
    "AuditError",
    "ObjRef",
    "VerifyReport",
    "head",
    "record",
    "ref",
    "snapshot",
    "verify",
]

SYSTEM = "system"
ANONYMOUS = "anonymous"


class AuditError(Exception):
    """A misuse of the audit log (unknown event type, missing reason, no transaction…)."""


@dataclass(frozen=True)
class ObjRef:
    """What an event is about: a model label (``territory.commune``) and a stable key."""

    model: str
    key: str

    def __str__(self) -> str:
        return f"{self.model}:{self.key}" if self.model else ""


def ref(obj) -> ObjRef:
    """The reference of ``obj``: an instance, an ``ObjRef``, a ``(label, key)`` pair, or None.

    For an instance of an audited model, the key is the registered one (e.g. its code);
    otherwise its primary key.
    """
    if obj is None:
        return ObjRef("", "")
    if isinstance(obj, ObjRef):
        return obj
    if isinstance(obj, models.Model):
        if obj.pk is None:
            raise AuditError(f"Objet non enregistré (sans identifiant) : {obj!r}.")
        entry = audited_model(obj)
        key = entry.key_of(obj) if entry else str(to_plain(obj.pk))
        return ObjRef(obj._meta.label_lower, key)
    if isinstance(obj, tuple) and len(obj) == 2:
        label, key = obj
        if isinstance(label, type) and issubclass(label, models.Model):
            label = label._meta.label_lower
        label = str(label).lower()
        if label.count(".") != 1 or len(label) > 100:
            raise AuditError(f"Modèle invalide : {label!r} (attendu : « app.modele »).")
        key = str(to_plain(key))
        if not key or len(key) > 255:
            raise AuditError(f"Identifiant d'objet invalide : {key!r}.")
        return ObjRef(label, key)
    raise AuditError(f"Référence d'objet invalide : {obj!r}.")


def snapshot(obj):
    """The canonical plain form of ``obj`` for ``before``/``after``.

    An instance of an audited model is serialised with its registered serialiser (what
    ``verify`` compares); another instance with all its concrete fields; a dict or None as is.
    """
    if isinstance(obj, models.Model):
        entry = audited_model(obj)
        if entry is not None:
            return entry.serialize(obj)
        return to_plain(model_serializer()(obj))
    return to_plain(obj)


def _actor(actor) -> str:
    if actor is None:
        return SYSTEM
    if isinstance(actor, str):
        name = actor
    elif getattr(actor, "is_anonymous", False):
        name = ANONYMOUS
    elif hasattr(actor, "get_username"):
        name = actor.get_username()
    else:
        raise AuditError(f"Auteur invalide : {actor!r}.")
    if not name or len(name) > 150:
        raise AuditError(f"Auteur invalide : {name!r}.")
    return name


def _lock_head(using: str) -> AuditChainHead:
    """Lock the chain head row (created on first use) so appends happen one at a time.

    On PostgreSQL ``SELECT … FOR UPDATE`` makes concurrent writers wait for each other's commit;
    SQLite has no row locks, but a single writer holds the database write lock, and the primary
    key on ``seq`` turns any race into an error rather than a fork.
    """
    heads = AuditChainHead.objects.using(using).select_for_update()
    try:
        return heads.get(pk=HEAD_ID)
    except AuditChainHead.DoesNotExist:
        pass
    if AuditEvent.objects.using(using).exists():
        raise AuditError(
            "La tête de la chaîne d'audit a disparu alors que le journal contient des "
            "événements : lancez « kalata audit verify »."
        ) from None
    AuditChainHead.objects.using(using).bulk_create(
        [AuditChainHead(id=HEAD_ID, seq=0, hash=GENESIS_HASH)], ignore_conflicts=True
    )
    return heads.get(pk=HEAD_ID)


def record(
    event_type: str | EventType,
    actor,
    obj_ref,
    before,
    after,
    reason: str = "",
    *,
    timestamp: datetime | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> AuditEvent:
    """Append one event to the audit log, inside the caller's transaction; return it.

    - ``event_type``: a registered key or ``EventType`` (``kalata.audit.events``);
    - ``actor``: a username, a user object, or None for ``"system"``;
    - ``obj_ref``: see ``ref()``; ``before``/``after``: see ``snapshot()`` (None for a creation
      or a deletion);
    - ``reason``: French, mandatory for types that require it (corrections, rulings);
    - ``timestamp``: aware datetime, default now (stored in UTC).
    """
    if not transaction.get_connection(using).in_atomic_block:
        raise AuditError(
            "record() doit être appelé dans la transaction de l'écriture auditée "
            "(transaction.atomic())."
        )
    try:
        etype = get_event_type(event_type)
    except KeyError as exc:
        raise AuditError(exc.args[0]) from None
    reason = (reason or "").strip()
    if etype.requires_reason and not reason:
        raise AuditError(f"Un motif est obligatoire pour « {etype.label} » ({etype.key}).")
    if timestamp is None:
        timestamp = timezone.now()
    elif timezone.is_naive(timestamp):
        raise AuditError("L'horodatage doit comporter un fuseau horaire.")
    target = ref(obj_ref)
    fields = {
        "timestamp": timestamp.astimezone(UTC),
        "actor": _actor(actor),
        "event_type": etype.key,
        "object_model": target.model,
        "object_pk": target.key,
        "before": canonical_json(snapshot(before)),
        "after": canonical_json(snapshot(after)),
        "reason": reason,
    }

    chain_head = _lock_head(using)
    seq = chain_head.seq + 1
    digest = event_hash(seq=seq, prev_hash=chain_head.hash, **fields)
    event = AuditEvent(seq=seq, prev_hash=chain_head.hash, hash=digest, **fields)
    event.save(using=using)
    AuditChainHead.objects.using(using).filter(pk=HEAD_ID).update(seq=seq, hash=digest)
    return event


@dataclass(frozen=True)
class Head:
    """The head of the chain: the number and hash of the last event — the value to publish."""

    seq: int
    hash: str

    def as_dict(self) -> dict:
        return {"seq": self.seq, "hash": self.hash}


def head(using: str = DEFAULT_DB_ALIAS) -> Head:
    """The current head (``seq`` 0 and the genesis hash for an empty log)."""
    row = AuditChainHead.objects.using(using).filter(pk=HEAD_ID).first()
    if row is None:
        return Head(0, GENESIS_HASH)
    return Head(row.seq, row.hash)
