"""``kalata accounts …``: accounts and roles (create-user, grant, revoke, list).

Roles are those of ``docs/roles.md``; a scope is given by the code of an election and of at most
one unit (region or District, cercle, commune, embassy/consulate). Every write is audited.
"""

from __future__ import annotations

import sys

from kalata.cli import CliError, print_json, setup_django

ROLE_KEYS = ["clerk", "president", "ministry", "court", "ceni", "delegate", "admin"]


def register(sub) -> None:
    p = sub.add_parser("accounts", help="comptes et rôles (agents, présidents, Cour, CENI…)")
    asub = p.add_subparsers(dest="accounts_command", metavar="SOUS-COMMANDE")
    asub.required = True

    q = asub.add_parser("create-user", help="crée un compte")
    q.add_argument("username", metavar="IDENTIFIANT")
    q.add_argument(
        "--password-stdin",
        action="store_true",
        help="lit le mot de passe sur l'entrée standard (sinon : aucun mot de passe utilisable)",
    )
    q.add_argument("--staff", action="store_true", help="accès à l'administration Django")
    q.add_argument("--email", default="", help="adresse électronique")
    q.add_argument("--json", action="store_true", help="sortie JSON")
    q.set_defaults(func=_create_user)

    for name, helptext, func in (
        ("grant", "attribue un rôle", _grant),
        ("revoke", "retire un rôle (mêmes rôle, scrutin et ressort)", _revoke),
    ):
        q = asub.add_parser(name, help=helptext)
        q.add_argument("username", metavar="IDENTIFIANT")
        q.add_argument("role", metavar="ROLE", choices=ROLE_KEYS, help=", ".join(ROLE_KEYS))
        _scope_arguments(q)
        if name == "grant":
            q.add_argument("--note", default="", help="observation (acte de nomination…)")
        else:
            q.add_argument("--reason", default="", help="motif du retrait")
        q.add_argument("--json", action="store_true", help="sortie JSON")
        q.set_defaults(func=func)

    q = asub.add_parser("list", help="les rôles attribués")
    q.add_argument("--user", metavar="IDENTIFIANT", help="seulement cet utilisateur")
    q.add_argument("--all", action="store_true", help="y compris les rôles retirés ou expirés")
    q.add_argument("--json", action="store_true", help="sortie JSON")
    q.set_defaults(func=_list)


def _scope_arguments(q) -> None:
    q.add_argument("--election", metavar="CODE", help="scrutin (sinon : tous les scrutins)")
    where = q.add_mutually_exclusive_group()
    where.add_argument("--region", metavar="CODE", help="région ou District (R01…, D09)")
    where.add_argument("--cercle", metavar="CODE", help="cercle (C0101…)")
    where.add_argument("--commune", metavar="CODE", help="commune (CM010101…)")
    where.add_argument("--mission", metavar="CODE", help="ambassade ou consulat")


def _services():
    setup_django()
    from kalata.accounts import services

    return services


def _fail(exc) -> CliError:
    """A ``LawError`` as a French CLI error naming the field (``--cercle`` …)."""
    from kalata.accounts.services import FIELD_FR

    field = exc.field
    if field in ("election", "region", "cercle", "commune", "mission"):
        return CliError(f"{FIELD_FR[field]} (--{field}) : {exc.message}")
    if field:
        return CliError(f"{FIELD_FR.get(field, field)} : {exc.message}")
    return CliError(exc.message)


def _create_user(args) -> int:
    services = _services()
    from kalata.law.explain import LawError

    password = None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise CliError("mot de passe : aucun mot de passe lu sur l'entrée standard.")
    try:
        user = services.create_user(
            args.username, password, staff=args.staff, email=args.email, actor=None
        )
    except LawError as exc:
        raise _fail(exc) from None
    if args.json:
        print_json(
            {
                "username": user.get_username(),
                "is_staff": user.is_staff,
                "has_password": user.has_usable_password(),
            }
        )
        return 0
    print(f"Compte créé : {user.get_username()}.")
    if args.staff:
        print("Accès à l'administration Django : oui.")
    if password is None:
        print("Aucun mot de passe : le compte ne peut pas se connecter tant qu'il n'en a pas.")
    return 0


def _grant(args) -> int:
    services = _services()
    from kalata.law.explain import LawError

    try:
        user = services.find_user(args.username)
        scope = services.scope_from_codes(
            args.election, args.region, args.cercle, args.commune, args.mission
        )
        assignment = services.grant(user, args.role, note=args.note, **scope.as_kwargs())
    except LawError as exc:
        raise _fail(exc) from None
    if args.json:
        print_json(services.assignment_as_dict(assignment))
        return 0
    print(
        f"Rôle attribué à {user.get_username()} : {assignment.get_role_display()} — "
        f"{assignment.scope_label} ({assignment.election_label})."
    )
    return 0


def _revoke(args) -> int:
    services = _services()
    from kalata.law.explain import LawError

    try:
        user = services.find_user(args.username)
        scope = services.scope_from_codes(
            args.election, args.region, args.cercle, args.commune, args.mission
        )
        revoked = services.revoke_matching(user, args.role, scope, reason=args.reason)
    except LawError as exc:
        raise _fail(exc) from None
    if args.json:
        print_json([services.assignment_as_dict(a) for a in revoked])
        return 0
    for a in revoked:
        print(
            f"Rôle retiré à {user.get_username()} : {a.get_role_display()} — "
            f"{a.scope_label} ({a.election_label})."
        )
    return 0


def _list(args) -> int:
    services = _services()
    from django.utils import timezone

    from kalata.accounts.models import RoleAssignment
    from kalata.law.explain import LawError

    rows = RoleAssignment.objects.select_related(
        "user", "election", "region", "cercle", "commune", "mission", "granted_by"
    ).order_by("user__username", "granted_at", "id")
    if args.user:
        try:
            rows = rows.filter(user=services.find_user(args.user))
        except LawError as exc:
            raise _fail(exc) from None
    now = timezone.now()
    if not args.all:
        rows = rows.active(now)
    data = [services.assignment_as_dict(a, now) for a in rows]
    if args.json:
        print_json(data)
        return 0
    if not data:
        print("Aucun rôle attribué." if not args.all else "Aucun rôle.")
        return 0
    for a, item in zip(rows, data, strict=True):
        state = "" if item["active"] else " [retiré]" if a.revoked_at else " [inactif]"
        since = timezone.localtime(a.granted_at).strftime("%d/%m/%Y")
        print(
            f"{item['username']} : {item['role_label']} — {a.scope_label} "
            f"({a.election_label}), depuis le {since}{state}"
        )
    print(f"{len(data)} rôle(s).")
    return 0
