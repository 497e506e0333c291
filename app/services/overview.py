"""An event's figures for the offices: per delegation and per category, how many applied, wait for
each office or for the applicant, are ready, printed, handed over and inside now; and the
registrations and decisions of each day. The database counts, in a few grouped queries. Read-only.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, distinct, func, select

from ..extensions import db
from ..models import AuditEvent, Badge, Delegate, DelegateStatus, Event
from ..models._types import utcnow
from .exports import to_csv
from .presence import inside_anywhere

S = DelegateStatus
# The two offices' decisions, as the audit trail records them.
ACCREDITATION_DECISIONS = ("delegate.approved", "delegate.needs_info", "delegate.rejected")
SECURITY_DECISIONS = ("delegate.cleared", "delegate.clearance_refused", "delegate.clearance_withdrawn")


@dataclass
class Figures:
    """How many people of a group are at each point; a person may wait for both offices at once."""

    applications: int = 0
    waiting_accreditation: int = 0
    waiting_security: int = 0
    waiting_applicant: int = 0
    ready: int = 0
    printed: int = 0
    handed_over: int = 0
    inside: int = 0
    turned_down: int = 0

    def count(self, status: DelegateStatus, needs_clearance: bool, people: int, printed: int,
              handed_over: int, inside: int) -> None:
        """Add `people` in `status` (of a category that needs clearance or not)."""
        self.applications += people
        if status in (S.SUBMITTED, S.CLEARED_AWAITING_APPROVAL):
            self.waiting_accreditation += people
        if status is S.APPROVED_AWAITING_CLEARANCE or (status is S.SUBMITTED and needs_clearance):
            self.waiting_security += people
        if status is S.NEEDS_INFO:
            self.waiting_applicant += people
        if status is S.READY:
            self.ready += people
        if status in (S.REJECTED, S.CLEARANCE_REFUSED, S.WITHDRAWN):
            self.turned_down += people
        self.printed += printed
        self.handed_over += handed_over
        self.inside += inside

    def values(self) -> list[int]:
        return [getattr(self, column.key) for column in COLUMNS]


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    #: Two short lines heading the column in a terminal.
    heading: tuple[str, str]
    #: What the column counts, for the page's legend.
    meaning: str


COLUMNS = [
    Column("applications", "Applications", ("", "Applied"), "every application received"),
    Column("waiting_accreditation", "Waiting for accreditation", ("Waiting", "accred."),
           "submitted, or cleared and awaiting approval"),
    Column("waiting_security", "Waiting for security", ("Waiting", "security"),
           "submitted in a category that needs clearance, or approved and awaiting clearance"),
    Column("waiting_applicant", "Waiting for the applicant", ("Waiting", "applicant"),
           "asked for more information"),
    Column("ready", "Ready", ("", "Ready"), "approved (and cleared where needed)"),
    Column("printed", "Printed", ("", "Printed"), "a working badge printed"),
    Column("handed_over", "Handed over", ("Handed", "over"), "a working badge handed over"),
    Column("inside", "Inside now", ("Inside", "now"), "inside the venue or one of its zones"),
    Column("turned_down", "Rejected, refused or withdrawn", ("Turned", "down"),
           "rejected, refused clearance, or clearance withdrawn"),
]


@dataclass(frozen=True)
class Row:
    name: str
    figures: Figures


@dataclass(frozen=True)
class Day:
    """One day on the venue's clock."""

    day: date
    registrations: int
    accreditation_decisions: int
    security_decisions: int


@dataclass(frozen=True)
class Overview:
    event: Event
    #: When it was counted (UTC).
    at: datetime
    by_delegation: list[Row]
    by_category: list[Row]
    total: Figures


def event_overview(event: Event) -> Overview:
    """The event's figures now, per delegation and per category, in one grouped query."""
    inside = inside_anywhere(event.id).subquery()
    cells = db.session.execute(
        select(Delegate.delegation_id, Delegate.category_id, Delegate.status,
               func.count(distinct(Delegate.id)),
               func.count(distinct(case((Badge.printed_at.is_not(None), Delegate.id)))),
               func.count(distinct(case((Badge.handed_over_at.is_not(None), Delegate.id)))),
               func.count(distinct(inside.c.delegate_id)))
        # A person's working badge (a replacement revokes the one before), if any.
        .outerjoin(Badge, and_(Badge.delegate_id == Delegate.id, Badge.revoked_at.is_(None)))
        .outerjoin(inside, inside.c.delegate_id == Delegate.id)
        .where(Delegate.event_id == event.id)
        .group_by(Delegate.delegation_id, Delegate.category_id, Delegate.status)).all()
    delegations = {d.id: Figures() for d in event.delegations}
    categories = {c.id: Figures() for c in event.categories}
    clearance = {c.id: c.needs_clearance for c in event.categories}
    total = Figures()
    for delegation_id, category_id, status, people, printed, handed_over, inside_now in cells:
        for figures in (delegations.setdefault(delegation_id, Figures()), categories[category_id], total):
            figures.count(status, clearance[category_id], people, printed, handed_over, inside_now)
    by_delegation = [Row(d.name, delegations[d.id]) for d in event.delegations_by_name]
    if None in delegations:
        by_delegation.append(Row("No delegation", delegations[None]))
    return Overview(event=event, at=utcnow(), by_delegation=by_delegation,
                    by_category=[Row(f"{c.code} {c.name}", categories[c.id]) for c in event.categories],
                    total=total)


def daily_figures(event: Event) -> list[Day]:
    """Registrations and each office's decisions per day at the venue, every day between the first
    and the last that had any. Times are read here, not grouped in SQL: a day at the venue is not
    a day in UTC, and the two databases have no common way to shift a time into a zone."""
    people = select(Delegate.id).where(Delegate.event_id == event.id)
    registered = Counter(event.at_venue(at).date() for at in db.session.scalars(
        select(Delegate.created_at).where(Delegate.event_id == event.id)))
    decided = {office: Counter() for office in ("accreditation", "security")}
    for at, action in db.session.execute(
            select(AuditEvent.at, AuditEvent.action).where(
                AuditEvent.object_type == "delegate", AuditEvent.object_id.in_(people),
                AuditEvent.action.in_(ACCREDITATION_DECISIONS + SECURITY_DECISIONS))):
        office = "accreditation" if action in ACCREDITATION_DECISIONS else "security"
        decided[office][event.at_venue(at).date()] += 1
    active = set(registered) | set(decided["accreditation"]) | set(decided["security"])
    if not active:
        return []
    first, last = min(active), max(active)
    return [Day(day, registered[day], decided["accreditation"][day], decided["security"][day])
            for day in (first + timedelta(days=n) for n in range((last - first).days + 1))]


def overview_csv(overview: Overview) -> bytes:
    """The tables as CSV: a row per delegation, per category, and the total."""
    header = ["group", "name"] + [column.key for column in COLUMNS]
    rows = ([["delegation", row.name, *row.figures.values()] for row in overview.by_delegation]
            + [["category", row.name, *row.figures.values()] for row in overview.by_category]
            + [["total", "All", *overview.total.values()]])
    return to_csv(header, [[str(value) for value in row] for row in rows])


def days_csv(days: list[Day]) -> bytes:
    """The chart's figures as CSV: a row per day at the venue."""
    return to_csv(["day", "registrations", "accreditation_decisions", "security_decisions"], [
        [d.day.isoformat(), str(d.registrations), str(d.accreditation_decisions),
         str(d.security_decisions)] for d in days])


def overview_text(overview: Overview) -> str:
    """The tables for a terminal: aligned columns, per delegation then per category."""
    event = overview.event
    width = max(len(row.name) for row in [*overview.by_delegation, *overview.by_category,
                                          Row("Delegation", overview.total)])
    lines = [f"{event.name} ({event.slug}), "
             f"{event.at_venue(overview.at):%d %b %Y %H:%M} {event.timezone}", ""]
    for title, rows in (("Delegation", overview.by_delegation), ("Category", overview.by_category)):
        lines += _text_table(title, rows + [Row("Total", overview.total)], width) + [""]
    lines += [f"{' '.join(c.heading).strip()}: {c.meaning}." for c in COLUMNS]
    return "\n".join(lines) + "\n"


def _text_table(title: str, rows: list[Row], width: int) -> list[str]:
    cells = [max(len(column.heading[0]), len(column.heading[1]), 5) for column in COLUMNS]

    def line(first: str, values: list) -> str:
        return "  ".join([first.ljust(width)] + [str(v).rjust(w) for v, w in zip(values, cells)]).rstrip()
    return ([line("", [c.heading[0] for c in COLUMNS]), line(title, [c.heading[1] for c in COLUMNS])]
            + [line(row.name, row.figures.values()) for row in rows])
