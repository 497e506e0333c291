"""Applicant photos: checked, cropped to the passport ratio, normalised and stored.

Photos are personal data, so they are kept in the instance folder and served
only through a staff route that checks the role.
"""
from __future__ import annotations

import io
import math
import re
import secrets
import threading
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from PIL import Image, ImageCms, UnidentifiedImageError
from PIL.JpegImagePlugin import JpegImageFile

# MPO is how Pillow reports a JPEG with extra pictures (depth maps, previews) from phone cameras.
ACCEPTED_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
MAX_BYTES = 10 * 1024 * 1024
# Passport photo 35 x 45 mm; 300 x 385 px is the least that prints sharply.
RATIO = 35 / 45
MIN_WIDTH, MIN_HEIGHT = 300, 385
STORED_WIDTH, STORED_HEIGHT = 600, 771
# The most pixels decoded at once: 16 megapixels, 64 MB as RGBA. A passport frame needs
# 600 x 771 px; a 16 MP picture (4600 x 3460) holds it many times over, and scans of a printed
# photo or portraits from a camera app are smaller. Baseline JPEGs above it are decoded
# reduced (libjpeg scales by 1/2, 1/4 or 1/8 while decoding); PNG, WebP and progressive
# JPEGs (which libjpeg holds whole while decoding) cannot be, so they are refused above it.
MAX_DECODED_PIXELS = 16_000_000
# Baseline JPEGs up to 50 megapixels: the full-size photos of 48 and 50 MP phone cameras.
MAX_JPEG_PIXELS = 50_000_000
# Photos checked at once in one process (each may take tens of megabytes for a second);
# a request that finds them all busy for longer is told to try again, not queued.
CONCURRENT_PHOTOS = 2
BUSY_AFTER_SECONDS = 15.0

_SRGB = ImageCms.createProfile("sRGB")
_slots = threading.BoundedSemaphore(CONCURRENT_PHOTOS)
_ORIENTATION = 0x0112
# EXIF orientation: the turn that makes the stored picture upright.
_TURNS = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
          4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
          6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE, 8: Image.Transpose.ROTATE_90}
_SIDEWAYS = {5, 6, 7, 8}  # turns that swap width and height


@dataclass(frozen=True)
class CropBox:
    """A crop chosen in the browser, in pixels of the upright image."""

    x: float
    y: float
    width: float
    height: float


class PhotoError(ValueError):
    """The upload is not a usable photo; the message says why, for the applicant."""


class PhotoBusy(PhotoError):
    """Too many photos are being checked at once; the same upload may work a moment later."""


def normalise_photo(data: bytes, crop: CropBox | None = None) -> bytes:
    """Return a clean sRGB JPEG at the passport ratio, or raise PhotoError."""
    if len(data) > MAX_BYTES:
        raise PhotoError("The photo is larger than 10 MB. Please upload a smaller file.")
    if not data:
        raise PhotoError("The photo file is empty.")
    if not _slots.acquire(timeout=BUSY_AFTER_SECONDS):
        raise PhotoBusy("The server is busy with other photos. Please try again in a minute.")
    try:
        return _normalise(data, crop)
    finally:
        _slots.release()


def _normalise(data: bytes, crop: CropBox | None) -> bytes:
    image = _open(data)
    turn = _turn(image)
    upright = (image.height, image.width) if turn in _SIDEWAYS else image.size
    box = _passport_box(upright, crop)
    width, height = box[2] - box[0], box[3] - box[1]
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        raise PhotoError(
            f"The photo is too small after cropping ({width} x {height} px); "
            f"it needs at least {MIN_WIDTH} x {MIN_HEIGHT} px.")
    full_size = image.size
    raw_box = _unturned_box(box, turn, full_size)
    image = _decode(image, raw_box)
    sx, sy = image.width / full_size[0], image.height / full_size[1]
    frame = (raw_box[0] * sx, raw_box[1] * sy, raw_box[2] * sx, raw_box[3] * sy)
    # The stored size follows the frame in the full photo, however reduced it was decoded.
    size = (STORED_WIDTH, STORED_HEIGHT) if width > STORED_WIDTH else (width, height)
    if image.mode in ("RGB", "L", "CMYK"):
        # Resampled straight out of the decoded picture: the frame is never copied at full size.
        image = image.resize(size[::-1] if turn in _SIDEWAYS else size, Image.Resampling.LANCZOS,
                             box=frame)
    else:
        image = image.crop(tuple(round(edge) for edge in frame))
    if turn in _TURNS:
        image = image.transpose(_TURNS[turn])
    image = _to_srgb(image)
    if image.size != size:
        image = image.resize(size, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # Pillow copies some metadata (a JPEG comment, for one) from image.info when
    # saving: drop it all, so the stored file has no exif, icc or comments.
    image.info = {}
    image.save(out, "JPEG", quality=90, optimize=True)
    return out.getvalue()


_DECODE_ERRORS = (UnidentifiedImageError, OSError, EOFError, SyntaxError, ValueError,
                  Image.DecompressionBombError, Image.DecompressionBombWarning)


def _open(data: bytes) -> Image.Image:
    """The image with its header checked; nothing decoded yet."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise PhotoError("Please upload a JPEG, PNG or WebP photo.")
            limit = MAX_JPEG_PIXELS if _reducible(image) else MAX_DECODED_PIXELS
            if image.width * image.height > limit:
                raise PhotoError(
                    f"The image has too many pixels for a photo ({image.width} x {image.height}); "
                    f"{'a JPEG may have 50' if _reducible(image) else 'it may have 16'} megapixels "
                    "at most. Please upload a smaller image.")
            if image.format == "MPO":
                image.seek(0)  # the photo itself; the other pictures are not frames of a movie
            elif getattr(image, "n_frames", 1) > 1:
                raise PhotoError("Animated images cannot be used as a badge photo.")
    except PhotoError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoError("The image has too many pixels to be a photo.") from None
    except _DECODE_ERRORS:
        raise PhotoError("The file is not a readable image, or it is damaged.") from None
    return image


def _reducible(image: Image.Image) -> bool:
    """Whether libjpeg can decode it reduced without holding it whole (a baseline JPEG)."""
    return isinstance(image, JpegImageFile) and not image.info.get("progressive")


def _turn(image: Image.Image) -> int:
    """The EXIF orientation (1 to 8; 1 when missing or nonsense)."""
    try:
        orientation = image.getexif().get(_ORIENTATION, 1)
    except _DECODE_ERRORS:
        raise PhotoError("The file is not a readable image, or it is damaged.") from None
    return orientation if orientation in range(1, 9) else 1


def _passport_box(upright: tuple[int, int], crop: CropBox | None) -> tuple[int, int, int, int]:
    """The stored frame in pixels of the upright full-size photo: the crop chosen in the
    browser, or the whole photo, narrowed to exactly the passport ratio."""
    width, height = upright
    left, top, right, bottom = 0, 0, width, height
    if crop is not None:
        edges = (crop.x, crop.y, crop.x + crop.width, crop.y + crop.height)
        if not all(math.isfinite(edge) for edge in edges):
            raise PhotoError("The crop area is outside the photo.")
        left, top = max(0, round(edges[0])), max(0, round(edges[1]))
        right, bottom = min(width, round(edges[2])), min(height, round(edges[3]))
        if right - left < 1 or bottom - top < 1:
            raise PhotoError("The crop area is outside the photo.")
    # Whatever the crop, the stored photo has exactly the passport ratio,
    # centred horizontally and kept from the top (where the face is).
    width, height = right - left, bottom - top
    if width / height > RATIO:
        new_width = round(height * RATIO)
        left += (width - new_width) // 2
        right = left + new_width
    elif width / height < RATIO:
        new_height = round(width / RATIO)
        top += (height - new_height) // 3
        bottom = top + new_height
    return left, top, right, bottom


def _unturned_box(box: tuple[int, int, int, int], turn: int,
                  size: tuple[int, int]) -> tuple[int, int, int, int]:
    """The same frame in pixels of the picture as stored in the file, before its EXIF turn."""
    width, height = size

    def point(u: int, v: int) -> tuple[int, int]:
        return {1: (u, v), 2: (width - u, v), 3: (width - u, height - v), 4: (u, height - v),
                5: (v, u), 6: (v, height - u), 7: (width - v, height - u), 8: (width - v, u)}[turn]

    (x0, y0), (x1, y1) = point(box[0], box[1]), point(box[2], box[3])
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _decode(image: Image.Image, raw_box: tuple[int, int, int, int]) -> Image.Image:
    """Decode the picture, a baseline JPEG reduced as far as the frame allows."""
    if _reducible(image):
        scale = 1
        # As far as the frame keeps its stored size (in the file, it may lie on its side) ...
        short, long = sorted((raw_box[2] - raw_box[0], raw_box[3] - raw_box[1]))
        while scale < 8 and short // (scale * 2) >= STORED_WIDTH and long // (scale * 2) >= STORED_HEIGHT:
            scale *= 2
        # ... and at least as far as keeps the decoded picture within bounds.
        while scale < 8 and image.width * image.height > MAX_DECODED_PIXELS * scale * scale:
            scale *= 2
        if scale > 1:
            image.draft(None, (image.width // scale, image.height // scale))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
    except _DECODE_ERRORS:
        raise PhotoError("The file is not a readable image, or it is damaged.") from None
    return image


def _to_srgb(image: Image.Image) -> Image.Image:
    icc = image.info.get("icc_profile")
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit grey: scale to 8 bits rather than clip everything above 255 to white.
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if image.mode in ("RGBA", "LA", "P", "PA") or "transparency" in image.info:
        # Transparent areas become white paper, before colour management, which has no alpha.
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    elif image.mode not in ("RGB", "CMYK", "L"):
        image = image.convert("RGB")
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            return ImageCms.profileToProfile(image, source, _SRGB, outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken or mismatched profile: fall back to a plain conversion
    return image.convert("RGB")


def photo_dir() -> Path:
    path = Path(current_app.config["LANYARD_PHOTO_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_photo(jpeg: bytes) -> str:
    """Write a normalised photo under a random name and return that name."""
    name = f"{secrets.token_hex(16)}.jpg"
    (photo_dir() / name).write_bytes(jpeg)
    return name


def read_photo(name: str) -> bytes | None:
    if not name:
        return None
    path = photo_dir() / Path(name).name
    return path.read_bytes() if path.exists() else None


def delete_photo(name: str) -> None:
    """Remove a photo that was replaced; a missing file is not an error."""
    if name:
        (photo_dir() / Path(name).name).unlink(missing_ok=True)


# A photo checked on a form that came back with another error is held, already normalised and
# cropped, so the applicant does not choose it again. Only the browser session that sent it
# knows its random name; it is gone once used, replaced, or after HELD_PHOTO_SECONDS.
HELD_PHOTO_SECONDS = 2 * 3600
_HELD_NAME = re.compile(r"^[0-9a-f]{32}$")


def _held_dir() -> Path:
    path = Path(current_app.config["LANYARD_HELD_PHOTO_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def hold_photo(jpeg: bytes) -> str:
    """Keep a normalised photo for a form sent again soon; returns the name to keep in the session."""
    _forget_old_held_photos()
    name = secrets.token_hex(16)
    (_held_dir() / f"{name}.jpg").write_bytes(jpeg)
    return name


def held_photo(name: str | None) -> bytes | None:
    """The held photo of this name, unless it expired (or the name is not one we give out)."""
    if not isinstance(name, str) or not _HELD_NAME.match(name):
        return None
    path = _held_dir() / f"{name}.jpg"
    try:
        if time.time() - path.stat().st_mtime > HELD_PHOTO_SECONDS:
            path.unlink(missing_ok=True)
            return None
        return path.read_bytes()
    except FileNotFoundError:
        return None


def release_held_photo(name: str | None) -> None:
    if isinstance(name, str) and _HELD_NAME.match(name):
        (_held_dir() / f"{name}.jpg").unlink(missing_ok=True)


def _forget_old_held_photos() -> None:
    oldest = time.time() - HELD_PHOTO_SECONDS
    for path in _held_dir().glob("*.jpg"):
        try:
            if path.stat().st_mtime < oldest:
                path.unlink(missing_ok=True)
        except FileNotFoundError:
            pass  # another request removed it first
