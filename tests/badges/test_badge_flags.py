"""Flags on badges: every ASEAN delegation's flag read back from the PDF with its main
colours, each flag put into a PDF once however many badges show it, the event's emblem
for people of no delegation, and every vendored flag readable."""
import io
import re

import pycountry
import pypdfium2 as pdfium
from PIL import Image

from badges import EventInfo, load_layout, render_badges
from badges.flags import available_flags, expand_markers, flag_file, flag_stream, path_vertices
from badges.layout import parse_layout
from badge_support import make_badge

MM = 72 / 25.4
# The main colours of each flag as flag-icons draws them (white and black left out: the
# card and its text have them too).
ASEAN_FLAGS = {
    "BN": ["#F7E017"], "KH": ["#032EA1", "#E00025"], "ID": ["#E70011"],
    "LA": ["#002868", "#CE1126"], "MY": ["#CC0000", "#000066", "#FFCC00"],
    "MM": ["#FECB00", "#34B233", "#EA2839"], "PH": ["#0038A8", "#CE1126", "#FCD116"],
    "SG": ["#DF0000"], "TH": ["#A51931", "#2D2A4A"], "VN": ["#DA251D", "#FFFF00"],
    "TL": ["#CB000F", "#F8C00C"],
}
NEUTRAL = "#37474F"  # a category colour no flag has, so the guilloche is grey


def _share(image: Image.Image, hex_colour: str, tolerance: int = 60) -> float:
    """The share of the image's pixels within `tolerance` (sum of channel differences)."""
    r0, g0, b0 = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    data = image.convert("RGB").tobytes()
    near = sum(1 for i in range(0, len(data), 3)
               if abs(data[i] - r0) + abs(data[i + 1] - g0) + abs(data[i + 2] - b0) < tolerance)
    return near / (len(data) // 3)


def _flag_box(layout_name: str) -> tuple[float, float, float, float]:
    return next(e.box for e in load_layout(layout_name).front if e.type == "flag")


def test_each_asean_delegation_gets_its_flag_in_its_main_colours(event):
    codes = sorted(ASEAN_FLAGS)
    badges = [make_badge(i, country_code=code, country_name=code, category_colour=NEUTRAL)
              for i, code in enumerate(codes)]
    out = io.BytesIO()
    report = render_badges(badges, out, event=event)
    assert not [w for w in report.warnings if "flag" in w]
    pdf = pdfium.PdfDocument(out.getvalue())
    x, y, w, h = _flag_box("cr80-portrait")
    dpi = 600
    for page, code in zip(pdf, codes):
        image = page.render(scale=dpi / 72).to_pil()
        px = dpi / 25.4
        crop = image.crop((int(x * px), int(y * px), int((x + w) * px), int((y + h) * px)))
        flag_area = (h * 4 / 3) / w  # the flag's share of the element's box
        for colour in ASEAN_FLAGS[code]:
            assert _share(crop, colour) > 0.01 * flag_area, (code, colour)


def test_a_flag_goes_into_the_pdf_once_however_many_badges_show_it(event):
    badges = [make_badge(i, country_code=code) for i, code in enumerate(["MY", "TH"] * 10)]
    out = io.BytesIO()
    render_badges(badges, out, event=event)
    forms = re.findall(rb"/BBox \[ *0 0 640 480 *\]", out.getvalue())
    assert len(forms) == 2


def test_people_of_no_delegation_get_the_events_emblem(event):
    from PIL import ImageDraw
    emblem = Image.new("RGB", (300, 300), "white")
    ImageDraw.Draw(emblem).ellipse((0, 0, 299, 299), fill=(0, 160, 0))
    data = io.BytesIO()
    emblem.save(data, "PNG")
    with_logo = EventInfo(**{**event.__dict__, "logo": data.getvalue()})
    badge = make_badge(country_code="", country_name="", organisation="ASEAN Secretariat",
                       category_colour=NEUTRAL)
    out = io.BytesIO()
    render_badges([badge], out, event=with_logo)
    x, y, w, h = _flag_box("cr80-portrait")
    page = pdfium.PdfDocument(out.getvalue())[0]
    px = 300 / 25.4
    crop = page.render(scale=300 / 72).to_pil().crop(
        (int(x * px), int(y * px), int((x + w) * px), int((y + h) * px)))
    assert _share(crop, "#00A000") > 0.02


def test_an_unknown_country_code_prints_no_empty_frame_and_is_reported(event):
    out = io.BytesIO()
    report = render_badges([make_badge(country_code="QQ", country_name="Nowhere")], out, event=event)
    assert any("no flag for country code 'QQ'" in w for w in report.warnings)
    assert "NOWHERE" in pdfium.PdfDocument(out.getvalue())[0].get_textpage().get_text_range()


def test_the_stars_of_the_united_states_flag_are_drawn():
    # flag-icons draws them as SVG markers, which svglib skips: they are expanded first.
    layout = parse_layout({"name": "flag", "width_mm": 64, "height_mm": 48, "front": [
        {"type": "flag", "box": [0, 0, 64, 48]}, {"type": "qr", "box": [40, 24, 23, 23]}]})
    out = io.BytesIO()
    render_badges([make_badge(country_code="US")], out, event=EventInfo(name="x"), layout=layout)
    image = pdfium.PdfDocument(out.getvalue())[0].render(scale=300 / 72).to_pil()
    canton = image.crop((0, 0, int(image.width * 0.55), int(image.height * 0.5)))
    assert _share(canton, "#FFFFFF", 40) > 0.1  # fifty white stars on blue
    assert _share(canton, "#192F5D") > 0.4


def test_markers_become_copies_at_every_vertex():
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg"><marker id="m"><path d="M0 0h2v2z"/></marker>'
           b'<path marker-mid="url(#m)" d="M0 0l10 0 0 10h5"/></svg>')
    out = expand_markers(svg)
    assert b"marker" not in out
    assert out.count(b"translate(10 0)") == 1 and out.count(b"translate(10 10)") == 1
    assert path_vertices("m0 0 16 11h61V40z") == [(0, 0), (16, 11), (77, 11), (77, 40), (0, 0)]


def test_every_country_a_delegation_can_have_has_a_vendored_flag():
    countries = {c.alpha_2 for c in pycountry.countries}
    assert countries <= set(available_flags())
    assert (flag_file("my").parent / "LICENSE").exists()
    assert "flag-icons" in (flag_file("my").parent / "VERSION").read_text().splitlines()[0]


def test_every_vendored_flag_is_read_into_a_drawing():
    unreadable = [code for code in available_flags() if flag_stream(code) is None]
    assert unreadable == []
