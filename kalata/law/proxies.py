"""Voting by proxy (procuration, Art. 93–100).

- Art. 93: who may vote by proxy, on request: electors whom duly established obligations keep
  away from their place of registration on polling day; and, wherever they are, the sick, women
  in childbirth, the infirm or incurable; the grands invalides; persons in pre-trial detention and
  detainees serving a sentence that does not entail electoral incapacity.
- Art. 94: the holder (mandataire) enjoys his electoral rights and is on the same voter list as
  the grantor (mandant).
- Art. 95: the proxy is legalised by the competent authorities.
- Art. 96: a holder may use at most two proxies; if more are drawn up, the first two drawn up are
  the only valid ones, the others are null by law.
- Art. 98: the grantor may cancel his proxy at any time before the vote, and may vote in person if
  he comes before the holder has used it.
- Art. 99: the proxy is void by law on the grantor's death or deprivation of civic and political
  rights.
- Art. 100: a proxy is valid for one election only.

Reading of Art. 96 made here: the "first two drawn up" are counted among every proxy drawn up for
the same holder and the same election, in the order of their drawing up, whatever their other
defects and even if later cancelled. The text counts proxies "dressées", not valid ones; the
nullity is "de plein droit", fixed when the third proxy is drawn up, so a later cancellation
does not revive it; and the polling station can apply the rule from the dates on the documents
without judging the other proxies. Two proxies drawn up at the same moment whose order decides
which are among the first two are reported as a tie, not decided.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from kalata.law.eligibility import Eligibility, Reason, Reasoned
from kalata.law.explain import LawError

MAX_PROXIES_PER_HOLDER = 2  # Art. 96


class ProxyGround(StrEnum):
    """The grounds of Art. 93."""

    OBLIGATIONS = "obligations"  # duly established obligations keep him away on polling day
    ILLNESS = "illness"  # malades, femmes en couche, infirmes ou incurables
    GRAND_INVALIDE = "grand_invalide"
    DETENTION = "detention"  # pre-trial detention, or serving a sentence without incapacity


GROUND_LABELS: dict[ProxyGround, str] = {
    ProxyGround.OBLIGATIONS: (
        "des obligations dûment constatées le placent dans l'impossibilité d'être présent dans "
        "son lieu d'inscription le jour du scrutin"
    ),
    ProxyGround.ILLNESS: "malade, femme en couche, infirme ou incurable",
    ProxyGround.GRAND_INVALIDE: "grand invalide",
    ProxyGround.DETENTION: (
        "placé en détention provisoire ou détenu purgeant une peine n'entraînant pas "
        "d'incapacité électorale"
    ),
}


@dataclass(frozen=True)
class ProxyParty:
    """The grantor or the holder of a proxy, as known on polling day.

    ``voter_list``: code of the list he is registered on. ``electoral_rights``: enjoys his
    electoral rights (Art. 94). ``deceased`` and ``civic_rights_lost`` (Art. 99).
    """

    elector_id: str
    voter_list: str | None
    electoral_rights: bool = True
    deceased: bool = False
    civic_rights_lost: bool = False


@dataclass(frozen=True)
class Proxy:
    """A proxy as drawn up, and what happened to it.

    ``drawn_up_at``: when it was drawn up (Art. 96 order; when only the day is known, pass
    midnight for every proxy of that day — equal moments are reported as ties). ``ground`` and
    ``ground_established``: the Art. 93 category and whether it is established (the obligations
    "dûment constatées", the illness or detention attested). ``sentence_entails_incapacity``: for
    a detainee, the sentence he serves entails electoral incapacity. ``legalised`` (Art. 95).
    ``cancelled``: cancelled by the grantor before the vote (Art. 98). ``grantor_voted_in_person``:
    the grantor came and voted before the holder used it (Art. 98 al. 2).
    """

    code: str
    grantor: ProxyParty
    holder: ProxyParty
    election: str
    drawn_up_at: datetime
    ground: ProxyGround | None
    ground_established: bool = True
    sentence_entails_incapacity: bool = False
    legalised: bool = False
    cancelled: bool = False
    grantor_voted_in_person: bool = False

    def __post_init__(self) -> None:
        if self.ground is not None:
            object.__setattr__(self, "ground", ProxyGround(self.ground))
        if not isinstance(self.drawn_up_at, datetime):
            raise LawError(
                code="drawn_up_at_not_datetime",
                message="La date et l'heure d'établissement de la procuration sont requises.",
                articles=("96",),
                field="drawn_up_at",
            )


@dataclass(frozen=True)
class ProxyDecision(Reasoned):
    """Whether a proxy may be used at an election, with the reasons.

    ``valid``: ``True``, ``False``, or ``None`` when only an Art. 96 tie (two proxies drawn up at
    the same moment straddling the limit of two) stands in the way — reported, not decided.
    ``rank``: 1-based position among the holder's proxies for the election, by drawing up (the
    first of a tied group), ``None`` for a proxy of another election.
    """

    proxy: str
    valid: bool | None
    reasons: tuple[Reason, ...]
    rank: int | None = None
    tie: bool = False

    def as_dict(self) -> dict:
        return {
            "proxy": self.proxy,
            "valid": self.valid,
            "rank": self.rank,
            "tie": self.tie,
            "reasons": [r.as_dict() for r in self.reasons],
        }


def _own_reasons(proxy: Proxy, election: str) -> list[Reason]:
    """Everything about one proxy except the Art. 96 order."""
    reasons: list[Reason] = []
    g, h = proxy.grantor, proxy.holder

    # Art. 93 — who may vote by proxy.
    if not g.electoral_rights:
        reasons.append(
            Reason(
                "grantor_not_elector",
                "Le mandant ne jouit pas de ses droits électoraux : seul un électeur peut voter "
                "par procuration.",
                ("93",),
                True,
            )
        )
    if proxy.ground is None:
        reasons.append(
            Reason(
                "no_ground",
                "Le mandant ne relève d'aucune des catégories admises au vote par procuration.",
                ("93",),
                True,
            )
        )
    elif not proxy.ground_established:
        what = (
            "Les obligations invoquées ne sont pas dûment constatées"
            if proxy.ground is ProxyGround.OBLIGATIONS
            else f"La qualité invoquée ({GROUND_LABELS[proxy.ground]}) n'est pas établie"
        )
        reasons.append(Reason("ground_not_established", f"{what}.", ("93",), True))
    elif proxy.ground is ProxyGround.DETENTION and proxy.sentence_entails_incapacity:
        reasons.append(
            Reason(
                "detention_with_incapacity",
                "Le mandant purge une peine entraînant l'incapacité électorale : il ne peut pas "
                "voter, ni par procuration.",
                ("93",),
                True,
            )
        )
    else:
        reasons.append(
            Reason(
                "ground_ok",
                f"Motif admis : {GROUND_LABELS[proxy.ground]}.",
                ("93",),
            )
        )

    # Art. 94 — the holder.
    if h.elector_id == g.elector_id:
        reasons.append(
            Reason("holder_is_grantor", "Le mandataire est le mandant lui-même.", ("94",), True)
        )
    if not h.electoral_rights or h.deceased:
        reasons.append(
            Reason(
                "holder_no_electoral_rights",
                "Le mandataire ne jouit pas de ses droits électoraux.",
                ("94",),
                True,
            )
        )
    if h.voter_list is None or h.voter_list != g.voter_list:
        on = f"« {h.voter_list} »" if h.voter_list else "aucune liste"
        reasons.append(
            Reason(
                "holder_other_list",
                f"Le mandataire est inscrit sur {on}, le mandant sur « {g.voter_list} » : ils "
                "doivent être inscrits sur la même liste électorale.",
                ("94",),
                True,
            )
        )
    elif h.electoral_rights and not h.deceased and h.elector_id != g.elector_id:
        reasons.append(
            Reason(
                "holder_ok",
                f"Le mandataire jouit de ses droits électoraux et est inscrit sur la même liste "
                f"« {g.voter_list} » que le mandant.",
                ("94",),
            )
        )

    # Art. 95 — legalisation.
    if proxy.legalised:
        reasons.append(
            Reason("legalised", "Procuration légalisée par l'autorité compétente.", ("95",))
        )
    else:
        reasons.append(
            Reason(
                "not_legalised",
                "La procuration n'est pas légalisée par l'autorité compétente.",
                ("95",),
                True,
            )
        )

    # Art. 98 — cancellation; the grantor voting in person.
    if proxy.cancelled:
        reasons.append(
            Reason(
                "cancelled",
                "Le mandant a annulé sa procuration avant le vote.",
                ("98",),
                True,
            )
        )
    if proxy.grantor_voted_in_person:
        reasons.append(
            Reason(
                "grantor_voted_in_person",
                "Le mandant a voté personnellement avant que le mandataire n'exerce ses "
                "pouvoirs : la procuration ne peut plus servir.",
                ("98",),
                True,
            )
        )

    # Art. 99 — death or loss of civic rights of the grantor.
    if g.deceased:
        reasons.append(
            Reason(
                "grantor_deceased",
                "Le mandant est décédé : la procuration est annulée de plein droit.",
                ("99",),
                True,
            )
        )
    if g.civic_rights_lost:
        reasons.append(
            Reason(
                "grantor_civic_rights_lost",
                "Le mandant est privé de ses droits civiques et politiques : la procuration est "
                "annulée de plein droit.",
                ("99",),
                True,
            )
        )

    # Art. 100 — one election only.
    if proxy.election == election:
        reasons.append(
            Reason(
                "this_election",
                f"Procuration établie pour ce scrutin (« {election} »).",
                ("100",),
            )
        )
    else:
        reasons.append(
            Reason(
                "other_election",
                f"Procuration établie pour le scrutin « {proxy.election} » : elle n'est valable "
                f"que pour un seul scrutin, pas pour « {election} ».",
                ("100",),
                True,
            )
        )
    return reasons


def _ranks(proxies: list[Proxy], election: str) -> dict[str, tuple[int, bool, Reason]]:
    """Art. 96 order of each proxy of ``election``: rank, tie, and the reason to give."""
    by_holder: dict[str, list[Proxy]] = defaultdict(list)
    for p in proxies:
        if p.election == election:
            by_holder[p.holder.elector_id].append(p)
    out: dict[str, tuple[int, bool, Reason]] = {}
    for holder, items in by_holder.items():
        items.sort(key=lambda p: (p.drawn_up_at, p.code))
        total = len(items)
        position = 0
        i = 0
        while i < total:
            j = i
            while j < total and items[j].drawn_up_at == items[i].drawn_up_at:
                j += 1
            group = items[i:j]
            rank = position + 1
            last = position + len(group)
            for p in group:
                when = p.drawn_up_at.strftime("%d/%m/%Y à %H h %M")
                if last <= MAX_PROXIES_PER_HOLDER:
                    reason = Reason(
                        "among_first_two",
                        f"Procuration n°{rank} (établie le {when}) sur {total} établie(s) au "
                        f"profit du mandataire {holder} pour ce scrutin : parmi les deux "
                        "premières, elle peut être utilisée.",
                        ("96",),
                    )
                    out[p.code] = (rank, False, reason)
                elif position >= MAX_PROXIES_PER_HOLDER:
                    reason = Reason(
                        "beyond_two",
                        f"Procuration n°{rank} (établie le {when}) au profit du mandataire "
                        f"{holder}, qui en a déjà deux établies plus tôt pour ce scrutin : "
                        "seules les deux premières dressées sont valables, celle-ci est nulle "
                        "de plein droit.",
                        ("96",),
                        True,
                    )
                    out[p.code] = (rank, False, reason)
                else:
                    codes = ", ".join(q.code for q in group)
                    reason = Reason(
                        "order_tie",
                        f"Les procurations {codes} au profit du mandataire {holder} ont été "
                        f"établies au même moment ({when}) et se disputent la place "
                        f"{rank} à {last} alors que seules les deux premières dressées sont "
                        "valables : l'ordre n'est pas établi, la question est signalée et non "
                        "tranchée.",
                        ("96",),
                    )
                    out[p.code] = (rank, True, reason)
            position = last
            i = j
    return out


def evaluate_proxies(proxies: Iterable[Proxy], election: str) -> tuple[ProxyDecision, ...]:
    """Decide, for each proxy, whether it may be used at ``election`` (Art. 93–100).

    Returns one ``ProxyDecision`` per proxy, in the order given. A proxy is valid when no reason
    blocks it; ``valid`` is ``None`` when the only question left is an Art. 96 tie.
    """
    proxies = list(proxies)
    codes = [p.code for p in proxies]
    if len(set(codes)) != len(codes):
        raise LawError(
            code="duplicate_proxy_code",
            message="Deux procurations portent le même numéro.",
            articles=("96",),
            field="code",
        )
    ranks = _ranks(proxies, election)
    out: list[ProxyDecision] = []
    for p in proxies:
        reasons = _own_reasons(p, election)
        rank: int | None = None
        tie = False
        undecided = False
        if p.code in ranks:
            rank, tie, reason = ranks[p.code]
            reasons.append(reason)
            undecided = reason.code == "order_tie"
        if any(r.blocking for r in reasons):
            valid: bool | None = False
        elif undecided:
            valid = None
        else:
            valid = True
        out.append(
            ProxyDecision(proxy=p.code, valid=valid, reasons=tuple(reasons), rank=rank, tie=tie)
        )
    return tuple(out)


def evaluate_proxy(proxy: Proxy, election: str, others: Iterable[Proxy] = ()) -> ProxyDecision:
    """Decide one proxy (Art. 93–100), ``others`` being the other proxies drawn up (Art. 96)."""
    decisions = evaluate_proxies((proxy, *others), election)
    return decisions[0]


def grantor_may_vote_in_person(proxy: Proxy, holder_has_voted: bool) -> Eligibility:
    """Whether the grantor who comes to the station may vote himself (Art. 98 al. 2).

    "Il peut voter personnellement s'il se présente au bureau de vote avant que le mandataire
    n'ait exercé ses pouvoirs." When he does, the proxy can no longer be used.
    """
    if holder_has_voted:
        reason = Reason(
            "holder_already_voted",
            f"Le mandataire a déjà exercé ses pouvoirs (procuration {proxy.code}) : le mandant ne "
            "peut plus voter personnellement.",
            ("98",),
            True,
        )
    else:
        reason = Reason(
            "grantor_votes_in_person",
            f"Le mandant se présente avant que le mandataire n'ait exercé ses pouvoirs : il vote "
            f"personnellement et la procuration {proxy.code} ne peut plus servir.",
            ("98",),
        )
    return Eligibility.of((reason,))


__all__ = [
    "GROUND_LABELS",
    "MAX_PROXIES_PER_HOLDER",
    "Proxy",
    "ProxyDecision",
    "ProxyGround",
    "ProxyParty",
    "evaluate_proxies",
    "evaluate_proxy",
    "grantor_may_vote_in_person",
]
