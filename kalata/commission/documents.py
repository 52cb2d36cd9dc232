"""The summary minutes of a centralisation commission (procès-verbal récapitulatif), on screen
and as an official PDF made with Typst.

The law: the commission of the District, of each cercle, embassy or consulate "totalise dès la
clôture du scrutin et au fur et à mesure de l'arrivée des procès-verbaux, les résultats du
scrutin" and sends the Minister "le procès-verbal récapitulatif totalisant les résultats du
scrutin signé par les membres de la commission" (Art. 141 presidential; Art. 149 legislative).
For communal elections it centralises, counts, proclaims and publishes (Art. 187); for national
councillors the regional commission (Art. 174). The commission is presided by the State's
representative (the ambassador or consul abroad, the Haut Commissaire for Art. 174) and
comprises the representatives of the candidates, parties or lists in the race.

``summary_data(round, area)`` computes the document's content from ``tabulate`` (the definitive,
non-annulled minutes only) as plain JSON-able values; ``render_summary_pdf(data)`` compiles the
Typst template ``templates/commission/recapitulatif.typ`` with the data passed as JSON
(``sys.inputs``), so no text from the database is ever interpreted as Typst markup.

Reading of the law for the signatures block: Art. 141 and 149 require the summary minutes to be
signed by the members of the commission but say nothing of a member who refuses; Art. 87 says,
for the station's minutes, that a refusal to sign is mentioned in the minutes. The document
applies Art. 87 by analogy: each member's line has room for the mention of a refusal and its
reason, so that the minutes can be sent "sans délai" (Art. 141) even when a member refuses.
"""

from __future__ import annotations

from pathlib import Path

from django.utils import timezone

from kalata.accounts.permissions import COMMISSION_ARTICLES
from kalata.audit.services import head
from kalata.commission.models import Observation
from kalata.commission.services import CommissionArea
from kalata.elections.models import Election, Round
from kalata.law.explain import fr_date, fr_int, fr_percent
from kalata.results.models import TallySheet
from kalata.results.tabulation import CERCLE, COMMUNE, REGION, tabulate

# Beside the HTML templates, so that it ships with the package (``**/templates/**/*``).
TEMPLATE = Path(__file__).with_name("templates") / "commission" / "recapitulatif.typ"

REPUBLIC = "République du Mali"
MOTTO = "Un Peuple – Un But – Une Foi"
LAW = (
    "loi n°02-007 du 12 février 2002 portant loi électorale, modifiée par la loi n°04-012 du "
    "30 janvier 2004"
)


#: Who sits beside the president, in the words of each article.
MEMBERS = {
    Election.Kind.PRESIDENTIAL: "les représentants des candidats en lice (art. 141)",
    Election.Kind.REFERENDUM: "les représentants des partis et groupements en lice (art. 17, 141)",
    Election.Kind.LEGISLATIVE: (
        "les représentants des partis politiques et des candidats en lice (art. 149)"
    ),
    Election.Kind.COMMUNAL: (
        "les représentants des partis politiques et des listes de candidats en lice (art. 187)"
    ),
    Election.Kind.NATIONAL_COUNCILLORS: (
        "les représentants des partis, groupements de partis politiques et des listes"
        " indépendantes en lice (art. 174)"
    ),
}

STATUS_GROUPS = (
    ("definitive", "Procès-verbaux définitifs (comptés)"),
    ("processing", "Procès-verbaux reçus, en cours de traitement (non comptés)"),
    ("missing", "Procès-verbaux non parvenus"),
    ("annulled", "Procès-verbaux annulés (non comptés)"),
)


def _unit(contest, area: CommissionArea):
    levels = (REGION,) if area.kind == "region" else (CERCLE,)
    for level in levels:
        for unit in contest.units.get(level, ()):
            if unit.code == area.code:
                return unit
    return None


def _figures(unit) -> dict:
    return {
        "registered": fr_int(unit.registered),
        "voters": fr_int(unit.voters),
        "null_ballots": fr_int(unit.null_ballots),
        "valid_votes": fr_int(unit.valid_votes),
        "turnout": fr_percent(unit.turnout),
    }


def summary_data(round_: Round, area: CommissionArea, *, now=None) -> dict:
    """The content of the summary minutes of ``area`` for ``round_`` (plain values, French)."""
    election = round_.election
    kind = election.kind
    sheets = TallySheet.objects.filter(round=round_).filter(area.stations_q())
    contest_codes = sorted(set(sheets.values_list("contest__code", flat=True)))
    scope = area.code if kind == Election.Kind.COMMUNAL and area.kind != "mission" else ""
    results = tabulate(round_, scope=scope, contest_codes=contest_codes)
    # The communes (or the mission) of the area: commune-level units are listed by these codes.
    unit_codes = {
        c or m
        for c, m in sheets.values_list("station__commune__code", "station__mission__code")
        .order_by()
        .distinct()
    }

    contests = []
    members: list[str] = []
    for contest in results.contests:
        unit = _unit(contest, area)
        selections = []
        for sel in contest.selections:
            votes = unit.votes.get(sel.code, 0) if unit else 0
            share = unit.shares.get(sel.code) if unit else None
            selections.append(
                {
                    "order": sel.order,
                    "code": sel.code,
                    "name": sel.name,
                    "party": sel.party,
                    "votes": fr_int(votes),
                    "share": fr_percent(share) if share is not None else "—",
                    "withdrawn": sel.withdrawn,
                }
            )
            who = sel.name + (f" ({sel.party})" if sel.party else "")
            if who not in members and not sel.withdrawn:
                members.append(who)
        communes = []
        for u in contest.units.get(COMMUNE, ()):
            if u.code not in unit_codes:
                continue
            communes.append(
                {
                    "code": u.code,
                    "name": u.name,
                    **_figures(u),
                    "votes": [fr_int(u.votes.get(s.code, 0)) for s in contest.selections],
                    "progress": f"{fr_int(u.progress.sheets_definitive)}/"
                    f"{fr_int(u.progress.sheets_expected)}",
                }
            )
        progress = unit.progress if unit else None
        contests.append(
            {
                "code": contest.code,
                "name": contest.name,
                "seats": contest.seats,
                "selections": selections,
                "communes": communes,
                "totals": _figures(unit) if unit else None,
                "total_votes": [
                    fr_int(unit.votes.get(s.code, 0) if unit else 0) for s in contest.selections
                ],
                "progress": progress.describe_fr() if progress else "Aucun procès-verbal.",
                "complete": bool(progress and progress.complete),
            }
        )

    groups: dict[str, list[dict]] = {key: [] for key, _ in STATUS_GROUPS}
    rows = sheets.order_by("station__code", "contest__code").values_list(
        "station__code",
        "station__name",
        "station__commune__name",
        "station__mission__name",
        "contest__code",
        "status",
        "annulled",
    )
    labels = dict(TallySheet.Status.choices)
    for code, name, commune, mission, contest_code, status, annulled in rows:
        if annulled:
            key = "annulled"
        elif status == TallySheet.Status.DEFINITIVE:
            key = "definitive"
        elif status == TallySheet.Status.EXPECTED:
            key = "missing"
        else:
            key = "processing"
        groups[key].append(
            {
                "station": code,
                "name": name or "",
                "place": commune or mission or "",
                "contest": contest_code,
                "status": labels.get(status, status),
            }
        )

    observations = [
        {
            "text": o.text,
            "by": o.by.get_username(),
            "at": timezone.localtime(o.at).strftime("%d/%m/%Y %H:%M"),
            "station": o.sheet.station.code if o.sheet_id else "",
        }
        for o in Observation.objects.filter(round=round_)
        .filter(_observation_q(area))
        .select_related("by", "sheet__station")
        .order_by("at", "id")
    ]

    now = timezone.localtime(now or timezone.now())
    audit = head()
    articles = list(COMMISSION_ARTICLES.get(kind, ("141",)))
    return {
        "republic": REPUBLIC,
        "motto": MOTTO,
        "law": LAW,
        "authority": "Ministère de l'Administration territoriale et des Collectivités locales",
        "commission": area.commission_label,
        "area": {"code": area.code, "kind": area.kind, "label": area.label},
        "president_title": area.president_title(kind),
        "commission_lc": _lower_first(area.commission_label),
        "president_lc": _lower_first(area.president_title(kind).removesuffix(", président")),
        "members_text": MEMBERS.get(kind, MEMBERS[Election.Kind.PRESIDENTIAL]),
        "members": members,
        "articles": articles,
        "articles_text": ", ".join(articles),
        "election": {
            "code": election.code,
            "title": election.title,
            "kind": election.get_kind_display(),
        },
        "round": {
            "code": round_.code,
            "number": round_.number,
            "label": "premier tour" if round_.number == 1 else "second tour",
            "date": fr_date(round_.polling_date),
        },
        "contests": contests,
        "groups": [
            {"key": key, "title": title, "count": len(groups[key]), "sheets": groups[key]}
            for key, title in STATUS_GROUPS
        ],
        "sheets_total": sum(len(v) for v in groups.values()),
        "observations": observations,
        "audit": {"seq": audit.seq, "hash": audit.hash},
        "generated_at": now.strftime("%d/%m/%Y à %H:%M"),
        "generated_iso": now.isoformat(timespec="seconds"),
        "place": area.name,
    }


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _observation_q(area: CommissionArea):
    from django.db.models import Q

    return Q(unit_code=area.code) | Q(
        sheet__isnull=False, **{f"sheet__{k}": v for k, v in _q_kwargs(area).items()}
    )


def _q_kwargs(area: CommissionArea) -> dict:
    if area.kind == "mission":
        return {"station__mission_id": area.unit.pk}
    if area.kind == "cercle":
        return {"station__commune__cercle_id": area.unit.pk}
    return {"station__commune__region_id": area.unit.pk}


def render_summary_pdf(data: dict) -> bytes:
    """Compile the summary minutes with Typst; return the PDF bytes."""
    import json

    import typst

    return typst.compile(
        TEMPLATE.read_bytes(),
        format="pdf",
        sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
    )


def typst_source() -> str:
    """The Typst template (for inspection and tests)."""
    return TEMPLATE.read_text(encoding="utf-8")
