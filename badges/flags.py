"""Country flags on badges: the vendored flag-icons SVGs (`badges/flags/`, MIT, 4:3) read
once per process into ReportLab drawings with svglib, then put into each PDF once as a
form XObject that every badge of that delegation reuses."""
from __future__ import annotations

import copy
import functools
import io
import logging
import re
import threading
import zlib
from pathlib import Path

from lxml import etree

log = logging.getLogger(__name__)

FLAG_DIR = Path(__file__).parent / "flags"
# flag-icons draws every 4x3 flag in a 640 x 480 view box.
FLAG_WIDTH, FLAG_HEIGHT = 640.0, 480.0
_CODE = re.compile(r"[A-Za-z]{2}\Z")
_SVG = "{http://www.w3.org/2000/svg}"
_MARKER_REF = re.compile(r"url\(#([^)]+)\)")
_lock = threading.Lock()


def flag_file(code: str) -> Path | None:
    """The vendored SVG of an ISO 3166 alpha-2 code, or None if there is none."""
    if not code or not _CODE.match(code):
        return None
    path = FLAG_DIR / f"{code.lower()}.svg"
    return path if path.exists() else None


def available_flags() -> list[str]:
    """Upper-case codes of every vendored flag."""
    return sorted(p.stem.upper() for p in FLAG_DIR.glob("??.svg"))


@functools.lru_cache(maxsize=None)
def flag_drawing(code: str):
    """The flag as a ReportLab Drawing in its 640 x 480 box, parsed once per process;
    None when there is no flag for `code` or it cannot be read."""
    path = flag_file(code)
    if path is None:
        return None
    from svglib.svglib import svg2rlg
    try:
        svg = expand_markers(path.read_bytes())
        with _lock:  # svglib keeps parser state on module objects
            drawing = svg2rlg(io.BytesIO(svg))
    except Exception as exc:  # a broken vendored file must not stop a print run
        log.warning("flag %s cannot be read: %s", code, exc)
        return None
    if drawing is None or not drawing.contents:
        return None
    return drawing


@functools.lru_cache(maxsize=None)
def flag_stream(code: str) -> tuple[bytes, dict[str, tuple]] | None:
    """The flag's PDF drawing operators, Flate-compressed, and the graphics states they
    name; made once per process, since drawing a coat of arms through ReportLab takes
    tens of milliseconds and copying its bytes into the next PDF almost nothing. None when
    there is no flag."""
    drawing = flag_drawing(code)
    if drawing is None:
        return None
    from reportlab.graphics import renderPDF
    from reportlab.pdfgen.canvas import Canvas
    scratch = Canvas(io.BytesIO(), pagesize=(FLAG_WIDTH, FLAG_HEIGHT))
    scratch.beginForm("scratch", 0, 0, FLAG_WIDTH, FLAG_HEIGHT)
    scratch.saveState()
    scratch.scale(FLAG_WIDTH / drawing.width, FLAG_HEIGHT / drawing.height)
    renderPDF.draw(drawing, scratch, 0, 0, showBoundary=False)
    scratch.restoreState()
    states = {name: state for state, name in scratch._extgstate._c.items()}
    # Clip to the flag's own box (flag-icons draws some shapes past it), and drop the
    # empty text blocks ReportLab opens, which name a font the form does not carry.
    ops = "\n".join(line for line in scratch._code if not _EMPTY_TEXT.fullmatch(line))
    return zlib.compress(f"0 0 {FLAG_WIDTH:g} {FLAG_HEIGHT:g} re W n\n{ops}".encode("latin-1"), 9), states


_EMPTY_TEXT = re.compile(r"BT /F\d+ [\d.]+ Tf [\d.]+ TL ET")


# --- markers ---------------------------------------------------------------
# svglib ignores <marker>; flag-icons places the stars of the United States (and its
# Minor Outlying Islands) as markers on the vertices of one path. Copy each marker's
# content to the vertices it marks, which is what an SVG renderer draws.

def expand_markers(svg: bytes) -> bytes:
    """The SVG with every marker-start/mid/end replaced by copies of the marker's content."""
    if b"marker" not in svg:
        return svg
    root = etree.fromstring(svg)
    markers = {m.get("id"): m for m in root.iter(f"{_SVG}marker")}
    for element in list(root.iter(f"{_SVG}path")):
        uses = {key: element.attrib.pop(key) for key in ("marker-start", "marker-mid", "marker-end")
                if key in element.attrib}
        if not uses:
            continue
        vertices = path_vertices(element.get("d", ""))
        group = etree.Element(f"{_SVG}g")
        for key, ref in uses.items():
            match = _MARKER_REF.match(ref.strip())
            marker = markers.get(match.group(1)) if match else None
            if marker is None or not vertices:
                continue
            points = {"marker-start": vertices[:1], "marker-end": vertices[-1:],
                      "marker-mid": vertices[1:-1]}[key]
            ref_x, ref_y = float(marker.get("refX", 0)), float(marker.get("refY", 0))
            angle = marker.get("orient", "0")
            rotate = f" rotate({float(angle)})" if re.fullmatch(r"-?[\d.]+", angle) else ""
            for x, y in points:
                placed = etree.SubElement(group, f"{_SVG}g")
                placed.set("transform", f"translate({x:g} {y:g}){rotate} translate({-ref_x:g} {-ref_y:g})")
                for child in marker:
                    placed.append(copy.deepcopy(child))
        element.addnext(group)
    for marker in markers.values():
        marker.getparent().remove(marker)
    return etree.tostring(root)


_ARGS = {"m": 2, "l": 2, "h": 1, "v": 1, "c": 6, "s": 4, "q": 4, "t": 2, "a": 7, "z": 0}


def path_vertices(d: str) -> list[tuple[float, float]]:
    """The absolute end point of every segment of an SVG path, the start point included."""
    from svglib.utils import normalise_svg_path
    ops = normalise_svg_path(d)
    points: list[tuple[float, float]] = []
    x = y = start_x = start_y = 0.0
    for op, args in zip(ops[0::2], ops[1::2]):
        kind, relative = op.lower(), op.islower()
        count = _ARGS.get(kind)
        if count is None or len(args) != count:
            continue
        if kind == "z":
            x, y = start_x, start_y
        elif kind == "h":
            x = x + args[0] if relative else args[0]
        elif kind == "v":
            y = y + args[0] if relative else args[0]
        else:
            end_x, end_y = args[-2], args[-1]
            x, y = (x + end_x, y + end_y) if relative else (end_x, end_y)
        if kind == "m":
            start_x, start_y = x, y
        points.append((x, y))
    return points
