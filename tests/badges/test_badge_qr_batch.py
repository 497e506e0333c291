"""A 5,000-badge PDF streamed from a generator: a sample of its pages decode
back to each badge's own code at 150 dpi."""
import pypdfium2 as pdfium

from badges import render_badges
from badge_support import decode_page, make_badge, make_code

COUNT = 5000
SAMPLE = range(0, COUNT, 250)


def test_qr_codes_in_a_5000_badge_batch_decode_to_their_badges(event, tmp_path):
    def badges():
        for i in range(COUNT):
            yield make_badge(i, code=make_code(i, 37 + i % 84))

    out = tmp_path / "batch.pdf"
    report = render_badges(badges(), out, event=event)
    assert report.badges == COUNT and report.pages == COUNT
    pdf = pdfium.PdfDocument(out)
    assert len(pdf) == COUNT
    for index in list(SAMPLE) + [COUNT - 1]:
        assert decode_page(pdf, index) == [make_code(index, 37 + index % 84)]
