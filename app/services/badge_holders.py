"""What a door reads of a badge and its holder: a few columns of five tables, in one query.

A busy entrance decides hundreds of scans a minute. Loading the badge, its holder, the
holder's category, event and zones as ORM objects cost more CPU than everything else in a
scan; the door needs about twenty values of them, read here as plain rows (one per zone
the holder may enter) into a frozen `BadgeHolder`. `holder_of` builds the same from
objects already loaded, for the rarer paths that have them (a replayed or overridden scan).

A door device's scan reads its account and its checkpoint in that same statement
(`read_door_scan`): each statement is a round trip to the database and about a tenth of a
millisecond of the worker's CPU, and the account and checkpoint read apart were two of the
seven round trips of every scan.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from datetime import date, datetime, tzinfo

from sqlalchemy import Boolean, Select, and_, bindparam, exists, select, type_coerce

from ..extensions import db
from ..models import (Badge, Category, Checkpoint, Delegate, DelegateStatus, DoorDirections, Event,
                      SigningKey, StaffRole, StaffUser, Zone, delegate_zones)
from ..models.event import venue_timezone
from .codes import BadgeCode


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


@dataclass(frozen=True, slots=True)
class DoorCheckpoint:
    """A checkpoint as a scan's decision and answer read it."""

    id: int
    event_id: int
    code: str
    name: str
    zone_id: int | None
    single_entry: bool
    directions: DoorDirections

    @classmethod
    def of(cls, checkpoint: Checkpoint) -> DoorCheckpoint:
        return cls(checkpoint.id, checkpoint.event_id, checkpoint.code, checkpoint.name,
                   checkpoint.zone_id, checkpoint.single_entry, checkpoint.directions)


@dataclass(frozen=True, slots=True)
class DoorAccount:
    """The state of the account a door device is logged in as, read with its scan."""

    active: bool
    session_version: int
    role: StaffRole

    def has_role(self, *roles: StaffRole) -> bool:
        return self.role.may_act_as(*roles)


@dataclass(frozen=True, slots=True)
class DoorScanRead:
    """What one statement read for a door device's scan; None where nothing matched."""

    account: DoorAccount | None
    checkpoint: DoorCheckpoint | None
    #: The event's signing key the code names: (public key, retired at).
    key: tuple[str, datetime | None] | None
    holder: BadgeHolder | None


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


# A door device's scan: its account, the checkpoint (by id, or by a code no other event uses) and,
# for a signed code, the key and the badge with its holder, locked. Only for an account that may
# scan now: a dead session never locks (and so never holds up) a person the doors decide on.
_staff, _checkpoints = StaffUser.__table__, Checkpoint.__table__
_ACCOUNT = (_staff.c.active, _staff.c.session_version, _staff.c.role)
_CHECKPOINT = (_checkpoints.c.id, _checkpoints.c.event_id, _checkpoints.c.code, _checkpoints.c.name,
               _checkpoints.c.zone_id, _checkpoints.c.single_entry, _checkpoints.c.directions)
_other = _checkpoints.alias("other")
_CHECKPOINT_MATCH = {
    int: _checkpoints.c.id == bindparam("checkpoint"),
    str: and_(_checkpoints.c.code == bindparam("checkpoint"),
              ~exists().where(_other.c.code == _checkpoints.c.code, _other.c.id != _checkpoints.c.id)),
}
_KEY_OF_CHECKPOINT = and_(_keys.c.event_id == _checkpoints.c.event_id,
                          _keys.c.number == bindparam("key_number"))
_CONTEXT_START, _KEY_START = len(_ACCOUNT), len(_ACCOUNT) + len(_CHECKPOINT)
_DOOR_SCAN = {
    kind: _with_holder(
        select(*_ACCOUNT, *_CHECKPOINT, _keys.c.public_key, _keys.c.retired_at, *_HOLDER_COLUMNS)
        .select_from(_staff).join(_checkpoints, match)
        .join(_keys, and_(_KEY_OF_CHECKPOINT, _keys.c.event_id == bindparam("event_id")))
        .join(_badges, and_(_badges.c.id == bindparam("badge_id"),
                            _badges.c.signing_key_id == _keys.c.id))
    ).where(_staff.c.id == bindparam("user_id"), _staff.c.active.is_(True),
            _staff.c.session_version == bindparam("session_version"),
            _staff.c.role.in_(bindparam("roles", expanding=True)))
    for kind, match in _CHECKPOINT_MATCH.items()}
# When that finds nothing (a forged code, a typed serial, anything unsigned, an account that may not
# scan): the account, the checkpoint and the key the code names, each as far as it exists.
_DOOR_SCAN_CONTEXT = {
    kind: select(*_ACCOUNT, *_CHECKPOINT, _keys.c.public_key, _keys.c.retired_at)
    .select_from(_staff).outerjoin(_checkpoints, match).outerjoin(_keys, _KEY_OF_CHECKPOINT)
    .where(_staff.c.id == bindparam("user_id"))
    for kind, match in _CHECKPOINT_MATCH.items()}


def read_door_scan(user_id: int, session_version: int, roles: tuple[StaffRole, ...],
                   checkpoint: int | str, code: BadgeCode | None) -> DoorScanRead:
    """What a door device's scan of `code` (None: nothing signed was read) at `checkpoint` (its id
    or code) needs: the account `user_id`, the checkpoint, the key and the badge's holder, locked
    only while the account is active, at `session_version` and has one of `roles`.

    One statement for a signed badge scanned at its own event by an account that may scan
    (nearly every scan), a second when it finds none.
    """
    kind = type(checkpoint)
    if code is not None:
        rows = db.session.execute(_DOOR_SCAN[kind], {
            "user_id": user_id, "session_version": session_version, "roles": list(roles),
            "checkpoint": checkpoint, "event_id": code.event_id,
            "key_number": code.key_number, "badge_id": code.badge_id}).all()
        if rows:
            first = rows[0]
            return DoorScanRead(_account(first), DoorCheckpoint(*first[_CONTEXT_START:_KEY_START]),
                                (first[_KEY_START], first[_KEY_START + 1]),
                                _holder(rows, start=_KEY_START + 2))
    row = db.session.execute(_DOOR_SCAN_CONTEXT[kind], {
        "user_id": user_id, "checkpoint": checkpoint,
        "key_number": code.key_number if code is not None else None}).first()
    if row is None:
        return DoorScanRead(None, None, None, None)
    place = DoorCheckpoint(*row[_CONTEXT_START:_KEY_START]) if row[_CONTEXT_START] is not None else None
    key = (row[_KEY_START], row[_KEY_START + 1]) if row[_KEY_START] is not None else None
    return DoorScanRead(_account(row), place, key, None)


def _account(row) -> DoorAccount:
    return DoorAccount(*row[:_CONTEXT_START])


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
