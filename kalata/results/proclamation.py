"""Annulments by the Court or the judge, proclamations of results, provisional vs final.

Who proclaims what (the ``AUTHORITIES`` table, shown in every proclamation's steps):

* presidential, legislative, referendum — *provisional* results by the Minister in charge of
  territorial administration (Art. 17, 141, 149), *final* results by the Constitutional Court
  after its general count (Art. 142, 150; referendum: the minutes go to the Court, Art. 87, which
  proclaims under the Constitution, art. 86). One proclamation for the whole election
  (``scope`` empty).
* communal — the commission of centralisation of each cercle and of the District of Bamako
  "proclame et publie les résultats" (Art. 187): that is the *provisional* proclamation here, one
  per commission (``scope`` = cercle code, or the District's code ``D09``). The law proclaims
  nothing after it: the results become final when no request has been filed with the
  administrative tribunal within ten days of that publication, or, when one has, once the
  tribunal (and the Supreme Court on appeal, which is suspensive) has ruled (Art. 188). Reading
  chosen: the *final* proclamation of a communal scope records that moment; it is refused
  until the ten-day period of Art. 188 has run out (from the day after the publication, the
  request being receivable "au plus tard dix jours après"), and any annulment pronounced by the
  judge must be entered before it.

Order of the acts, enforced:

* a final proclamation needs the provisional one of the same scope, and nothing is proclaimed
  twice;
* annulments (Art. 142, 150, 188) are pronounced on contested results, after the provisional
  proclamation (the Court's general count and the judge's review follow the publication) and
  before the final one, which is definitive;
* while minutes are still pending (neither definitive nor annulled), a proclamation is refused
  unless explicitly forced; a forced proclamation says so in its snapshot and in the audit log.

Every act is audited in the same transaction: ``court.annulment`` for an annulment,
``results.proclaimed`` for a proclamation and for the round's new status.

How ``kalata audit verify`` sees them (``register_audit``): ``results.annulment`` is audited with
a serialisation that lists every sheet its target covers with its ``annulled`` flag — so a sheet
"un-annulled" behind the log's back changes the annulment's serialisation and is reported (the
sheet's own audited dossier, in ``kalata.results.entry``, leaves ``annulled`` out on purpose);
``results.proclamation`` is audited with all its columns (the snapshot included).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from kalata.audit.events import COURT_ANNULMENT, RESULTS_PROCLAIMED
from kalata.audit.registry import model_serializer, register_audited_model
from kalata.audit.services import head, record, snapshot
from kalata.elections.models import Contest, Election, PollingStation, Round
from kalata.law.explain import LawError, Step, fr_int, percent, round_half_up
from kalata.results.models import Annulment, Proclamation, TallySheet
from kalata.results.tabulation import ROLLUP_LEVELS, articles_for, tabulate
from kalata.territory.models import Cercle, Commune, Region

__all__ = [
    "AUTHORITIES",
    "register_audit",
    "serialize_annulment",
    "COMMUNAL_DISPUTE_DAYS",
    "annul",
    "proclaim",
    "compare",
    "Comparison",
    "communal_scopes",
]

PROVISIONAL = Proclamation.Kind.PROVISIONAL.value
FINAL = Proclamation.Kind.FINAL.value
COMMUNAL_DISPUTE_DAYS = 10  # Art. 188: request "au plus tard dix jours après la publication"
HEAD_READS = 3  # computations tried for a snapshot taken while the audit log stands still

AUTHORITIES: Mapping[str, Mapping[str, str]] = {
    Election.Kind.PRESIDENTIAL: {
        PROVISIONAL: "le ministre chargé de l'Administration territoriale",
        FINAL: "la Cour constitutionnelle",
        "judge": "la Cour constitutionnelle",
    },
    Election.Kind.LEGISLATIVE: {
        PROVISIONAL: "le ministre chargé de l'Administration territoriale",
        FINAL: "la Cour constitutionnelle",
        "judge": "la Cour constitutionnelle",
    },
    Election.Kind.REFERENDUM: {
        PROVISIONAL: "le ministre chargé de l'Administration territoriale",
        FINAL: "la Cour constitutionnelle",
        "judge": "la Cour constitutionnelle",
    },
    Election.Kind.COMMUNAL: {
        PROVISIONAL: "la commission de centralisation du cercle ou du District",
        FINAL: "la commission de centralisation, à l'expiration du délai de recours",
        "judge": "le tribunal administratif",
    },
}


def _authority(kind: str, what: str) -> str:
    table = AUTHORITIES.get(kind)
    if table is None:
        raise LawError(
            "proclamation_not_applicable",
            "ce type de scrutin n'est pas centralisé à partir de procès-verbaux de bureau de vote",
            ("155",),
        )
    return table[what]


# --------------------------------------------------------------------------------------------
# Scopes


def communal_scopes(round: Round) -> list[str]:
    """The proclamation scopes of a communal round: the cercles and the District whose communes
    have a contest (Art. 187)."""
    rows = (
        Contest.objects.filter(round=round, commune__isnull=False)
        .values_list("commune__cercle__code", "commune__region__code")
        .distinct()
    )
    return sorted({cercle or region for cercle, region in rows})


def _scopes(round: Round) -> list[str]:
    if round.election.kind == Election.Kind.COMMUNAL:
        return communal_scopes(round)
    return [""]


def _check_scope(round: Round, scope: str) -> str:
    scope = (scope or "").strip()
    kind = round.election.kind
    if kind != Election.Kind.COMMUNAL:
        if scope:
            raise LawError(
                "scope_not_applicable",
                "les résultats de ce scrutin sont proclamés pour l'ensemble de la "
                f"circonscription : pas de ressort « {scope} »",
                articles_for(kind, "provisional"),
                "scope",
            )
        return ""
    if not scope:
        raise LawError(
            "scope_required",
            "en élection communale, chaque commission de cercle ou du District proclame les "
            "résultats de son ressort : indiquez le code du cercle ou du District",
            ("187",),
            "scope",
        )
    is_cercle = Cercle.objects.filter(code=scope).exists()
    is_district = Region.objects.filter(code=scope, kind=Region.Kind.DISTRICT).exists()
    if not (is_cercle or is_district):
        raise LawError(
            "scope_unknown",
            f"« {scope} » n'est ni un cercle ni le District de Bamako",
            ("187",),
            "scope",
        )
    if scope not in communal_scopes(round):
        raise LawError(
            "scope_without_contest",
            f"aucune commune du ressort « {scope} » n'a d'élection dans ce tour",
            ("187",),
            "scope",
        )
    return scope


# --------------------------------------------------------------------------------------------
# Annulment (Art. 142, 150, 188)


def _resolve_target(round: Round, scope: str, target) -> tuple[dict, Q]:
    """The Annulment fields and the sheets filter of an annulment target (instance or code)."""
    if scope == Annulment.Scope.STATION:
        if not isinstance(target, PollingStation):
            found = PollingStation.objects.filter(election=round.election, code=target).first()
            if found is None:
                raise LawError(
                    "station_unknown", f"bureau de vote inconnu : « {target} »", (), "station"
                )
            target = found
        return {"station": target}, Q(station=target)
    if scope == Annulment.Scope.COMMUNE:
        if not isinstance(target, Commune):
            found = Commune.objects.filter(code=target).first()
            if found is None:
                raise LawError("commune_unknown", f"commune inconnue : « {target} »", (), "commune")
            target = found
        return {"commune": target}, Q(station__commune=target)
    if scope == Annulment.Scope.CONTEST:
        if not isinstance(target, Contest):
            found = Contest.objects.filter(round=round, code=target).first()
            if found is None:
                raise LawError(
                    "contest_unknown",
                    f"circonscription inconnue dans ce tour : « {target} »",
                    (),
                    "contest",
                )
            target = found
        return {"contest": target}, Q(contest=target)
    raise LawError(
        "annulment_scope",
        f"portée d'annulation inconnue : « {scope} » (bureau, commune ou circonscription)",
        (),
        "scope",
    )


def _covered_sheets(annulment: Annulment):
    """The sheets of the annulment's round that its target covers."""
    sheets = TallySheet.objects.filter(round_id=annulment.round_id)
    if annulment.scope == Annulment.Scope.STATION:
        return sheets.filter(station_id=annulment.station_id)
    if annulment.scope == Annulment.Scope.COMMUNE:
        return sheets.filter(station__commune_id=annulment.commune_id)
    return sheets.filter(contest_id=annulment.contest_id)


_annulment_columns = model_serializer()


def serialize_annulment(annulment: Annulment) -> dict:
    """Audited serialisation of an annulment: its columns and every sheet its target covers,
    with the ``annulled`` flag (all true once pronounced)."""
    out = _annulment_columns(annulment)
    covered = _covered_sheets(annulment).order_by("id").values_list("id", "annulled")
    out["sheets"] = [{"id": sid, "annulled": flag} for sid, flag in covered]
    return out


def register_audit() -> None:
    """Declare annulments and proclamations audited (for ``ResultsConfig.ready()``)."""
    register_audited_model("results.annulment", serialize_annulment)
    register_audited_model("results.proclamation", model_serializer())


def _sheet_scopes(round: Round, sheets) -> set[str]:
    """The proclamation scopes the given sheets belong to."""
    if round.election.kind != Election.Kind.COMMUNAL:
        return {""}
    rows = sheets.values_list("contest__commune__cercle__code", "contest__commune__region__code")
    return {cercle or region for cercle, region in rows.distinct()}


def annul(round: Round, scope: str, target, reason: str, reference: str, user) -> Annulment:
    """Annul a polling station, a commune or a whole constituency of ``round`` (Art. 150: the
    Court may annul results "totalement ou partiellement"; Art. 142 presidential; Art. 188 the
    administrative tribunal for communal elections).

    ``target`` is a ``PollingStation``, ``Commune`` or ``Contest`` or its code. The reason and
    the reference of the decision are mandatory. Every sheet of the round in the target is
    marked annulled (the returned annulment carries ``sheets_annulled``, their number); the
    recomputation leaves them out and shows the annulment. Audited
    (``court.annulment``, with every sheet the target covers) in one transaction.
    """
    kind = round.election.kind
    articles = articles_for(kind, "annulment")
    judge = _authority(kind, "judge")
    reason = (reason or "").strip()
    reference = (reference or "").strip()
    if not reason:
        raise LawError(
            "annulment_reason_required",
            "le motif de l'annulation est obligatoire : la décision doit dire pourquoi",
            articles,
            "reason",
        )
    if not reference:
        raise LawError(
            "annulment_reference_required",
            "la référence de la décision (numéro de l'arrêt ou du jugement) est obligatoire",
            articles,
            "reference",
        )
    fields, where = _resolve_target(round, scope, target)
    sheets = TallySheet.objects.filter(round=round).filter(where)
    if not sheets.exists():
        raise LawError(
            "annulment_without_sheet",
            "aucun procès-verbal de ce tour ne relève de la cible de l'annulation",
            articles,
            scope,
        )
    for sheet_scope in sorted(_sheet_scopes(round, sheets)):
        done = {
            p.kind for p in Proclamation.objects.filter(round=round, scope=sheet_scope).only("kind")
        }
        where_fr = f" (ressort {sheet_scope})" if sheet_scope else ""
        if FINAL in done:
            raise LawError(
                "annulment_after_final",
                f"les résultats définitifs sont déjà proclamés{where_fr} : ils ne peuvent plus "
                "être annulés",
                articles,
                scope,
            )
        if PROVISIONAL not in done:
            raise LawError(
                "annulment_before_provisional",
                f"{judge} statue sur des résultats publiés : les résultats provisoires ne sont "
                f"pas encore proclamés{where_fr}",
                articles,
                scope,
            )
    with transaction.atomic():
        to_annul = list(sheets.filter(annulled=False).select_for_update().order_by("id"))
        if not to_annul:
            raise LawError(
                "already_annulled",
                "tous les procès-verbaux visés sont déjà annulés",
                articles,
                scope,
            )
        annulment = Annulment.objects.create(
            round=round, scope=scope, reason=reason, reference=reference, by=user, **fields
        )
        TallySheet.objects.filter(id__in=[s.id for s in to_annul]).update(annulled=True)
        audit_reason = f"{reason} — {judge}, décision {reference}"
        record(
            COURT_ANNULMENT,
            user,
            annulment,
            None,
            serialize_annulment(annulment),
            reason=audit_reason,
        )
    annulment.sheets_annulled = len(to_annul)
    return annulment


# --------------------------------------------------------------------------------------------
# Proclamation (Art. 17, 141, 142, 149, 150, 187, 188)


def proclaim(
    round: Round,
    kind: str,
    user,
    scope: str = "",
    *,
    force: bool = False,
    now: datetime | None = None,
) -> Proclamation:
    """Proclaim the provisional or final results of ``round`` (Art. 141, 149: the Minister,
    provisional; Art. 142, 150: the Constitutional Court, final; Art. 187, 188: communal — see the
    module docstring).

    Stores a snapshot of the results (every level down to the commune) with the audit head it
    was computed at, audits it (``results.proclaimed``) and updates the round's status. Refused
    out of order, twice, or while minutes are pending unless ``force`` (then recorded as forced).
    """
    kind = str(kind)
    if kind not in (PROVISIONAL, FINAL):
        raise LawError(
            "proclamation_kind",
            f"nature de proclamation inconnue : « {kind} » (provisional ou final)",
            (),
            "kind",
        )
    election_kind = round.election.kind
    authority = _authority(election_kind, kind)
    articles = articles_for(election_kind, kind)
    scope = _check_scope(round, scope)
    now = now or timezone.now()
    where_fr = f" du ressort {scope}" if scope else ""

    existing = {p.kind: p for p in Proclamation.objects.filter(round=round, scope=scope)}
    if kind in existing:
        label = "provisoires" if kind == PROVISIONAL else "définitifs"
        raise LawError(
            "already_proclaimed",
            f"les résultats {label}{where_fr} sont déjà proclamés",
            articles,
            "kind",
        )
    if kind == PROVISIONAL and FINAL in existing:
        raise LawError(
            "provisional_after_final",
            f"les résultats définitifs{where_fr} sont déjà proclamés",
            articles,
            "kind",
        )
    steps: list[Step] = []
    if kind == FINAL:
        provisional = existing.get(PROVISIONAL)
        if provisional is None:
            raise LawError(
                "final_before_provisional",
                f"les résultats définitifs ne peuvent être proclamés avant les résultats "
                f"provisoires{where_fr}",
                articles,
                "kind",
            )
        if election_kind == Election.Kind.COMMUNAL:
            published = timezone.localdate(provisional.at)
            last_day = published + timedelta(days=COMMUNAL_DISPUTE_DAYS)
            if timezone.localdate(now) <= last_day:
                raise LawError(
                    "dispute_period_running",
                    f"les résultats{where_fr}, publiés le {published.strftime('%d/%m/%Y')}, "
                    "peuvent être contestés devant le tribunal administratif jusqu'au "
                    f"{last_day.strftime('%d/%m/%Y')} : ils ne deviennent définitifs qu'après",
                    ("188",),
                    "kind",
                )
            steps.append(
                Step(
                    f"Résultats publiés le {published.strftime('%d/%m/%Y')} par la commission de "
                    f"centralisation (art. 187) ; le délai de recours de dix jours a expiré le "
                    f"{last_day.strftime('%d/%m/%Y')}. Les résultats deviennent définitifs, "
                    "compte tenu des annulations prononcées par le juge, le cas échéant.",
                    ("187", "188"),
                )
            )

    # The snapshot holds at least every write logged up to ``audit_head`` (read before the
    # computation); when the log did not move during the computation it holds exactly those.
    for _attempt in range(HEAD_READS):
        chain_head = head()
        results = tabulate(round, scope=scope)
        head_exact = head() == chain_head
        if head_exact:
            break
    if not results.contests:
        raise LawError(
            "no_contest",
            "ce tour n'a aucune circonscription : il n'y a rien à proclamer",
            articles,
        )
    progress = results.progress
    pending = progress.sheets_pending
    if pending and not force:
        raise LawError(
            "sheets_pending",
            f"{fr_int(pending)} procès-verbal(aux) sur {fr_int(progress.sheets_expected)} "
            f"ne sont ni définitifs ni annulés{where_fr} : proclamation refusée (la forcer "
            "doit être explicite)",
            articles,
        )
    if results.warnings and not force:
        raise LawError(
            "results_unbalanced",
            "des totaux ne sont pas cohérents, proclamation refusée : "
            + " ".join(results.warnings),
            articles,
        )
    forced = bool((pending or results.warnings) and force)
    label = "provisoires" if kind == PROVISIONAL else "définitifs"
    steps.insert(
        0,
        Step(
            f"Résultats {label}{where_fr} proclamés par {authority}.",
            articles,
        ),
    )
    if kind == PROVISIONAL and election_kind != Election.Kind.COMMUNAL:
        delay = (timezone.localdate(now) - round.polling_date).days
        if delay > 5:
            steps.append(
                Step(
                    f"Proclamation intervenue {delay} jours après le scrutin, au-delà du délai "
                    "de cinq jours prévu par la loi.",
                    articles,
                )
            )
    for warning in results.warnings:
        steps.append(Step(f"Proclamation forcée malgré l'anomalie : {warning}", articles))
    if forced and pending:
        steps.append(
            Step(
                f"Proclamation forcée : {fr_int(pending)} procès-verbal(aux) sur "
                f"{fr_int(progress.sheets_expected)} n'étaient ni définitifs ni annulés.",
                articles_for(election_kind, "centralisation"),
            )
        )

    data = results.as_dict(ROLLUP_LEVELS)
    data["proclamation"] = {
        "kind": kind,
        "scope": scope,
        "authority": authority,
        "forced": forced,
        "pending_sheets": pending,
        "audit_seq": chain_head.seq,
        "audit_head_exact": head_exact,
        "steps": [s.as_dict() for s in steps],
    }
    reason = steps[-1].text if forced else ""
    try:
        with transaction.atomic():
            proclamation = Proclamation.objects.create(
                round=round,
                kind=kind,
                scope=scope,
                results=data,
                audit_head=chain_head.hash,
                by=user,
            )
            record(RESULTS_PROCLAIMED, user, proclamation, None, proclamation, reason=reason)
            new_status = _round_status(round)
            if new_status != round.status:
                before = snapshot(round)
                round.status = new_status
                round.save(update_fields=["status"])
                record(RESULTS_PROCLAIMED, user, round, before, round, reason=reason)
    except IntegrityError:  # proclaimed meanwhile by someone else (unique round/kind/scope)
        raise LawError(
            "already_proclaimed",
            f"les résultats{where_fr} viennent d'être proclamés par ailleurs",
            articles,
            "kind",
        ) from None
    return proclamation


def _round_status(round: Round) -> str:
    """Final when every scope has its final proclamation, provisional when every scope has its
    provisional one; otherwise unchanged (communal scopes proclaim one after the other)."""
    scopes = set(_scopes(round))
    done: dict[str, set[str]] = {PROVISIONAL: set(), FINAL: set()}
    for kind, scope in Proclamation.objects.filter(round=round).values_list("kind", "scope"):
        done[kind].add(scope)
    if scopes <= done[FINAL]:
        return Round.Status.FINAL
    if scopes <= done[PROVISIONAL]:
        return Round.Status.PROVISIONAL
    if round.status == Round.Status.SETUP:
        return Round.Status.COUNTING
    return round.status


# --------------------------------------------------------------------------------------------
# Provisional vs final


def _signed(value: Fraction) -> str:
    """A difference of percentage points, half-up, with its sign: '+0.31', '-1.20', '0.00'."""
    text = round_half_up(value)
    return "+" + text if value > 0 and text != "0.00" else text


def _decision_core(decision: Mapping[str, Any] | None) -> dict | None:
    """What was decided, without the explanation and the shares (they change with any vote)."""
    if decision is None:
        return None
    return {k: v for k, v in decision.items() if k not in ("steps", "shares")}


@dataclass(frozen=True)
class Comparison:
    """Provisional and final results side by side, with their differences (as published in
    2007: 70.89 % provisional, 71.20 % final)."""

    round: str
    scope: str
    contests: tuple[dict, ...]

    def as_dict(self) -> dict:
        return {"round": self.round, "scope": self.scope, "contests": list(self.contests)}

    def lines_fr(self) -> list[str]:
        out = [f"Tour {self.round}" + (f" — ressort {self.scope}" if self.scope else "")]
        for contest in self.contests:
            out.append(f"Circonscription {contest['code']} — {contest['name']}")
            nation = contest["levels"].get("nation", [])
            for unit in nation:
                out.append(
                    f"  Suffrages exprimés : {fr_int(unit['valid_votes']['provisional'])} "
                    f"(provisoires) → {fr_int(unit['valid_votes']['final'])} (définitifs), "
                    f"écart {_signed_int(unit['valid_votes']['difference'])}"
                )
                turnout = unit["turnout"]
                out.append(
                    f"  Participation : {_fr(turnout['provisional'])} % → "
                    f"{_fr(turnout['final'])} % ({_fr(turnout['difference'])} point)"
                )
                for code, sel in unit["selections"].items():
                    out.append(
                        f"  {code} : {fr_int(sel['votes_provisional'])} voix "
                        f"({_fr(sel['share_provisional'])} %) → {fr_int(sel['votes_final'])} "
                        f"voix ({_fr(sel['share_final'])} %) ; écart "
                        f"{_signed_int(sel['votes_difference'])} voix, "
                        f"{_fr(sel['share_difference'])} point"
                    )
            changed = sum(
                1
                for level, units in contest["levels"].items()
                if level != "nation"
                for unit in units
                if unit["changed"]
            )
            out.append(f"  Unités modifiées sous le niveau national : {changed}")
            for key in ("provisional", "final"):
                label = "provisoire" if key == "provisional" else "définitive"
                decision = contest["outcome"][key]
                if decision:
                    out.append(f"  Décision {label} : {_decision_fr(decision)}")
        return out


def _signed_int(n: int) -> str:
    return ("+" if n > 0 else "") + fr_int(n)


def _fr(decimal_text: str) -> str:
    return decimal_text.replace(".", ",")


def _decision_fr(decision: Mapping[str, Any]) -> str:
    if decision.get("elected"):
        return f"élu : {decision['elected']}"
    if decision.get("elected_list"):
        return f"liste élue : {decision['elected_list']}"
    if decision.get("second_round"):
        return "second tour entre " + " et ".join(decision["second_round"])
    if "adopted" in decision:
        return "texte adopté" if decision["adopted"] else "texte non adopté"
    if "seats" in decision:
        return ", ".join(f"{k} : {v} siège(s)" for k, v in decision["seats"].items())
    return "aucune"


def _results_of(p) -> dict:
    return p.results if isinstance(p, Proclamation) else p


def _compare_units(prov: Mapping, final: Mapping, selections: list[str]) -> dict:
    out: dict[str, Any] = {"code": final["code"], "name": final["name"], "kind": final["kind"]}
    changed = False
    for name in ("registered", "voters", "null_ballots", "valid_votes"):
        a, b = prov[name], final[name]
        out[name] = {"provisional": a, "final": b, "difference": b - a}
        changed |= a != b
    t_prov = percent(prov["voters"], prov["registered"])
    t_final = percent(final["voters"], final["registered"])
    out["turnout"] = {
        "provisional": round_half_up(t_prov),
        "final": round_half_up(t_final),
        "difference": _signed(t_final - t_prov),
    }
    sels = {}
    for code in selections:
        va, vb = prov["votes"].get(code, 0), final["votes"].get(code, 0)
        sa, sb = percent(va, prov["valid_votes"]), percent(vb, final["valid_votes"])
        sels[code] = {
            "votes_provisional": va,
            "votes_final": vb,
            "votes_difference": vb - va,
            "share_provisional": round_half_up(sa),
            "share_final": round_half_up(sb),
            "share_difference": _signed(sb - sa),
        }
        changed |= va != vb
    out["selections"] = sels
    out["annulments"] = [a for a in final.get("annulments", []) if a not in prov["annulments"]]
    out["changed"] = changed or bool(out["annulments"])
    return out


def compare(provisional, final) -> Comparison:
    """Provisional and final results side by side, per contest and unit, with the differences
    of every figure and, per selection, of votes and share points (Art. 141/149 provisional,
    Art. 142/150 final). Takes two ``Proclamation``s (or their ``results`` dicts)."""
    prov, fin = _results_of(provisional), _results_of(final)
    if prov.get("round") != fin.get("round"):
        raise LawError(
            "compare_rounds_differ",
            "les deux proclamations ne portent pas sur le même tour",
            (),
        )
    scope = fin.get("proclamation", {}).get("scope", "")
    prov_contests = {c["code"]: c for c in prov["contests"]}
    contests = []
    for contest in fin["contests"]:
        before = prov_contests.get(contest["code"])
        if before is None:
            continue
        codes = [s["code"] for s in contest["selections"]]
        levels = {}
        for level in ROLLUP_LEVELS:
            before_units = {u["code"]: u for u in before["levels"].get(level, [])}
            levels[level] = [
                _compare_units(before_units[u["code"]], u, codes)
                for u in contest["levels"].get(level, [])
                if u["code"] in before_units
            ]
        contests.append(
            {
                "code": contest["code"],
                "name": contest["name"],
                "levels": levels,
                "outcome": {
                    "provisional": before["outcome"]["decision"],
                    "final": contest["outcome"]["decision"],
                    "changed": _decision_core(before["outcome"]["decision"])
                    != _decision_core(contest["outcome"]["decision"]),
                },
            }
        )
    return Comparison(round=fin["round"], scope=scope, contests=tuple(contests))


# Registered on import too, so that any process that annuls or proclaims also verifies them;
# ``ResultsConfig.ready()`` should call ``register_audit()`` so that ``kalata audit verify``
# always does.
register_audit()
