"""Names the layouts were not designed with, the longest we could find in each script,
read back from the PDF of every stock, front and back: every character and every
picture lies inside the box of the element that drew it, and the card shows them all."""
import io
from datetime import date

import pypdfium2 as pdfium
import pytest

from badges import list_layouts, load_layout, render_badges
from badge_support import make_badge, page_chars

MM = 72 / 25.4
# Held out: none of these is in the previews, the samples or the other tests.
HELD_OUT = [
    dict(name="Raden Mas Bambang Soetrisno Wirjosandjojo Hadiningrat Koesoemo",
         honorific="Laksamana Muda TNI (Purn.) Dr. H.", native_name="ꦫꦢꦺꦤ꧀ꦩꦱ꧀",
         country_code="ID", country_name="Indonesia"),
    dict(name="María de los Ángeles Concepción Macapagal-Villanueva y Soriano",
         honorific="Brigadier General", native_name="", country_code="PH",
         country_name="Philippines"),
    dict(name="Tôn Nữ Thị Huyền Trang Nguyễn Phước", honorific="Thượng tướng",
         native_name="Tôn Nữ Thị Huyền Trang", country_code="VN", country_name="Viet Nam"),
    dict(name="Srisuwan Wattanakitpaisarnjaroensuk", honorific="Air Chief Marshal",
         native_name="ศรีสุวรรณ์ วัฒนกิจไพศาลเจริญสุข", country_code="TH", country_name="Thailand"),
    dict(name="Somsavath Vongsavanphithak", honorific="Major General",
         native_name="ພົນຈັດຕະວາ ສົມສະຫວາດ ວົງສະຫວັນພິທັກ", country_code="LA", country_name="Lao PDR"),
    dict(name="Samdech Akka Moha Sena Padei Techo Bunrith", honorific="General",
         native_name="សម្តេចអគ្គមហាសេនាបតីតេជោ ប៊ុនរិទ្ធ", country_code="KH", country_name="Cambodia"),
    dict(name="Min Aung Hlaing Oo Thant Zin", honorific="Senior General",
         native_name="ဗိုလ်ချုပ်မှူးကြီး မင်းအောင်လှိုင်ဦး", country_code="MM", country_name="Myanmar"),
    dict(name="Pengiran Anak Haji Muhammad Abdul Qawi bin Pengiran Haji Mohammad",
         honorific="Pehin Datu Pekerma Jaya", native_name="ڤڠيرن انق حاجي محمد عبدالقوي",
         country_code="BN", country_name="Brunei Darussalam"),
    dict(name="Ouyang Murong Sima Zhuge Shangguan", honorific="Colonel",
         native_name="欧阳慕容司马诸葛上官东方", country_code="SG", country_name="Singapore",
         valid_from=date(2026, 12, 30), valid_to=date(2027, 1, 2)),  # across the new year
]
LONG_ORGANISATION = ("Directorate General of Defence Strategy and Intelligence Coordination, "
                     "Ministry of National Defence")
TEXT_ELEMENTS = {"text", "header", "flag", "microtext", "zones", "zone_legend", "image"}


def _boxes(elements, kinds, height):
    """(left, bottom, right, top) in points of the elements of these kinds."""
    for el in elements:
        if el.type in kinds:
            x, y, w, h = el.box
            yield el, (x * MM, height - (y + h) * MM, (x + w) * MM, height - y * MM)


def _inside(box, outer, slack=0.6) -> bool:
    return (box[0] >= outer[0] - slack and box[1] >= outer[1] - slack
            and box[2] <= outer[2] + slack and box[3] <= outer[3] + slack)


@pytest.mark.parametrize("layout_name", list_layouts())
@pytest.mark.parametrize("person", HELD_OUT, ids=[p["country_code"] for p in HELD_OUT])
def test_held_out_names_stay_inside_their_boxes_front_and_back(layout_name, person, event):
    layout = load_layout(layout_name)
    badge = make_badge(7, organisation=LONG_ORGANISATION, position="Deputy Director-General "
                       "for Regional Security Cooperation and Strategic Assessment",
                       zones=("1", "2", "3", "6"), **person)
    out = io.BytesIO()
    render_badges([badge], out, event=event, layout=layout_name, back=True)
    pdf = pdfium.PdfDocument(out.getvalue())
    height = layout.height_mm * MM
    for page, elements in zip(pdf, (layout.front, layout.back)):
        text_boxes = [box for _, box in _boxes(elements, TEXT_ELEMENTS, height)]
        for ch, box, _ in page_chars(page):
            assert any(_inside(box, outer) for outer in text_boxes), (layout_name, ch, box)
        picture_boxes = [box for _, box in _boxes(elements, {"image", "flag", "header"}, height)]
        for obj in page.get_objects(max_depth=1):
            if obj.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE:
                placed = [obj.get_bounds()]
            elif obj.type == pdfium.raw.FPDF_PAGEOBJ_FORM:
                if obj.get_bounds()[2] - obj.get_bounds()[0] > layout.width_mm * MM - 1:
                    continue  # the guilloche fills the card
                # A form's content may run past its box, which clips it: place the box
                # (a flag's 640 x 480, the photo placeholder's 35 x 45) by the form's matrix.
                a, _, _, d, e, f = obj.get_matrix().get()
                placed = [(e, f, e + a * w, f + d * h) for w, h in ((640, 480), (35, 45))]
            else:
                continue
            assert any(_inside(box, outer) for box in placed for outer in picture_boxes), \
                (layout_name, placed)
    name_box = next(box for el, box in _boxes(layout.front, {"text"}, height) if el.get("text") == "{name}")
    in_box = pdf[0].get_textpage().get_text_bounded(*name_box)
    shown = "".join(in_box.split())
    words = "".join(badge.name.split())
    assert shown == words or (shown.endswith("…") and words.startswith(shown[:-1].replace("…", "")[:10]))
