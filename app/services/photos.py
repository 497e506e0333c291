"""Applicant photos: checked, cropped to the passport ratio, normalised and stored.

Photos are personal data, so they are kept in the instance folder and served
only through a staff route that checks the role.
"""
from __future__ import annotations

import io
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

# MPO is how Pillow reports a JPEG with extra pictures (depth maps, previews) from phone cameras.
ACCEPTED_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
MAX_BYTES = 10 * 1024 * 1024
# Passport photo 35 x 45 mm; 300 x 385 px is the least that prints sharply.
RATIO = 35 / 45
MIN_WIDTH, MIN_HEIGHT = 300, 385
STORED_WIDTH, STORED_HEIGHT = 600, 771
# Refuse anything that would decode to more than 50 megapixels (a 10 MB
# upload of a real photo never does; a decompression bomb does).
MAX_PIXELS = 50_000_000

_SRGB = ImageCms.createProfile("sRGB")


@dataclass(frozen=True)
class CropBox:
    """A crop chosen in the browser, in pixels of the upright image."""

    x: float
    y: float
    width: float
    height: float


class PhotoError(ValueError):
    """The upload is not a usable photo; the message says why, for the applicant."""


def normalise_photo(data: bytes, crop: CropBox | None = None) -> bytes:
    """Return a clean sRGB JPEG at the passport ratio, or raise PhotoError."""
    if len(data) > MAX_BYTES:
        raise PhotoError("The photo is larger than 10 MB. Please upload a smaller file.")
    if not data:
        raise PhotoError("The photo file is empty.")
    image = _open(data)
    image = ImageOps.exif_transpose(image)
    image = _to_srgb(image)
    image = _crop(image, crop)
    if image.width < MIN_WIDTH or image.height < MIN_HEIGHT:
        raise PhotoError(
            f"The photo is too small after cropping ({image.width} x {image.height} px); "
            f"it needs at least {MIN_WIDTH} x {MIN_HEIGHT} px.")
    if image.width > STORED_WIDTH:
        image = image.resize((STORED_WIDTH, STORED_HEIGHT), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # Pillow copies some metadata (a JPEG comment, for one) from image.info when
    # saving: drop it all, so the stored file has no exif, icc or comments.
    image.info = {}
    image.save(out, "JPEG", quality=90, optimize=True)
    return out.getvalue()


def _open(data: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise PhotoError("Please upload a JPEG, PNG or WebP photo.")
            if image.width * image.height > MAX_PIXELS:
                raise PhotoError("The image has too many pixels to be a photo.")
            if image.format == "MPO":
                image.seek(0)  # the photo itself; the other pictures are not frames of a movie
            elif getattr(image, "n_frames", 1) > 1:
                raise PhotoError("Animated images cannot be used as a badge photo.")
            image.load()
    except PhotoError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoError("The image has too many pixels to be a photo.") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
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


def _crop(image: Image.Image, crop: CropBox | None) -> Image.Image:
    if crop is not None:
        left = max(0, round(crop.x))
        top = max(0, round(crop.y))
        right = min(image.width, round(crop.x + crop.width))
        bottom = min(image.height, round(crop.y + crop.height))
        if right - left < 1 or bottom - top < 1:
            raise PhotoError("The crop area is outside the photo.")
        image = image.crop((left, top, right, bottom))
    # Whatever the crop, the stored photo has exactly the passport ratio,
    # centred horizontally and kept from the top (where the face is).
    width, height = image.size
    if width / height > RATIO:
        new_width = round(height * RATIO)
        left = (width - new_width) // 2
        image = image.crop((left, 0, left + new_width, height))
    elif width / height < RATIO:
        new_height = round(width / RATIO)
        top = (height - new_height) // 3
        image = image.crop((0, top, width, top + new_height))
    return image


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
