"""Helpers shared by the badge renderer tests: sample badges, codes, QR reading."""
from __future__ import annotations

import random
from datetime import date

from badges import BadgeData


BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def make_code(seed: int, length: int = 114) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(BASE32) for _ in range(length))


def make_badge(seed: int = 0, **overrides) -> BadgeData:
    values = dict(
        code=make_code(seed), name="Ahmad Faizal bin Rahman", honorific="Brigadier General",
        position="Director of Strategic Assessment",
        organisation="Defence Intelligence Organisation", country_code="MY",
        country_name="Malaysia", category_code="D", category_name="Delegate",
        category_colour="#C8102E", zones=("1", "2", "3"), serial=f"B{seed:06d}",
        valid_from=date(2026, 3, 12), valid_to=date(2026, 3, 14),
    )
    values.update(overrides)
    return BadgeData(**values)


def decode_page(pdf, index: int, dpi: int = 150) -> list[str]:
    import zxingcpp

    image = pdf[index].render(scale=dpi / 72).to_pil()
    return [r.text for r in zxingcpp.read_barcodes(image)]


def page_chars(page) -> list[tuple[str, tuple[float, float, float, float], float]]:
    """Every character on a PDF page as (char, (left, bottom, right, top) in points, font size)."""
    import pypdfium2.raw as raw

    text = page.get_textpage()
    chars = []
    for i in range(text.count_chars()):
        ch = chr(raw.FPDFText_GetUnicode(text.raw, i))
        if ch.isspace() or ch == "\x00":
            continue
        chars.append((ch, text.get_charbox(i), raw.FPDFText_GetFontSize(text.raw, i)))
    return chars
