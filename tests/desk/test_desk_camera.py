"""The desk's webcam in a real browser: Chromium's fake camera films someone at the desk, the
clerk takes the photo, frames it with the crop tool and saves; the server checks and keeps it."""
from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import Delegate, DelegateStatus, SubmittedBy
from app.services.photos import normalise_photo, read_photo
from desk_support import face_frame
from door_support import write_y4m
from support import make_person

pytestmark = pytest.mark.browser


@pytest.fixture
def page(camera_page, camera_video):
    write_y4m(camera_video, face_frame())
    return camera_page


@pytest.fixture
def problems(page, live_server):
    """Script errors, refused resources (CSP) and requests anywhere but this app, as they happen."""
    seen = []
    page.on("console", lambda m: seen.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen.append(str(e)))
    page.on("request", lambda r: seen.append(r.url)
            if not r.url.startswith((live_server + "/", "data:", "blob:")) else None)
    return seen


def take_photo(page):
    """Open the camera, take a photo and wait for the crop tool to frame it."""
    page.get_by_role("button", name="Use the desk camera").click()
    expect(page.locator("[data-webcam-preview]")).to_have_js_property("videoWidth", 640)
    page.get_by_role("button", name="Take photo").click()
    expect(page.locator(".crop-frame")).to_be_visible()
    # The camera is closed once the photo is taken.
    expect(page.locator("[data-webcam-preview]")).to_be_hidden()
    # The largest 35:45 frame of a 640 x 480 picture, centred.
    expect(page.locator("#crop_height")).to_have_value("480")
    expect(page.locator("#crop_width")).to_have_value("373")


def assert_a_checked_passport_photo(name: str) -> Image.Image:
    stored = read_photo(name)
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG" and abs(image.width / image.height - 35 / 45) < 0.01
    assert image.width >= 300 and image.height >= 385
    normalise_photo(stored)  # the stored photo passes every upload check again
    return image


def test_the_desk_registers_a_walk_in_with_a_photo_from_its_webcam(
        event, page, problems, live_server, browser_login):
    browser_login("desk")
    page.goto(f"{live_server}/desk/")
    page.get_by_role("link", name="Register a walk-in").click()
    page.fill("#honorific", "Lieutenant Colonel")
    page.fill("#given_name", "Nguyễn Văn")
    page.fill("#family_name", "Thành")
    page.fill("#date_of_birth", "1979-02-03")
    page.select_option("#nationality", "VN")
    page.fill("#passport_number", "C1234567")
    page.fill("#passport_expiry", "2030-01-31")
    page.select_option("#country", "VN")
    page.select_option("#category", "D")
    page.fill("#organisation", "General Department of Defence Intelligence")
    page.fill("#email", "thanh.nv@example.vn")
    take_photo(page)
    page.check("#consent")
    page.get_by_role("button", name="Register", exact=True).click()

    expect(page.locator(".flash-success")).to_contain_text("waits for the offices")
    db.session.commit()  # read what the browser made the server write
    person = db.session.scalar(select(Delegate))
    assert page.url == f"{live_server}/desk/people/{person.id}"
    assert person.printed_name == "Nguyễn Văn Thành" and person.submitted_by is SubmittedBy.DESK
    assert person.status is DelegateStatus.SUBMITTED and person.badges == []
    photo = assert_a_checked_passport_photo(person.photo_file)
    # The plain wall of the frame is cropped away: the portrait fills the photo.
    assert photo.getpixel((5, photo.height // 2)) != (232, 236, 240)
    assert problems == []


def test_the_desk_retakes_a_photo_with_its_webcam_and_the_badge_is_replaced(
        event, page, problems, live_server, browser_login):
    person = make_person(event, stage="handed_over")
    earlier, old_badge = person.photo_file, person.current_badge
    browser_login("desk")
    page.goto(f"{live_server}/desk/people/{person.id}")
    page.get_by_role("link", name="Take a new photo").click()
    take_photo(page)
    page.get_by_role("button", name="Save the new photo").click()

    expect(page.locator(".flash-success")).to_contain_text("print its replacement")
    expect(page.get_by_role("heading", name="Earlier photos")).to_be_visible()
    db.session.commit()
    db.session.refresh(person)
    assert person.photo_file != earlier and read_photo(earlier) is not None
    assert_a_checked_passport_photo(person.photo_file)
    db.session.refresh(old_badge)
    assert old_badge.revoked_at is not None and person.current_badge.version == 2
    assert problems == []

