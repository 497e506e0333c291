"""Cleaning what people type about themselves: names, phone numbers, e-mail; finding the
characters no text from a person may carry."""
from __future__ import annotations

import re
import unicodedata

import phonenumbers
from email_validator import EmailNotValidError, validate_email

# Zero-width joiners shape Khmer, Myanmar and Arabic script names correctly: keep them.
_KEEP_FORMAT = {"\u200c", "\u200d"}


def clean_text(text: str | None) -> str:
    """NFC, no control or invisible format characters, single spaces."""
    text = unicodedata.normalize("NFC", text or "")
    text = "".join(
        " " if ch in "\t\r\n" else ch
        for ch in text
        if ch in _KEEP_FORMAT or ch in "\t\r\n"
        or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    return re.sub(r"\s+", " ", text).strip()


# NUL, which PostgreSQL cannot store in text, and halves of surrogate pairs, which no encoding
# can store (only a JSON escape such as "\ud800" makes one).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable_character(text: str) -> str | None:
    """The first character of `text` no database can keep, named for a message; None if none."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "a NUL character (U+0000)"
    return f"half of a surrogate pair (U+{ord(found.group()):04X})"


def normalise_phone(text: str, country: str = "") -> str:
    """The number in E.164 (+60123456789); ValueError with a readable message if invalid."""
    text = (text or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, (country or "").upper() or None)
    except phonenumbers.NumberParseException:
        raise ValueError("Enter the number with its country code, e.g. +60 12-345 6789.") from None
    # "Possible" (right country code and length), not "valid": the validity
    # ranges in phone metadata lag behind new mobile ranges, and refusing a
    # delegate's real number is worse than storing an unusual one.
    if not phonenumbers.is_possible_number(number):
        raise ValueError("This is not a valid phone number for its country.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(text: str) -> str:
    try:
        return validate_email((text or "").strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from None


# Letters and combining marks of any script, plus what real names contain:
# spaces, apostrophes (straight and curly), hyphens, full stops and the joiners
# some scripts need. Digits and symbols such as < > @ = are not part of names.
_NAME_PUNCTUATION = set(" '\u2019\u02bc-\u2010.\u00b7") | _KEEP_FORMAT


def check_name(text: str, *, extra: str = "") -> str:
    """A cleaned person's name, or ValueError saying which character is not allowed."""
    text = clean_text(text)
    allowed = _NAME_PUNCTUATION | set(extra)
    for ch in text:
        if ch not in allowed and unicodedata.category(ch)[0] not in ("L", "M"):
            shown = ch if ch.isprintable() else f"U+{ord(ch):04X}"
            raise ValueError(f"“{shown}” cannot be part of a name.")
    if text and not any(unicodedata.category(ch)[0] == "L" for ch in text):
        raise ValueError("A name needs at least one letter.")
    return text


def normalise_document_number(text: str) -> str:
    """A passport or ID number as printed, without spaces or hyphens, upper case.

    The same document typed as "a1234 567" or "A1234-567" compares equal,
    which is what duplicate checks need.
    """
    text = unicodedata.normalize("NFKC", text or "").upper()
    text = re.sub(r"[\s\-/.]", "", text)
    if not text:
        return ""
    if not re.fullmatch(r"[A-Z0-9]{5,20}", text):
        raise ValueError("Use the letters and digits of the document number (5 to 20).")
    return text
