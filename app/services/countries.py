"""Country names and codes (ISO 3166-1 alpha-2): one source for every form, page, badge and
export, the CLDR names Babel ships, sorted the way people look them up."""
from __future__ import annotations

import unicodedata
from functools import cache

from babel import Locale

# Two-letter regions CLDR names that no passport or delegation comes from: groupings, outlying
# islands without their own ISO 3166 code, and the pseudo-locales.
_NOT_COUNTRIES = {"EU", "EZ", "UN", "ZZ", "QO", "AC", "CP", "CQ", "DG", "EA", "IC", "TA", "XA", "XB"}


@cache
def _names() -> dict[str, str]:
    return {code: name for code, name in Locale("en").territories.items()
            if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES}


def country_name(code: str) -> str:
    """The country's name as every page shows it (the code itself if it names no country)."""
    code = (code or "").upper()
    return _names().get(code, code)


def is_country_code(code: str) -> bool:
    return (code or "").upper() in _names()


def collation_key(text: str) -> tuple[str, str]:
    """Sort like a dictionary: letters without their accents first (Åland with Albania,
    Türkiye before Tuvalu), then the accented form, so the order never depends on code points."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in folded if not unicodedata.combining(c)), text


@cache
def country_choices() -> list[tuple[str, str]]:
    """(code, name) for every country, sorted by name, for select fields."""
    return sorted(_names().items(), key=lambda pair: collation_key(pair[1]))
