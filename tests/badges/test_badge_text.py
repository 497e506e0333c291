"""Names in every ASEAN script: right fonts embedded, nothing missing, Latin
text extractable, shaped scripts matching stored references, long and
hostile names kept inside their boxes."""
import io
import os
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageChops, ImageStat

from badges import list_layouts, load_layout, render_badges, render_sample_csv
from badges.layout import parse_layout
from badges.text import clean, fit_text, layout_runs
from badge_support import make_badge, make_code

REFERENCE = Path(__file__).parent / "reference"
SCRIPTS = {
    "thai": ("สมชาย รัตนกุล", "NotoSansThai-Regular"),
    "lao": ("ຄຳພັນ ພົມມະຈັນ", "NotoSansLao-Regular"),
    "khmer": ("ជា សុខា", "NotoSansKhmer-Regular"),
    "myanmar": ("အောင်ကျော်မင်း", "NotoSansMyanmar-Regular"),
    "chinese": ("陈伟明", "DroidSansFallback"),
    "jawi": ("محمد رزالي", "NotoSansArabic-Regular"),
    "vietnamese": ("Nguyễn Văn Thành", "NotoSans-Regular"),
}
MM = 72 / 25.4


def _render(badge, event, **kwargs):
    out = io.BytesIO()
    report = render_badges([badge], out, event=event, **kwargs)
    return out.getvalue(), report


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_each_script_embeds_its_font_and_misses_no_glyph(script, event):
    native, font = SCRIPTS[script]
    data, report = _render(make_badge(native_name=native), event)
    assert report.missing_glyphs == []
    assert re.search(rb"/BaseFont /[A-Z]{6}\+" + font.encode(), data)


def test_latin_names_with_vietnamese_diacritics_extract_back_as_text(event):
    data, _ = _render(make_badge(name="Nguyễn Văn Thành", native_name="Trần Thị Hương"), event)
    text = pdfium.PdfDocument(data)[0].get_textpage().get_text_range()
    assert "Nguyễn Văn Thành" in text and "Trần Thị Hương" in text
    assert "Defence Intelligence Organisation" in text


# The native name alone on a white CR80 card, so the references show shaping and nothing else.
NATIVE_BOX = (3, 58.2, 47.98, 5.2)
SHAPING_LAYOUT = parse_layout({
    "name": "shaping", "width_mm": 53.98, "height_mm": 85.6,
    "front": [{"type": "text", "text": "{native_name}", "box": list(NATIVE_BOX), "size": 10, "min_size": 6},
              {"type": "qr", "box": [28.48, 18.5, 22.5, 22.5]}]})


def _native_crop(data) -> Image.Image:
    page = pdfium.PdfDocument(data)[0]
    img = page.render(scale=150 / 72).to_pil().convert("L")
    w, h = img.size
    x, y, bw, bh = NATIVE_BOX
    box = (x / 53.98, y / 85.6, (x + bw) / 53.98, (y + bh) / 85.6)
    return img.crop((int(box[0] * w), int(box[1] * h), int(box[2] * w), int(box[3] * h)))


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_shaped_native_names_match_the_reference_images(script, event):
    native, _ = SCRIPTS[script]
    data, _ = _render(make_badge(native_name=native), event, layout=SHAPING_LAYOUT)
    crop = _native_crop(data)
    ref_path = REFERENCE / f"native-{script}.png"
    if os.environ.get("LANYARD_UPDATE_REFERENCES") or not ref_path.exists():
        crop.save(ref_path)
    ref = Image.open(ref_path).convert("L")
    assert ref.size == crop.size
    diff = ImageChops.difference(ref, crop)
    assert ImageStat.Stat(diff).mean[0] < 2.0  # anti-aliasing noise only
    strong = diff.point(lambda p: 255 if p > 128 else 0).histogram()[255]
    assert strong < 0.005 * crop.size[0] * crop.size[1]


LONG_NAMES = [
    "Lieutenant General Dato' Sri Haji Mohd Razali bin Haji Alias",
    "Maria Clara Josefina Concepcion Dela Cruz-Villanueva y Santos",
    "Haji Mohd Hafiz bin Haji Abdullah Al-Sultan Haji Hassanal",
    "Pimchanok Srisukwattanasakulchai",
    "Supercalifragilisticexpialidociousandthensomemoreletters",
]


@pytest.mark.parametrize("layout_name", list_layouts())
@pytest.mark.parametrize("name", LONG_NAMES)
def test_long_names_stay_inside_the_name_box_on_every_stock(layout_name, name):
    layout = load_layout(layout_name)
    for el in layout.front:
        if el.type != "text" or "{name}" not in el.get("text"):
            continue
        w, h = el.box[2] * MM, el.box[3] * MM
        size = el.get("size")
        fitted = fit_text(clean(name), w, h, size=size, min_size=el.get("min_size", size),
                          max_lines=el.get("max_lines", 1), bold=el.get("font") == "bold")
        assert fitted.lines
        for line in fitted.lines:
            assert line.width * fitted.size <= w + 0.01
        assert fitted.height <= h + 0.01
        assert fitted.size <= size


def test_long_name_prints_inside_its_box_on_the_page(event):
    name = LONG_NAMES[0]
    data, _ = _render(make_badge(name=name), event)
    page = pdfium.PdfDocument(data)[0]
    text = page.get_textpage()
    box = next(e for e in load_layout("cr80-portrait").front if e.get("text") == "{name}").box
    height = 85.6 * MM
    left, right = box[0] * MM, (box[0] + box[2]) * MM
    top, bottom = height - box[1] * MM, height - (box[1] + box[3]) * MM
    inside = text.get_text_bounded(left=left - 0.5, bottom=bottom - 0.5, right=right + 0.5, top=top + 0.5)
    assert inside.replace("\r\n", " ").replace("\n", " ").split() == name.split()


HOSTILE = [
    "<font size=90>Big</font> & <b>bold</b>",
    "Null\x00Bell\x07Escape\x1b[31mRed\u202eReversed",
    "A" * 500,
    "Emoji 😀🎉 Person 👩‍💻",
    "",
    "   ",
    "&amp; &lt;script&gt;alert(1)&lt;/script&gt;",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_render_literally_without_moving_the_layout(name, event):
    import zxingcpp

    normal, _ = _render(make_badge(), event)
    data, report = _render(make_badge(name=name, native_name=name, organisation=name), event)
    pdf, ref = pdfium.PdfDocument(data), pdfium.PdfDocument(normal)
    assert len(pdf) == 1
    got = zxingcpp.read_barcodes(pdf[0].render(scale=150 / 72).to_pil())
    want = zxingcpp.read_barcodes(ref[0].render(scale=150 / 72).to_pil())
    assert [r.text for r in got] == [make_code(0)]
    assert str(got[0].position) == str(want[0].position)
    if "<font" in name:
        assert "<font size=90>Big</font>" in pdf[0].get_textpage().get_text_range()


def test_characters_no_font_has_are_reported_per_badge(event):
    _, report = _render(make_badge(name="Smile 😀", serial="B000042"), event)
    assert ("B000042", "😀", "U+1F600") in [tuple(m) for m in report.missing_glyphs]
    assert any("U+1F600" in w for w in report.warnings)


def test_right_to_left_runs_are_ordered_from_the_right():
    runs, missing = layout_runs("محمد bin Ali")
    assert not missing
    assert runs[0].script == "latin" and runs[-1].script == "arabic"
    runs, _ = layout_runs("Ahmad محمد")
    assert runs[0].script == "latin" and runs[-1].script == "arabic"


def test_clean_normalises_to_nfc_and_drops_control_characters():
    assert clean("Nguye\u0302\u0303n\x00\x07  Van\u202e") == "Nguyễn Van"


def test_sample_csv_renders_every_row_with_photos_relative_to_the_csv(tmp_path, event):
    src = Path(__file__).resolve().parents[2] / "app" / "demo_delegates.csv"
    rows = src.read_text(encoding="utf-8").splitlines()
    photo = tmp_path / "photos" / "p1.png"
    photo.parent.mkdir()
    Image.new("RGB", (350, 450), (200, 180, 160)).save(photo)
    lines = [rows[0] + ",photo"] + [rows[1] + ",photos/p1.png", rows[2] + ",photos/missing.jpg"] + rows[3:]
    csv_path = tmp_path / "names.csv"
    csv_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "sample.pdf"
    report = render_sample_csv(csv_path, out, layout="cr80-portrait")
    assert report.badges == len(rows) - 1
    assert report.missing_glyphs == []
    assert any("missing.jpg" in w for w in report.warnings)
    assert len(pdfium.PdfDocument(out)) == report.badges


FONT_SEARCH_CHECK = """
import io, sys
sys.path[:0] = [{root!r}, {tests!r}]
from reportlab.pdfbase import pdfmetrics

def refuse(*args, **kwargs):
    raise AssertionError("bruteForceSearchForAFM was called")

pdfmetrics.bruteForceSearchForAFM = refuse
from badges import render_badges
from badge_support import make_badge
from badges import EventInfo
from datetime import date
event = EventInfo(name="Meeting", starts_on=date(2026, 3, 12), ends_on=date(2026, 3, 14),
                  zone_legend=(("1", "Plenary"),))
names = {names!r}
badges = [make_badge(i, native_name=name) for i, name in enumerate(names)]
render_badges(badges, io.BytesIO(), event=event, back=True)
render_badges(badges, io.BytesIO(), event=event, sheet="a4-2x5-cr80", back=True)
print("rendered", len(badges))
"""


def test_fonts_are_found_without_reportlabs_disk_search_for_afm_files():
    """A fresh process (as each print-run worker is) renders every script without ReportLab
    searching the disk for AFM files, which costs about 0.3 s per font."""
    import subprocess
    import sys
    root = Path(__file__).resolve().parents[2]
    script = FONT_SEARCH_CHECK.format(root=str(root), tests=str(root / "tests"),
                                      names=[name for name, _ in SCRIPTS.values()])
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=Path(__file__).parent, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"rendered {len(SCRIPTS)}" in result.stdout
