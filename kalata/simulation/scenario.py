"""The simulated electorate, candidacies and ballots: pure functions, no Django, no clock.

Everything is drawn from ``random.Random`` generators seeded with the simulation's seed and a
stable label (a commune, station or contest code), so the same seed gives the same figures
whatever the order in which stations are processed, and a station's figures do not depend on the
database ids.

Figures of reference (the seed accounts of the 2002 and 2007 elections):

* 2007 presidential, final (Court): incumbent 71.20 %, runner-up 19.15 %; provisional 70.89 %
  and 19.08 %, then 3.04, 2.74, 1.57, 1.46, 0.54 and 0.30 % for the six others; turnout 36.17 %
  of 6.9 million registered electors; 24 % in Bamako and 38 % in the countryside; in Bamako the
  incumbent had about 54 % and the runner-up about 39 %, in the countryside about 71 % and 18 %.
* 2002 presidential: 24 candidates, no absolute majority in the first round, a second round won
  with 65 % (the ``runoff`` scenario: no candidate near a majority).
* 2007 legislative: 55 constituencies, 8 decided in the first round; turnout 33.39 %, second
  round 12 % in Bamako and 33 % in the countryside.

Sampling uses normal and Poisson approximations of the binomial (fast, good enough for figures
that only need to look like real minutes); every figure is then a whole number and the minutes
add up exactly (null + valid = voters; the votes add up to the valid votes).
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from kalata.simulation.names import (
    FAMILY_NAMES,
    FEMALE_FIRST_NAMES,
    INDEPENDENT_TITLES,
    MALE_FIRST_NAMES,
    OBSERVATIONS,
    PARTIES,
    PRESIDENTIAL_FIELD,
)

PRESIDENTIAL = "presidential"
LEGISLATIVE = "legislative"
COMMUNAL = "communal"
REFERENDUM = "referendum"
KINDS = (PRESIDENTIAL, LEGISLATIVE, COMMUNAL, REFERENDUM)
NATIONAL_KINDS = (PRESIDENTIAL, REFERENDUM)

BAMAKO = "D09"
ABROAD = "EXT"

#: Registered electors by default: 2007 had 6.9 million; a few hundred thousand abroad vote in
#: the embassies and consulates (presidential election and referendum only, Art. 125, 140).
DEFAULT_DOMESTIC_ELECTORS = 6_700_000
DEFAULT_ABROAD_ELECTORS = 300_000

#: Share of the registered electors abroad among the voters of each mission (a weight; a
#: mission added by an administrator and missing here weighs ``DEFAULT_MISSION_WEIGHT``).
MISSION_WEIGHTS = {
    "AMB-CI-ABIDJAN": 30,
    "CG-CI-BOUAKE": 10,
    "AMB-BF-OUAGADOUGOU": 12,
    "AMB-FR-PARIS": 11,
    "AMB-GN-CONAKRY": 10,
    "AMB-SN-DAKAR": 9,
    "CG-SA-DJEDDAH": 7,
    "AMB-NE-NIAMEY": 7,
    "AMB-MA-RABAT": 4,
}
DEFAULT_MISSION_WEIGHT = 3

# --------------------------------------------------------------------------------------------
# Random helpers
# --------------------------------------------------------------------------------------------


def rng_for(seed: int, *labels: object) -> random.Random:
    """A generator for one purpose and one unit: deterministic from the seed and the labels
    (string seeds are hashed with SHA-512 by ``random``, independent of ``PYTHONHASHSEED``)."""
    return random.Random(":".join(str(x) for x in (seed, *labels)))


def poisson(rng: random.Random, lam: float) -> int:
    """A Poisson draw (Knuth), for small means."""
    if lam <= 0:
        return 0
    limit = math.exp(-lam)
    k, p = 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def binomial(rng: random.Random, n: int, p: float) -> int:
    """An approximately binomial draw: Poisson in the tails, normal elsewhere, within [0, n]."""
    if n <= 0 or p <= 0.0:
        return 0
    if p >= 1.0:
        return n
    mean = n * p
    if mean < 15.0:
        return min(n, poisson(rng, mean))
    if n - mean < 15.0:
        return n - min(n, poisson(rng, n - mean))
    k = round(mean + rng.gauss(0.0, 1.0) * math.sqrt(mean * (1.0 - p)))
    return min(n, max(0, k))


def multinomial(rng: random.Random, n: int, weights: Sequence[float]) -> list[int]:
    """``n`` split among normalised ``weights`` by successive conditional binomials."""
    out: list[int] = []
    remaining, rest = n, 1.0
    for w in weights[:-1]:
        if remaining <= 0 or rest <= 0.0:
            out.append(0)
            continue
        k = binomial(rng, remaining, min(1.0, w / rest))
        out.append(k)
        remaining -= k
        rest -= w
    out.append(remaining)
    return out


def jitter(rng: random.Random, sigma: float) -> float:
    """A multiplicative log-normal factor around 1."""
    return math.exp(rng.gauss(0.0, sigma))


def normalise(weights: Mapping[str, float]) -> dict[str, float]:
    total = sum(weights.values())
    return {k: v / total for k, v in weights.items()}


# --------------------------------------------------------------------------------------------
# Registered electors
# --------------------------------------------------------------------------------------------


def apportion(total: int, weights: Sequence[tuple[str, int]]) -> dict[str, int]:
    """Split ``total`` in proportion to integer ``weights`` (largest remainders, ties by code):
    exact, so the parts always add up to ``total``."""
    whole = sum(w for _, w in weights)
    if total <= 0 or whole <= 0:
        return {code: 0 for code, _ in weights}
    quotas = [(code, total * w // whole, total * w % whole) for code, w in weights]
    left = total - sum(q for _, q, _ in quotas)
    bonus = {code for code, _, _ in sorted(quotas, key=lambda t: (-t[2], t[0]))[:left]}
    return {code: q + (code in bonus) for code, q, _ in quotas}


def electors_by_unit(
    seed: int,
    communes: Sequence[tuple[str, int]],
    missions: Sequence[str],
    domestic: int,
    abroad: int,
) -> dict[str, int]:
    """Registered electors per commune (in proportion to its population, with a registration
    rate varying a little from one commune to another) and per mission."""
    weights = []
    for code, population in sorted(communes):
        factor = jitter(rng_for(seed, "registration", code), 0.08)
        weights.append((code, max(1, round((population or 0) * factor * 100))))
    out = apportion(domestic, weights) if weights else {}
    if missions and abroad:
        mission_weights = [
            (code, MISSION_WEIGHTS.get(code, DEFAULT_MISSION_WEIGHT)) for code in sorted(missions)
        ]
        out.update(apportion(abroad, mission_weights))
    return {code: n for code, n in out.items() if n > 0}


# --------------------------------------------------------------------------------------------
# Regions: turnout, null ballots, when the minutes arrive
# --------------------------------------------------------------------------------------------

#: Presidential first-round turnout by region (2007: 24 % in Bamako, 38 % in the countryside).
BASE_TURNOUT = {
    BAMAKO: 0.24,
    ABROAD: 0.30,
    "R01": 0.37,
    "R02": 0.38,
    "R03": 0.39,
    "R04": 0.40,
    "R05": 0.40,
    "R06": 0.36,
    "R07": 0.38,
    "R08": 0.35,
}
#: Turnout of each kind of vote relative to the presidential first round: (Bamako, elsewhere).
TURNOUT_FACTOR = {
    (PRESIDENTIAL, 1): (1.0, 1.0),
    (PRESIDENTIAL, 2): (0.85, 0.9),
    (LEGISLATIVE, 1): (0.85, 0.9),  # 2007: 33.39 %
    (LEGISLATIVE, 2): (0.5, 0.87),  # 2007: 12 % in Bamako, 33 % in the countryside
    (COMMUNAL, 1): (0.9, 1.1),
    (REFERENDUM, 1): (0.75, 0.8),
}
#: Null ballots (blank included, Art. 85), share of voters.
BASE_NULL = {PRESIDENTIAL: (0.035, 0.045), LEGISLATIVE: (0.04, 0.05)}
DEFAULT_NULL = (0.04, 0.05)

#: Hours after the close of the poll within which the minutes reach the commission.
ARRIVAL_HOURS = {
    BAMAKO: (1.0, 10.0),
    ABROAD: (6.0, 48.0),
    "R06": (10.0, 72.0),
    "R07": (10.0, 60.0),
    "R08": (12.0, 84.0),
}
DEFAULT_ARRIVAL_HOURS = (3.0, 36.0)


def turnout_base(kind: str, round_number: int, region: str) -> float:
    bamako, elsewhere = TURNOUT_FACTOR.get((kind, round_number), (1.0, 1.0))
    factor = bamako if region == BAMAKO else elsewhere
    return BASE_TURNOUT.get(region, 0.38) * factor


def null_base(kind: str, region: str) -> float:
    bamako, elsewhere = BASE_NULL.get(kind, DEFAULT_NULL)
    return bamako if region in (BAMAKO, ABROAD) else elsewhere


def arrival_hours(seed: int, round_number: int, station_code: str, region: str) -> float:
    low, high = ARRIVAL_HOURS.get(region, DEFAULT_ARRIVAL_HOURS)
    r = rng_for(seed, "arrival", round_number, station_code).random()
    return low + (high - low) * r * r  # most minutes early, a tail of late ones


# --------------------------------------------------------------------------------------------
# Candidacies
# --------------------------------------------------------------------------------------------


def person_name(rng: random.Random, female: bool | None = None) -> str:
    if female is None:
        female = rng.random() < 0.3
    first = rng.choice(FEMALE_FIRST_NAMES if female else MALE_FIRST_NAMES)
    return f"{first} {rng.choice(FAMILY_NAMES)}"


def birth_date(rng: random.Random, on: date, youngest: int, oldest: int) -> date:
    age = rng.randint(youngest, oldest)
    return date(on.year - age - 1, rng.randint(1, 12), rng.randint(1, 28))


def presidential_candidates(seed: int, polling_date: date) -> list[dict]:
    """The eight candidacies (Art. 127), fictional names, parties modelled on 2007."""
    rng = rng_for(seed, "presidential-candidates")
    names: set[str] = set()
    out = []
    for order, (code, party, female) in enumerate(PRESIDENTIAL_FIELD, start=1):
        name = person_name(rng, female)
        while name in names:
            name = person_name(rng, female)
        names.add(name)
        out.append(
            {
                "code": code,
                "name": name,
                "party": party,
                "order": order,
                # Art. 31 of the Constitution: at least 35 years old.
                "birth_date": birth_date(rng, polling_date, 45, 72),
            }
        )
    return out


def _members(rng: random.Random, seats: int, on: date, taken: set) -> list[tuple]:
    """``seats`` candidates (rank, name, birth date), none already on a list of the contest."""
    members = []
    for rank in range(1, seats + 1):
        while True:
            person = (person_name(rng), birth_date(rng, on, 25, 70))
            if person not in taken:
                break
        taken.add(person)
        members.append((rank, *person))
    return members


def list_candidacies(
    seed: int, kind: str, contest_code: str, seats: int, polling_date: date
) -> tuple[list[dict], dict[str, float]]:
    """The lists of a legislative (2 to 6 lists) or communal (3 to 8) contest, each with as many
    candidates as seats (Art. 58, 145, 185), and the strength of each list for the ballots.

    A legislative constituency with one seat gets single candidates (Art. 144, "le candidat ou
    la liste"). Lists of a contest never share a party, a title or a candidate (Art. 58).
    """
    rng = rng_for(seed, kind, "lists", contest_code)
    if kind == LEGISLATIVE:
        # Many lists and evenly matched ones, so that most constituencies need a second round
        # (2007: 8 of 55 decided in the first round).
        count = rng.choice((2, 3, 4, 5, 5, 6, 6))
        power, sigma = 0.5, 0.45
    else:
        count = rng.randint(3, 8)
        power, sigma = 1.0, 0.6
    independents = rng.randint(0, min(2, count - 1))
    parties = rng.sample(PARTIES, count - independents)
    titles = rng.sample(INDEPENDENT_TITLES, independents)
    single = kind == LEGISLATIVE and seats == 1
    taken: set = set()
    specs: list[dict] = []
    strength: dict[str, float] = {}
    entries = [(acr, name, weight) for acr, name, weight in parties]
    entries += [(None, title, 0.6) for title in titles]
    rng.shuffle(entries)
    for order, (acronym, name, weight) in enumerate(entries, start=1):
        code = f"L{order:02d}"
        party = f"{name} ({acronym})" if acronym else ""
        title = f"Liste {acronym}" if acronym else f"Liste indépendante « {name} »"
        strength[code] = weight**power * jitter(rng, sigma)
        if single:
            person = _members(rng, 1, polling_date, taken)[0]
            specs.append(
                {
                    "code": code,
                    "kind": "candidate",
                    "name": person[1],
                    "party": party or f"Indépendant ({name})",
                    "order": order,
                    "birth_date": person[2],
                }
            )
        else:
            specs.append(
                {
                    "code": code,
                    "kind": "list",
                    "name": title,
                    "party": party,
                    "order": order,
                    "members": _members(rng, seats, polling_date, taken),
                }
            )
    return specs, strength


# --------------------------------------------------------------------------------------------
# Strength of each selection by region
# --------------------------------------------------------------------------------------------

_P2007_COUNTRY = (73.0, 17.3, 2.55, 1.95, 1.3, 1.25, 0.47, 0.26)
_P2007_BAMAKO = (55.0, 36.5, 2.6, 2.8, 1.2, 1.1, 0.5, 0.3)
_P2007_ABROAD = (64.0, 26.0, 3.0, 2.5, 1.5, 1.5, 0.8, 0.7)
# 2002-like: many strong candidates, nobody near a majority.
_RUNOFF_COUNTRY = (31.0, 24.0, 17.0, 9.0, 6.5, 5.5, 4.0, 3.0)
_RUNOFF_BAMAKO = (24.0, 28.0, 23.0, 8.0, 6.0, 5.0, 3.5, 2.5)
_RUNOFF_ABROAD = (30.0, 26.0, 19.0, 8.0, 6.0, 5.0, 3.5, 2.5)
#: Regional strongholds: (region, candidate) -> factor.
_TILTS = {
    ("R01", "C03"): 2.0,
    ("R03", "C04"): 2.2,
    ("R04", "C05"): 1.6,
    ("R07", "C06"): 3.0,
    ("R02", "C02"): 1.15,
    ("R06", "C01"): 1.06,
    ("R07", "C01"): 1.06,
    ("R08", "C01"): 1.08,
}
_REFERENDUM = {BAMAKO: (58.0, 42.0), ABROAD: (68.0, 32.0)}
_REFERENDUM_COUNTRY = (74.0, 26.0)


def presidential_weights(region: str, runoff: bool) -> dict[str, float]:
    if runoff:
        table = {BAMAKO: _RUNOFF_BAMAKO, ABROAD: _RUNOFF_ABROAD}.get(region, _RUNOFF_COUNTRY)
    else:
        table = {BAMAKO: _P2007_BAMAKO, ABROAD: _P2007_ABROAD}.get(region, _P2007_COUNTRY)
    codes = [code for code, _, _ in PRESIDENTIAL_FIELD]
    return normalise(
        {c: w * _TILTS.get((region, c), 1.0) for c, w in zip(codes, table, strict=True)}
    )


def referendum_weights(region: str) -> dict[str, float]:
    yes, no = _REFERENDUM.get(region, _REFERENDUM_COUNTRY)
    return normalise({"OUI": yes, "NON": no})


def second_round_weights(
    first: Mapping[str, float], finalists: Sequence[str], rng: random.Random
) -> dict[str, float]:
    """Round-2 strengths: each finalist keeps its voters and wins a share of the eliminated
    candidates' voters, mostly in proportion to its own strength."""
    a, b = finalists
    wa, wb = first.get(a, 0.0), first.get(b, 0.0)
    rest = sum(v for k, v in first.items() if k not in (a, b))
    share_a = (wa / (wa + wb) if wa + wb else 0.5) * jitter(rng, 0.15)
    share_a = min(0.9, max(0.1, share_a))
    return normalise({a: wa + rest * share_a + 1e-9, b: wb + rest * (1 - share_a) + 1e-9})


# --------------------------------------------------------------------------------------------
# Minutes
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitProfile:
    """How a commune or mission votes in one contest: turnout, null ballots, strengths."""

    turnout: float
    null_rate: float
    weights: tuple[tuple[str, float], ...]


def unit_profile(
    seed: int,
    label: str,
    kind: str,
    round_number: int,
    region: str,
    base: Mapping[str, float],
    codes: Sequence[str],
) -> UnitProfile:
    """The profile of one unit (commune or mission) for one contest of one round."""
    rng = rng_for(seed, "unit", round_number, label)
    turnout = min(0.85, max(0.03, turnout_base(kind, round_number, region) * jitter(rng, 0.12)))
    null_rate = min(0.15, max(0.005, null_base(kind, region) * jitter(rng, 0.25)))
    majors = sorted(base, key=lambda c: -base[c])[:2]
    raw = {}
    for code in codes:
        sigma = 0.12 if code in majors else 0.35
        raw[code] = max(base.get(code, 0.0), 1e-6) * jitter(rng, sigma)
    weights = normalise(raw)
    return UnitProfile(turnout, null_rate, tuple((c, weights[c]) for c in codes))


def station_figures(
    seed: int, round_number: int, station_code: str, registered: int, profile: UnitProfile
) -> dict:
    """The true figures of one polling station's minutes (consistent, Art. 84–87)."""
    rng = rng_for(seed, "station", round_number, station_code)
    rate = min(0.9, max(0.0, profile.turnout * jitter(rng, 0.07)))
    voters = binomial(rng, registered, rate)
    null = binomial(rng, voters, profile.null_rate)
    valid = voters - null
    codes = [c for c, _ in profile.weights]
    votes = multinomial(rng, valid, [w for _, w in profile.weights])
    return {
        "registered": registered,
        "voters": voters,
        "envelopes": voters,
        "null_ballots": null,
        "valid_votes": valid,
        "votes": dict(zip(codes, votes, strict=True)),
        "members_present": rng.choice((5, 5, 5, 4, 4, 3)),
        "refusals_to_sign": 0,
        "observations": "RAS" if rng.random() < 0.6 else "",
    }


# --------------------------------------------------------------------------------------------
# Faults
# --------------------------------------------------------------------------------------------

#: What goes wrong with the minutes, per sheet: code, probability, what it is.
#: E03 and E04 block the minutes; W01, W06, W13 need an acknowledgement with a reason.
FAULTS = (
    ("E03", 0.010, "nuls + exprimés ≠ votants sur le PV (émargements mal comptés)"),
    ("E04", 0.005, "voix mal lues sur une copie illisible du PV (somme ≠ exprimés)"),
    ("W01", 0.025, "enveloppes ≠ émargements"),
    ("W13", 0.010, "observations consignées au PV"),
    ("W06", 0.005, "refus de signer le PV"),
)
FAULT_CODES = tuple(code for code, _, _ in FAULTS)
FAULT_LABELS = {code: label for code, _, label in FAULTS}
#: Share of sheets where one of the two clerks mistypes one field.
TYPO_RATE = 0.04
#: Share of the minutes that arrive after the partial results are first looked at.
LATE_RATE = 0.05


@dataclass(frozen=True)
class Plan:
    """What happens to one sheet: its fault (or None) and the entry with a typo (1, 2, None)."""

    fault: str | None
    typo_entry: int | None
    typo_field: str | None


def draw_plan(seed: int, round_number: int, station_code: str, codes: Sequence[str], scale: float):
    rng = rng_for(seed, "plan", round_number, station_code)
    r = rng.random()
    fault = None
    for code, p, _ in FAULTS:
        if r < p * scale:
            fault = code
            break
        r -= p * scale
    typo_entry = typo_field = None
    if rng.random() < TYPO_RATE * scale:
        typo_entry = rng.choice((1, 2))
        fields = ["voters", "null_ballots", "valid_votes", "envelopes"]
        fields += [f"votes.{c}" for c in codes]
        typo_field = rng.choice(fields)
    return Plan(fault, typo_entry, typo_field)


def ensure_each_fault(plans: dict[str, Plan], order: Sequence[str]) -> dict[str, Plan]:
    """At least one sheet of each fault when there are enough sheets (small simulations
    still show every check at work); the sheets taken are the first faultless ones in
    ``order`` (a deterministic order)."""
    if len(order) < 4 * len(FAULTS):
        return plans
    present = {p.fault for p in plans.values()}
    free = iter(code for code in order if plans[code].fault is None)
    out = dict(plans)
    for fault in FAULT_CODES:
        if fault not in present:
            code = next(free)
            out[code] = Plan(fault, None, None)
    return out


def _mistype(value: int, rng: random.Random) -> int:
    """A plausible typing error: two digits swapped, a digit changed, dropped or doubled."""
    text = str(value)
    for _ in range(10):
        how = rng.randrange(4)
        if how == 0 and len(text) >= 2:
            i = rng.randrange(len(text) - 1)
            new = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        elif how == 1:
            i = rng.randrange(len(text))
            new = text[:i] + str(rng.randrange(10)) + text[i + 1 :]
        elif how == 2 and len(text) >= 2:
            i = rng.randrange(len(text))
            new = text[:i] + text[i + 1 :]
        else:
            i = rng.randrange(len(text))
            new = text[: i + 1] + text[i] + text[i + 1 :]
        if new and int(new) != value:
            return int(new)
    return value + 10


def with_typo(figures: dict, field: str, seed: int, label: str) -> dict:
    """A copy of ``figures`` with one field mistyped."""
    rng = rng_for(seed, "typo", label)
    out = dict(figures)
    if field.startswith("votes."):
        code = field[len("votes.") :]
        out["votes"] = dict(figures["votes"])
        out["votes"][code] = _mistype(figures["votes"][code], rng)
    else:
        out[field] = _mistype(figures[field], rng)
    return out


def paper_figures(truth: dict, fault: str | None, seed: int, label: str) -> dict:
    """The figures the clerks read on the paper (or on the copy they were handed)."""
    if fault is None:
        return truth
    rng = rng_for(seed, "fault", label)
    out = dict(truth)
    voters, registered = truth["voters"], truth["registered"]
    if fault == "E03":
        # The bureau counted the signatures wrongly: voters ≠ null + valid (envelopes right).
        d = rng.randint(1, 6)
        out["voters"] = voters + d if voters + d <= registered else max(0, voters - d)
        if out["voters"] == voters:
            out["voters"] = voters + 1
    elif fault == "E04":
        # A digit of one candidate's votes misread on a poor copy: votes ≠ valid votes.
        code = max(truth["votes"], key=lambda c: truth["votes"][c])
        out["votes"] = dict(truth["votes"])
        out["votes"][code] = _mistype(truth["votes"][code], rng)
    elif fault == "W01":
        d = rng.randint(1, 3)
        out["envelopes"] = voters + d if rng.random() < 0.5 or voters < d else voters - d
    elif fault == "W13":
        out["observations"] = rng.choice(OBSERVATIONS)
    elif fault == "W06":
        out["refusals_to_sign"] = rng.randint(1, 2)
    return out


#: Reasons the commission's president writes when acknowledging each warning.
ACK_REASONS = {
    "W01": "Écart entre enveloppes et émargements mentionné au procès-verbal par le bureau "
    "(art. 84) ; sans effet sur les suffrages décomptés.",
    "W02": "Participation vérifiée sur la liste d'émargement jointe au procès-verbal.",
    "W03": "Score vérifié sur la feuille de dépouillement ; cohérent avec les bureaux voisins.",
    "W04": "Bulletins nuls vérifiés : décompte contresigné par les délégués présents.",
    "W05": "Absence de votants confirmée par le rapport du président du bureau.",
    "W06": "Refus de signer du délégué mentionné au procès-verbal ; le représentant de la CENI "
    "en fait état dans son rapport (art. 87).",
    "W07": "Composition du bureau vérifiée auprès de son président.",
    "W10": "Composition du bureau vérifiée auprès de son président.",
    "W13": "Observations examinées par la commission et transmises avec le procès-verbal au juge "
    "de l'élection (art. 86).",
}
DEFAULT_ACK_REASON = "Vérifié par la commission sur l'original du procès-verbal."
