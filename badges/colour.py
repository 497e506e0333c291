"""Colours on badges: parsing, the ink that reads on a colour, light tints for security
backgrounds, and how different two colours look (CIEDE2000), also to people with the
common colour-vision deficiencies, so an admin is told when two categories look alike."""
from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from typing import Iterable

RGB = tuple[float, float, float]
_HEX = re.compile(r"#?([0-9A-Fa-f]{6})\Z")

# Below this CIEDE2000 difference two badge colours read as the same colour at a glance
# (2.3 is the just-noticeable difference; around 10, two reds are told apart only side by
# side). Chosen so that UN-practice families (two reds, two greens) fall below it.
NEAR_COLOUR_DELTA_E = 10.0

# Machado, Oliveira and Fernandes (2009), severity 1.0, applied to linear RGB.
_DEFICIENCIES: dict[str, tuple[tuple[float, float, float], ...]] = {
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216),
                   (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413),
                     (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602),
                   (0.004733, 0.691367, 0.303900)),
}
VISIONS = ("normal", *_DEFICIENCIES)


def parse_hex(value: str | None) -> RGB | None:
    """'#C8102E' -> (0.78, 0.06, 0.18); None for anything else."""
    match = _HEX.match(value or "")
    if not match:
        return None
    v = int(match.group(1), 16)
    return ((v >> 16) & 255) / 255, ((v >> 8) & 255) / 255, (v & 255) / 255


def _linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _gamma(c: float) -> float:
    c = min(max(c, 0.0), 1.0)
    return c * 12.92 if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


def luminance(rgb: RGB) -> float:
    r, g, b = (_linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: RGB, b: RGB) -> float:
    """WCAG contrast ratio, 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def ink_on(rgb: RGB) -> RGB:
    """Black or white, whichever has the higher contrast on `rgb`."""
    black, white = (0.0, 0.0, 0.0), (1.0, 1.0, 1.0)
    return black if contrast_ratio(rgb, black) >= contrast_ratio(rgb, white) else white


def tint(rgb: RGB, strength: float) -> RGB:
    """`rgb` printed at `strength` (0 white, 1 full colour), as a screen would print it."""
    return tuple(1 - strength * (1 - c) for c in rgb)  # type: ignore[return-value]


def simulate(rgb: RGB, vision: str) -> RGB:
    """How `rgb` looks to someone with `vision` (one of VISIONS)."""
    if vision == "normal":
        return rgb
    lin = [_linear(c) for c in rgb]
    rows = _DEFICIENCIES[vision]
    return tuple(_gamma(sum(m * c for m, c in zip(row, lin))) for row in rows)  # type: ignore


def lab(rgb: RGB) -> tuple[float, float, float]:
    """sRGB (D65) -> CIELAB."""
    r, g, b = (_linear(c) for c in rgb)
    x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29
    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def ciede2000(lab1: tuple[float, float, float], lab2: tuple[float, float, float]) -> float:
    """CIEDE2000 colour difference (Sharma, Wu and Dalal 2005), kL = kC = kH = 1."""
    l1, a1, b1 = lab1
    l2, a2, b2 = lab2
    c_mean = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_mean ** 7 / (c_mean ** 7 + 25 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0
    dl, dc = l2 - l1, c2p - c1p
    if c1p * c2p == 0:
        dh = 0.0
    elif abs(h2p - h1p) <= 180:
        dh = h2p - h1p
    else:
        dh = h2p - h1p - 360 if h2p > h1p else h2p - h1p + 360
    dH = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))
    l_mean, cp_mean = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        h_mean = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_mean = (h1p + h2p) / 2
    else:
        h_mean = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t = (1 - 0.17 * math.cos(math.radians(h_mean - 30)) + 0.24 * math.cos(math.radians(2 * h_mean))
         + 0.32 * math.cos(math.radians(3 * h_mean + 6))
         - 0.20 * math.cos(math.radians(4 * h_mean - 63)))
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / math.sqrt(20 + (l_mean - 50) ** 2)
    s_c = 1 + 0.045 * cp_mean
    s_h = 1 + 0.015 * cp_mean * t
    r_c = 2 * math.sqrt(cp_mean ** 7 / (cp_mean ** 7 + 25 ** 7))
    r_t = -r_c * math.sin(math.radians(60 * math.exp(-(((h_mean - 275) / 25) ** 2))))
    return math.sqrt((dl / s_l) ** 2 + (dc / s_c) ** 2 + (dH / s_h) ** 2
                     + r_t * (dc / s_c) * (dH / s_h))


def colour_difference(first: str, second: str, vision: str = "normal") -> float:
    """CIEDE2000 between two '#RRGGBB' colours as someone with `vision` sees them."""
    a, b = parse_hex(first), parse_hex(second)
    if a is None or b is None:
        raise ValueError(f"not #RRGGBB colours: {first!r}, {second!r}")
    return ciede2000(lab(simulate(a, vision)), lab(simulate(b, vision)))


@dataclass(frozen=True)
class NearColour:
    """Another category whose colour looks nearly the same to people with `vision`."""

    label: str
    colour: str
    vision: str
    delta_e: float


def near_colours(colour: str, others: Iterable[tuple[str, str]], *, vision: str = "normal",
                 threshold: float = NEAR_COLOUR_DELTA_E) -> list[NearColour]:
    """The (label, '#RRGGBB') in `others` closer than `threshold` to `colour`, closest first."""
    found = [NearColour(label, other, vision, colour_difference(colour, other, vision))
             for label, other in others]
    return sorted((n for n in found if n.delta_e < threshold), key=lambda n: n.delta_e)


GREY: RGB = (0.47, 0.47, 0.47)


def resolve(spec: str | None, category: str, default: RGB = (0.0, 0.0, 0.0)) -> RGB:
    """A layout colour ('#RRGGBB', 'category' or 'on-category') for a badge of `category`."""
    if not spec:
        return default
    if spec in ("category", "on-category"):
        base = parse_hex(category) or GREY
        return base if spec == "category" else ink_on(base)
    return parse_hex(spec) or default


@functools.lru_cache(maxsize=256)
def at_lightness(colour: str, lightness: float) -> RGB:
    """`colour` screened towards white until its CIELAB lightness is `lightness`: the
    same low contrast for a dark red and a yellow category. A colour already that light
    is kept as it is."""
    rgb = parse_hex(colour) or GREY
    if lab(rgb)[0] >= lightness:
        return rgb
    low, high = 0.0, 1.0  # tint strength: lightness falls as strength rises
    for _ in range(24):
        mid = (low + high) / 2
        if lab(tint(rgb, mid))[0] > lightness:
            low = mid
        else:
            high = mid
    return tint(rgb, low)
