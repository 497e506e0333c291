"""Lanyard badge renderer: badge data and a layout in, print-ready PDF out.
A plain library (no Flask): the web app, the CLI and the benchmark call it."""
from .layout import (Element, Layout, LayoutError, Sheet, fit_on_sheet, list_layouts,
                     list_sheets, load_layout, load_sheet)
from .model import BadgeData, EventInfo, MissingGlyph, RenderReport
from .render import BadgeDataError, render_badges
from .sample import render_sample_csv

__all__ = [
    "BadgeData", "BadgeDataError", "Element", "EventInfo", "Layout", "LayoutError",
    "MissingGlyph", "RenderReport", "Sheet", "fit_on_sheet", "list_layouts", "list_sheets",
    "load_layout", "load_sheet", "render_badges", "render_sample_csv",
]
