"""Who is inside each zone: the newest scan that moved a person in or out of it decides.

A checkpoint without a zone leads into the venue itself: zone None. Presence is kept
per zone, not per door, so a person inside cannot enter again through another of the
zone's doors, and a copy of their badge cannot either.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, bindparam, func, select, true
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Checkpoint, Delegate, Scan, ScanDirection


def _same_zone(zone_id: int | None):
    return Scan.zone_id.is_(None) if zone_id is None else Scan.zone_id == zone_id


@dataclass(frozen=True, slots=True)
class Entry:
    """The scan by which a person entered a zone: what a door refusing a second entry says."""

    scan_id: int
    scanned_at: datetime
    checkpoint_name: str


def entry_if_inside(delegate_id: int, zone_id: int | None) -> Entry | None:
    """How the person entered the zone, if they are inside now (their newest move there was in)."""
    if zone_id is None:
        row = db.session.execute(_LAST_MOVE_IN_VENUE, {"delegate_id": delegate_id}).first()
    else:
        row = db.session.execute(_LAST_MOVE_IN_ZONE,
                                 {"delegate_id": delegate_id, "zone_id": zone_id}).first()
    if row is None or row.moved is not ScanDirection.IN:
        return None
    return Entry(row.id, row.scanned_at, row.name)


# Tables rather than mapped classes: the statement runs without the ORM's work (every door scan).
_scans, _checkpoints = Scan.__table__, Checkpoint.__table__


def _last_move_query(same_zone) -> Select:
    """The newest scan that moved a person in or out of a zone, as plain columns."""
    return (select(_scans.c.id, _scans.c.moved, _scans.c.scanned_at, _checkpoints.c.name)
            .join(_checkpoints, _checkpoints.c.id == _scans.c.checkpoint_id)
            .where(_scans.c.delegate_id == bindparam("delegate_id"), same_zone,
                   _scans.c.moved.is_not(None))
            .order_by(_scans.c.id.desc()).limit(1))


# Built once, not at every scan: one for the venue, one for any zone.
_LAST_MOVE_IN_VENUE = _last_move_query(_scans.c.zone_id.is_(None))
_LAST_MOVE_IN_ZONE = _last_move_query(_scans.c.zone_id == bindparam("zone_id"))


def inside(event_id: int, zone_id: int | None) -> list[tuple[Delegate, Scan]]:
    """Everyone inside a zone of an event now, with the scan they entered by, by name."""
    return _entries(event_id, _same_zone(zone_id))


def inside_by_zone(event_id: int) -> dict[int | None, list[tuple[Delegate, Scan]]]:
    """Everyone inside each zone of an event now (None: the venue), by name, in one query."""
    by_zone: dict[int | None, list[tuple[Delegate, Scan]]] = {}
    for delegate, scan in _entries(event_id, true()):
        by_zone.setdefault(scan.zone_id, []).append((delegate, scan))
    return by_zone


def inside_anywhere(event_id: int) -> Select:
    """The ids of the event's people inside the venue or any of its zones now (each once)."""
    newest = _newest_moves(event_id, true())
    return (select(Scan.delegate_id).join(newest, newest.c.id == Scan.id)
            .where(Scan.moved == ScanDirection.IN).distinct())


def _newest_moves(event_id: int, zones):
    """The id of each person's newest scan that moved them, per zone matching `zones`."""
    return (select(func.max(Scan.id).label("id"))
            .join(Delegate, Delegate.id == Scan.delegate_id)
            .where(Delegate.event_id == event_id, zones, Scan.moved.is_not(None))
            .group_by(Scan.delegate_id, Scan.zone_id).subquery())


def _entries(event_id: int, zones) -> list[tuple[Delegate, Scan]]:
    """(person, entry scan) for everyone whose newest move in a zone matching `zones` was in.

    What a roll-call shows of each row is loaded with it: no query per person.
    """
    newest = _newest_moves(event_id, zones)
    rows = db.session.execute(
        select(Delegate, Scan).join(Scan, Scan.delegate_id == Delegate.id)
        .join(newest, newest.c.id == Scan.id)
        .where(Scan.moved == ScanDirection.IN)
        .options(joinedload(Delegate.category), joinedload(Scan.checkpoint), joinedload(Scan.badge))
        .order_by(Delegate.country, Delegate.printed_name, Delegate.id)).all()
    return [(delegate, scan) for delegate, scan in rows]
