"""The one place that knows the format of reference codes and badge codes.

A badge code is 72 bytes written as 116 characters of upper-case Base32 (RFC 4648,
no padding): it survives keyboard-wedge scanners on any keyboard layout and uses
QR's compact alphanumeric mode (a version 5 symbol at error correction M).

    byte 0      format version, 1
    byte 1      key number: which of the event's signing keys signed it (1-255)
    bytes 2-3   event id, big-endian
    bytes 4-6   badge id, big-endian
    byte 7      badge version (1 for the first badge, one more per replacement)
    bytes 8-71  Ed25519 signature of SIGNED_PREFIX + bytes 0-7

No personal data: a door holding the event's public keys can tell a real badge
from a forged one without asking the server, and looks up everything else.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .people import unstorable_character

FORMAT_VERSION = 1
SIGNED_PREFIX = b"LANYARD-BADGE"  # signatures over badge codes never serve any other purpose
PAYLOAD_BYTES = 8
SIGNATURE_BYTES = 64
CODE_LENGTH = 116  # characters
# Key number 0 is never given to a real key: previews are signed with it and open nothing.
PREVIEW_KEY_NUMBER = 0
MAX_KEY_NUMBER, MAX_EVENT_ID, MAX_BADGE_ID, MAX_BADGE_VERSION = 255, 0xFFFF, 0xFFFFFF, 255

# No 0/O, 1/I/L, U: reference codes are read out over the phone and typed.
_REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
_BASE32 = re.compile(r"[A-Z2-7]+")
_LEGACY_CODE = re.compile(r"[A-Z2-7]{32}")
#: The longest text a scan keeps (a badge code is 116 characters).
MAX_SCANNED_LENGTH = 256


@dataclass(frozen=True)
class BadgeCode:
    """What a badge code says, and the bytes its signature covers."""

    key_number: int
    event_id: int
    badge_id: int
    badge_version: int
    signature: bytes = b""

    @property
    def payload(self) -> bytes:
        return (bytes([FORMAT_VERSION, self.key_number]) + self.event_id.to_bytes(2, "big")
                + self.badge_id.to_bytes(3, "big") + bytes([self.badge_version]))

    def verify(self, public_key: Ed25519PublicKey) -> bool:
        try:
            public_key.verify(self.signature, SIGNED_PREFIX + self.payload)
        except InvalidSignature:
            return False
        return True


def sign_badge_code(private_key: Ed25519PrivateKey, *, key_number: int, event_id: int,
                    badge_id: int, badge_version: int) -> str:
    """The code printed in a badge's QR."""
    if not (0 <= key_number <= MAX_KEY_NUMBER and 0 <= event_id <= MAX_EVENT_ID
            and 0 <= badge_id <= MAX_BADGE_ID and 0 <= badge_version <= MAX_BADGE_VERSION):
        raise ValueError("a field of the badge code is out of range")
    code = BadgeCode(key_number, event_id, badge_id, badge_version)
    signature = private_key.sign(SIGNED_PREFIX + code.payload)
    return base64.b32encode(code.payload + signature).decode("ascii").rstrip("=")


def parse_badge_code(text: str) -> BadgeCode | None:
    """The fields of a scanned code (still to be verified), or None if it is not one."""
    code = clean_scanned_code(text)
    if len(code) != CODE_LENGTH or not _BASE32.fullmatch(code):
        return None
    try:
        raw = base64.b32decode(code + "=" * (-len(code) % 8))
    except (binascii.Error, ValueError):
        return None
    # The last character carries unused bits: a code is valid in one spelling only.
    if base64.b32encode(raw).decode("ascii").rstrip("=") != code or raw[0] != FORMAT_VERSION:
        return None
    return BadgeCode(key_number=raw[1], event_id=int.from_bytes(raw[2:4], "big"),
                     badge_id=int.from_bytes(raw[4:7], "big"), badge_version=raw[7],
                     signature=raw[PAYLOAD_BYTES:])


def is_legacy_code(text: str) -> bool:
    """A 160-bit random code from before signed codes; such badges were all reissued."""
    return bool(_LEGACY_CODE.fullmatch(clean_scanned_code(text)))


def placeholder_badge_code(seed: str) -> str:
    """A code in the real format for previews: same QR size as the printed badge, opens nothing
    (key number 0 belongs to no event, and the key is derived from a public string)."""
    key = Ed25519PrivateKey.from_private_bytes(
        hashlib.sha256(("lanyard-preview:" + seed).encode("utf-8")).digest())
    return sign_badge_code(key, key_number=PREVIEW_KEY_NUMBER, event_id=0, badge_id=0,
                           badge_version=0)


def clean_scanned_code(raw: str) -> str:
    """What a scanner typed, without the whitespace and case it may add."""
    return re.sub(r"\s+", "", raw or "").upper()


def new_reference() -> str:
    chars = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"LY-{chars[:4]}-{chars[4:]}"


def clean_reference(text: str) -> str:
    """Upper-case and re-hyphenate a reference typed by a person."""
    compact = re.sub(r"[^A-Za-z0-9]", "", text or "").upper()
    if compact.startswith("LY"):
        compact = compact[2:]
    return f"LY-{compact[:4]}-{compact[4:]}" if len(compact) == 8 else ""


def scanned_text_problem(raw: object) -> str | None:
    """Why `raw` cannot be the text a scanner read, or None.

    Any text a scanner types is a scan to record (an unknown code is refused at the door, not
    here); only what no scanner sends and no database keeps is refused.
    """
    if not isinstance(raw, str) or not raw.strip():
        return "The scanned text is missing."
    if len(raw) > MAX_SCANNED_LENGTH:
        return f"The scanned text is longer than {MAX_SCANNED_LENGTH} characters."
    bad = unstorable_character(raw)
    if bad:
        return f"The scanned text contains {bad}, which no scanner sends."
    return None
