"""The kiosk in a real browser: desk staff open it on a station, a delegate types the code of
their approval e-mail as a scanner would, confirms, and the badge goes to the printer."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import Badge, PrintJob
from app.services.links import kiosk_code
from cups_support import require_cups_queue
from support import PASSWORD, make_person

pytestmark = pytest.mark.browser


def test_desk_staff_open_a_kiosk_and_a_delegate_prints_their_badge(event, page, live_server,
                                                                   staff):
    queue = require_cups_queue()
    person = make_person(event, stage="approved", given_name="Nguyễn Thị", family_name="Hằng")
    desk = staff("desk")
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
