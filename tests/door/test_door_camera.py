"""Scanning with the phone camera: a real badge filmed by Chromium's fake camera, decoded on the page."""
from __future__ import annotations

import re
import time

import pytest
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import Scan, ScanVerdict
from app.services.printing import render_badge_pdf
from door_support import BACKGROUND, badge_frame, write_y4m
from support import make_person

pytestmark = pytest.mark.browser

CHECKPOINT = "Main entrance (22nd ASEAN Military Intelligence Meeting)"


@pytest.fixture
def page(camera_page):
    return camera_page


@pytest.fixture
def badge(event, photo_jpeg):
    return make_person(event, photo=photo_jpeg, stage="handed_over", given_name="Nguyễn Thị",
                       family_name="Hồng Nhung", honorific="Major General", country="VN",
                       organisation="General Department of Defence Intelligence").current_badge


def open_door(page, live_server):
    page.goto(f"{live_server}/door/")
    page.select_option("select[name=checkpoint]", label=CHECKPOINT)


def start_camera(page):
    page.get_by_role("button", name="Scan with camera").click()
    expect(page.get_by_role("button", name="Stop camera")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("[data-camera-preview]")).to_have_js_property("videoWidth", 640)


def test_camera_reads_a_printed_badge_and_the_door_accepts_it_once(
        event, badge, camera_video, page, live_server, browser_login):
    pdf, _ = render_badge_pdf(event, [badge])
    write_y4m(camera_video, badge_frame(pdf))
    browser_login("door")
    requests, problems = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: message.type in ("error", "warning") and problems.append(message.text))
    open_door(page, live_server)

    start_camera(page)
    verdict = page.locator("[data-verdict]")
    expect(verdict.locator(".verdict-word")).to_have_text("ACCEPTED", timeout=15_000)
    assert verdict.locator(".verdict-reason").inner_text() == "Main entrance · entry"
    assert "Hồng Nhung" in verdict.inner_text()
    # The badge stays in front of the lens: it counts once, not once per frame.
    time.sleep(1.5)
    db.session.commit()  # end the test's transaction: read what the browser made the server write
    scans = db.session.scalars(select(Scan)).all()
    assert [(s.raw_code, s.badge_id, s.verdict) for s in scans] == [
        (badge.code, badge.id, ScanVerdict.ACCEPTED)]

    page.get_by_role("button", name="Stop camera").click()
    expect(page.locator("[data-camera-preview]")).to_be_hidden()
    assert page.evaluate("document.querySelector('[data-camera-preview]').srcObject") is None
    # The decoder and its .wasm came from this app, nothing from anywhere else.
    assert any(url.endswith("/static/vendor/zxing-wasm/zxing_reader.wasm") for url in requests)
    assert [url for url in requests if not url.startswith((live_server + "/", "data:", "blob:"))] == []
    assert problems == []


def test_scanner_typing_works_while_the_camera_is_on(event, camera_video, page, live_server, browser_login):
    badge = make_person(event, stage="handed_over").current_badge
    write_y4m(camera_video, Image.new("RGB", (640, 480), BACKGROUND))  # no badge in view
    browser_login("door")
    open_door(page, live_server)
    start_camera(page)
    # A keyboard-wedge scanner types into whatever has focus: the code field, not the camera button.
    page.keyboard.type(badge.code)
    page.keyboard.press("Enter")
    verdict = page.locator("[data-verdict]")
    expect(verdict).to_have_attribute("data-code", "accepted")
    assert "Dewi Lestari" in verdict.inner_text()
    assert page.evaluate("document.activeElement.name") == "code"
    expect(page.get_by_role("button", name="Stop camera")).to_be_visible()


def test_door_page_on_plain_http_says_the_camera_needs_https_and_scanner_still_works(
        event, page, live_server, browser_login):
    badge = make_person(event, stage="handed_over").current_badge
    # The test server is on loopback, which browsers treat as secure; a phone on http://venue-wifi is not.
    page.add_init_script("Object.defineProperty(window, 'isSecureContext', {get: () => false})")
    browser_login("door")
    open_door(page, live_server)
    note = page.locator("[data-camera-note]")
    expect(note).to_be_visible()
    assert re.search(r"camera needs a secure address.*https://", note.inner_text())
    assert "USB scanner and typing a code still work" in note.inner_text()
    expect(page.get_by_role("button", name="Scan with camera")).to_be_hidden()
    page.locator("input[name=code]").press_sequentially(badge.code)
    page.keyboard.press("Enter")
    expect(page.locator("[data-verdict]")).to_have_attribute("data-code", "accepted")
