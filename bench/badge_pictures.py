"""Pictures of the badges for the README: front and back of every shipped stock, one
sample delegate, a generated crest as the event's logo. Rerun after changing a layout:

    python bench/badge_pictures.py [--out docs/badges] [--dpi 200]
"""
from __future__ import annotations

import argparse
import io
import math
import random
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image, ImageDraw  # noqa: E402

from badges import BadgeData, EventInfo, list_layouts, render_badges  # noqa: E402

EVENT = EventInfo(
    name="22nd ASEAN Military Intelligence Meeting", short_name="AMIM 22",
    venue="Kuala Lumpur Convention Centre", starts_on=date(2026, 3, 12), ends_on=date(2026, 3, 14),
    zone_legend=(("1", "Plenary hall"), ("2", "Bilateral rooms"), ("3", "Delegation offices"),
                 ("4", "Press centre"), ("6", "VIP lounge")),
    host="Defence Intelligence Staff Division, Malaysian Armed Forces",
    emergency_contact="Duty security officer, venue extension 2888")


def crest(size: int = 600) -> bytes:
    """A round seal: gold ring, navy disc, a ten-pointed white star."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, size - 4, size - 4), fill=(196, 154, 56, 255))
    draw.ellipse((size * 0.07, size * 0.07, size * 0.93, size * 0.93), fill=(20, 35, 60, 255))
    draw.ellipse((size * 0.1, size * 0.1, size * 0.9, size * 0.9), outline=(196, 154, 56, 255),
                 width=max(2, size // 120))
    c, outer, inner = size / 2, size * 0.33, size * 0.15
    points = []
    for i in range(20):
        r = outer if i % 2 == 0 else inner
        a = -math.pi / 2 + i * math.pi / 10
        points.append((c + r * math.cos(a), c + r * math.sin(a)))
    draw.polygon(points, fill=(255, 255, 255, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def portrait() -> bytes:
    """A passport-style picture of a made-up person, the one the demo event uses."""
    from app.services.demo import portrait as demo_portrait
    return demo_portrait(random.Random(5))


def sample_badge(photo: bytes) -> BadgeData:
    from app.services.codes import placeholder_badge_code
    return BadgeData(
        code=placeholder_badge_code("readme"), name="Nguyễn Thị Hồng Nhung",
        native_name="", honorific="Major General", position="Deputy Director",
        organisation="General Department of Defence Intelligence", country_code="VN",
        country_name="Viet Nam", category_code="E", category_name="Head of Delegation",
        category_colour="#B71C1C", zones=("1", "2", "3", "6"), photo=photo, serial="B000142",
        version=1, valid_from=date(2026, 3, 12), valid_to=date(2026, 3, 14))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(ROOT / "docs" / "badges"))
    parser.add_argument("--dpi", type=int, default=170)
    parser.add_argument("--layout", action="append", help="only these layouts")
    args = parser.parse_args()
    import pypdfium2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    event = EventInfo(**{**EVENT.__dict__, "logo": crest()})
    badge = sample_badge(portrait())
    for name in args.layout or list_layouts():
        pdf = io.BytesIO()
        report = render_badges([badge], pdf, event=event, layout=name, back=True)
        for warning in report.warnings:
            print(f"{name}: {warning}")
        document = pypdfium2.PdfDocument(pdf.getvalue())
        for index, side in enumerate(("front", "back")):
            image = document[index].render(scale=args.dpi / 72).to_pil()
            path = out / f"{name}-{side}.png"
            # 256 colours keep the fine lines and a third of the bytes of full colour.
            image = image.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
            image.save(path, optimize=True)
            print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: "
                  f"{image.width} x {image.height} px")
        document.close()


if __name__ == "__main__":
    main()
