"""A 500-badge PDF streamed from a generator: a sample of its pages, the shortest and the
longest code among them, decode back to each badge's own code at 150 dpi."""
import pypdfium2 as pdfium

from badges import render_badges
from badge_support import decode_page, make_badge, make_code

COUNT = 500
# Codes of 37 to 120 characters in turn (37 + i % 84): page 0 has the shortest, page 83 the longest.
SAMPLE = sorted(set(range(0, COUNT, 25)) | {83, COUNT - 1})


def code_length(index: int) -> int:
    return 37 + index % 84


def test_qr_codes_in_a_500_badge_batch_decode_to_their_badges(event, tmp_path):
    def badges():
        for i in range(COUNT):
            yield make_badge(i, code=make_code(i, code_length(i)))

    out = tmp_path / "batch.pdf"
    report = render_badges(badges(), out, event=event)
    assert report.badges == COUNT and report.pages == COUNT
    pdf = pdfium.PdfDocument(out)
    assert len(pdf) == COUNT
    assert {code_length(i) for i in SAMPLE} >= {37, 120}
    for index in SAMPLE:
        assert decode_page(pdf, index) == [make_code(index, code_length(index))]
