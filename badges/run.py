"""The state of one render: the canvas, what is already in the PDF (images, flags,
guilloche patterns, the photo placeholder, each put in once and reused by every badge),
text fitted once per event, and the report the operator reads."""
from __future__ import annotations

import hashlib
import io
import logging
import zlib
from dataclasses import dataclass, field
from typing import Callable, Iterable

from PIL import Image
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

from . import flags
from .model import EventInfo, MissingGlyph, RenderReport

log = logging.getLogger("badges.render")


class WrittenOnce:
    """A PDF object whose bytes are let go once written: ReportLab writes each object once,
    when the file is saved, and a long run would otherwise hold every photo and page
    twice at that moment."""

    def format(self, document):
        data = super().format(document)
        self.release()
        return data


class OnceImage(WrittenOnce, pdfdoc.PDFImageXObject):
    def release(self) -> None:
        self.streamContent = b""


class OnceStream(WrittenOnce, pdfdoc.PDFStream):
    def release(self) -> None:
        self.content = b""


@dataclass
class Run:
    canvas: Canvas
    event: EventInfo
    report: RenderReport
    event_values: dict[str, str]
    images: dict[str, tuple[str, int, int] | None] = field(default_factory=dict)
    forms: dict[tuple, str | None] = field(default_factory=dict)
    # Results that depend on the event and the layout only (the header, zone names),
    # computed for the first badge and reused.
    cache: dict[tuple, object] = field(default_factory=dict)
    badge_missing: dict[str, set] = field(default_factory=dict)
    said: set[str] = field(default_factory=set)

    # --- images ----------------------------------------------------------
    def image_xobject(self, data: bytes) -> tuple[str, int, int] | None:
        """Put image bytes into the PDF once; return (name, width px, height px)."""
        key = hashlib.blake2b(data, digest_size=16).hexdigest()
        if key in self.images:
            return self.images[key]
        try:
            result = self._add_image(key, data)
        except Exception as exc:  # unreadable upload: print the placeholder, say so
            log.warning("unreadable image: %s", exc)
            result = None
        self.images[key] = result
        return result

    def logo(self) -> tuple[str, int, int] | None:
        """The event's logo (or the host's crest) as an image in this PDF, if it has one."""
        return self.image_xobject(self.event.logo) if self.event.logo else None

    def _add_image(self, key: str, data: bytes) -> tuple[str, int, int]:
        name = "img" + key
        img = Image.open(io.BytesIO(data))
        obj = OnceImage(name)
        obj.bitsPerComponent = 8
        obj.mask = None
        if img.format == "JPEG" and img.mode in ("RGB", "L"):
            # JPEG goes into the PDF as it is: no decoding, no re-compression.
            obj.streamContent = data
            obj._filters = ("DCTDecode",)
            obj.colorSpace = "DeviceRGB" if img.mode == "RGB" else "DeviceGray"
        else:
            img.load()
            if img.mode in ("RGBA", "LA", "P", "PA") or "transparency" in img.info:
                img = img.convert("RGBA")
                flat = Image.new("RGB", img.size, (255, 255, 255))
                flat.paste(img, mask=img.getchannel("A"))
                img = flat
            elif img.mode not in ("RGB", "L"):
                img = img.convert("RGB")
            obj.streamContent = zlib.compress(img.tobytes(), 6)
            obj._filters = ("FlateDecode",)
            obj.colorSpace = "DeviceRGB" if img.mode == "RGB" else "DeviceGray"
        obj.width, obj.height = img.size
        canvas = self.canvas
        reg = canvas._doc.getXObjectName(name)
        canvas._setXObjects(obj)
        canvas._doc.Reference(obj, reg)
        canvas._doc.addForm(name, obj)
        return name, obj.width, obj.height

    def draw_image(self, info, x, y, w, h, fit: str) -> tuple[float, float, float, float]:
        """Draw an image in the box; returns where it landed (x, y, width, height)."""
        name, pw, ph = info
        c = self.canvas
        scale = (max if fit == "cover" else min)(w / pw, h / ph)
        dw, dh = pw * scale, ph * scale
        dx, dy = x + (w - dw) / 2, y + (h - dh) / 2
        reg = c._doc.getXObjectName(name)
        clip = f"{x:.3f} {y:.3f} {w:.3f} {h:.3f} re W n " if fit == "cover" else ""
        c.addLiteral(f"q {clip}{dw:.4f} 0 0 {dh:.4f} {dx:.4f} {dy:.4f} cm /{reg} Do Q")
        c._formsinuse.append(name)
        c._currentPageHasImages = 1
        return (x, y, w, h) if fit == "cover" else (dx, dy, dw, dh)

    # --- forms: drawn once per PDF, used by every badge --------------------
    def form(self, key: tuple, build: Callable[[str], bool]) -> str | None:
        """The name of the form XObject for `key`, built on first use by `build(name)`
        (which returns False when there is nothing to draw)."""
        if key not in self.forms:
            name = "lanyard" + hashlib.blake2b(repr(key).encode(), digest_size=8).hexdigest()
            self.forms[key] = name if build(name) else None
        return self.forms[key]

    def draw_form(self, name: str, x: float, y: float, sx: float, sy: float, prefix: str = "") -> None:
        """Place form `name` scaled by (sx, sy) with its origin at (x, y)."""
        c = self.canvas
        c.addLiteral(f"q {prefix}{sx:.5f} 0 0 {sy:.5f} {x:.4f} {y:.4f} cm "
                     f"/{c._doc.getXObjectName(name)} Do Q")
        c._formsinuse.append(name)

    def define_form(self, name: str, stream: bytes, width: float, height: float,
                    states: dict[str, tuple] | None = None) -> None:
        """Form XObject `name` from operators already Flate-compressed, so a pattern or a
        coat of arms made once per process costs a PDF nothing but its bytes. `states`
        names the graphics states (transparency) the operators use."""
        form = pdfdoc.PDFFormXObject(0, 0, width, height)
        contents = pdfdoc.PDFStream(content=stream)
        contents.dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])
        form.Contents = contents
        resources = pdfdoc.PDFResourceDictionary()
        if states:
            resources.ExtGState = {key: pdfdoc.PDFDictionary(dict([state])) for key, state in states.items()}
        form.Resources = resources
        self.canvas._doc.addForm(name, form)

    def flag(self, code: str) -> str | None:
        code = (code or "").upper()

        def build(name: str) -> bool:
            made = flags.flag_stream(code)
            if made is not None:
                self.define_form(name, made[0], flags.FLAG_WIDTH, flags.FLAG_HEIGHT, made[1])
            return made is not None
        return self.form(("flag", code), build)

    def silhouette(self) -> str:
        """Placeholder for a missing photo, in a 35 x 45 box."""
        return self.form(("silhouette",), self._draw_silhouette)

    def _draw_silhouette(self, name: str) -> bool:
        c = self.canvas
        c.beginForm(name, 0, 0, 35, 45)
        c.setFillColorRGB(0.90, 0.91, 0.93)
        c.rect(0, 0, 35, 45, stroke=0, fill=1)
        c.setFillColorRGB(0.66, 0.69, 0.74)
        c.circle(17.5, 28, 8.2, stroke=0, fill=1)
        p = c.beginPath()
        p.moveTo(3, 0)
        p.curveTo(3, 12, 8, 17.5, 17.5, 17.5)
        p.curveTo(27, 17.5, 32, 12, 32, 0)
        p.close()
        c.drawPath(p, stroke=0, fill=1)
        c.endForm()
        return True

    # --- what the operator reads -------------------------------------------
    def warn(self, message: str, *, once: bool = False) -> None:
        """A line for report.warnings; `once` for what is the same on every badge."""
        if once:
            if message in self.said:
                return
            self.said.add(message)
        self.report.warnings.append(message)

    def note_missing(self, badge_label: str, chars: Iterable[str]) -> None:
        seen = self.badge_missing.setdefault(badge_label, set())
        for ch in chars:
            if ch not in seen:
                seen.add(ch)
                cp = f"U+{ord(ch):04X}"
                self.report.missing_glyphs.append(MissingGlyph(badge_label, ch, cp))
                self.report.warnings.append(
                    f"{badge_label}: no font has {cp} ({ch!r}); it is left out of the badge")
                log.warning("badge %s: no font has %s; left out", badge_label, cp)
