"""Audited models: which tables ``verify`` compares with the log, and how.

For each audited model, a serialiser turns an instance into a plain dict (canonicalised with
``canonical.to_plain``) and a key function gives its stable identifier (its code, or its primary
key). Every write to such a row must record an event whose ``after`` is that serialisation (use
``services.snapshot(instance)``); ``verify`` then checks that each row's current state equals the
``after`` of its latest event, and that no row exists or vanishes without an event.

Apps register their models in ``AppConfig.ready()``::

    from kalata.audit.registry import register_audited_model, model_serializer

    register_audited_model("results.tallysheet", model_serializer(exclude=("updated_at",)),
                           key=lambda sheet: sheet.code)

A serialiser that reads other tables (a sheet's entries and votes) should also give a *batch*
serialiser, ``serialize_many(instances) -> list[dict]`` (same dicts, same order), reading those
tables once for many rows: ``verify`` compares rows in batches of
``kalata.audit.verification.VERIFY_BATCH``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.apps import apps
from django.db import models

from kalata.audit.canonical import to_plain

__all__ = [
    "AuditedModel",
    "audited_model",
    "audited_models",
    "model_serializer",
    "register_audited_model",
    "unregister_audited_model",
]

Serializer = Callable[[models.Model], dict]
BatchSerializer = Callable[[Sequence[models.Model]], list[dict]]
KeyFunction = Callable[[models.Model], object]


def model_serializer(
    fields: Iterable[str] | None = None, exclude: Iterable[str] = ()
) -> Serializer:
    """A serialiser of an instance's concrete fields (by ``attname``: ``commune_id``, not objects).

    ``fields`` restricts to these names; ``exclude`` drops fields that change without an audited
    act (e.g. ``last_login``, a cache column).
    """
    wanted = None if fields is None else set(fields)
    excluded = set(exclude)

    def serialize(instance: models.Model) -> dict:
        out = {}
        for field in instance._meta.concrete_fields:
            if wanted is not None and field.name not in wanted and field.attname not in wanted:
                continue
            if field.name in excluded or field.attname in excluded:
                continue
            out[field.attname] = getattr(instance, field.attname)
        return out

    return serialize


def _pk_key(instance: models.Model) -> object:
    return instance.pk


@dataclass(frozen=True)
class AuditedModel:
    label: str  # "app_label.modelname", lower case
    serializer: Serializer
    key: KeyFunction = _pk_key
    batch_serializer: BatchSerializer | None = None

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.label)

    def serialize(self, instance: models.Model) -> dict:
        """The instance's canonical plain form (what ``after`` must hold)."""
        return to_plain(self.serializer(instance))

    def serialize_many(self, instances: Sequence[models.Model]) -> list[dict]:
        """``serialize`` of each instance, with the batch serialiser when there is one."""
        if self.batch_serializer is None:
            return [self.serialize(instance) for instance in instances]
        out = self.batch_serializer(instances)
        if len(out) != len(instances):
            raise ValueError(f"{self.label} : le sérialiseur par lots a perdu des lignes.")
        return [to_plain(item) for item in out]

    def key_of(self, instance: models.Model) -> str:
        return str(to_plain(self.key(instance)))


_REGISTRY: dict[str, AuditedModel] = {}


def _label(model_or_label: str | type[models.Model] | models.Model) -> str:
    if isinstance(model_or_label, str):
        return model_or_label.lower()
    return model_or_label._meta.label_lower


def register_audited_model(
    model_or_label: str | type[models.Model],
    serializer: Serializer | None = None,
    *,
    key: KeyFunction | None = None,
    serialize_many: BatchSerializer | None = None,
) -> AuditedModel:
    """Declare a model audited (replaces an earlier registration of the same model).

    ``serialize_many``: optional batch form of ``serializer`` (see the module docstring).
    """
    label = _label(model_or_label)
    entry = AuditedModel(label, serializer or model_serializer(), key or _pk_key, serialize_many)
    _REGISTRY[label] = entry
    return entry


def unregister_audited_model(model_or_label: str | type[models.Model]) -> None:
    _REGISTRY.pop(_label(model_or_label), None)


def audited_model(model_or_label: str | type[models.Model] | models.Model) -> AuditedModel | None:
    """The registration for this model, or ``None``."""
    return _REGISTRY.get(_label(model_or_label))


def audited_models() -> list[AuditedModel]:
    """Every registered audited model, sorted by label."""
    return [_REGISTRY[label] for label in sorted(_REGISTRY)]
