"""Finding anyone at the desk by what a clerk types: names in any script without their
accents, references, badge serials, a document's last four characters, delegations."""
from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.models.search_text import fold
from support import make_person

PEOPLE = {
    "hang": dict(given_name="Nguyễn Thị Thu", family_name="Hằng", country="VN",
                 passport_number="C7654321"),
    "pena": dict(given_name="María José", family_name="Peña Ibáñez", country="PH",
                 passport_number="P0099887"),
    "somchai": dict(given_name="Somchai", family_name="Rattanakul", native_name="สมชาย รัตนกุล",
                    country="TH", passport_number="AA1234567"),
    "tan": dict(given_name="Wei Ming", family_name="Tan", native_name="陈伟明", country="SG",
                passport_number="E1122334X"),
    "hafiz": dict(given_name="Mohd Hafiz", family_name="bin Abdullah",
                  native_name="حافظ بن عبدالله", country="BN", passport_number="B55443322"),
    "duc": dict(given_name="Đặng Văn", family_name="Đức", country="VN",
                passport_number="N4455667"),
}


@pytest.fixture
def people(event):
    return {key: make_person(event, stage="approved", **fields) for key, fields in PEOPLE.items()}


def found(client, query: str) -> list[str]:
    """The references on the result page for `query`, as the clerk sees them."""
    page = client.get("/desk/", query_string={"q": query}).get_data(as_text=True)
    listed = re.search(r'<ul class="results hits".*?</ul>', page, re.DOTALL)
    return re.findall(r"LY-[0-9A-Z]{4}-[0-9A-Z]{4}", listed.group()) if listed else []


@pytest.mark.parametrize("query, who", [
    # Vietnamese: no diacritics, words left out, any case; Đ is typed as D.
    ("nguyen thi hang", "hang"), ("HANG NGUYEN", "hang"), ("Nguyễn Hằng", "hang"),
    ("dang duc", "duc"), ("đức", "duc"),
    # Spanish: ñ and accents typed plain, part of a word.
    ("pena", "pena"), ("maria jose iba", "pena"), ("PEÑA", "pena"),
    # Thai: part of the name in its own script; with or without tone marks.
    ("สมชาย", "somchai"), ("รัตนกุล", "somchai"), ("รตนกล", "somchai"),
    # Chinese: the given name alone, or one character of it.
    ("伟明", "tan"), ("明", "tan"), ("陈伟明", "tan"),
    # Jawi: part of the name, with or without vowel marks.
    ("حافظ", "hafiz"), ("عبدُالله", "hafiz"),
])
def test_a_name_is_found_by_any_part_in_its_script_without_case_or_diacritics(
        client, login, people, query, who):
    login("desk")
    assert found(client, query) == [people[who].reference]


def test_one_or_two_letters_find_words_that_begin_with_them(client, login, people):
    login("desk")
    assert found(client, "ib") == [people["pena"].reference]  # Ibáñez
    assert found(client, "ez") == []  # its end: the start of a word is what a clerk means


def test_a_reference_is_found_however_it_is_typed(client, login, people):
    login("desk")
    reference = people["somchai"].reference
    for typed in (reference, reference.lower(), reference.replace("-", " "), reference[3:]):
        assert found(client, typed) == [reference], typed


def test_a_badge_serial_finds_its_holder(client, login, event):
    from app.services.audit import Actor
    from app.services.issuance import issue_badge
    person = make_person(event, stage="approved", given_name="Aung", family_name="Kyaw Min",
                         native_name="အောင်ကျော်မင်း", country="MM")
    make_person(event, stage="badged", given_name="Khamphan", family_name="Phommachanh",
                native_name="ຄຳພັນ ພົມມະຈັນ", country="LA")
    badge = issue_badge(person, Actor.cli("test"))
    login("desk")
    assert found(client, badge.serial) == [person.reference]
    assert found(client, badge.serial.lower()) == [person.reference]
    assert badge.serial in client.get("/desk/", query_string={"q": badge.serial}).get_data(as_text=True)


def test_the_last_four_of_a_document_find_its_holder(client, login, people):
    login("desk")
    assert found(client, "4567") == [people["somchai"].reference]
    assert found(client, "334x") == [people["tan"].reference]
    # Other parts of a document number find nobody: the desk searches by its end only.
    assert found(client, "AA12") == []


def test_a_delegation_is_found_by_its_code_or_name_and_narrows_a_name(client, login, people):
    login("desk")
    assert sorted(found(client, "viet nam")) == sorted([people["hang"].reference,
                                                         people["duc"].reference])
    assert found(client, "th") and people["somchai"].reference in found(client, "th")
    assert found(client, "viet duc") == [people["duc"].reference]


def test_each_hit_shows_photo_state_badge_state_and_what_the_desk_can_do_next(
        client, login, event):
    ready = make_person(event, stage="approved", given_name="Siti", family_name="Rahmawati")
    waiting = make_person(event, stage="submitted", given_name="Siti", family_name="Nurhaliza")
    login("desk")
    page = client.get("/desk/", query_string={"q": "siti"}).get_data(as_text=True)
    # Ready to print first, then the rest.
    assert page.index("Rahmawati") < page.index("Nurhaliza")
    assert f"/desk/people/{ready.id}/photo" in page
    assert "Ready to print" in page and "Not yet printed" in page and "print the badge" in page
    assert f'action="/desk/people/{ready.id}/print"' in page
    assert f'action="/desk/people/{waiting.id}/print"' not in page
    assert "only people approved" in page  # why the other one gets no badge yet


def test_results_while_typing_are_the_same_list_without_the_page(client, login, people):
    login("desk")
    part = client.get("/desk/search-results", query_string={"q": "pena"}).get_data(as_text=True)
    assert people["pena"].reference in part and "<html" not in part


def test_the_folded_name_follows_every_change(event):
    person = make_person(event, given_name="Dewi", family_name="Lestari")
    assert "dewi lestari" in person.search_text
    person.printed_name = "Dewi Lestâri-Putri"
    db.session.commit()
    assert "lestari putri" in db.session.get(type(person), person.id).search_text


def test_folding_is_one_function_for_what_is_stored_and_what_is_typed():
    assert fold("Nguyễn Thị Thu Hằng") == "nguyen thi thu hang"
    assert fold("Đặng ĐỨC") == "dang duc"
    assert fold("Straße") == "strasse"
    assert fold("Dato' O’Brien-Smith") == "dato obrien smith"
    assert fold("Ｔａｎ") == "tan"


@pytest.mark.parametrize("role", ["door", "accreditation", "security"])
def test_only_the_desk_searches(client, login, people, role):
    login(role)
    assert client.get("/desk/?q=pena").status_code == 403
    assert client.get("/desk/search-results?q=pena").status_code == 403


def test_a_search_without_typing_or_too_long_finds_nobody(client, login, people):
    login("desk")
    assert found(client, "") == []
    assert found(client, "%") == []
    assert client.get("/desk/", query_string={"q": "a" * 500}).status_code == 200
    assert found(client, "a" * 500) == []
