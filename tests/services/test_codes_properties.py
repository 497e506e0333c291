"""The code formats read any text a scanner or a person may send, and never fail on it."""
from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.services.codes import (MAX_BADGE_ID, MAX_BADGE_VERSION, MAX_EVENT_ID, MAX_KEY_NUMBER,
                                MAX_SCANNED_LENGTH, BadgeCode, clean_reference, clean_scanned_code,
                                new_reference, parse_badge_code, scanned_text_problem,
                                sign_badge_code)
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
        parsed = parse_badge_code(code)
        assert parsed is None or isinstance(parsed, BadgeCode)
    else:
        assert problem.startswith("The scanned text ")


KEY = Ed25519PrivateKey.generate()


@PROPERTY
@given(before=noise, after=noise, lower=st.booleans(), key=st.integers(0, MAX_KEY_NUMBER),
       event=st.integers(0, MAX_EVENT_ID), badge=st.integers(0, MAX_BADGE_ID),
       version=st.integers(0, MAX_BADGE_VERSION))
def test_a_badge_code_read_with_scanner_noise_is_recognised(before, after, lower, key, event, badge,
                                                            version):
    code = sign_badge_code(KEY, key_number=key, event_id=event, badge_id=badge, badge_version=version)
    scanned = before + (code.lower() if lower else code) + after
    assert scanned_text_problem(scanned) is None and clean_scanned_code(scanned) == code
    parsed = parse_badge_code(scanned)
    assert (parsed.key_number, parsed.event_id, parsed.badge_id, parsed.badge_version) == \
        (key, event, badge, version)
    assert parsed.verify(KEY.public_key())


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
