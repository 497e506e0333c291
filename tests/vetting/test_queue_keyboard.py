"""The queue with the keyboard only, in a real browser: one officer approves, another clears."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.models import DelegateStatus
from support import PASSWORD, make_person

pytestmark = pytest.mark.browser


def log_in(page, live_server, user, queue):
    page.goto(f"{live_server}/login")
    # Chromium applies autofocus at its next rendering step, which may come after "load".
    expect(page.locator("input[name=email]")).to_be_focused()
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"{live_server}/vetting/queue{queue}")


def test_an_officer_approves_and_another_clears_from_the_queue_with_the_keyboard_only(
        event, browser, live_server, staff):
    from app.extensions import db
    first = make_person(event, given_name="Dewi", family_name="Lestari")
    second = make_person(event, given_name="Budi", family_name="Santoso")
    # The accreditation office works through everyone waiting; the security office through
    # those approved and waiting for it.
    for role, queue, key, expected in (
            ("accreditation", "", "a", DelegateStatus.APPROVED_AWAITING_CLEARANCE),
            ("security", "?state=approved_awaiting_clearance", "c", DelegateStatus.READY)):
        context = browser.new_context()
        page = context.new_page()
        log_in(page, live_server, staff(role), queue)
        rows = page.locator("[data-row]")
        expect(rows.first).to_have_attribute("aria-current", "true")
        assert "Dewi Lestari" in rows.first.inner_text()
        if rows.count() > 1:
            page.keyboard.press("j")  # down to the next person...
            expect(rows.nth(1)).to_have_attribute("aria-current", "true")
            page.keyboard.press("k")  # ...and back to the one who has waited longest
            expect(rows.first).to_have_attribute("aria-current", "true")
        page.keyboard.press(key)
        expect(page.locator(".flash-success")).to_be_visible()
        db.session.commit()
        assert db.session.get(type(first), first.id).status is expected
        assert db.session.get(type(second), second.id).status is DelegateStatus.SUBMITTED
        context.close()
