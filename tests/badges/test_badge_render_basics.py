"""The default CR80 badge: exact page size, a QR that decodes back to the badge code."""
import io

import pypdfium2 as pdfium
import pytest

from badges import BadgeDataError, render_badges
from badge_support import decode_page, make_badge, make_code

MM = 72 / 25.4


def test_cr80_portrait_page_is_exactly_card_size(event):
    out = io.BytesIO()
    render_badges([make_badge()], out, event=event)
    page = pdfium.PdfDocument(out.getvalue())[0]
    width, height = page.get_size()
    assert abs(width - 53.98 * MM) < 0.1
    assert abs(height - 85.60 * MM) < 0.1


@pytest.mark.parametrize("length", [1, 37, 90, 114, 120])
def test_qr_decodes_to_the_badge_code_at_150_dpi(event, length):
    badge = make_badge(length, code=make_code(length, length))
    out = io.BytesIO()
    render_badges([badge], out, event=event)
    assert decode_page(pdfium.PdfDocument(out.getvalue()), 0) == [badge.code]


def test_report_counts_pages_and_badges(event):
    out = io.BytesIO()
    report = render_badges([make_badge(i) for i in range(3)], out, event=event, back=True)
    assert (report.badges, report.pages) == (3, 6)
    assert len(pdfium.PdfDocument(out.getvalue())) == 6


def test_a_code_that_is_not_base32_is_refused(event):
    with pytest.raises(BadgeDataError):
        render_badges([make_badge(code="abc<def>")], io.BytesIO(), event=event)
