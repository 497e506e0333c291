"""Who is inside each zone: the newest scan that moved a person in or out of it decides.

A checkpoint without a zone leads into the venue itself: zone None. Presence is kept
per zone, not per door, so a person inside cannot enter again through another of the
zone's doors, and a copy of their badge cannot either.
"""
from __future__ import annotations

from sqlalchemy import func, select

from ..extensions import db
from ..models import Delegate, Scan, ScanDirection


def _same_zone(zone_id: int | None):
    return Scan.zone_id.is_(None) if zone_id is None else Scan.zone_id == zone_id


def last_move(delegate_id: int, zone_id: int | None) -> Scan | None:
    """The newest scan that moved this person in or out of the zone."""
    return db.session.scalar(select(Scan).where(
        Scan.delegate_id == delegate_id, _same_zone(zone_id), Scan.moved.is_not(None))
        .order_by(Scan.id.desc()).limit(1))


def entry_if_inside(delegate_id: int, zone_id: int | None) -> Scan | None:
    """The scan by which the person entered the zone, if they are inside now."""
    move = last_move(delegate_id, zone_id)
    return move if move is not None and move.moved is ScanDirection.IN else None


def inside(event_id: int, zone_id: int | None) -> list[tuple[Delegate, Scan]]:
    """Everyone inside a zone of an event now, with the scan they entered by, by name."""
    newest = (select(func.max(Scan.id).label("id"))
              .join(Delegate, Delegate.id == Scan.delegate_id)
              .where(Delegate.event_id == event_id, _same_zone(zone_id), Scan.moved.is_not(None))
              .group_by(Scan.delegate_id).subquery())
    rows = db.session.execute(
        select(Delegate, Scan).join(Scan, Scan.delegate_id == Delegate.id)
        .join(newest, newest.c.id == Scan.id)
        .where(Scan.moved == ScanDirection.IN)
        .order_by(Delegate.country, Delegate.printed_name)).all()
    return [(delegate, scan) for delegate, scan in rows]
