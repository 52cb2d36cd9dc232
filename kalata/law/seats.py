"""Communal councillors: proportional representation by highest average (Art. 176, 189).

Art. 176 (Nouveau), alinéas 2 to 5::

    Les conseillers communaux sont élus […] au scrutin de liste à la représentation
    proportionnelle sans panachage ni vote préférentiel.
    Sur chaque liste, les sièges sont attribués aux candidats d'après l'ordre de présentation.
    L'attribution des sièges s'effectue selon la règle de la plus forte moyenne. Toutefois, les
    listes qui n'ont pas obtenu 5 % des suffrages exprimés ne sont pas admises à la répartition
    des sièges.
    En cas d'égalité des suffrages, le siège est attribué au plus âgé des candidats
    susceptibles d'être proclamés élus.

The allocation is done seat by seat: each seat goes to the admitted list with the highest
average ``votes / (seats already won + 1)`` (this is the D'Hondt method). Everything is exact
(``Fraction``); rounding appears only in the French text of the steps.

Reading of "égalité des suffrages" (the tie rule). In a highest-average allocation, the only
equality that can decide a seat is an equality of *averages* between lists competing for the
seat(s) still to be filled. Read literally ("equal numbers of votes"), the sentence would
regulate a situation that decides nothing by itself (two lists with equal votes and unequal
seats have unequal averages) and leave without a rule the one that does (equal averages with
unequal votes, e.g. 600 votes / 2 = 300 / 1). A court gives a provision a useful effect, and
equal votes at equal seat counts are a special case of equal averages, so the literal case is
covered too. The sentence is taken from the French Code électoral (art. L.262), where it
follows a first step: "the seat goes to the list with the most votes". The Malian legislator
did not copy that first step, and a court may not add a criterion the law left out: the
disputed seat goes directly to the oldest of the candidates who would be proclaimed elected,
i.e. on each tied list the candidate whose turn it is (rank = seats already won + 1).

Consequences:

* if the lists tied on the highest average are no more numerous than the seats still to be
  filled, each receives a seat in turn and nothing needs breaking;
* otherwise the oldest candidates (earliest birth date) take the remaining seats;
* if the oldest cannot be determined — same birth date, or a birth date missing — the law
  gives no other criterion: the disputed seats are left unallocated and the result says so
  (``unresolved_tie``). Nothing is ever drawn by lot.

The 5 % threshold: a list that has "not obtained 5 %" is excluded, so a list at exactly 5 %
is admitted. The comparison is exact: ``votes * 100 >= 5 * valid_votes``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from functools import cached_property
from types import MappingProxyType
from typing import NamedTuple

from kalata.law.explain import (
    LawError,
    Step,
    fr_date,
    fr_int,
    fr_percent,
    percent,
    round_half_up,
)

ART_176 = "176"
THRESHOLD_PERCENT = 5


@dataclass(frozen=True)
class ListCandidate:
    """A candidate on a list, in the order of presentation (Art. 57: name and birth date)."""

    name: str
    birth_date: date | None = None


@dataclass(frozen=True)
class CandidateList:
    """A list of candidates in a commune with the valid votes it obtained (Art. 176, 185)."""

    code: str
    votes: int
    candidates: tuple[ListCandidate, ...]


class ElectedCandidate(NamedTuple):
    """A candidate proclaimed elected: list code, rank on the list (from 1), name.

    (A named tuple: a council of the 703 communes elects 10 789 of them at each count.)"""

    list_code: str
    rank: int
    name: str

    def as_dict(self) -> dict:
        return {"list": self.list_code, "rank": self.rank, "name": self.name}


@dataclass(frozen=True)
class SeatAllocation:
    """Outcome of a communal election (Art. 176) with the steps that explain it.

    ``seats`` maps every list code (input order) to its seats; ``unallocated`` counts seats
    the law could not attribute (no list admitted, no valid vote, or an unresolved tie).

    ``steps`` — the French explanation — is written the first time it is read: the allocation
    is run again on ``inputs`` by the same function with its text switched on
    (``_allocate(…, explain=True)``), so the explanation always describes the very decision
    above. Centralising 703 communes needs the seats at once, and the text of a commune only
    when someone reads it.
    """

    seats_total: int
    valid_votes: int
    seats: Mapping[str, int]
    excluded: tuple[str, ...]
    elected: tuple[ElectedCandidate, ...]
    unresolved_tie: bool
    unallocated: int
    # What the allocation was run on (seats, lists, declared valid votes): the explanation is
    # written from it on demand (a plain value, so the allocation can be pickled and cached).
    inputs: tuple[int, tuple[CandidateList, ...], int | None] = field(repr=False, compare=False)

    @cached_property
    def steps(self) -> tuple[Step, ...]:
        seats, lists, valid_votes = self.inputs
        return _allocate(seats, lists, valid_votes, True)[4]

    def as_dict(self) -> dict:
        return {
            "seats": dict(self.seats),
            "excluded": list(self.excluded),
            "elected": [e.as_dict() for e in self.elected],
            "unresolved_tie": self.unresolved_tie,
            "steps": [s.as_dict() for s in self.steps],
        }


# --------------------------------------------------------------------------------------------
# French display helpers (display only: every comparison is made on exact values)


def _fr_decimal(value: Fraction) -> str:
    """'1 234,50' — two decimals, half-up, French separators."""
    text = round_half_up(value, 2)
    negative = text.startswith("-")
    whole, frac = text.lstrip("-").split(".")
    return ("-" if negative else "") + f"{fr_int(int(whole))},{frac}"


def fr_average(value: Fraction) -> str:
    """A highest average (Art. 176) as written in the steps: '= 400', '= 400,50', or
    '≈ 411,33' when not exact at two decimals (the comparison itself is exact)."""
    if value.denominator == 1:
        return f"= {fr_int(value.numerator)}"
    if (value * 100).denominator == 1:
        return f"= {_fr_decimal(value)}"
    return f"≈ {_fr_decimal(value)}"


def _average_text(lst: CandidateList, won: int) -> str:
    return f"{fr_int(lst.votes)} / {won + 1} {fr_average(Fraction(lst.votes, won + 1))}"


def fr_share_against(votes: int, whole: int, bound: int = THRESHOLD_PERCENT) -> str:
    """A share in French for the thresholds of Art. 135 and 176 (or a majority, Art. 127),
    with enough decimals never to look equal to ``bound`` % when it is not: 4,995 % is not
    shown as '5,00 %'."""
    exact = percent(votes, whole)
    if exact == bound:
        return fr_percent(exact)
    for places in range(2, 9):
        text = fr_percent(exact, places)
        if text != fr_percent(Fraction(bound), places):
            return text
    return f"{fr_int(votes)}/{fr_int(whole)} × 100 %"


def _is_admitted(votes: int, valid_votes: int) -> bool:
    # "les listes qui n'ont pas obtenu 5 % des suffrages exprimés ne sont pas admises":
    # exactly 5 % is obtained, hence admitted. Exact integer comparison.
    return votes * 100 >= THRESHOLD_PERCENT * valid_votes


def _candidate_label(lst: CandidateList, rank: int) -> str:
    return f"{lst.candidates[rank - 1].name} (liste {lst.code}, n°{rank})"


def _n(count: int, singular: str, plural: str | None = None) -> str:
    """'1 siège', '0 siège', '5 sièges' (French: 0 and 1 take the singular)."""
    word = singular if count < 2 else (plural or singular + "s")
    return f"{fr_int(count)} {word}"


def _join_fr(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]


def _seat_numbers(first: int, count: int) -> str:
    numbers = [f"n°{n}" for n in range(first, first + count)]
    return ("Siège " if count == 1 else "Sièges ") + _join_fr(numbers)


# --------------------------------------------------------------------------------------------
# Validation of the legal preconditions


def check_communal_lists(
    seats: int, lists: Sequence[CandidateList], valid_votes: int | None = None
) -> None:
    """Check the lists submitted for a communal allocation (Art. 58, 176, 185).

    Raises ``LawError`` (French message, field as in the JSON input) when a list does not
    have exactly as many candidates as seats (Art. 58 al. 2, Art. 185), when codes repeat,
    votes are negative, or the valid votes are fewer than the votes of the lists.
    """
    if seats < 1:
        raise LawError(
            "seats_not_positive",
            "le nombre de sièges à pourvoir doit être au moins 1",
            ("176",),
            "seats",
        )
    if not lists:
        raise LawError("no_list", "aucune liste n'est présentée", ("176",), "lists")
    seen: set[str] = set()
    for i, lst in enumerate(lists):
        if lst.code in seen:
            raise LawError(
                "duplicate_code",
                f"le code de liste « {lst.code} » est utilisé deux fois",
                ("58",),
                f"lists[{i}].code",
            )
        seen.add(lst.code)
        if lst.votes < 0:
            raise LawError(
                "negative_votes",
                f"le nombre de voix ne peut être négatif ({lst.votes})",
                ("176",),
                f"lists[{i}].votes",
            )
        if len(lst.candidates) != seats:
            raise LawError(
                "list_size",
                f"la liste {lst.code} comporte {len(lst.candidates)} candidat(s) ; elle doit "
                f"en comporter autant que de sièges à pourvoir ({seats})",
                ("58", "185"),
                f"lists[{i}].candidates",
            )
    total = sum(lst.votes for lst in lists)
    if valid_votes is not None:
        if valid_votes < 0:
            raise LawError(
                "negative_votes",
                f"le nombre de suffrages exprimés ne peut être négatif ({valid_votes})",
                ("176",),
                "valid_votes",
            )
        if valid_votes < total:
            raise LawError(
                "valid_votes_below_sum",
                f"les suffrages exprimés ({fr_int(valid_votes)}) sont inférieurs au total des "
                f"voix des listes ({fr_int(total)})",
                ("176",),
                "valid_votes",
            )


# --------------------------------------------------------------------------------------------
# The allocation


def allocate_communal_seats(
    seats: int, lists: Sequence[CandidateList], valid_votes: int | None = None
) -> SeatAllocation:
    """Allocate the seats of a communal council (Art. 176; list sizes per Art. 58 and 185).

    ``valid_votes`` (suffrages exprimés) is the base of the 5 % threshold; when omitted it is
    the sum of the lists' votes. Returns the seats per list, the excluded lists, the elected
    candidates in list order, whether a tie the law cannot break left seats unallocated, and
    the French steps (written when first read). See the module docstring for the reading of the
    tie rule.
    """
    check_communal_lists(seats, lists, valid_votes)
    lists = tuple(lists)
    won, excluded, unresolved, unallocated, _ = _allocate(seats, lists, valid_votes, False)
    elected = tuple(
        ElectedCandidate(lst.code, rank, lst.candidates[rank - 1].name)
        for lst in lists
        for rank in range(1, won[lst.code] + 1)
    )

    return SeatAllocation(
        seats_total=seats,
        valid_votes=valid_votes if valid_votes is not None else sum(lst.votes for lst in lists),
        seats=MappingProxyType(won),
        excluded=tuple(excluded),
        elected=elected,
        unresolved_tie=unresolved,
        unallocated=unallocated,
        inputs=(seats, lists, valid_votes),
    )


def _allocate(
    seats: int, lists: tuple[CandidateList, ...], valid_votes: int | None, explain: bool
) -> tuple[dict[str, int], list[str], bool, int, tuple[Step, ...]]:
    """The allocation itself: (seats won per list, excluded lists, unresolved tie, seats left
    unallocated, steps). The steps are written only when ``explain`` is true; every decision is
    taken the same way either way (exact comparisons, never on the text)."""
    base = valid_votes if valid_votes is not None else sum(lst.votes for lst in lists)
    steps: list[Step] = []
    won = {lst.code: 0 for lst in lists}

    if explain:
        origin = (
            "suffrages exprimés déclarés"
            if valid_votes is not None
            else "somme des voix des listes"
        )
        steps.append(
            Step(
                f"{_n(seats, 'siège')} à pourvoir entre {_n(len(lists), 'liste')} ; "
                f"{fr_int(base)} suffrages exprimés ({origin}). Représentation proportionnelle "
                "à la plus forte moyenne, sièges attribués dans l'ordre de présentation des "
                "candidats, listes sous 5 % des suffrages exprimés non admises.",
                (ART_176,),
            )
        )

    def finish(excluded: Sequence[str], unresolved: bool, unallocated: int):
        if explain:
            elected = tuple(
                ElectedCandidate(lst.code, rank, lst.candidates[rank - 1].name)
                for lst in lists
                for rank in range(1, won[lst.code] + 1)
            )
            steps.extend(_summary_steps(lists, won, excluded, elected, unallocated, unresolved))
        return won, list(excluded), unresolved, unallocated, tuple(steps)

    if base == 0:
        if explain:
            steps.append(
                Step(
                    "Aucun suffrage exprimé : aucune liste n'obtient 5 % des suffrages "
                    "exprimés et aucune moyenne ne peut être calculée ; aucun siège n'est "
                    "attribué. La loi ne règle pas ce cas.",
                    (ART_176,),
                )
            )
        return finish([lst.code for lst in lists], False, seats)

    # The threshold (Art. 176 al. 4).
    admitted: list[CandidateList] = []
    excluded: list[str] = []
    for lst in lists:
        if _is_admitted(lst.votes, base):
            admitted.append(lst)
            if explain:
                steps.append(
                    Step(
                        f"Liste {lst.code} : {fr_int(lst.votes)} voix sur {fr_int(base)}, soit "
                        f"{fr_share_against(lst.votes, base)} ≥ 5 % : admise à la répartition.",
                        (ART_176,),
                    )
                )
        else:
            excluded.append(lst.code)
            if explain:
                steps.append(
                    Step(
                        f"Liste {lst.code} exclue : {fr_int(lst.votes)} voix sur "
                        f"{fr_int(base)}, soit {fr_share_against(lst.votes, base)} < 5 % des "
                        "suffrages exprimés.",
                        (ART_176,),
                    )
                )

    if not admitted:
        if explain:
            steps.append(
                Step(
                    "Aucune liste n'a obtenu 5 % des suffrages exprimés : aucune n'est admise à "
                    f"la répartition et les {fr_int(seats)} sièges restent non attribués. La loi "
                    "ne règle pas ce cas ; il revient à l'autorité compétente d'en tirer les "
                    "conséquences.",
                    (ART_176,),
                )
            )
        return finish(excluded, False, seats)

    # Seat by seat, the highest average (Art. 176 al. 4): votes / (seats won + 1), compared
    # exactly by cross-multiplication of integers (a/b > c/d ⇔ a·d > c·b).
    remaining = seats
    seat_no = 1
    while remaining > 0:
        best_n, best_d = -1, 1
        tied: list[CandidateList] = []
        for lst in admitted:
            n, d = lst.votes, won[lst.code] + 1
            if n * best_d > best_n * d:
                best_n, best_d = n, d
                tied = [lst]
            elif n * best_d == best_n * d:
                tied.append(lst)
        best = Fraction(best_n, best_d) if explain else None
        listing = (
            " ; ".join(
                f"liste {lst.code} : {_average_text(lst, won[lst.code])}" for lst in admitted
            )
            if explain
            else ""
        )
        if len(tied) == 1:
            lst = tied[0]
            if explain:
                rank = won[lst.code] + 1
                steps.append(
                    Step(
                        f"{_seat_numbers(seat_no, 1)} — moyennes : {listing}. Plus forte "
                        f"moyenne : liste {lst.code} ({fr_average(best)}) ; le siège va à "
                        f"{_candidate_label(lst, rank)}.",
                        (ART_176,),
                    )
                )
            won[lst.code] += 1
            remaining -= 1
            seat_no += 1
            continue

        if len(tied) <= remaining:
            if explain:
                codes = _join_fr([lst.code for lst in tied])
                receivers = _join_fr([_candidate_label(lst, won[lst.code] + 1) for lst in tied])
                steps.append(
                    Step(
                        f"{_seat_numbers(seat_no, len(tied))} — moyennes : {listing}. Les "
                        f"listes {codes} ont la même plus forte moyenne ({fr_average(best)}) et "
                        f"il reste {_n(remaining, 'siège')} : chacune en obtient un, sans "
                        f"départage. Sièges attribués à {receivers}.",
                        (ART_176,),
                    )
                )
            for lst in tied:
                won[lst.code] += 1
            remaining -= len(tied)
            seat_no += len(tied)
            continue

        # More lists tied than seats left: the oldest candidate who would be elected.
        if explain:
            codes = _join_fr([lst.code for lst in tied])
            steps.append(
                Step(
                    f"{_seat_numbers(seat_no, remaining)} — moyennes : {listing}. Les listes "
                    f"{codes} ont la même plus forte moyenne ({fr_average(best)}) pour "
                    f"{_n(remaining, 'siège restant', 'sièges restants')} : égalité des "
                    "suffrages. « En cas d'égalité des suffrages, le siège est attribué au plus "
                    "âgé des candidats susceptibles d'être proclamés élus » ; à la différence de "
                    "l'article L.262 du code électoral français, la loi ne départage pas "
                    "d'abord les listes au plus grand nombre de voix.",
                    (ART_176,),
                )
            )
        winners, tie_steps = _break_tie_by_age(tied, won, remaining, seat_no)
        steps.extend(tie_steps)
        for lst in winners:
            won[lst.code] += 1
        left = remaining - len(winners)
        return finish(excluded, left > 0, left)

    return finish(excluded, False, 0)


def _break_tie_by_age(
    tied: Sequence[CandidateList], won: Mapping[str, int], remaining: int, seat_no: int
) -> tuple[list[CandidateList], list[Step]]:
    """Give the ``remaining`` seats to the oldest next candidates of the tied lists (Art. 176).

    A candidate takes a seat only when the law settles it: fewer than ``remaining`` other
    contenders can be as old or older (a missing birth date could be anything). Seats that
    remain disputed are left to the authority, never drawn by lot.
    """
    contenders = [(lst, won[lst.code] + 1) for lst in tied]

    def birth(item: tuple[CandidateList, int]) -> date | None:
        lst, rank = item
        return lst.candidates[rank - 1].birth_date

    described = []
    for item in contenders:
        lst, rank = item
        d = birth(item)
        when = f"né(e) le {fr_date(d)}" if d else "date de naissance inconnue"
        described.append(f"{_candidate_label(lst, rank)}, {when}")
    steps = [
        Step(
            "Candidats susceptibles d'être proclamés élus (le suivant de chaque liste dans "
            f"l'ordre de présentation) : {' ; '.join(described)}.",
            (ART_176,),
        )
    ]

    winners: list[tuple[CandidateList, int]] = []
    for item in contenders:
        d = birth(item)
        if d is None:
            continue
        maybe_as_old = sum(
            1 for other in contenders if other is not item and (birth(other) or d) <= d
        )
        if maybe_as_old < remaining:
            winners.append(item)

    # Winners in the order of age (the oldest takes the first disputed seat).
    winners.sort(key=lambda it: birth(it))  # type: ignore[arg-type, return-value]
    for offset, (lst, rank) in enumerate(winners):
        steps.append(
            Step(
                f"Siège n°{seat_no + offset} attribué à la liste {lst.code} : "
                f"{_candidate_label(lst, rank)} est le plus âgé des candidats en concurrence "
                "pour ce siège.",
                (ART_176,),
            )
        )

    left = remaining - len(winners)
    if left > 0:
        undecided = [it for it in contenders if it not in winners]
        missing = [it for it in undecided if birth(it) is None]
        known = [it for it in undecided if birth(it) is not None]
        reasons = []
        if missing:
            names = _join_fr([_candidate_label(lst, rank) for lst, rank in missing])
            reasons.append(
                f"la date de naissance de {names} n'est pas connue (elle doit figurer dans la "
                "déclaration de candidature, art. 57) : l'âge ne peut être comparé"
            )
        same_day = _same_birth_dates(known)
        if same_day:
            reasons.append(same_day)
        disputed = _seat_numbers(seat_no + len(winners), left).lower()
        verb = "reste non attribué" if left == 1 else "restent non attribués"
        steps.append(
            Step(
                f"Égalité non départagée : {' ; '.join(reasons)}. La loi ne prévoit aucun autre "
                f"critère : {disputed} {verb}, sans tirage au sort ; il "
                "revient à la commission qui proclame les résultats (art. 187) ou au juge "
                "(art. 188) de se prononcer au vu de l'état civil des candidats.",
                (ART_176,),
            )
        )
    return [lst for lst, _ in winners], steps


def _same_birth_dates(items: Sequence[tuple[CandidateList, int]]) -> str:
    by_date: dict[date, list[tuple[CandidateList, int]]] = {}
    for lst, rank in items:
        d = lst.candidates[rank - 1].birth_date
        assert d is not None
        by_date.setdefault(d, []).append((lst, rank))
    parts = []
    for d, group in sorted(by_date.items()):
        if len(group) > 1:
            names = _join_fr([_candidate_label(lst, rank) for lst, rank in group])
            parts.append(f"{names} sont nés le même jour ({fr_date(d)})")
    return " ; ".join(parts)


def _summary_steps(
    lists: Sequence[CandidateList],
    won: Mapping[str, int],
    excluded: Sequence[str],
    elected: Sequence[ElectedCandidate],
    unallocated: int,
    unresolved: bool,
) -> list[Step]:
    parts = []
    for lst in lists:
        if lst.code in excluded:
            parts.append(f"liste {lst.code} : exclue")
        else:
            parts.append(f"liste {lst.code} : {_n(won[lst.code], 'siège')}")
    text = "Répartition : " + " ; ".join(parts) + "."
    if unallocated:
        why = " (égalité non départagée)" if unresolved else ""
        text += f" Sièges non attribués : {unallocated}{why}."
    steps = [Step(text, (ART_176,))]
    if elected:
        by_list = []
        for lst in lists:
            names = [f"n°{e.rank} {e.name}" for e in elected if e.list_code == lst.code]
            if names:
                by_list.append(f"liste {lst.code} : {', '.join(names)}")
        steps.append(
            Step(
                "Candidats proclamés élus, dans l'ordre de présentation de chaque liste : "
                + " ; ".join(by_list)
                + ".",
                (ART_176,),
            )
        )
    return steps


# --------------------------------------------------------------------------------------------
# Vacancies (Art. 189)


@dataclass(frozen=True)
class VacancyOutcome:
    """Who fills a vacant communal seat (Art. 189), or whether a by-election is due."""

    successor: ElectedCandidate | None
    by_election: bool
    steps: tuple[Step, ...]


def _months_before(d: date, months: int) -> date:
    year, month = divmod(d.year * 12 + (d.month - 1) - months, 12)
    month += 1
    day = d.day
    while True:
        try:
            return date(year, month, day)
        except ValueError:
            day -= 1


def fill_communal_vacancy(
    candidate_list: CandidateList,
    last_called_rank: int,
    vacancy_date: date,
    mandate_end: date,
    unavailable_ranks: frozenset[int] = frozenset(),
) -> VacancyOutcome:
    """Fill a vacant communal seat (Art. 189).

    The seat goes to the candidate "venant sur la liste immédiatement après le dernier élu":
    the first rank after ``last_called_rank`` (the last candidate of the list called to sit,
    at the election or at an earlier vacancy) who is not in ``unavailable_ranks`` (deceased,
    ineligible or declining — "il est ainsi procédé jusqu'à épuisement de la liste"). When the
    list is exhausted, a by-election is held unless the vacancy occurs within the last twelve
    months of the mandate (from the same calendar day twelve months before its end).
    """
    size = len(candidate_list.candidates)
    if not 1 <= last_called_rank <= size:
        raise LawError(
            "rank_out_of_list",
            f"le rang du dernier élu ({last_called_rank}) n'existe pas sur la liste "
            f"{candidate_list.code} ({size} candidats)",
            ("189",),
            "last_called_rank",
        )
    steps: list[Step] = []
    code = candidate_list.code
    for rank in range(last_called_rank + 1, size + 1):
        if rank in unavailable_ranks:
            steps.append(
                Step(
                    f"{_candidate_label(candidate_list, rank)} ne peut occuper le siège : "
                    "on passe au candidat suivant.",
                    ("189",),
                )
            )
            continue
        steps.append(
            Step(
                f"Le siège vacant revient à {_candidate_label(candidate_list, rank)}, qui vient "
                "sur la liste immédiatement après le dernier élu.",
                ("189",),
            )
        )
        successor = ElectedCandidate(code, rank, candidate_list.candidates[rank - 1].name)
        return VacancyOutcome(successor, False, tuple(steps))

    window_start = _months_before(mandate_end, 12)
    in_last_year = window_start <= vacancy_date <= mandate_end
    if in_last_year:
        steps.append(
            Step(
                f"La liste {code} est épuisée, mais la vacance ({fr_date(vacancy_date)}) "
                "intervient dans les douze derniers mois du mandat (fin le "
                f"{fr_date(mandate_end)}) : pas d'élection partielle.",
                ("189",),
            )
        )
    else:
        steps.append(
            Step(
                f"La liste {code} est épuisée et la vacance ({fr_date(vacancy_date)}) "
                "n'intervient pas dans les douze derniers mois du mandat (fin le "
                f"{fr_date(mandate_end)}) : il y a lieu à élection partielle.",
                ("189",),
            )
        )
    return VacancyOutcome(None, not in_last_year, tuple(steps))


__all__ = [
    "ListCandidate",
    "CandidateList",
    "ElectedCandidate",
    "SeatAllocation",
    "VacancyOutcome",
    "allocate_communal_seats",
    "check_communal_lists",
    "fill_communal_vacancy",
    "fr_average",
    "fr_date",
    "fr_share_against",
]
