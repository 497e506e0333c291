"""Country names and codes (ISO 3166-1 alpha-2), as the forms and badges show them."""
from __future__ import annotations

from functools import cache

import pycountry

# Short forms used in ASEAN documents, where ISO's name is long.
_SHORT_NAMES = {"LA": "Lao PDR"}


def country_name(code: str) -> str:
    code = (code or "").upper()
    if code in _SHORT_NAMES:
        return _SHORT_NAMES[code]
    country = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


def is_country_code(code: str) -> bool:
    return len(code or "") == 2 and pycountry.countries.get(alpha_2=code.upper()) is not None


@cache
def country_choices() -> list[tuple[str, str]]:
    """(code, name) for every country, sorted by name, for select fields."""
    return sorted(((c.alpha_2, country_name(c.alpha_2)) for c in pycountry.countries),
                  key=lambda pair: pair[1])
