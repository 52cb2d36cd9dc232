"""``kalata results …``: centralisation, proclamation, annulment, provisional vs final.

- ``kalata results tabulate ROUND_CODE [--json] [--level nation|region|cercle|commune|station]
  [--contest CODE] [--scope CODE] [--unit CODE]``: the results recomputed now from the definitive
  minutes (Art. 141, 149, 187), with each contest's outcome; ``--scope`` (communal) keeps the
  communes of one cercle or of the District; ``--unit`` (station level) restricts to the
  stations of a commune or mission;
- ``kalata results proclaim ROUND_CODE provisional|final [--scope CODE] [--force] [--user U]``:
  stores the proclaimed snapshot (Art. 141/149 provisional, 142/150 final; communal: ``--scope``
  is the cercle or District whose commission proclaims, Art. 187–188);
- ``kalata results annul ROUND_CODE --station|--commune|--contest CODE --reason … --reference …
  [--user U]``: a decision of the Court or the judge (Art. 142, 150, 188);
- ``kalata results compare ROUND_CODE [--scope CODE] [--json]``: provisional and final results
  side by side with their differences.

The round code is the election code followed by ``-T1`` or ``-T2`` (``PRES-2026-04-26-T1``).

Acts need an author (the annulment and the proclamation keep who entered them, and the audit log
names them). ``--user`` names an existing account. Without it, the act is attributed to the
account ``system`` — the operator at the server's command line, outside any web session; it is
created on first use, inactive and without a usable password, so nobody can log in with it,
and its name is the one the audit log already uses for acts without a person
(``kalata.audit.services.SYSTEM``).
"""

from __future__ import annotations

from kalata.cli import CliError, print_json, setup_django

LEVEL_CHOICES = ("nation", "region", "cercle", "commune", "station")


def register(sub) -> None:
    p = sub.add_parser("results", help="résultats : centralisation, proclamation, annulation")
    rs = p.add_subparsers(dest="results_command", metavar="ACTION")
    rs.required = True

    t = rs.add_parser("tabulate", help="résultats totalisés à partir des procès-verbaux définitifs")
    t.add_argument("round", metavar="TOUR", help="code du tour, ex. PRES-2026-04-26-T1")
    t.add_argument("--json", action="store_true", help="sortie JSON")
    t.add_argument(
        "--level", choices=LEVEL_CHOICES, default="nation", help="niveau affiché (nation)"
    )
    t.add_argument("--contest", metavar="CODE", help="une seule circonscription")
    t.add_argument(
        "--scope", default="", metavar="CODE", help="communales : cercle ou District (art. 187)"
    )
    t.add_argument(
        "--unit", metavar="CODE", help="niveau bureau : bureaux d'une commune ou d'une mission"
    )
    t.set_defaults(func=_tabulate)

    pr = rs.add_parser("proclaim", help="proclame les résultats provisoires ou définitifs")
    pr.add_argument("round", metavar="TOUR")
    pr.add_argument("kind", choices=("provisional", "final"), help="provisional ou final")
    pr.add_argument(
        "--scope", default="", metavar="CODE", help="communales : code du cercle ou du District"
    )
    pr.add_argument(
        "--force", action="store_true", help="proclamer malgré des procès-verbaux en attente"
    )
    pr.add_argument("--user", metavar="UTILISATEUR", help="auteur de l'acte (défaut : system)")
    pr.add_argument("--json", action="store_true", help="sortie JSON")
    pr.set_defaults(func=_proclaim)

    an = rs.add_parser("annul", help="annulation prononcée par la Cour ou le juge")
    an.add_argument("round", metavar="TOUR")
    target = an.add_mutually_exclusive_group(required=True)
    target.add_argument("--station", metavar="CODE", help="un bureau de vote")
    target.add_argument("--commune", metavar="CODE", help="une commune")
    target.add_argument("--contest", metavar="CODE", help="une circonscription entière")
    an.add_argument("--reason", required=True, metavar="MOTIF", help="motif de l'annulation")
    an.add_argument(
        "--reference", required=True, metavar="REF", help="référence de l'arrêt ou du jugement"
    )
    an.add_argument("--user", metavar="UTILISATEUR", help="auteur de l'acte (défaut : system)")
    an.add_argument("--json", action="store_true", help="sortie JSON")
    an.set_defaults(func=_annul)

    cp = rs.add_parser("compare", help="résultats provisoires et définitifs côte à côte")
    cp.add_argument("round", metavar="TOUR")
    cp.add_argument("--scope", default="", metavar="CODE", help="communales : cercle ou District")
    cp.add_argument("--json", action="store_true", help="sortie JSON")
    cp.set_defaults(func=_compare)

    _register_formats(rs)


# --------------------------------------------------------------------------------------------


def _user(username: str | None):
    from django.contrib.auth import get_user_model

    from kalata.audit.services import SYSTEM

    user_model = get_user_model()
    if username:
        user = user_model.objects.filter(username=username).first()
        if user is None:
            raise CliError(f"utilisateur inconnu : « {username} »")
        return user
    user, created = user_model.objects.get_or_create(
        username=SYSTEM, defaults={"is_active": False, "first_name": "Système"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _round(code: str):
    from kalata.results.tabulation import get_round

    return get_round(code)


def _fr_pct(value) -> str:
    from kalata.law.explain import fr_percent

    return fr_percent(value)


def _unit_lines(unit, selections) -> list[str]:
    from kalata.law.explain import fr_int

    lines = [f"{unit.code} — {unit.name}"]
    lines.append(
        f"  Inscrits (PV comptés) : {fr_int(unit.registered)} ; votants : {fr_int(unit.voters)} "
        f"; participation : {_fr_pct(unit.turnout)}"
    )
    lines.append(
        f"  Bulletins nuls : {fr_int(unit.null_ballots)} ; suffrages exprimés : "
        f"{fr_int(unit.valid_votes)}"
    )
    shares = unit.shares
    for sel in selections:
        label = sel.name + (f" ({sel.party})" if sel.party else "")
        withdrawn = " [désisté]" if sel.withdrawn else ""
        lines.append(
            f"  {sel.code} {label}{withdrawn} : {fr_int(unit.votes[sel.code])} voix — "
            f"{_fr_pct(shares[sel.code])}"
        )
    lines.append("  " + unit.progress.describe_fr())
    for a in unit.annulments:
        lines.append("  Annulation : " + a.describe_fr())
    return lines


def _tabulate(args) -> int:
    setup_django()
    from kalata.law.explain import fr_int
    from kalata.results.tabulation import station_results, tabulate

    rnd = _round(args.round)
    codes = [args.contest] if args.contest else None
    results = tabulate(rnd, scope=args.scope.strip(), contest_codes=codes)
    if args.contest and not results.contests:
        raise CliError(f"circonscription inconnue dans ce tour : « {args.contest} »")
    if args.scope and not results.contests:
        raise CliError(f"aucune circonscription de ce tour dans le ressort « {args.scope} »")
    if args.unit and args.level != "station":
        raise CliError("--unit ne s'emploie qu'avec --level station")

    stations = None
    if args.level == "station":
        stations = station_results(rnd, contest_code=args.contest, unit_code=args.unit)

    if args.json:
        if stations is None:
            print_json(results.as_dict(levels=(args.level,)))
        else:
            data = results.as_dict(levels=())
            for contest in data["contests"]:
                contest["levels"] = {
                    "station": [u.as_dict() for u in stations.get(contest["code"], ())]
                }
            print_json(data)
        return 0

    lines = [
        f"{results.round} — {results.election_title}, tour n°{results.round_number} "
        f"(scrutin du {results.polling_date.strftime('%d/%m/%Y')})",
        "Ensemble du tour — " + results.progress.describe_fr(),
    ]
    lines += [f"Anomalie : {w}" for w in results.warnings]
    for contest in results.contests:
        lines.append("")
        seats = f", {fr_int(contest.seats)} siège(s)" if contest.seats > 1 else ""
        lines.append(f"Circonscription {contest.code} — {contest.name}{seats}")
        lines.append(f"Niveau : {args.level}")
        units = stations.get(contest.code, ()) if stations is not None else None
        if units is None:
            units = contest.units[args.level]
        for unit in units:
            lines.extend(_unit_lines(unit, contest.selections))
        outcome = contest.outcome
        lines.append(f"Décision (art. {', '.join(outcome.articles)}) :")
        for step in outcome.steps:
            lines.append(f"  - {step}")
        if outcome.error is not None:
            lines.append(f"  - Pas de décision : {outcome.error}")
    print("\n".join(lines))
    return 0


def _proclaim(args) -> int:
    setup_django()
    from kalata.results.proclamation import proclaim

    rnd = _round(args.round)
    user = _user(args.user)
    p = proclaim(rnd, args.kind, user, args.scope, force=args.force)
    meta = p.results["proclamation"]
    if args.json:
        print_json(
            {
                "id": p.id,
                "round": rnd.code,
                "kind": p.kind,
                "scope": p.scope,
                "at": p.at.isoformat(),
                "by": user.get_username(),
                "audit_head": p.audit_head,
                "forced": meta["forced"],
                "pending_sheets": meta["pending_sheets"],
                "steps": meta["steps"],
            }
        )
        return 0
    label = "provisoires" if p.kind == "provisional" else "définitifs"
    where = f" (ressort {p.scope})" if p.scope else ""
    lines = [f"Résultats {label} proclamés pour {rnd.code}{where}."]
    lines += [f"  - {s['text']} (art. {', '.join(s['articles'])})" for s in meta["steps"]]
    lines.append(f"Empreinte du journal d'audit au moment du calcul : {p.audit_head}")
    rnd.refresh_from_db()
    lines.append(f"État du tour : {rnd.get_status_display()}")
    print("\n".join(lines))
    return 0


def _annul(args) -> int:
    setup_django()
    from kalata.law.explain import fr_int
    from kalata.results.proclamation import annul

    rnd = _round(args.round)
    user = _user(args.user)
    if args.station:
        scope, target = "station", args.station
    elif args.commune:
        scope, target = "commune", args.commune
    else:
        scope, target = "contest", args.contest
    a = annul(rnd, scope, target, args.reason, args.reference, user)
    if args.json:
        print_json(
            {
                "id": a.id,
                "round": rnd.code,
                "scope": a.scope,
                "target": target,
                "reason": a.reason,
                "reference": a.reference,
                "sheets_annulled": a.sheets_annulled,
                "by": user.get_username(),
                "at": a.at.isoformat(),
            }
        )
        return 0
    print(
        f"Annulation enregistrée ({a.get_scope_display()} {target}) : "
        f"{fr_int(a.sheets_annulled)} procès-verbal(aux) annulé(s). Motif : {a.reason} "
        f"({a.reference})."
    )
    return 0


def _compare(args) -> int:
    setup_django()
    from kalata.results.models import Proclamation
    from kalata.results.proclamation import compare

    rnd = _round(args.round)
    found = {
        p.kind: p for p in Proclamation.objects.filter(round=rnd, scope=(args.scope or "").strip())
    }
    if "final" not in found or "provisional" not in found:
        scopes = sorted(
            set(Proclamation.objects.filter(round=rnd).values_list("scope", flat=True)) - {""}
        )
        hint = f" (ressorts proclamés : {', '.join(scopes)} ; utilisez --scope)" if scopes else ""
        raise CliError(
            "les résultats provisoires et définitifs ne sont pas tous deux proclamés pour ce "
            f"tour{hint}"
        )
    comparison = compare(found["provisional"], found["final"])
    if args.json:
        print_json(comparison.as_dict())
    else:
        print("\n".join(comparison.lines_fr()))
    return 0


# --------------------------------------------------------------------------------------------
# Data in and out (kalata.formats): import, import-template, export


def _register_formats(rs) -> None:
    """``import``, ``import-template`` and ``export`` (see ``docs/formats.md``)."""
    im = rs.add_parser(
        "import",
        help="importe des procès-verbaux saisis dans un fichier CSV ou Excel (tout ou rien)",
    )
    im.add_argument("file", metavar="FICHIER", help="fichier .csv ou .xlsx")
    im.add_argument("--round", required=True, metavar="TOUR", help="code du tour")
    im.add_argument(
        "--user", required=True, metavar="UTILISATEUR", help="agent de saisie qui importe"
    )
    im.add_argument("--format", choices=("csv", "xlsx"), help="format (défaut : d'après le nom)")
    im.add_argument(
        "--dry-run", action="store_true", help="essai à blanc : tout vérifier, ne rien enregistrer"
    )
    im.add_argument("--json", action="store_true", help="sortie JSON")
    im.set_defaults(func=_import)

    tp = rs.add_parser(
        "import-template", help="modèle de fichier de saisie pour une circonscription d'un tour"
    )
    tp.add_argument("round", metavar="TOUR", help="code du tour")
    tp.add_argument("--contest", metavar="CODE", help="circonscription (si le tour en a plusieurs)")
    tp.add_argument(
        "--unit",
        metavar="CODE",
        help="bureaux d'une région, d'un cercle, d'une commune ou d'une mission seulement",
    )
    tp.add_argument("--format", choices=("csv", "xlsx"), default="csv", help="csv ou xlsx")
    tp.add_argument(
        "--optional", action="store_true", help="ajouter les colonnes facultatives du PV"
    )
    tp.add_argument("--output", metavar="FICHIER", help="fichier à écrire (défaut : sortie)")
    tp.set_defaults(func=_import_template)

    ex = rs.add_parser("export", help="exporte les résultats (NIST SP 1500-100 v2 JSON ou CSV)")
    ex.add_argument(
        "target", metavar="TOUR_OU_SCRUTIN", help="code d'un tour ou d'un scrutin (tous ses tours)"
    )
    ex.add_argument("--format", choices=("nist", "csv"), required=True, help="nist ou csv")
    ex.add_argument(
        "--level",
        choices=(*LEVEL_CHOICES, "all"),
        default="all",
        help="csv : niveau exporté (défaut : tous) ; nist : niveau le plus fin (défaut : bureau)",
    )
    ex.add_argument("--contest", metavar="CODE", help="csv : une seule circonscription")
    ex.add_argument("--output", metavar="FICHIER", help="fichier à écrire (défaut : sortie)")
    ex.add_argument(
        "--validate",
        action="store_true",
        help="nist : valider contre le schéma officiel (sortie 2 si invalide)",
    )
    ex.set_defaults(func=_export)


def _write_out(data: bytes, output: str | None) -> None:
    import sys

    if output:
        with open(output, "wb") as handle:
            handle.write(data)
        return
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def _import(args) -> int:
    setup_django()
    from kalata.formats.importer import import_minutes

    rnd = _round(args.round)
    user = _user(args.user)
    try:
        with open(args.file, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise CliError(f"fichier illisible : « {args.file} » ({exc.strerror})") from None
    import os

    report = import_minutes(
        rnd,
        data,
        user=user,
        filename=os.path.basename(args.file),
        fmt=args.format,
        dry_run=args.dry_run,
    )
    if args.json:
        print_json(report.as_dict())
        return 0 if report.ok else 2
    if not report.ok:
        raise CliError("\n".join(report.lines_fr()))
    print("\n".join(report.lines_fr()))
    return 0


def _import_template(args) -> int:
    setup_django()
    from kalata.formats.importer import import_template

    rnd = _round(args.round)
    data = import_template(
        rnd, args.contest, unit_code=args.unit, fmt=args.format, optional=args.optional
    )
    _write_out(data, args.output)
    return 0


def _export(args) -> int:
    setup_django()
    from kalata.elections.models import Election

    target = args.target
    if not Election.objects.filter(code=target).exists():
        target = _round(target)
    if args.format == "csv":
        from kalata.formats.csv_export import export_csv

        if args.validate:
            raise CliError("--validate ne s'applique qu'au format nist")
        level = "bureau" if args.level == "station" else args.level
        levels = None if level == "all" else [level]
        data = export_csv(target, levels, args.contest)
        _write_out(data, args.output)
        return 0
    from kalata.formats import nist

    if args.contest:
        raise CliError("--contest ne s'applique qu'au format csv")
    level = "station" if args.level == "all" else args.level
    report = nist.election_report(target, level=level)
    if args.validate:
        errors = nist.validate(report)
        if errors:
            shown = errors[:50]
            more = len(errors) - len(shown)
            text = "export NIST non valide :\n" + "\n".join(f"  - {e}" for e in shown)
            if more:
                text += f"\n  … et {more} autre(s)"
            raise CliError(text)
    _write_out(nist.dumps(report).encode("utf-8"), args.output)
    if args.output:
        checked = " ; conforme au schéma officiel" if args.validate else ""
        print(
            f"Export NIST SP 1500-100 v2 écrit dans {args.output} (état {report['Status']}"
            f"{checked})."
        )
    return 0
