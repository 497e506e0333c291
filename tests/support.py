"""Helpers the tests share: reading forms and PDFs the way a user's tools would."""
from __future__ import annotations

import functools
import hashlib
import random
import re
from datetime import date, timedelta
from html.parser import HTMLParser

PASSWORD = "correct horse battery staple"


def csrf_token(client, url: str) -> str:
    """The CSRF token of the form on `url`, as a browser would read it."""
    page = client.get(url, follow_redirects=True).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
        re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict[str, str], str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append((attrs.get("action") or "", {}, (attrs.get("method") or "get").lower()))
        elif tag == "input" and self.forms and attrs.get("type") == "hidden" and attrs.get("name"):
            self.forms[-1][1][attrs["name"]] = attrs.get("value") or ""


def hidden_fields(client, url: str, action: str) -> dict[str, str]:
    """The hidden fields (CSRF token, revision...) of the form posting to `action` on page `url`,
    as a browser would send them."""
    parser = _Forms()
    parser.feed(client.get(url, follow_redirects=True).get_data(as_text=True))
    for form_action, fields, method in parser.forms:
        if form_action == action and method == "post":
            return fields
    raise AssertionError(f"no form posting to {action} on {url}")


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


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    """Each page's (width, height) in points, to one decimal."""
    import pypdfium2
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [tuple(round(v, 1) for v in page.get_size()) for page in document]
    finally:
        document.close()


def pdf_text(pdf: bytes) -> str:
    import pypdfium2
    document = pypdfium2.PdfDocument(pdf)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


@functools.cache
def sample_photo() -> bytes:
    """A generated passport-style portrait, normalised as uploads are."""
    from app.services.demo import portrait
    return portrait(random.Random(7))


def make_person(event, *, photo: bytes | None = b"sample", stage: str = "submitted", **fields):
    """An applicant made through the services, as far as `stage`: submitted, approved, badged
    (a badge issued, still at the desk) or handed_over (printed and given to its holder).

    `fields` are Application fields; the defaults make a valid delegate from Indonesia.
    `photo=None` makes one without a photo.
    """
    from app.services.audit import Actor
    from app.services.issuance import hand_over_badge, issue_badge, print_badge
    from app.services.registration import Application, register_delegate
    from app.services.vetting import approve_delegate, clear_delegate
    values = dict(given_name="Dewi", family_name="Lestari", country="ID", category_code="D",
                  organisation="BAIS TNI", consent=True, date_of_birth=date(1980, 5, 17))
    values.update(fields)
    values.setdefault("email", f"{values['given_name']}.{values['family_name']}@example.org"
                      .lower().replace(" ", ""))
    # What the offices vet, different for each person (the same document twice is a duplicate).
    values.setdefault("nationality", values["country"])
    values.setdefault("passport_number",
                      "P" + hashlib.sha256(values["email"].encode()).hexdigest()[:8].upper())
    values.setdefault("passport_expiry", event.ends_on + timedelta(days=3 * 365))
    actor = Actor.cli("test")
    person = register_delegate(event, Application(**values),
                               sample_photo() if photo == b"sample" else photo, actor)
    if stage in ("approved", "badged", "handed_over"):
        approve_delegate(person, actor, seen_revision=person.revision)
        if person.category.needs_clearance:
            clear_delegate(person, actor, seen_revision=person.revision)
    if stage == "badged":
        issue_badge(person, actor)
    if stage == "handed_over":
        badge = print_badge(person, actor, seen_revision=person.revision).badges[0]
        hand_over_badge(badge, actor, seen_revision=person.revision)
    return person


def empty_tables():
    """Delete every row, keep the schema: the next test starts from an empty database."""
    from sqlalchemy import text

    from app.extensions import db
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # DELETE, dependants first, then every id sequence back to its start: the few rows a
            # test leaves go in milliseconds, where TRUNCATE takes a tenth of a second or more,
            # making new files for every table. One round trip.
            conn.exec_driver_sql(";".join(
                [f'DELETE FROM "{t.name}"' for t in tables]
                + ["SELECT setval(quote_ident(schemaname) || '.' || quote_ident(sequencename), "
                   "start_value, false) FROM pg_sequences WHERE schemaname = current_schema()"]))
        else:
            for table in tables:
                conn.execute(table.delete())


def insert_old_event(conn, tables, now) -> None:
    """Event 1 with category D, written straight into tables reflected at an older migration."""
    from datetime import date
    conn.execute(tables["events"].insert().values(
        id=1, slug="old", name="Old", venue="", starts_on=date.today(), ends_on=date.today(),
        timezone="UTC", host="", emergency_contact="", privacy_notice="", created_at=now))
    conn.execute(tables["categories"].insert().values(
        id=1, event_id=1, code="D", name="Delegate", colour="#D32F2F", self_service=True, layout=""))
