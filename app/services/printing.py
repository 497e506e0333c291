"""From badges in the database to the plain data the `badges` renderer prints."""
from __future__ import annotations

import io
from collections.abc import Iterable

from badges import BadgeData, EventInfo, render_badges

from ..models import Badge, Event
from .countries import country_name
from .photos import read_photo

DEFAULT_LAYOUT = "cr80-portrait"


def event_info(event: Event) -> EventInfo:
    return EventInfo(
        name=event.name,
        short_name=event.slug.upper(),
        venue=event.venue,
        starts_on=event.starts_on,
        ends_on=event.ends_on,
        zone_legend=tuple((zone.code, zone.name) for zone in event.zones),
        host=event.host,
    )


def badge_data(badge: Badge) -> BadgeData:
    delegate = badge.delegate
    category = delegate.category
    return BadgeData(
        code=badge.code,
        name=delegate.printed_name,
        native_name=delegate.native_name,
        honorific=delegate.honorific,
        position=delegate.position,
        organisation=delegate.organisation,
        country_code=delegate.country,
        country_name=country_name(delegate.country),
        category_code=category.code,
        category_name=category.name,
        category_colour=category.colour,
        zones=tuple(zone.code for zone in delegate.zones),
        photo=read_photo(delegate.photo_file),
        serial=badge.serial,
        version=badge.version,
        valid_from=delegate.event.starts_on,
        valid_to=delegate.event.ends_on,
    )


def render_badge_pdf(event: Event, badges: Iterable[Badge], layout: str = "") -> bytes:
    out = io.BytesIO()
    render_badges((badge_data(b) for b in badges), out, event=event_info(event),
                  layout=layout or DEFAULT_LAYOUT)
    return out.getvalue()
