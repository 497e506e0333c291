"""Security printing read back from the PDFs: microtext present as text at its size, the
guilloche made per event and behind every QR that still decodes at 150 dpi, on every
stock and sheet; the serial across the photo's corner, the hologram area left clear, and
layouts that ask for what a card printer cannot print refused."""
import io
import json
import re
import zlib

import pypdfium2 as pdfium
import pytest
import zxingcpp

from badges import EventInfo, LayoutError, list_layouts, list_sheets, load_layout, load_sheet, render_badges
from badges.layout import LAYOUT_DIR, parse_layout
from badges.security import guilloche_operators
from badge_support import make_badge, make_code, page_chars

MM = 72 / 25.4


def _pdf(badges, event, **kwargs) -> pdfium.PdfDocument:
    out = io.BytesIO()
    render_badges(badges, out, event=event, **kwargs)
    return pdfium.PdfDocument(out.getvalue())


@pytest.mark.parametrize("name", list_layouts())
def test_every_stock_has_the_security_elements_front_and_back(name):
    layout = load_layout(name)
    front = {e.type for e in layout.front}
    assert {"guilloche", "microtext", "hologram", "header", "flag", "zones"} <= front
    assert any(e.type == "image" and e.get("overprint") for e in layout.front)
    assert {"guilloche", "microtext", "zone_legend"} <= {e.type for e in layout.back}


def test_microtext_repeats_the_name_and_serial_as_text_at_its_size(event):
    badge = make_badge(3, name="Siti Nurhaliza binti Omar", serial="B000777")
    page = _pdf([badge], event)[0]
    sizes = {el.get("size", 1.6) for el in load_layout("cr80-portrait").front if el.type == "microtext"}
    text = page.get_textpage().get_text_range()
    assert text.count("Siti Nurhaliza binti Omar · B000777") >= 4
    micro = [size for _, _, size in page_chars(page) if size < 3]
    assert len(micro) > 150
    assert {round(size, 2) for size in micro} <= {round(s, 2) for s in sizes}


def test_microtext_fills_its_box_edge_to_edge_and_no_further(event):
    page = _pdf([make_badge(4)], event)[0]
    height = 85.6 * MM
    for el in (e for e in load_layout("cr80-portrait").front if e.type == "microtext"):
        x, y, w, h = (v * MM for v in el.box)
        boxes = [box for _, box, size in page_chars(page) if size < 3
                 and height - y - h - 1 <= (box[1] + box[3]) / 2 <= height - y + 1]
        assert boxes
        assert min(b[0] for b in boxes) >= x - 0.2 and max(b[2] for b in boxes) <= x + w + 0.2
        assert max(b[2] for b in boxes) > x + w - 3  # reaches the far end


def _forms(pdf_bytes: bytes) -> list[bytes]:
    """The decompressed content of every form XObject in the PDF."""
    found = []
    for match in re.finditer(rb"/Subtype /Form.*?stream\r?\n", pdf_bytes, re.S):
        start = match.end()
        end = pdf_bytes.index(b"endstream", start)
        try:
            found.append(zlib.decompress(pdf_bytes[start:end]))
        except zlib.error:
            found.append(pdf_bytes[start:end])
    return found


def test_the_guilloche_is_made_per_event_and_put_into_a_pdf_once(event):
    ops = {name: guilloche_operators(name, "waves", 153.0, 242.6, 3.4, 0.28)
           for name in ("ADIM 2026", "AMIM 22")}
    assert ops["ADIM 2026"] != ops["AMIM 22"]
    assert ops["ADIM 2026"] == guilloche_operators("ADIM 2026", "waves", 153.0, 242.6, 3.4, 0.28)
    out = io.BytesIO()
    render_badges([make_badge(i) for i in range(30)], out, event=event, back=True)
    patterns = [f for f in _forms(out.getvalue()) if f.count(b" c\n") > 1000]
    assert len(patterns) == 2  # the waves of the front and the rosette of the back


def test_guilloche_lines_are_fine_and_light(event):
    out = io.BytesIO()
    render_badges([make_badge()], out, event=event)
    pattern = max(_forms(out.getvalue()), key=len)
    width = float(re.search(rb"([\d.]+) w", pattern).group(1))
    assert 0.085 * MM <= width <= 0.15 * MM  # one 300 dpi dot, finer than a copier holds
    page = pdfium.PdfDocument(out.getvalue())[0]
    image = page.render(scale=300 / 72).to_pil().convert("L")
    # Between the name and the category band: only the pattern, never darker than light grey.
    strip = image.crop((40, int(71.0 / 85.6 * image.height) - 6, image.width - 40,
                        int(71.0 / 85.6 * image.height) - 2))
    assert strip.getextrema()[0] > 150


STOCKS_AND_SHEETS = ([("layout", name) for name in list_layouts()]
                     + [("sheet", name) for name in list_sheets()])


@pytest.mark.parametrize("kind, name", STOCKS_AND_SHEETS)
def test_qr_decodes_at_150_dpi_with_the_guilloche_behind_it(kind, name, event):
    count = load_sheet(name).per_page if kind == "sheet" else 1
    badges = [make_badge(i, code=make_code(i, 116)) for i in range(count)]
    pdf = _pdf(badges, event, **{kind: name})
    layout = load_layout(name) if kind == "layout" else None
    if layout:
        background = layout.front[0]
        assert background.type == "guilloche" and background.box[2:] == (layout.width_mm, layout.height_mm)
    found = [r.text for r in zxingcpp.read_barcodes(pdf[0].render(scale=150 / 72).to_pil())]
    assert sorted(found) == sorted(b.code for b in badges)


@pytest.mark.parametrize("name", list_layouts())
def test_the_photo_is_no_smaller_than_the_qr(name, event):
    page = _pdf([make_badge(photo=_photo())], event, layout=name)[0]
    images = [obj.get_bounds() for obj in page.get_objects(max_depth=3)
              if obj.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE]
    photo = max(images, key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))
    qr = next(r for r in zxingcpp.read_barcodes(page.render(scale=300 / 72).to_pil()))
    px = 300 / 72
    qr_w = (qr.position.bottom_right.x - qr.position.top_left.x) / px * 45 / 37  # with its quiet zone
    assert photo[2] - photo[0] >= qr_w - 0.5 and photo[3] - photo[1] >= qr_w - 0.5
    assert (photo[2] - photo[0]) * (photo[3] - photo[1]) > qr_w * qr_w


def _photo() -> bytes:
    from PIL import Image
    image = Image.new("RGB", (413, 531), (120, 90, 70))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


def test_the_serial_is_overprinted_across_the_photos_corner(event):
    page = _pdf([make_badge(serial="B004242", photo=_photo())], event)[0]
    x, y, w, h = next(e.box for e in load_layout("cr80-portrait").front if e.get("source") == "photo")
    height = 85.6 * MM
    corner = page.get_textpage().get_text_bounded(
        left=(x + w / 3) * MM, bottom=height - (y + h) * MM, right=(x + w) * MM,
        top=height - (y + h / 2) * MM)
    assert "B004242" in corner


def test_nothing_is_printed_in_the_hologram_area(event):
    page = _pdf([make_badge()], event)[0]
    x, y, w, h = next(e.box for e in load_layout("cr80-portrait").front if e.type == "hologram")
    image = page.render(scale=300 / 72).to_pil().convert("L")
    px = 300 / 25.4
    inner = image.crop((int((x + w * 0.25) * px), int((y + h * 0.25) * px),
                        int((x + w * 0.75) * px), int((y + h * 0.75) * px)))
    assert inner.getextrema() == (255, 255)


def _with(element: dict) -> dict:
    doc = json.loads((LAYOUT_DIR / "cr80-portrait.json").read_text())
    doc["front"].append(element)
    return doc


@pytest.mark.parametrize("element, message", [
    ({"type": "microtext", "box": [3, 3, 20, 1], "size": 0.8}, "does not print at 300 dpi"),
    ({"type": "microtext", "box": [3, 3, 20, 3], "size": 6}, "not microtext"),
    ({"type": "guilloche", "box": [0, 0, 20, 20], "line_mm": 0.05}, "300 dpi"),
    ({"type": "guilloche", "box": [0, 0, 20, 20], "pattern": "plaid"}, "pattern"),
    ({"type": "hologram", "box": [40, 20, 8, 8]}, "overlaps the QR"),
    ({"type": "image", "source": "logo", "box": [3, 3, 8, 8], "overprint": "{serial}"}, "only the photo"),
    ({"type": "flag", "box": [3, 3, 20, 4], "text": "{passport}"}, "unknown field"),
    ({"type": "header", "box": [3, 3, 40, 7], "size": 6, "min_size": 8}, "min_size"),
])
def test_layouts_asking_for_what_cannot_print_are_refused(element, message):
    with pytest.raises(LayoutError, match=message):
        parse_layout(_with(element))


def test_a_layout_may_place_the_new_elements_anywhere(event):
    doc = _with({"type": "microtext", "box": [3, 3, 48, 1.2], "size": 1.4,
                 "text": "{serial} {category_code}"})
    doc["front"].append({"type": "flag", "box": [3, 5, 10, 4]})
    render_badges([make_badge()], io.BytesIO(), event=event, layout=parse_layout(doc))


def test_each_event_draws_its_own_pattern(event):
    other = EventInfo(**{**event.__dict__, "name": "Another meeting"})
    first, second = (max(_forms(_bytes([make_badge()], e)), key=len) for e in (event, other))
    assert first != second


def _bytes(badges, event) -> bytes:
    out = io.BytesIO()
    render_badges(badges, out, event=event)
    return out.getvalue()


def test_a_black_and_white_copy_keeps_the_text_and_loses_the_guilloche(event):
    page = _pdf([make_badge(5)], event)[0]
    grey = page.render(scale=300 / 72).to_pil().convert("L")
    # Between the organisation and the flag: nothing but the pattern.
    strip = (40, int(66.9 / 85.6 * grey.height), grey.width - 40, int(67.0 / 85.6 * grey.height) + 1)
    assert grey.crop(strip).getextrema()[0] < 250  # the fine lines are there on the original
    copy = grey.point(lambda v: 255 if v > 160 else 0)  # an office copier's text setting
    assert copy.crop(strip).getextrema() == (255, 255)
    name_box = next(e.box for e in load_layout("cr80-portrait").front if e.get("text") == "{name}")
    px = grey.height / 85.6
    name = copy.crop((0, int(name_box[1] * px), grey.width, int((name_box[1] + name_box[3]) * px)))
    assert name.getextrema() == (0, 255)  # the name survives


def test_the_back_lists_only_the_holders_own_zones(event):
    page = _pdf([make_badge(zones=("1", "6"))], event, back=True)[1]
    text = page.get_textpage().get_text_range()
    assert "Plenary" in text and "VIP lounge" in text
    assert "Bilateral rooms" not in text and "Delegation offices" not in text
