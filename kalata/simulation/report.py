"""The report of a simulation: a JSON-ready dict (``build_report``) and its French text
(``lines_fr``). Results are read from the proclamations' snapshots (what was proclaimed), the
differences from ``kalata.results.proclamation.compare``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from kalata.law.calendar import fr_date
from kalata.law.explain import fr_int, percent, round_half_up
from kalata.simulation import scenario as sc

KIND_FR = {
    sc.PRESIDENTIAL: "élection présidentielle",
    sc.LEGISLATIVE: "élections législatives",
    sc.COMMUNAL: "élections communales",
    sc.REFERENDUM: "référendum",
}


def _national(snapshots: list[dict], kind: str) -> dict:
    """National figures from proclaimed snapshots (summed over contests and scopes)."""
    registered = voters = null = valid = 0
    votes: Counter = Counter()
    expected = definitive = annulled = 0
    for snap in snapshots:
        for contest in snap["contests"]:
            unit = contest["levels"]["nation"][0]
            registered += unit["registered"]
            voters += unit["voters"]
            null += unit["null_ballots"]
            valid += unit["valid_votes"]
            progress = unit["progress"]
            expected += progress["sheets_expected"]
            definitive += progress["sheets_definitive"]
            annulled += progress["sheets_annulled"]
            if kind in sc.NATIONAL_KINDS:
                votes.update(unit["votes"])
    out = {
        "sheets_expected": expected,
        "sheets_definitive": definitive,
        "sheets_annulled": annulled,
        "registered": registered,
        "voters": voters,
        "null_ballots": null,
        "valid_votes": valid,
        "turnout": round_half_up(percent(voters, registered)),
    }
    if kind in sc.NATIONAL_KINDS:
        out["votes"] = dict(votes)
        out["shares"] = {c: round_half_up(percent(v, valid)) for c, v in votes.items()}
    return out


def _selections(snapshots: list[dict]) -> dict[str, dict]:
    out = {}
    for snap in snapshots:
        for contest in snap["contests"]:
            for s in contest["selections"]:
                out.setdefault(f"{contest['code']}/{s['code']}", s)
    return out


def _outcome(final: list[dict], kind: str, round_number: int) -> dict:
    """The decisions of the final results: elected, second round, seats."""
    if kind in sc.NATIONAL_KINDS:
        contest = final[0]["contests"][0]
        decision = contest["outcome"]["decision"] or {}
        names = {s["code"]: s for s in contest["selections"]}
        out = {"decision": {k: v for k, v in decision.items() if k != "steps"}}
        if kind == sc.PRESIDENTIAL:
            elected = decision.get("elected")
            pair = decision.get("second_round")
            out["elected"] = _person(names.get(elected)) if elected else None
            out["second_round"] = [_person(names[c]) for c in pair] if pair else None
        else:
            out["adopted"] = decision.get("adopted")
        out["steps"] = [s["text"] for s in decision.get("steps", [])]
        out["error"] = (contest["outcome"].get("error") or {}).get("message")
        return out
    decided = second = unresolved = 0
    seats_by_party: Counter = Counter()
    elected_people = 0
    without = 0
    for snap in final:
        for contest in snap["contests"]:
            if not contest["levels"]["nation"][0]["progress"]["sheets_expected"]:
                without += 1  # no station simulated there (restricted territory)
                continue
            decision = contest["outcome"]["decision"]
            if decision is None:
                unresolved += 1
                continue
            parties = {
                s["code"]: s["party"] or "listes indépendantes" for s in contest["selections"]
            }
            if kind == sc.LEGISLATIVE:
                if decision.get("elected_list"):
                    decided += 1
                    seats_by_party[parties[decision["elected_list"]]] += contest["seats"]
                elif decision.get("second_round"):
                    second += 1
                else:
                    unresolved += 1
            else:
                for code, n in decision.get("seats", {}).items():
                    if n:
                        seats_by_party[parties[code]] += n
                elected_people += len(decision.get("elected", []))
                decided += 1
    out = {
        "contests": sum(len(s["contests"]) for s in final),
        "decided": decided,
        "seats_by_party": dict(seats_by_party.most_common()),
        "without_station": without,
    }
    if kind == sc.LEGISLATIVE:
        out["second_round"] = second
        out["undecided"] = unresolved
    else:
        out["elected"] = elected_people
    return out


def _person(selection: Mapping | None) -> dict | None:
    if selection is None:
        return None
    return {"code": selection["code"], "name": selection["name"], "party": selection["party"]}


def _regions(final: list[dict]) -> list[dict]:
    contest = final[0]["contests"][0]
    out = []
    for unit in contest["levels"].get("region", []):
        top = sorted(unit["votes"], key=lambda c: -unit["votes"][c])[:2]
        out.append(
            {
                "code": unit["code"],
                "name": unit["name"],
                "registered": unit["registered"],
                "turnout": unit["turnout"],
                "shares": {c: unit["shares"][c] for c in top},
            }
        )
    return out


def _nation_only(results: dict) -> dict:
    """A proclaimed snapshot reduced to its national level: what the report compares (the
    regions', cercles' and communes' differences are left to ``kalata results compare``)."""
    contests = [
        {**c, "levels": {"nation": c["levels"].get("nation", [])}} for c in results["contests"]
    ]
    return {**results, "contests": contests}


def _comparison(provisional: dict, final: dict, kind: str) -> dict:
    """Provisional vs final: national differences and decisions that changed."""
    from kalata.results.proclamation import compare

    changed_decisions = []
    by_selection: dict[str, dict] = {}
    for scope, prov in provisional.items():
        comparison = compare(_nation_only(prov), _nation_only(final[scope]))
        for contest in comparison.contests:
            if contest["outcome"]["changed"]:
                changed_decisions.append(contest["code"])
            if kind in sc.NATIONAL_KINDS:
                unit = contest["levels"]["nation"][0]
                by_selection = unit["selections"]
    return {"changed_decisions": changed_decisions, "selections": by_selection}


def _round_report(sim, run) -> dict:
    kind = sim.kind
    prov = run.report["provisional"]
    final = run.report["final"]
    if not isinstance(prov, dict):
        prov, final = {"": prov}, {"": final}
    prov_snaps = [p.results for p in prov.values()]
    final_snaps = [p.results for p in final.values()]
    counts = run.counts
    report = {
        "round": run.code,
        "number": run.number,
        "polling_date": prov_snaps[0]["polling_date"],
        "sheets": len(run.jobs),
        "entries": counts["entries"],
        "retyped_sheets": counts["retyped"],
        "late_sheets": counts["late"],
        "injected": dict(sorted(run.injected.items())),
        "resolved": counts["resolved"],
        "acknowledged_sheets": counts["acknowledged_sheets"],
        "acknowledged": dict(sorted(run.acknowledged.items())),
        "blocked_sheets": counts["blocked"],
        "blocked": dict(sorted(run.blocked.items())),
        "corrected": counts["corrected"],
        "discarded": counts["discarded"],
        "looks": run.looks,
        "provisional": _national(prov_snaps, kind),
        "final": _national(final_snaps, kind),
        "annulments": run.annulments,
        "court_corrections": run.court_corrections,
        "comparison": _comparison(
            {k: p.results for k, p in prov.items()},
            {k: p.results for k, p in final.items()},
            kind,
        ),
        "outcome": _outcome(final_snaps, kind, run.number),
        "audit_head_provisional": [p.audit_head for p in prov.values()][:1],
        "audit_head_final": [p.audit_head for p in final.values()][:1],
    }
    if kind in sc.NATIONAL_KINDS:
        report["selections"] = [_person(s) for s in final_snaps[0]["contests"][0]["selections"]]
        report["regions"] = _regions(final_snaps)
    return report


def build_report(sim, chain, verified, seconds: float, cpu_seconds: float = 0.0) -> dict:
    o = sim.o
    election = sim.election
    stations = sim.stations_created
    abroad = sum(n for code, (_, n) in stations.by_unit.items() if not code.startswith("CM"))
    abroad_stations = sum(
        s for code, (s, _) in stations.by_unit.items() if not code.startswith("CM")
    )
    clerks = sum(len(c.clerks) for c in sim.commissions.values())
    rounds = [_round_report(sim, run) for run in sim.rounds]
    where = []
    for run in sim.rounds:
        where.append(f"kalata results tabulate {run.code} --level region")
        where.append(f"kalata results compare {run.code}")
    where += [f"kalata election show {election.code}", "kalata audit verify"]
    return {
        "simulation": {
            "seed": o.seed,
            "runoff": o.runoff,
            "faults": o.faults,
            "regions": sim.regions_simulated or None,
            "names": "fictifs",
        },
        "election": {
            "code": election.code,
            "kind": election.kind,
            "kind_label": KIND_FR[election.kind],
            "title": election.title,
            "polling_date": election.polling_date.isoformat(),
        },
        "electorate": {
            "registered": stations.registered,
            "registered_abroad": abroad,
            "units": stations.units,
            "stations": stations.stations,
            "stations_abroad": abroad_stations,
        },
        "candidacies": {
            "contests": sim.contests,
            "selections": sim.selections,
            "list_members": sim.members,
        },
        "accounts": {
            "commissions": len(sim.commissions),
            "clerks": clerks,
            "presidents": len(sim.commissions),
            "judges": len(sim.courts),
            "ministry": 0 if election.kind == sc.COMMUNAL else 1,
            "administrator": sim.admin.get_username(),
        },
        "rounds": rounds,
        "timings": sim.timer.as_list(),
        "total_seconds": round(seconds, 3),
        "total_cpu_seconds": round(cpu_seconds, 3),
        "audit": {
            "events": chain.seq,
            "head": chain.hash,
            "verified": None if verified is None else verified["ok"],
            "verify_report": None if verified is None else verified["lines"],
        },
        "where": where,
    }


# --------------------------------------------------------------------------------------------
# French text


def _pct(text: str) -> str:
    return text.replace(".", ",") + " %"


def _signed(text: str) -> str:
    return text.replace(".", ",")


def _signed_int(n: int) -> str:
    return ("+" if n > 0 else "") + fr_int(n)


def _counts(counter: Mapping[str, int]) -> str:
    return ", ".join(f"{code} {fr_int(n)}" for code, n in counter.items()) or "aucun"


def lines_fr(report: dict) -> list[str]:
    e = report["election"]
    s = report["simulation"]
    el = report["electorate"]
    out = [
        f"SIMULATION — {e['title']} ({e['code']})",
        f"Graine {s['seed']}"
        + (f", territoire restreint à {', '.join(s['regions'])}" if s["regions"] else "")
        + (", scénario sans majorité au premier tour" if s["runoff"] else "")
        + ". Candidats et partis fictifs ; chiffres simulés (ordres de grandeur de 2002 et "
        "2007).",
        "",
        f"Électeurs inscrits : {fr_int(el['registered'])}"
        + (
            f" (dont {fr_int(el['registered_abroad'])} à l'étranger)"
            if el["registered_abroad"]
            else ""
        )
        + f" ; {fr_int(el['stations'])} bureaux de vote (un pour 700 électeurs ou fraction, "
        "art. 71)"
        + (
            f", dont {fr_int(el['stations_abroad'])} dans les ambassades et consulats"
            if el["stations_abroad"]
            else ""
        )
        + ".",
    ]
    c = report["candidacies"]
    line = (
        f"Candidatures : {fr_int(c['selections'])} dans {fr_int(c['contests'])} circonscription(s)"
    )
    if c["list_members"]:
        line += f", {fr_int(c['list_members'])} candidats sur les listes"
    out.append(line + ".")
    a = report["accounts"]
    judges = (
        "la Cour constitutionnelle"
        if e["kind"] != sc.COMMUNAL
        else f"{a['judges']} juges administratifs (un par région et le District)"
    )
    out.append(
        f"Comptes : {a['commissions']} commissions de centralisation ({a['clerks']} agents de "
        f"saisie, {a['presidents']} présidents)"
        + (", le Ministère" if a["ministry"] else "")
        + f", {judges} — créés par les services audités."
    )
    for r in report["rounds"]:
        out += [""] + _round_lines(r, e["kind"])
    out += ["", "Durées (écoulé / temps de calcul de ce processus) :"]
    for t in report["timings"]:
        out.append(f"  {t['phase']:<68} {t['seconds']:>8.2f} s {t['cpu_seconds']:>8.2f} s")
    out.append(
        f"  {'Total':<68} {report['total_seconds']:>8.2f} s {report['total_cpu_seconds']:>8.2f} s"
    )
    audit = report["audit"]
    out += [
        "",
        f"Journal d'audit : {fr_int(audit['events'])} événements ; tête de la chaîne : "
        f"{audit['head']}",
    ]
    if audit["verified"] is not None:
        out.append(
            "Vérification : "
            + (
                "journal intact."
                if audit["verified"]
                else "ANOMALIES — " + " ".join(audit["verify_report"])
            )
        )
    out += ["", "Pour consulter :"] + [f"  {w}" for w in report["where"]]
    return out


def _round_lines(r: dict, kind: str) -> list[str]:
    from datetime import date

    out = [f"TOUR {r['number']} ({r['round']}) — {fr_date(date.fromisoformat(r['polling_date']))}"]
    out.append(
        f"  Procès-verbaux : {fr_int(r['sheets'])} attendus ; {fr_int(r['entries'])} saisies "
        f"(deux par PV, quatre yeux) ; {fr_int(r['late_sheets'])} arrivés en retard ; "
        f"{fr_int(r['retyped_sheets'])} ressaisis."
    )
    injected = dict(r["injected"])
    typos = injected.pop("typo", 0)
    out.append(
        f"  Anomalies simulées : {fr_int(typos)} fautes de frappe d'un agent ; PV : "
        + ", ".join(f"{code} {fr_int(n)} ({sc.FAULT_LABELS[code]})" for code, n in injected.items())
        + "."
    )
    out.append(
        f"  Commission : {fr_int(r['resolved'])} écarts tranchés par le président ; "
        f"{fr_int(r['acknowledged_sheets'])} PV à avertissements validés avec motif "
        f"({_counts(r['acknowledged'])}) ; {fr_int(r['blocked_sheets'])} PV bloqués "
        f"({_counts(r['blocked'])}) : {fr_int(r['corrected'])} rectifiés par décision motivée, "
        f"{fr_int(r['discarded'])} saisies écartées puis PV ressaisis."
    )
    for look in r["looks"]:
        line = (
            f"  Résultats partiels ({look['label']}) : {_pct(look['counted_percent'])} des PV, "
            f"participation {_pct(look['turnout'])}"
        )
        if "shares" in look:
            top = sorted(look["shares"], key=lambda c: -look["votes"][c])[:2]
            line += " ; " + ", ".join(f"{c} {_pct(look['shares'][c])}" for c in top)
        out.append(line + ".")
    prov, fin = r["provisional"], r["final"]
    out.append(
        f"  Résultats provisoires : {fr_int(prov['voters'])} votants sur "
        f"{fr_int(prov['registered'])} inscrits ({_pct(prov['turnout'])}), "
        f"{fr_int(prov['null_ballots'])} nuls, {fr_int(prov['valid_votes'])} exprimés."
    )
    for a in r["annulments"]:
        out.append(f"  Annulation du bureau {a['station']} ({a['reference']}) : {a['reason']}")
    for c in r["court_corrections"]:
        out.append(f"  Rectification du PV {c['station']} ({c['reference']}) : {c['reason']}")
    out.append(
        f"  Résultats définitifs : {fr_int(fin['voters'])} votants sur "
        f"{fr_int(fin['registered'])} inscrits ({_pct(fin['turnout'])}), "
        f"{fr_int(fin['null_ballots'])} nuls, {fr_int(fin['valid_votes'])} exprimés ; "
        f"{fr_int(fin['sheets_annulled'])} PV annulés."
    )
    if kind in sc.NATIONAL_KINDS:
        names = {s["code"]: s for s in r["selections"]}
        out.append("  Voix (provisoires → définitives) :")
        sels = r["comparison"]["selections"]
        for code in sorted(sels, key=lambda c: -sels[c]["votes_final"]):
            d = sels[code]
            who = f"{code} {names[code]['name']}" if kind == sc.PRESIDENTIAL else code
            out.append(
                f"    {who:<32} {fr_int(d['votes_provisional']):>11} "
                f"({_pct(d['share_provisional'])}) → {fr_int(d['votes_final']):>11} "
                f"({_pct(d['share_final'])}) ; écart {_signed_int(d['votes_difference'])} voix, "
                f"{_signed(d['share_difference'])} point"
            )
        out.append("  Par région (définitifs) :")
        for reg in r["regions"]:
            shares = ", ".join(f"{c} {_pct(v)}" for c, v in reg["shares"].items())
            out.append(f"    {reg['name']:<32} participation {_pct(reg['turnout']):>8} ; {shares}")
    o = r["outcome"]
    if kind == sc.PRESIDENTIAL:
        if o["elected"]:
            p = o["elected"]
            out.append(f"  Élu : {p['name']} ({p['code']}, {p['party']}).")
        elif o["second_round"]:
            a, b = o["second_round"]
            out.append(
                f"  Aucun candidat n'a la majorité absolue : second tour entre {a['name']} "
                f"({a['code']}) et {b['name']} ({b['code']}) (art. 127)."
            )
        if o.get("error"):
            out.append(f"  Décision impossible : {o['error']}")
    elif kind == sc.REFERENDUM:
        out.append("  Le texte est " + ("adopté." if o["adopted"] else "rejeté."))
    elif kind == sc.LEGISLATIVE:
        out.append(
            f"  Circonscriptions : {fr_int(o['decided'])} pourvues à ce tour, "
            f"{fr_int(o['second_round'])} renvoyées au second tour, {fr_int(o['undecided'])} "
            "non décidées"
            + (
                f" ({fr_int(o['without_station'])} sans bureau simulé)"
                if o["without_station"]
                else ""
            )
            + "."
        )
        if o["seats_by_party"]:
            out.append("  Sièges pourvus : " + _seats(o["seats_by_party"]) + ".")
    else:
        out.append(
            f"  {fr_int(o['elected'])} conseillers élus dans {fr_int(o['decided'])} communes"
            + (
                f" ({fr_int(o['without_station'])} communes sans bureau simulé)"
                if o["without_station"]
                else ""
            )
            + "."
        )
        out.append("  Sièges : " + _seats(o["seats_by_party"]) + ".")
    changed = r["comparison"]["changed_decisions"]
    if changed:
        out.append(
            "  Décisions modifiées entre provisoires et définitifs : " + ", ".join(changed[:10])
        )
    return out


def _seats(by_party: Mapping[str, int]) -> str:
    return ", ".join(f"{party} {n}" for party, n in by_party.items())


def existing_lines(election) -> list[str]:
    """What an election already in the database shows: per round, its proclaimed provisional
    and final national results and the decision (``kalata demo`` run a second time)."""
    from kalata.results.models import Proclamation

    kind = election.kind
    out = [f"{election.title} ({election.code})"]
    for round_ in election.rounds.order_by("number"):
        by_kind: dict[str, list[dict]] = {"provisional": [], "final": []}
        for p in Proclamation.objects.filter(round=round_).order_by("scope"):
            by_kind[p.kind].append(p.results)
        out.append(
            f"TOUR {round_.number} ({round_.code}) — {fr_date(round_.polling_date)} : "
            f"{round_.get_status_display()}"
        )
        for key, label in (("provisional", "provisoires"), ("final", "définitifs")):
            if not by_kind[key]:
                continue
            n = _national(by_kind[key], kind)
            line = (
                f"  Résultats {label} : {fr_int(n['voters'])} votants sur "
                f"{fr_int(n['registered'])} inscrits ({_pct(n['turnout'])}), "
                f"{fr_int(n['valid_votes'])} exprimés"
            )
            if "shares" in n:
                top = sorted(n["votes"], key=lambda c: -n["votes"][c])[:3]
                line += " ; " + ", ".join(f"{c} {_pct(n['shares'][c])}" for c in top)
            out.append(line + ".")
        if by_kind["final"]:
            o = _outcome(by_kind["final"], kind, round_.number)
            if o.get("elected"):
                p = o["elected"]
                out.append(f"  Élu : {p['name']} ({p['code']}, {p['party']}).")
            elif o.get("second_round"):
                a, b = o["second_round"]
                out.append(f"  Second tour entre {a['name']} et {b['name']} (art. 127).")
            elif "adopted" in o:
                out.append("  Le texte est " + ("adopté." if o["adopted"] else "rejeté."))
            elif o.get("seats_by_party"):
                out.append("  Sièges : " + _seats(o["seats_by_party"]) + ".")
    return out
