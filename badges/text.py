"""Text on badges in every script ASEAN delegates use: clean and normalise,
split into script runs with a vendored font each, shape with HarfBuzz, order
right-to-left runs, and fit the result into a box without ever overflowing."""
from __future__ import annotations

import functools
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapedStr, TTFont, shapeStr

FONT_DIR = Path(__file__).parent / "fonts"

# script -> (regular file, bold file). Droid Sans Fallback has no bold cut.
FONT_FILES: dict[str, tuple[str, str]] = {
    "latin": ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
    "thai": ("NotoSansThai-Regular.ttf", "NotoSansThai-Bold.ttf"),
    "lao": ("NotoSansLao-Regular.ttf", "NotoSansLao-Bold.ttf"),
    "khmer": ("NotoSansKhmer-Regular.ttf", "NotoSansKhmer-Bold.ttf"),
    "myanmar": ("NotoSansMyanmar-Regular.ttf", "NotoSansMyanmar-Bold.ttf"),
    "arabic": ("NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf"),
    "cjk": ("DroidSansFallbackFull.ttf", "DroidSansFallbackFull.ttf"),
}
# Order in which fonts are tried for a character its own script's font lacks.
FALLBACK_ORDER = ("latin", "cjk", "thai", "lao", "khmer", "myanmar", "arabic")

# (first, last, script); anything not listed is "common" and joins its neighbours.
_SCRIPT_RANGES = (
    (0x0600, 0x06FF, "arabic"), (0x0750, 0x077F, "arabic"), (0x08A0, 0x08FF, "arabic"),
    (0xFB50, 0xFDFF, "arabic"), (0xFE70, 0xFEFF, "arabic"),
    (0x0E00, 0x0E7F, "thai"), (0x0E80, 0x0EFF, "lao"),
    (0x1000, 0x109F, "myanmar"), (0xA9E0, 0xA9FF, "myanmar"), (0xAA60, 0xAA7F, "myanmar"),
    (0x1780, 0x17FF, "khmer"), (0x19E0, 0x19FF, "khmer"),
    (0x2E80, 0x2FDF, "cjk"), (0x3040, 0x30FF, "cjk"), (0x3100, 0x312F, "cjk"),
    (0x3190, 0x31FF, "cjk"), (0x3400, 0x4DBF, "cjk"), (0x4E00, 0x9FFF, "cjk"),
    (0xF900, 0xFAFF, "cjk"), (0xFF00, 0xFFEF, "cjk"), (0x3000, 0x303F, "cjk"),
    (0x20000, 0x3134F, "cjk"),
    (0x0041, 0x005A, "latin"), (0x0061, 0x007A, "latin"), (0x00C0, 0x024F, "latin"),
    (0x1E00, 0x1EFF, "latin"), (0x0370, 0x03FF, "latin"), (0x0400, 0x04FF, "latin"),
)
RTL_SCRIPTS = frozenset({"arabic"})
# Joiners shape Arabic and Indic clusters; keep them, drop every other format character.
_KEEP_FORMAT = frozenset("\u200c\u200d")
ELLIPSIS = "\u2026"
MAX_TEXT_CHARS = 300  # longer input is cut before shaping; nothing that long fits a badge


@functools.lru_cache(maxsize=4096)
def script_of(ch: str) -> str | None:
    cp = ord(ch)
    for first, last, script in _SCRIPT_RANGES:
        if first <= cp <= last:
            return script
    if unicodedata.category(ch).startswith("M"):
        return "inherit"
    return None


_font_lock = threading.Lock()
# Our own registry of the fonts registered here. Asking ReportLab for a name it does not
# know (pdfmetrics.getFont) starts a search of the disk for AFM files, about 0.3 s per
# font in every new process; this dict answers "registered yet?" without it.
_registered: dict[str, TTFont] = {}


@functools.lru_cache(maxsize=None)
def font_name(script: str, bold: bool) -> str:
    """Register the vendored font for a script once and return its ReportLab name."""
    filename = FONT_FILES[script][1 if bold else 0]
    name = "Lanyard-" + filename[:-4]
    with _font_lock:
        if name not in _registered:
            font = TTFont(name, str(FONT_DIR / filename))
            pdfmetrics.registerFont(font)
            _registered[name] = font
    return name


def load_all_fonts() -> None:
    """Register every script's fonts now, e.g. once in each worker of a print run."""
    for script in FONT_FILES:
        for bold in (False, True):
            font_name(script, bold)


def _font(fontname: str):
    return _registered.get(fontname) or pdfmetrics.getFont(fontname)


@functools.lru_cache(maxsize=None)
def _cmap(fontname: str) -> dict:
    return _font(fontname).face.charToGlyph


def has_glyph(script: str, bold: bool, ch: str) -> bool:
    return ord(ch) in _cmap(font_name(script, bold))


@functools.lru_cache(maxsize=None)
def font_metrics(fontname: str) -> tuple[float, float]:
    """(ascent, descent) per 1000 units of font size; descent is negative."""
    face = _font(fontname).face
    return face.ascent, face.descent


@functools.lru_cache(maxsize=8192)  # a run repeats its categories, ranks and dates
def clean(text: str | None) -> str:
    """NFC, no control or stray format characters, single spaces, bounded length."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", str(text)[: MAX_TEXT_CHARS * 2])
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if ch in "\t\n\r\u2028\u2029" or cat == "Zs":
            out.append(" ")
        elif cat in ("Cc", "Cs", "Co", "Cn") or (cat == "Cf" and ch not in _KEEP_FORMAT):
            continue
        else:
            out.append(ch)
    return " ".join("".join(out).split())[:MAX_TEXT_CHARS]


@dataclass(frozen=True)
class Run:
    """A stretch of text in one font, shaped, in visual order within its line."""

    text: str  # what is drawn: a ShapedStr when HarfBuzz changed anything
    font: str
    width: float  # advance at 1 pt
    script: str


@functools.lru_cache(maxsize=20000)
def shape(text: str, fontname: str) -> tuple[str, float]:
    """Shape once per (text, font); HarfBuzz advances do not depend on size,
    so the result is drawn and measured at any size."""
    shaped = shapeStr(text, fontname, 1000)
    if isinstance(shaped, ShapedStr):
        width = sum(sd.x_advance for sd in shaped.__shapeData__) / 1000.0
    else:
        width = pdfmetrics.stringWidth(shaped, fontname, 1)
    return shaped, width


def _pick_script(ch: str, current: str | None, bold: bool, missing: list) -> str | None:
    script = script_of(ch)
    if script == "inherit" or script is None:
        if current and has_glyph(current, bold, ch):
            return current
        script = "latin" if script is None else (current or "latin")
    if has_glyph(script, bold, ch):
        return script
    for other in FALLBACK_ORDER:
        if other != script and has_glyph(other, bold, ch):
            return other
    missing.append(ch)
    return None


@functools.lru_cache(maxsize=8192)
def _logical_runs(text: str, bold: bool) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    missing: list[str] = []
    runs: list[list] = []  # [script, text]
    current = None
    for ch in text:
        script = _pick_script(ch, current, bold, missing)
        if script is None:
            continue
        # European digits keep left-to-right order inside Arabic text.
        if current in RTL_SCRIPTS and ch.isdigit() and ord(ch) < 128:
            script = "latin"
        if script == current and runs:
            runs[-1][1] += ch
        else:
            runs.append([script, ch])
            current = script
    return tuple((s, t) for s, t in runs), tuple(missing)


def layout_runs(text: str, bold: bool = False) -> tuple[list[Run], tuple[str, ...]]:
    """Cleaned text -> runs in visual order, plus the characters no font has."""
    logical, missing = _logical_runs(text, bold)
    if any(s in RTL_SCRIPTS for s, _ in logical):
        logical = _bidi_order(list(logical))
    runs = []
    for script, chunk in logical:
        fname = font_name(script, bold)
        shaped, width = shape(chunk, fname)
        runs.append(Run(shaped, fname, width, script))
    return runs, missing


def _bidi_order(logical: list[tuple[str, str]]) -> list[tuple[str, str]]:
    # Spaces at the edge of an Arabic run belong between runs, not inside the
    # right-to-left shaping, or they end up on the wrong side.
    split: list[tuple[str, str]] = []
    for script, chunk in logical:
        if script in RTL_SCRIPTS:
            lead = len(chunk) - len(chunk.lstrip(" "))
            trail = len(chunk) - len(chunk.rstrip(" "))
            if lead:
                split.append(("latin", " " * lead))
            core = chunk.strip(" ")
            if core:
                split.append((script, core))
            if trail:
                split.append(("latin", " " * trail))
        else:
            split.append((script, chunk))
    first_strong = next((s for s, t in split if t.strip() and s != "latin" or
                         (s == "latin" and any(c.isalpha() for c in t))), None)
    if first_strong in RTL_SCRIPTS:
        split.reverse()  # right-to-left paragraph: runs read from the right
    return split


@dataclass(frozen=True)
class Line:
    runs: tuple[Run, ...]
    width: float  # at 1 pt


@dataclass(frozen=True)
class FittedText:
    """Text fitted to a box: every line is at most box width, all lines fit its height."""

    lines: tuple[Line, ...]
    size: float
    leading: float
    ascent: float  # of the tallest font used, at `size`
    descent: float  # negative
    truncated: bool
    missing: tuple[str, ...]

    @property
    def height(self) -> float:
        return self.ascent - self.descent + (len(self.lines) - 1) * self.leading


def _line(runs: list[Run]) -> Line:
    return Line(tuple(runs), sum(r.width for r in runs))


def _extent(lines: list[Line], leading_factor: float) -> tuple[float, float]:
    """(ascent, descent) per 1 pt of the fonts in the lines."""
    asc, desc = 0.0, 0.0
    for line in lines:
        for r in line.runs:
            a, d = font_metrics(r.font)
            asc, desc = max(asc, a / 1000), min(desc, d / 1000)
    if not lines or (asc == 0 and desc == 0):
        asc, desc = 1.069, -0.293  # Noto Sans
    return asc, desc


def _height_at(lines, size, leading_factor):
    asc, desc = _extent(lines, leading_factor)
    return size * (asc - desc) + (len(lines) - 1) * size * leading_factor


def _two_line_split(text: str, bold: bool):
    """Best break into two lines (the widest line as narrow as possible)."""
    words = text.split(" ")
    if len(words) < 2:
        return None
    best = None
    for i in range(1, len(words)):
        first = " ".join(words[:i])
        second = " ".join(words[i:])
        l1 = _line(layout_runs(first, bold)[0])
        l2 = _line(layout_runs(second, bold)[0])
        widest = max(l1.width, l2.width)
        if best is None or widest < best[0]:
            best = (widest, l1, l2, first, second)
    return best


def _truncate(text: str, bold: bool, max_width: float) -> Line:
    """Longest prefix (at a character) plus an ellipsis that fits max_width at 1 pt."""
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _line(layout_runs(text[:mid].rstrip() + ELLIPSIS, bold)[0]).width <= max_width:
            lo = mid
        else:
            hi = mid - 1
    return _line(layout_runs(text[:lo].rstrip() + ELLIPSIS, bold)[0])


@functools.lru_cache(maxsize=8192)  # the same label in the same box fits the same way
def fit_text(text: str, width: float, height: float, *, size: float, min_size: float,
             max_lines: int = 1, bold: bool = False, leading: float = 1.15) -> FittedText:
    """Fit cleaned text into width x height points: the largest size up to `size`
    on one line; below `min_size`, two lines; still too long, cut with an ellipsis.
    The result never exceeds the box."""
    runs, missing = layout_runs(text, bold)
    one = _line(runs)
    asc, desc = _extent([one], leading)
    by_height = height / (asc - desc)
    if one.width <= 0:
        return FittedText((), size, size * leading, asc * size, desc * size, False, missing)
    s = min(size, width / one.width, by_height)
    if s >= min_size:
        return _fitted([one], s, leading, False, missing)
    if max_lines >= 2:
        split = _two_line_split(text, bold)
        if split:
            widest, l1, l2, first, second = split
            lines = [l1, l2]
            per_pt = _height_at(lines, 1, leading)
            s = min(size, width / widest, height / per_pt)
            if s >= min_size:
                return _fitted(lines, s, leading, False, missing)
            # Two lines at the minimum size; cut whichever line still overflows.
            s = min(min_size, height / per_pt)
            limit = width / s
            l1 = l1 if l1.width <= limit else _truncate(first, bold, limit)
            l2 = l2 if l2.width <= limit else _truncate(second, bold, limit)
            return _fitted([l1, l2], s, leading, True, missing)
        if max_lines >= 2 and len(text) > 1:
            # One long word: break it by characters over two lines.
            s = min(min_size, height / _height_at([one, one], 1, leading))
            limit = width / s
            count = _prefix_that_fits(text, bold, limit)
            first, rest = text[:count], text[count:]
            lines = [_line(layout_runs(first, bold)[0])]
            if rest:
                l2 = _line(layout_runs(rest, bold)[0])
                lines.append(l2 if l2.width <= limit else _truncate(rest, bold, limit))
            return _fitted(lines, s, leading, True, missing)
    s = min(min_size, by_height)
    return _fitted([_truncate(text, bold, width / s)], s, leading, True, missing)


def _prefix_that_fits(text: str, bold: bool, max_width: float) -> int:
    lo, hi = 1, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _line(layout_runs(text[:mid], bold)[0]).width <= max_width:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _fitted(lines, s, leading, truncated, missing) -> FittedText:
    asc, desc = _extent(lines, leading)
    return FittedText(tuple(lines), s, s * leading, asc * s, desc * s, truncated, missing)


def draw_fitted(canvas, fitted: FittedText, x: float, y: float, width: float, height: float,
                align: str = "center", valign: str = "middle") -> None:
    """Draw fitted text in the box whose lower-left corner is (x, y)."""
    if not fitted.lines:
        return
    s = fitted.size
    block = fitted.height
    if valign == "top":
        top = y + height
    elif valign == "bottom":
        top = y + block
    else:
        top = y + (height + block) / 2
    baseline = top - fitted.ascent
    for line in fitted.lines:
        w = line.width * s
        if align == "left":
            cx = x
        elif align == "right":
            cx = x + width - w
        else:
            cx = x + (width - w) / 2
        for run in line.runs:
            canvas.setFont(run.font, s)
            canvas.drawString(cx, baseline, run.text)
            cx += run.width * s
        baseline -= fitted.leading
