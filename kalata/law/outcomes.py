"""Who is elected: presidential (Art. 127, 135, 139), legislative (Art. 144), referendum
(Art. 125–126). Communal seats are in ``kalata.law.seats`` (Art. 176).

Every comparison is exact on integers: an absolute majority of the valid votes
("majorité absolue des suffrages exprimés") is ``votes * 2 > valid_votes``; a share of at
least 5 % is ``votes * 100 >= 5 * valid_votes``. Shares are shown as percentages of the valid
votes rounded half-up to two decimals ("71.20"), for display only.

Ties the law does not settle are reported, never drawn by lot:

* a tie that decides who goes to a second round (Art. 127, 144): no second round is
  composed, the steps say why;
* an exact tie in a presidential second round: nobody has the absolute majority, nobody is
  elected (Art. 127); in a legislative second round: no list has "le plus grand nombre de
  suffrages" (Art. 144), none is elected.

Reading of Art. 139 (deposit and withdrawal). Art. 135 makes the deposit refundable to
candidates "ayant obtenu 5 % au moins de suffrages exprimés lors du 1er tour"; Art. 139 says
that no withdrawal of candidacy after the receipt "ne saurait entraîner le remboursement des
frais de participation prévus à l'article 135" (the deposit: Art. 135 provides no other
payment). Art. 139 says a withdrawal cannot *cause* a refund — a candidate cannot get the
money back by withdrawing — not that it forfeits a refund earned by the first-round result.
The désistement between the rounds is not a "retrait de candidature": the candidate stood and
was voted for in the first round, and Art. 127 itself organises that désistement. So a
candidate who withdraws before the second round keeps the refund if they had at least 5 % in
the first round; the only test is Art. 135's. (A withdrawal before the first round leaves
the candidate without first-round votes to count, so nothing is refunded either way.)
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from kalata.law.explain import LawError, Step, fr_int, percent, round_half_up
from kalata.law.seats import fr_share_against

ART_PRESIDENT = "127"
ART_DEPOSIT = "135"
ART_WITHDRAWAL = "139"
ART_DEPUTIES = "144"
DEPOSIT_THRESHOLD_PERCENT = 5


@dataclass(frozen=True)
class Contestant:
    """A presidential candidate or a legislative list, with its valid votes."""

    code: str
    votes: int


@dataclass(frozen=True)
class PresidentialOutcome:
    """The outcome of one presidential round (Art. 127, 135, 139)."""

    round: int
    valid_votes: int
    elected: str | None
    second_round: tuple[str, str] | None
    shares: Mapping[str, str]
    deposit_refunded: tuple[str, ...]
    unresolved_tie: bool
    steps: tuple[Step, ...]

    def as_dict(self) -> dict:
        return {
            "elected": self.elected,
            "second_round": list(self.second_round) if self.second_round else None,
            "shares": dict(self.shares),
            "deposit_refunded": list(self.deposit_refunded),
            "steps": [s.as_dict() for s in self.steps],
        }


@dataclass(frozen=True)
class LegislativeOutcome:
    """The outcome of one legislative round in a constituency (Art. 144)."""

    round: int
    seats: int
    valid_votes: int
    elected_list: str | None
    second_round: tuple[str, str] | None
    shares: Mapping[str, str]
    unresolved_tie: bool
    steps: tuple[Step, ...]

    def as_dict(self) -> dict:
        return {
            "elected_list": self.elected_list,
            "second_round": list(self.second_round) if self.second_round else None,
            "shares": dict(self.shares),
            "steps": [s.as_dict() for s in self.steps],
        }


@dataclass(frozen=True)
class ReferendumOutcome:
    """The outcome of a referendum (Art. 125–126)."""

    yes: int
    no: int
    adopted: bool
    shares: Mapping[str, str]
    steps: tuple[Step, ...]

    def as_dict(self) -> dict:
        return {
            "adopted": self.adopted,
            "shares": dict(self.shares),
            "steps": [s.as_dict() for s in self.steps],
        }


# --------------------------------------------------------------------------------------------
# Shared pieces


def shares_of(contestants: Sequence[Contestant], valid_votes: int) -> Mapping[str, str]:
    """Percentages of the valid votes (Art. 127, 135, 144), half-up to two decimals ('71.20'),
    in input order."""
    return MappingProxyType(
        {c.code: round_half_up(percent(c.votes, valid_votes)) for c in contestants}
    )


def check_contestants(
    contestants: Sequence[Contestant],
    valid_votes: int | None,
    field: str,
    article: str,
) -> int:
    """Check codes, votes and valid votes of a round (Art. 127 or 144, given as ``article``);
    return the valid votes — the suffrages exprimés, base of every share."""
    if not contestants:
        raise LawError("no_contestant", "aucun candidat ni aucune liste", (article,), field)
    seen: set[str] = set()
    for i, c in enumerate(contestants):
        if c.code in seen:
            raise LawError(
                "duplicate_code",
                f"le code « {c.code} » est utilisé deux fois",
                (article,),
                f"{field}[{i}].code",
            )
        seen.add(c.code)
        if c.votes < 0:
            raise LawError(
                "negative_votes",
                f"le nombre de voix ne peut être négatif ({c.votes})",
                (article,),
                f"{field}[{i}].votes",
            )
    total = sum(c.votes for c in contestants)
    if valid_votes is None:
        return total
    if valid_votes < total:
        raise LawError(
            "valid_votes_below_sum",
            f"les suffrages exprimés ({fr_int(valid_votes)}) sont inférieurs au total des voix "
            f"({fr_int(total)})",
            (article,),
            "valid_votes",
        )
    return valid_votes


def check_second_round_pair(
    contestants: Sequence[Contestant], valid_votes: int | None, field: str, article: str
) -> None:
    """A second round opposes exactly two (Art. 127, 144), who share all the valid votes."""
    if len(contestants) != 2:
        raise LawError(
            "second_round_not_two",
            "au second tour, seuls deux candidats ou deux listes sont en présence "
            f"({len(contestants)} dans les données)",
            (article,),
            field,
        )
    total = sum(c.votes for c in contestants)
    if valid_votes is not None and valid_votes != total:
        raise LawError(
            "valid_votes_mismatch",
            f"au second tour, tous les suffrages exprimés se portent sur les deux en présence : "
            f"{fr_int(valid_votes)} suffrages exprimés pour {fr_int(total)} voix",
            (article,),
            "valid_votes",
        )


def _ranked(contestants: Sequence[Contestant]) -> list[Contestant]:
    """Most votes first; equal votes keep the input order (display only: ties are checked)."""
    return sorted(contestants, key=lambda c: -c.votes)


def _has_absolute_majority(votes: int, valid_votes: int) -> bool:
    return votes * 2 > valid_votes


def _majority_text(valid_votes: int) -> str:
    return (
        f"{fr_int(valid_votes)} suffrages exprimés ; majorité absolue : "
        f"{fr_int(valid_votes // 2 + 1)} voix (plus de la moitié)"
    )


def _votes_line(ranked: Sequence[Contestant], valid_votes: int, noun: str) -> str:
    """'Candidat A : 40 voix (40,00 %) ; candidat B : …' — begins a sentence."""
    line = " ; ".join(
        f"{noun} {c.code} : {fr_int(c.votes)} voix ({fr_share_against(c.votes, valid_votes, 50)})"
        for c in ranked
    )
    return line[:1].upper() + line[1:]


def _pick_two(
    ranked: Sequence[Contestant], withdrawn: Collection[str]
) -> tuple[tuple[str, str] | None, list[str]]:
    """The two best-placed contestants still standing, or None with the reason in French.

    The order of the first round decides; a contestant who withdrew is skipped and "les
    candidats qui suivent se présentent dans l'ordre de leur classement" (Art. 127). Equal
    votes at the boundary (2nd and 3rd place still standing) cannot be ordered: the law gives
    no rule, so no pair is formed.
    """
    standing = [c for c in ranked if c.code not in withdrawn]
    if len(standing) < 2:
        return None, [
            f"il ne reste que {len(standing)} en lice après les désistements : le second tour "
            "ne peut opposer deux candidats et la loi ne règle pas ce cas"
        ]
    if len(standing) > 2 and standing[1].votes == standing[2].votes:
        level = standing[1].votes
        tied = [c.code for c in standing if c.votes == level]
        names = ", ".join(tied[:-1]) + " et " + tied[-1]
        return None, [
            f"égalité de suffrages ({fr_int(level)} voix) entre {names} pour une place au "
            "second tour : la loi ne prévoit aucun départage"
        ]
    return (standing[0].code, standing[1].code), []


# --------------------------------------------------------------------------------------------
# Presidential election (Art. 127, 135, 139)


def presidential_first_round(
    candidates: Sequence[Contestant],
    valid_votes: int | None = None,
    withdrawn: Collection[str] = (),
) -> PresidentialOutcome:
    """First round of the presidential election (Art. 127; deposit: Art. 135, 139).

    A candidate with the absolute majority of valid votes is elected. Otherwise the two
    candidates with the most votes go to the second round; ``withdrawn`` names those who
    withdrew (désistement) after the first round, whose places go to the next in the
    first-round order. The deposit is refunded to every candidate with at least 5 % of the
    valid votes, withdrawn or not (reading of Art. 139 in the module docstring).
    ``valid_votes`` defaults to the sum of the candidates' votes.
    """
    valid = check_contestants(candidates, valid_votes, "candidates", ART_PRESIDENT)
    withdrawn = frozenset(withdrawn)
    check_withdrawn(candidates, withdrawn)
    ranked = _ranked(candidates)
    steps: list[Step] = [_base_step(candidates, valid, "candidats", ART_PRESIDENT)]

    elected: str | None = None
    pair: tuple[str, str] | None = None
    unresolved = False
    if valid == 0:
        steps.append(
            Step(
                "Aucun suffrage exprimé : aucun candidat n'est élu ni classé ; la loi ne règle "
                "pas ce cas.",
                (ART_PRESIDENT,),
            )
        )
    else:
        steps.append(
            Step(
                f"{_majority_text(valid)}. {_votes_line(ranked, valid, 'candidat')}.",
                (ART_PRESIDENT,),
            )
        )
        leader = ranked[0]
        if _has_absolute_majority(leader.votes, valid):
            elected = leader.code
            steps.append(
                Step(
                    f"Le candidat {leader.code} obtient la majorité absolue des suffrages "
                    f"exprimés ({fr_int(leader.votes)} > {fr_int(valid)} / 2) : il est élu au "
                    "premier tour.",
                    (ART_PRESIDENT,),
                )
            )
            if withdrawn:
                steps.append(
                    Step(
                        "Les désistements déclarés sont sans effet : il n'y a pas de second tour.",
                        (ART_PRESIDENT,),
                    )
                )
        else:
            steps.append(
                Step(
                    "Aucun candidat n'obtient la majorité absolue des suffrages exprimés : il "
                    "est procédé à un second tour le deuxième dimanche suivant, entre les deux "
                    "candidats ayant recueilli le plus grand nombre de suffrages.",
                    (ART_PRESIDENT,),
                )
            )
            steps.extend(_withdrawal_steps(ranked, withdrawn, "candidat"))
            pair, problems = _pick_two(ranked, withdrawn)
            if pair:
                steps.append(
                    Step(
                        f"Second tour entre les candidats {pair[0]} et {pair[1]}.",
                        (ART_PRESIDENT,),
                    )
                )
            else:
                unresolved = True
                steps.append(
                    Step(
                        f"Second tour non constitué — {problems[0]}. Il revient à la Cour "
                        "constitutionnelle, qui proclame les résultats (art. 142), de se "
                        "prononcer ; aucun tirage au sort.",
                        (ART_PRESIDENT,),
                    )
                )

    refunded, refund_steps = _deposit_refunds(ranked, valid, withdrawn)
    steps.extend(refund_steps)
    return PresidentialOutcome(
        round=1,
        valid_votes=valid,
        elected=elected,
        second_round=pair,
        shares=shares_of(candidates, valid),
        deposit_refunded=refunded,
        unresolved_tie=unresolved,
        steps=tuple(steps),
    )


def presidential_second_round(
    candidates: Sequence[Contestant], valid_votes: int | None = None
) -> PresidentialOutcome:
    """Second round of the presidential election (Art. 127): the absolute majority of valid
    votes elects; an exact tie elects nobody. No deposit is refunded on the second round
    (Art. 135 looks at the first round only)."""
    check_second_round_pair(candidates, valid_votes, "candidates", ART_PRESIDENT)
    valid = check_contestants(candidates, valid_votes, "candidates", ART_PRESIDENT)
    ranked = _ranked(candidates)
    steps: list[Step] = [_base_step(candidates, valid, "candidats", ART_PRESIDENT, round_no=2)]
    elected: str | None = None
    unresolved = False
    leader = ranked[0]
    if valid and _has_absolute_majority(leader.votes, valid):
        elected = leader.code
        steps.append(
            Step(
                f"{_majority_text(valid)}. {_votes_line(ranked, valid, 'candidat')}. Le "
                f"candidat {leader.code} obtient la majorité absolue des suffrages exprimés : "
                "il est déclaré élu.",
                (ART_PRESIDENT,),
            )
        )
    else:
        unresolved = True
        what = (
            "aucun suffrage exprimé"
            if valid == 0
            else f"égalité parfaite ({fr_int(leader.votes)} voix chacun)"
        )
        steps.append(
            Step(
                f"Second tour : {what}. Aucun candidat n'obtient la majorité absolue des "
                "suffrages exprimés : nul n'est déclaré élu. La loi ne prévoit aucun départage ; "
                "il revient à la Cour constitutionnelle de se prononcer (art. 142).",
                (ART_PRESIDENT,),
            )
        )
    steps.append(
        Step(
            "Le remboursement du cautionnement se décide sur les résultats du premier tour "
            "seulement : le second tour n'en ouvre aucun.",
            (ART_DEPOSIT,),
        )
    )
    return PresidentialOutcome(
        round=2,
        valid_votes=valid,
        elected=elected,
        second_round=None,
        shares=shares_of(candidates, valid),
        deposit_refunded=(),
        unresolved_tie=unresolved,
        steps=tuple(steps),
    )


def check_withdrawn(candidates: Sequence[Contestant], withdrawn: frozenset[str]) -> None:
    """Every withdrawn code must be a candidate of the first round (Art. 127)."""
    codes = {c.code for c in candidates}
    for code in sorted(withdrawn - codes):
        raise LawError(
            "unknown_withdrawn",
            f"le candidat désisté « {code} » ne figure pas parmi les candidats",
            (ART_PRESIDENT,),
            "withdrawn",
        )


def _base_step(
    contestants: Sequence[Contestant], valid: int, noun: str, article: str, round_no: int = 1
) -> Step:
    total = sum(c.votes for c in contestants)
    ordinal = "premier" if round_no == 1 else "second"
    text = f"{ordinal.capitalize()} tour : {len(contestants)} {noun}, {fr_int(valid)} suffrages "
    text += "exprimés."
    if valid > total:
        text += (
            f" {fr_int(valid - total)} suffrages exprimés se portent sur des {noun} non "
            "détaillés ici ; ils comptent dans la base des pourcentages."
        )
    return Step(text, (article,))


def _withdrawal_steps(
    ranked: Sequence[Contestant], withdrawn: frozenset[str], noun: str
) -> list[Step]:
    steps = []
    for c in ranked:
        if c.code in withdrawn:
            position = 1 + sum(1 for o in ranked if o.votes > c.votes)
            place = _ordinal(position)
            if sum(1 for o in ranked if o.votes == c.votes) > 1:
                place += " ex aequo"
            steps.append(
                Step(
                    f"Le {noun} {c.code} ({place} au premier tour) s'est "
                    f"désisté : les {noun}s qui suivent se présentent dans l'ordre de leur "
                    "classement à l'issue du premier tour.",
                    (ART_PRESIDENT,),
                )
            )
    return steps


def _ordinal(n: int) -> str:
    return "1er" if n == 1 else f"{n}e"


def _deposit_refunds(
    ranked: Sequence[Contestant], valid: int, withdrawn: frozenset[str]
) -> tuple[tuple[str, ...], list[Step]]:
    """Art. 135: refund to candidates with at least 5 % of the valid votes in round 1."""
    if valid == 0:
        return (), [
            Step(
                "Aucun suffrage exprimé : aucun candidat n'atteint 5 % des suffrages exprimés, "
                "aucun cautionnement n'est remboursé.",
                (ART_DEPOSIT,),
            )
        ]
    refunded = tuple(c.code for c in ranked if c.votes * 100 >= DEPOSIT_THRESHOLD_PERCENT * valid)
    kept = [c.code for c in ranked if c.code not in refunded]
    text = "Cautionnement remboursé aux candidats ayant obtenu au moins 5 % des suffrages "
    text += "exprimés au premier tour : "
    text += ", ".join(
        f"{c.code} ({fr_share_against(c.votes, valid)})" for c in ranked if c.code in refunded
    )
    text += "." if refunded else "aucun."
    if kept:
        text += " Non remboursé : " + ", ".join(kept) + " (moins de 5 %)."
    steps = [Step(text, (ART_DEPOSIT,))]
    for code in (c for c in refunded if c in withdrawn):
        steps.append(
            Step(
                f"Le candidat {code} s'est désisté après le premier tour : l'article 139 "
                "interdit qu'un retrait de candidature entraîne le remboursement, il ne retire "
                "pas le remboursement acquis par le résultat du premier tour (art. 135) ; le "
                "désistement entre les deux tours est prévu par l'article 127. Remboursement "
                "maintenu.",
                (ART_DEPOSIT, ART_WITHDRAWAL, ART_PRESIDENT),
            )
        )
    return refunded, steps


# --------------------------------------------------------------------------------------------
# Legislative election (Art. 144)


def legislative_first_round(
    seats: int, lists: Sequence[Contestant], valid_votes: int | None = None
) -> LegislativeOutcome:
    """First round of the election of deputies in a constituency (Art. 144).

    Majority list vote: a list with the absolute majority of valid votes wins every seat of
    the constituency. Otherwise the two lists with the most votes go to the second round; a
    tie for the second place is not settled by the law and is reported.
    """
    _check_seats(seats)
    valid = check_contestants(lists, valid_votes, "lists", ART_DEPUTIES)
    ranked = _ranked(lists)
    steps: list[Step] = [_base_step(lists, valid, "listes", ART_DEPUTIES)]
    elected: str | None = None
    pair: tuple[str, str] | None = None
    unresolved = False
    if valid == 0:
        steps.append(
            Step(
                "Aucun suffrage exprimé : aucune liste n'est élue ni classée ; la loi ne règle "
                "pas ce cas.",
                (ART_DEPUTIES,),
            )
        )
    else:
        steps.append(
            Step(
                f"{_majority_text(valid)}. {_votes_line(ranked, valid, 'liste')}.",
                (ART_DEPUTIES,),
            )
        )
        leader = ranked[0]
        if _has_absolute_majority(leader.votes, valid):
            elected = leader.code
            steps.append(
                Step(
                    f"La liste {leader.code} obtient la majorité absolue des suffrages exprimés "
                    f"({fr_int(leader.votes)} > {fr_int(valid)} / 2) : elle est élue au premier "
                    f"tour et remporte {_all_seats(seats)} de la circonscription (scrutin "
                    "majoritaire de liste).",
                    (ART_DEPUTIES,),
                )
            )
        else:
            steps.append(
                Step(
                    "Aucune liste n'obtient la majorité absolue des suffrages exprimés : nul "
                    "n'est élu au premier tour ; second tour le deuxième dimanche suivant entre "
                    "les deux listes ayant obtenu le plus grand nombre de suffrages exprimés.",
                    (ART_DEPUTIES,),
                )
            )
            pair, problems = _pick_two(ranked, frozenset())
            if pair:
                steps.append(
                    Step(f"Second tour entre les listes {pair[0]} et {pair[1]}.", (ART_DEPUTIES,))
                )
            else:
                unresolved = True
                steps.append(
                    Step(
                        f"Second tour non constitué — {problems[0]}. Il revient à la Cour "
                        "constitutionnelle (art. 150) de se prononcer ; aucun tirage au sort.",
                        (ART_DEPUTIES,),
                    )
                )
    return LegislativeOutcome(
        round=1,
        seats=seats,
        valid_votes=valid,
        elected_list=elected,
        second_round=pair,
        shares=shares_of(lists, valid),
        unresolved_tie=unresolved,
        steps=tuple(steps),
    )


def legislative_second_round(
    seats: int, lists: Sequence[Contestant], valid_votes: int | None = None
) -> LegislativeOutcome:
    """Second round of the election of deputies (Art. 144): the list with the most valid votes
    is elected and takes every seat; an exact tie elects no list (reported, not drawn)."""
    _check_seats(seats)
    check_second_round_pair(lists, valid_votes, "lists", ART_DEPUTIES)
    valid = check_contestants(lists, valid_votes, "lists", ART_DEPUTIES)
    ranked = _ranked(lists)
    steps: list[Step] = [_base_step(lists, valid, "listes", ART_DEPUTIES, round_no=2)]
    first, second = ranked
    elected: str | None = None
    unresolved = False
    if first.votes > second.votes:
        elected = first.code
        steps.append(
            Step(
                f"{_votes_line(ranked, valid, 'liste')}. La liste {first.code} obtient le plus "
                f"grand nombre de suffrages exprimés : elle est élue et remporte "
                f"{_all_seats(seats)} de la circonscription.",
                (ART_DEPUTIES,),
            )
        )
    else:
        unresolved = True
        steps.append(
            Step(
                f"Égalité parfaite au second tour ({fr_int(first.votes)} voix chacune) : "
                "aucune liste n'a le plus grand nombre de suffrages exprimés et la loi ne "
                "prévoit aucun départage ; aucune liste n'est déclarée élue. Il revient à la "
                "Cour constitutionnelle (art. 150) de se prononcer.",
                (ART_DEPUTIES,),
            )
        )
    return LegislativeOutcome(
        round=2,
        seats=seats,
        valid_votes=valid,
        elected_list=elected,
        second_round=None,
        shares=shares_of(lists, valid),
        unresolved_tie=unresolved,
        steps=tuple(steps),
    )


def _all_seats(seats: int) -> str:
    return "le siège" if seats == 1 else f"les {seats} sièges"


def _check_seats(seats: int) -> None:
    if seats < 1:
        raise LawError(
            "seats_not_positive",
            "le nombre de sièges à pourvoir doit être au moins 1",
            (ART_DEPUTIES,),
            "seats",
        )


# --------------------------------------------------------------------------------------------
# Referendum (Art. 125–126)


def referendum_outcome(yes: int, no: int) -> ReferendumOutcome:
    """Outcome of a referendum (Art. 125–126): two ballots, one per answer.

    The text is adopted when "oui" has the majority of the valid votes, i.e. more votes
    than "non" (the valid votes are yes + no). The electoral law sets no quorum and no
    qualified majority. A tie is not a majority: the text is not adopted.
    """
    for name, value in (("yes", yes), ("no", no)):
        if value < 0:
            raise LawError(
                "negative_votes",
                f"le nombre de voix ne peut être négatif ({value})",
                ("125",),
                name,
            )
    valid = yes + no
    adopted = yes > no
    shares = MappingProxyType(
        {"yes": round_half_up(percent(yes, valid)), "no": round_half_up(percent(no, valid))}
    )
    yes_share = fr_share_against(yes, valid, 50)
    no_share = fr_share_against(no, valid, 50)
    steps = [
        Step(
            f"{fr_int(valid)} suffrages exprimés : « oui » {fr_int(yes)} ({yes_share}), "
            f"« non » {fr_int(no)} ({no_share}).",
            ("125", "126"),
        )
    ]
    if adopted:
        conclusion = "Le « oui » obtient la majorité des suffrages exprimés : le texte est adopté."
    elif valid == 0:
        conclusion = "Aucun suffrage exprimé : le texte n'est pas adopté."
    elif yes == no:
        conclusion = (
            "Égalité des « oui » et des « non » : le « oui » n'obtient pas la majorité des "
            "suffrages exprimés, le texte n'est pas adopté."
        )
    else:
        conclusion = "Le « non » l'emporte : le texte n'est pas adopté."
    steps.append(Step(conclusion, ("125", "126")))
    return ReferendumOutcome(yes, no, adopted, shares, tuple(steps))


__all__ = [
    "Contestant",
    "PresidentialOutcome",
    "LegislativeOutcome",
    "ReferendumOutcome",
    "presidential_first_round",
    "presidential_second_round",
    "legislative_first_round",
    "legislative_second_round",
    "referendum_outcome",
    "shares_of",
    "check_contestants",
    "check_second_round_pair",
    "check_withdrawn",
]
