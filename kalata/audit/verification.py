"""``verify``: recompute the hash chain and compare audited data with the log.

What it proves (see docs/audit.md): no event was altered, removed, inserted or moved without
recomputing every later hash and the head; and each audited row is exactly what its latest
event says. What it cannot prove: that a consistent rewrite of the whole chain and the head did
not happen — only a head hash published elsewhere (anchoring) can show that.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from kalata.audit import guards
from kalata.audit.canonical import plain_json, utc_text
from kalata.audit.events import get_event_type
from kalata.audit.models import GENESIS_HASH, HEAD_ID, AuditChainHead, AuditEvent, plain_event_hash
from kalata.audit.registry import AuditedModel, audited_model, audited_models
from kalata.law.explain import fr_int

__all__ = ["ChainProblem", "DataMismatch", "VerifyReport", "verify"]

# Kinds of chain problems (stable codes for --json).
GAP = "gap"
HASH_MISMATCH = "hash_mismatch"
PREV_HASH_MISMATCH = "prev_hash_mismatch"
NOT_CANONICAL = "not_canonical"
HEAD_MISSING = "head_missing"
HEAD_MISMATCH = "head_mismatch"
TRUNCATED = "truncated"
# Kinds of data mismatches.
CHANGED = "changed"
DELETED = "deleted"
UNAUDITED = "unaudited"
NOT_DELETED = "not_deleted"

#: Audited rows compared per batch (``AuditedModel.serialize_many``: a few queries per batch).
VERIFY_BATCH = 1000


@dataclass(frozen=True)
class ChainProblem:
    """A break in the chain at event ``seq``: its kind (stable code) and a French message."""

    seq: int
    kind: str
    message: str

    def as_dict(self) -> dict:
        return {"seq": self.seq, "kind": self.kind, "message": self.message}


@dataclass(frozen=True)
class DataMismatch:
    """An audited row that differs from the ``after`` of its latest event, or has none."""

    model: str
    key: str
    kind: str
    message: str
    fields: tuple[str, ...] = ()
    details: dict = field(default_factory=dict, compare=False, hash=False)

    def as_dict(self) -> dict:
        return {
            "model": self.model,
            "key": self.key,
            "kind": self.kind,
            "fields": list(self.fields),
            "message": self.message,
            "details": self.details,
        }


@dataclass(frozen=True)
class VerifyReport:
    events_checked: int
    last_seq: int
    last_hash: str
    chain_problems: tuple[ChainProblem, ...] = ()
    data_mismatches: tuple[DataMismatch, ...] = ()
    models_checked: tuple[str, ...] = ()
    rows_checked: int = 0
    warnings: tuple[str, ...] = ()
    data_checked: bool = True

    @property
    def chain_ok(self) -> bool:
        return not self.chain_problems

    @property
    def data_ok(self) -> bool:
        return not self.data_mismatches

    @property
    def ok(self) -> bool:
        return self.chain_ok and self.data_ok

    @property
    def first_break(self) -> ChainProblem | None:
        return self.chain_problems[0] if self.chain_problems else None

    def as_dict(self) -> dict:
        first = self.first_break
        return {
            "ok": self.ok,
            "events_checked": self.events_checked,
            "head": {"seq": self.last_seq, "hash": self.last_hash},
            "chain_ok": self.chain_ok,
            "first_break": first.as_dict() if first else None,
            "chain_problems": [p.as_dict() for p in self.chain_problems],
            "data_checked": self.data_checked,
            "data_ok": self.data_ok,
            "models_checked": list(self.models_checked),
            "rows_checked": self.rows_checked,
            "data_mismatches": [m.as_dict() for m in self.data_mismatches],
            "warnings": list(self.warnings),
        }

    def lines_fr(self) -> list[str]:
        """The report as French sentences, for people."""
        n = self.events_checked
        lines = [
            f"Journal d'audit : {fr_int(n)} événement{'s' if n > 1 else ''} vérifié"
            f"{'s' if n > 1 else ''}."
        ]
        if self.chain_ok:
            lines.append(f"Chaîne intègre. Tête : n° {self.last_seq}, empreinte {self.last_hash}.")
        else:
            first = self.first_break
            lines.append(
                f"CHAÎNE ROMPUE : {len(self.chain_problems)} anomalie(s), "
                f"la première à l'événement n° {first.seq}."
            )
            lines.extend(f"  - {p.message}" for p in self.chain_problems)
        if not self.data_checked:
            lines.append("Données auditées non vérifiées (vérification de la chaîne seule).")
        elif self.models_checked:
            rows = self.rows_checked
            lines.append(
                f"Données auditées ({', '.join(self.models_checked)}) : {fr_int(rows)} "
                f"ligne{'s' if rows > 1 else ''} comparée{'s' if rows > 1 else ''} au journal."
            )
            if self.data_ok:
                lines.append("Aucun écart entre les données et le journal.")
            else:
                lines.append(
                    f"DONNÉES MODIFIÉES HORS JOURNAL : {len(self.data_mismatches)} écart(s)."
                )
                lines.extend(f"  - {m.message}" for m in self.data_mismatches)
        else:
            lines.append("Aucun modèle audité enregistré : seule la chaîne est vérifiée.")
        lines.extend(f"Avertissement : {w}" for w in self.warnings)
        lines.append("Résultat : intègre." if self.ok else "Résultat : ALTÉRATION DÉTECTÉE.")
        return lines


def _short(value, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _resolve_scope(audited) -> list[AuditedModel]:
    if audited is None:
        return audited_models()
    scope = []
    for item in audited:
        entry = item if isinstance(item, AuditedModel) else audited_model(item)
        if entry is None:
            raise KeyError(f"Modèle non audité : {item!r}.")
        scope.append(entry)
    return sorted(scope, key=lambda e: e.label)


def verify(
    audited: Iterable | None = None,
    *,
    data: bool = True,
    using: str = DEFAULT_DB_ALIAS,
) -> VerifyReport:
    """Check the whole log and, when ``data``, the audited rows against it.

    ``audited``: the audited models to compare (labels or ``AuditedModel`` entries); default
    every registered one. Reads one consistent snapshot (REPEATABLE READ on PostgreSQL when not
    already inside a transaction).
    """
    scope = _resolve_scope(audited) if data else []
    connection = connections[using]
    outer = connection.in_atomic_block
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql" and not outer:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        report = _verify(scope, using, connection)
    if not data:
        report = dataclasses.replace(report, data_checked=False)
    return report


def _verify(scope: list[AuditedModel], using: str, connection) -> VerifyReport:
    problems: list[ChainProblem] = []
    warnings: list[str] = []
    labels = {entry.label for entry in scope}
    latest: dict[tuple[str, str], str] = {}
    unknown_types: set[str] = set()

    expected_seq = 1
    prev_hash = GENESIS_HASH
    last_seq, last_hash = 0, GENESIS_HASH
    count = 0
    rows = (
        AuditEvent.objects.using(using)
        .order_by("seq")
        .values_list(
            "seq",
            "timestamp",
            "actor",
            "event_type",
            "object_model",
            "object_pk",
            "before",
            "after",
            "reason",
            "prev_hash",
            "hash",
        )
        .iterator(chunk_size=2000)
    )
    for seq, ts, actor, etype, model, pk, before, after, reason, stored_prev, stored in rows:
        count += 1
        gap = seq != expected_seq
        if gap:
            if expected_seq == seq - 1:
                missing = f"l'événement n° {expected_seq} manque"
            else:
                missing = f"les événements n° {expected_seq} à {seq - 1} manquent"
            problems.append(
                ChainProblem(
                    seq,
                    GAP,
                    f"Événement n° {seq} : trou dans la numérotation, {missing} (supprimés ?).",
                )
            )
        computed = plain_event_hash(
            seq, utc_text(ts), actor, etype, model, pk, before, after, reason, stored_prev
        )
        if computed != stored:
            problems.append(
                ChainProblem(
                    seq,
                    HASH_MISMATCH,
                    f"Événement n° {seq} : l'empreinte enregistrée "
                    "ne correspond pas à son contenu (événement modifié).",
                )
            )
        if stored_prev != prev_hash and not gap:
            problems.append(
                ChainProblem(
                    seq,
                    PREV_HASH_MISMATCH,
                    f"Événement n° {seq} : il ne désigne pas "
                    "l'événement précédent (événement inséré, supprimé ou déplacé).",
                )
            )
        for name, text in (("avant", before), ("après", after)):
            try:
                # ``json.loads`` gives plain values: their canonical text needs no walk.
                canonical = plain_json(json.loads(text)) == text
            except (ValueError, TypeError):
                canonical = False
            if not canonical:
                problems.append(
                    ChainProblem(
                        seq,
                        NOT_CANONICAL,
                        f"Événement n° {seq} : la valeur « {name} » "
                        "n'est pas du JSON canonique (écrite hors de Kalata).",
                    )
                )
        try:
            get_event_type(etype)
        except KeyError:
            unknown_types.add(etype)
        if model in labels:
            latest[(model, pk)] = after
        expected_seq = seq + 1
        prev_hash = stored
        last_seq, last_hash = seq, stored

    head_row = AuditChainHead.objects.using(using).filter(pk=HEAD_ID).first()
    if head_row is None:
        if count:
            problems.append(
                ChainProblem(
                    last_seq,
                    HEAD_MISSING,
                    "La tête de la chaîne a disparu alors que le journal contient des événements.",
                )
            )
    elif head_row.seq > last_seq:
        problems.append(
            ChainProblem(
                last_seq + 1,
                TRUNCATED,
                f"La tête de la chaîne annonce l'événement "
                f"n° {head_row.seq} mais le dernier présent est le n° {last_seq} : "
                "des événements finaux ont été supprimés.",
            )
        )
    elif head_row.seq < last_seq:
        problems.append(
            ChainProblem(
                head_row.seq + 1,
                HEAD_MISMATCH,
                f"Les événements n° {head_row.seq + 1} "
                f"à {last_seq} ont été ajoutés sans passer par Kalata (la tête de la "
                f"chaîne s'arrête au n° {head_row.seq}).",
            )
        )
    elif head_row.hash != last_hash:
        problems.append(
            ChainProblem(
                last_seq,
                HEAD_MISMATCH,
                f"L'empreinte de la tête de chaîne ne "
                f"correspond pas à celle de l'événement n° {last_seq}.",
            )
        )
    problems.sort(key=lambda p: p.seq)

    if unknown_types:
        warnings.append(
            "types d'événement inconnus de cette installation : " + ", ".join(sorted(unknown_types))
        )
    missing = guards.missing_triggers(connection)
    if missing:
        warnings.append(
            "les déclencheurs qui protègent le journal en ajout seul sont absents ou désactivés : "
            + ", ".join(missing)
        )

    mismatches: list[DataMismatch] = []
    rows_checked = 0
    for entry in scope:
        found, checked = _check_model(entry, latest, using)
        mismatches.extend(found)
        rows_checked += checked

    return VerifyReport(
        events_checked=count,
        last_seq=last_seq,
        last_hash=last_hash,
        chain_problems=tuple(problems),
        data_mismatches=tuple(mismatches),
        models_checked=tuple(entry.label for entry in scope),
        rows_checked=rows_checked,
        warnings=tuple(warnings),
    )


def _serialized(entry: AuditedModel, using: str):
    """Every row of the model (by primary key) with its serialisation, read in batches."""
    rows = entry.model._base_manager.using(using).order_by("pk").iterator(chunk_size=VERIFY_BATCH)
    while True:
        batch = list(itertools.islice(rows, VERIFY_BATCH))
        if not batch:
            return
        yield from zip(batch, entry.serialize_many(batch), strict=True)


def _check_model(
    entry: AuditedModel, latest: dict[tuple[str, str], str], using: str
) -> tuple[list[DataMismatch], int]:
    label = entry.label
    logged = {key: after for (model, key), after in latest.items() if model == label}
    found: list[DataMismatch] = []
    seen: set[str] = set()
    checked = 0
    for instance, current in _serialized(entry, using):
        checked += 1
        key = entry.key_of(instance)
        seen.add(key)
        if key not in logged:
            found.append(
                DataMismatch(
                    label,
                    key,
                    UNAUDITED,
                    f"{label} « {key} » : ligne présente sans "
                    "aucun événement d'audit (créée hors journal).",
                )
            )
            continue
        expected = json.loads(logged[key])
        if expected is None:
            found.append(
                DataMismatch(
                    label,
                    key,
                    NOT_DELETED,
                    f"{label} « {key} » : le journal indique "
                    "une suppression, mais la ligne existe.",
                )
            )
            continue
        if expected == current:
            continue
        if isinstance(expected, dict) and isinstance(current, dict):
            names = tuple(
                sorted(
                    n
                    for n in expected.keys() | current.keys()
                    if expected.get(n) != current.get(n) or (n in expected) != (n in current)
                )
            )
        else:
            names = ()
        details = {n: {"journal": expected.get(n), "base": current.get(n)} for n in names}
        shown = "; ".join(
            f"{n} : journal {_short(expected.get(n))}, base {_short(current.get(n))}" for n in names
        )
        found.append(
            DataMismatch(
                label,
                key,
                CHANGED,
                f"{label} « {key} » : modifiée hors journal ({shown or 'valeur entière'}).",
                names,
                details,
            )
        )
    for key in sorted(logged.keys() - seen):
        if json.loads(logged[key]) is not None:
            found.append(
                DataMismatch(
                    label,
                    key,
                    DELETED,
                    f"{label} « {key} » : ligne supprimée hors "
                    "journal (son dernier événement la décrit encore).",
                )
            )
    return found, checked
