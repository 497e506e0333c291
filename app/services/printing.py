"""From badges in the database to the plain data the `badges` renderer prints."""
from __future__ import annotations

import io
from collections.abc import Iterable

from badges import (BadgeData, EventInfo, RenderReport, fit_on_sheet, load_layout, load_sheet,
                    render_badges)
from badges.text import font_name as text_font

from ..models import Badge, Category, Delegate, Event
from .branding import event_logo
from .codes import placeholder_badge_code
from .countries import country_name
from .photos import read_photo

# Names that make layouts work hardest: long Latin with honorifics, stacked
# Vietnamese diacritics, and every native script ASEAN delegates use.
PREVIEW_PEOPLE = [
    ("Lieutenant General Dato' Sri", "Haji Mohd Razali bin Haji Alias", "", "MY",
     "Chief of Defence Intelligence Staff", "Defence Intelligence Staff Division"),
    ("Major General", "Nguyễn Thị Hồng Nhung", "", "VN",
     "Deputy Director", "General Department of Defence Intelligence"),
    ("Lieutenant General", "Somchai Rattanakul", "สมชาย รัตนกุล", "TH",
     "Director", "Armed Forces Security Center"),
    ("General", "Sokha Chea", "ជា សុខា", "KH", "Director of Intelligence",
     "Royal Cambodian Armed Forces"),
    ("Brigadier General", "Aung Kyaw Min", "အောင်ကျော်မင်း", "MM",
     "Chief of Military Security Affairs", "Office of the Commander-in-Chief"),
    ("Major General", "Khamphan Phommachanh", "ຄຳພັນ ພົມມະຈັນ", "LA", "Director",
     "Lao People's Army Intelligence"),
    ("Colonel", "Tan Wei Ming", "陈伟明", "SG", "Director of Military Intelligence",
     "Singapore Armed Forces"),
    ("Colonel", "Haji Mohd Hafiz bin Haji Abdullah", "حافظ بن عبدالله", "BN",
     "Director of Defence Intelligence", "Royal Brunei Armed Forces"),
    ("Marsekal Madya TNI", "Fadjar Prasetyo Wicaksono Adiningrat", "", "ID",
     "Head of the Strategic Intelligence Agency", "Badan Intelijen Strategis TNI"),
    ("Rear Admiral", "Ma. Josefina Concepcion Dela Cruz-Villanueva", "", "PH",
     "Deputy Chief of Staff for Intelligence", "Armed Forces of the Philippines"),
    # Someone of no national delegation: the event's emblem stands where a flag would.
    ("", "Kyaw Thura Htet Aung", "ကျော်သူရထက်အောင်", "", "Assistant Director",
     "ASEAN Secretariat, Political-Security Community Department"),
]
# For a delegation none of the people above belongs to: a long name with its flag.
OTHER_DELEGATE = ("Brigadier General", "Alexandra Konstantinopoulou-Wetherington", "",
                  "Director of Defence Cooperation", "Ministry of Defence")


def event_info(event: Event) -> EventInfo:
    return EventInfo(
        name=event.name,
        short_name=event.slug.upper(),
        logo=event_logo(event),
        venue=event.venue,
        starts_on=event.starts_on,
        ends_on=event.ends_on,
        zone_legend=tuple((zone.code, zone.name) for zone in event.zones),
        host=event.host,
        emergency_contact=event.emergency_contact,
        # The event's own guilloche, the same on every badge it ever prints, renamed or not.
        pattern_seed=f"lanyard-event-{event.id}",
    )


def badge_data(badge: Badge) -> BadgeData:
    return person_badge_data(badge.delegate, badge.code, serial=badge.serial, version=badge.version)


def draft_badge_data(delegate: Delegate) -> BadgeData:
    """What this person's badge will look like, with a code that opens nothing."""
    return person_badge_data(delegate, placeholder_badge_code(delegate.reference),
                             serial="PREVIEW", version=0)


def person_badge_data(delegate: Delegate, code: str, *, serial: str, version: int) -> BadgeData:
    category = delegate.category
    return BadgeData(
        code=code,
        name=delegate.printed_name,
        native_name=delegate.native_name,
        honorific=delegate.honorific,
        position=delegate.position,
        organisation=delegate.organisation,
        country_code=delegate.country,
        country_name=country_name(delegate.country),
        category_code=category.code,
        category_name=category.name,
        category_colour=category.colour,
        zones=tuple(zone.code for zone in delegate.zones),
        photo=read_photo(delegate.photo_file),
        serial=serial,
        version=version,
        valid_from=delegate.event.starts_on,
        valid_to=delegate.event.ends_on,
    )


def category_layouts(event: Event, sheet: str | None = None) -> dict[str, str]:
    """Each category's chosen layout; on a sheet, only those that fit its cells (upright,
    or turned as the desk's portrait card is on landscape card sheets)."""
    chosen = {c.code: c.layout for c in event.categories if c.layout}
    if not sheet:
        return chosen
    cells = load_sheet(sheet)
    return {code: name for code, name in chosen.items() if fit_on_sheet(load_layout(name), cells)}


def render_badge_pdf(event: Event, badges: Iterable[Badge], *, sheet: str | None = None,
                     back: bool = False, layout: str | None = None) -> tuple[bytes, RenderReport]:
    """The PDF for these badges, each in its category's layout (or all in `layout`, the stock a
    station's printer is loaded with), and what to look at."""
    out = io.BytesIO()
    report = render_badges((badge_data(b) for b in badges), out, event=event_info(event),
                           sheet=sheet or None, back=back, layout=layout or None,
                           layouts_by_category=None if layout else category_layouts(event, sheet))
    return out.getvalue(), report


def preview_people(event: Event) -> list[tuple[str, str, str, str, str, str]]:
    """(honorific, name, native name, country, position, organisation) of the sample badges:
    the hardest names we know, and someone of every delegation of the event, so the admin
    sees every flag the badges will carry."""
    people = list(PREVIEW_PEOPLE)
    shown = {country for _, _, _, country, _, _ in people}
    honorific, name, native, position, organisation = OTHER_DELEGATE
    for delegation in event.delegations:
        if delegation.country not in shown:
            shown.add(delegation.country)
            people.append((honorific, name, native, delegation.country, position, organisation))
    return people


def preview_badges(event: Event, category: Category) -> list[BadgeData]:
    zones = tuple(z.code for z in category.default_zones)
    return [
        BadgeData(code=placeholder_badge_code(name + country), name=name, native_name=native,
                  honorific=honorific, position=position, organisation=organisation,
                  country_code=country, country_name=country_name(country) if country else "",
                  category_code=category.code, category_name=category.name,
                  category_colour=category.colour, zones=zones, serial=f"PREVIEW-{i}",
                  valid_from=event.starts_on, valid_to=event.ends_on)
        for i, (honorific, name, native, country, position, organisation)
        in enumerate(preview_people(event), start=1)]


def render_preview(event: Event, category: Category, *, layout: str | None = None,
                   back: bool = False) -> tuple[bytes, RenderReport]:
    """Sample badges of `category` with hard names and every delegation's flag, so an
    admin sees a layout, and what does not fit it, before printing."""
    out = io.BytesIO()
    report = render_badges(preview_badges(event, category), out, event=event_info(event),
                           back=back, layout=layout or category.layout or None)
    return out.getvalue(), report


def preview_sheet_png(pdf: bytes, *, every: int = 1, first: int = 0, columns: int = 6,
                      dpi: int = 72) -> bytes:
    """Pages `first`, `first + every`, ... of a PDF side by side in one PNG: every sample
    badge of a category at a glance."""
    import pypdfium2
    from PIL import Image
    document = pypdfium2.PdfDocument(pdf)
    try:
        pages = [document[i].render(scale=dpi / 72).to_pil() for i in range(first, len(document), every)]
    finally:
        document.close()
    gap = 8
    width, height = max(p.width for p in pages), max(p.height for p in pages)
    cols = min(columns, len(pages))
    rows = -(-len(pages) // cols)
    sheet = Image.new("RGB", (cols * (width + gap) - gap, rows * (height + gap) - gap), (255, 255, 255))
    for i, page in enumerate(pages):
        sheet.paste(page, ((i % cols) * (width + gap), (i // cols) * (height + gap)))
    out = io.BytesIO()
    sheet.save(out, "PNG")
    return out.getvalue()


def render_badge_png(event: Event, data: BadgeData, *, layout: str | None = None,
                     dpi: int = 150) -> tuple[bytes, RenderReport]:
    """The front of one badge as PNG, for the screens that show a badge before it prints."""
    out = io.BytesIO()
    report = render_badges([data], out, event=event_info(event), layout=layout or None)
    return pdf_page_png(out.getvalue(), dpi=dpi), report


def pdf_page_png(pdf: bytes, page: int = 0, dpi: int = 200) -> bytes:
    """One page of a PDF as PNG, for previews in the browser."""
    import pypdfium2
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[page].render(scale=dpi / 72).to_pil()
    finally:
        document.close()
    out = io.BytesIO()
    image.save(out, "PNG", optimize=False)
    return out.getvalue()


def custody_receipt_pdf(event: Event, badges: list[Badge], receiver: str, receiver_document: str,
                        staff_name: str, delegation_name: str) -> bytes:
    """An A4 receipt listing the badges a liaison officer takes, with their document number
    (or a line to write it on) and lines to sign. Every text that can be long wraps in its
    own box, so nothing overlaps whatever the names."""
    from html import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    regular, bold = text_font("latin", False), text_font("latin", True)
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=18 * mm, bottomMargin=18 * mm,
                            title=f"Badge custody receipt, {delegation_name}")
    when = event.at_venue(max(b.handed_over_at for b in badges)).strftime("%d %B %Y, %H:%M")

    def style(name, font=regular, size=9):
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * 1.25)

    cell, head = style("cell"), style("head", bold)

    def text(value, paragraph_style=cell):
        # Escaped: names are data and are never read as markup.
        return Paragraph(escape(value), paragraph_style)

    heading = [text(event.name, style("title", bold, 14)), Spacer(1, 1 * mm),
               text("Badge custody receipt", style("subtitle", bold, 11)), Spacer(1, 1 * mm),
               text(f"{delegation_name} · {len(badges)} badges · {when} ({event.timezone})")]
    rows = [[text(h, head) for h in ("#", "Badge", "Name", "Category", "Reference")]] + [
        [text(str(i)), text(b.serial), text(b.delegate.printed_name),
         text(b.delegate.category.name), text(b.delegate.reference)]
        for i, b in enumerate(badges, start=1)]
    table = Table(rows, colWidths=[10 * mm, 28 * mm, 78 * mm, 30 * mm, 28 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#F1F3F6")]),
        ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    statement = text(f"I, {receiver}, received the badges above on behalf of {delegation_name} "
                     "and will give each only to the person it shows.")
    document = text(receiver_document) if receiver_document else ""
    signatures = Table([[text("Received by", head), "", text("Handed over by", head)],
                        [text(receiver), "", text(staff_name)],
                        [text("Passport or ID number"), "", ""],
                        [document, "", ""],
                        ["", "", ""],
                        [text("Signature"), "", text("Signature")]],
                       colWidths=[80 * mm, 14 * mm, 80 * mm],
                       rowHeights=[None, None, None, 8 * mm, 16 * mm, None])
    signatures.setStyle(TableStyle([("LINEBELOW", (0, 3), (0, 3), 0.6, colors.black),
                                    ("LINEBELOW", (0, 4), (0, 4), 0.6, colors.black),
                                    ("LINEBELOW", (2, 4), (2, 4), 0.6, colors.black),
                                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                                    ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    doc.build([*heading, Spacer(1, 6 * mm), table, Spacer(1, 8 * mm), statement,
               Spacer(1, 10 * mm), signatures])
    return out.getvalue()
