"""The kiosk in a real browser: desk staff open it on a station, a delegate types the code of
their approval e-mail as a scanner would, confirms, and the badge goes to the printer."""
from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import Badge, PrintJob
from app.services.links import kiosk_code
from app.services.notifications import qr_png
from cups_support import require_cups_queue
from door_support import BACKGROUND, write_y4m
from support import PASSWORD, make_person

pytestmark = pytest.mark.browser


def open_kiosk(page, live_server, desk) -> None:
    """Desk staff log in, set up a station with a printer and open kiosk mode on this browser."""
    queue = require_cups_queue()
    page.goto(f"{live_server}/login")
    expect(page.locator("input[name=email]")).to_be_focused()
    page.fill("input[name=email]", desk.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)

    page.goto(f"{live_server}/desk/stations")
    page.fill("input[name=name]", "Kiosk by the lifts")
    page.select_option("select[name=printer_queue]", queue)
    page.select_option("select[name=layout]", "cr80-portrait")
    page.click("text=Set up station")
    expect(page.locator("h1")).to_have_text("Station Kiosk by the lifts")
    page.click("text=Open kiosk mode on this browser")


def test_desk_staff_open_a_kiosk_and_a_delegate_prints_their_badge(event, page, live_server,
                                                                   staff):
    person = make_person(event, stage="approved", given_name="Nguyễn Thị", family_name="Hằng")
    desk = staff("desk")
    open_kiosk(page, live_server, desk)

    code_field = page.locator("input[name=code]")
    expect(code_field).to_be_focused()
    expect(page.locator("nav")).to_have_count(0)  # no staff menu
    with page.expect_response(lambda r: r.url.endswith("/kiosk/photo")) as photo:
        page.keyboard.type(kiosk_code(person))  # as a keyboard-wedge scanner types it
        page.keyboard.press("Enter")
    assert photo.value.status == 200
    expect(page.locator(".kiosk-name")).to_have_text("Nguyễn Thị Hằng")
    page.click("text=Yes, print my badge")
    expect(page.locator("h1")).to_have_text("Your badge is printing")
    expect(page.locator(".kiosk-message")).to_contain_text("show your passport at the accreditation desk")

    db.session.rollback()  # read what the server committed since this test's last look
    badge = db.session.scalar(select(Badge))
    assert badge.printed_at is not None and badge.handed_over_at is None
    assert db.session.scalar(select(PrintJob)).from_kiosk
    db.session.rollback()

    # Staff close the kiosk with their own login and are back at the desk.
    page.click("text=Staff")
    page.fill("input[name=email]", desk.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Close kiosk')")
    expect(page.locator("h1")).to_have_text("Station Kiosk by the lifts")


def test_a_delegate_holds_the_qr_code_of_their_approval_email_up_to_the_kiosk_camera(
        event, camera_page, camera_video, live_server, staff):
    person = make_person(event, stage="approved", given_name="Siti", family_name="Rahmah")
    open_kiosk(camera_page, live_server, staff("desk"))
    # The phone's screen as the camera sees it: the e-mail's QR image on a grey background.
    qr = Image.open(io.BytesIO(qr_png(kiosk_code(person)))).convert("RGB")
    frame = Image.new("RGB", (640, 480), BACKGROUND)
    frame.paste(qr.resize((400, 400)), (120, 40))
    write_y4m(camera_video, frame)

    with camera_page.expect_response(lambda r: r.url.endswith("/kiosk/photo")) as photo:
        camera_page.click("text=Show the code on your phone to the camera")
    assert photo.value.status == 200
    expect(camera_page.locator(".kiosk-name")).to_have_text("Siti Rahmah")
    camera_page.click("text=Yes, print my badge")
    expect(camera_page.locator("h1")).to_have_text("Your badge is printing")
    db.session.rollback()
    assert db.session.scalar(select(PrintJob)).from_kiosk
    db.session.rollback()


def test_a_kiosk_whose_camera_does_not_open_asks_to_scan_or_type(event, page, live_server, staff):
    open_kiosk(page, live_server, staff("desk"))
    expect(page.locator("input[name=code]")).to_be_focused()
    # Chromium without a camera device: the button is there (the browser may use one) and says
    # so when pressed, and the code field still takes a scanner's typing.
    page.click("text=Show the code on your phone to the camera")
    expect(page.locator("[data-camera-note]")).to_contain_text("Please scan or type your code")
    expect(page.locator("input[name=code]")).to_be_focused()


def test_a_kiosk_on_plain_http_offers_no_camera_and_takes_typing(event, page, live_server, staff):
    person = make_person(event, stage="approved", given_name="Siti", family_name="Rahmah")
    # The test server is on loopback, which browsers treat as secure; http://kiosk-wifi is not.
    page.add_init_script("Object.defineProperty(window, 'isSecureContext', {get: () => false})")
    open_kiosk(page, live_server, staff("desk"))
    expect(page.locator("input[name=code]")).to_be_focused()
    expect(page.get_by_role("button", name="Show the code on your phone to the camera")).to_be_hidden()
    page.keyboard.type(kiosk_code(person))
    page.keyboard.press("Enter")
    expect(page.locator(".kiosk-name")).to_have_text("Siti Rahmah")
