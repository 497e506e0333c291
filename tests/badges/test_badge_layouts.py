"""Every shipped stock and sheet: exact page sizes, badges where the sheet says,
mirrored backs, and clear errors for broken layout documents."""
import io
import json

import pypdfium2 as pdfium
import pytest
import zxingcpp

from badges import (LayoutError, list_layouts, list_sheets, load_layout, load_sheet,
                    render_badges)
from badges.layout import parse_layout
from badge_support import make_badge

MM = 72 / 25.4
STOCKS = {"cr80-portrait": (53.98, 85.60), "cr80-landscape": (85.60, 53.98),
          "a6-portrait": (105, 148), "4x3in-landscape": (101.6, 76.2),
          "4x6in-portrait": (101.6, 152.4)}


def test_every_required_stock_and_sheet_ships():
    assert set(STOCKS) <= set(list_layouts())
    assert {"a4-2x2-a6", "a4-2x4-cr80", "a4-2x5-cr80", "letter-2x4-cr80"} <= set(list_sheets())


@pytest.mark.parametrize("name", sorted(STOCKS))
def test_single_badge_pages_are_the_exact_stock_size(name, event):
    out = io.BytesIO()
    render_badges([make_badge(1)], out, event=event, layout=name, back=True)
    pdf = pdfium.PdfDocument(out.getvalue())
    width_mm, height_mm = STOCKS[name]
    for page in pdf:
        w, h = page.get_size()
        assert abs(w - width_mm * MM) < 0.1 and abs(h - height_mm * MM) < 0.1


@pytest.mark.parametrize("name", list_sheets())
def test_sheet_pages_are_the_paper_size_and_qrs_sit_in_their_cells(name, event):
    sheet = load_sheet(name)
    badges = [make_badge(i, code=f"SHEET{i:03d}" + "A" * 80) for i in range(sheet.per_page)]
    out = io.BytesIO()
    report = render_badges(badges, out, event=event, sheet=name, back=True)
    assert report.pages == 2
    pdf = pdfium.PdfDocument(out.getvalue())
    for page in pdf:
        w, h = page.get_size()
        assert abs(w - sheet.page_width_mm * MM) < 0.1 and abs(h - sheet.page_height_mm * MM) < 0.1
    dpi = 150
    scale = dpi / 25.4  # pixels per mm
    found = {r.text: r.position for r in zxingcpp.read_barcodes(pdf[0].render(scale=dpi / 72).to_pil())}
    assert set(found) == {b.code for b in badges}
    for i, badge in enumerate(badges):
        x, y = sheet.cell_origin_mm(i)
        pos = found[badge.code]
        cx = (pos.top_left.x + pos.bottom_right.x) / 2 / scale
        cy = (pos.top_left.y + pos.bottom_right.y) / 2 / scale
        assert x < cx < x + sheet.cell_width_mm and y < cy < y + sheet.cell_height_mm


@pytest.mark.parametrize("name", ["a4-2x5-cr80", "letter-2x4-cr80"])
def test_backs_on_sheets_are_mirrored_behind_their_fronts(name, event):
    sheet = load_sheet(name)
    badges = [make_badge(i, name=f"Person{i}x") for i in range(sheet.per_page)]
    out = io.BytesIO()
    render_badges(badges, out, event=event, sheet=name, back=True)
    back = pdfium.PdfDocument(out.getvalue())[1]
    text = back.get_textpage()
    page_h = sheet.page_height_mm * MM
    for i, badge in enumerate(badges):
        x, y = sheet.cell_origin_mm(i, back=True)
        front_x, _ = sheet.cell_origin_mm(i)
        assert abs((x + sheet.cell_width_mm / 2) - (sheet.page_width_mm - front_x - sheet.cell_width_mm / 2)) < 0.01
        inside = text.get_text_bounded(left=x * MM, bottom=page_h - (y + sheet.cell_height_mm) * MM,
                                       right=(x + sheet.cell_width_mm) * MM, top=page_h - y * MM)
        assert badge.name in inside


def test_calibration_offset_moves_every_cell():
    base = load_sheet("a4-2x5-cr80")
    doc = json.loads((load_sheet.__globals__["SHEET_DIR"] / "a4-2x5-cr80.json").read_text())
    doc.update(offset_x_mm=1.5, offset_y_mm=-0.5)
    from badges.layout import parse_sheet
    moved = parse_sheet(doc)
    for i in range(base.per_page):
        bx, by = base.cell_origin_mm(i)
        mx, my = moved.cell_origin_mm(i)
        assert (round(mx - bx, 6), round(my - by, 6)) == (1.5, -0.5)


def _layout_doc(**changes):
    doc = json.loads((load_layout.__globals__["LAYOUT_DIR"] / "cr80-portrait.json").read_text())
    doc.update(changes)
    return doc


@pytest.mark.parametrize("element, message", [
    ({"type": "sticker", "box": [0, 0, 1, 1]}, "unknown element type"),
    ({"type": "text", "box": [0, 0, 10, 5], "text": "{password}", "size": 8}, "unknown field"),
    ({"type": "text", "box": [50, 0, 10, 5], "text": "{name}", "size": 8}, "leaves the"),
    ({"type": "qr", "box": [1, 1, 15, 15]}, "0.5 mm modules"),
    ({"type": "rect", "box": [1, 1, 5, 5], "fill": "red"}, "colour"),
    ({"type": "text", "box": [0, 0, 10, 5], "text": "{name}", "size": 8, "min_size": 9}, "min_size"),
])
def test_bad_layout_elements_are_refused_with_a_clear_message(element, message):
    doc = _layout_doc()
    doc["front"] = doc["front"] + [element]
    with pytest.raises(LayoutError, match=message):
        parse_layout(doc)


def test_layout_without_a_qr_is_refused():
    doc = _layout_doc()
    doc["front"] = [e for e in doc["front"] if e["type"] != "qr"]
    with pytest.raises(LayoutError, match="qr"):
        parse_layout(doc)


def test_unknown_layout_name_and_broken_json_are_layout_errors(tmp_path):
    with pytest.raises(LayoutError, match="unknown layout"):
        load_layout("no-such-stock")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(LayoutError, match="not valid JSON"):
        load_layout(broken)


def test_layout_that_does_not_match_the_sheet_cells_is_refused(event):
    with pytest.raises(LayoutError, match="cells"):
        render_badges([make_badge()], io.BytesIO(), event=event, layout="a6-portrait",
                      sheet="a4-2x5-cr80")


def test_every_shipped_qr_box_gives_half_millimetre_modules_and_no_more():
    for name in list_layouts():
        for el in load_layout(name).front:
            if el.type == "qr":
                # A 116-character signed code is version 5: 37 modules and 4 of quiet zone a side.
                assert el.box[2] == pytest.approx((37 + 8) * 0.5), name


BACKGROUND = {"guilloche", "rect", "line", "microtext"}


@pytest.mark.parametrize("name", sorted(STOCKS))
def test_the_photo_is_the_largest_element_after_the_name(name):
    layout = load_layout(name)
    photo = next(e for e in layout.front if e.type == "image" and e.get("source") == "photo")
    area = photo.box[2] * photo.box[3]
    for el in layout.front:
        if el is photo or el.type in BACKGROUND or el.get("text") == "{name}":
            continue
        assert el.box[2] * el.box[3] < area, (name, el.type, el.props)


def _qr_centre_mm(page, dpi=150):
    found = zxingcpp.read_barcodes(page.render(scale=dpi / 72).to_pil())
    pos = found[0].position
    scale = dpi / 25.4
    return ((pos.top_left.x + pos.bottom_right.x) / 2 / scale,
            (pos.top_left.y + pos.bottom_right.y) / 2 / scale)


def test_card_sheets_print_the_desks_portrait_card_turned_into_each_cell(event):
    sheet = load_sheet("a4-2x5-cr80")
    out = io.BytesIO()
    render_badges([make_badge(0)], out, event=event, sheet="a4-2x5-cr80", back=True)
    pdf = pdfium.PdfDocument(out.getvalue())
    qr = next(e for e in load_layout("cr80-portrait").front if e.type == "qr")
    u, t = qr.box[0] + qr.box[2] / 2, qr.box[1] + qr.box[3] / 2  # from the card's left and top
    x, y = sheet.cell_origin_mm(0)
    cx, cy = _qr_centre_mm(pdf[0])
    # Turned a quarter anticlockwise: the card's top is the cell's left side.
    assert cx == pytest.approx(x + t, abs=1) and cy == pytest.approx(y + 53.98 - u, abs=1)
    text = pdf[1].get_textpage()
    back_x, back_y = sheet.cell_origin_mm(0, back=True)
    page_h = sheet.page_height_mm * MM
    # On the back the card's top is on the right: the category band (the card's bottom) is left.
    band = text.get_text_bounded(left=back_x * MM, bottom=page_h - (back_y + 53.98) * MM,
                                 right=(back_x + 14) * MM, top=page_h - back_y * MM)
    assert "DELEGATE" in band.replace("\n", "").replace("\r", "")


def test_a_landscape_layout_chosen_for_a_category_stays_upright_on_card_sheets(event):
    out = io.BytesIO()
    render_badges([make_badge(0, category_code="P")], out, event=event, sheet="a4-2x5-cr80",
                  layouts_by_category={"P": "cr80-landscape"})
    sheet = load_sheet("a4-2x5-cr80")
    qr = next(e for e in load_layout("cr80-landscape").front if e.type == "qr")
    x, y = sheet.cell_origin_mm(0)
    cx, cy = _qr_centre_mm(pdfium.PdfDocument(out.getvalue())[0])
    assert cx == pytest.approx(x + qr.box[0] + qr.box[2] / 2, abs=1)
    assert cy == pytest.approx(y + qr.box[1] + qr.box[3] / 2, abs=1)


@pytest.mark.parametrize("name", sorted(STOCKS))
def test_the_category_reads_at_a_glance_by_its_letter_and_name(name):
    layout = load_layout(name)
    letter = next(e for e in layout.front if e.get("text") == "{category_code}")
    assert letter.get("size") >= 24 and letter.box[3] >= 7.5  # a capital over 6 mm tall
    assert any("{category_name}" in (e.get("text") or "") for e in layout.front)
    assert any("{category_code}" in (e.get("text") or "") for e in layout.back)


def test_the_letter_on_every_sample_category_colour_has_strong_contrast():
    from badges.colour import contrast_ratio, ink_on, parse_hex
    from badges.sample import SAMPLE_CATEGORIES
    for _, colour, _ in SAMPLE_CATEGORIES.values():
        band = parse_hex(colour)
        assert contrast_ratio(band, ink_on(band)) >= 4.5, colour  # WCAG AA
