"""A delegate registers in a real browser (Debian's Chromium through Playwright),
crops their photo with the crop tool, and the server stores exactly that crop."""
from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import Delegate
from app.services.photos import read_photo

pytestmark = pytest.mark.browser


def test_a_delegate_registers_with_a_cropped_photo(event, page, live_server, tmp_path):
    # Green on the left, blue on the right: where the frame ends up is visible in the result.
    picture = Image.new("RGB", (1600, 1200), (20, 170, 20))
    picture.paste((20, 20, 210), (800, 0, 1600, 1200))
    photo = tmp_path / "holiday.png"
    picture.save(photo)
    problems = []
    # Script errors and refused resources (CSP violations) would show here.
    page.on("console", lambda m: problems.append(m.text)
            if m.type == "error" and "Failed to load resource" not in m.text else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)

    page.goto(f"{live_server}/events/amim22/register")
    page.fill("#honorific", "Colonel")
    page.fill("#given_name", "Siti Nurhaliza")
    page.fill("#family_name", "binti Omar")
    assert page.input_value("#printed_name") == "Siti Nurhaliza binti Omar"
    assert page.text_content("[data-preview-name]") == "Colonel Siti Nurhaliza binti Omar"
    page.select_option("#country", "MY")
    page.select_option("#category", "D")
    page.fill("#organisation", "Defence Intelligence Organisation")
    page.fill("#email", "siti.omar@example.my")
    page.fill("#phone", "+60 13-222 1010")
    page.fill("#date_of_birth", "1976-04-12")
    page.select_option("#nationality", "MY")
    page.fill("#passport_number", "A31824756")
    page.fill("#passport_expiry", "2031-06-30")

    page.set_input_files("#photo", str(photo))
    frame = page.locator(".crop-frame")
    frame.wait_for(state="visible")
    # The tool starts with the largest 35:45 frame, centred.
    assert int(page.input_value("#crop_height")) == 1200
    assert abs(int(page.input_value("#crop_x")) - 333) <= 1

    # Make the frame smaller with its corner handle, then drag it onto the blue half.
    page.locator(".crop-stage").scroll_into_view_if_needed()
    handle = page.locator(".crop-handle").bounding_box()
    hx, hy = handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2
    page.mouse.move(hx, hy)
    page.mouse.down()
    page.mouse.move(hx - 100, hy - 130, steps=8)
    page.mouse.up()
    box = frame.bounding_box()
    cx, cy = box["x"] + box["width"] / 3, box["y"] + box["height"] / 3
    page.mouse.move(cx, cy)
    page.mouse.down()
    page.mouse.move(cx + 400, cy + 400, steps=8)  # beyond the edge: the frame stops at it
    page.mouse.up()

    x, y, w, h = (int(page.input_value(f"#crop_{k}")) for k in ("x", "y", "width", "height"))
    assert 300 <= w < 933 and abs(w / h - 35 / 45) < 0.01
    assert x + w == 1600 or abs(x + w - 1600) <= 1  # pushed against the right edge
    assert y + h == 1200 or abs(y + h - 1200) <= 1
    assert x > 800  # entirely on the blue half

    page.check("#consent")
    page.click("button[type=submit]")
    page.wait_for_url("**/registered")
    assert "Application received" in page.text_content("h1")
    reference = page.text_content(".reference strong")

    db.session.commit()  # end the test's transaction: read what the browser wrote
    person = db.session.scalar(select(Delegate))
    assert person.reference == reference
    stored = Image.open(io.BytesIO(read_photo(person.photo_file))).convert("RGB")
    assert abs(stored.width / stored.height - 35 / 45) < 0.01
    colours = stored.getcolors(maxcolors=1_000_000)
    blue = sum(n for n, (r, g, b) in colours if b > 150 and g < 80)
    assert blue / (stored.width * stored.height) > 0.99
    assert problems == []


def test_one_mistake_is_fixed_without_choosing_the_photo_again(event, page, live_server, tmp_path):
    picture = Image.new("RGB", (1400, 900), (20, 170, 20))
    picture.paste((20, 20, 210), (700, 0, 1400, 900))
    photo = tmp_path / "portrait.jpg"
    picture.save(photo, quality=90)
    problems = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and r.request.method == "GET" else None)

    page.goto(f"{live_server}/events/amim22/register")
    page.fill("#given_name", "Dewi")
    page.fill("#family_name", "Lestari")
    page.select_option("#country", "ID")
    page.select_option("#category", "D")
    page.fill("#organisation", "BAIS TNI")
    page.fill("#email", "dewi.lestari@example")  # the one mistake: no domain ending
    page.fill("#date_of_birth", "1980-05-17")
    page.select_option("#nationality", "ID")
    page.fill("#passport_number", "B7654321")
    page.fill("#passport_expiry", "2032-01-31")
    page.set_input_files("#photo", str(photo))
    page.locator(".crop-frame").wait_for(state="visible")
    # Move the frame onto the blue half with the keyboard: that crop must survive too.
    page.locator(".crop-frame").focus()
    for _ in range(60):
        page.keyboard.press("ArrowRight")
    page.check("#consent")
    page.click("button[type=submit]")

    expect(page.locator(".has-error")).to_have_count(1)
    expect(page.locator(".has-error #email")).to_be_visible()
    held = page.locator("[data-held-photo] img")
    expect(held).to_be_visible()
    expect(held).to_have_js_property("complete", True)  # shown, then loaded (or broken)
    assert held.evaluate("img => img.naturalWidth") > 0
    assert page.input_value("#given_name") == "Dewi"

    page.fill("#email", "dewi.lestari@example.id")
    page.check("#consent")
    page.click("button[type=submit]")
    page.wait_for_url("**/registered")
    expect(page.locator("h1")).to_have_text("Application received")

    db.session.commit()
    person = db.session.scalar(select(Delegate))
    assert person.email == "dewi.lestari@example.id"
    stored = Image.open(io.BytesIO(read_photo(person.photo_file))).convert("RGB")
    blue = sum(n for n, (r, g, b) in stored.getcolors(maxcolors=1_000_000) if b > 150 and g < 80)
    assert blue / (stored.width * stored.height) > 0.95
    assert problems == []
