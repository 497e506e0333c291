"""What a layout's templates and colours stand for on one badge: the fields
(`{name}`, `{validity}`, `{event_dates}` ...) and the colour words."""
from __future__ import annotations

import functools
import string
from datetime import date
from typing import Mapping

from . import colour, text
from .model import BadgeData, EventInfo


def format_date(d: date | None) -> str:
    return f"{d.day} {d:%b %Y}" if d else ""


def date_range(start: date | None, end: date | None) -> str:
    if start and end and start != end:
        if (start.year, start.month) == (end.year, end.month):
            return f"{start.day}\u2013{end.day} {end:%b %Y}"
        if start.year == end.year:
            return f"{start.day} {start:%b} \u2013 {end.day} {end:%b %Y}"
        return f"{format_date(start)} \u2013 {format_date(end)}"
    return format_date(start or end)


def event_values(event: EventInfo) -> dict[str, str]:
    return {
        "event_name": event.name, "event_short_name": event.short_name or event.name,
        "venue": event.venue, "event_dates": date_range(event.starts_on, event.ends_on),
        "host": event.host, "emergency_contact": event.emergency_contact,
    }


class Values(dict):
    def __missing__(self, key):  # layouts are validated; this only guards odd data
        return ""


def badge_values(badge: BadgeData, event: dict[str, str]) -> Values:
    country = badge.country_name
    if badge.country_code:
        country = f"{country} ({badge.country_code})" if country else badge.country_code
    serial_version = badge.serial
    if badge.version and badge.version > 1:
        serial_version = f"{badge.serial} v{badge.version}".strip()
    values = Values(event)
    values.update({
        "name": badge.name, "native_name": badge.native_name, "honorific": badge.honorific,
        "position": badge.position, "organisation": badge.organisation,
        "country_code": badge.country_code, "country_name": badge.country_name,
        "country": country, "category_code": badge.category_code,
        "category_name": badge.category_name, "serial": badge.serial,
        "version": str(badge.version), "valid_from": format_date(badge.valid_from),
        "valid_to": format_date(badge.valid_to),
        "validity": date_range(badge.valid_from, badge.valid_to),
        "zones": " ".join(badge.zones), "serial_version": serial_version,
    })
    return values


@functools.lru_cache(maxsize=256)
def template_fields(template: str) -> tuple[str, ...]:
    return tuple(f for _, f, _, _ in string.Formatter().parse(template) if f)


def fill_template(template: str, values: Mapping, uppercase: bool = False) -> str:
    """The template with the badge's values, cleaned; "" when all its fields are empty
    ("Valid {validity}" prints nothing when there is no validity)."""
    fields = template_fields(template)
    if fields and not any(values.get(f) for f in fields):
        return ""
    content = text.clean(template.format_map(values))
    return content.upper() if uppercase else content


def describe(template: str) -> str:
    """What a template prints, for a warning: "the name", "organisation"."""
    fields = template_fields(template)
    if "name" in fields:
        return "the name"
    return ", ".join(f.replace("_", " ") for f in fields) or repr(template)


def ink(el, key: str, badge: BadgeData | None, default=(0.0, 0.0, 0.0)):
    """The colour the element's `key` names, for this badge's category."""
    return colour.resolve(el.get(key), badge.category_colour if badge else "", default)
