"""Candidacies: receipts (55), declarations (133–134, 145–146), national councillors' lists
(158–163) and emblems (103, 161)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from kalata.law.candidacies import (
    CandidateIdentity,
    Deposit,
    EmblemClaim,
    LegislativeDeclaration,
    NationalCouncillorsList,
    PresidentialDeclaration,
    allocate_emblems,
    candidacy_receipts,
    check_emblem_colours,
    check_legislative_declaration,
    check_list_change,
    check_national_councillors_list,
    check_presidential_declaration,
)
from kalata.law.explain import LawError

PERSON = CandidateIdentity(
    last_name="Touré",
    first_names="Amadou Toumani",
    birth_date=date(1948, 11, 4),
    birth_place="Mopti",
    profession="officier général",
    domicile="Bamako",
)
POLL_2007 = date(2007, 4, 29)


# --- Art. 55 -----------------------------------------------------------------------------------


@pytest.mark.article("55")
def test_receipts_are_numbered_in_order_of_deposit():
    deposits = [
        Deposit(datetime(2004, 4, 8, 10, 30), "ADEMA-PASJ", "Mandataire A"),
        Deposit(datetime(2004, 4, 7, 16, 0), "URD", "Mandataire B", constituency="Kati"),
        Deposit(datetime(2004, 4, 8, 10, 30), "RPM", "Mandataire C"),
    ]
    receipts = candidacy_receipts("communal", deposits)
    assert [r.deposit.title for r in receipts] == ["URD", "ADEMA-PASJ", "RPM"]
    assert [r.reference for r in receipts] == ["CM-2004-0001", "CM-2004-0002", "CM-2004-0003"]
    first = receipts[0]
    assert "représentant de l'État dans le cercle" in first.issuer_fr
    assert "au mandataire de la liste Mandataire B" in first.text_fr[1]
    assert "circonscription : Kati" in first.text_fr[2]
    assert first.text_fr[3] == "Déposée le 7 avril 2004 à 16 h 00."
    assert first.steps[0].articles == ("55", "185")


@pytest.mark.article("55")
@pytest.mark.article("133")
def test_presidential_receipt_is_personal_and_recalls_the_deposit():
    dep = Deposit(
        datetime(2007, 3, 20, 9, 0),
        "Ibrahim Boubacar Keïta",
        "Ibrahim Boubacar Keïta",
        role="candidate",
    )
    (receipt,) = candidacy_receipts("presidential", [dep], polling_date=POLL_2007)
    assert receipt.issuer_fr == "le Président de la Cour constitutionnelle"
    assert not receipt.late
    assert any("art. 139" in line for line in receipt.text_fr)
    agent = Deposit(datetime(2007, 3, 20, 9, 0), "X", "Un mandataire", role="mandatary")
    with pytest.raises(LawError) as err:
        candidacy_receipts("presidential", [agent])
    assert err.value.code == "depositor_not_entitled" and err.value.articles == ("133",)


@pytest.mark.article("55")
def test_late_deposit_still_gets_a_receipt_marked_late():
    # Presidential 2007: deadline P − 30 = Friday 30 March 2007.
    on_time = Deposit(datetime(2007, 3, 30, 23, 0), "A", "A", role="candidate")
    late = Deposit(datetime(2007, 3, 31, 8, 0), "B", "B", role="candidate")
    receipts = candidacy_receipts("presidential", [late, on_time], polling_date=POLL_2007)
    assert [(r.deposit.title, r.late) for r in receipts] == [("A", False), ("B", True)]
    assert "30 mars 2007" in receipts[1].text_fr[-2]


@pytest.mark.article("55")
@pytest.mark.article("159")
def test_national_councillors_receipt_does_not_prejudge_admissibility():
    dep = Deposit(datetime(2007, 6, 1, 9, 0), "Liste X", "Mandataire")
    (receipt,) = candidacy_receipts("national-councillors", [dep])
    assert "ne préjuge pas de la recevabilité" in receipt.text_fr[-1]
    with pytest.raises(LawError) as err:
        candidacy_receipts("referendum", [dep])
    assert err.value.code == "no_candidacies"
    with pytest.raises(LawError) as err:
        candidacy_receipts("communal", [Deposit(datetime(2004, 4, 1), " ", "M")])
    assert err.value.field == "title"


# --- Art. 133–134 --------------------------------------------------------------------------------


def _presidential(**kw) -> PresidentialDeclaration:
    base = dict(
        candidate=PERSON,
        filed_on=date(2007, 3, 20),
        colour="vert",
        criminal_record_date=date(2007, 2, 1),
    )
    base.update(kw)
    return PresidentialDeclaration(**base)


@pytest.mark.article("133")
@pytest.mark.article("134")
def test_complete_presidential_declaration():
    verdict = check_presidential_declaration(_presidential(), POLL_2007, date(2007, 2, 27))
    assert verdict.eligible, verdict.blocking
    assert verdict.codes[-1] == "declaration_complete"


@pytest.mark.article("134")
def test_presidential_declaration_mentions_identity_and_ballot_colour():
    missing = CandidateIdentity(last_name="Touré", first_names="Amadou", birth_date=None)
    verdict = check_presidential_declaration(
        _presidential(candidate=missing, colour=" "), POLL_2007
    )
    assert not verdict.eligible
    assert {"identity_incomplete", "no_colour"} <= set(verdict.codes)
    text = next(r.text_fr for r in verdict.reasons if r.code == "identity_incomplete")
    for word in ("date de naissance", "lieu de naissance", "profession", "domicile"):
        assert word in text
    assert all(r.articles == ("134",) for r in verdict.blocking)


@pytest.mark.article("133")
def test_presidential_declaration_pieces_copies_and_criminal_record_age():
    verdict = check_presidential_declaration(
        _presidential(
            copies=1, photo=False, sworn_statement=False, criminal_record_date=date(2006, 12, 20)
        ),
        POLL_2007,
    )
    assert {"copies", "missing_pieces", "no_sworn_statement", "criminal_record_too_old"} <= set(
        verdict.codes
    )
    # Exactly three months before the deposit is not "less than three months".
    edge = check_presidential_declaration(
        _presidential(criminal_record_date=date(2006, 12, 20), filed_on=date(2007, 3, 20)),
        POLL_2007,
    )
    assert "criminal_record_too_old" in edge.codes
    fresh = check_presidential_declaration(
        _presidential(criminal_record_date=date(2006, 12, 21)), POLL_2007
    )
    assert fresh.eligible
    late = check_presidential_declaration(_presidential(filed_on=date(2007, 3, 31)), POLL_2007)
    assert late.codes[0] == "declaration_late"


# --- Art. 145–146 --------------------------------------------------------------------------------


@pytest.mark.article("146")
def test_legislative_declaration_content():
    agent = CandidateIdentity(**{**PERSON.__dict__, "state_agent": True, "service": "Santé"})
    decl = LegislativeDeclaration("RPM", "Kati", [PERSON, agent], colour="", photo=False)
    verdict = check_legislative_declaration(decl, seats=2)
    assert {"no_photo_or_colour", "identity_incomplete"} <= set(verdict.codes)
    text = next(r.text_fr for r in verdict.reasons if r.code == "identity_incomplete")
    assert text.startswith("Candidat n°2") and "emploi" in text and "lieu d'affectation" in text
    ok = LegislativeDeclaration("RPM", "Kati", [PERSON, PERSON], photo=True)
    assert check_legislative_declaration(ok, seats=2).eligible
    no_where = LegislativeDeclaration("RPM", "", [PERSON, PERSON], colour="bleu")
    assert check_legislative_declaration(no_where, seats=2).codes == ("no_constituency",)


@pytest.mark.article("145")
@pytest.mark.article("146")
def test_legislative_declaration_must_have_as_many_candidates_as_seats():
    decl = LegislativeDeclaration("URD", "Sikasso", [PERSON] * 6, colour="bleu")
    verdict = check_legislative_declaration(decl, seats=7)
    assert verdict.codes == ("candidates_not_seats",)
    with pytest.raises(LawError):
        check_legislative_declaration(decl, seats=0)


# --- Art. 158, 161, 163 --------------------------------------------------------------------------


@pytest.mark.article("158")
def test_national_councillors_list_content():
    ok = NationalCouncillorsList(
        "Liste A",
        [PERSON] * 3,
        sign="épi",
        colour="blanc",
        criminal_record_date=date(2007, 5, 1),
        filed_on=date(2007, 6, 1),
    )
    assert check_national_councillors_list(ok, seats=3).eligible
    bad = NationalCouncillorsList(
        "", [PERSON] * 2, sign="", colour="blanc", signatures_legalised=False
    )
    verdict = check_national_councillors_list(bad, seats=3)
    assert {
        "candidates_not_seats",
        "no_title",
        "no_sign_or_colour",
        "signatures_not_legalised",
        "criminal_record_missing",
    } <= set(verdict.codes)


@pytest.mark.article("163")
def test_no_change_after_the_deadline_except_death_or_ineligibility_until_the_eve():
    poll = date(2007, 7, 1)  # deadline P − 25 = 6 June 2007
    assert check_list_change("substitution", date(2007, 6, 6), poll).eligible
    refused = check_list_change("withdrawal", date(2007, 6, 7), poll)
    assert not refused.eligible and refused.codes == ("change_refused",)
    death = check_list_change("complementary", date(2007, 6, 20), poll, cause="death")
    assert death.eligible and death.codes == ("complementary_declaration",)
    eve = check_list_change("complementary", date(2007, 6, 30), poll, cause="ineligibility")
    assert eve.eligible
    too_late = check_list_change("complementary", date(2007, 7, 1), poll, cause="death")
    assert too_late.codes == ("after_eve",)


@pytest.mark.article("103")
@pytest.mark.article("161")
def test_emblem_combining_the_three_national_colours_is_forbidden():
    forbidden = check_emblem_colours(["Vert", "jaune", "ROUGE", "blanc"])
    assert not forbidden.eligible
    assert "10 000 francs" in forbidden.reasons[0].text_fr
    assert not check_emblem_colours(["green", "gold", "red"]).eligible
    two = check_emblem_colours(["vert", "rouge"])
    assert two.eligible and two.codes == ("some_national_colours",)
    assert check_emblem_colours(["bleu", "blanc"]).codes == ("no_national_colours",)


@pytest.mark.article("161")
def test_contested_emblem_goes_to_the_oldest_party_then_by_title_deposit():
    claims = [
        EmblemClaim("Groupement X", "grouping", "Épi", title_deposited_at=datetime(2007, 5, 2)),
        EmblemClaim("Parti jeune", "party", "épi", party_founded=date(2003, 1, 1)),
        EmblemClaim("Parti ancien", "party", "Épi ", party_founded=date(1991, 5, 25)),
        EmblemClaim(
            "Indépendants Y", "independent", "Soleil", title_deposited_at=datetime(2007, 5, 3, 9)
        ),
        EmblemClaim(
            "Indépendants Z", "independent", "soleil", title_deposited_at=datetime(2007, 5, 3, 8)
        ),
        EmblemClaim(
            "Drapeau",
            "grouping",
            "Tricolore",
            title_deposited_at=datetime(2007, 5, 1),
            colours=("vert", "or", "rouge"),
        ),
    ]
    out = allocate_emblems(claims)
    assert out.granted == {"Parti ancien": "Épi ", "Indépendants Z": "soleil"}
    assert set(out.refused) == {"Groupement X", "Parti jeune", "Indépendants Y", "Drapeau"}
    assert any("parti le plus ancien" in s.text for s in out.steps)
    with pytest.raises(LawError) as err:
        allocate_emblems([EmblemClaim("P", "party", "Épi")])
    assert err.value.code == "party_seniority_missing"
