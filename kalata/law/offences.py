"""Electoral offences and their penalties, as the law states them (Art. 101–121).

Each offence is data: its article, a code, the conduct in French, and its penalties — the basic
one and the aggravated ones the article itself attaches (Art. 108 concealed weapons, 111 armed
irruption or concerted plan, 112 and 113 violation of the ballot or removal by force). Prison is
written as the law writes it (days, months, years) and never converted: a month is not thirty
days. Fines are in francs CFA, integers.

General rules:

- Art. 102: accomplices incur the penalties of the offence they abetted.
- Art. 116: for violations of Art. 82, 108, 109 and 111 to 114, any citizen may report to the
  public prosecutor for prosecution as flagrant délit; judgment within fifteen days, appeal
  decided within one month; a conviction deprives of civic rights for five years.
- Art. 118: the residual offence (any fraud that changed, or tried to change, the result, the
  secrecy or sincerity of the vote), fine of 120 000 to 600 000 F and hard labour of five to ten
  years inclusive; loss of civic rights for at least two years may be pronounced.
- Art. 119: in every case the courts may pronounce loss of civic rights for at least two years;
  when the offender is an official, agent or servant of the Government or of a public
  administration, or charged with a public service, the penalty may be doubled.
- Art. 120: the penal code applies for what this law does not provide; public and civil action
  lapse six months after the day the result of the election is proclaimed.
- Art. 121: the Minister of Security sees to the citizens' security from the campaign to the
  vote (a duty, not an offence).

Readings (shown in the explanations): the doubling of Art. 119 ("la peine pourra être portée au
double") raises the maxima of prison and fine, the minima unchanged, since the court "may" and
is not bound to. The six months of Art. 120 are calendar months from the day of the proclamation,
which is not counted; the action can be brought until the same day number six months later
inclusive (``kalata.law.eligibility.add_months``), and lapses the next day.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from kalata.law.eligibility import add_months
from kalata.law.explain import LawError, Step, fr_date, fr_int


class Custody(StrEnum):
    """The kind of custodial sentence the law names."""

    PRISON = "emprisonnement"
    RECLUSION = "réclusion"
    HARD_LABOUR = "travaux forcés"


@dataclass(frozen=True)
class Term:
    """A length of custody as the law writes it: an amount of days, months or years."""

    amount: int
    unit: str  # "jour", "mois", "an"

    def __post_init__(self) -> None:
        if self.unit not in ("jour", "mois", "an") or self.amount < 1:
            raise ValueError(f"invalid term {self.amount} {self.unit}")

    def doubled(self) -> Term:
        return Term(self.amount * 2, self.unit)

    def __str__(self) -> str:
        if self.unit == "mois":
            return f"{self.amount} mois"
        if self.unit == "an":
            return f"{self.amount} an" + ("s" if self.amount > 1 else "")
        return f"{self.amount} jour" + ("s" if self.amount > 1 else "")


def _d(n: int) -> Term:
    return Term(n, "jour")


def _m(n: int) -> Term:
    return Term(n, "mois")


def _y(n: int) -> Term:
    return Term(n, "an")


@dataclass(frozen=True)
class Penalty:
    """One penalty: custody from ``custody_min`` to ``custody_max``, a fine from ``fine_min``
    to ``fine_max`` F CFA (equal bounds: a fixed amount), and anything else the law adds."""

    condition_fr: str = ""
    custody: Custody | None = None
    custody_min: Term | None = None
    custody_max: Term | None = None
    fine_min: int | None = None
    fine_max: int | None = None
    fine_per_fr: str = ""
    other_fr: str = ""

    def doubled(self) -> Penalty:
        """Art. 119 al. 2: the maxima doubled for a public official."""
        return replace(
            self,
            custody_max=self.custody_max.doubled() if self.custody_max else None,
            fine_max=self.fine_max * 2 if self.fine_max is not None else None,
        )

    def text_fr(self) -> str:
        parts: list[str] = []
        if self.custody is not None:
            if self.custody_min == self.custody_max:
                parts.append(f"{self.custody.value} de {self.custody_min}")
            else:
                parts.append(f"{self.custody.value} de {self.custody_min} à {self.custody_max}")
        if self.fine_min is not None:
            if self.fine_min == self.fine_max:
                fine = f"amende de {fr_int(self.fine_min)} F CFA"
            else:
                fine = f"amende de {fr_int(self.fine_min)} à {fr_int(self.fine_max)} F CFA"
            parts.append(fine + (f" {self.fine_per_fr}" if self.fine_per_fr else ""))
        if self.other_fr:
            parts.append(self.other_fr)
        text = " et ".join(parts)
        return f"{self.condition_fr} : {text}" if self.condition_fr else text

    def as_dict(self) -> dict:
        return {
            "condition": self.condition_fr or None,
            "custody": self.custody.value if self.custody else None,
            "custody_min": str(self.custody_min) if self.custody_min else None,
            "custody_max": str(self.custody_max) if self.custody_max else None,
            "fine_min": self.fine_min,
            "fine_max": self.fine_max,
            "fine_per": self.fine_per_fr or None,
            "other": self.other_fr or None,
            "text": self.text_fr(),
        }


@dataclass(frozen=True)
class Offence:
    """An electoral offence: its article, a code, the conduct and its penalties (the first is
    the basic penalty, the others aggravations or variants the article states)."""

    article: str
    code: str
    conduct_fr: str
    penalties: tuple[Penalty, ...]
    flagrant_delict: bool = False

    def as_dict(self) -> dict:
        return {
            "article": self.article,
            "code": self.code,
            "conduct": self.conduct_fr,
            "penalties": [p.as_dict() for p in self.penalties],
            "flagrant_delict": self.flagrant_delict,
        }


_P = Custody.PRISON
_R = Custody.RECLUSION

OFFENCES: tuple[Offence, ...] = (
    Offence(
        "101",
        "fraudulent_registration",
        "S'être fait inscrire ou avoir tenté de se faire inscrire sur une liste électorale sous "
        "de faux noms ou de fausses qualités, avoir dissimulé une incapacité, réclamé ou obtenu "
        "une inscription sur plusieurs listes ; avoir, par déclarations frauduleuses ou faux "
        "certificats, obtenu une inscription indue, ou fait inscrire ou rayer indûment un "
        "citoyen.",
        (Penalty("", _P, _m(1), _y(1), 25_000, 25_000),),
    ),
    Offence(
        "103",
        "national_colours",
        "Articles ou documents de caractère électoral combinant les couleurs du drapeau national.",
        (Penalty("", None, None, None, 10_000, 10_000, "par contravention"),),
    ),
    Offence(
        "104",
        "vote_while_deprived",
        "Avoir voté alors qu'on est déchu du droit de vote (condamnation judiciaire ou faillite "
        "non suivie de réhabilitation).",
        (Penalty("", _P, _d(11), _m(3), 10_000, 10_000),),
    ),
    Offence(
        "105",
        "fraudulent_vote",
        "Avoir voté en vertu d'une inscription obtenue frauduleusement ou en prenant les noms "
        "et qualités d'un électeur inscrit.",
        (Penalty("", _P, _m(6), _y(2), 25_000, 250_000),),
    ),
    Offence(
        "106",
        "multiple_vote",
        "Avoir profité d'une inscription multiple pour voter plusieurs fois.",
        (Penalty("", _P, _m(6), _y(2), 25_000, 250_000),),
    ),
    Offence(
        "107",
        "ballot_tampering",
        "Chargé de recevoir, dépouiller ou compter les bulletins, avoir soustrait, ajouté ou "
        "altéré des bulletins ou lu un nom autre que celui inscrit.",
        (Penalty("", _P, _y(1), _y(5), 60_000, 600_000),),
    ),
    Offence(
        "108",
        "weapons",
        "Être entré avec des armes dans un bureau de vote.",
        (
            Penalty("armes apparentes", None, None, None, 20_000, 120_000),
            Penalty("armes cachées", _P, _d(15), _m(3), 60_000, 360_000),
        ),
        flagrant_delict=True,
    ),
    Offence(
        "109",
        "false_news",
        "Par fausses nouvelles, calomnies ou autres manœuvres frauduleuses, avoir surpris ou "
        "détourné des suffrages ou déterminé des électeurs à s'abstenir.",
        (Penalty("", _P, _m(1), _y(1), 25_000, 250_000),),
        flagrant_delict=True,
    ),
    Offence(
        "110",
        "disturbance",
        "Par attroupement, clameurs ou démonstrations menaçantes, avoir troublé les opérations "
        "d'un collège électoral ou porté atteinte à l'exercice du droit électoral ou à la "
        "liberté du vote.",
        (Penalty("", _P, _m(3), _y(2), 25_000, 250_000),),
    ),
    Offence(
        "111",
        "irruption",
        "Irruption, consommée ou tentée, dans un bureau de vote en vue d'empêcher un choix.",
        (
            Penalty("", _P, _y(1), _y(5), 120_000, 600_000),
            Penalty("coupables porteurs d'armes, ou scrutin violé", _R, _y(5), _y(10)),
            Penalty(
                "crime commis par suite d'un plan concerté, dans toute la République ou dans "
                "une ou plusieurs circonscriptions administratives",
                _R,
                _y(5),
                _y(10),
                other_fr="interdiction de séjour de 10 à 20 ans",
            ),
        ),
        flagrant_delict=True,
    ),
    Offence(
        "112",
        "outrage_to_polling_board",
        "Membre d'un collège électoral : outrages ou violences envers le bureau ou l'un de ses "
        "membres, ou opérations retardées ou empêchées par voies de fait ou menaces.",
        (
            Penalty("", _P, _m(1), _y(1), 120_000, 240_000),
            Penalty("si le scrutin a été violé", _P, _y(1), _y(5), 120_000, 600_000),
        ),
        flagrant_delict=True,
    ),
    Offence(
        "113",
        "ballot_box_removal",
        "Enlèvement de l'urne contenant les suffrages non encore dépouillés ; enlèvement des "
        "procès-verbaux ou documents des résultats pour les fausser ou empêcher leur "
        "proclamation.",
        (
            Penalty("", _P, _y(1), _y(5), 120_000, 600_000),
            Penalty("enlèvement en réunion ou avec violence", _R, _y(5), _y(10)),
        ),
        flagrant_delict=True,
    ),
    Offence(
        "114",
        "ballot_violation_by_officials",
        "Violation du scrutin par les membres du bureau ou par les agents de l'autorité "
        "préposés à la garde des bulletins non encore dépouillés.",
        (Penalty("", _R, _y(5), _y(10)),),
        flagrant_delict=True,
    ),
    Offence(
        "115",
        "vote_buying",
        "Par dons, libéralités, promesses de faveurs, d'emplois ou d'autres avantages, avoir "
        "influencé ou tenté d'influencer le vote ou l'abstention d'électeurs ; avoir agréé ou "
        "sollicité ces dons ou promesses.",
        (Penalty("", _P, _y(1), _y(5), 100_000, 1_000_000),),
    ),
    Offence(
        "117",
        "intimidation",
        "Par voies de fait, violences ou menaces contre un électeur, ou la crainte de perdre son "
        "emploi ou d'un dommage à sa personne, sa famille ou sa fortune, avoir déterminé ou "
        "tenté de déterminer son vote.",
        (Penalty("", _P, _m(1), _y(2), 24_000, 600_000),),
    ),
    Offence(
        "118",
        "electoral_fraud",
        "Hors les cas spécialement prévus, dans une commission de contrôle des listes, un "
        "bureau de vote ou un bureau administratif, avant, pendant ou après le scrutin, avoir "
        "par inobservation des textes ou manœuvre frauduleuse changé ou tenté de changer les "
        "résultats, violé ou tenté de violer le secret du vote, porté atteinte à sa sincérité "
        "ou empêché les opérations du scrutin.",
        (
            Penalty(
                "",
                Custody.HARD_LABOUR,
                _y(5),
                _y(10),
                120_000,
                600_000,
                other_fr="déchéance des droits civiques d'au moins 2 ans pouvant être prononcée",
            ),
        ),
    ),
)

_BY_ARTICLE = {o.article: o for o in OFFENCES}
_BY_CODE = {o.code: o for o in OFFENCES}

# Art. 116: the articles whose violation is prosecuted as flagrant délit (82 is a rule on the
# ballot box, not an offence of this chapter).
FLAGRANT_DELICT_ARTICLES: tuple[str, ...] = ("82", "108", "109", "111", "112", "113", "114")

# The articles of the chapter that are not offences, and what they say.
GENERAL_PROVISIONS: dict[str, str] = {
    "102": "Les complices des délits prévus par la loi électorale sont punis des mêmes peines.",
    "116": "Pour les violations des articles 82, 108, 109 et 111 à 114, tout citoyen peut "
    "dénoncer au Procureur de la République ; poursuites selon la procédure de flagrant délit, "
    "jugement dans les quinze jours, arrêt d'appel dans le mois ; la condamnation emporte la "
    "déchéance des droits civiques pour cinq ans.",
    "119": "Dans tous les cas, les tribunaux peuvent prononcer la déchéance des droits civiques "
    "pour au moins deux ans ; la peine peut être portée au double si le coupable est "
    "fonctionnaire, agent ou préposé du Gouvernement ou d'une administration publique, ou "
    "chargé d'un ministère de service public.",
    "120": "Les dispositions du code pénal non prévues par la loi électorale sont applicables ; "
    "l'action publique et l'action civile se prescrivent par six mois à partir du jour de la "
    "proclamation du résultat des élections.",
    "121": "Le Ministre chargé de la Sécurité veille à la sécurité des citoyens depuis la "
    "campagne électorale jusqu'au moment du vote.",
}


def _unknown(article: str) -> LawError:
    return LawError(
        code="unknown_offence",
        message=f"l'article {article} ne définit pas d'infraction électorale (infractions : "
        f"articles {', '.join(o.article for o in OFFENCES)})",
        articles=tuple(o.article for o in OFFENCES),
        field="article",
    )


def offence(article_or_code: str) -> Offence:
    """The offence of an article ('108') or of its code ('weapons')."""
    key = str(article_or_code).strip()
    if key in _BY_ARTICLE:
        return _BY_ARTICLE[key]
    if key in _BY_CODE:
        return _BY_CODE[key]
    raise _unknown(key)


def offences() -> tuple[Offence, ...]:
    """Every offence of the chapter, in article order."""
    return OFFENCES


def penalty_text(article: str, *, accomplice: bool = False, official: bool = False) -> str:
    """The penalties of an article, in French, one sentence per penalty.

    ``accomplice``: the accomplice's (Art. 102: the same). ``official``: the offender is a public
    official (Art. 119: the penalty may be doubled). Art. 116 adds the flagrant-délit procedure
    and Art. 119 the optional loss of civic rights to every penalty.
    """
    o = offence(article)
    lines = [f"Art. {o.article} — {o.conduct_fr}"]
    for p in o.penalties:
        lines.append(f"Peine : {p.text_fr()}.")
    if official:
        for p in o.penalties:
            if p.custody_max is not None or p.fine_max is not None:
                lines.append(
                    f"Fonctionnaire ou agent public, maximum porté au double : "
                    f"{p.doubled().text_fr()} (art. 119)."
                )
    if accomplice:
        lines.append("Les complices encourent les mêmes peines (art. 102).")
    if o.flagrant_delict:
        lines.append(
            "Poursuite en flagrant délit sur dénonciation de tout citoyen ; jugement dans les "
            "quinze jours, appel jugé dans le mois ; la condamnation emporte la déchéance des "
            "droits civiques pour cinq ans (art. 116)."
        )
    lines.append(
        "Le tribunal peut prononcer la déchéance des droits civiques pour deux ans au moins "
        "(art. 119)."
    )
    return "\n".join(lines)


def sentence_range(article: str, *, official: bool = False, variant: int = 0) -> Penalty:
    """The penalty range of an article's ``variant`` (0: basic; 1, 2: the aggravations in the
    order of the article), doubled at the maximum for a public official (Art. 119 al. 2)."""
    o = offence(article)
    if not 0 <= variant < len(o.penalties):
        raise LawError(
            code="unknown_variant",
            message=f"l'article {o.article} prévoit {len(o.penalties)} peine(s) ; variante "
            f"{variant} inconnue",
            articles=(o.article,),
            field="variant",
        )
    p = o.penalties[variant]
    return p.doubled() if official else p


def civic_rights_loss(article: str) -> Step:
    """The loss of civic rights attached to a conviction under ``article`` (Art. 116, 118, 119)."""
    o = offence(article)
    if o.flagrant_delict:
        return Step(
            f"Condamnation au titre de l'article {o.article} (poursuivi en flagrant délit) : "
            "déchéance des droits civiques pour cinq ans.",
            ("116",),
        )
    return Step(
        f"Condamnation au titre de l'article {o.article} : le tribunal peut prononcer la "
        "déchéance des droits civiques pour deux ans au moins.",
        ("118", "119") if o.article == "118" else ("119",),
    )


# --- Art. 120: lapse of actions ------------------------------------------------------------------

LAPSE_MONTHS = 6


@dataclass(frozen=True)
class Lapse:
    """Art. 120: the last day to bring public or civil action, and whether it is past."""

    proclamation: date
    last_day: date
    lapsed_from: date
    steps: tuple[Step, ...]

    def is_time_barred(self, on: date) -> bool:
        return on >= self.lapsed_from

    def as_dict(self) -> dict:
        return {
            "proclamation": self.proclamation.isoformat(),
            "last_day": self.last_day.isoformat(),
            "lapsed_from": self.lapsed_from.isoformat(),
            "steps": [s.as_dict() for s in self.steps],
        }


def action_lapse(proclamation_date: date) -> Lapse:
    """When public and civil actions for an electoral offence lapse (Art. 120)."""
    last = add_months(proclamation_date, LAPSE_MONTHS)
    lapsed = last + timedelta(days=1)
    steps = (
        Step(
            f"« L'action publique et l'action civile se prescrivent par six mois, à partir du "
            f"jour de la proclamation du résultat des élections » : résultat proclamé le "
            f"{fr_date(proclamation_date)}, action possible jusqu'au {fr_date(last)} inclus, "
            f"prescrite à partir du {fr_date(lapsed)}.",
            ("120",),
        ),
        Step(
            "Pour le reste, les dispositions du code pénal non prévues par la loi électorale "
            "s'appliquent.",
            ("120",),
        ),
    )
    return Lapse(proclamation_date, last, lapsed, steps)


__all__ = [
    "Custody",
    "FLAGRANT_DELICT_ARTICLES",
    "GENERAL_PROVISIONS",
    "LAPSE_MONTHS",
    "Lapse",
    "OFFENCES",
    "Offence",
    "Penalty",
    "Term",
    "action_lapse",
    "civic_rights_loss",
    "offence",
    "offences",
    "penalty_text",
    "sentence_range",
]
