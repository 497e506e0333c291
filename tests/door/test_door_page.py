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
    expect(photo).to_have_js_property("complete", True)  # loaded (or broken), not still loading
    assert photo.evaluate("img => img.naturalWidth") > 0
    # The field is cleared and focused, ready for the next badge.
    assert page.locator("input[name=code]").input_value() == ""
    assert page.evaluate("document.activeElement.name") == "code"

    page.locator("input[name=code]").press_sequentially(badge.code)
    page.keyboard.press("Enter")
    expect(verdict).to_have_attribute("data-code", "already_inside")
    assert verdict.locator(".verdict-word").inner_text() == "REFUSED"
    assert "Already inside" in verdict.inner_text()


def test_on_a_390_px_phone_everything_fits_and_one_thumb_reaches_it(
        event, photo_jpeg, browser, live_server, staff):
    from support import PASSWORD
    badge = approved_badge(event, photo_jpeg)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone = context.new_page()
    user = staff("door")
    phone.goto(f"{live_server}/login")
    phone.fill("input[name=email]", user.email)
    phone.fill("input[name=password]", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{live_server}/door/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    # The direction is two large buttons on screen, readable, and a tap picks one.
    exit_button = phone.get_by_text("Exit", exact=True)
    box = exit_button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["height"] >= 44
    assert exit_button.evaluate("e => getComputedStyle(e).color") != exit_button.evaluate(
        "e => getComputedStyle(e).backgroundColor")
    exit_button.tap()
    assert phone.locator("input[name=direction][value=out]").is_checked()
    phone.get_by_text("Entry", exact=True).tap()
    select = phone.locator("select[name=checkpoint]")
    assert select.bounding_box()["width"] <= 390
    phone.select_option("select[name=checkpoint]", label="Main entrance (22nd ASEAN Military Intelligence Meeting)")
    phone.locator("input[name=code]").fill(badge.code)
    phone.locator("input[name=code]").press("Enter")
    verdict = phone.locator("[data-verdict]")
    expect(verdict).to_have_attribute("data-code", "accepted")
    # The verdict fills the screen, with the photo large enough for a face check...
    cover = verdict.bounding_box()
    assert cover["width"] >= 389 and cover["height"] >= 843
    assert verdict.locator("img").bounding_box()["height"] >= 250
    # ...then clears itself and the page is ready for the next badge.
    expect(verdict).to_be_hidden(timeout=8000)
    # The checkpoint chosen stays chosen on this device.
    phone.reload()
    assert phone.locator("select[name=checkpoint] option:checked").inner_text().startswith("Main entrance")
    context.close()


def test_a_page_not_on_a_secure_address_says_what_does_not_work(event, page, live_server, browser_login):
    browser_login("door")
    page.add_init_script("Object.defineProperty(window, 'isSecureContext', {get: () => false})")
    page.goto(f"{live_server}/door/")
    notice = page.locator("[data-insecure]")
    expect(notice).to_be_visible()
    assert "offline scanning" in notice.inner_text() and "https://" in notice.inner_text()


def test_a_phone_whose_camera_does_not_open_says_so_and_the_scanner_still_works(
        event, photo_jpeg, page, live_server, browser_login):
    badge = approved_badge(event, photo_jpeg)
    browser_login("door")
    page.goto(f"{live_server}/door/")
    # Chromium without a camera device: pressing the button says why, and puts it back.
    page.get_by_role("button", name="Scan with camera").click()
    note = page.locator("[data-camera-note]")
    expect(note).to_contain_text("This device has no camera.")
    expect(note).to_contain_text("The USB scanner and typing a code still work.")
    expect(page.get_by_role("button", name="Scan with camera")).to_have_attribute("aria-pressed", "false")
    expect(page.locator("[data-camera-preview]")).to_be_hidden()
    page.locator("input[name=code]").press_sequentially(badge.code)
    page.keyboard.press("Enter")
    expect(page.locator("[data-verdict]")).to_have_attribute("data-code", "accepted")


def test_already_inside_says_when_and_where_the_person_entered(event, photo_jpeg, page, live_server,
                                                               browser_login):
    badge = approved_badge(event, photo_jpeg)
    browser_login("door")
    page.goto(f"{live_server}/door/")
    page.select_option("select[name=checkpoint]", label="Main entrance (22nd ASEAN Military Intelligence Meeting)")
    for _ in range(2):
        page.locator("input[name=code]").fill(badge.code)
        page.locator("input[name=code]").press("Enter")
        expect(page.locator("[data-verdict] .verdict-word")).to_be_visible()
        if page.locator("[data-verdict]").get_attribute("data-code") == "accepted":
            page.get_by_role("button", name="Next badge").click()
    verdict = page.locator("[data-verdict]")
    expect(verdict).to_have_attribute("data-code", "already_inside")
    assert "through Main entrance" in verdict.locator(".verdict-detail").inner_text()
