"""The desk with the keyboard, in a real browser: type a name without its accents, see it found
while typing, print with P, hand over with H after the ID check."""
from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import Badge
from support import make_person

pytestmark = pytest.mark.browser


def badges_of(person) -> list[Badge]:
    db.session.commit()  # see what the browser's requests wrote
    return db.session.scalars(select(Badge).where(Badge.delegate_id == person.id)).all()


def until(condition, seconds: float = 15):
    """Wait for something a browser's request does on the server (not a measure of speed)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the server never did it"
        time.sleep(0.1)


def test_a_clerk_finds_a_folded_name_while_typing_prints_with_p_and_hands_over_with_h(
        event, page, live_server, browser_login):
    hang = make_person(event, stage="approved", given_name="Nguyễn Thị Thu", family_name="Hằng",
                       country="VN", passport_number="C7654321")
    make_person(event, stage="approved", given_name="Nguyễn Văn", family_name="Bình", country="VN")
    browser_login("desk")
    page.goto(f"{live_server}/desk/")
    search = page.locator("input[name=q]")
    expect(search).to_be_focused()
    page.evaluate("() => { window.stillThisPage = true; }")
    page.keyboard.type("nguyen thi hang")
    hits = page.locator("#desk-results li[role=option]")
    expect(hits).to_have_count(1)
    expect(hits.first).to_contain_text("Nguyễn Thị Thu Hằng")
    expect(hits.first).to_contain_text("Not yet printed")
    assert page.evaluate("() => window.stillThisPage === true")  # no page load while typing

    # Down to the hit, P: the badge is issued and printed in a new tab.
    page.keyboard.press("ArrowDown")
    expect(hits.first).to_be_focused()
    expect(hits.first).to_have_attribute("aria-selected", "true")
    with page.expect_popup():
        page.keyboard.press("p")
    until(lambda: [b.printed_at is not None for b in badges_of(hang)] == [True])

    # Searched again, the hit says the badge waits at the desk; H opens the ID check.
    page.keyboard.press("Escape")
    expect(search).to_be_focused()
    search.fill("")
    page.keyboard.type("HẰNG")
    expect(hits.first).to_contain_text("Printed, ready for collection")
    page.keyboard.press("ArrowDown")
    expect(hits.first).to_be_focused()
    page.keyboard.press("h")
    expect(page.locator("h1")).to_contain_text("Hand over badge")
    expect(page.locator(".doc-end")).to_have_text("4321")
    button = page.get_by_role("button", name="ID checked: hand over")
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".flash-success")).to_contain_text("handed over")
    assert badges_of(hang)[0].handed_over_at is not None


def test_arrows_move_between_hits_letters_go_on_typing_and_enter_opens(
        event, page, live_server, browser_login):
    make_person(event, stage="approved", given_name="María José", family_name="Peña", country="PH")
    second = make_person(event, stage="approved", given_name="Ramón", family_name="Peñalosa",
                         country="PH")
    browser_login("desk")
    page.goto(f"{live_server}/desk/")
    search = page.locator("input[name=q]")
    expect(search).to_be_focused()
    page.keyboard.type("pena")
    hits = page.locator("#desk-results li[role=option]")
    expect(hits).to_have_count(2)
    for _ in range(3):  # the last hit holds
        page.keyboard.press("ArrowDown")
    expect(hits.nth(1)).to_be_focused()
    expect(hits.nth(0)).to_have_attribute("aria-selected", "false")
    page.keyboard.press("ArrowUp")
    expect(hits.nth(0)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowUp")  # above the first hit: the search box
    expect(search).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(hits.nth(0)).to_be_focused()
    page.keyboard.type("lo")  # a letter on a hit goes on with the search
    expect(search).to_have_value("penalo")
    expect(hits).to_have_count(1)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/desk/people/{second.id}")
    expect(page.locator("h1")).to_contain_text("Ramón Peñalosa")
