"""The door screen in a real browser: scan with a keyboard-wedge scanner, see the verdict."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from support import make_person

pytestmark = pytest.mark.browser


def approved_badge(event, photo_jpeg):
    return make_person(event, photo=photo_jpeg, stage="handed_over", given_name="Somchai",
                       family_name="Rattanakul", native_name="สมชาย รัตนกุล",
                       honorific="Lieutenant General", organisation="Armed Forces Security Center",
                       country="TH", category_code="E").current_badge


def test_scanner_typing_a_code_shows_accepted_with_photo_then_refused_on_second_entry(
        event, photo_jpeg, page, live_server, browser_login):
    badge = approved_badge(event, photo_jpeg)
    browser_login("door")
    page.goto(f"{live_server}/door/")
    page.select_option("select[name=checkpoint]", label="Main entrance (22nd ASEAN Military Intelligence Meeting)")
    # A keyboard-wedge scanner types the code and presses Enter.
    page.locator("input[name=code]").press_sequentially(badge.code)
    page.keyboard.press("Enter")
    verdict = page.locator("[data-verdict]")
    verdict.locator(".verdict-word").wait_for()
    assert verdict.locator(".verdict-word").inner_text() == "ACCEPTED"
    assert verdict.locator(".verdict-reason").inner_text() == "Main entrance · entry"
    # The checkpoint chosen stays readable on the dark door screen.
    select = page.locator("select[name=checkpoint]")
    assert select.evaluate("s => getComputedStyle(s).color") != select.evaluate(
        "s => getComputedStyle(s).backgroundColor")
    assert "Somchai Rattanakul" in verdict.inner_text()
    photo = verdict.locator("img")
    assert photo.evaluate("img => img.complete && img.naturalWidth") > 0
    # The field is cleared and focused, ready for the next badge.
    assert page.locator("input[name=code]").input_value() == ""
    assert page.evaluate("document.activeElement.name") == "code"

    page.locator("input[name=code]").press_sequentially(badge.code)
    page.keyboard.press("Enter")
    expect(verdict).to_have_attribute("data-code", "already_inside")
    assert verdict.locator(".verdict-word").inner_text() == "REFUSED"
    assert "Already inside" in verdict.inner_text()
