"""The one place that knows the format of reference codes and badge codes."""
from __future__ import annotations

import base64
import hashlib
import re
import secrets

from .people import unstorable_character

# No 0/O, 1/I/L, U: reference codes are read out over the phone and typed.
_REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
_BADGE_CODE_RE = re.compile(r"^[A-Z2-7]{16,120}$")
#: The longest text a scan keeps (a badge code is at most 120 characters).
MAX_SCANNED_LENGTH = 256


def new_reference() -> str:
    chars = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"LY-{chars[:4]}-{chars[4:]}"


def clean_reference(text: str) -> str:
    """Upper-case and re-hyphenate a reference typed by a person."""
    compact = re.sub(r"[^A-Za-z0-9]", "", text or "").upper()
    if compact.startswith("LY"):
        compact = compact[2:]
    return f"LY-{compact[:4]}-{compact[4:]}" if len(compact) == 8 else ""


def new_badge_code() -> str:
    """160 random bits as upper-case Base32: unguessable, no personal data.

    Upper-case Base32 survives keyboard-wedge scanners on any keyboard layout
    and uses QR's compact alphanumeric mode.
    """
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii").rstrip("=")


def placeholder_badge_code(seed: str) -> str:
    """A code in the real format for previews: same QR size as the printed badge, opens nothing
    (it is never stored, so no door knows it)."""
    digest = hashlib.sha256(("lanyard-preview:" + seed).encode("utf-8")).digest()[:20]
    return base64.b32encode(digest).decode("ascii").rstrip("=")


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


def clean_scanned_code(raw: str) -> str:
    """What a scanner typed, without the whitespace and case it may add."""
    return re.sub(r"\s+", "", raw or "").upper()


def looks_like_badge_code(code: str) -> bool:
    return bool(_BADGE_CODE_RE.match(code))
