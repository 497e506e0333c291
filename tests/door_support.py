"""Helpers of the door tests: a badge filmed by Chromium's fake camera."""
from __future__ import annotations

from pathlib import Path

from PIL import Image

BACKGROUND = (96, 104, 112)


def badge_frame(pdf: bytes, size: tuple[int, int] = (640, 480), margin: int = 16) -> Image.Image:
    """Page 1 of a badge PDF as large as fits on a plain frame, as a phone held over it would see."""
    import pypdfium2
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        width, height = page.get_size()
        scale = min((size[0] - 2 * margin) / width, (size[1] - 2 * margin) / height)
        badge = page.render(scale=scale).to_pil().convert("RGB")
    finally:
        document.close()
    frame = Image.new("RGB", size, BACKGROUND)
    frame.paste(badge, ((size[0] - badge.width) // 2, (size[1] - badge.height) // 2))
    return frame


def write_y4m(path: Path, frame: Image.Image, count: int = 12, fps: int = 10) -> None:
    """A still video in the YUV4MPEG2 4:2:0 (JPEG range) format Chromium's fake camera plays in a loop."""
    luma, blue, red = frame.convert("YCbCr").split()
    half = (frame.width // 2, frame.height // 2)
    planes = b"".join(plane.tobytes() for plane in (
        luma, blue.resize(half, Image.Resampling.BOX), red.resize(half, Image.Resampling.BOX)))
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{frame.width} H{frame.height} F{fps}:1 Ip A1:1 C420jpeg\n".encode("ascii"))
        for _ in range(count):
            out.write(b"FRAME\n" + planes)
