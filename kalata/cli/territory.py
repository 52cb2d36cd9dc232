"""``kalata territory …``: load, build, stats, check, corrections, missions.

Text output is French; ``--json`` gives the machine form.
"""

from __future__ import annotations

from kalata.cli import CliError, print_json, setup_django
from kalata.law.explain import fr_int
from kalata.territory.checks import FIELD_FR

_CHECK_FR = {
    "councillors_band_mismatch": "conseillers hors barème",
    "councillors_not_in_scale": "nombre hors barème",
    "population_missing": "population inconnue",
    "population_not_numeric": "population illisible",
    "implausible_population": "population invraisemblable",
    "repeated_population": "population répétée",
    "uncertain_correction": "correction incertaine",
}


def register(sub) -> None:
    p = sub.add_parser("territory", help="le territoire : régions, cercles, communes, missions")
    tsub = p.add_subparsers(dest="territory_command", metavar="SOUS-COMMANDE")
    tsub.required = True

    q = tsub.add_parser("load", help="charge le territoire dans la base (après kalata migrate)")
    q.set_defaults(func=_load)

    q = tsub.add_parser("build", help="reconstruit territory.json (annexe + corrections)")
    q.add_argument("--check", action="store_true", help="vérifie seulement qu'il est à jour")
    q.set_defaults(func=_build)

    q = tsub.add_parser("stats", help="nombre de régions, cercles, communes, conseillers")
    q.add_argument("--json", action="store_true", help="sortie JSON")
    q.set_defaults(func=_stats)

    q = tsub.add_parser("check", help="contrôle de l'annexe par le barème des conseillers")
    q.add_argument("--json", action="store_true", help="sortie JSON")
    q.set_defaults(func=_check)

    q = tsub.add_parser("corrections", help="les corrections apportées à l'annexe publiée")
    q.add_argument("--json", action="store_true", help="sortie JSON")
    q.set_defaults(func=_corrections)

    q = tsub.add_parser("missions", help="ambassades et consulats (art. 23, 28)")
    q.add_argument("--json", action="store_true", help="sortie JSON")
    q.set_defaults(func=_missions)
    msub = q.add_subparsers(dest="missions_command", metavar="ACTION")
    a = msub.add_parser("add", help="ajoute une ambassade ou un consulat")
    a.add_argument("--code", required=True, help="ex. AMB-CI-ABIDJAN, CG-CI-BOUAKE")
    a.add_argument("--name", required=True, help="nom en français")
    a.add_argument("--kind", required=True, help="ambassade ou consulat")
    a.add_argument("--city", required=True, help="ville")
    a.add_argument("--country", required=True, help="pays, code ISO 3166 alpha-2 (ex. CI)")
    a.add_argument("--jurisdiction", default="", help="ressort (texte libre)")
    a.add_argument("--json", action="store_true", help="sortie JSON")
    a.set_defaults(func=_missions_add)


def _services():
    setup_django()
    from kalata.territory import services

    return services


def _guard(call):
    """Run a database read; a territory that is not loaded becomes a French CLI error."""
    services = _services()
    try:
        return call(services)
    except services.TerritoryNotLoaded as exc:
        raise CliError(exc.message) from None


def _load(args) -> int:
    services = _services()
    from django.db import DatabaseError

    try:
        counts = services.load_territory()
    except DatabaseError:
        raise CliError(services.NOT_MIGRATED_FR) from None
    print(
        f"Territoire chargé : {counts['regions']} régions, {counts['districts']} district, "
        f"{counts['cercles']} cercles, {counts['communes']} communes, "
        f"{counts['corrections']} corrections de l'annexe, {counts['missions']} missions "
        f"du fichier ({counts['missions_created']} ajoutées)."
    )
    print(
        f"Enregistrements : {counts['created']} créés, {counts['updated']} mis à jour, "
        f"{counts['unchanged']} inchangés."
    )
    return 0


def _build(args) -> int:
    from kalata.territory import build
    from kalata.territory.annex import TERRITORY_FILE, AnnexError
    from kalata.territory.geo import GeoMatchError

    try:
        if args.check:
            if build.is_current():
                print(f"{TERRITORY_FILE.name} est à jour.")
                return 0
            raise CliError(
                f"{TERRITORY_FILE.name} n'est pas à jour : lancez « kalata territory build ».",
                status=1,
            )
        territory = build.rebuild()
    except (AnnexError, GeoMatchError) as exc:
        raise CliError(f"annexe non comprise — {exc}") from None
    print(f"{TERRITORY_FILE.name} reconstruit : {build.summary_fr(territory)}")
    return 0


def _stats(args) -> int:
    stats = _guard(lambda s: s.territory_stats())
    if args.json:
        print_json(stats)
        return 0
    print("Territoire (annexe de l'arrêté n°03-1879/MATCL-SG) :")
    print(f"  Régions               {fr_int(stats['regions']):>12}")
    print(f"  District              {fr_int(stats['districts']):>12}")
    print(f"  Cercles               {fr_int(stats['cercles']):>12}")
    print(f"  Communes              {fr_int(stats['communes']):>12}")
    print(f"  Conseillers à élire   {fr_int(stats['councillors']):>12}")
    print(f"  Population            {fr_int(stats['population']):>12}")
    return 0


def _check(args) -> int:
    items = _guard(lambda s: s.territory_check())
    if args.json:
        print_json(items)
        return 0
    if not items:
        print("Aucun signalement : l'annexe concorde avec le barème.")
        return 0
    print(f"{len(items)} signalement(s) sur l'annexe (le texte publié est conservé) :")
    print(f"{'Code':<10} {'Commune':<24} {'Cercle':<20} {'Signalement':<28}")
    for it in items:
        label = _CHECK_FR.get(it["issue"], it["issue"])
        print(f"{it['code']:<10} {it['name'][:24]:<24} {it['cercle'][:20]:<20} {label:<28}")
        print(f"{'':<10} {it['detail']}")
    return 0


def _corrections(args) -> int:
    items = _guard(lambda s: s.list_corrections())
    if args.json:
        print_json(items)
        return 0
    print(f"{len(items)} correction(s) de l'annexe publiée :")
    for c in items:
        certainty = "certaine" if c["certainty"] == "certain" else "INCERTAINE"
        printed = f"« {c['printed']} »" if c["printed"] != "" else "(vide)"
        if c["corrected"] != "":
            corrected = f"« {c['corrected']} »"
        elif c["field"] == "row":
            corrected = "(ligne jointe à la précédente)"
        else:
            corrected = "(inconnu)"
        unit = f"{c['unit']} {c['commune']}" if c["commune"] else c["unit"]
        field = FIELD_FR.get(c["field"], c["field"])
        print(
            f"- ligne {c['line']} de l'annexe (ligne {c['seed_line']} du texte de la loi), "
            f"{unit} — {field} : {printed} → {corrected} [{certainty}]"
        )
        print(f"  {c['reason']}")
    return 0


def _missions(args) -> int:
    items = _guard(lambda s: s.list_missions())
    if args.json:
        print_json(items)
        return 0
    if not items:
        print("Aucune mission enregistrée.")
        return 0
    print(f"{len(items)} mission(s) diplomatique(s) tenant une liste électorale (art. 23, 28) :")
    for m in items:
        print(f"- {m['code']:<22} {m['kind']:<10} {m['city']} ({m['country']}) — {m['name']}")
    return 0


def _missions_add(args) -> int:
    services = _services()
    from django.db import DatabaseError

    try:
        mission = services.add_mission(
            code=args.code,
            name=args.name,
            kind=args.kind,
            city=args.city,
            country=args.country,
            jurisdiction=args.jurisdiction,
        )
    except DatabaseError:
        raise CliError(services.NOT_MIGRATED_FR) from None
    if args.json:
        print_json({"code": mission.code, "name": mission.name, "kind": mission.kind})
        return 0
    print(f"Mission ajoutée : {mission.code} — {mission.name}.")
    return 0
