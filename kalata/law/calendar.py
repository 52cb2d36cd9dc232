"""The legal calendar of an election: every deadline the law sets, from the polling date.

Loi n°02-007 modifiée, Art. 48, 49, 59, 67, 68, 74, 75, 77, 78, 80, 88 (Titre I, common
provisions); 125 (referendum); 127, 128, 131, 133, 135–138, 141 (President); 144, 145,
147–149, 153 (deputies); 156, 159, 160, 162, 164, 165, 168, 169, 171, 172, 175 (national
councillors); 185, 186, 188 (communal councillors).

``legal_calendar(election_type, polling_date)`` gives, for one election type and a polling date,
each deadline with its date (and time where the law counts in hours or names an hour), the
article(s) that set it, a French label and a French explanation of the arithmetic; the events
whose date depends on an act the law does not date (the Court's publication of the presidential
candidates, the publication of results …) are listed apart with the delay that runs from that
act. ``check_decreed_calendar`` compares a decreed calendar with the law and names each deviation.

How the law's delays are counted
--------------------------------
The law uses several wordings; each is counted as a Malian judge, following the French tradition
of computing delays the law inherits, would count it. ``P`` is the polling day.

* Ordinary delay before the vote — "soixante jours au moins avant la date des élections" (77),
  "au plus tard le trentième jour précédant le scrutin" (133), "au plus tard le quarantième jour
  précédant" (147), "quarante cinq (45) jours au plus tard avant" (185), "vingt cinq jours avant"
  (159), "au moins quinze / dix / sept jours avant" (74, 75, 168, 169), "au plus tard le huitième
  jour avant" (67), "au plus tard trois jours avant" (48), "commence trente jours avant" (49),
  "Vingt et un jours avant" (148): ``P - N``. The day of the act is not counted (dies a quo non
  computatur) and the polling day is, so "the 30th day preceding the vote" is P − 30 (the first
  day preceding it is P − 1), and a decree published on P − 60 leaves sixty days (P − 59 … P).
* Clear delay ("délai franc", 128, presidential convocation only): neither the day of
  publication nor the polling day counts, so sixty whole days must lie between them and the
  decree must be published on P − 61 at the latest: one day earlier than for the other elections.
* Delay after an act — "dans les cinq (5) jours qui suivent la date du scrutin" (141, 149),
  "dans les deux jours qui suivent la déclaration" (135), "dans les cinq jours qui suivent la
  clôture" (185), "sous huitaine" (88), "dans les cinq jours suivant la publication" (156),
  "cinq / dix jours à compter de la réception" (162, 185): ``act + N`` (the act's day not counted).
* Delays in hours — "dans les quarante huit heures qui suivent la déclaration" (68), "dans les
  48 heures après la date limite" (160), "au plus tard quarante huit heures après la
  publication" (162), "dans les 48 heures qui suivent la publication" (185), "vingt quatre heures
  au plus tard après la publication" (137): counted from the moment of the act. When the act is
  a deadline day, the latest moment it can happen is the end of that day (24:00), so the latest
  possible end of the delay is 24:00 on the day ``act + hours / 24``. These events carry a time.
  This reading is confirmed by the law's own arithmetic: communal lists published on P − 42 at
  the latest (185), challenges 48 h after (P − 40, 24:00), the judge's ten days (P − 30) fall
  exactly on the "au plus tard trente (30) jours avant le scrutin" of the same article.
* Months — "au moins un mois avant le scrutin" (125), "six mois avant l'ouverture de la
  campagne" (131): calendar months, counted backward from the anchor to the same day number
  (31 March → 28 or 29 February when that day does not exist: the last day of the month), never a
  fixed number of days.
* "le deuxième dimanche suivant" (127, 144): the second Sunday strictly after the first round,
  i.e. P + 14 for a Sunday vote.
* Campaign (59, 164): it opens "à partir du vingt et unième / seizième jour qui précède" the vote,
  at 0 h on P − 21 / P − 16, and "prend fin le jour précédant la veille du scrutin à minuit": the
  eve is P − 1, the day preceding it P − 2, at midnight = at the end of that day, P − 2 at 24:00.
  Decree n°04-073/074 of 5 March 2004 applies exactly this: vote Sunday 23 May 2004, campaign
  from Friday 7 May at 0 h to Friday 21 May at midnight.
* No delay is extended when it ends on a Saturday, Sunday or holiday: this law never says so
  for these delays, and where it wants it, it says it expressly (Art. 33: "le 15 octobre … ou
  jusqu'au dernier jour ouvrable qui le précède"). The 2007 presidential deposit (135) was thus
  due by Sunday 1 April 2007 for a declaration on the last day, Friday 30 March.

Which provisions apply to which election
----------------------------------------
Titre I holds the common provisions ("dispositions communes"): they apply to every election
unless a special title displaces them. Titre III (President) confirms it (132) and adds its own
rules; Titre IV (deputies) and Titre VII (communal councillors) add theirs; Titre II
(referendum) adds the publication of the text (125) and nothing contrary to Titre I. Titre VI
(national councillors, voted by the college of communal councillors) is different: it restates
the convocation (171), the campaign (164) and the polling stations (167–170) in its own terms and
names the common articles that remain applicable — 60 to 67 (165), 70 (166), 80 to 88 (172).
Read a contrario, as a self-contained regime, the common articles it does not name do not apply
to it: no voter cards (48, 49), no fee (68), no 60-day convocation delay (77), no Sunday rule
(78), and 168/169 (seven days) replace 74/75. See the comments beside each rule.
"""

from __future__ import annotations

import calendar as _stdcal
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from kalata.law.explain import WEEKDAYS_FR, LawError, Step
from kalata.law.explain import fr_date as _fr_date


class ElectionType(StrEnum):
    """The five kinds of election the law organises, by their command-line names."""

    PRESIDENTIAL = "presidential"
    LEGISLATIVE = "legislative"
    COMMUNAL = "communal"
    REFERENDUM = "referendum"
    NATIONAL_COUNCILLORS = "national-councillors"

    @property
    def label_fr(self) -> str:
        return _TYPE_LABELS[self]


_TYPE_LABELS = {
    ElectionType.PRESIDENTIAL: "élection du Président de la République",
    ElectionType.LEGISLATIVE: "élection des députés à l'Assemblée nationale",
    ElectionType.COMMUNAL: "élection des conseillers communaux",
    ElectionType.REFERENDUM: "référendum",
    ElectionType.NATIONAL_COUNCILLORS: "élection des conseillers nationaux",
}


class Bound(StrEnum):
    """How a date binds: at the latest, at the earliest, or exactly on that day."""

    LATEST = "latest"
    EARLIEST = "earliest"
    EXACT = "exact"


def parse_election_type(text: str) -> ElectionType:
    """The ``ElectionType`` named by ``text``; a French ``LawError`` otherwise (Art. 1)."""
    try:
        return ElectionType(text)
    except ValueError:
        choices = ", ".join(t.value for t in ElectionType)
        raise LawError(
            code="unknown_election_type",
            message=f"type d'élection inconnu « {text} » ; types possibles : {choices}",
            articles=("1",),
            field="type",
        ) from None


# ---------------------------------------------------------------------------------------------
# French display of dates
# ---------------------------------------------------------------------------------------------


def fr_date(d: date) -> str:
    """A date in French, with its weekday: 'vendredi 7 mai 2004', 'dimanche 1er juillet 2007'.

    Display only (no article): the form decrees use, e.g. n°04-074 (campaign, Art. 59).
    """
    return _fr_date(d, weekday=True)


def fr_time(time: str) -> str:
    """A time of day in French: '24:00' -> 'minuit' (Art. 59), '00:00' -> '0 h', '18:00' -> '18 h'.

    Display only.
    """
    if time == "24:00":
        return "minuit"
    hours, minutes = time.split(":")
    return f"{int(hours)} h" + (f" {minutes}" if minutes != "00" else "")


def _fr_moment(d: date, time: str | None) -> str:
    return fr_date(d) if time is None else f"{fr_date(d)} à {fr_time(time)}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("s" if abs(n) > 1 else "")


# ---------------------------------------------------------------------------------------------
# Date arithmetic
# ---------------------------------------------------------------------------------------------


def months_before(anchor: date, months: int) -> date:
    """``anchor`` minus ``months`` calendar months (Art. 125, 131).

    Counted backward to the same day number; when the target month is shorter (31 March minus
    one month), the last day of that month (28/29 February). A month is never a fixed number
    of days: 15 March minus one month is 15 February (28 or 29 days), 15 August is 15 July (31).
    """
    index = anchor.year * 12 + (anchor.month - 1) - months
    year, month0 = divmod(index, 12)
    last = _stdcal.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(anchor.day, last))


def second_sunday_after(d: date) -> date:
    """The second Sunday strictly after ``d`` — "le deuxième dimanche suivant" (Art. 127, 144).

    For a Sunday first round this is 14 days later (28 April 2002 -> 12 May 2002).
    """
    first = d + timedelta(days=(6 - d.weekday()) or 7)
    return first + timedelta(days=7)


def _minutes(time: str | None) -> int:
    if time is None:
        return 0
    hours, minutes = time.split(":")
    return int(hours) * 60 + int(minutes)


def _instant(d: date, time: str | None) -> int:
    """Minutes since day 1 of the proleptic calendar; '24:00' is the next day's 0:00."""
    return d.toordinal() * 1440 + _minutes(time)


def _from_instant(minutes: int) -> tuple[date, str]:
    """Back to (date, 'HH:MM'); an instant at 0:00 is written as 24:00 of the day before,
    as the law writes "à minuit" for the end of a day."""
    ordinal, rest = divmod(minutes, 1440)
    if rest == 0:
        return date.fromordinal(ordinal - 1), "24:00"
    return date.fromordinal(ordinal), f"{rest // 60:02d}:{rest % 60:02d}"


@dataclass(frozen=True)
class _Offset:
    """How a rule's date follows from its anchor.

    unit: "days" (signed), "clear_days_before" (délai franc), "hours" (after), "months"
    (signed, calendar months), "second_sunday".
    """

    unit: str
    amount: int = 0


def _days(n: int) -> _Offset:
    return _Offset("days", n)


def _clear_days_before(n: int) -> _Offset:
    return _Offset("clear_days_before", n)


def _hours(n: int) -> _Offset:
    return _Offset("hours", n)


def _months(n: int) -> _Offset:
    return _Offset("months", n)


_SECOND_SUNDAY = _Offset("second_sunday")


def _apply(offset: _Offset, anchor: date, anchor_time: str | None, time: str | None):
    """(date, time) of a rule from its anchor's (date, time)."""
    if offset.unit == "days":
        return anchor + timedelta(days=offset.amount), time
    if offset.unit == "clear_days_before":
        return anchor - timedelta(days=offset.amount + 1), time
    if offset.unit == "months":
        if offset.amount < 0:
            return months_before(anchor, -offset.amount), time
        raise ValueError("months after an anchor: no rule of the law needs it")
    if offset.unit == "second_sunday":
        return second_sunday_after(anchor), time
    if offset.unit == "hours":
        # From the moment of the act; an act known only by its day happens at the latest at the
        # end of that day (24:00).
        start = _instant(anchor, anchor_time or "24:00")
        return _from_instant(start + offset.amount * 60)
    raise ValueError(f"unknown offset unit {offset.unit!r}")


def _arithmetic(offset: _Offset, anchor_text: str, result: date, time: str | None) -> str:
    """The French sentence that shows the computation (starting in lower case)."""
    out = _fr_moment(result, time)
    n = offset.amount
    if offset.unit == "days" and n < 0:
        return f"{anchor_text} − {_plural(-n, 'jour')} = {out}."
    if offset.unit == "days" and n > 0:
        return f"{anchor_text} + {_plural(n, 'jour')} = {out}."
    if offset.unit == "days":
        return f"le jour même : {out}."
    if offset.unit == "clear_days_before":
        return (
            f"{anchor_text} − ({n} + 1) jours = {out} : il reste alors {n} jours entiers "
            "entre la publication et le scrutin."
        )
    if offset.unit == "months":
        return f"{anchor_text} − {-n} mois (mois calendaire) = {out}."
    if offset.unit == "second_sunday":
        return f"le deuxième dimanche qui suit le {anchor_text} : {out}."
    if offset.unit == "hours":
        return f"{anchor_text} + {n} heures = {out}."
    raise ValueError(offset.unit)


# ---------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    """One deadline of the calendar.

    ``date`` is None for an event that runs from an act the law does not date (it is then in
    ``Calendar.relative_deadlines``). ``time`` ('HH:MM', '24:00' = end of the day) is given where
    the law counts in hours or names the hour. ``relative_to`` names the event the delay runs
    from when it is not the polling day; ``date`` is then the latest possible date, for an act
    done at the last legal moment. ``kind`` says whether the date is a latest date, an earliest
    date or the exact day.
    """

    event: str
    date: date | None
    time: str | None
    articles: tuple[str, ...]
    label_fr: str
    explanation_fr: str
    kind: Bound = Bound.LATEST
    relative_to: str | None = None

    def as_dict(self) -> dict:
        out: dict = {"event": self.event, "date": self.date.isoformat() if self.date else None}
        if self.time is not None:
            out["time"] = self.time
        out["articles"] = list(self.articles)
        out["label"] = self.label_fr
        out["kind"] = self.kind.value
        if self.relative_to is not None:
            out["relative_to"] = self.relative_to
        out["explanation"] = self.explanation_fr
        return out


@dataclass(frozen=True)
class Calendar:
    """The legal calendar of one election (see the module docstring for the articles).

    ``deadlines``: dated events in chronological order. ``relative_deadlines``: events whose
    delay runs from an act the law does not date. ``warnings``: the rules the polling date
    breaks. ``steps``: which provisions apply to this election and why.
    """

    election_type: ElectionType
    polling_date: date
    deadlines: tuple[Deadline, ...]
    relative_deadlines: tuple[Deadline, ...]
    warnings: tuple[Step, ...]
    steps: tuple[Step, ...]

    def get(self, event: str) -> Deadline | None:
        """The deadline of ``event`` (dated or relative), None when the law sets none."""
        for d in (*self.deadlines, *self.relative_deadlines):
            if d.event == event:
                return d
        return None

    def __getitem__(self, event: str) -> Deadline:
        found = self.get(event)
        if found is None:
            raise KeyError(event)
        return found

    @property
    def events(self) -> tuple[str, ...]:
        return tuple(d.event for d in (*self.deadlines, *self.relative_deadlines))

    def as_dict(self) -> dict:
        return {
            "election": self.election_type.value,
            "polling_date": self.polling_date.isoformat(),
            "deadlines": [d.as_dict() for d in self.deadlines],
            "relative_deadlines": [d.as_dict() for d in self.relative_deadlines],
            "warnings": [str(w) for w in self.warnings],
            "steps": [s.as_dict() for s in self.steps],
        }


@dataclass(frozen=True)
class Deviation:
    """A difference between a decreed calendar and the law.

    ``status``: "too_late" or "too_early" (a breach of the law), "not_in_law" (the law sets no
    such event for this election: reported, not a breach), "unverifiable" (the delay runs from an
    act whose date is neither in the law nor in the decreed calendar).
    """

    event: str
    label_fr: str
    decreed: date | datetime
    legal_date: date | None
    legal_time: str | None
    kind: Bound | None
    status: str
    breach: bool
    articles: tuple[str, ...]
    message_fr: str

    def as_dict(self) -> dict:
        out: dict = {
            "event": self.event,
            "label": self.label_fr,
            "decreed": _iso(self.decreed),
            "legal_date": self.legal_date.isoformat() if self.legal_date else None,
        }
        if self.legal_time is not None:
            out["legal_time"] = self.legal_time
        out.update(
            {
                "kind": self.kind.value if self.kind else None,
                "status": self.status,
                "breach": self.breach,
                "articles": list(self.articles),
                "message": self.message_fr,
            }
        )
        return out


def _iso(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    return value.isoformat()


# ---------------------------------------------------------------------------------------------
# The rules
# ---------------------------------------------------------------------------------------------

POLLING_DAY = "polling_day"


@dataclass(frozen=True)
class _Rule:
    """A deadline as the law states it: anchor, offset, the bound it sets, and its words.

    ``anchor`` is "polling_day", the key of an earlier rule, or None for an act the law does not
    date (the event is then undated unless a decreed calendar gives it).
    """

    event: str
    articles: tuple[str, ...]
    label: str
    text: str
    anchor: str | None = POLLING_DAY
    offset: _Offset | None = None
    kind: Bound = Bound.LATEST
    time: str | None = None


# Labels of every event any election can have (the keys a decreed calendar may use).
EVENT_LABELS: dict[str, str] = {
    "armed_forces_resignation_deadline": (
        "Date limite de démission des membres des Forces armées ou de sécurité candidats"
    ),
    "convocation_latest": "Date limite de publication du décret de convocation des électeurs",
    "candidacy_opens": "Ouverture du dépôt des candidatures",
    "referendum_text_published": "Date limite de publication du texte soumis au référendum",
    "electoral_list_published": "Publication de la liste électorale du collège électoral",
    "electoral_list_claims_deadline": "Date limite des recours contre la liste électorale",
    "card_commission_abroad_deadline": (
        "Date limite de notification des représentants aux commissions de distribution des "
        "cartes d'électeur (ambassades et consulats)"
    ),
    "list_title_notice_deadline": (
        "Date limite de notification du titre des groupements de partis et des indépendants"
    ),
    "candidacy_deadline": "Date limite de dépôt des déclarations de candidature",
    "deposit_deadline": "Date limite de versement du cautionnement",
    "fee_deadline": "Date limite de versement de la participation aux frais électoraux",
    "candidate_lists_published": "Publication des listes de candidatures",
    "candidacy_referral_deadline": (
        "Date limite de saisine du juge civil par le représentant de l'État"
    ),
    "candidacy_challenge_deadline": "Date limite de contestation des candidatures",
    "colour_conflict_ruling": "Décision de la Cour constitutionnelle sur les couleurs identiques",
    "judge_ruling_deadline": "Date limite de la décision du juge civil sur les candidatures",
    "court_ruling_on_candidacies": (
        "Décision de la Cour constitutionnelle sur la validité des candidatures"
    ),
    "final_electoral_list_published": (
        "Date limite de publication de la liste électorale définitive"
    ),
    "card_distribution_opens": "Début de la distribution des cartes d'électeur",
    "campaign_opens": "Ouverture de la campagne électorale",
    "polling_staff_appointed": "Date limite de nomination des membres des bureaux de vote",
    "delegates_notified": (
        "Date limite de communication des représentants des candidats ou listes dans les "
        "bureaux de vote"
    ),
    "poster_requests_deadline": "Date limite des demandes d'emplacements d'affichage",
    "card_delivery_deadline": "Date limite de remise des cartes d'électeur",
    "campaign_closes": "Clôture de la campagne électorale",
    POLLING_DAY: "Jour du scrutin (de 8 h à 18 h)",
    "provisional_results_deadline": "Date limite de proclamation des résultats provisoires",
    "signature_lists_deposited": "Date limite de dépôt des listes d'émargement",
    "results_challenge_deadline": "Date limite des requêtes en annulation des opérations",
    "rerun_after_annulment": "Nouvelles élections après annulation",
    "second_round": "Second tour (s'il y a lieu)",
    "second_round_provisional_results_deadline": (
        "Date limite de proclamation des résultats provisoires du second tour"
    ),
}


def _r(event: str, articles: tuple[str, ...], text: str, **kw) -> _Rule:
    return _Rule(event=event, articles=articles, label=kw.pop("label", EVENT_LABELS[event]),
                 text=text, **kw)  # fmt: skip


# --- Rules shared by several elections (Titre I) ---------------------------------------------


def _convocation_ordinary() -> _Rule:
    return _r(
        "convocation_latest",
        ("77",),
        "« publié au journal officiel soixante jours au moins avant la date des élections » "
        "(art. 77) : délai ordinaire, le jour de la publication n'est pas compté, le jour du "
        "scrutin l'est.",
        offset=_days(-60),
    )


def _card_distribution() -> list[_Rule]:
    return [
        _r(
            "card_distribution_opens",
            ("49",),
            "« La distribution commence trente jours avant le scrutin » (art. 49), par des "
            "commissions où siègent les représentants des candidats, partis ou listes en lice.",
            offset=_days(-30),
            kind=Bound.EXACT,
        ),
        _r(
            "card_delivery_deadline",
            ("48",),
            # P - 3, the day itself included. In 2007 the administration closed distribution
            # at midnight on 25 April for a 29 April vote (seed 000): earlier than the latest
            # day (Thursday 26 April), which complies.
            "La carte « doit être remise à chaque électeur au plus tard trois jours avant le "
            "scrutin » (art. 48) ; les cartes non distribuées vont sous pli au bureau de vote "
            "(art. 50).",
            offset=_days(-3),
        ),
    ]


def _campaign(days: int, articles: tuple[str, ...], who: str) -> list[_Rule]:
    ordinal = {21: "vingt et unième", 16: "seizième"}[days]
    return [
        _r(
            "campaign_opens",
            articles,
            f"La campagne est ouverte « à partir du {ordinal} jour » qui précède le scrutin "
            f"pour {who} ({', '.join('art. ' + a for a in articles)}), à 0 heure.",
            offset=_days(-days),
            kind=Bound.EXACT,
            time="00:00",
        ),
        _r(
            "campaign_closes",
            articles,
            "La campagne « prend fin le jour précédant la veille du scrutin à minuit » : la "
            "veille est le jour P − 1, le jour qui la précède P − 2, à minuit, c'est-à-dire à "
            "la fin de ce jour.",
            offset=_days(-2),
            kind=Bound.EXACT,
            time="24:00",
        ),
    ]


def _polling_staff_74() -> _Rule:
    return _r(
        "polling_staff_appointed",
        ("74",),
        "Le président et les quatre assesseurs du bureau de vote sont nommés « quinze (15) "
        "jours au moins avant la date du scrutin » (art. 74).",
        offset=_days(-15),
    )


def _delegates_75() -> _Rule:
    return _r(
        "delegates_notified",
        ("75",),
        "Le délégué ou mandataire de chaque liste ou candidat fournit la liste de ses "
        "représentants dans chaque bureau de vote « au moins dix jours avant le scrutin » "
        "(art. 75).",
        offset=_days(-10),
    )


def _posters(articles: tuple[str, ...] = ("67",)) -> _Rule:
    return _r(
        "poster_requests_deadline",
        articles,
        "Les emplacements d'affichage sont attribués dans l'ordre d'arrivée des demandes, "
        "« formulées au plus tard le huitième jour avant le scrutin » (art. 67"
        + (", rendu applicable par l'art. 165" if "165" in articles else "")
        + ").",
        offset=_days(-8),
    )


def _polling_day(articles: tuple[str, ...], text: str) -> _Rule:
    return _r(POLLING_DAY, articles, text, offset=_days(0), kind=Bound.EXACT)


_POLLING_TEXT = (
    "Le scrutin a lieu un dimanche (art. 78) ; il est ouvert à 8 heures et clos à 18 heures, "
    "les électeurs présents à la clôture étant admis à voter (art. 80)."
)


def _signature_lists(articles: tuple[str, ...] = ("88",)) -> _Rule:
    return _r(
        "signature_lists_deposited",
        articles,
        "Les listes d'émargement sont « déposées sous huitaine » au secrétariat de la commune, "
        "de l'ambassade ou du consulat (art. 88"
        + (", rendu applicable par l'art. 172" if "172" in articles else "")
        + ") : dans les huit jours qui suivent le scrutin.",
        offset=_days(8),
    )


def _fee(candidacy_day_text: str) -> _Rule:
    return _r(
        "fee_deadline",
        ("68",),
        "Le mandataire verse la participation non remboursable aux frais électoraux « dans "
        "les quarante huit heures qui suivent la déclaration de candidature » (art. 68). Le "
        "délai court de chaque déclaration ; pour une déclaration faite le dernier jour "
        f"({candidacy_day_text}), au plus tard à la fin de ce jour, il expire 48 heures après.",
        anchor="candidacy_deadline",
        offset=_hours(48),
        time="24:00",
    )


# --- Titre III: President of the Republic ----------------------------------------------------


def _presidential_rules() -> list[_Rule]:
    return [
        _r(
            "convocation_latest",
            ("77", "128"),
            "« soixante jours au moins avant la date des élections » (art. 77) ; pour l'élection "
            "du Président de la République, « le délai de convocation du collège … est un délai "
            "franc » (art. 128) : ni le jour de la publication ni le jour du scrutin ne sont "
            "comptés. La date limite est donc un jour plus tôt que pour les autres scrutins "
            "(P − 61 au lieu de P − 60).",
            offset=_clear_days_before(60),
        ),
        _r(
            "candidacy_opens",
            ("133",),
            "La déclaration de candidature est faite « à partir de la publication du décret "
            "convoquant les électeurs » (art. 133).",
            anchor="convocation_latest",
            offset=_days(0),
            kind=Bound.EARLIEST,
        ),
        _r(
            "candidacy_deadline",
            ("133",),
            "La déclaration est adressée au président de la Cour constitutionnelle « au plus "
            "tard le trentième jour précédant le scrutin » (art. 133).",
            offset=_days(-30),
        ),
        _r(
            "deposit_deadline",
            ("135",),
            "Le cautionnement de cinq millions de francs est payé « dans les deux jours qui "
            "suivent la déclaration de candidature » (art. 135) ; il tient lieu de "
            "participation aux frais (art. 68 et 139). Le délai court de chaque déclaration ; "
            "pour une déclaration faite le dernier jour :",
            label="Date limite de versement du cautionnement (cinq millions de francs)",
            anchor="candidacy_deadline",
            offset=_days(2),
        ),
        _r(
            "candidate_lists_published",
            ("136",),
            "La Cour constitutionnelle, après s'être assurée de la candidature et du versement "
            "du cautionnement, arrête et publie la liste des candidats (art. 136) ; la loi ne "
            "fixe pas de date.",
            label="Publication de la liste des candidats par la Cour constitutionnelle",
            anchor=None,
            kind=Bound.EXACT,
        ),
        _r(
            "candidacy_challenge_deadline",
            ("57", "137"),
            "Toute contestation est déférée à la Cour constitutionnelle « vingt quatre heures "
            "au plus tard après la publication de la liste des candidats » (art. 137 ; art. 57) "
            "; la Cour statue sans délai.",
            anchor="candidate_lists_published",
            offset=_hours(24),
        ),
        _r(
            "colour_conflict_ruling",
            ("138",),
            "Si plusieurs candidats adoptent la même couleur, la Cour se prononce sans recours "
            "« dans un délai de deux jours », priorité au premier déposant (art. 138).",
            anchor=None,
        ),
        # Art. 49, last paragraphs: abroad, candidates' representatives on the card-distribution
        # commissions are notified to the ambassador or consul 40 days before the vote. Only the
        # presidential election (and the referendum, which has no candidates) is voted abroad
        # (Art. 140, 143, 177), so only here does it bind a candidate. The law asks it from the
        # holder of a receipt 40 days before while candidacies close 30 days before (133): a
        # candidate who files after P − 40 cannot comply and the consul designates the members
        # himself (Art. 49, "en cas de carence"). Shown in the explanation, not as a warning: it
        # is a property of the law, not of the chosen date.
        _r(
            "card_commission_abroad_deadline",
            ("49",),
            "Le mandataire de chaque candidat titulaire d'un récépissé notifie à l'Ambassadeur "
            "ou au Consul ses représentants aux commissions de distribution « au plus tard "
            "quarante jours avant le scrutin » (art. 49). Cette date précède la clôture des "
            "candidatures (P − 30, art. 133) : pour un candidat déclaré après elle, les membres "
            "sont désignés par l'Ambassadeur ou le Consul (carence, art. 49).",
            offset=_days(-40),
        ),
        *_card_distribution(),
        *_campaign(21, ("59",), "l'élection du Président de la République"),
        _r(
            "armed_forces_resignation_deadline",
            ("131",),
            "Tout membre des Forces armées ou de sécurité candidat « doit démissionner six mois "
            "avant l'ouverture de la campagne » (art. 131) : six mois calendaires avant le jour "
            "d'ouverture.",
            anchor="campaign_opens",
            offset=_months(-6),
        ),
        _polling_staff_74(),
        _delegates_75(),
        _posters(),
        _polling_day(("78", "80", "132"), _POLLING_TEXT),
        _r(
            "provisional_results_deadline",
            ("141",),
            "Le ministre chargé de l'Administration territoriale proclame les résultats "
            "provisoires « dans les cinq (5) jours qui suivent la date du scrutin » (art. 141) ; "
            "la Cour constitutionnelle proclame les résultats définitifs (art. 142).",
            offset=_days(5),
        ),
        _signature_lists(),
        _r(
            "second_round",
            ("127",),
            "Si aucun candidat n'obtient la majorité absolue des suffrages exprimés, « il est "
            "procédé à un second tour le deuxième dimanche suivant » (art. 127) entre les deux "
            "premiers.",
            offset=_SECOND_SUNDAY,
            kind=Bound.EXACT,
        ),
        _r(
            "second_round_provisional_results_deadline",
            ("141",),
            "Résultats provisoires du second tour dans les cinq jours qui suivent ce scrutin "
            "(art. 141).",
            anchor="second_round",
            offset=_days(5),
        ),
    ]


# --- Titre IV: deputies ----------------------------------------------------------------------


def _legislative_rules() -> list[_Rule]:
    return [
        _convocation_ordinary(),
        _r(
            "list_title_notice_deadline",
            ("145",),
            "Le titre d'un groupement de partis ou de candidats indépendants est notifié au "
            "ministre « au plus tard la veille de la clôture du dépôt des déclarations de "
            "candidature » (art. 145) : la veille de P − 40.",
            offset=_days(-41),
        ),
        _r(
            "candidacy_deadline",
            ("147",),
            "La déclaration est déposée au Ministère chargé de l'Administration territoriale "
            "« au plus tard le quarantième jour précédant le scrutin » (art. 147).",
            offset=_days(-40),
        ),
        _fee("P − 40"),
        *_card_distribution(),
        # Art. 148 "Vingt et un jours avant la date des élections, la Cour statue": read as the
        # latest day for the ruling (its purpose is that the lists are final when the campaign
        # opens, the same day, Art. 59); in 2007 the Court ruled on 31 May for a 1 July vote.
        _r(
            "court_ruling_on_candidacies",
            ("148",),
            "« Vingt et un jours avant la date des élections, la Cour constitutionnelle statue "
            "sur la validité des candidatures reçues » (art. 148) : au plus tard ce jour-là, "
            "jour d'ouverture de la campagne ; l'arrêt est publié au Journal officiel.",
            offset=_days(-21),
        ),
        *_campaign(21, ("59",), "l'élection des députés"),
        _polling_staff_74(),
        _delegates_75(),
        _posters(),
        _polling_day(("78", "80"), _POLLING_TEXT),
        _r(
            "provisional_results_deadline",
            ("149",),
            "Le ministre chargé de l'Administration territoriale proclame les résultats "
            "provisoires « dans les cinq (5) jours qui suivent la date du scrutin » (art. 149) ; "
            "la Cour constitutionnelle proclame les résultats définitifs (art. 150).",
            offset=_days(5),
        ),
        _signature_lists(),
        # Art. 144: "il est procédé à un second tour le deuxième dimanche suivant" — counted, in
        # the words of the article, from the first round: P + 14. What a reader should know:
        # in 2007 (seed 001) the first round was on 1 July and the second on 22 July, three weeks
        # later, not on 15 July; the Court proclaimed the final first-round results on Saturday
        # 14 July (provisional ones on 6 July, within Art. 149's five days), and the second-round
        # campaign opened on 15 July. 22 July is the second Sunday after neither the vote nor
        # the provisional results (8 and 15 July would be the first two Sundays after 6 July),
        # but it is the first Sunday after the Court's final results: the Government evidently
        # waited for the Court (Art. 150) before the run-off, as the literal 15 July would have
        # left no time between final results and the second round. The law does not say so, and
        # Kalata does not rewrite it: the literal date is the legal one and a decreed 22 July is
        # named as a deviation (seven days late, Art. 144). The same three-week gap was planned
        # for 2012 (1 and 22 July). The law sets no campaign for the second round.
        _r(
            "second_round",
            ("144",),
            "Si aucune liste n'obtient la majorité absolue des suffrages exprimés, « il est "
            "procédé à un second tour le deuxième dimanche suivant » (art. 144), entre les deux "
            "listes arrivées en tête. La loi compte à partir du premier tour.",
            offset=_SECOND_SUNDAY,
            kind=Bound.EXACT,
        ),
        _r(
            "second_round_provisional_results_deadline",
            ("149",),
            "Résultats provisoires du second tour dans les cinq jours qui suivent ce scrutin "
            "(art. 149).",
            anchor="second_round",
            offset=_days(5),
        ),
        _r(
            "rerun_after_annulment",
            ("153",),
            "En cas d'annulation des opérations électorales, de nouvelles élections ont lieu "
            "« dans un délai de trois mois » (art. 153), à compter de la décision d'annulation.",
            anchor=None,
        ),
    ]


# --- Titre VII: communal councillors ---------------------------------------------------------


def _communal_rules() -> list[_Rule]:
    return [
        _convocation_ordinary(),
        _r(
            "candidacy_deadline",
            ("185",),
            "La liste est déposée auprès du représentant de l'État dans le cercle ou le District "
            "« quarante cinq (45) jours au plus tard avant la date du scrutin » (art. 185).",
            offset=_days(-45),
        ),
        _fee("P − 45"),
        _r(
            "candidate_lists_published",
            ("185",),
            "Le représentant de l'État publie les listes de candidatures « au plus tard "
            "quarante deux (42) jours avant le scrutin » (art. 185).",
            offset=_days(-42),
        ),
        _r(
            "candidacy_referral_deadline",
            ("185", "186"),
            "Le représentant de l'État vérifie la conformité des déclarations et peut saisir le "
            "juge civil « dans les cinq jours qui suivent la clôture du dépôt des candidatures » "
            "(art. 185), notamment pour des titres, couleurs ou signes identiques (art. 186).",
            anchor="candidacy_deadline",
            offset=_days(5),
        ),
        _r(
            "candidacy_challenge_deadline",
            ("185",),
            "Les listes publiées peuvent être contestées devant le juge civil « dans les 48 "
            "heures qui suivent la publication » (art. 185) ; pour une publication le dernier "
            "jour permis, à la fin de ce jour :",
            anchor="candidate_lists_published",
            offset=_hours(48),
            time="24:00",
        ),
        _r(
            "judge_ruling_deadline",
            ("185", "186"),
            "Le juge civil statue sans recours « dans un délai de dix jours à compter de la "
            "réception de la requête et au plus tard trente (30) jours avant le scrutin » "
            "(art. 185, 186) ; sa décision emporte proclamation des listes définitives.",
            offset=_days(-30),
        ),
        *_card_distribution(),
        *_campaign(16, ("59",), "l'élection des conseillers communaux"),
        _polling_staff_74(),
        _delegates_75(),
        _posters(),
        _polling_day(("78", "80"), _POLLING_TEXT),
        _signature_lists(),
        _r(
            "results_challenge_deadline",
            ("188",),
            "La requête en annulation est déposée au greffe du tribunal administratif « au plus "
            "tard dix jours après la publication des résultats par la commission de "
            "centralisation » (art. 188) ; le tribunal statue dans les deux mois, appel devant "
            "la Cour suprême dans les quinze jours. La loi ne date pas la publication des "
            "résultats (art. 187).",
            anchor=None,
        ),
    ]


# --- Titre II: referendum --------------------------------------------------------------------


def _referendum_rules() -> list[_Rule]:
    return [
        # Art. 125 repeats that the electors are convened by decree and adds that the text put to
        # the vote, annexed to that decree, is "publié au moins un mois avant le scrutin". It
        # does not say "par dérogation" and nothing in it contradicts Art. 77, a common provision
        # (Titre I); the two rules can both be obeyed, so a court would apply both: the decree
        # at least 60 days before (77) and the text at least one month before (125), the latter
        # binding on its own when the text is published apart from the decree (or republished,
        # corrected). The other reading — Art. 125 as a special, shorter regime replacing the 60
        # days — is the one a later law made explicit (in 2023 the referendum decree came 44
        # days before the vote); it is not the text of Loi n°02-007. Compare Titre VI (national
        # councillors), whose Art. 172 lists the common articles that remain applicable.
        _convocation_ordinary(),
        _r(
            "referendum_text_published",
            ("125",),
            "Le texte soumis au référendum est annexé au décret de convocation et « publié au "
            "moins un mois avant le scrutin » (art. 125) : un mois calendaire, pas trente jours. "
            "Annexé au décret publié au moins soixante jours avant (art. 77), il l'est en "
            "pratique bien plus tôt ; la règle lie seule une publication distincte du texte.",
            offset=_months(-1),
        ),
        *_card_distribution(),
        *_campaign(16, ("59",), "le scrutin référendaire"),
        _polling_staff_74(),
        _posters(),
        _polling_day(("78", "80"), _POLLING_TEXT),
        _signature_lists(),
    ]


# --- Titre VI: national councillors ----------------------------------------------------------


def _national_councillors_rules() -> list[_Rule]:
    return [
        _r(
            "electoral_list_published",
            ("156",),
            "La liste électorale de la région ou du District (les conseillers communaux en "
            "exercice, art. 155) est publiée « au plus tard 40 jours avant la date du scrutin » "
            "(art. 156).",
            offset=_days(-40),
        ),
        _r(
            "electoral_list_claims_deadline",
            ("156",),
            "Les électeurs omis peuvent exercer un recours devant le tribunal civil « dans les "
            "cinq jours suivant la publication de la liste » (art. 156) ; le juge statue dans "
            "les conditions de l'art. 43. Pour une publication le dernier jour permis :",
            anchor="electoral_list_published",
            offset=_days(5),
        ),
        _r(
            "candidacy_deadline",
            ("159",),
            "La déclaration est déposée en double exemplaire au Haut Commissariat « vingt cinq "
            "jours avant la date du scrutin » (art. 159), la « date limite fixée pour le dépôt » "
            "(art. 160, 163).",
            offset=_days(-25),
        ),
        _r(
            "candidate_lists_published",
            ("160",),
            "Le Haut Commissaire publie les listes reçues « dans les 48 heures après la date "
            "limite fixée pour le dépôt » (art. 160), soit à compter de la fin de ce jour :",
            anchor="candidacy_deadline",
            offset=_hours(48),
            time="24:00",
        ),
        _r(
            "candidacy_challenge_deadline",
            ("162",),
            "Le tribunal civil est saisi « au plus tard quarante huit heures après la "
            "publication des candidatures » (art. 162) ; pour une publication au dernier moment "
            "permis :",
            anchor="candidate_lists_published",
            offset=_hours(48),
        ),
        _r(
            "final_electoral_list_published",
            ("156",),
            "La liste définitive des électeurs est publiée par arrêté du Haut Commissaire « au "
            "plus tard vingt et un jours avant la date du scrutin » (art. 156).",
            offset=_days(-21),
        ),
        _r(
            "judge_ruling_deadline",
            ("162",),
            "Le juge du tribunal civil statue en premier et dernier ressort « dans un délai de "
            "cinq jours à compter de la réception de requête » (art. 162) ; sa décision emporte "
            "proclamation définitive des listes. Au plus tard :",
            anchor="candidacy_challenge_deadline",
            offset=_days(5),
        ),
        *_campaign(16, ("59", "164"), "l'élection des conseillers nationaux"),
        _posters(("67", "165")),
        _r(
            "polling_staff_appointed",
            ("168",),
            "Le président et les assesseurs du bureau de vote sont nommés « sept jours au moins "
            "avant la date du scrutin » (art. 168), et non quinze (art. 74, que le titre VI ne "
            "rend pas applicable).",
            offset=_days(-7),
        ),
        _r(
            "delegates_notified",
            ("169",),
            "Le délégué ou mandataire de chaque liste fournit au Haut Commissaire la liste de "
            "ses représentants « au moins sept jours avant le scrutin » (art. 169).",
            offset=_days(-7),
        ),
        _polling_day(
            ("80", "171", "172"),
            "Les électeurs sont convoqués et la date du scrutin fixée par décret (art. 171) ; le "
            "scrutin est ouvert de 8 heures à 18 heures (art. 80, rendu applicable par "
            "l'art. 172).",
        ),
        _signature_lists(("88", "172")),
        _r(
            "results_challenge_deadline",
            ("175",),
            "La requête en annulation est déposée au greffe de la Cour suprême « au plus tard "
            "cinq jours après la publication des résultats par la commission de centralisation "
            "des votes » (art. 175) ; la Cour statue dans les deux mois. La loi ne date pas "
            "cette publication (art. 174).",
            anchor=None,
        ),
    ]


_RULES = {
    ElectionType.PRESIDENTIAL: _presidential_rules,
    ElectionType.LEGISLATIVE: _legislative_rules,
    ElectionType.COMMUNAL: _communal_rules,
    ElectionType.REFERENDUM: _referendum_rules,
    ElectionType.NATIONAL_COUNCILLORS: _national_councillors_rules,
}


def _rules(election_type: ElectionType) -> list[_Rule]:
    return _RULES[election_type]()


# --- Applicability: the steps that say which provisions apply --------------------------------


def _applicability(t: ElectionType) -> tuple[Step, ...]:
    if t is ElectionType.PRESIDENTIAL:
        return (
            Step(
                "Les dispositions communes du titre I (campagne, opérations de vote, "
                "dépouillement, proclamation) s'appliquent à l'élection du Président de la "
                "République, avec les règles particulières du titre III.",
                ("132",),
            ),
            Step(
                "Le délai de convocation est un délai franc : le décret doit être publié au "
                "plus tard le 61e jour avant le scrutin, un jour plus tôt que pour les autres "
                "élections.",
                ("77", "128"),
            ),
            Step(
                "Pas de participation aux frais de l'art. 68 : pour l'élection présidentielle, "
                "elle prend la forme du cautionnement de l'art. 135 (l'art. 139 parle des "
                "« frais de participation prévus à l'article 135 »).",
                ("68", "135", "139"),
            ),
            Step(
                "Second tour le deuxième dimanche suivant si aucun candidat n'a la majorité "
                "absolue ; la loi ne fixe pas de campagne propre au second tour.",
                ("127",),
            ),
        )
    if t is ElectionType.LEGISLATIVE:
        return (
            Step(
                "Les dispositions communes du titre I s'appliquent à l'élection des députés, "
                "avec les règles particulières du titre IV ; les Maliens de l'extérieur ne "
                "votent pas (circonscriptions : cercles et communes du District).",
                ("143",),
            ),
            Step(
                "Second tour le deuxième dimanche suivant le premier, compté à partir du premier "
                "tour ; la loi ne fixe pas de campagne propre au second tour.",
                ("144",),
            ),
        )
    if t is ElectionType.COMMUNAL:
        return (
            Step(
                "Les dispositions communes du titre I s'appliquent à l'élection des conseillers "
                "communaux, avec les règles particulières du titre VII ; scrutin à un seul tour "
                "(représentation proportionnelle).",
                ("176",),
            ),
            Step(
                "En cas de nécessité, les collèges peuvent être convoqués à des dates "
                "différentes selon les régions ; toutes les communes d'une même région votent "
                "alors le même jour. Le calendrier se calcule pour chaque date de scrutin.",
                ("77",),
            ),
        )
    if t is ElectionType.REFERENDUM:
        return (
            Step(
                "Le titre II ne déroge pas aux dispositions communes du titre I : le décret de "
                "convocation est publié au moins soixante jours avant le scrutin (art. 77) et le "
                "texte soumis au référendum au moins un mois avant (art. 125).",
                ("77", "125"),
            ),
            Step(
                "Sans candidats ni listes, le référendum n'a pas de déclarations de candidature, "
                "de participation aux frais, ni de délégués au sens de l'art. 75.",
                ("75", "125"),
            ),
            Step(
                "La loi ne fixe pas de délai de proclamation des résultats provisoires du "
                "référendum (les art. 141 et 149 visent l'élection présidentielle et les "
                "législatives) ; le contentieux relève de la Cour constitutionnelle.",
                ("154",),
            ),
        )
    return (
        Step(
            "Le titre VI forme un régime propre : il règle lui-même la convocation (art. 171), "
            "la campagne (art. 164) et les bureaux de vote (art. 167 à 170) et désigne les "
            "articles communs qui demeurent applicables : 60 à 67 (art. 165), 70 (art. 166), "
            "80 à 88 (art. 172).",
            ("165", "166", "171", "172"),
        ),
        Step(
            "Les articles communs qu'il ne désigne pas ne s'appliquent pas : pas de cartes "
            "d'électeur (art. 48, 49 ; le collège est formé des conseillers communaux, "
            "art. 155), pas de participation aux frais (art. 68), pas de délai minimal de "
            "convocation (art. 77), pas d'obligation de voter un dimanche (art. 78) ; les "
            "art. 168 et 169 (sept jours) remplacent les art. 74 et 75.",
            ("48", "49", "68", "77", "78", "155", "168", "169", "172"),
        ),
        Step(
            "En pratique, le décret de convocation doit précéder la publication de la liste "
            "électorale du collège, au plus tard 40 jours avant le scrutin.",
            ("156", "171"),
        ),
    )


# ---------------------------------------------------------------------------------------------
# Resolution
# ---------------------------------------------------------------------------------------------


def _resolve(
    rules: list[_Rule],
    polling_date: date,
    decreed: Mapping[str, tuple[date, str | None]] | None = None,
) -> dict[str, tuple[date, str | None] | None]:
    """(date, time) of each rule, or None when it runs from an undated act.

    With ``decreed``, an anchor other than the polling day takes its decreed value: the delay
    then runs from the act as the decree dates it (a second round decreed on 22 July has its
    provisional results due on 27 July).

    Without a decreed anchor, a rule is dated from its anchor's legal date only when that gives
    a true bound: a latest date from a latest or exact date (fee: 48 h after a declaration made
    at the latest on the last day), anything from an exact date. A rule running from an act the
    law only bounds from above, toward an earliest date (candidacies open at the publication of
    the convocation decree, which may come any day up to P − 61), stays undated.
    """
    decreed = decreed or {}
    values: dict[str, tuple[date, str | None] | None] = {}
    kinds: dict[str, Bound] = {}
    for rule in rules:
        kinds[rule.event] = rule.kind
        if rule.anchor is None or rule.offset is None:
            values[rule.event] = None
            continue
        if rule.anchor == POLLING_DAY:
            anchor_value: tuple[date, str | None] | None = (polling_date, None)
        elif rule.anchor in decreed:
            anchor_value = decreed[rule.anchor]
        else:
            if rule.anchor not in values:
                raise ValueError(f"rule {rule.event} anchored on undefined {rule.anchor}")
            anchor_value = values[rule.anchor]
            anchor_kind = kinds[rule.anchor]
            monotone = anchor_kind is Bound.EXACT or anchor_kind is rule.kind
            if not monotone:
                anchor_value = None
        if anchor_value is None:
            values[rule.event] = None
            continue
        values[rule.event] = _apply(rule.offset, anchor_value[0], anchor_value[1], rule.time)
    return values


# The act a delay runs from, named in explanations ("le délai court de …").
_ACTS = {
    "convocation_latest": "la publication du décret de convocation",
    "candidacy_deadline": "la déclaration de candidature",
    "candidate_lists_published": "la publication des candidatures",
    "candidacy_challenge_deadline": "la réception de la requête",
    "electoral_list_published": "la publication de la liste électorale",
    "campaign_opens": "l'ouverture de la campagne",
    "second_round": "le second tour",
}


# The anchor as named in the arithmetic of an explanation.
_ANCHOR_NAMES = {
    "candidacy_deadline": "dernier jour de dépôt des candidatures",
    "candidate_lists_published": "publication des candidatures au plus tard",
    "candidacy_challenge_deadline": "requête reçue au dernier moment permis",
    "electoral_list_published": "publication de la liste au plus tard",
    "campaign_opens": "ouverture de la campagne",
    "second_round": "second tour",
    "convocation_latest": "publication du décret de convocation",
}


def _anchor_text(rule: _Rule, anchor_value: tuple[date, str | None]) -> str:
    anchor_date, anchor_time = anchor_value
    hours = rule.offset is not None and rule.offset.unit == "hours"
    if not hours:
        anchor_time = None
    elif anchor_time is None:
        anchor_time = "24:00"  # an act known by its day: at the latest at the end of that day
    moment = _fr_moment(anchor_date, anchor_time)
    if rule.anchor == POLLING_DAY:
        return moment
    return f"{moment} ({_ANCHOR_NAMES[rule.anchor]})"


def _deadline(
    rule: _Rule,
    value: tuple[date, str | None] | None,
    anchor_value: tuple[date, str | None] | None,
) -> Deadline:
    text = rule.text
    if rule.event == POLLING_DAY:
        pass
    elif value is not None and rule.offset is not None and anchor_value is not None:
        sentence = _arithmetic(rule.offset, _anchor_text(rule, anchor_value), *value)
        if not text.endswith(":"):
            sentence = sentence[0].upper() + sentence[1:]
        text = f"{text} {sentence}"
    elif rule.anchor not in (None, POLLING_DAY) and rule.offset is not None:
        text = f"{text} Le délai court de {_ACTS[rule.anchor]}, que la loi ne date pas."
    return Deadline(
        event=rule.event,
        date=value[0] if value else None,
        time=value[1] if value else None,
        articles=rule.articles,
        label_fr=rule.label,
        explanation_fr=text,
        kind=rule.kind,
        relative_to=rule.anchor if rule.anchor != POLLING_DAY else None,
    )


def _warnings(t: ElectionType, polling_date: date) -> tuple[Step, ...]:
    if polling_date.weekday() == 6:
        return ()
    weekday = WEEKDAYS_FR[polling_date.weekday()]
    if t is ElectionType.NATIONAL_COUNCILLORS:
        return ()
    day = fr_date(polling_date).split(" ", 1)[1]
    out = [
        Step(
            f"Le {day} est un {weekday} : le scrutin a lieu un dimanche.",
            ("78",),
        )
    ]
    if t in (ElectionType.PRESIDENTIAL, ElectionType.LEGISLATIVE):
        article = "127" if t is ElectionType.PRESIDENTIAL else "144"
        out.append(
            Step(
                "Le second tour est placé le deuxième dimanche qui suit cette date "
                f"({fr_date(second_sunday_after(polling_date))}).",
                (article,),
            )
        )
    return tuple(out)


def legal_calendar(election_type: ElectionType | str, polling_date: date) -> Calendar:
    """Every deadline the law sets for ``election_type`` voting on ``polling_date``.

    Art. 48, 49, 59, 67, 68, 74, 75, 77, 78, 80, 88 (common provisions); 125 (referendum);
    127, 128, 131, 133, 135–138, 141 (President); 144, 145, 147–149, 153 (deputies); 156, 159,
    160, 162, 164, 165, 168, 169, 171, 172, 175 (national councillors); 185, 186, 188 (communal
    councillors). A polling date that is not a Sunday gives a warning (Art. 78; not for national
    councillors, to whom Art. 172 does not extend it).
    """
    t = ElectionType(election_type)
    if isinstance(polling_date, datetime) or not isinstance(polling_date, date):
        raise TypeError("polling_date must be a datetime.date")
    rules = _rules(t)
    values = _resolve(rules, polling_date)
    dated: list[tuple[tuple[int, int, int], Deadline]] = []
    relative: list[Deadline] = []
    for index, rule in enumerate(rules):
        value = values[rule.event]
        anchor_value = None
        if rule.anchor == POLLING_DAY:
            anchor_value = (polling_date, None)
        elif rule.anchor is not None:
            anchor_value = values.get(rule.anchor)
        deadline = _deadline(rule, value, anchor_value if value is not None else None)
        if value is None:
            relative.append(deadline)
        else:
            # Same day: what happens at 0 h first, then the day's deadlines, then 24:00.
            minute = 720 if value[1] is None else _minutes(value[1])
            dated.append(((value[0].toordinal(), minute, index), deadline))
    dated.sort(key=lambda item: item[0])
    return Calendar(
        election_type=t,
        polling_date=polling_date,
        deadlines=tuple(d for _, d in dated),
        relative_deadlines=tuple(relative),
        warnings=_warnings(t, polling_date),
        steps=_applicability(t),
    )


# ---------------------------------------------------------------------------------------------
# Checking a decreed calendar
# ---------------------------------------------------------------------------------------------


def _decreed_value(value: date | datetime) -> tuple[date, str | None]:
    if isinstance(value, datetime):
        return value.date(), value.strftime("%H:%M")
    if isinstance(value, date):
        return value, None
    raise TypeError(f"decreed value must be a date or datetime, not {type(value).__name__}")


def _gap_text(minutes: int, by_days: bool) -> str:
    minutes = abs(minutes)
    if by_days:
        return _plural(minutes // 1440, "jour")
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(_plural(days, "jour"))
    if hours:
        parts.append(_plural(hours, "heure"))
    if mins:
        parts.append(_plural(mins, "minute"))
    return " ".join(parts) or "0 minute"


def check_decreed_calendar(
    election_type: ElectionType | str,
    polling_date: date,
    decreed: Mapping[str, date | datetime],
) -> list[Deviation]:
    """The deviations of a decreed calendar from the law (articles of ``legal_calendar``).

    ``decreed`` maps event keys (``EVENT_LABELS``) to the date, or date and time, the decree
    fixes; for ``convocation_latest``, the date the convocation decree was published. A latest
    date (Art. 77, 133 …) is breached by a later decreed date, an earliest date (Art. 133, from
    the decree) by an earlier one, an exact day (campaign, Art. 59; second round, Art. 127, 144;
    start of card distribution, Art. 49) by any other. Where both carry a time the comparison
    is to the minute ('24:00' of one day equals 0:00 of the next); otherwise by day. Delays that
    run from another act run from its decreed date when the decree gives one. Decreeing an event
    the law does not set for this election is reported as "not_in_law", not as a breach.

    Raises ``LawError`` (code "unknown_event") for a key that is no event of any election.
    """
    t = ElectionType(election_type)
    rules = _rules(t)
    by_event = {r.event: r for r in rules}
    parsed: dict[str, tuple[date, str | None]] = {}
    for key, value in decreed.items():
        if key not in EVENT_LABELS:
            raise LawError(
                code="unknown_event",
                message=(
                    f"événement inconnu « {key} » dans le calendrier décrété ; événements "
                    f"possibles : {', '.join(EVENT_LABELS)}"
                ),
                field=key,
            )
        parsed[key] = _decreed_value(value)
    values = _resolve(rules, polling_date, parsed)

    deviations: list[Deviation] = []
    order = {r.event: i for i, r in enumerate(rules)}
    for key in sorted(parsed, key=lambda k: (order.get(k, len(order)), k)):
        decreed_value = decreed[key]
        d_date, d_time = parsed[key]
        shown = _fr_moment(d_date, d_time)
        rule = by_event.get(key)
        if rule is None:
            deviations.append(
                Deviation(
                    event=key,
                    label_fr=EVENT_LABELS[key],
                    decreed=decreed_value,
                    legal_date=None,
                    legal_time=None,
                    kind=None,
                    status="not_in_law",
                    breach=False,
                    articles=(),
                    message_fr=(
                        f"{EVENT_LABELS[key]} : décrété pour le {shown}, mais la loi ne "
                        f"prévoit pas cet événement pour l'{t.label_fr}."
                    ),
                )
            )
            continue
        legal = values[key]
        if legal is None:
            if rule.anchor is None:
                continue  # the law sets no date for this act: nothing to compare with
            deviations.append(
                Deviation(
                    event=key,
                    label_fr=rule.label,
                    decreed=decreed_value,
                    legal_date=None,
                    legal_time=None,
                    kind=rule.kind,
                    status="unverifiable",
                    breach=False,
                    articles=rule.articles,
                    message_fr=(
                        f"{rule.label} : décrété pour le {shown} ; le délai court de "
                        f"{_ACTS[rule.anchor]}, dont la date n'est ni dans la loi ni dans le "
                        f"calendrier décrété : vérification impossible "
                        f"(art. {', '.join(rule.articles)})."
                    ),
                )
            )
            continue
        l_date, l_time = legal
        by_days = d_time is None or l_time is None
        if by_days:
            diff = (d_date - l_date).days * 1440
        else:
            diff = _instant(d_date, d_time) - _instant(l_date, l_time)
        status = None
        if diff > 0 and rule.kind in (Bound.LATEST, Bound.EXACT):
            status = "too_late"
        elif diff < 0 and rule.kind in (Bound.EARLIEST, Bound.EXACT):
            status = "too_early"
        if status is None:
            continue
        legal_shown = _fr_moment(l_date, l_time)
        relation = {
            Bound.LATEST: f"au plus tard le {legal_shown}",
            Bound.EARLIEST: f"au plus tôt le {legal_shown}",
            Bound.EXACT: f"au {legal_shown}",
        }[rule.kind]
        direction = "trop tard" if status == "too_late" else "trop tôt"
        articles = ", ".join(rule.articles)
        deviations.append(
            Deviation(
                event=key,
                label_fr=rule.label,
                decreed=decreed_value,
                legal_date=l_date,
                legal_time=l_time,
                kind=rule.kind,
                status=status,
                breach=True,
                articles=rule.articles,
                message_fr=(
                    f"{rule.label} : décrété pour le {shown}, alors que la loi le fixe "
                    f"{relation} (art. {articles}) : {_gap_text(diff, by_days)} {direction}."
                ),
            )
        )
    return deviations


def _all_articles() -> tuple[str, ...]:
    found = {"78", "127", "144"}  # the warnings
    for t in ElectionType:
        found.update(a for r in _rules(t) for a in r.articles)
        found.update(a for step in _applicability(t) for a in step.articles)
    return tuple(sorted(found, key=int))


# Every article this module applies (tests carry them as ``@pytest.mark.article``).
ARTICLES: tuple[str, ...] = _all_articles()


__all__ = [
    "ARTICLES",
    "Bound",
    "Calendar",
    "Deadline",
    "Deviation",
    "ElectionType",
    "EVENT_LABELS",
    "POLLING_DAY",
    "check_decreed_calendar",
    "fr_date",
    "fr_time",
    "legal_calendar",
    "months_before",
    "parse_election_type",
    "second_sunday_after",
]
