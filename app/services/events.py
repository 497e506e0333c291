"""Setting up an event: its details, delegations, zones, categories and checkpoints.

Each function checks its input, refuses with a ServiceError naming the field
(nothing written), or makes the change with its audit record and commits.
"""
from __future__ import annotations

import os
import re
from dataclasses import asdict, dataclass
from datetime import date, datetime, timezone
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from badges.colour import NEAR_COLOUR_DELTA_E, VISIONS, NearColour, near_colours

from ..extensions import db
from ..models import (Category, Checkpoint, Delegate, Delegation, DelegationInvitation,
                      DoorDirections, Event, Scan, Zone, category_default_zones, delegate_zones)
from ..models._types import utcnow
from .audit import Actor, record, snapshot
from .countries import country_name, is_country_code
from .errors import InvalidState, ServiceError
from .keys import new_signing_key

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
ZONE_CODE = re.compile(r"[A-Z0-9]{1,8}\Z")
CATEGORY_CODE = re.compile(r"[A-Z]{1,2}\Z")
CHECKPOINT_CODE = re.compile(r"(?=.{1,32}\Z)[A-Z0-9]+(?:[-_][A-Z0-9]+)*\Z")
COLOUR = re.compile(r"#[0-9A-F]{6}\Z")
MAX_PRIVACY_NOTICE = 20_000
# Days and times an admin enters (meeting days, registration window, liaison links) fall in
# these years: far outside them, moving a time between zones leaves Python's calendar.
FIRST_YEAR, LAST_YEAR = 2000, 2100
# More than any meeting accredits; a larger cap is a typing error (or past what a column holds).
MAX_DELEGATION_CAP = 100_000

PART_FIELDS = {
    Delegation: ("country", "max_members"),
    Zone: ("code", "name"),
    Category: ("code", "name", "colour", "self_service", "default_zones", "needs_clearance"),
    Checkpoint: ("code", "name", "zone", "single_entry", "directions"),
}
EVENT_FIELDS = ("slug", "name", "venue", "starts_on", "ends_on", "timezone", "host",
                "emergency_contact", "registration_opens_at", "registration_closes_at",
                "privacy_notice", "document_valid_months", "badge_collection")
#: The longest a document may have to stay valid after the meeting (ten years: any passport).
MAX_DOCUMENT_VALID_MONTHS = 120


# --- time zones ------------------------------------------------------------

@cache
def timezone_names() -> list[str]:
    """Every IANA time zone this server knows, sorted, for the event form."""
    return sorted(available_timezones())


def server_timezone() -> str:
    """The server's own IANA time zone if it can be named, otherwise "UTC"."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    localtime = os.path.realpath("/etc/localtime")
    if "zoneinfo/" in localtime:
        candidates.append(localtime.split("zoneinfo/", 1)[1])
    known = set(timezone_names())
    return next((name for name in candidates if name in known), "UTC")


def check_in_calendar(value: date | None, field: str) -> None:
    """Refuse a day or time an admin entered outside FIRST_YEAR to LAST_YEAR (ServiceError)."""
    if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
        noun = "time" if isinstance(value, datetime) else "day"
        raise ServiceError(f"Enter a {noun} between the years {FIRST_YEAR} and {LAST_YEAR}.",
                           field=field)


def venue_time(event: Event, moment: datetime | None) -> datetime | None:
    """A stored UTC moment as the venue's wall clock (naive), as the admin entered it."""
    if moment is None:
        return None
    return event.at_venue(moment).replace(tzinfo=None)


# --- the event -------------------------------------------------------------

@dataclass
class EventDetails:
    """What the admin enters about an event. The registration window is in venue time."""

    slug: str
    name: str
    starts_on: date | None
    ends_on: date | None
    timezone: str = "UTC"
    venue: str = ""
    host: str = ""
    emergency_contact: str = ""
    registration_opens: datetime | None = None
    registration_closes: datetime | None = None
    privacy_notice: str = ""
    document_valid_months: int | None = 0
    badge_collection: str = ""


def create_event(details: EventDetails, actor: Actor) -> Event:
    """A new, empty event; delegations, zones, categories and checkpoints are added next."""
    values = _checked_event(details, None)
    event = Event(**values)
    db.session.add(event)
    _flush_or_refuse(f"Another event already uses the address {values['slug']!r}.", "slug")
    record(actor, "event.created", event, after=snapshot(event, *EVENT_FIELDS))
    new_signing_key(event, actor)  # the event's badges are signed from its first badge on
    db.session.commit()
    return event


def update_event(event: Event, details: EventDetails, actor: Actor) -> None:
    values = _checked_event(details, event)
    _apply(event, values, actor, "event.updated",
           unique=(f"Another event already uses the address {values['slug']!r}.", "slug"))


def _checked_event(details: EventDetails, event: Event | None) -> dict:
    d = EventDetails(**{k: v.strip() if isinstance(v, str) else v
                        for k, v in asdict(details).items()})
    if not SLUG.match(d.slug) or len(d.slug) > 64:
        raise ServiceError("Use lowercase letters, digits and single hyphens (up to 64), "
                           "e.g. amim23.", field="slug")
    if db.session.scalar(select(Event.id).where(
            Event.slug == d.slug, Event.id != (event.id if event else None))):
        raise ServiceError(f"Another event already uses the address {d.slug!r}.", field="slug")
    if event is not None and d.slug != event.slug and _count(
            select(Delegate.id).where(Delegate.event_id == event.id)):
        raise ServiceError("People have registered with the current address; it cannot change "
                           "now, or their links would stop working.", field="slug")
    _require(d.name, "Enter the event's name.", "name")
    _longest(200, name=d.name, venue=d.venue, host=d.host)
    _longest(120, emergency_contact=d.emergency_contact)
    _longest(MAX_PRIVACY_NOTICE, privacy_notice=d.privacy_notice, badge_collection=d.badge_collection)
    months = d.document_valid_months or 0
    if not 0 <= months <= MAX_DOCUMENT_VALID_MONTHS:
        raise ServiceError(f"Enter a number of months from 0 to {MAX_DOCUMENT_VALID_MONTHS}.",
                           field="document_valid_months")
    if d.starts_on is None:
        raise ServiceError("Enter the first day of the meeting.", field="starts_on")
    if d.ends_on is None:
        raise ServiceError("Enter the last day of the meeting.", field="ends_on")
    for name in ("starts_on", "ends_on", "registration_opens", "registration_closes"):
        check_in_calendar(getattr(d, name), name)
    if d.ends_on < d.starts_on:
        raise ServiceError("The last day cannot be before the first day.", field="ends_on")
    if d.timezone not in timezone_names():
        raise ServiceError(f"Unknown time zone {d.timezone!r}; choose one from the list.",
                           field="timezone")
    zone = ZoneInfo(d.timezone)
    opens, closes = (moment.replace(tzinfo=zone).astimezone(timezone.utc) if moment else None
                     for moment in (d.registration_opens, d.registration_closes))
    if opens and closes and closes <= opens:
        raise ServiceError("Registration must close after it opens.", field="registration_closes")
    return {"slug": d.slug, "name": d.name, "venue": d.venue, "starts_on": d.starts_on,
            "ends_on": d.ends_on, "timezone": d.timezone, "host": d.host,
            "emergency_contact": d.emergency_contact, "registration_opens_at": opens,
            "registration_closes_at": closes, "privacy_notice": d.privacy_notice,
            "document_valid_months": months, "badge_collection": d.badge_collection}


# --- delegations -----------------------------------------------------------

def add_delegation(event: Event, country: str, max_members: int | None,
                   actor: Actor) -> Delegation:
    values = _checked_delegation(event, None, country, max_members)
    return _add(Delegation(event=event, **values), actor, "delegation.added")


def update_delegation(delegation: Delegation, country: str, max_members: int | None,
                      actor: Actor) -> None:
    values = _checked_delegation(delegation.event, delegation, country, max_members)
    _apply(delegation, values, actor, "delegation.updated")


def remove_delegation(delegation: Delegation, actor: Actor) -> None:
    """Only a delegation nobody belongs to, without a liaison link still working."""
    _refuse_if_used(delegation, f"The {delegation.name} delegation")
    if any(i.usable(utcnow()) for i in _invitations(delegation)):
        raise InvalidState(f"The {delegation.name} delegation has a liaison link that still "
                           "works; withdraw it on the invitations page first.")
    for invitation in _invitations(delegation):
        db.session.delete(invitation)  # withdrawn or expired; their history stays in the audit
    _remove(delegation, actor, "delegation.removed")


def _checked_delegation(event: Event, delegation: Delegation | None, country: str,
                        max_members: int | None) -> dict:
    country = (country or "").strip().upper()
    if not is_country_code(country):
        raise ServiceError("Choose a country from the list.", field="country")
    if _taken(Delegation, event, delegation, country=country):
        raise ServiceError(f"{country_name(country)} already has a delegation at this event.",
                           field="country")
    members = _members(delegation)
    if members and country != delegation.country:  # people keep their country
        raise ServiceError(f"{members} people belong to this delegation; its country cannot "
                           "change now.", field="country")
    if max_members is not None:
        if max_members < 1:
            raise ServiceError("Enter a cap of at least 1, or leave it empty for no cap.",
                               field="max_members")
        if max_members > MAX_DELEGATION_CAP:
            raise ServiceError(f"Enter a cap of at most {MAX_DELEGATION_CAP:,}, or leave it empty "
                               "for no cap.", field="max_members")
        if max_members < members:
            raise ServiceError(f"{members} people already belong to this delegation; "
                               "the cap cannot be lower.", field="max_members")
    return {"country": country, "max_members": max_members}


def _members(delegation: Delegation | None) -> int:
    if delegation is None:
        return 0
    return _count(select(Delegate.id).where(Delegate.delegation_id == delegation.id))


def _invitations(delegation: Delegation) -> list[DelegationInvitation]:
    return list(db.session.scalars(select(DelegationInvitation).where(
        DelegationInvitation.delegation_id == delegation.id)))


# --- zones -----------------------------------------------------------------

def add_zone(event: Event, code: str, name: str, actor: Actor) -> Zone:
    return _add(Zone(event=event, **_checked_zone(event, None, code, name)), actor, "zone.added")


def update_zone(zone: Zone, code: str, name: str, actor: Actor) -> None:
    _apply(zone, _checked_zone(zone.event, zone, code, name), actor, "zone.updated")


def remove_zone(zone: Zone, actor: Actor) -> None:
    """Only a zone no person, checkpoint or category default gives access to."""
    _refuse_if_used(zone, f"Zone {zone.code}")
    _remove(zone, actor, "zone.removed")


def _checked_zone(event: Event, zone: Zone | None, code: str, name: str) -> dict:
    return _code_and_name(event, zone, Zone, code, name, ZONE_CODE,
                          "Use up to 8 letters or digits, e.g. 1 or VIP.", "Plenary hall", 120)


# --- categories ------------------------------------------------------------

def add_category(event: Event, code: str, name: str, colour: str, self_service: bool,
                 default_zones: list[str], actor: Actor, keep_family: bool = False,
                 needs_clearance: bool = False) -> Category:
    """A new category. A colour nearly the same as another category's is refused unless
    `keep_family`: the admin means the two to be one colour family."""
    values = _checked_category(event, None, code, name, colour, self_service, default_zones,
                               keep_family)
    return _add(Category(event=event, needs_clearance=bool(needs_clearance), **values), actor,
                "category.added")


def update_category(category: Category, code: str, name: str, colour: str, self_service: bool,
                    default_zones: list[str], actor: Actor, keep_family: bool = False,
                    needs_clearance: bool = False) -> None:
    """Also moves the category's people when whether it needs clearance changes: a person
    approved but not cleared is no longer ready to print (and their badge no longer opens
    doors) once clearance is needed, and ready once it is not."""
    values = _checked_category(category.event, category, code, name, colour, self_service,
                               default_zones, keep_family)
    # Imported here: vetting builds on registration, which builds on the event's setup.
    from .vetting import settle_category
    _apply(category, {**values, "needs_clearance": bool(needs_clearance)}, actor, "category.updated",
           then=lambda: settle_category(category, actor))


def remove_category(category: Category, actor: Actor) -> None:
    """Only a category nobody has."""
    _refuse_if_used(category, f"Category {category.code}")
    _remove(category, actor, "category.removed")


def _checked_category(event: Event, category: Category | None, code: str, name: str, colour: str,
                      self_service: bool, default_zones: list[str], keep_family: bool) -> dict:
    values = _code_and_name(event, category, Category, code, name, CATEGORY_CODE,
                            "Use one or two letters, e.g. D for delegates.", "Delegate", 80)
    colour = (colour or "").strip().upper()
    if not COLOUR.match(colour):
        raise ServiceError("Enter the colour as # and six hexadecimal digits, e.g. #D32F2F.",
                           field="colour")
    if not keep_family and (category is None or colour != category.colour):
        near = similar_colours(event, category, colour)
        if near:
            raise ServiceError(_family_message(near), code="colour_family", field="colour")
    return {**values, "colour": colour, "self_service": bool(self_service),
            "default_zones": zones_by_code(event, default_zones or [], "default_zones")}


def similar_colours(event: Event, category: Category | None, colour: str,
                    vision: str = "normal") -> list[NearColour]:
    """The event's other categories whose colour is within NEAR_COLOUR_DELTA_E (CIEDE2000)
    of `colour`, as people with `vision` see them."""
    others = [(f"{c.code} {c.name}", c.colour) for c in event.categories
              if category is None or c.id != category.id]
    return near_colours(colour, others, vision=vision)


def _family_message(near: list[NearColour]) -> str:
    closest = near[0]
    names = ", ".join(n.label for n in near)
    return (f"Nearly the same colour as {names} (CIEDE2000 difference {closest.delta_e:.1f}; "
            f"below {NEAR_COLOUR_DELTA_E:g} two badge colours read as one at a glance). Choose "
            "another colour, or tick “Keep as a colour family” if they belong together: "
            "badges of one family are told apart by their code letter and name.")


def colour_notes(event: Event) -> dict[int, list[str]]:
    """Per category, what its colour shares with others: the families the admin kept, and
    the pairs that look alike to people with a colour-vision deficiency (told apart on
    the badge by the code letter)."""
    notes: dict[int, list[str]] = {}
    for category in event.categories:
        seen: set[str] = set()
        for vision in VISIONS:
            for near in similar_colours(event, category, category.colour, vision):
                if near.label in seen:
                    continue
                seen.add(near.label)
                notes.setdefault(category.id, []).append(
                    f"colour family with {near.label}" if vision == "normal" else
                    f"looks like {near.label} to people with {vision}")
    return notes


def zones_by_code(event: Event, codes: list[str], field: str) -> list[Zone]:
    """The event's zones with these codes; ServiceError naming any unknown code."""
    by_code = {zone.code: zone for zone in event.zones}
    unknown = [code for code in codes if code not in by_code]
    if unknown:
        raise ServiceError(f"Unknown zone: {', '.join(unknown)}.", field=field)
    return [by_code[code] for code in sorted(set(codes))]


# --- checkpoints -----------------------------------------------------------

def add_checkpoint(event: Event, code: str, name: str, zone: str, single_entry: bool,
                   actor: Actor, directions: str = DoorDirections.BOTH) -> Checkpoint:
    values = _checked_checkpoint(event, None, code, name, zone, single_entry, directions)
    return _add(Checkpoint(event=event, **values), actor, "checkpoint.added")


def update_checkpoint(checkpoint: Checkpoint, code: str, name: str, zone: str,
                      single_entry: bool, actor: Actor, directions: str = DoorDirections.BOTH) -> None:
    values = _checked_checkpoint(checkpoint.event, checkpoint, code, name, zone, single_entry,
                                 directions)
    _apply(checkpoint, values, actor, "checkpoint.updated")


def remove_checkpoint(checkpoint: Checkpoint, actor: Actor) -> None:
    """Only a checkpoint that has recorded no scans: the door log must stay whole."""
    _refuse_if_used(checkpoint, f"Checkpoint {checkpoint.code}")
    _remove(checkpoint, actor, "checkpoint.removed")


def _checked_checkpoint(event: Event, checkpoint: Checkpoint | None, code: str, name: str, zone: str,
                        single_entry: bool, directions: str) -> dict:
    values = _code_and_name(event, checkpoint, Checkpoint, code, name, CHECKPOINT_CODE,
                            "Use letters and digits, with - or _ between words (up to 32), "
                            "e.g. MAIN.", "Main entrance", 120)
    zone = (zone or "").strip()
    guarded = zones_by_code(event, [zone], "zone")[0] if zone else None
    try:
        directions = DoorDirections(directions or DoorDirections.BOTH)
    except ValueError:
        raise ServiceError("Choose which way people may pass.", field="directions") from None
    return {**values, "zone": guarded, "single_entry": bool(single_entry), "directions": directions}


# --- what uses what --------------------------------------------------------

def uses_of(item: Delegation | Zone | Category | Checkpoint) -> list[str]:
    """What keeps `item` from being removed, as the admin reads it; empty if nothing."""
    if isinstance(item, Delegation):
        return _counted(_members(item), "person", "people")
    if isinstance(item, Category):
        return _counted(_count(select(Delegate.id).where(Delegate.category_id == item.id)),
                        "person", "people")
    if isinstance(item, Checkpoint):
        return _counted(_count(select(Scan.id).where(Scan.checkpoint_id == item.id)),
                        "scan", "scans")
    people = _count(select(delegate_zones.c.delegate_id).where(delegate_zones.c.zone_id == item.id))
    doors = db.session.scalars(select(Checkpoint.code).where(Checkpoint.zone_id == item.id)
                               .order_by(Checkpoint.code)).all()
    defaults = db.session.scalars(
        select(Category.code).join(category_default_zones)
        .where(category_default_zones.c.zone_id == item.id).order_by(Category.code)).all()
    return (_counted(people, "person", "people")
            + [f"checkpoint {code}" for code in doors]
            + [f"default of category {code}" for code in defaults])


def current_values(item: Delegation | Zone | Category | Checkpoint) -> dict:
    """The values the add and update functions take, as `item` has them (zones by code)."""
    return _audited(item, *PART_FIELDS[type(item)])


def _counted(number: int, one: str, many: str) -> list[str]:
    return [f"{number} {one if number == 1 else many}"] if number else []


def _refuse_if_used(item, label: str) -> None:
    uses = uses_of(item)
    if uses:
        raise InvalidState(f"{label} cannot be removed: it is in use ({', '.join(uses)}).")


# --- shared steps ----------------------------------------------------------

def _count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def _taken(model, event: Event, item, **values) -> bool:
    """Whether another row of `model` in `event` than `item` has these values."""
    query = select(model.id).where(model.event_id == event.id,
                                   *(getattr(model, k) == v for k, v in values.items()))
    if item is not None:
        query = query.where(model.id != item.id)
    return db.session.scalar(query) is not None


def _code_and_name(event: Event, item, model, code: str, name: str, pattern: re.Pattern,
                   code_rule: str, name_example: str, longest: int) -> dict:
    """The checked code (upper case, unique in the event) and name of a zone, category or door."""
    noun = model.__name__.lower()
    code = (code or "").strip().upper()
    if not pattern.match(code):
        raise ServiceError(code_rule, field="code")
    if _taken(model, event, item, code=code):
        raise ServiceError(f"There is already a {noun} {code}.", field="code")
    name = (name or "").strip()
    _require(name, f"Enter the {noun}'s name, e.g. {name_example}.", "name")
    _longest(longest, name=name)
    return {"code": code, "name": name}


def _require(value: str, message: str, field: str) -> None:
    if not value:
        raise ServiceError(message, field=field)


def _longest(limit: int, **values: str) -> None:
    for field, value in values.items():
        if len(value) > limit:
            raise ServiceError(f"Use at most {limit} characters.", field=field)


def _add(item, actor: Actor, action: str):
    """Store a new part of an event (built only once its values were checked)."""
    db.session.add(item)
    _flush_or_refuse("Someone else has just added the same; reload and check.",
                     PART_FIELDS[type(item)][0])
    record(actor, action, item, after=current_values(item))
    db.session.commit()
    return item


def _apply(item, values: dict, actor: Actor, action: str, unique: tuple[str, str] | None = None,
           then=None) -> None:
    """Set the changed values, audit them (before and after) and commit; nothing if unchanged.

    `then` runs after the change, in the same transaction (what follows from it).
    """
    changed = {name: value for name, value in values.items()
               if _comparable(getattr(item, name)) != _comparable(value)}
    if not changed:
        return
    before = _audited(item, *changed)
    for name, value in changed.items():
        setattr(item, name, value)
    _flush_or_refuse(*unique or ("Someone else has just saved the same; reload and check.",
                                 PART_FIELDS[type(item)][0]))
    record(actor, action, item, before=before, after=_audited(item, *changed))
    if then is not None:
        then()
    db.session.commit()


def _remove(item, actor: Actor, action: str) -> None:
    record(actor, action, item, before=current_values(item))
    db.session.delete(item)
    _flush_or_refuse("It has come into use just now, so it stays.")
    db.session.commit()


def _comparable(value):
    # Zones in a list are compared as a set: their order is the database's.
    return {zone.id for zone in value} if isinstance(value, list) else value


def _audited(item, *names: str) -> dict:
    """The values of `item` for the audit trail and the forms; zones are named by code."""
    def named(value):
        if isinstance(value, Zone):
            return value.code
        if isinstance(value, list):
            return [zone.code for zone in value]
        return value
    return {name: named(value) for name, value in snapshot(item, *names).items()}


def _flush_or_refuse(message: str, field: str | None = None) -> None:
    # Two admins saving at once, or a first scan at a door being removed: the
    # database's constraints decide, and the admin is told.
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise ServiceError(message, field=field) from None
