"""Helpers of the desk's photo tests: hostile uploads, the files kept, a face for the fake camera."""
from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from registration_support import image_bytes, png_bomb
from support import sample_photo


def _animated_gif() -> bytes:
    frames = [Image.new("RGB", (700, 900), c) for c in ((255, 0, 0), (0, 255, 0))]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:])
    return out.getvalue()


#: (what it is, file name, bytes, what the clerk reads): each refused, nothing stored.
HOSTILE_PHOTOS = [
    ("pdf named jpg", "photo.jpg", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF",
     "not a readable image"),
    ("svg with a script", "photo.svg",
     b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="9" height="9"/></svg>',
     "not a readable image"),
    ("png bomb", "photo.png", png_bomb(20000, 20000), "too many pixels"),
    ("animated gif", "photo.gif", _animated_gif(), "JPEG, PNG or WebP"),
    ("truncated jpeg", "photo.jpg", image_bytes((700, 900), quality=95)[:9000], "damaged"),
    ("too small", "photo.jpg", image_bytes((200, 260)), "too small"),
    ("empty", "photo.jpg", b"", "empty"),
]


def stored_photo_names(app) -> set[str]:
    folder = Path(app.config["LANYARD_PHOTO_DIR"])
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def face_frame(size: tuple[int, int] = (640, 480), background=(232, 236, 240)) -> Image.Image:
    """A webcam's view of someone at the desk: the sample portrait, full height, on a plain wall."""
    face = Image.open(io.BytesIO(sample_photo())).convert("RGB")
    face = face.resize((round(face.width * size[1] / face.height), size[1]))
    frame = Image.new("RGB", size, background)
    frame.paste(face, ((size[0] - face.width) // 2, 0))
    return frame
