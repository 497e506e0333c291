"""Locks for changes that depend on current state: rows on PostgreSQL, the write lock on SQLite.

Each function re-reads its rows with what other desks committed meanwhile, and
holds them until the transaction ends: a second change of the same rows waits
for the first and then sees it.
"""
from __future__ import annotations

from sqlalchemy import bindparam, select

from ..database import hold_write_lock
from ..extensions import db
from ..models import Badge, Delegate, Delegation, Job, Station


def _locked(query):
    hold_write_lock()  # SQLite: the only writer from here on; PostgreSQL: nothing to do
    if db.session.get_bind().dialect.name != "sqlite":
        query = query.with_for_update()
    return db.session.scalars(query.execution_options(populate_existing=True))


def lock_delegate(delegate: Delegate) -> Delegate:
    """Re-read `delegate` under a lock: a decision and a correction of the same
    application, or two desks printing one person's badge, happen one after the other."""
    return _locked(select(Delegate).where(Delegate.id == delegate.id)).one()


def lock_delegates(delegates: list[Delegate], *options) -> list[Delegate]:
    """Several people at once, always in id order so two desks never wait for each other;
    `options` load what the caller reads of each (e.g. selectinload(Delegate.badges))."""
    ids = sorted({d.id for d in delegates})
    locked = {d.id: d for d in _locked(select(Delegate).where(Delegate.id.in_(ids))
                                      .options(*options).order_by(Delegate.id))}
    return [locked[d.id] for d in delegates]


def lock_badge(badge: Badge) -> Badge:
    """Re-read a badge under a lock: printing and handing it over happen one after the other."""
    return _locked(select(Badge).where(Badge.id == badge.id)).one()


def lock_badges(badges: list[Badge]) -> list[Badge]:
    """Several badges, in id order (after their people, never before: one order, no deadlock)."""
    ids = sorted({b.id for b in badges})
    locked = {b.id: b for b in _locked(select(Badge).where(Badge.id.in_(ids)).order_by(Badge.id))}
    return [locked[b.id] for b in badges]


def lock_job(job: Job) -> Job:
    """Re-read a background job under a lock: two clerks starting a failed run again start it once."""
    return _locked(select(Job).where(Job.id == job.id)).one()


def lock_delegation(event_id: int, country: str) -> Delegation | None:
    """The delegation of `country` at an event, locked while its members are counted."""
    return _locked(select(Delegation).where(
        Delegation.event_id == event_id, Delegation.country == country)).one_or_none()


def lock_station(station: Station) -> Station:
    """Re-read a station under a lock: two admins retiring it, one after the other."""
    return _locked(select(Station).where(Station.id == station.id)).one()


def lock_delegate_scans(delegate_id: int) -> None:
    """Serialise door decisions about one person (single entry: two lanes, one badge)."""
    hold_write_lock()  # SQLite: the only writer from here on; PostgreSQL: nothing to do
    query = _SCANS_LOCK if db.session.get_bind().dialect.name == "sqlite" else _SCANS_LOCK_ROW
    db.session.execute(query, {"delegate_id": delegate_id}).one()


# Built once, not at every scan.
_SCANS_LOCK = select(Delegate.id).where(Delegate.id == bindparam("delegate_id"))
_SCANS_LOCK_ROW = _SCANS_LOCK.with_for_update()
