"""Hypothesis strategies for input nobody should send, shared by the property tests: text with
NUL bytes, controls and lone surrogates, numbers past what a column holds, odd JSON."""
from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

settings.register_profile("lanyard", max_examples=150, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
# HYPOTHESIS_PROFILE=thorough for a longer hunt than the README's run makes.
settings.register_profile("thorough", settings.get_profile("lanyard"), max_examples=1500)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "lanyard"))

#: For properties of plain functions: the profile's number of examples.
PROPERTY = settings()
#: For properties whose every example is a request through the app (a page, a photo or a
#: spreadsheet read, rows counted before and after): a third as many keeps the suite quick on
#: two cores. The app and the logged-in client are made once per test, so each example checks
#: its own before and after.
REQUEST_PROPERTY = settings(max_examples=settings.default.max_examples // 3)

_ANY = ["L", "M", "N", "P", "S", "Z", "Cc", "Cf", "Co"]
#: What a browser can put in a form: any script, controls and NUL (no lone surrogates: they
#: cannot be encoded, so no request carries one).
form_text = st.text(st.characters(categories=_ANY), max_size=40)
#: What a JSON string can carry: all of the above and lone surrogates ("\ud800").
any_text = st.text(st.characters(categories=[*_ANY, "Cs"]), max_size=40)
#: Integers, with the edges of 32- and 64-bit columns.
any_integer = st.integers() | st.sampled_from([0, -1, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 2**64,
                                                -(2**63) - 1, 10**30])
any_float = st.floats() | st.sampled_from([1.7e308, -1.7e308, 5e-324, float("inf"), float("nan")])
#: Any JSON document (NaN and Infinity included, as Python's parser reads them).
json_values = st.recursive(st.none() | st.booleans() | any_integer | any_float | any_text,
                           lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(any_text, inner, max_size=3),
                           max_leaves=8)
#: ISO times of any year, with and without an offset.
iso_times = st.builds(
    lambda moment, offset: moment.isoformat() + offset,
    st.datetimes(),
    st.sampled_from(["", "Z", "+00:00", "+01:00", "-01:00", "+14:00", "-12:00", "+08:00"]))
#: Numbers as a form field carries them: huge, tiny, not finite, or not numbers at all.
number_text = (any_float.map(repr) | any_integer.map(str)
               | st.sampled_from(["1e999", "-0", "nan", "inf", "", " ", "1,5", "0x10"]) | form_text)
