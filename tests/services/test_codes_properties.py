"""The code formats read any text a scanner or a person may send, and never fail on it."""
from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from app.services.codes import (MAX_SCANNED_LENGTH, clean_reference, clean_scanned_code,
                                looks_like_badge_code, new_badge_code, new_reference,
                                scanned_text_problem)
from app.services.people import unstorable_character
from strategies import PROPERTY, any_text, json_values

# What a keyboard-wedge scanner adds around a code: whitespace, and a lower-case layout.
noise = st.text(" \t\r\n", max_size=3)


@PROPERTY
@given(json_values | any_text | st.text(max_size=400))
def test_any_scanned_value_is_either_a_scan_to_record_or_refused_with_a_reason(raw):
    problem = scanned_text_problem(raw)
    if problem is None:
        assert isinstance(raw, str) and raw.strip() and len(raw) <= MAX_SCANNED_LENGTH
        assert unstorable_character(raw) is None
        code = clean_scanned_code(raw)
        assert clean_scanned_code(code) == code and not any(ch.isspace() for ch in code)
        assert isinstance(looks_like_badge_code(code), bool)
    else:
        assert problem.startswith("The scanned text ")


@PROPERTY
@given(before=noise, after=noise, lower=st.booleans())
def test_a_badge_code_read_with_scanner_noise_is_recognised(before, after, lower):
    code = new_badge_code()
    scanned = before + (code.lower() if lower else code) + after
    assert scanned_text_problem(scanned) is None
    assert clean_scanned_code(scanned) == code and looks_like_badge_code(code)


@PROPERTY
@given(any_text | st.text(max_size=60))
def test_any_typed_reference_is_read_as_a_reference_or_nothing(text):
    reference = clean_reference(text)
    assert reference == "" or re.fullmatch(r"LY-[A-Z0-9]{4}-[A-Z0-9]{4}", reference)


@PROPERTY
@given(st.sampled_from(["-", " ", "", " - "]), st.booleans(), st.booleans(), noise)
def test_a_reference_typed_in_any_case_and_spacing_is_the_same_reference(separator, prefix, lower,
                                                                        around):
    reference = new_reference()
    typed = reference.replace("-", separator) if prefix else reference[3:].replace("-", separator)
    assert clean_reference(around + (typed.lower() if lower else typed) + around) == reference
