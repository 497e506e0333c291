"""Badge layouts and sheets as data: JSON documents of positioned elements
(text, images, the QR, colour bands, zones, the header, flags and the security
elements), validated on load so a broken layout fails with a clear message before
anything is printed.

Units are millimetres with the origin at the top-left corner of the badge."""
from __future__ import annotations

import json
import os
import re
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import qr, security

LAYOUT_DIR = Path(__file__).parent / "layouts"
SHEET_DIR = Path(__file__).parent / "sheets"

TEXT_FIELDS = frozenset({
    "name", "native_name", "honorific", "position", "organisation", "country_code",
    "country_name", "country", "category_code", "category_name", "serial", "version",
    "valid_from", "valid_to", "validity", "zones", "event_name", "event_short_name",
    "venue", "event_dates", "host", "emergency_contact", "serial_version",
})
_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}\Z")
COLOUR_WORDS = frozenset({"category", "on-category"})
# Keys whose value is a text template of the fields above.
TEMPLATE_KEYS = ("text", "title", "subtitle", "overprint")


class LayoutError(ValueError):
    """A layout or sheet document is not usable; the message says where and why."""


@dataclass(frozen=True)
class Element:
    type: str
    box: tuple[float, float, float, float]  # x, y, width, height in mm from top-left
    props: dict = field(default_factory=dict, hash=False, compare=False)

    def get(self, key: str, default: Any = None) -> Any:
        return self.props.get(key, default)


@dataclass(frozen=True)
class Layout:
    name: str
    title: str
    width_mm: float
    height_mm: float
    corner_radius_mm: float = 0.0
    front: tuple[Element, ...] = ()
    back: tuple[Element, ...] = ()
    background: str = "#FFFFFF"


@dataclass(frozen=True)
class Sheet:
    name: str
    title: str
    page_width_mm: float
    page_height_mm: float
    columns: int
    rows: int
    cell_width_mm: float
    cell_height_mm: float
    margin_left_mm: float = 0.0
    margin_top_mm: float = 0.0
    pitch_x_mm: float = 0.0  # distance between left edges of neighbouring cells
    pitch_y_mm: float = 0.0
    cut_marks: bool = True
    offset_x_mm: float = 0.0  # printer calibration: + moves print right
    offset_y_mm: float = 0.0  # + moves print down
    back_offset_x_mm: float = 0.0
    back_offset_y_mm: float = 0.0
    layout: str = ""  # the layout printed on this sheet unless another is given

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    def cell_origin_mm(self, index: int, back: bool = False) -> tuple[float, float]:
        """Top-left corner of cell `index` (row-major) in mm from the page's top-left.
        Backs mirror horizontally so each back lands behind its front after a
        long-edge flip."""
        row, col = divmod(index, self.columns)
        x = self.margin_left_mm + col * self.pitch_x_mm
        y = self.margin_top_mm + row * self.pitch_y_mm
        if back:
            x = self.page_width_mm - x - self.cell_width_mm
            return x + self.back_offset_x_mm, y + self.back_offset_y_mm
        return x + self.offset_x_mm, y + self.offset_y_mm


# Allowed keys per element type: key -> (type check, required)
_NUM = (int, float)
_ELEMENT_KEYS: dict[str, dict[str, tuple[Any, bool]]] = {
    "rect": {"fill": (str, False), "stroke": (str, False), "stroke_mm": (_NUM, False),
             "radius_mm": (_NUM, False)},
    "text": {"text": (str, True), "font": (str, False), "size": (_NUM, True),
             "min_size": (_NUM, False), "max_lines": (int, False), "align": (str, False),
             "valign": (str, False), "colour": (str, False), "uppercase": (bool, False),
             "leading": (_NUM, False)},
    "image": {"source": (str, True), "fit": (str, False), "border": (str, False),
              "overprint": (str, False), "overprint_size": (_NUM, False)},
    "qr": {},
    "zones": {"cell_mm": (_NUM, False), "gap_mm": (_NUM, False), "fill": (str, False),
              "colour": (str, False), "size": (_NUM, False), "align": (str, False),
              "names": (bool, False), "name_size": (_NUM, False), "name_min_size": (_NUM, False)},
    "zone_legend": {"size": (_NUM, False), "colour": (str, False), "min_size": (_NUM, False),
                    "fill": (str, False), "ink": (str, False)},
    "line": {"stroke": (str, False), "stroke_mm": (_NUM, False)},
    # The event's logo (or the host's crest) beside its name and dates; without a logo
    # the text takes the whole box.
    "header": {"title": (str, False), "subtitle": (str, False), "size": (_NUM, True),
               "min_size": (_NUM, False), "subtitle_size": (_NUM, False),
               "max_lines": (int, False), "colour": (str, False), "logo_plate": (str, False),
               "align": (str, False), "gap_mm": (_NUM, False)},
    # The delegation's flag (the event's emblem for people of no delegation), optionally
    # followed by a text such as the country's name, the two centred as a group.
    "flag": {"text": (str, False), "size": (_NUM, False), "min_size": (_NUM, False),
             "font": (str, False), "colour": (str, False), "align": (str, False),
             "gap_mm": (_NUM, False), "border": (str, False), "uppercase": (bool, False)},
    "guilloche": {"pattern": (str, False), "colour": (str, False), "lightness": (_NUM, False),
                  "line_mm": (_NUM, False), "spacing_mm": (_NUM, False)},
    "microtext": {"text": (str, False), "size": (_NUM, False), "colour": (str, False)},
    "hologram": {"shape": (str, False), "stroke": (str, False)},
}
_ENUMS = {"font": {"regular", "bold"}, "align": {"left", "center", "right"},
          "valign": {"top", "middle", "bottom"}, "fit": {"cover", "contain"},
          "source": {"photo", "logo"}, "pattern": set(security.PATTERNS),
          "shape": {"circle", "rect"}}
_COLOUR_KEYS = ("fill", "stroke", "colour", "border", "logo_plate", "ink")


def _num(doc: dict, key: str, where: str, *, required=True, default=0.0, positive=False) -> float:
    if key not in doc:
        if required:
            raise LayoutError(f"{where}: missing '{key}'")
        return default
    value = doc[key]
    if isinstance(value, bool) or not isinstance(value, _NUM):
        raise LayoutError(f"{where}: '{key}' must be a number, got {value!r}")
    if positive and value <= 0:
        raise LayoutError(f"{where}: '{key}' must be greater than 0, got {value!r}")
    return float(value)


def check_colour(value: str, where: str) -> None:
    if value not in COLOUR_WORDS and not _COLOUR.match(value):
        raise LayoutError(f"{where}: colour {value!r} is not #RRGGBB, 'category' or 'on-category'")


def _element(doc: Any, where: str, width: float, height: float) -> Element:
    if not isinstance(doc, dict):
        raise LayoutError(f"{where}: an element must be an object")
    kind = doc.get("type")
    if kind not in _ELEMENT_KEYS:
        raise LayoutError(f"{where}: unknown element type {kind!r}; use one of "
                          f"{', '.join(sorted(_ELEMENT_KEYS))}")
    where = f"{where} ({kind})"
    box = doc.get("box")
    if (not isinstance(box, list) or len(box) != 4
            or not all(isinstance(v, _NUM) and not isinstance(v, bool) for v in box)):
        raise LayoutError(f"{where}: 'box' must be [x, y, width, height] in mm")
    x, y, w, h = (float(v) for v in box)
    if kind == "line":
        if not (0 <= x <= width and 0 <= y <= height and 0 <= x + w <= width + 0.01
                and 0 <= y + h <= height + 0.01):
            raise LayoutError(f"{where}: line {box} leaves the {width} x {height} mm badge")
    else:
        if w <= 0 or h <= 0:
            raise LayoutError(f"{where}: box width and height must be greater than 0")
        if x < -0.01 or y < -0.01 or x + w > width + 0.01 or y + h > height + 0.01:
            raise LayoutError(f"{where}: box {box} leaves the {width} x {height} mm badge")
    allowed = _ELEMENT_KEYS[kind]
    props = {}
    for key, value in doc.items():
        if key in ("type", "box"):
            continue
        if key not in allowed:
            raise LayoutError(f"{where}: unknown key '{key}'")
        expected = allowed[key][0]
        if not isinstance(value, expected) or (expected is not bool and isinstance(value, bool)):
            raise LayoutError(f"{where}: '{key}' has the wrong type ({value!r})")
        if key in _ENUMS and value not in _ENUMS[key]:
            raise LayoutError(f"{where}: '{key}' must be one of {sorted(_ENUMS[key])}, got {value!r}")
        if key in _COLOUR_KEYS:
            check_colour(value, where)
        if isinstance(value, _NUM) and not isinstance(value, bool) and value < 0:
            raise LayoutError(f"{where}: '{key}' must not be negative")
        props[key] = value
    for key, (_, required) in allowed.items():
        if required and key not in props:
            raise LayoutError(f"{where}: missing '{key}'")
    for key in TEMPLATE_KEYS:
        if key in props:
            _check_template(props[key], where)
    if kind == "text":
        if props.get("size", 0) <= 0:
            raise LayoutError(f"{where}: 'size' must be greater than 0")
        if props.get("min_size", props["size"]) > props["size"]:
            raise LayoutError(f"{where}: 'min_size' is larger than 'size'")
        if props.get("max_lines", 1) not in (1, 2):
            raise LayoutError(f"{where}: 'max_lines' must be 1 or 2")
    if kind in ("header", "flag") and props.get("min_size", 0) > props.get("size", float("inf")):
        raise LayoutError(f"{where}: 'min_size' is larger than 'size'")
    if kind == "header" and props.get("max_lines", 2) not in (1, 2):
        raise LayoutError(f"{where}: 'max_lines' must be 1 or 2")
    if kind == "microtext":
        low, high = security.MICROTEXT_SIZES_PT
        if not low <= props.get("size", low) <= high:
            raise LayoutError(f"{where}: microtext 'size' must be {low} to {high} pt: smaller "
                              "does not print at 300 dpi, larger is not microtext")
    if kind == "guilloche":
        if props.get("line_mm", security.MIN_LINE_MM) < security.MIN_LINE_MM:
            raise LayoutError(f"{where}: 'line_mm' below {security.MIN_LINE_MM} mm does not print "
                              "on a 300 dpi card printer")
        if props.get("spacing_mm", 1.0) < 0.3:
            raise LayoutError(f"{where}: 'spacing_mm' must be at least 0.3")
        if not 50 <= props.get("lightness", 85) <= 97:
            raise LayoutError(f"{where}: 'lightness' (CIELAB L*) must be 50 to 97")
    if "overprint" in props and props.get("source") != "photo":
        raise LayoutError(f"{where}: only the photo carries an 'overprint'")
    if kind == "qr":
        if abs(w - h) > 0.01:
            raise LayoutError(f"{where}: the QR box must be square, got {w} x {h} mm")
        modules = qr.modules_for_length(qr.MAX_CODE_CHARS) + 2 * qr.QUIET_ZONE
        if w / modules < qr.MIN_MODULE_MM - 1e-9:
            raise LayoutError(
                f"{where}: a {w} mm QR box gives {w / modules:.3f} mm modules for a "
                f"{qr.MAX_CODE_CHARS}-character code; it needs at least "
                f"{modules * qr.MIN_MODULE_MM:.1f} mm for {qr.MIN_MODULE_MM} mm modules")
    return Element(kind, (x, y, w, h), props)


def _check_template(template: str, where: str) -> None:
    try:
        fields = [f for _, f, spec, conv in string.Formatter().parse(template) if f is not None]
    except ValueError as exc:
        raise LayoutError(f"{where}: bad text template {template!r}: {exc}") from None
    for name in fields:
        if name not in TEXT_FIELDS:
            raise LayoutError(f"{where}: unknown field {{{name}}} in text; known fields: "
                              f"{', '.join(sorted(TEXT_FIELDS))}")


def _overlaps(a: Element, b: Element) -> bool:
    ax, ay, aw, ah = a.box
    bx, by, bw, bh = b.box
    return ax < bx + bw - 0.01 and bx < ax + aw - 0.01 and ay < by + bh - 0.01 and by < ay + ah - 0.01


def _read(name_or_path, directory: Path, what: str) -> tuple[dict, str]:
    if isinstance(name_or_path, os.PathLike) or (isinstance(name_or_path, str) and (
            name_or_path.endswith(".json") or os.sep in name_or_path)):
        path = Path(name_or_path)
    else:
        if not isinstance(name_or_path, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name_or_path):
            raise LayoutError(f"unknown {what} {name_or_path!r}")
        path = directory / f"{name_or_path}.json"
        if not path.exists():
            known = ", ".join(sorted(p.stem for p in directory.glob("*.json")))
            raise LayoutError(f"unknown {what} {name_or_path!r}; known: {known}")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LayoutError(f"{what} file {path} does not exist") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise LayoutError(f"{what} {path.name}: not valid JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise LayoutError(f"{what} {path.name}: the document must be a JSON object")
    return doc, path.stem


def parse_layout(doc: dict, default_name: str = "layout") -> Layout:
    """Validate a layout document (already parsed JSON) and build a Layout."""
    name = doc.get("name", default_name)
    where = f"layout {name!r}"
    known = {"name", "title", "width_mm", "height_mm", "corner_radius_mm", "front", "back",
             "background", "description"}
    for key in doc:
        if key not in known:
            raise LayoutError(f"{where}: unknown key '{key}'")
    width = _num(doc, "width_mm", where, positive=True)
    height = _num(doc, "height_mm", where, positive=True)
    radius = _num(doc, "corner_radius_mm", where, required=False)
    background = doc.get("background", "#FFFFFF")
    if not isinstance(background, str) or not _COLOUR.match(background):
        raise LayoutError(f"{where}: 'background' must be #RRGGBB")
    sides = {}
    for side in ("front", "back"):
        items = doc.get(side, [])
        if side == "front" and not items:
            raise LayoutError(f"{where}: 'front' must list at least one element")
        if not isinstance(items, list):
            raise LayoutError(f"{where}: '{side}' must be a list of elements")
        sides[side] = tuple(_element(item, f"{where} {side}[{i}]", width, height)
                            for i, item in enumerate(items))
    if not any(e.type == "qr" for e in sides["front"]):
        raise LayoutError(f"{where}: the front needs a 'qr' element; doors scan every badge")
    for side, elements in sides.items():
        for sticker in (e for e in elements if e.type == "hologram"):
            if any(e.type == "qr" and _overlaps(sticker, e) for e in elements):
                raise LayoutError(f"{where} {side}: the hologram area overlaps the QR; a "
                                  "sticker's glare stops scanners")
    return Layout(name=str(name), title=str(doc.get("title", name)), width_mm=width,
                  height_mm=height, corner_radius_mm=radius, front=sides["front"],
                  back=sides["back"], background=background)


def load_layout(name_or_path) -> Layout:
    """A shipped layout by name (see list_layouts) or a JSON file by path."""
    if isinstance(name_or_path, Layout):
        return name_or_path
    doc, stem = _read(name_or_path, LAYOUT_DIR, "layout")
    return parse_layout(doc, stem)


def list_layouts() -> list[str]:
    return sorted(p.stem for p in LAYOUT_DIR.glob("*.json"))


def parse_sheet(doc: dict, default_name: str = "sheet") -> Sheet:
    name = doc.get("name", default_name)
    where = f"sheet {name!r}"
    numbers = ("page_width_mm", "page_height_mm", "cell_width_mm", "cell_height_mm",
               "margin_left_mm", "margin_top_mm", "pitch_x_mm", "pitch_y_mm", "offset_x_mm",
               "offset_y_mm", "back_offset_x_mm", "back_offset_y_mm")
    known = set(numbers) | {"name", "title", "columns", "rows", "cut_marks", "layout", "description"}
    for key in doc:
        if key not in known:
            raise LayoutError(f"{where}: unknown key '{key}'")
    values = {}
    for key in numbers:
        required = key in ("page_width_mm", "page_height_mm", "cell_width_mm", "cell_height_mm")
        values[key] = _num(doc, key, where, required=required, positive=required)
    for key in ("columns", "rows"):
        value = doc.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise LayoutError(f"{where}: '{key}' must be a whole number of at least 1")
        values[key] = value
    for axis, count, cell in (("x", "columns", "cell_width_mm"), ("y", "rows", "cell_height_mm")):
        pitch = f"pitch_{axis}_mm"
        if not values[pitch]:
            values[pitch] = values[cell]
        if values[count] > 1 and values[pitch] < values[cell] - 0.01:
            raise LayoutError(f"{where}: '{pitch}' {values[pitch]} is smaller than the cell, "
                              "so badges would overlap")
    right = values["margin_left_mm"] + (values["columns"] - 1) * values["pitch_x_mm"] + values["cell_width_mm"]
    bottom = values["margin_top_mm"] + (values["rows"] - 1) * values["pitch_y_mm"] + values["cell_height_mm"]
    if right > values["page_width_mm"] + 0.01 or bottom > values["page_height_mm"] + 0.01:
        raise LayoutError(f"{where}: {values['columns']} x {values['rows']} cells need "
                          f"{right:.1f} x {bottom:.1f} mm, more than the "
                          f"{values['page_width_mm']} x {values['page_height_mm']} mm page")
    cut_marks = doc.get("cut_marks", True)
    if not isinstance(cut_marks, bool):
        raise LayoutError(f"{where}: 'cut_marks' must be true or false")
    layout = doc.get("layout", "")
    if not isinstance(layout, str):
        raise LayoutError(f"{where}: 'layout' must be a layout name")
    return Sheet(name=str(name), title=str(doc.get("title", name)), cut_marks=cut_marks,
                 layout=layout, **values)


def fit_on_sheet(layout: Layout, sheet: Sheet) -> str | None:
    """How a layout goes into the sheet's cells: "upright" when it has the cell's size,
    "turned" when it fits the cell turned a quarter (a portrait card in a landscape
    card-label cell), None when it does not fit."""
    def same(a: float, b: float) -> bool:
        return abs(a - b) <= 0.05
    if same(layout.width_mm, sheet.cell_width_mm) and same(layout.height_mm, sheet.cell_height_mm):
        return "upright"
    if same(layout.width_mm, sheet.cell_height_mm) and same(layout.height_mm, sheet.cell_width_mm):
        return "turned"
    return None


def load_sheet(name_or_path) -> Sheet:
    """A shipped sheet by name (see list_sheets) or a JSON file by path."""
    if isinstance(name_or_path, Sheet):
        return name_or_path
    doc, stem = _read(name_or_path, SHEET_DIR, "sheet")
    return parse_sheet(doc, stem)


def list_sheets() -> list[str]:
    return sorted(p.stem for p in SHEET_DIR.glob("*.json"))
