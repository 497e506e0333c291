"""Bar charts drawn on the server as SVG, inline in the page: no script and nothing from another
origin (the Content-Security-Policy allows neither), readable without JavaScript and printable."""
from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup, escape

# Room around the plot for the legend (top), the day labels (bottom) and the counts (left).
_LEFT, _RIGHT, _TOP, _BOTTOM = 44, 12, 34, 40
#: At most this many day labels under the bars; the others are left out, not crowded.
_MOST_LABELS = 12


@dataclass(frozen=True)
class Series:
    """One kind of bar: its name in the legend, its CSS class (the colour), a value per label."""

    name: str
    css_class: str
    values: list[int]


def bar_chart(labels: list[str], series: list[Series], title: str, *, width: int = 760,
              height: int = 280) -> Markup:
    """Bars grouped per label (a day), a bar per series, on a scale of round numbers."""
    top, step = _scale(max((v for s in series for v in s.values), default=0))
    plot_w, plot_h = width - _LEFT - _RIGHT, height - _TOP - _BOTTOM
    base = _TOP + plot_h

    def y(value: float) -> float:
        return base - value / top * plot_h

    out = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
           f"<title>{escape(title)}</title>"]
    for tick in range(0, top + 1, step):
        out.append(f'<line class="grid" x1="{_LEFT}" x2="{width - _RIGHT}" y1="{y(tick):.1f}" '
                   f'y2="{y(tick):.1f}"/><text class="tick" x="{_LEFT - 6}" y="{y(tick) + 4:.1f}" '
                   f'text-anchor="end">{tick}</text>')
    slot = plot_w / max(len(labels), 1)
    bar = slot * 0.8 / max(len(series), 1)
    every = math.ceil(len(labels) / _MOST_LABELS) or 1
    for i, label in enumerate(labels):
        left = _LEFT + i * slot + slot * 0.1
        for j, kind in enumerate(series):
            value = kind.values[i]
            if value:
                out.append(f'<rect class="{kind.css_class}" x="{left + j * bar:.1f}" y="{y(value):.1f}" '
                           f'width="{bar:.1f}" height="{base - y(value):.1f}">'
                           f"<title>{escape(label)}: {value} {escape(kind.name.lower())}</title></rect>")
        if i % every == 0:
            out.append(f'<text class="label" x="{_LEFT + (i + 0.5) * slot:.1f}" y="{base + 16}" '
                       f'text-anchor="middle">{escape(label)}</text>')
    out.append(f'<line class="axis" x1="{_LEFT}" x2="{width - _RIGHT}" y1="{base}" y2="{base}"/>')
    x = _LEFT
    for kind in series:
        out.append(f'<rect class="{kind.css_class}" x="{x}" y="10" width="12" height="12"/>'
                   f'<text class="legend" x="{x + 17}" y="20">{escape(kind.name)}</text>')
        x += 24 + 7 * len(kind.name)
    out.append("</svg>")
    return Markup("".join(out))


def _scale(peak: int) -> tuple[int, int]:
    """The top of the scale and the step between its lines: 1, 2 or 5 times a power of ten, at
    most five steps, the top at or above `peak`."""
    power = 1
    while True:
        for step in (power, 2 * power, 5 * power):
            if math.ceil(max(peak, 1) / step) <= 5:
                return step * math.ceil(max(peak, 1) / step), step
        power *= 10
