"""The LAW_MAP registry: the articles of the law that Kalata applies, as data.

The project's LAW_MAP (kept beside the repository, not shipped) lists the law article by article
as rules software can apply. This module holds its rows inside the package: each row's section,
its article tag as written ("6–7", "23, 28", "annex", "93–100"), the individual articles the tag
stands for (ranges expanded; the annex of arrêté n°03-1879 and the Code des collectivités row are
tagged ``annex``; the table of deputies per constituency, from Loi n°02-010, ``deputies``) and a
one-line summary. Tests carry ``@pytest.mark.article("N")`` with those article tags, so that
``kalata law coverage`` can count which articles have tests.

Where a summary departs from LAW_MAP it follows the law (seed 003). Art. 120 has two paragraphs:
the penal code applies to what the law does not provide, and public and civil actions lapse six
months after the day the result is proclaimed (LAW_MAP mentions only the lapse).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

ANNEX = "annex"
DEPUTIES = "deputies"
SPECIAL_TAGS: tuple[str, ...] = (ANNEX, DEPUTIES)


def article_sort_key(article: str) -> tuple[int, int, str]:
    """Numbers in numeric order, then the named tags (annex, deputies), then anything else."""
    if article.isdigit():
        return (0, int(article), "")
    if article in SPECIAL_TAGS:
        return (1, SPECIAL_TAGS.index(article), "")
    return (2, 0, article)


def expand_tag(tag: str) -> tuple[str, ...]:
    """The individual articles a LAW_MAP tag stands for: '6–7' -> ('6', '7').

    Commas separate parts; an en dash or hyphen joins a range; 'annex' and the Code des
    collectivités row give 'annex'; 'deputies' gives 'deputies'.
    """
    text = tag.strip()
    if "collectivités" in text.lower() or text.lower() == ANNEX:
        return (ANNEX,)
    if text.lower() == DEPUTIES:
        return (DEPUTIES,)
    out: list[str] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        m = re.fullmatch(r"(\d+)\s*[–—-]\s*(\d+)", part)
        if m:
            low, high = int(m.group(1)), int(m.group(2))
            if high < low:
                raise ValueError(f"descending range in LAW_MAP tag: {tag!r}")
            out.extend(str(n) for n in range(low, high + 1))
        elif part.isdigit():
            out.append(str(int(part)))
        elif part.lower() == ANNEX:
            out.append(ANNEX)
        else:
            raise ValueError(f"unreadable LAW_MAP tag: {tag!r}")
    return tuple(dict.fromkeys(out))


@dataclass(frozen=True)
class LawMapRow:
    """One row of LAW_MAP: its section, its tag as written, its articles and a summary."""

    section: str
    tag: str
    summary: str

    @property
    def articles(self) -> tuple[str, ...]:
        return expand_tag(self.tag)

    def as_dict(self) -> dict:
        return {
            "section": self.section,
            "tag": self.tag,
            "articles": list(self.articles),
            "summary": self.summary,
        }


_GEO = "Authorities and geography"
_DEP = "Deputies per constituency"
_VOT = "Voters and lists"
_ELI = "Eligibility and candidacies"
_CAL = "Calendar"
_POL = "Polling, counting and minutes"
_CEN = "Centralisation, outcomes and disputes"
_OFF = "Offences"

SECTIONS_FR: dict[str, str] = {
    _GEO: "Autorités et géographie",
    _DEP: "Députés par circonscription",
    _VOT: "Électeurs et listes électorales",
    _ELI: "Éligibilité et candidatures",
    _CAL: "Calendrier",
    _POL: "Vote, dépouillement et procès-verbaux",
    _CEN: "Centralisation, résultats et contentieux",
    _OFF: "Infractions",
}

LAW_MAP: tuple[LawMapRow, ...] = (
    # Authorities and geography
    LawMapRow(_GEO, "3", "Commissions électorales : CENI, District, cercle, commune, ambassade."),
    LawMapRow(_GEO, "4", "CENI : quinze membres et leur origine."),
    LawMapRow(_GEO, "6–7", "Qui ne peut siéger dans une commission électorale."),
    LawMapRow(_GEO, "8", "Récusation des membres des commissions devant la Cour suprême."),
    LawMapRow(
        _GEO, "23, 28", "Une liste par commune, ambassade ou consulat ; Maliens de l'extérieur."
    ),
    LawMapRow(_GEO, "140", "Circonscription présidentielle : le territoire national."),
    LawMapRow(
        _GEO, "143", "Circonscriptions législatives : les cercles et les communes de Bamako."
    ),
    LawMapRow(_GEO, "177", "Circonscription communale : la commune, sans sections."),
    LawMapRow(_GEO, "annex", "Les 703 communes de l'arrêté n°03-1879 : population, conseillers."),
    LawMapRow(
        _GEO,
        "(Code des collectivités territoriales)",
        "Nombre de conseillers selon la population : le barème qui contrôle l'annexe.",
    ),
    LawMapRow(_DEP, "deputies", "147 députés dans 55 circonscriptions (loi n°02-010), en données."),
    # Voters and lists
    LawMapRow(_VOT, "18", "Électeur : Malien, 18 ans, droits civiques et politiques."),
    LawMapRow(_VOT, "19–22", "Exclusions de la liste électorale par condamnation ou état."),
    LawMapRow(_VOT, "24", "Six mois de résidence au 31 décembre ; 18 ans l'année du scrutin."),
    LawMapRow(_VOT, "27", "Militaires et agents de sécurité : liste de la commune de résidence."),
    LawMapRow(_VOT, "29", "Une seule liste par électeur ; option dans les huit jours."),
    LawMapRow(_VOT, "30", "Listes permanentes ; numéro d'électeur."),
    LawMapRow(
        _VOT, "31", "Révision annuelle du 1er septembre au 31 décembre ; révisions exceptionnelles."
    ),
    LawMapRow(
        _VOT,
        "33",
        "Demandes d'inscription jusqu'au 15 octobre ; inscriptions et radiations d'office.",
    ),
    LawMapRow(_VOT, "34–35", "Demandes des tiers ; l'électeur à radier est entendu."),
    LawMapRow(_VOT, "36–39", "Registre des décisions ; tableau rectificatif ; réclamations."),
    LawMapRow(_VOT, "41", "Registre des réclamations, avec récépissé."),
    LawMapRow(_VOT, "42–43", "Notification et recours devant le juge civil."),
    LawMapRow(_VOT, "44–47", "Listes arrêtées le 31 décembre ; trois exemplaires."),
    LawMapRow(_VOT, "48", "Carte d'électeur remise au plus tard trois jours avant le scrutin."),
    LawMapRow(_VOT, "49", "Distribution des cartes dès trente jours avant, par des commissions."),
    LawMapRow(_VOT, "50", "Cartes non distribuées : au bureau de vote, sous pli cacheté."),
    # Eligibility and candidacies
    LawMapRow(
        _ELI, "52–54", "Éligibilité : être inscrit ; inéligibilité des privés du droit de vote."
    ),
    LawMapRow(_ELI, "55", "Un récépissé pour toute candidature déposée."),
    LawMapRow(_ELI, "57", "Qui peut se présenter ; contenu de la déclaration de candidature."),
    LawMapRow(_ELI, "58", "Titres des listes, nombre de candidats, pas de double candidature."),
    LawMapRow(_ELI, "68", "Participation non remboursable aux frais électoraux."),
    LawMapRow(_ELI, "103, 161", "Emblèmes combinant les trois couleurs nationales interdits."),
    LawMapRow(
        _ELI, "130", "Président : Malien d'origine, droits civiques, 35 ans le jour du scrutin."
    ),
    LawMapRow(_ELI, "131", "Forces armées ou de sécurité : démission six mois avant la campagne."),
    LawMapRow(
        _ELI, "133–134", "Candidatures présidentielles : délai, Cour constitutionnelle, pièces."
    ),
    LawMapRow(_ELI, "135", "Cautionnement présidentiel de 5 000 000 F CFA, remboursé à 5 %."),
    LawMapRow(_ELI, "136–138", "Publication des candidats ; contestations ; conflits de couleurs."),
    LawMapRow(_ELI, "139", "Retrait après le récépissé : pas de remboursement."),
    LawMapRow(
        _ELI, "145–146", "Listes législatives : autant de candidats que de sièges ; déclaration."
    ),
    LawMapRow(
        _ELI, "147–148", "Listes législatives déposées au 40e jour ; validité 21 jours avant."
    ),
    LawMapRow(_ELI, "158–163", "Listes des conseillers nationaux : dépôt, publication, recours."),
    LawMapRow(
        _ELI, "176", "Candidats communaux : électeurs de la commune, 21 ans l'année du scrutin."
    ),
    LawMapRow(
        _ELI, "178–184", "Inéligibilités communales, un seul conseil, parents, incompatibilités."
    ),
    LawMapRow(_ELI, "185–186", "Listes communales : dépôt 45 jours avant, publication, recours."),
    # Calendar
    LawMapRow(_CAL, "77", "Décret de convocation au moins soixante jours avant le scrutin."),
    LawMapRow(_CAL, "78", "Le scrutin a lieu un dimanche."),
    LawMapRow(_CAL, "59", "Campagne ouverte 21 ou 16 jours avant ; close l'avant-veille à minuit."),
    LawMapRow(_CAL, "164", "Conseillers nationaux : campagne ouverte seize jours avant."),
    LawMapRow(_CAL, "67", "Demandes d'emplacements d'affichage au plus tard le 8e jour avant."),
    LawMapRow(_CAL, "74", "Membres des bureaux de vote nommés quinze jours au moins avant."),
    LawMapRow(_CAL, "75", "Noms des délégués dix jours au moins avant le scrutin."),
    LawMapRow(_CAL, "80", "Scrutin de 8 h à 18 h ; les présents à la clôture votent."),
    LawMapRow(_CAL, "127, 144", "Second tour le deuxième dimanche suivant le premier."),
    LawMapRow(_CAL, "141, 149", "Résultats provisoires dans les cinq jours du scrutin."),
    LawMapRow(_CAL, "153", "Élection législative annulée : nouveau scrutin dans les trois mois."),
    LawMapRow(
        _CAL, "156", "Conseillers nationaux : liste électorale 40 jours avant ; réclamations."
    ),
    LawMapRow(_CAL, "168–169", "Conseillers nationaux : bureaux et délégués sept jours avant."),
    # Polling, counting and minutes
    LawMapRow(_POL, "71", "Un bureau de vote pour 700 électeurs ou fraction de 700."),
    LawMapRow(
        _POL, "74, 76", "Un président et quatre assesseurs ; jamais moins de trois présents."
    ),
    LawMapRow(_POL, "81", "Identité de l'électeur ; un isoloir pour 500 électeurs ou fraction."),
    LawMapRow(_POL, "84", "Dépouillement dès la clôture ; émargements et enveloppes comparés."),
    LawMapRow(_POL, "85", "Bulletins nuls ; plusieurs bulletins dans une enveloppe."),
    LawMapRow(_POL, "87", "Résultat proclamé au bureau ; procès-verbal en trois exemplaires."),
    LawMapRow(_POL, "93–100", "Vote par procuration : qui, mandataire, deux au plus, annulation."),
    # Centralisation, outcomes and disputes
    LawMapRow(
        _CEN, "125–126", "Référendum : circonscription nationale, deux bulletins de couleur."
    ),
    LawMapRow(_CEN, "127", "Président : majorité absolue ; second tour entre les deux premiers."),
    LawMapRow(_CEN, "141", "Centralisation présidentielle ; résultats provisoires en cinq jours."),
    LawMapRow(_CEN, "142", "La Cour constitutionnelle proclame les résultats définitifs."),
    LawMapRow(_CEN, "144", "Députés : scrutin de liste majoritaire à deux tours."),
    LawMapRow(_CEN, "149–150", "Centralisation législative ; la Cour maintient ou annule."),
    LawMapRow(_CEN, "155", "Conseillers nationaux élus par région par les conseillers communaux."),
    LawMapRow(
        _CEN, "174–175", "Conseillers nationaux : centralisation ; recours à la Cour suprême."
    ),
    LawMapRow(_CEN, "176", "Communales : proportionnelle, plus forte moyenne, seuil de 5 %, âge."),
    LawMapRow(_CEN, "187", "Commission de centralisation communale par cercle et District."),
    LawMapRow(_CEN, "188", "Contentieux communal devant le tribunal administratif."),
    LawMapRow(_CEN, "189", "Siège communal vacant : suivant de liste, sinon élection partielle."),
    LawMapRow(
        _CEN, "190", "Élections indirectes des conseillers de cercle, de région et du District."
    ),
    # Offences
    LawMapRow(
        _OFF,
        "101–121",
        "Infractions électorales et peines ; code pénal pour le reste et prescription par six "
        "mois après la proclamation (120) ; sécurité (121).",
    ),
)


def articles() -> tuple[str, ...]:
    """Every article tag of LAW_MAP, once each, in order (numbers, then annex, deputies)."""
    seen = {a for row in LAW_MAP for a in row.articles}
    return tuple(sorted(seen, key=article_sort_key))


def rows_for(article: str) -> tuple[LawMapRow, ...]:
    """The LAW_MAP rows that cover an article tag."""
    return tuple(row for row in LAW_MAP if article in row.articles)


def is_law_map_article(article: str) -> bool:
    """Whether a test marker names an article of LAW_MAP."""
    return bool(rows_for(article))


@dataclass(frozen=True)
class Coverage:
    """Which LAW_MAP articles have tests (``covered``: article -> test names)."""

    covered: tuple[tuple[str, tuple[str, ...]], ...]
    uncovered: tuple[str, ...]
    unknown: tuple[tuple[str, tuple[str, ...]], ...]

    @property
    def total(self) -> int:
        return len(self.covered) + len(self.uncovered)

    @property
    def ratio(self) -> str:
        return f"{len(self.covered)}/{self.total}"

    def as_dict(self) -> dict:
        return {
            "covered": [{"article": a, "tests": list(t)} for a, t in self.covered],
            "uncovered": list(self.uncovered),
            "unknown": [a for a, _ in self.unknown],
            "ratio": self.ratio,
        }


def coverage(markers: Mapping[str, Iterable[str]]) -> Coverage:
    """Coverage of LAW_MAP by tests, from ``markers``: article tag -> names of its tests."""
    tests = {a: tuple(sorted(set(names))) for a, names in markers.items()}
    known = articles()
    covered = tuple((a, tests[a]) for a in known if tests.get(a))
    uncovered = tuple(a for a in known if not tests.get(a))
    unknown = tuple(
        (a, tests[a])
        for a in sorted(tests, key=article_sort_key)
        if a not in set(known) and tests[a]
    )
    return Coverage(covered=covered, uncovered=uncovered, unknown=unknown)


__all__ = [
    "ANNEX",
    "Coverage",
    "DEPUTIES",
    "LAW_MAP",
    "LawMapRow",
    "SECTIONS_FR",
    "SPECIAL_TAGS",
    "article_sort_key",
    "articles",
    "coverage",
    "expand_tag",
    "is_law_map_article",
    "rows_for",
]
