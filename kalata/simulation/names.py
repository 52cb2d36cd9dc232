"""Fictional names for the simulation: people, parties, list titles, observations.

Every person and party here is invented. The simulation draws from these lists with its own
seeded random generator, so the same seed gives the same names. Any likeness of a drawn name to a
real person is a coincidence of common Malian given names and family names.
"""

from __future__ import annotations

MALE_FIRST_NAMES = (
    "Moussa",
    "Mamadou",
    "Boubacar",
    "Seydou",
    "Ibrahim",
    "Souleymane",
    "Modibo",
    "Bakary",
    "Adama",
    "Cheick",
    "Lassana",
    "Tiémoko",
    "Oumar",
    "Yacouba",
    "Daouda",
    "Sékou",
    "Mahamane",
    "Abdoulaye",
    "Issa",
    "Fousseyni",
    "Drissa",
    "Hamadoun",
    "Siaka",
    "Zoumana",
    "Alassane",
    "Amadou",
    "Bréhima",
    "Mahamadou",
)
FEMALE_FIRST_NAMES = (
    "Aminata",
    "Fatoumata",
    "Oumou",
    "Kadiatou",
    "Mariam",
    "Awa",
    "Hawa",
    "Assétou",
    "Djénéba",
    "Rokia",
    "Nana",
    "Salimata",
    "Bintou",
    "Korotoumou",
    "Fanta",
    "Aïssata",
    "Ramata",
    "Tenin",
    "Safiatou",
    "Maïmouna",
)
FAMILY_NAMES = (
    "Traoré",
    "Keïta",
    "Coulibaly",
    "Diarra",
    "Touré",
    "Cissé",
    "Sidibé",
    "Konaté",
    "Dembélé",
    "Sangaré",
    "Diallo",
    "Maïga",
    "Kanté",
    "Doumbia",
    "Samaké",
    "Koné",
    "Sissoko",
    "Bagayoko",
    "Haïdara",
    "Dicko",
    "Ag Mohamed",
    "Tounkara",
    "Fofana",
    "Camara",
    "Guindo",
    "Dolo",
    "Togola",
    "Berthé",
    "Kouyaté",
    "Niaré",
    "Ballo",
    "Mariko",
)

#: Fictional parties: (acronym, name, national weight used to draw list strengths).
PARTIES = (
    ("ADR", "Alliance pour la démocratie et la République", 3.0),
    ("URP", "Union pour la République et le progrès", 2.2),
    ("RDN", "Rassemblement pour le développement national", 1.5),
    ("CNR", "Congrès national pour le renouveau", 1.2),
    ("MPS", "Mouvement pour le progrès social", 1.0),
    ("PSD", "Parti de la solidarité et du développement", 0.9),
    ("UFC", "Union des forces citoyennes", 0.8),
    ("CDE", "Convergence pour la démocratie et l'emploi", 0.7),
    ("RPA", "Rassemblement populaire pour l'avenir", 0.6),
    ("FDE", "Front démocratique pour l'émergence", 0.5),
    ("PUR", "Parti de l'unité et du renouveau", 0.5),
    ("MDS", "Mouvement démocratique du Sahel", 0.4),
)

#: Names of independent lists (Art. 58: a list may not claim a party; titles differ).
INDEPENDENT_TITLES = (
    "Benkadi",
    "Jigiya",
    "Faso Kanu",
    "Sabati",
    "Hakili Kelen",
    "Yiriwa",
    "Badenya",
    "Jamana",
)

#: The eight presidential candidacies (Art. 127), modelled on the 2007 field: an incumbent
#: backed by a broad coalition, the President of the National Assembly's party, four party
#: leaders, the first woman to stand, and a small independent. Names are drawn per seed;
#: parties are fictional. (code, party, female)
PRESIDENTIAL_FIELD = (
    ("C01", "Indépendant — Coalition pour le progrès (CPP)", False),
    ("C02", "Rassemblement pour la Nation (RPN)", False),
    ("C03", "Parti pour le renouveau démocratique (PRD)", False),
    ("C04", "Solidarité africaine pour le développement (SAD)", False),
    ("C05", "Convention sociale et démocratique (CSD)", False),
    ("C06", "Mouvement Convergences (MC)", False),
    ("C07", "Rassemblement pour l'éducation durable (RED)", True),
    ("C08", "Union pour le progrès (UP)", False),
)

#: Observations a polling station may record in its minutes (Art. 86), and what the Court may
#: make of them when it annuls a station (Art. 142, 150).
OBSERVATIONS = (
    "Ouverture du bureau à 9 h 15 au lieu de 8 h, faute de matériel électoral.",
    "Le délégué d'un candidat conteste plusieurs bulletins déclarés nuls.",
    "Plusieurs électeurs munis de leur carte ne figuraient pas sur la liste d'émargement.",
    "Coupure d'électricité pendant le dépouillement, poursuivi à la lampe.",
    "Un délégué signale des pressions sur des électeurs aux abords du bureau.",
    "Urne trouvée non scellée à l'arrivée des délégués.",
)
