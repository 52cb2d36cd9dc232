"""``kalata api token …``: the API tokens of the commissions' tablets (create, revoke, list).

A token acts as its user (roles and scopes of ``kalata accounts``). It is shown once, at
creation: only its SHA-256 is kept. Creation and revocation are audited.
"""

from __future__ import annotations

from kalata.cli import CliError, print_json, setup_django

DEFAULT_DAYS = 30


def register(sub) -> None:
    p = sub.add_parser("api", help="API des terminaux : jetons d'accès des tablettes")
    asub = p.add_subparsers(dest="api_command", metavar="SOUS-COMMANDE")
    asub.required = True
    t = asub.add_parser("token", help="jetons d'API (création, révocation, liste)")
    tsub = t.add_subparsers(dest="token_command", metavar="ACTION")
    tsub.required = True

    q = tsub.add_parser("create", help="crée un jeton pour un utilisateur (affiché une seule fois)")
    q.add_argument("username", metavar="IDENTIFIANT")
    q.add_argument("--name", required=True, help="nom du jeton : la tablette, le terminal")
    q.add_argument(
        "--days",
        type=int,
        default=DEFAULT_DAYS,
        metavar="N",
        help=f"durée de validité en jours (défaut : {DEFAULT_DAYS})",
    )
    q.add_argument("--json", action="store_true", help="sortie JSON")
    q.set_defaults(func=_create)

    q = tsub.add_parser("revoke", help="révoque un jeton")
    q.add_argument("token_id", metavar="ID", help="numéro du jeton (kalata api token list)")
    q.add_argument("--reason", default="", help="motif de la révocation")
    q.add_argument("--json", action="store_true", help="sortie JSON")
    q.set_defaults(func=_revoke)

    q = tsub.add_parser("list", help="les jetons (sans leur valeur)")
    q.add_argument("--user", metavar="IDENTIFIANT", help="seulement cet utilisateur")
    q.add_argument("--active", action="store_true", help="seulement les jetons en vigueur")
    q.add_argument("--json", action="store_true", help="sortie JSON")
    q.set_defaults(func=_list)


def _fail(exc) -> CliError:
    return CliError(exc.message)


def _date(value) -> str:
    from django.utils import timezone

    return timezone.localtime(value).strftime("%d/%m/%Y à %H:%M") if value else "—"


def _create(args) -> int:
    setup_django()
    from kalata.accounts.services import find_user
    from kalata.api.tokens import create_token, token_as_dict
    from kalata.law.explain import LawError

    try:
        user = find_user(args.username)
        new = create_token(user, args.name, days=args.days)
    except LawError as exc:
        raise _fail(exc) from None
    if args.json:
        print_json({**token_as_dict(new.token), "token": new.clear})
        return 0
    token = new.token
    print(f"Jeton n°{token.pk} créé pour {user.get_username()} : « {token.name} ».")
    print(f"Valable jusqu'au {_date(token.expires_at)}.")
    print()
    print(new.clear)
    print()
    print(
        "Copiez ce jeton maintenant : il ne sera plus jamais affiché (seule son empreinte "
        "SHA-256 est conservée). En-tête à envoyer : « Authorization: Bearer <jeton> »."
    )
    return 0


def _revoke(args) -> int:
    setup_django()
    from kalata.api.tokens import revoke_token, token_as_dict
    from kalata.law.explain import LawError

    try:
        token = revoke_token(args.token_id, reason=args.reason)
    except LawError as exc:
        raise _fail(exc) from None
    if args.json:
        print_json(token_as_dict(token))
        return 0
    print(
        f"Jeton n°{token.pk} ({token.prefix}…, « {token.name} », {token.user.get_username()}) "
        f"révoqué le {_date(token.revoked_at)}."
    )
    return 0


def _list(args) -> int:
    setup_django()
    from django.utils import timezone

    from kalata.accounts.services import find_user
    from kalata.api.models import ApiToken
    from kalata.api.tokens import STATUS_LABELS, token_as_dict
    from kalata.law.explain import LawError

    rows = ApiToken.objects.select_related("user").order_by("user__username", "created_at", "id")
    if args.user:
        try:
            rows = rows.filter(user=find_user(args.user))
        except LawError as exc:
            raise _fail(exc) from None
    now = timezone.now()
    data = [token_as_dict(t, now) for t in rows]
    if args.active:
        data = [d for d in data if d["status"] == "active"]
    if args.json:
        print_json(data)
        return 0
    if not data:
        print("Aucun jeton.")
        return 0
    by_id = {t.pk: t for t in rows}
    for item in data:
        t = by_id[item["id"]]
        print(
            f"n°{t.pk} {t.prefix}… — {item['username']} — « {t.name} » — "
            f"{STATUS_LABELS[item['status']]} ; créé le {_date(t.created_at)}, expire le "
            f"{_date(t.expires_at)}, dernière utilisation : {_date(t.last_used_at)}"
        )
    print(f"{len(data)} jeton(s).")
    return 0
