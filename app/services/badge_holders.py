"""What a door reads of a badge and its holder: a few columns of five tables, in one query.

A busy entrance decides hundreds of scans a minute. Loading the badge, its holder, the
holder's category, event and zones as ORM objects cost more CPU than everything else in a
scan; the door needs about twenty values of them, read here as plain rows (one per zone
the holder may enter) into a frozen `BadgeHolder`. `holder_of` builds the same from
objects already loaded, for the rarer paths that have them (a replayed or overridden scan).
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from datetime import date, datetime, tzinfo

from sqlalchemy import Boolean, Select, and_, bindparam, exists, select, type_coerce

from ..extensions import db
from ..models import Badge, Category, Delegate, DelegateStatus, Event, SigningKey, Zone, delegate_zones
from ..models.event import venue_timezone


@dataclass(frozen=True, slots=True)
class ZonePass:
    id: int
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class EventDays:
    """The days a badge is valid, on the venue's clock (what `within_event_days` reads)."""

    starts_on: date
    ends_on: date
    timezone: str

    def at_venue(self, moment: datetime) -> datetime:
        return moment.astimezone(self.venue_timezone)

    @property
    def venue_timezone(self) -> tzinfo:
        return venue_timezone(self.timezone)


@dataclass(frozen=True, slots=True)
class BadgeHolder:
    """One badge version and what the door's rules and answer need of its holder."""

    badge_id: int
    version: int
    handed_over_at: datetime | None
    revoked_at: datetime | None
    revoked_reason: str
    #: A newer version of this badge exists (a revoked badge is then "superseded").
    superseded: bool
    person_id: int
    status: DelegateStatus
    honorific: str
    printed_name: str
    native_name: str
    organisation: str
    country: str
    has_photo: bool
    category_code: str
    category_name: str
    category_colour: str
    zones: tuple[ZonePass, ...]
    event: EventDays

    @property
    def serial(self) -> str:
        return f"B{self.badge_id:06d}-{self.version}"

    def may_enter(self, zone_id: int) -> bool:
        return any(zone.id == zone_id for zone in self.zones)


def holder_of(badge: Badge) -> BadgeHolder:
    """The door's view of a badge whose objects are loaded already."""
    person = badge.delegate
    event = person.event
    return BadgeHolder(
        badge_id=badge.id, version=badge.version, handed_over_at=badge.handed_over_at,
        revoked_at=badge.revoked_at, revoked_reason=badge.revoked_reason,
        superseded=any(other.version > badge.version for other in person.badges),
        person_id=person.id, status=person.status, honorific=person.honorific,
        printed_name=person.printed_name, native_name=person.native_name,
        organisation=person.organisation, country=person.country,
        has_photo=bool(person.photo_file), category_code=person.category.code,
        category_name=person.category.name, category_colour=person.category.colour,
        zones=tuple(ZonePass(zone.id, zone.code, zone.name) for zone in person.zones),
        event=EventDays(event.starts_on, event.ends_on, event.timezone))


# Tables rather than mapped classes: a statement of plain columns runs without the ORM's work
# per statement and per row.
_badges, _people, _categories = Badge.__table__, Delegate.__table__, Category.__table__
_events, _zones, _keys = Event.__table__, Zone.__table__, SigningKey.__table__
_newer = _badges.alias("newer")
# Read with every holder, in this order: BadgeHolder's fields up to its zones, the event's days,
# one zone the holder may enter (`_holder` reads them back by position).
_FIELDS = (
    _badges.c.id, _badges.c.version, _badges.c.handed_over_at, _badges.c.revoked_at,
    _badges.c.revoked_reason,
    type_coerce(exists().where(_newer.c.delegate_id == _badges.c.delegate_id,
                               _newer.c.version > _badges.c.version), Boolean),
    _people.c.id, _people.c.status, _people.c.honorific, _people.c.printed_name,
    _people.c.native_name, _people.c.organisation, _people.c.country,
    type_coerce(_people.c.photo_file != "", Boolean),
    _categories.c.code, _categories.c.name, _categories.c.colour)
_EVENT_DAYS = (_events.c.starts_on, _events.c.ends_on, _events.c.timezone)
_ZONE_PASS = (_zones.c.id, _zones.c.code, _zones.c.name)
_HOLDER_COLUMNS = _FIELDS + _EVENT_DAYS + _ZONE_PASS
_EVENT, _ZONE = len(_FIELDS), len(_FIELDS) + len(_EVENT_DAYS)


def _with_holder(query: Select, *, lock: bool = True) -> Select:
    """`query` (which has the badges table in its FROM) joined to the holder, one row per zone (ordered as
    the badge prints them). `lock`: the holder's row stays locked until the transaction ends, so
    two doors deciding on one person at once decide one after the other (PostgreSQL; SQLite's
    scans hold the database's write lock from their start)."""
    query = (query.join(_people, _people.c.id == _badges.c.delegate_id)
             .join(_categories, _categories.c.id == _people.c.category_id)
             .join(_events, _events.c.id == _people.c.event_id)
             .outerjoin(delegate_zones, delegate_zones.c.delegate_id == _people.c.id)
             .outerjoin(_zones, _zones.c.id == delegate_zones.c.zone_id)
             .order_by(_badges.c.id, _zones.c.code))
    return query.with_for_update(of=_people) if lock else query


def _holder(rows, start: int = 0) -> BadgeHolder | None:
    """The holder read by a `_with_holder` query whose holder columns begin at `start`."""
    first = rows[0][start:] if rows else None
    if first is None or first[0] is None:
        return None
    zone = slice(start + _ZONE, start + _ZONE + len(_ZONE_PASS))
    return BadgeHolder(
        *first[:_EVENT],
        zones=tuple(ZonePass(*row[zone]) for row in rows if row[zone][0] is not None),
        event=EventDays(*first[_EVENT:_ZONE]))


# Built once, not at every scan (the statement cache still needs each one built and keyed).
_KEY = (select(_keys.c.public_key, _keys.c.retired_at)
        .where(_keys.c.event_id == bindparam("event_id"),
               _keys.c.number == bindparam("key_number")))
_KEY_AND_HOLDER = _with_holder(
    _KEY.add_columns(*_HOLDER_COLUMNS)
    .join(_badges, and_(_badges.c.id == bindparam("badge_id"),
                        _badges.c.signing_key_id == _keys.c.id)))

_HOLDER_BY_SERIAL = _with_holder(
    select(*_HOLDER_COLUMNS).select_from(_badges)
    .where(_badges.c.id == bindparam("badge_id"), _badges.c.version == bindparam("version"))
).where(_people.c.event_id == bindparam("event_id"))

_EVENT_HOLDERS = _with_holder(select(*_HOLDER_COLUMNS).select_from(_badges), lock=False).where(
    _people.c.event_id == bindparam("event_id"))

_HOLDER_BY_LEGACY_CODE = _with_holder(
    select(*_HOLDER_COLUMNS).select_from(_badges)
    .where(_badges.c.code == bindparam("code"), _badges.c.revoked_at.is_not(None))
).where(_people.c.event_id == bindparam("event_id"))


def key_and_holder(event_id: int, key_number: int, badge_id: int
                   ) -> tuple[str, datetime | None, BadgeHolder | None] | None:
    """The event's signing key `key_number` (its public key and retirement) and the badge
    `badge_id` it signed with its holder, locked; None when the event has no such key.

    One query for a badge that exists (nearly every scan), a second for the key alone
    when none does (a forged code, a badge from a restored backup).
    """
    key = {"event_id": event_id, "key_number": key_number}
    rows = db.session.execute(_KEY_AND_HOLDER, {**key, "badge_id": badge_id}).all()
    if rows:
        return rows[0][0], rows[0][1], _holder(rows, start=2)
    found = db.session.execute(_KEY, key).first()
    return (found[0], found[1], None) if found is not None else None


def holder_by_serial(event_id: int, badge_id: int, version: int) -> BadgeHolder | None:
    """The event's badge with this id and version (the serial printed on it), with its holder,
    locked."""
    return _holder(db.session.execute(_HOLDER_BY_SERIAL, {
        "badge_id": badge_id, "version": version, "event_id": event_id}).all())


def holders_of_event(event_id: int) -> list[BadgeHolder]:
    """Every badge of the event, live and stopped, with its holder, by badge id."""
    rows = db.session.execute(_EVENT_HOLDERS, {"event_id": event_id}).all()
    return [_holder(list(group)) for _, group in groupby(rows, key=itemgetter(0))]


def revoked_holder_by_code(event_id: int, code: str) -> BadgeHolder | None:
    """The event's revoked badge with this stored code, with its holder, locked."""
    return _holder(db.session.execute(_HOLDER_BY_LEGACY_CODE, {
        "code": code, "event_id": event_id}).all())
