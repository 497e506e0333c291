"""Names in every script on the staff pages: the badges' fonts served as WOFF2 web fonts, each
for the characters it covers, and a Thai name drawn with them in a real browser."""
from __future__ import annotations

import hashlib
import re
from io import BytesIO
from pathlib import Path

import pytest
from playwright.sync_api import expect

from support import make_person

FONTS = Path(__file__).resolve().parents[2] / "app" / "static" / "fonts"
FACE = re.compile(r'@font-face \{[^}]*src: url\("([^"]+)"\)[^}]*unicode-range: ([^;]+);', re.DOTALL)


def faces(css: str) -> list[tuple[str, list[tuple[int, int]]]]:
    """(file, [(first, last) code points]) of every @font-face."""
    found = []
    for file, ranges in FACE.findall(css):
        spans = []
        for part in ranges.split(","):
            first, _, last = part.strip().removeprefix("U+").partition("-")
            spans.append((int(first, 16), int(last or first, 16)))
        found.append((file, spans))
    return found


def test_the_css_is_served_and_each_face_points_at_a_font_the_app_serves(client):
    response = client.get("/static/fonts/names.css")
    assert response.status_code == 200 and response.mimetype == "text/css"
    css = response.get_data(as_text=True)
    listed = faces(css)
    assert len(listed) == css.count("@font-face") > 10
    for file, _ in listed:
        font = client.get(f"/static/fonts/{file}")
        assert font.status_code == 200 and font.mimetype == "font/woff2", file
        assert font.data[:4] == b"wOF2", file


def test_each_face_has_the_letters_of_its_range_for_the_scripts_names_use():
    from fontTools.ttLib import TTFont
    listed = dict(faces((FONTS / "names.css").read_text()))
    samples = {"thai-regular.woff2": "สมชาย รัตนกุล", "lao-bold.woff2": "ຄຳພັນ",
               "khmer-regular.woff2": "ជា សុខា", "myanmar-regular.woff2": "အောင်ကျော်မင်း",
               "arabic-regular.woff2": "حافظ بن عبدالله"}
    for file, name in samples.items():
        cmap = TTFont(BytesIO((FONTS / file).read_bytes())).getBestCmap()
        letters = [ch for ch in name if ch != " "]
        assert all(ord(ch) in cmap for ch in letters), file
        assert all(any(a <= ord(ch) <= b for a, b in listed[file]) for ch in letters), file
    # A Chinese name is in the slices whose ranges claim its characters.
    for ch in "陈伟明张丽華":
        slices = [file for file, spans in listed.items() if file.startswith("cjk")
                  and any(a <= ord(ch) <= b for a, b in spans)]
        assert len(slices) == 1, ch
        assert ord(ch) in TTFont(BytesIO((FONTS / slices[0]).read_bytes())).getBestCmap()


def test_the_fonts_are_those_the_build_wrote():
    for line in (FONTS / "VERSION").read_text().splitlines()[1:]:
        digest, name = line.split()
        assert hashlib.sha256((FONTS / name).read_bytes()).hexdigest() == digest, name


@pytest.mark.parametrize("role, url", [("desk", "/desk/"), ("door", "/door/"),
                                       ("accreditation", "/vetting/queue")])
def test_desk_door_and_vetting_pages_link_the_fonts(client, login, event, role, url):
    login(role)
    assert "/static/fonts/names.css" in client.get(url, follow_redirects=True).get_data(as_text=True)


@pytest.mark.browser
def test_a_thai_name_is_drawn_with_the_web_font(event, page, live_server, browser_login):
    person = make_person(event, stage="approved", given_name="Somchai", family_name="Rattanakul",
                        native_name="สมชาย รัตนกุล", country="TH")
    browser_login("desk")
    page.goto(f"{live_server}/desk/people/{person.id}")
    expect(page.locator(".native.big")).to_have_text("สมชาย รัตนกุล")
    page.wait_for_function("""() => [...document.fonts].some((face) =>
        face.family.replace(/"/g, "") === "Lanyard Names" && face.status === "loaded"
        && face.unicodeRange.includes("E00"))""")
    assert page.evaluate("""() => document.fonts.check('16px "Lanyard Names"', "สมชาย")""")
