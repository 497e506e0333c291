"""Build the web fonts the pages use to show names in every script: WOFF2 cuts of the fonts
the badges print with (badges/fonts/), each with the `unicode-range` it covers, so a browser
downloads only the files for the scripts a page shows. Writes app/static/fonts/.

    pip install fonttools==4.68.0 brotli==1.2.1   (pinned in requirements-test.txt)
    python frontend/webfonts.py

Commit the result; the app serves it and never fetches fonts from elsewhere.
"""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "badges" / "fonts"
OUT = ROOT / "app" / "static" / "fonts"
FAMILY = "Lanyard Names"

# The scripts system fonts of desk PCs and phones often lack, and the blocks of each.
SCRIPTS = {
    "thai": ("NotoSansThai", [(0x0E00, 0x0E7F)]),
    "lao": ("NotoSansLao", [(0x0E80, 0x0EFF)]),
    "khmer": ("NotoSansKhmer", [(0x1780, 0x17FF), (0x19E0, 0x19FF)]),
    "myanmar": ("NotoSansMyanmar", [(0x1000, 0x109F), (0xA9E0, 0xA9FF), (0xAA60, 0xAA7F)]),
    "arabic": ("NotoSansArabic", [(0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF),
                                  (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)]),
}
# Shaping needs these beside a script's own letters: joiners and the dotted circle.
SHAPING = [0x200C, 0x200D, 0x25CC]
CJK_FONT = "DroidSansFallbackFull.ttf"
# Chinese names: the ideographs of GB 2312 (simplified) and of Big5's common level
# (traditional), in slices of this many, so a name costs a few slices, not 4 MB.
CJK_SLICE = 600
CJK_PUNCTUATION = (0x3000, 0x303F)


def common_ideographs() -> list[int]:
    chars = set()
    for cp in range(0x4E00, 0xA000):
        ch = chr(cp)
        for codec in ("gb2312", "big5"):
            try:
                encoded = ch.encode(codec)
            except UnicodeEncodeError:
                continue
            # Big5 level 1 (frequent characters) runs from A440 to C67E.
            if codec == "gb2312" or b"\xa4\x40" <= encoded <= b"\xc6\x7e":
                chars.add(cp)
    return sorted(chars)


def cut(source: Path, codepoints: list[int], target: Path) -> None:
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]  # every shaping feature the script needs
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = TTFont(source)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints)
    subsetter.subset(font)
    font.flavor = "woff2"
    font.save(target)


def unicode_range(ranges: list[tuple[int, int]]) -> str:
    return ", ".join(f"U+{a:04X}-{b:04X}" if a != b else f"U+{a:04X}" for a, b in ranges)


def face(file: str, ranges: list[tuple[int, int]], weight: int) -> str:
    return (f"@font-face {{\n  font-family: \"{FAMILY}\";\n  src: url(\"{file}\") format(\"woff2\");\n"
            f"  font-weight: {weight};\n  font-display: swap;\n"
            f"  unicode-range: {unicode_range(ranges)};\n}}\n")


def build() -> None:
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    faces = []
    for script, (stem, ranges) in SCRIPTS.items():
        codepoints = [cp for a, b in ranges for cp in range(a, b + 1)] + SHAPING
        for style, weight in (("Regular", 400), ("Bold", 700)):
            name = f"{script}-{style.lower()}.woff2"
            cut(SOURCE / f"{stem}-{style}.ttf", codepoints, OUT / name)
            faces.append(face(name, ranges, weight))
    cjk = common_ideographs()
    slices = [cjk[i:i + CJK_SLICE] for i in range(0, len(cjk), CJK_SLICE)]
    for number, chars in enumerate(slices):
        name = f"cjk-{number:02d}.woff2"
        extra = list(range(CJK_PUNCTUATION[0], CJK_PUNCTUATION[1] + 1)) if number == 0 else []
        cut(SOURCE / CJK_FONT, chars + extra, OUT / name)
        # Each slice claims the span from its first to its last character: a rare character
        # inside the span costs one download and then falls back to the system's fonts.
        ranges = [(chars[0], chars[-1])] + ([CJK_PUNCTUATION] if number == 0 else [])
        faces.append(face(name, ranges, 400))
    header = ("/* Names in every script, as the badges print them: built by frontend/webfonts.py "
              "from badges/fonts/\n   (Noto: SIL Open Font License; Droid Sans Fallback: Apache "
              "2.0). Do not edit. */\n")
    (OUT / "names.css").write_text(header + "\n".join(faces))
    for licence in ("OFL.txt", "LICENSE-Apache-2.0.txt"):
        shutil.copy(SOURCE / licence, OUT / licence)
    with open(OUT / "VERSION", "w") as version:
        version.write("Built by frontend/webfonts.py from badges/fonts/\n")
        for path in sorted(OUT.iterdir()):
            if path.name != "VERSION":
                version.write(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}\n")
    total = sum(p.stat().st_size for p in OUT.iterdir())
    print(f"{len(faces)} faces, {total / 1e6:.1f} MB in {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    build()
