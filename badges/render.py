"""Layout + badge data -> PDF pages, streamed: badges are read one page at a
time from any iterable, drawn, and their page closed before the next is read."""
from __future__ import annotations

import os
import re
import zlib
from typing import BinaryIO, Iterable, Iterator, Mapping

from reportlab import rl_config
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

from .elements import draw_side
from .layout import Layout, LayoutError, Sheet, fit_on_sheet, load_layout, load_sheet
from .model import BadgeData, EventInfo, RenderReport
from .run import OnceStream, Run
from .values import badge_values, event_values

MM = 72 / 25.4
DEFAULT_LAYOUT = "cr80-portrait"
CODE_PATTERN = re.compile(r"[A-Z0-9]{1,120}\Z")
_CUT_MARK_MM = 4.0
_CUT_GAP_MM = 1.0


class BadgeDataError(ValueError):
    """A badge cannot be printed as given (for example its code is not a badge code)."""


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


def _end_page(canvas: Canvas) -> None:
    """Close the page and compress its content now rather than when the file is saved:
    a long run then holds each page in a fifth of the memory."""
    canvas.showPage()
    page = canvas._doc.Pages.pages[-1]
    if page.stream:
        contents = OnceStream(content=zlib.compress(page.stream.encode("utf8"), 6))
        contents.dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])
        contents.__Comment__ = "page stream"
        page.Contents, page.stream = contents, None


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
    default = load_layout(layout or default_layout_for(sheet_obj))
    by_category = {k: load_layout(v) for k, v in (layouts_by_category or {}).items()}
    if sheet_obj:
        for lay in (default, *by_category.values()):
            if fit_on_sheet(lay, sheet_obj) is None:
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
    run = Run(canvas, event, report, event_values(event))

    def layout_for(badge: BadgeData) -> Layout:
        return by_category.get(badge.category_code, default)

    def checked(items):
        for badge in items:
            _check_badge(badge)
            yield badge

    if sheet_obj is None:
        for badge in checked(badges):
            lay = layout_for(badge)
            values = badge_values(badge, run.event_values)
            for side in (lay.front, lay.back) if back else (lay.front,):
                canvas.setPageSize((lay.width_mm * MM, lay.height_mm * MM))
                draw_side(run, side, lay, badge, values)
                _end_page(canvas)
                report.pages += 1
            report.badges += 1
    else:
        page_w, page_h = sheet_obj.page_width_mm * MM, sheet_obj.page_height_mm * MM
        for chunk in _chunks(checked(badges), sheet_obj.per_page):
            entries = [(b, layout_for(b), badge_values(b, run.event_values)) for b in chunk]
            for is_back in ((False, True) if back else (False,)):
                canvas.setPageSize((page_w, page_h))
                for i, (badge, lay, values) in enumerate(entries):
                    cx, cy = sheet_obj.cell_origin_mm(i, is_back)
                    canvas.saveState()
                    _place_in_cell(canvas, lay, sheet_obj, cx * MM,
                                   page_h - (cy + sheet_obj.cell_height_mm) * MM, is_back)
                    draw_side(run, lay.back if is_back else lay.front, lay, badge, values)
                    canvas.restoreState()
                if sheet_obj.cut_marks:
                    _draw_cut_marks(canvas, sheet_obj, page_h, is_back)
                _end_page(canvas)
                report.pages += 1
            report.badges += len(chunk)
    if report.pages == 0:
        canvas.setPageSize((first_size[0] * MM, first_size[1] * MM))
        canvas.showPage()  # a valid, empty PDF rather than a broken file
        report.pages = 1
        report.warnings.append("no badges to print")
    canvas.save()
    return report


def default_layout_for(sheet: Sheet | None) -> str:
    """The layout printed when none is chosen: the desk's card (CR80 portrait) wherever
    it fits, turned if need be; otherwise the layout the sheet names."""
    if sheet is None:
        return DEFAULT_LAYOUT
    if fit_on_sheet(load_layout(DEFAULT_LAYOUT), sheet):
        return DEFAULT_LAYOUT
    return sheet.layout or DEFAULT_LAYOUT


def _place_in_cell(canvas: Canvas, layout: Layout, sheet: Sheet, x: float, y: float,
                   back: bool) -> None:
    """Move the origin so the badge fills the cell whose lower-left corner is (x, y).
    A badge turned into its cell has its top towards the left on the front and towards
    the right on the back, so after a long-edge flip both sides stand the same way up."""
    if fit_on_sheet(layout, sheet) == "upright":
        canvas.translate(x, y)
    elif back:
        canvas.translate(x, y + layout.width_mm * MM)
        canvas.rotate(-90)
    else:
        canvas.translate(x + layout.height_mm * MM, y)
        canvas.rotate(90)
