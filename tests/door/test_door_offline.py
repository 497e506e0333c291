"""A door that loses the network keeps deciding, survives a reload, and uploads every scan once."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import Scan, ScanFlag, ScanVerdict
from app.services.audit import Actor
from app.services.issuance import revoke_badge
from app.services.printing import render_badge_pdf
from door_support import badge_frame, write_y4m
from support import make_person

pytestmark = pytest.mark.browser

CHECKPOINT = "Main entrance (22nd ASEAN Military Intelligence Meeting)"


@pytest.fixture
def page(camera_page):
    """The door phone: a Chromium with a (fake) camera, logged in by browser_login."""
    return camera_page


def wearing(event, name, family, **fields):
    return make_person(event, stage="handed_over", given_name=name, family_name=family,
                       email=f"{name.lower()}@example.org", **fields).current_badge


def scan(page, code):
    """A keyboard-wedge scanner types the code and presses Enter; what the screen shows."""
    verdict = page.locator("[data-verdict]")
    page.evaluate("document.querySelector('[data-verdict]').removeAttribute('data-code')")
    page.locator("input[name=code]").fill(code)
    page.locator("input[name=code]").press("Enter")
    expect(verdict).to_have_attribute("data-code", re.compile(".+"))
    photo = verdict.locator("img")
    if photo.count():
        photo.evaluate("img => img.complete || new Promise(done => img.addEventListener('load', done))")
    result = {"verdict": verdict.get_attribute("data-code"),
              "offline": verdict.get_attribute("data-offline") == "true", "text": verdict.inner_text(),
              "photo": bool(photo.count()) and photo.evaluate("img => img.naturalWidth") > 0}
    page.get_by_role("button", name="Next badge").click()
    return result


def ready(page, checkpoint_code="MAIN"):
    page.wait_for_function(
        "c => window.LanyardDoor && LanyardDoor.state.snapshot"
        " && LanyardDoor.state.snapshot.checkpoint.code === c", arg=checkpoint_code)


def test_a_door_decides_offline_survives_a_reload_and_uploads_each_scan_once(
        event, page, camera_video, live_server, browser_login):
    filmed = wearing(event, "Hong", "Nhung", country="VN")
    typed = wearing(event, "Arjun", "Pillai", country="SG")
    valid = wearing(event, "Dewi", "Lestari")
    stolen = wearing(event, "Budi", "Santoso")
    after_reload = wearing(event, "Maria", "Santos", country="PH")
    forged = valid.code[:40] + ("A" if valid.code[40] != "A" else "B") + valid.code[41:]
    pdf, _ = render_badge_pdf(event, [filmed])
    write_y4m(camera_video, badge_frame(pdf))

    browser_login("door")
    page.goto(f"{live_server}/door/")
    page.select_option("select[name=checkpoint]", label=CHECKPOINT)
    ready(page)
    # Predicates are functions: the page's CSP refuses the eval a string expression would need.
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")

    # Online: a badge through the camera, one through the USB scanner.
    page.get_by_role("button", name="Scan with camera").click()
    verdict = page.locator("[data-verdict]")
    expect(verdict.locator(".verdict-word")).to_have_text("ACCEPTED", timeout=15_000)
    assert "Hong Nhung" in verdict.inner_text() and verdict.get_attribute("data-offline") == "false"
    page.get_by_role("button", name="Next badge").click()
    page.get_by_role("button", name="Stop camera").click()
    result = scan(page, typed.code)
    assert result["verdict"] == "accepted" and result["offline"] is False and result["photo"]

    # A badge reported stolen before the network goes: the device learns it at its next sync.
    revoke_badge(stolen, "stolen", Actor.cli("test"))
    page.evaluate("LanyardDoor.sync()")
    page.wait_for_function("id => LanyardDoor.state.snapshot.stopped.some(s => s[0] === id)", arg=stolen.id)
    # The roster's photos are on the device before the network goes.
    page.wait_for_function("() => caches.open('lanyard-door-photos').then(c => c.keys())"
                           ".then(keys => keys.length >= LanyardDoor.state.snapshot.roster.length)")

    page.context.set_offline(True)
    first = scan(page, valid.code)
    assert first["verdict"] == "accepted" and first["offline"] is True
    assert "Dewi Lestari" in first["text"] and "Decided on this device" in first["text"]
    assert first["photo"]
    assert scan(page, stolen.code)["verdict"] == "reported_lost"
    assert scan(page, forged)["verdict"] == "invalid_signature"
    assert scan(page, valid.code)["verdict"] == "already_inside"  # as far as this device knows
    expect(page.locator("[data-status]")).to_contain_text("OFFLINE")
    expect(page.locator("[data-status]")).to_contain_text("4 scans waiting to upload")

    # Still offline: the page comes back from the device, with its roster and its queue.
    page.reload()
    ready(page)
    expect(page.locator("[data-status]")).to_contain_text("4 scans waiting to upload")
    again = scan(page, after_reload.code)
    assert again["verdict"] == "accepted" and again["offline"] is True and again["photo"]

    page.context.set_offline(False)
    expect(page.locator("[data-status]")).to_contain_text("0 scans waiting to upload", timeout=20_000)
    page.evaluate("LanyardDoor.flush()")  # once more: nothing is recorded twice

    db.session.commit()  # end the test's transaction: read what the uploads wrote
    offline = db.session.scalars(select(Scan).where(Scan.offline.is_(True)).order_by(Scan.scanned_at)).all()
    assert [(s.badge_id, s.verdict) for s in offline] == [
        (valid.id, ScanVerdict.ACCEPTED), (stolen.id, ScanVerdict.REPORTED_LOST),
        (None, ScanVerdict.INVALID_SIGNATURE), (valid.id, ScanVerdict.ALREADY_INSIDE),
        (after_reload.id, ScanVerdict.ACCEPTED)]
    assert len({s.nonce for s in offline}) == 5
    assert all(s.recorded_at > s.scanned_at for s in offline)
    assert offline[1].flag is ScanFlag.REPORTED_LOST
    assert all(s.server_verdict is None for s in offline)  # the device decided as the server would
    online = db.session.scalars(select(Scan).where(Scan.offline.is_(False))).all()
    assert {s.badge_id for s in online} == {filmed.id, typed.id}
