"""``kalata audit …``: verify the audit log, read its latest events, show its head.

- ``kalata audit verify [--json] [--no-data]``: exit 0 when intact, 1 when tampering is found;
- ``kalata audit log [--json] [--limit N] [--type T]``: the latest events, newest first;
- ``kalata audit head [--json]``: the number and hash of the last event (the value to publish);
- ``kalata audit types [--json]``: the registered event types.
"""

from __future__ import annotations

import json

from kalata.cli import CliError, print_json, setup_django


def register(sub) -> None:
    p = sub.add_parser("audit", help="journal d'audit : vérification, consultation")
    audit_sub = p.add_subparsers(dest="audit_command", metavar="ACTION")
    audit_sub.required = True

    v = audit_sub.add_parser(
        "verify",
        help="vérifie la chaîne d'empreintes et les données auditées (code 1 si altération)",
    )
    v.add_argument("--json", action="store_true", help="rapport au format JSON")
    v.add_argument(
        "--no-data", action="store_true", help="ne vérifie que la chaîne, pas les données"
    )
    v.set_defaults(func=_verify)

    lg = audit_sub.add_parser("log", help="derniers événements du journal")
    lg.add_argument("--json", action="store_true", help="sortie JSON")
    lg.add_argument("--limit", type=int, default=20, metavar="N", help="nombre d'événements (20)")
    lg.add_argument(
        "--type", dest="event_type", metavar="T", help="type d'événement, ex. tally.corrected"
    )
    lg.set_defaults(func=_log)

    hd = audit_sub.add_parser("head", help="tête de la chaîne : empreinte à publier")
    hd.add_argument("--json", action="store_true", help="sortie JSON")
    hd.set_defaults(func=_head)

    ty = audit_sub.add_parser("types", help="types d'événements enregistrés")
    ty.add_argument("--json", action="store_true", help="sortie JSON")
    ty.set_defaults(func=_types)


def _verify(args) -> int:
    setup_django()
    from kalata.audit.services import verify

    report = verify(data=not args.no_data)
    if args.json:
        print_json(report.as_dict())
    else:
        print("\n".join(report.lines_fr()))
    return 0 if report.ok else 1


def _event_dict(event) -> dict:
    return {
        "seq": event.seq,
        "timestamp": event.timestamp.isoformat(),
        "actor": event.actor,
        "event_type": event.event_type,
        "object": {"model": event.object_model, "key": event.object_pk}
        if event.object_model
        else None,
        "before": json.loads(event.before),
        "after": json.loads(event.after),
        "reason": event.reason,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


def _log(args) -> int:
    setup_django()
    from kalata.audit.events import get_event_type
    from kalata.audit.models import AuditEvent

    if args.limit < 1:
        raise CliError("--limit doit être un entier positif.")
    events = AuditEvent.objects.order_by("-seq")
    label = None
    if args.event_type:
        try:
            label = get_event_type(args.event_type).label
        except KeyError:
            raise CliError(
                f"Type d'événement inconnu : « {args.event_type} » (voir « kalata audit types »)."
            ) from None
        events = events.filter(event_type=args.event_type)
    events = list(events[: args.limit])
    if args.json:
        print_json([_event_dict(e) for e in events])
        return 0
    if not events:
        print("Aucun événement" + (f" de type « {label} »." if label else " dans le journal."))
        return 0
    for e in events:
        when = e.timestamp.strftime("%Y-%m-%d %H:%M:%S UTC")
        target = f" {e.object_model}:{e.object_pk}" if e.object_model else ""
        line = f"n° {e.seq}  {when}  {e.actor}  {e.event_type}{target}"
        if e.reason:
            line += f"  — motif : {e.reason}"
        print(line)
    return 0


def _head(args) -> int:
    setup_django()
    from kalata.audit.services import head

    current = head()
    if args.json:
        print_json(current.as_dict())
    elif current.seq == 0:
        print("Journal d'audit vide.")
    else:
        print(f"Tête du journal d'audit : événement n° {current.seq}")
        print(f"Empreinte (SHA-256) : {current.hash}")
    return 0


def _types(args) -> int:
    setup_django()
    from kalata.audit.events import all_event_types

    types = all_event_types()
    if args.json:
        print_json(
            [{"key": t.key, "label": t.label, "requires_reason": t.requires_reason} for t in types]
        )
        return 0
    for t in types:
        print(f"{t.key:<28} {t.label}{' (motif obligatoire)' if t.requires_reason else ''}")
    return 0
