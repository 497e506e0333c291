"""Layout + badge data -> PDF pages, streamed: badges are read one page at a
time from any iterable, drawn, and their page closed before the next is read."""
from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import string
import zlib
import functools
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO, Iterable, Iterator, Mapping

from PIL import Image
from reportlab import rl_config
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

from . import qr, text
from .layout import Element, Layout, LayoutError, Sheet, load_layout, load_sheet
from .model import BadgeData, EventInfo, MissingGlyph, RenderReport

log = logging.getLogger(__name__)

MM = 72 / 25.4
DEFAULT_LAYOUT = "cr80-portrait"
CODE_PATTERN = re.compile(r"[A-Z0-9]{1,120}\Z")
_HEX = re.compile(r"#?([0-9A-Fa-f]{6})\Z")
_CUT_MARK_MM = 4.0
_CUT_GAP_MM = 1.0


class BadgeDataError(ValueError):
    """A badge cannot be printed as given (for example its code is not a badge code)."""


def _rgb(hex_colour: str) -> tuple[float, float, float] | None:
    m = _HEX.match(hex_colour or "")
    if not m:
        return None
    v = int(m.group(1), 16)
    return ((v >> 16) & 255) / 255, ((v >> 8) & 255) / 255, (v & 255) / 255


def _on(rgb: tuple[float, float, float]) -> tuple[float, float, float]:
    """Black or white, whichever reads better on the given colour."""
    r, g, b = rgb
    return (0, 0, 0) if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.55 else (1, 1, 1)


def _fmt_date(d: date | None) -> str:
    return f"{d.day} {d:%b %Y}" if d else ""


def _date_range(start: date | None, end: date | None) -> str:
    if start and end and start != end:
        if (start.year, start.month) == (end.year, end.month):
            return f"{start.day}\u2013{end.day} {end:%b %Y}"
        if start.year == end.year:
            return f"{start.day} {start:%b} \u2013 {end.day} {end:%b %Y}"
        return f"{_fmt_date(start)} \u2013 {_fmt_date(end)}"
    return _fmt_date(start or end)


def _event_values(event: EventInfo) -> dict[str, str]:
    return {
        "event_name": event.name, "event_short_name": event.short_name or event.name,
        "venue": event.venue, "event_dates": _date_range(event.starts_on, event.ends_on),
        "host": event.host, "emergency_contact": event.emergency_contact,
    }


def _badge_values(badge: BadgeData, event_values: dict[str, str]) -> dict[str, str]:
    country = badge.country_name
    if badge.country_code:
        country = f"{country} ({badge.country_code})" if country else badge.country_code
    validity = _date_range(badge.valid_from, badge.valid_to)
    serial_version = badge.serial
    if badge.version and badge.version > 1:
        serial_version = f"{badge.serial} v{badge.version}".strip()
    values = dict(event_values)
    values.update({
        "name": badge.name, "native_name": badge.native_name, "honorific": badge.honorific,
        "position": badge.position, "organisation": badge.organisation,
        "country_code": badge.country_code, "country_name": badge.country_name,
        "country": country, "category_code": badge.category_code,
        "category_name": badge.category_name, "serial": badge.serial,
        "version": str(badge.version), "valid_from": _fmt_date(badge.valid_from),
        "valid_to": _fmt_date(badge.valid_to), "validity": validity,
        "zones": " ".join(badge.zones), "serial_version": serial_version,
    })
    return values


class _Values(dict):
    def __missing__(self, key):  # layouts are validated; this only guards odd data
        return ""


@dataclass
class _Run:
    """State of one render: the canvas, images already in the PDF, the report."""

    canvas: Canvas
    event: EventInfo
    report: RenderReport
    event_values: dict[str, str]
    images: dict[str, tuple[str, int, int] | None] = field(default_factory=dict)
    silhouette: str | None = None
    badge_missing: dict[str, set] = field(default_factory=dict)

    # --- images ----------------------------------------------------------
    def image_xobject(self, data: bytes) -> tuple[str, int, int] | None:
        """Put image bytes into the PDF once; return (name, width px, height px)."""
        key = hashlib.blake2b(data, digest_size=16).hexdigest()
        if key in self.images:
            return self.images[key]
        try:
            result = self._add_image(key, data)
        except Exception as exc:  # unreadable upload: print the placeholder, say so
            log.warning("unreadable image: %s", exc)
            result = None
        self.images[key] = result
        return result

    def _add_image(self, key: str, data: bytes) -> tuple[str, int, int]:
        name = "img" + key
        img = Image.open(io.BytesIO(data))
        obj = pdfdoc.PDFImageXObject(name)
        obj.bitsPerComponent = 8
        obj.mask = None
        if img.format == "JPEG" and img.mode in ("RGB", "L"):
            # JPEG goes into the PDF as it is: no decoding, no re-compression.
            obj.streamContent = data
            obj._filters = ("DCTDecode",)
            obj.colorSpace = "DeviceRGB" if img.mode == "RGB" else "DeviceGray"
        else:
            img.load()
            if img.mode in ("RGBA", "LA", "P", "PA") or "transparency" in img.info:
                img = img.convert("RGBA")
                flat = Image.new("RGB", img.size, (255, 255, 255))
                flat.paste(img, mask=img.getchannel("A"))
                img = flat
            elif img.mode not in ("RGB", "L"):
                img = img.convert("RGB")
            obj.streamContent = zlib.compress(img.tobytes(), 6)
            obj._filters = ("FlateDecode",)
            obj.colorSpace = "DeviceRGB" if img.mode == "RGB" else "DeviceGray"
        obj.width, obj.height = img.size
        canvas = self.canvas
        reg = canvas._doc.getXObjectName(name)
        canvas._setXObjects(obj)
        canvas._doc.Reference(obj, reg)
        canvas._doc.addForm(name, obj)
        return name, obj.width, obj.height

    def draw_image(self, info, x, y, w, h, fit: str) -> None:
        name, pw, ph = info
        c = self.canvas
        scale = (max if fit == "cover" else min)(w / pw, h / ph)
        dw, dh = pw * scale, ph * scale
        dx, dy = x + (w - dw) / 2, y + (h - dh) / 2
        reg = c._doc.getXObjectName(name)
        clip = f"{x:.3f} {y:.3f} {w:.3f} {h:.3f} re W n " if fit == "cover" else ""
        c.addLiteral(f"q {clip}{dw:.4f} 0 0 {dh:.4f} {dx:.4f} {dy:.4f} cm /{reg} Do Q")
        c._formsinuse.append(name)
        c._currentPageHasImages = 1

    def draw_silhouette(self, x, y, w, h) -> None:
        """Placeholder for a missing photo: one form XObject, scaled per use."""
        c = self.canvas
        c.saveState()
        c.translate(x, y)
        c.scale(w / 35.0, h / 45.0)
        c.doForm(self.silhouette)
        c.restoreState()

    def define_silhouette(self) -> None:
        c = self.canvas
        self.silhouette = "lanyardSilhouette"
        c.beginForm(self.silhouette, 0, 0, 35, 45)
        c.setFillColorRGB(0.90, 0.91, 0.93)
        c.rect(0, 0, 35, 45, stroke=0, fill=1)
        c.setFillColorRGB(0.66, 0.69, 0.74)
        c.circle(17.5, 28, 8.2, stroke=0, fill=1)
        p = c.beginPath()
        p.moveTo(3, 0)
        p.curveTo(3, 12, 8, 17.5, 17.5, 17.5)
        p.curveTo(27, 17.5, 32, 12, 32, 0)
        p.close()
        c.drawPath(p, stroke=0, fill=1)
        c.endForm()

    # --- text ------------------------------------------------------------
    def note_missing(self, badge_label: str, chars: Iterable[str]) -> None:
        seen = self.badge_missing.setdefault(badge_label, set())
        for ch in chars:
            if ch not in seen:
                seen.add(ch)
                cp = f"U+{ord(ch):04X}"
                self.report.missing_glyphs.append(MissingGlyph(badge_label, ch, cp))
                self.report.warnings.append(
                    f"{badge_label}: no font has {cp} ({ch!r}); it is left out of the badge")
                log.warning("badge %s: no font has %s; left out", badge_label, cp)


def _colour(spec: str | None, badge: BadgeData | None, default=(0, 0, 0)):
    if not spec:
        return default
    if spec in ("category", "on-category"):
        base = _rgb(badge.category_colour if badge else "") or (0.47, 0.47, 0.47)
        return base if spec == "category" else _on(base)
    return _rgb(spec) or default


@functools.lru_cache(maxsize=256)
def _template_fields(template: str) -> tuple[str, ...]:
    return tuple(f for _, f, _, _ in string.Formatter().parse(template) if f)


def _draw_text(run: _Run, el: Element, x, y, w, h, badge: BadgeData | None, values: Mapping,
               label: str) -> None:
    template = el.get("text")
    fields = _template_fields(template)
    if fields and not any(values.get(f) for f in fields):
        return  # "Valid {validity}" prints nothing when there is no validity
    raw = template.format_map(values)
    content = text.clean(raw)
    if el.get("uppercase"):
        content = content.upper()
    if not content:
        return
    size = el.get("size")
    fitted = text.fit_text(content, w, h, size=size, min_size=el.get("min_size", size),
                           max_lines=el.get("max_lines", 1), bold=el.get("font") == "bold",
                           leading=el.get("leading", 1.15))
    if fitted.missing:
        run.note_missing(label, fitted.missing)
    if fitted.truncated and "{name}" in el.get("text"):
        run.report.warnings.append(f"{label}: the name is too long for its box and was shortened")
    c = run.canvas
    c.setFillColorRGB(*_colour(el.get("colour"), badge))
    text.draw_fitted(c, fitted, x, y, w, h, el.get("align", "center"), el.get("valign", "middle"))


def _draw_zones(run: _Run, el: Element, x, y, w, h, badge: BadgeData) -> None:
    zones = [text.clean(z) for z in badge.zones if text.clean(z)]
    if not zones:
        return
    gap = el.get("gap_mm", 1.0) * MM
    n = len(zones)
    best = (0.0, 1)
    for rows in (1, 2, 3):
        per_row = -(-n // rows)
        cell = min((w - (per_row - 1) * gap) / per_row, (h - (rows - 1) * gap) / rows)
        cell = min(cell, el.get("cell_mm", 8.0) * MM)
        if cell > best[0] + 0.01:
            best = (cell, rows)
    cell, rows = best
    per_row = -(-n // rows)
    fill = _colour(el.get("fill", "#000000"), badge)
    ink = _colour(el.get("colour", "#FFFFFF"), badge, default=(1, 1, 1))
    c = run.canvas
    align = el.get("align", "center")
    for i, zone in enumerate(zones):
        r, col = divmod(i, per_row)
        in_row = min(per_row, n - r * per_row)
        row_w = in_row * cell + (in_row - 1) * gap
        start = x if align == "left" else (x + w - row_w if align == "right" else x + (w - row_w) / 2)
        block_h = rows * cell + (rows - 1) * gap
        top = y + (h + block_h) / 2
        cx, cy = start + col * (cell + gap), top - (r + 1) * cell - r * gap
        c.setFillColorRGB(*fill)
        c.roundRect(cx, cy, cell, cell, cell * 0.12, stroke=0, fill=1)
        size = el.get("size", cell * 0.7)
        fitted = text.fit_text(zone, cell * 0.86, cell * 0.86, size=min(size, cell * 0.7),
                               min_size=min(3.0, size), bold=True)
        c.setFillColorRGB(*ink)
        text.draw_fitted(c, fitted, cx, cy, cell, cell)


def _draw_zone_legend(run: _Run, el: Element, x, y, w, h, badge, label) -> None:
    legend = run.event.zone_legend
    if not legend:
        return
    size = el.get("size", 7.0)
    n = len(legend)
    size = min(size, h / (n * 1.25))
    c = run.canvas
    c.setFillColorRGB(*_colour(el.get("colour"), badge))
    code_w = 0.0
    entries = []
    for code, name in legend:
        f_code = text.fit_text(text.clean(code), w * 0.2, size * 1.2, size=size,
                               min_size=min(size, el.get("min_size", 4.0)), bold=True)
        f_name = text.fit_text(text.clean(name), w * 0.78, size * 1.2, size=size,
                               min_size=min(size, el.get("min_size", 4.0)))
        if f_code.missing or f_name.missing:
            run.note_missing(label, f_code.missing + f_name.missing)
        code_w = max(code_w, f_code.lines[0].width * f_code.size if f_code.lines else 0)
        entries.append((f_code, f_name))
    line_h = size * 1.25
    top = y + h
    for i, (f_code, f_name) in enumerate(entries):
        ly = top - (i + 1) * line_h
        text.draw_fitted(c, f_code, x, ly, w * 0.2, line_h, align="left")
        text.draw_fitted(c, f_name, x + min(code_w + size * 0.6, w * 0.22), ly, w * 0.78, line_h,
                         align="left")


def _draw_side(run: _Run, elements: tuple[Element, ...], layout: Layout, badge: BadgeData,
               values: Mapping) -> None:
    """Draw one side of one badge with its lower-left corner at the current origin."""
    c = run.canvas
    height = layout.height_mm * MM
    label = badge.label
    if layout.background.upper() != "#FFFFFF":
        c.setFillColorRGB(*_rgb(layout.background))
        c.rect(0, 0, layout.width_mm * MM, height, stroke=0, fill=1)
    for el in elements:
        bx, by, bw, bh = el.box
        x, w, h = bx * MM, bw * MM, bh * MM
        y = height - (by + bh) * MM
        kind = el.type
        if kind == "text":
            _draw_text(run, el, x, y, w, h, badge, values, label)
        elif kind == "rect":
            if el.get("fill"):
                c.setFillColorRGB(*_colour(el.get("fill"), badge))
            if el.get("stroke"):
                c.setStrokeColorRGB(*_colour(el.get("stroke"), badge))
                c.setLineWidth(el.get("stroke_mm", 0.2) * MM)
            radius = el.get("radius_mm", 0) * MM
            fill, stroke = bool(el.get("fill")), bool(el.get("stroke"))
            if radius:
                c.roundRect(x, y, w, h, radius, stroke=stroke, fill=fill)
            else:
                c.rect(x, y, w, h, stroke=stroke, fill=fill)
        elif kind == "image":
            data = badge.photo if el.get("source") == "photo" else run.event.logo
            info = run.image_xobject(data) if data else None
            if data and info is None:
                run.report.warnings.append(f"{label}: the {el.get('source')} could not be read")
            if info:
                run.draw_image(info, x, y, w, h, el.get("fit", "cover" if el.get("source") == "photo" else "contain"))
            elif el.get("source") == "photo":
                run.draw_silhouette(x, y, w, h)
            if el.get("border") and (info or el.get("source") == "photo"):
                c.setStrokeColorRGB(*_colour(el.get("border"), badge))
                c.setLineWidth(0.4)
                c.rect(x, y, w, h, stroke=1, fill=0)
        elif kind == "qr":
            qr.draw_qr(c, badge.code, x, y, w)
        elif kind == "zones":
            _draw_zones(run, el, x, y, w, h, badge)
        elif kind == "zone_legend":
            _draw_zone_legend(run, el, x, y, w, h, badge, label)
        elif kind == "line":
            c.setStrokeColorRGB(*_colour(el.get("stroke"), badge))
            c.setLineWidth(el.get("stroke_mm", 0.2) * MM)
            c.line(x, height - by * MM, x + w, height - (by + bh) * MM)


def _check_badge(badge: BadgeData) -> None:
    if not isinstance(badge, BadgeData):
        raise BadgeDataError(f"expected BadgeData, got {type(badge).__name__}")
    if not CODE_PATTERN.match(badge.code or ""):
        raise BadgeDataError(f"badge {badge.label!r}: the code must be 1 to 120 upper-case "
                             f"letters and digits (Base32), got {badge.code[:30]!r}")


def _draw_cut_marks(c: Canvas, sheet: Sheet, page_h: float, back: bool) -> None:
    c.setStrokeColorRGB(0, 0, 0)
    c.setLineWidth(0.25)
    length, gap = _CUT_MARK_MM * MM, _CUT_GAP_MM * MM
    xs, ys = set(), set()
    for i in range(sheet.per_page):
        cx, cy = sheet.cell_origin_mm(i, back)
        xs.update((round(cx, 3), round(cx + sheet.cell_width_mm, 3)))
        ys.update((round(cy, 3), round(cy + sheet.cell_height_mm, 3)))
    left = min(xs) * MM
    right = max(xs) * MM
    top = page_h - min(ys) * MM
    bottom = page_h - max(ys) * MM
    p = c.beginPath()
    # Marks sit in the page margin outside the block of cells so they never touch a badge.
    for xm in sorted(xs):
        X = xm * MM
        p.moveTo(X, top + gap); p.lineTo(X, top + gap + length)
        p.moveTo(X, bottom - gap); p.lineTo(X, bottom - gap - length)
    for ym in sorted(ys):
        Y = page_h - ym * MM
        p.moveTo(left - gap, Y); p.lineTo(left - gap - length, Y)
        p.moveTo(right + gap, Y); p.lineTo(right + gap + length, Y)
    c.drawPath(p, stroke=1, fill=0)


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def render_badges(badges: Iterable[BadgeData], out: BinaryIO | str | os.PathLike, *,
                  event: EventInfo, layout: str | Layout | None = None,
                  sheet: str | Sheet | None = None, back: bool = False,
                  layouts_by_category: Mapping[str, str | Layout] | None = None) -> RenderReport:
    """Write one PDF of badges to `out` (a path or a binary file).

    Without a sheet each badge gets its own page at the exact stock size (and,
    with back=True, its back on the next page). With a sheet, badges fill the
    sheet's cells row by row; backs follow each sheet, mirrored for a
    long-edge flip. `layouts_by_category` picks a layout per category code;
    on a sheet every layout must match the sheet's cell size."""
    previous = rl_config.useA85
    # Binary streams: ASCII85 only makes the file 25% bigger and, in pure
    # Python, costs about a millisecond per page.
    rl_config.useA85 = 0
    try:
        return _render(badges, out, event, layout, sheet, back, layouts_by_category)
    finally:
        rl_config.useA85 = previous


def _render(badges, out, event, layout, sheet, back, layouts_by_category) -> RenderReport:
    sheet_obj = load_sheet(sheet) if sheet is not None else None
    default = load_layout(layout or (sheet_obj.layout if sheet_obj and sheet_obj.layout else DEFAULT_LAYOUT))
    by_category = {k: load_layout(v) for k, v in (layouts_by_category or {}).items()}
    if sheet_obj:
        for lay in (default, *by_category.values()):
            if (abs(lay.width_mm - sheet_obj.cell_width_mm) > 0.05
                    or abs(lay.height_mm - sheet_obj.cell_height_mm) > 0.05):
                raise LayoutError(
                    f"layout {lay.name!r} is {lay.width_mm} x {lay.height_mm} mm but sheet "
                    f"{sheet_obj.name!r} has {sheet_obj.cell_width_mm} x "
                    f"{sheet_obj.cell_height_mm} mm cells")
    if isinstance(out, os.PathLike):
        out = os.fspath(out)
    first_size = ((sheet_obj.page_width_mm, sheet_obj.page_height_mm) if sheet_obj
                  else (default.width_mm, default.height_mm))
    canvas = Canvas(out, pagesize=(first_size[0] * MM, first_size[1] * MM), pageCompression=1)
    canvas.setCreator("Lanyard badge renderer")
    canvas.setTitle(event.name)
    report = RenderReport()
    run = _Run(canvas, event, report, _event_values(event))
    run.define_silhouette()

    def layout_for(badge: BadgeData) -> Layout:
        return by_category.get(badge.category_code, default)

    def checked(items):
        for badge in items:
            _check_badge(badge)
            yield badge

    if sheet_obj is None:
        for badge in checked(badges):
            lay = layout_for(badge)
            values = _Values(_badge_values(badge, run.event_values))
            canvas.setPageSize((lay.width_mm * MM, lay.height_mm * MM))
            _draw_side(run, lay.front, lay, badge, values)
            canvas.showPage()
            report.pages += 1
            if back:
                canvas.setPageSize((lay.width_mm * MM, lay.height_mm * MM))
                _draw_side(run, lay.back, lay, badge, values)
                canvas.showPage()
                report.pages += 1
            report.badges += 1
    else:
        page_w, page_h = sheet_obj.page_width_mm * MM, sheet_obj.page_height_mm * MM
        for chunk in _chunks(checked(badges), sheet_obj.per_page):
            entries = [(b, layout_for(b), _Values(_badge_values(b, run.event_values))) for b in chunk]
            for side in (("front", "back") if back else ("front",)):
                canvas.setPageSize((page_w, page_h))
                is_back = side == "back"
                for i, (badge, lay, values) in enumerate(entries):
                    cx, cy = sheet_obj.cell_origin_mm(i, is_back)
                    canvas.saveState()
                    canvas.translate(cx * MM, page_h - (cy + lay.height_mm) * MM)
                    _draw_side(run, lay.back if is_back else lay.front, lay, badge, values)
                    canvas.restoreState()
                if sheet_obj.cut_marks:
                    _draw_cut_marks(canvas, sheet_obj, page_h, is_back)
                canvas.showPage()
                report.pages += 1
            report.badges += len(chunk)
    if report.pages == 0:
        canvas.setPageSize((first_size[0] * MM, first_size[1] * MM))
        canvas.showPage()  # a valid, empty PDF rather than a broken file
        report.pages = 1
        report.warnings.append("no badges to print")
    canvas.save()
    return report
