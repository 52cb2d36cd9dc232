"""Deputies per legislative constituency: the table of Loi n°02-010 (data) and its rule (a check).

Art. 143: the constituencies are the cercles and the communes of the District of Bamako.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kalata.elections import deputies
from kalata.law.explain import LawError
from kalata.territory import annex
from kalata.territory.models import Cercle, Commune

# The deputies per constituency (Loi n°02-010, the LAW_MAP table "deputies").
pytestmark = pytest.mark.article("deputies")

# The LAW_MAP table ("Deputies per constituency"), by number of seats, with the territory's names.
LAW_MAP = {
    7: "Kati, Sikasso, Ségou",
    6: "Koutiala",
    5: "Kayes, Dioïla",
    4: "Bougouni, Kita, San, Koro",
    3: "Bafoulabé, Nioro, Kolokani, Nara, Baraouéli, Bla, Niono, Tominian, Mopti, Bandiagara, "
    "Bankass, Gao, Commune II, Commune V, Commune VI",
    2: "Diéma, Kéniéba, Yélimané, Banamba, Koulikoro, Kadiolo, Kolondiéba, Yanfolila, Yorosso, "
    "Macina, Djenné, Douentza, Ténenkou, Goundam, Niafunké, Ansongo, Bourem, Commune I, "
    "Commune IV",
    1: "Kangaba, Youwarou, Tombouctou, Diré, Gourma-Rharous, Ménaka, Kidal, Abéïbara, Tessalit, "
    "Tin-Essako, Commune III",
}


@pytest.fixture(scope="module")
def table():
    return deputies.load_deputies()


@pytest.fixture(scope="module")
def shipped():
    return annex.load_shipped()


@pytest.mark.article("143")
def test_fifty_five_constituencies_elect_147_deputies(table):
    assert len(table) == deputies.CONSTITUENCIES == 55
    assert sum(c.seats for c in table) == deputies.TOTAL_DEPUTIES == 147
    assert sum(1 for c in table if c.is_bamako_commune) == 6


@pytest.mark.article("143")
def test_table_is_the_law_map_distribution(table):
    by_seats: dict[int, set[str]] = {}
    for c in table:
        by_seats.setdefault(c.seats, set()).add(c.name)
    assert by_seats == {n: set(names.split(", ")) for n, names in LAW_MAP.items()}


@pytest.mark.article("143")
def test_doubtful_rows_carry_their_note(table):
    notes = {c.code: c.note for c in table if c.note}
    assert set(notes) == {"C0106", "CM090002"}
    assert "inféré du total" in notes["C0106"]  # Nioro
    assert "2013" in notes["CM090002"] and "2020" in notes["CM090002"]


@pytest.mark.article("143")
def test_every_cercle_and_bamako_commune_is_in_the_table_once_under_its_name(table, shipped):
    cercles = {c["code"]: c["name"] for c in shipped["cercles"]}
    bamako = {c["code"]: c["name"] for c in shipped["communes"] if c["cercle"] is None}
    assert len(cercles) == 49 and len(bamako) == 6
    assert deputies.territory_problems(table, cercles, bamako) == []
    codes = [c.code for c in table]
    assert sorted(codes) == sorted({**cercles, **bamako})
    assert len(codes) == len(set(codes))
    assert {c.code: c.name for c in table}["CM090002"] == "Commune II"


@pytest.mark.django_db
@pytest.mark.article("143")
def test_table_matches_the_territory_in_the_database(territory, table):
    cercles = dict(Cercle.objects.values_list("code", "name"))
    bamako = dict(Commune.objects.filter(cercle__isnull=True).values_list("code", "name"))
    assert deputies.territory_problems(table, cercles, bamako) == []


@pytest.mark.article("143")
def test_a_misnamed_missing_or_foreign_constituency_is_reported(table, shipped):
    cercles = {c["code"]: c["name"] for c in shipped["cercles"]}
    bamako = {c["code"]: c["name"] for c in shipped["communes"] if c["cercle"] is None}
    rows = [c for c in table if c.code != "C0101"]  # Kayes missing
    rows = [
        deputies.Constituency(c.code, "Abeïbara", c.seats) if c.code == "C0803" else c for c in rows
    ]
    rows.append(deputies.Constituency("C0999", "Nulle part", 1))
    problems = deputies.territory_problems(tuple(rows), cercles, bamako)
    assert len(problems) == 3
    assert any("Kayes (C0101)" in p for p in problems)
    assert any("« Abéïbara »" in p and "« Abeïbara »" in p for p in problems)
    assert any("C0999" in p for p in problems)


@pytest.mark.article("143")
def test_parse_refuses_duplicates_and_bad_seats_naming_the_line():
    header = "code,name,seats,note\n"
    with pytest.raises(LawError) as exc:
        deputies.parse_deputies(header + "C0101,Kayes,5,\nC0101,Kayes,4,\n")
    assert "ligne 3" in exc.value.message and "deux fois" in exc.value.message
    with pytest.raises(LawError) as exc:
        deputies.parse_deputies(header + "C0101,Kayes,0,\n")
    assert "ligne 2" in exc.value.message and "au moins 1" in exc.value.message
    with pytest.raises(LawError):
        deputies.parse_deputies(header + "CM010101,Bangassi,1,\n")  # a commune outside Bamako
    with pytest.raises(LawError):
        deputies.parse_deputies("code,seats\nC0101,5\n")


@pytest.mark.article("143")
def test_administrator_override_changes_seats_but_not_constituencies(table):
    seats = deputies.deputy_seats({"CM090002": 2, "C0106": 4}, table)
    assert seats["CM090002"] == 2 and seats["C0106"] == 4
    assert sum(seats.values()) == 147
    assert deputies.deputy_seats(table=table)["CM090002"] == 3  # the data is not changed
    with pytest.raises(LawError) as exc:
        deputies.deputy_seats({"CM010101": 2}, table)
    assert exc.value.code == "deputies_override_unknown"
    for bad in (0, -1, True, "3"):
        with pytest.raises(LawError) as exc:
            deputies.deputy_seats({"C0101": bad}, table)
        assert exc.value.code == "deputies_override_invalid"


# --- The rule of Loi n°02-010, art. 1er -----------------------------------------------------


@pytest.mark.article("143")
@pytest.mark.parametrize(
    ("population", "seats"),
    [
        (0, 1),
        (7_171, 1),  # Abéïbara: under 40,000, still one seat
        (39_999, 1),
        (40_000, 1),  # no full block, a remainder of 40,000: the extra seat
        (60_000, 1),
        (99_999, 1),  # remainder 39,999: no extra seat
        (100_000, 2),  # remainder 40,000 included ("comprise entre 40.000 et 60.000")
        (119_999, 2),
        (120_000, 2),
        (552_448, 9),  # Kati in the 2003 annex
    ],
)
def test_rule_one_deputy_per_60000_and_one_more_for_40000_to_60000(population, seats):
    result = deputies.rule_seats(population)
    assert result.seats == seats
    assert result.steps[-1].text == f"Selon la règle : {seats} député(s)."


@pytest.mark.article("143")
def test_rule_explains_the_minimum_seat():
    texts = [s.text for s in deputies.rule_seats(10_708).steps]
    assert any("moins de 40 000 habitants a droit à un siège" in t for t in texts)
    assert all(
        "moins de 40 000" not in t for t in (s.text for s in deputies.rule_seats(70_000).steps)
    )


@pytest.mark.article("143")
@given(st.integers(min_value=0, max_value=5_000_000))
def test_rule_seats_are_at_least_one_and_never_drop_with_population(population):
    here = deputies.rule_seats(population).seats
    assert here >= 1
    assert deputies.rule_seats(population + 1).seats >= here
    blocks, rest = divmod(population, 60_000)
    assert here == max(1, blocks + (rest >= 40_000))


@pytest.mark.article("143")
def test_rule_refuses_a_negative_population():
    with pytest.raises(LawError):
        deputies.rule_seats(-1)


@pytest.mark.article("143")
def test_rule_on_the_annex_populations_gives_163_not_147(table, shipped):
    populations = deputies.annex_populations(shipped)
    assert len(populations) == 55
    comparison = deputies.compare_with_rule(populations, table=table)
    assert comparison.data_total == 147
    assert comparison.rule_total == 163
    rows = {r.code: r for r in comparison.rows}
    kati = rows["C0205"]
    assert (kati.name, kati.population, kati.data_seats, kati.rule_seats) == (
        "Kati",
        552_448,
        7,
        9,
    )
    assert kati.difference == 2
    assert rows["C0803"].difference == 0  # Abéïbara: 1 and 1
    assert "163" in comparison.steps[0].text
    assert comparison.as_dict()["rows"][0]["data_seats"] == 5  # Kayes, in table order


@pytest.mark.django_db
@pytest.mark.article("143")
def test_comparison_from_the_database_equals_the_one_from_the_annex(territory, table, shipped):
    from kalata.elections.services import deputies_rule_comparison

    from_db = deputies_rule_comparison()
    from_annex = deputies.compare_with_rule(deputies.annex_populations(shipped), table=table)
    assert from_db.rows == from_annex.rows
    overridden = deputies_rule_comparison({"C0205": 9})
    assert overridden.data_total == 149


@pytest.mark.article("143")
def test_unknown_population_gives_no_rule_figure(table):
    comparison = deputies.compare_with_rule({"C0101": None}, table=table)
    kayes = comparison.rows[0]
    assert kayes.rule_seats is None and kayes.difference is None
