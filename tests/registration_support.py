"""Helpers for the registration, liaison and import tests: forms as a browser posts them,
images made on the spot, and the mails the app wrote to its outbox."""
from __future__ import annotations

import io
import re
import struct
import zlib

from PIL import Image

from app.services.mail import outbox_messages
from support import csrf_token, sample_photo

REGISTER_URL = "/events/amim22/register"


def registration_data(client, photo: bytes | None = None, **overrides) -> dict:
    """A complete application as the public form posts it (with a photo unless photo=b"")."""
    photo = sample_photo() if photo is None else photo
    data = {
        "csrf_token": overrides.pop("csrf_token", None) or csrf_token(client, REGISTER_URL),
        "honorific": "Colonel", "given_name": "Siti Nurhaliza", "family_name": "binti Omar",
        "native_name": "", "organisation": "Defence Intelligence Organisation",
        "position": "Head of Regional Analysis", "country": "MY", "category": "D",
        "email": "siti.omar@example.my", "phone": "+60 13-222 1010", "consent": "y",
        "date_of_birth": "1976-04-12", "nationality": "MY", "passport_number": "A31824756",
        "passport_expiry": "2031-06-30",
    }
    if photo:
        data["photo"] = (io.BytesIO(photo), "me.jpg", "image/jpeg")
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def register(client, photo: bytes | None = None, **overrides):
    return client.post(REGISTER_URL, data=registration_data(client, photo, **overrides),
                       content_type="multipart/form-data")


def member_data(client, url, **overrides) -> dict:
    """A Thai member as a liaison officer's add-a-member form posts it (no photo)."""
    data = {"csrf_token": csrf_token(client, url), "honorific": "Captain",
            "given_name": "Pimchanok", "family_name": "Srisuk", "native_name": "พิมพ์ชนก ศรีสุข",
            "organisation": "Armed Forces Security Center", "position": "Staff Officer",
            "category": "D", "email": "pimchanok.s@example.th", "phone": "089 111 2222",
            "consent": "y", "date_of_birth": "1990-02-03", "nationality": "TH",
            "passport_number": "AA1234567", "passport_expiry": "2032-01-31"}
    data.update(overrides)
    return data


def image_bytes(size=(700, 900), colour=(200, 180, 160), fmt="JPEG", mode="RGB", **save) -> bytes:
    image = Image.new(mode, size, colour)
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()


def mails():
    return outbox_messages()


def text_part(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_part(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def link_in(message, pattern: str = r"https?://\S+") -> str:
    """The first link in the plain-text part, as a path the test client can open."""
    url = re.search(pattern, text_part(message)).group(0)
    return re.sub(r"^https?://[^/]+", "", url)


def _png(width: int, height: int, colour_type: int, body: bytes) -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def flat_png(width: int, height: int) -> bytes:
    """A valid RGB PNG of one colour: tiny on disk however many pixels it declares."""
    packer = zlib.compressobj(9)
    row = b"\0" + b"\xc8\xb4\xa0" * width  # filter byte, then the pixels
    return _png(width, height, 2,
                b"".join(packer.compress(row) for _ in range(height)) + packer.flush())


def halves_jpeg(size: tuple[int, int], left=(20, 180, 20), right=(20, 20, 200), **save) -> bytes:
    """A JPEG whose left half is one colour and right half another (green, blue)."""
    width, height = size
    image = Image.new("RGB", size, left)
    image.paste(right, (width // 2, 0, width, height))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=save.pop("quality", 80), **save)
    return out.getvalue()


def png_bomb(width: int, height: int) -> bytes:
    """A valid PNG header claiming a huge greyscale image, with a tiny compressed body."""
    return _png(width, height, 0, zlib.compress(b"\0" * (width + 1) * 16))
