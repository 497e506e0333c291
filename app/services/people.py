"""Cleaning what people type about themselves: names, phone numbers, e-mail."""
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
        if ch in _KEEP_FORMAT or ch in "\t\r\n" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    return re.sub(r"\s+", " ", text).strip()


def normalise_phone(text: str, country: str = "") -> str:
    """The number in E.164 (+60123456789); ValueError with a readable message if invalid."""
    text = (text or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, (country or "").upper() or None)
    except phonenumbers.NumberParseException:
        raise ValueError("Enter the number with its country code, e.g. +60 12-345 6789.") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError("This is not a valid phone number for its country.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(text: str) -> str:
    try:
        return validate_email((text or "").strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from None
