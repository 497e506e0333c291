"""Drawing one side of a badge: each element of the layout in its box, in order. Boxes
are turned into points with the origin at the lower-left corner of the badge."""
from __future__ import annotations

from typing import Mapping

from . import colour, qr, security, text
from .layout import Element, Layout
from .model import BadgeData
from .run import Run
from .values import describe, fill_template, ink

MM = 72 / 25.4
FLAG_RATIO = 4 / 3


def draw_side(run: Run, elements: tuple[Element, ...], layout: Layout, badge: BadgeData,
              values: Mapping) -> None:
    """Draw one side of one badge with its lower-left corner at the current origin."""
    c = run.canvas
    height = layout.height_mm * MM
    if layout.background.upper() != "#FFFFFF":
        c.setFillColorRGB(*colour.parse_hex(layout.background))
        c.rect(0, 0, layout.width_mm * MM, height, stroke=0, fill=1)
    for el in elements:
        bx, by, bw, bh = el.box
        w, h = bw * MM, bh * MM
        _DRAW[el.type](run, el, bx * MM, height - (by + bh) * MM, w, h, badge, values)


# --- text ------------------------------------------------------------------

def _draw_text(run: Run, el: Element, x, y, w, h, badge: BadgeData, values: Mapping) -> None:
    content = fill_template(el.get("text"), values, el.get("uppercase", False))
    if not content:
        return
    size = el.get("size")
    fitted = text.fit_text(content, w, h, size=size, min_size=el.get("min_size", size),
                           max_lines=el.get("max_lines", 1), bold=el.get("font") == "bold",
                           leading=el.get("leading", 1.15))
    if fitted.missing:
        run.note_missing(badge.label, fitted.missing)
    if fitted.truncated:
        what = describe(el.get("text"))
        run.warn(f"{badge.label}: {what} is too long for its box and was shortened")
    run.canvas.setFillColorRGB(*ink(el, "colour", badge))
    text.draw_fitted(run.canvas, fitted, x, y, w, h, el.get("align", "center"), el.get("valign", "middle"))


# --- shapes and pictures ---------------------------------------------------------

def _draw_rect(run: Run, el: Element, x, y, w, h, badge: BadgeData, values: Mapping) -> None:
    c = run.canvas
    if el.get("fill"):
        c.setFillColorRGB(*ink(el, "fill", badge))
    if el.get("stroke"):
        c.setStrokeColorRGB(*ink(el, "stroke", badge))
        c.setLineWidth(el.get("stroke_mm", 0.2) * MM)
    radius = el.get("radius_mm", 0) * MM
    fill, stroke = bool(el.get("fill")), bool(el.get("stroke"))
    if radius:
        c.roundRect(x, y, w, h, radius, stroke=stroke, fill=fill)
    else:
        c.rect(x, y, w, h, stroke=stroke, fill=fill)


def _draw_line(run: Run, el: Element, x, y, w, h, badge: BadgeData, values: Mapping) -> None:
    c = run.canvas
    c.setStrokeColorRGB(*ink(el, "stroke", badge))
    c.setLineWidth(el.get("stroke_mm", 0.2) * MM)
    c.line(x, y + h, x + w, y)


def _draw_image(run: Run, el: Element, x, y, w, h, badge: BadgeData, values: Mapping) -> None:
    c = run.canvas
    source = el.get("source")
    is_photo = source == "photo"
    data = badge.photo if is_photo else run.event.logo
    info = run.image_xobject(data) if data else None
    if data and info is None:
        run.warn(f"{badge.label}: the {source} could not be read")
    if info:
        run.draw_image(info, x, y, w, h, el.get("fit", "cover" if is_photo else "contain"))
    elif is_photo:
        run.draw_form(run.silhouette(), x, y, w / 35.0, h / 45.0)
    else:
        return  # no logo: nothing, not an empty frame
    if is_photo and el.get("overprint"):
        security.draw_overprint(run, fill_template(el.get("overprint"), values), x, y, w, h,
                                el.get("overprint_size", max(4.0, h / MM * 0.2)))
    if el.get("border"):
        c.setStrokeColorRGB(*ink(el, "border", badge))
        c.setLineWidth(0.4)
        c.rect(x, y, w, h, stroke=1, fill=0)


def _draw_qr(run: Run, el: Element, x, y, w, h, badge: BadgeData, values: Mapping) -> None:
    # White under the symbol and its quiet zone: the guilloche stops at the QR.
    qr.draw_qr(run.canvas, badge.code, x, y, w)


# --- the header --------------------------------------------------------------------

def _draw_header(run: Run, el: Element, x, y, w, h, badge: BadgeData, values: Mapping) -> None:
    """The event's logo beside its name and dates, the group centred in the box (or left
    aligned); the same on every badge of the run, so it is laid out once."""
    key = ("header", id(el), w, h)
    plan = run.cache.get(key)
    if plan is None:
        plan = run.cache[key] = _plan_header(run, el, w, h, values)
    logo, logo_w, title, subtitle, text_w, gap, title_h = plan
    c = run.canvas
    group = logo_w + gap + text_w
    align = el.get("align", "center")
    left = x if align == "left" else (x + w - group if align == "right" else x + (w - group) / 2)
    if logo:
        pad = 0.5 * MM if el.get("logo_plate") else 0.0
        if pad:
            c.setFillColorRGB(*ink(el, "logo_plate", badge))
            c.roundRect(left, y, logo_w, h, 0.8 * MM, stroke=0, fill=1)
        run.draw_image(logo, left + pad, y + pad, logo_w - 2 * pad, h - 2 * pad, "contain")
    c.setFillColorRGB(*ink(el, "colour", badge))
    text_x = left + logo_w + gap
    line_align = "left" if logo else "center"
    block_h = (title.height if title else 0) + (subtitle.height + 0.6 * MM if subtitle else 0)
    top = y + (h + block_h) / 2
    if title:
        text.draw_fitted(c, title, text_x, top - title.height, text_w, title.height, line_align, "top")
    if subtitle:
        text.draw_fitted(c, subtitle, text_x, y + (h - block_h) / 2, text_w, subtitle.height,
                         line_align, "bottom")


def _plan_header(run: Run, el: Element, w, h, values: Mapping):
    logo = run.logo()
    size = el.get("size")
    sub_size = el.get("subtitle_size", size * 0.75)
    gap = el.get("gap_mm", 1.5) * MM
    logo_w = 0.0
    if logo:
        _, pw, ph = logo
        logo_w = min(h * pw / ph, w * 0.32)
        if el.get("logo_plate"):
            logo_w = min(logo_w + 1.0 * MM, w * 0.32)
    else:
        gap = 0.0  # no logo: the text closes up over the whole band
    room = w - logo_w - gap
    title = subtitle = None
    title_text = fill_template(el.get("title", "{event_name}"), values)
    sub_text = fill_template(el.get("subtitle", "{event_dates}"), values)
    sub_h = sub_size * 1.4 if sub_text else 0.0  # Noto Sans is 1.36 em from top to bottom
    if sub_text:
        subtitle = text.fit_text(sub_text, room, sub_h, size=sub_size,
                                 min_size=min(sub_size, el.get("min_size", sub_size)))
        if subtitle.truncated:
            run.warn(f"the header's {describe(el.get('subtitle', '{event_dates}'))} is too long "
                     "for its box and was shortened", once=True)
    if title_text:
        title = text.fit_text(title_text, room, h - sub_h - (0.6 * MM if sub_text else 0), size=size,
                              min_size=el.get("min_size", size), max_lines=el.get("max_lines", 2),
                              bold=True)
        if title.truncated:
            run.warn("the event's name is too long for the header and was shortened", once=True)
    widths = [f.size * max(line.width for line in f.lines) for f in (title, subtitle) if f and f.lines]
    text_w = min(room, max(widths, default=0.0))
    return logo, logo_w, title, subtitle, text_w, gap if text_w else 0.0, h


# --- the flag ----------------------------------------------------------------------

def _draw_flag(run: Run, el: Element, x, y, w, h, badge: BadgeData, values: Mapping) -> None:
    """The delegation's flag, or the event's emblem for people of no delegation, then the
    text (e.g. the country's name); with neither flag nor emblem the text closes up."""
    c = run.canvas
    code = (badge.country_code or "").upper()
    flag = run.flag(code) if code else None
    if code and flag is None:
        run.warn(f"there is no flag for country code {code!r}; the event's emblem is printed "
                 "instead", once=True)
    emblem = None if flag else run.logo()
    size = el.get("size", h / 1.4)
    mark_h = min(h, size * 1.05) if el.get("text") else h
    if flag:
        mark_w = mark_h * FLAG_RATIO
    elif emblem:
        mark_w = min(mark_h * emblem[1] / emblem[2], mark_h * FLAG_RATIO)
    else:
        mark_w = 0.0
    gap = el.get("gap_mm", 1.2) * MM if mark_w else 0.0
    fitted = None
    label = fill_template(el.get("text", ""), values, el.get("uppercase", False)) if el.get("text") else ""
    if label:
        fitted = text.fit_text(label, w - mark_w - gap, h, size=size, min_size=el.get("min_size", size),
                               bold=el.get("font") == "bold")
        if fitted.missing:
            run.note_missing(badge.label, fitted.missing)
        if fitted.truncated:
            run.warn(f"{badge.label}: {describe(el.get('text'))} is too long for its box and was shortened")
    text_w = fitted.size * fitted.lines[0].width if fitted and fitted.lines else 0.0
    if not text_w:
        gap = 0.0
    group = mark_w + gap + text_w
    align = el.get("align", "center")
    left = x if align == "left" else (x + w - group if align == "right" else x + (w - group) / 2)
    mark_y = y + (h - mark_h) / 2
    if flag:
        run.draw_form(flag, left, mark_y, mark_w / 640.0, mark_h / 480.0)
        c.setStrokeColorRGB(*ink(el, "border", badge, default=(0.62, 0.65, 0.69)))
        c.setLineWidth(0.25)
        c.rect(left, mark_y, mark_w, mark_h, stroke=1, fill=0)
    elif emblem:
        run.draw_image(emblem, left, mark_y, mark_w, mark_h, "contain")
    if fitted and fitted.lines:
        c.setFillColorRGB(*ink(el, "colour", badge))
        text.draw_fitted(c, fitted, left + mark_w + gap, y, text_w, h, "left", "middle")


# --- zones -------------------------------------------------------------------------

def zone_names(run: Run) -> dict[str, str]:
    key = ("zone names",)
    if key not in run.cache:
        run.cache[key] = {text.clean(code): text.clean(name) for code, name in run.event.zone_legend}
    return run.cache[key]


def holder_zones(run: Run, badge: BadgeData) -> list[tuple[str, str]]:
    """The holder's own zones as (code, name), in the badge's order."""
    names = zone_names(run)
    zones = [text.clean(z) for z in badge.zones]
    return [(z, names.get(z, "")) for z in zones if z]


def _draw_zones(run: Run, el: Element, x, y, w, h, badge: BadgeData, values: Mapping) -> None:
    """One cell per zone: the code large enough to read at arm's length, with the zone's
    short name under it when the layout asks for names."""
    zones = holder_zones(run, badge)
    if not zones:
        return
    gap = el.get("gap_mm", 1.0) * MM
    n = len(zones)
    max_cell = el.get("cell_mm", 8.0) * MM
    names = el.get("names", False)
    if names:
        rows, cell_w = 1, min((w - (n - 1) * gap) / n, max_cell)
        cell_h = h
        if cell_w < 6 * MM:  # too many zones for names: codes only, in up to three rows
            names = False
    if not names:
        cell_w, rows = 0.0, 1
        for r in (1, 2, 3):
            per_row = -(-n // r)
            side = min((w - (per_row - 1) * gap) / per_row, (h - (r - 1) * gap) / r, max_cell)
            if side > cell_w + 0.01:
                cell_w, rows = side, r
        cell_h = cell_w
    per_row = -(-n // rows)
    fill = ink(el, "fill", badge)
    code_ink = ink(el, "colour", badge, default=(1, 1, 1))
    c = run.canvas
    align = el.get("align", "center")
    block_h = rows * cell_h + (rows - 1) * gap
    top = y + (h + block_h) / 2
    code_h = cell_h * 0.58 if names else cell_h
    for i, (code, name) in enumerate(zones):
        r, col = divmod(i, per_row)
        in_row = min(per_row, n - r * per_row)
        row_w = in_row * cell_w + (in_row - 1) * gap
        start = x if align == "left" else (x + w - row_w if align == "right" else x + (w - row_w) / 2)
        cx, cy = start + col * (cell_w + gap), top - (r + 1) * cell_h - r * gap
        c.setFillColorRGB(*fill)
        c.roundRect(cx, cy, cell_w, cell_h, min(cell_w, cell_h) * 0.12, stroke=0, fill=1)
        size = el.get("size", code_h * 0.7)
        fitted = text.fit_text(code, cell_w * 0.86, code_h * 0.86, size=min(size, code_h * 0.75),
                               min_size=min(3.0, size), bold=True)
        c.setFillColorRGB(*code_ink)
        text.draw_fitted(c, fitted, cx, cy + cell_h - code_h, cell_w, code_h)
        short = _zone_short_name(run, el, name, cell_w * 0.9, cell_h - code_h) if names and name else None
        if short:
            text.draw_fitted(c, short, cx + cell_w * 0.05, cy, cell_w * 0.9, (cell_h - code_h) * 0.95,
                             "center", "top")


def _zone_short_name(run: Run, el: Element, name: str, w: float, h: float) -> text.FittedText | None:
    """The zone's name fitted into its cell on two lines at most, never broken inside a
    word: a name too long keeps its first words ("Delegation offices" -> "Delegation"),
    and one whose first word does not fit is left out (the back has it in full). The
    operator is told once per run."""
    key = ("zone name", id(el), name, round(w, 2), round(h, 2))
    if key in run.cache:
        return run.cache[key]
    size = el.get("name_size", 4.5)
    low = min(size, el.get("name_min_size", 3.2))
    words = name.split(" ")
    fitted = None
    while words:
        fitted = text.fit_text(" ".join(words), w, h, size=size, min_size=low, max_lines=2)
        if not fitted.truncated:
            break
        words, fitted = words[:-1], None
    if fitted is None:
        run.warn(f"zone name {name!r} does not fit the zone boxes on the front; only its code "
                 "is printed there (the back has the name)", once=True)
    elif " ".join(words) != name:
        run.warn(f"zone name {name!r} is shortened to {' '.join(words)!r} on the front (the "
                 "back has it in full)", once=True)
    run.cache[key] = fitted
    return fitted


def _draw_zone_legend(run: Run, el: Element, x, y, w, h, badge: BadgeData, values: Mapping) -> None:
    """The holder's own zones, one a line: the code on a tile in the category colour, then
    the zone's full name."""
    zones = holder_zones(run, badge)
    if not zones:
        return
    size = min(el.get("size", 7.0), h / (len(zones) * 1.45))
    low = min(size, el.get("min_size", 4.0))
    line_h = size * 1.45
    tile = line_h * 0.86
    c = run.canvas
    tile_fill = ink(el, "fill", badge, default=colour.resolve("category", badge.category_colour))
    tile_ink = colour.ink_on(tile_fill) if not el.get("ink") else ink(el, "ink", badge)
    name_ink = ink(el, "colour", badge)
    top = y + h
    for i, (code, name) in enumerate(zones):
        ly = top - (i + 1) * line_h
        ty = ly + (line_h - tile) / 2
        c.setFillColorRGB(*tile_fill)
        tile_w = tile
        code_fit = text.fit_text(code, tile * 2.6, tile * 0.8, size=size, min_size=min(3.0, size), bold=True)
        if code_fit.lines:
            tile_w = max(tile, code_fit.size * code_fit.lines[0].width + tile * 0.35)
        c.roundRect(x, ty, tile_w, tile, tile * 0.15, stroke=0, fill=1)
        c.setFillColorRGB(*tile_ink)
        text.draw_fitted(c, code_fit, x, ty, tile_w, tile)
        if name:
            name_x = x + tile_w + size * 0.6
            fitted = text.fit_text(name, x + w - name_x, line_h, size=size, min_size=low)
            if fitted.missing:
                run.note_missing(badge.label, fitted.missing)
            c.setFillColorRGB(*name_ink)
            text.draw_fitted(c, fitted, name_x, ly, x + w - name_x, line_h, "left")


_DRAW = {
    "text": _draw_text, "rect": _draw_rect, "line": _draw_line, "image": _draw_image,
    "qr": _draw_qr, "header": _draw_header, "flag": _draw_flag, "zones": _draw_zones,
    "zone_legend": _draw_zone_legend, "guilloche": security.draw_guilloche,
    "microtext": security.draw_microtext, "hologram": security.draw_hologram,
}
