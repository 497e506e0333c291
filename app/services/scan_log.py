"""The security office's reading of the door record: the scan log with its filters and CSV,
and the flagged scans of the day that someone should look at. Read-only."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import (Badge, Checkpoint, Delegate, Event, Scan, ScanDirection, ScanFlag, ScanVerdict,
                      StaffUser)
from ..models._types import utcnow
from .exports import to_csv
from .search import badge_serial, people_matching

PAGE_SIZE = 100


@dataclass(frozen=True)
class ScanFilters:
    """What the log is narrowed to; every filter left empty lets every scan through."""

    checkpoint_id: int | None = None
    verdict: ScanVerdict | None = None
    direction: ScanDirection | None = None
    #: Scanned at or after (UTC).
    since: datetime | None = None
    #: Scanned before (UTC).
    until: datetime | None = None
    #: A badge serial as printed ("B000123-2", or its first part), or what the desk's search
    #: finds a person by (part of a name in any script, without accents, a reference...).
    badge_or_name: str = ""
    offline: bool = False
    #: Any flag; `flag` narrows it to one kind.
    flagged: bool = False
    flag: ScanFlag | None = None
    manual: bool = False


NEWEST_FIRST = (Scan.scanned_at.desc(), Scan.id.desc())
#: What a row of the log shows, loaded in the same query: no query per row, no column it never shows.
_ROW_LOADS = (joinedload(Scan.checkpoint), joinedload(Scan.zone),
              joinedload(Scan.badge).load_only(Badge.id, Badge.version, Badge.revoked_at),
              joinedload(Scan.delegate).load_only(Delegate.printed_name, Delegate.country),
              joinedload(Scan.staff).load_only(StaffUser.email))


def matching_scan_ids(event: Event, filters: ScanFilters) -> Select:
    """The ids of the event's scans matching every filter, newest first.

    Narrow on purpose: the database sorts tens of thousands of ids and times, not whole rows
    joined to their people, and the rows are loaded for the ids kept.
    """
    return (select(Scan.id).join(Scan.checkpoint)
            .where(Checkpoint.event_id == event.id, *_conditions(event, filters))
            .order_by(*NEWEST_FIRST))


def scan_page(event: Event, filters: ScanFilters, page: int) -> tuple[list[Scan], bool]:
    """One page of the filtered log, and whether another follows."""
    scans = _scans_with_ids(matching_scan_ids(event, filters)
                            .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1))
    return scans[:PAGE_SIZE], len(scans) > PAGE_SIZE


def _scans_with_ids(ids: Select) -> list[Scan]:
    return list(db.session.scalars(
        select(Scan).where(Scan.id.in_(ids)).options(*_ROW_LOADS).order_by(*NEWEST_FIRST)))


def _conditions(event: Event, f: ScanFilters) -> list:
    found = []
    if f.checkpoint_id is not None:
        found.append(Scan.checkpoint_id == f.checkpoint_id)
    if f.verdict is not None:
        found.append(Scan.verdict == f.verdict)
    if f.direction is not None:
        found.append(Scan.direction == f.direction)
    if f.since is not None:
        found.append(Scan.scanned_at >= f.since)
    if f.until is not None:
        found.append(Scan.scanned_at < f.until)
    if f.offline:
        found.append(Scan.offline.is_(True))
    if f.manual:
        found.append(Scan.manual.is_(True))
    if f.flag is not None:
        found.append(Scan.flag == f.flag)
    elif f.flagged:
        found.append(Scan.flag.is_not(None))
    if f.badge_or_name.strip():
        found.append(_badge_or_name(event, f.badge_or_name))
    return found


def _badge_or_name(event: Event, text: str):
    """The scans of the badge whose serial `text` is (that version alone, if typed), else those
    of the people the desk would find by it."""
    serial = badge_serial(text)
    if serial is not None:
        badge_id, version = serial
        return Scan.badge_id.in_(select(Badge.id).where(
            Badge.id == badge_id, *([Badge.version == version] if version is not None else [])))
    named = select(Delegate.id).where(Delegate.event_id == event.id, people_matching(text))
    return Scan.delegate_id.in_(named)


CSV_HEADER = ["scanned_at", "recorded_at", "checkpoint", "zone", "direction", "verdict",
              "server_verdict", "flag", "offline", "manual", "badge", "name", "country", "raw_code",
              "override_reason", "staff", "device"]


def scan_log_csv(event: Event, filters: ScanFilters) -> bytes:
    """The whole filtered log (every page) as CSV, times at the venue, safe in a spreadsheet."""
    scans = _scans_with_ids(matching_scan_ids(event, filters).order_by(None))
    return to_csv(CSV_HEADER, [_csv_row(event, scan) for scan in scans])


def readable_code(scan: Scan) -> str:
    """What the door read, unless it is the code of a badge that still opens doors ("").

    A working code on a screen or in a file is a copy of the badge; its serial names it instead.
    """
    live = scan.badge is not None and scan.badge.revoked_at is None
    return "" if live else scan.raw_code


def venue_timestamp(event: Event, moment: datetime) -> str:
    """A time for a CSV cell: the venue's clock, with its offset so nobody has to guess."""
    return event.at_venue(moment).isoformat(sep=" ", timespec="seconds")


def _csv_row(event: Event, scan: Scan) -> list[str]:
    person = scan.delegate
    return [venue_timestamp(event, scan.scanned_at), venue_timestamp(event, scan.recorded_at),
            scan.checkpoint.code, scan.zone.code if scan.zone else "", scan.direction.value,
            scan.verdict.value, scan.server_verdict.value if scan.server_verdict else "",
            scan.flag.value if scan.flag else "", "yes" if scan.offline else "",
            "yes" if scan.manual else "", scan.badge.serial if scan.badge else "",
            person.printed_name if person else "", person.country if person else "", readable_code(scan),
            scan.override_reason, scan.staff.email if scan.staff else "", scan.device]


@dataclass(frozen=True)
class Attention:
    """Flagged scans since midnight at the venue, counted by kind (every kind, zeros too)."""

    #: Midnight on the venue's clock (naive), as the log's time filter reads it.
    since: datetime
    counts: dict[ScanFlag, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def attention_today(event: Event, now: datetime | None = None) -> Attention:
    """What needs the security office's attention today: flagged scans by kind, in one query."""
    midnight = datetime.combine(event.at_venue(now or utcnow()).date(), time())
    counts = dict(db.session.execute(
        select(Scan.flag, func.count()).join(Scan.checkpoint)
        .where(Checkpoint.event_id == event.id, Scan.flag.is_not(None),
               Scan.scanned_at >= event.from_venue_clock(midnight))
        .group_by(Scan.flag)).all())
    return Attention(since=midnight, counts={flag: counts.get(flag, 0) for flag in ScanFlag})
