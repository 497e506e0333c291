"""Security printing on badges, all vector, so that a photocopy or a colour-printer copy
loses it: a guilloche background generated per event, microtext lines repeating the
holder's name and serial, a clear area for a holographic overlay sticker, and the serial
overprinted faintly across the photo's corner so a swapped photo shows.

Limits are set by the printers badges go through: a 300 dpi card printer puts down dots
of 0.085 mm, so no line is finer than that, and a 1.2 pt capital is four dots tall, the
least that still reads as letters under a loupe. Both are finer than an office copier or
a colour printer reproduces from a scan."""
from __future__ import annotations

import functools
import hashlib
import math
import random
import zlib

from . import colour, text
from .values import fill_template, ink

MM = 72 / 25.4
MIN_LINE_MM = 0.085  # one dot at 300 dpi
MICROTEXT_SIZES_PT = (1.2, 3.0)  # smaller does not print at 300 dpi; larger is not micro
PATTERNS = ("waves", "rosette")


def pattern_seed(*parts: object) -> str:
    """A stable seed from what identifies an event, so each event has its own pattern."""
    return hashlib.blake2b("\x1f".join(str(p) for p in parts).encode("utf-8"),
                           digest_size=16).hexdigest()


@functools.lru_cache(maxsize=64)
def guilloche_stream(seed: str, pattern: str, width: float, height: float, spacing: float,
                     line: float) -> bytes:
    """The guilloche's operators, Flate-compressed once per process."""
    return zlib.compress(guilloche_operators(seed, pattern, width, height, spacing, line).encode(), 9)


def guilloche_operators(seed: str, pattern: str, width: float, height: float,
                        spacing: float, line: float) -> str:
    """PDF path operators (stroke only, no colour) of a guilloche filling width x height
    points: interlaced sine curves ("waves") or a rosette of modulated rings. The same
    seed and size give the same pattern; the colour is set where the pattern is used."""
    rng = random.Random(seed)
    curves = _rosette(rng, width, height, spacing) if pattern == "rosette" else \
        _waves(rng, width, height, spacing)
    ops = [f"{line:.3f} w 1 J 1 j"]
    for points in curves:
        ops.append(_bezier_path(points))
    ops.append("S")
    return "\n".join(ops)


def _waves(rng: random.Random, width: float, height: float, spacing: float):
    """Two families of sine curves, one half a period behind the other, each curve's phase
    a step behind its neighbour's and its amplitude swelling slowly along the width."""
    wavelength = rng.uniform(7.0, 12.0) * MM
    swell = rng.uniform(30.0, 60.0) * MM
    amplitude = rng.uniform(1.3, 2.1) * spacing
    depth = rng.uniform(0.3, 0.6)
    step = rng.uniform(0.25, 0.6)
    phase, swell_phase = rng.uniform(0, 2 * math.pi), rng.uniform(0, 2 * math.pi)
    stretch = rng.uniform(1.04, 1.12)  # the second family drifts against the first
    samples = max(8, int(width / (wavelength / 6)) + 2)
    xs = [width * i / (samples - 1) for i in range(samples)]
    margin = amplitude * (1 + depth)
    count = int((height + 2 * margin) / spacing) + 1
    curves = []
    for family, (offset, length) in enumerate(((0.0, wavelength), (math.pi, wavelength * stretch))):
        for k in range(count):
            base = -margin + k * spacing + family * spacing / 2
            curves.append([(x, base + amplitude
                            * (1 + depth * math.sin(2 * math.pi * x / swell + swell_phase))
                            * math.sin(2 * math.pi * x / length + k * step + phase + offset)) for x in xs])
    return curves


def _rosette(rng: random.Random, width: float, height: float, spacing: float):
    """Rings around the centre whose radius waves with the angle; neighbouring rings
    are half a lobe apart, so their crossings draw a lace."""
    lobes = rng.randint(14, 26)
    amplitude = rng.uniform(1.2, 2.0) * spacing
    twist = rng.uniform(0.0, math.pi / lobes)
    cx, cy = width / 2, height / 2
    outer = math.hypot(width, height) / 2
    inner = rng.uniform(0.12, 0.2) * min(width, height)
    rings = int((outer - inner) / spacing) + 1
    samples = lobes * 6 + 1
    curves = []
    for ring in range(rings):
        radius = inner + ring * spacing
        shift = twist * ring + (math.pi / lobes if ring % 2 else 0.0)
        points = []
        for i in range(samples):
            angle = 2 * math.pi * i / (samples - 1)
            r = radius + amplitude * math.sin(lobes * angle + shift)
            points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
        curves.append(points)
    return curves


def _bezier_path(points) -> str:
    """A smooth curve through the points (Catmull-Rom as cubic Beziers)."""
    n = len(points)
    # A tenth of a point (0.035 mm) is finer than any printer places a line.
    parts = [f"{points[0][0]:.1f} {points[0][1]:.1f} m"]
    for i in range(n - 1):
        p0 = points[i - 1] if i > 0 else points[i]
        p1, p2 = points[i], points[i + 1]
        p3 = points[i + 2] if i + 2 < n else p2
        c1 = (p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6)
        c2 = (p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6)
        parts.append(f"{c1[0]:.1f} {c1[1]:.1f} {c2[0]:.1f} {c2[1]:.1f} {p2[0]:.1f} {p2[1]:.1f} c")
    return "\n".join(parts)


# --- drawing ---------------------------------------------------------------------

def draw_guilloche(run, el, x, y, w, h, badge, values) -> None:
    """The event's pattern in the category colour, screened to a low-contrast lightness;
    its curves are made once per PDF and every badge places them."""
    event = run.event
    seed = event.pattern_seed or pattern_seed(event.name, event.starts_on, event.ends_on)
    pattern = el.get("pattern", "waves")
    spacing = el.get("spacing_mm", 1.2) * MM
    line = el.get("line_mm", 0.1) * MM
    key = ("guilloche", seed, pattern, round(w, 2), round(h, 2), spacing, line)

    def build(name: str) -> bool:  # the form's box clips the curves
        run.define_form(name, guilloche_stream(*key[1:]), w, h)
        return True
    form = run.form(key, build)
    spec = el.get("colour", "category")
    base = badge.category_colour if spec in ("category", "on-category") else spec
    r, g, b = colour.at_lightness(base, el.get("lightness", 85))
    run.draw_form(form, x, y, 1, 1, prefix=f"{r:.3f} {g:.3f} {b:.3f} RG ")


def draw_microtext(run, el, x, y, w, h, badge, values) -> None:
    """Lines of the template (the holder's name and serial by default) repeated edge to
    edge of the box, as text, at a size a copier cannot hold."""
    content = fill_template(el.get("text", "{name} \u00b7 {serial}"), values)
    if not content:
        return
    size = el.get("size", 1.6)
    pitch = size * 1.3
    lines = max(1, int((h + 0.01) // pitch))
    runs, missing = text.layout_runs(content)
    if missing:
        run.note_missing(badge.label, missing)
    line = _repeated(runs, text.layout_runs(_SEPARATOR)[0], w / size)
    if line is None:  # one name longer than the box: cut it, no spacing
        fitted = text.fit_text(content, w, pitch, size=size, min_size=size)
        line = list(fitted.lines[0].runs) if fitted.lines else []
    natural = sum(r.width for r in line) * size
    glyphs = sum(_glyph_count(r.text) for r in line)
    spacing = max(0.0, (w - natural) / glyphs) if glyphs else 0.0
    ascent, descent = text.font_metrics(text.font_name("latin", False))
    c = run.canvas
    c.setFillColorRGB(*ink(el, "colour", badge, default=(0.23, 0.27, 0.31)))
    block = (lines - 1) * pitch + size * (ascent - descent) / 1000
    baseline = y + (h + block) / 2 - size * ascent / 1000
    # Every line is the same: encode it once, then repeat its operators a line lower each
    # time (T* with the pitch as leading) instead of encoding it again for every line.
    t = c.beginText(x, baseline)
    t.setCharSpace(spacing)
    start = len(t._code)
    for r in line:
        t.setFont(r.font, size, leading=pitch)
        t.textOut(r.text)
    t._code[start:] = (t._code[start:] + ["T*"]) * lines
    t.setCharSpace(0)
    c.drawText(t)


_SEPARATOR = " \u00b7 "


def _repeated(runs, separator, width: float):
    """`runs`, `separator`, `runs` ... as many times as fit `width` (at 1 pt); None when
    not even one does. Runs are reused, not shaped again, and unshaped neighbours in one
    font are joined, so a Latin line is a single string."""
    unit = sum(r.width for r in runs)
    gap = sum(r.width for r in separator)
    if unit <= 0 or unit > width:
        return None
    count = max(1, int((width + gap) // (unit + gap)))
    line: list = []
    for i in range(count):
        for r in (separator + runs if i else runs):
            last = line[-1] if line else None
            if (last is not None and last.font == r.font and type(last.text) is str
                    and type(r.text) is str):
                line[-1] = text.Run(last.text + r.text, r.font, last.width + r.width, r.script)
            else:
                line.append(r)
    return line


def _glyph_count(shown) -> int:
    data = getattr(shown, "__shapeData__", None)
    return len(data) if data is not None else len(shown)


def draw_hologram(run, el, x, y, w, h, badge, values) -> None:
    """A clear area where the holographic overlay sticker goes: nothing printed under
    it, a fine dashed outline so the desk places the sticker where it belongs."""
    c = run.canvas
    c.saveState()
    c.setFillColorRGB(1, 1, 1)
    c.setStrokeColorRGB(*ink(el, "stroke", badge, default=(0.62, 0.65, 0.69)))
    c.setLineWidth(0.3)
    c.setDash(1.2, 1.0)
    if el.get("shape", "circle") == "circle":
        r = min(w, h) / 2
        c.circle(x + w / 2, y + h / 2, r - 0.15, stroke=1, fill=1)
    else:
        c.roundRect(x + 0.15, y + 0.15, w - 0.3, h - 0.3, min(w, h) * 0.12, stroke=1, fill=1)
    c.restoreState()


def draw_overprint(run, content: str, x, y, w, h, size: float) -> None:
    """The badge serial faintly across the photo's lower-right corner: a photo cut out
    and replaced loses it, or shows it broken at the edge."""
    if not content:
        return
    reach = min(w, h) * 0.62 * math.sqrt(2)  # the diagonal from the bottom edge to the right edge
    line = _repeated(text.layout_runs(content)[0], text.layout_runs("  ")[0], (reach - 2 * size) / size)
    if not line:
        return
    length = sum(r.width for r in line) * size
    c = run.canvas
    c.saveState()
    clip = c.beginPath()
    clip.rect(x, y, w, h)
    c.clipPath(clip, stroke=0, fill=0)
    c.translate(x + w - reach / math.sqrt(2), y)
    c.rotate(45)
    c.setFillColorRGB(1, 1, 1)
    c.setFillAlpha(0.6)
    c.setStrokeColorRGB(0.1, 0.12, 0.15)
    c.setStrokeAlpha(0.45)
    c.setLineWidth(0.15)
    t = c.beginText((reach - length) / 2, size * 0.45)
    t.setTextRenderMode(2)
    for r in line:
        t.setFont(r.font, size)
        t.textOut(r.text)
    c.drawText(t)
    c.restoreState()
