"""Helpers the tests share: reading forms and PDFs the way a user's tools would."""
from __future__ import annotations

import re

PASSWORD = "correct horse battery staple"


def csrf_token(client, url: str) -> str:
    """The CSRF token of the form on `url`, as a browser would read it."""
    page = client.get(url, follow_redirects=True).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
        re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def qr_codes_in_pdf(pdf: bytes, dpi: int = 150) -> list[str]:
    """Render every page of a PDF and decode its QR codes with zxing-cpp."""
    import pypdfium2
    import zxingcpp
    document = pypdfium2.PdfDocument(pdf)
    found = []
    try:
        for page in document:
            image = page.render(scale=dpi / 72).to_pil()
            found += [r.text for r in zxingcpp.read_barcodes(image)
                      if r.format == zxingcpp.BarcodeFormat.QRCode]
    finally:
        document.close()
    return found


def pdf_text(pdf: bytes) -> str:
    import pypdfium2
    document = pypdfium2.PdfDocument(pdf)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
