"""Names, document numbers, phones and e-mails as applicants type them."""
from __future__ import annotations

import unicodedata

import pytest

from app.services.people import (check_name, clean_text, normalise_document_number,
                                 normalise_email, normalise_phone)


@pytest.mark.parametrize("name", [
    "O'Brien", "Anne-Marie", "Nguyễn Văn Thành", "Dato’ Sri", "Ng. Thị", "Sukarno",
    "สมชาย รัตนกุล", "ជា សុខា", "အောင်ကျော်မင်း", "陈伟明", "ຄຳພັນ ພົມມະຈັນ", "محمد",
])
def test_real_names_in_every_script_are_accepted_unchanged(name):
    assert check_name(name) == unicodedata.normalize("NFC", name)


def test_names_are_stored_in_nfc_whatever_the_keyboard_sent():
    decomposed = unicodedata.normalize("NFD", "Nguyễn")
    assert decomposed != "Nguyễn"
    assert check_name(decomposed) == "Nguyễn"


def test_control_and_invisible_characters_are_removed_but_joiners_kept():
    assert clean_text("Bu\u0000di\u200b  San\ttoso\u202e") == "Budi San toso"
    assert clean_text("ក\u200dខ") == "ក\u200dខ"


@pytest.mark.parametrize("name,message", [
    ("<script>", "“<” cannot be part of a name."),
    ("Budi2", "“2” cannot be part of a name."),
    ("=HYPERLINK(1)", "“=” cannot be part of a name."),
    ("'-.", "A name needs at least one letter."),
])
def test_symbols_digits_and_letterless_names_are_refused(name, message):
    with pytest.raises(ValueError) as error:
        check_name(name)
    assert str(error.value) == message


def test_an_empty_name_is_left_to_the_required_check():
    assert check_name("   ") == ""


@pytest.mark.parametrize("typed,stored", [
    ("a1234567", "A1234567"), (" A 1234-567 ", "A1234567"), ("９０0101-14-5678", "900101145678"),
    ("", ""),
])
def test_document_numbers_compare_equal_however_typed(typed, stored):
    assert normalise_document_number(typed) == stored


@pytest.mark.parametrize("typed", ["A12", "A1234567<", "ÄB12345", "1" * 21])
def test_document_numbers_with_odd_characters_or_length_are_refused(typed):
    with pytest.raises(ValueError):
        normalise_document_number(typed)


@pytest.mark.parametrize("typed,region,e164", [
    ("+60 12-345 6789", "", "+60123456789"),
    ("012-345 6789", "MY", "+60123456789"),
    ("+66 81 234 5678", "MY", "+66812345678"),
    ("+84 90 123 4567", "", "+84901234567"),
])
def test_phone_numbers_are_stored_in_e164(typed, region, e164):
    assert normalise_phone(typed, region) == e164


@pytest.mark.parametrize("typed", ["12345", "+60 1", "call me"])
def test_impossible_phone_numbers_are_refused_with_a_hint(typed):
    with pytest.raises(ValueError) as error:
        normalise_phone(typed, "")
    assert "country code" in str(error.value) or "not a valid phone number" in str(error.value)


def test_email_domains_are_normalised_and_nonsense_refused():
    assert normalise_email(" Siti.Omar@Example.MY ") == "Siti.Omar@example.my"
    with pytest.raises(ValueError):
        normalise_email("siti@")
