"""The vetting queue: one event's applications, filtered, longest waiting first.

The filters combine; the counts beside each filter say how many people it would show
with the other filters as they are.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from ..extensions import db
from ..models import PENDING_STATES, Category, Delegate, DelegateStatus, Event

S = DelegateStatus
PAGE_SIZE = 100
WAITING = {
    "accreditation": "the accreditation office",
    "security": "the security office",
    "applicant": "the applicant",
}


@dataclass(frozen=True)
class QueueFilter:
    """What an officer asked the queue for; empty parts filter nothing."""

    event: Event
    states: tuple[DelegateStatus, ...] = ()  # none chosen: everyone still pending
    delegation: str = ""  # country code
    category: str = ""  # category code
    duplicates: str = ""  # "only" or "none"
    waiting: str = ""  # a key of WAITING
    since: date | None = None
    #: Filters the page does not offer for this count (the counts of its own options).
    _without: frozenset = field(default=frozenset(), compare=False)

    @classmethod
    def from_args(cls, event: Event, args) -> QueueFilter:
        """From a query string; anything unknown is ignored rather than refused."""
        states = tuple(S(value) for value in args.getlist("state") if value in S._value2member_map_)
        since = None
        try:
            since = date.fromisoformat(args.get("since", "")) if args.get("since") else None
        except ValueError:
            pass
        duplicates = args.get("duplicates", "")
        waiting = args.get("waiting", "")
        return cls(event=event, states=states, delegation=args.get("delegation", "")[:2],
                   category=args.get("category", "")[:2],
                   duplicates=duplicates if duplicates in ("only", "none") else "",
                   waiting=waiting if waiting in WAITING else "", since=since)

    def args(self) -> dict:
        """This filter as query-string values, for links and for coming back to it."""
        values = {"event": self.event.slug, "state": [s.value for s in self.states],
                  "delegation": self.delegation, "category": self.category,
                  "duplicates": self.duplicates, "waiting": self.waiting,
                  "since": self.since.isoformat() if self.since else ""}
        return {key: value for key, value in values.items() if value}

    def query(self) -> Select:
        """The people this filter shows, longest waiting first."""
        query = (select(Delegate).join(Delegate.category)
                 .where(Delegate.event_id == self.event.id))
        if "states" not in self._without:
            query = query.where(Delegate.status.in_(self.states or PENDING_STATES))
        if self.delegation and "delegation" not in self._without:
            query = query.where(Delegate.country == self.delegation)
        if self.category and "category" not in self._without:
            query = query.where(Category.code == self.category)
        if self.duplicates:
            flagged = _has_duplicate()
            query = query.where(flagged if self.duplicates == "only" else ~flagged)
        if self.waiting and "waiting" not in self._without:
            query = query.where(_waiting_for(self.waiting))
        if self.since:
            query = query.where(Delegate.created_at >= self.event.from_venue_clock(
                datetime.combine(self.since, time(0))))
        return query.order_by(Delegate.updated_at, Delegate.id)

    def without(self, *parts: str) -> QueueFilter:
        return replace(self, _without=frozenset(parts))


def queue_page(criteria: QueueFilter, page: int) -> tuple[list[Delegate], bool]:
    """One page of the queue and whether more follow."""
    people = db.session.scalars(
        criteria.query().options(selectinload(Delegate.category), selectinload(Delegate.event))
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)).all()
    return list(people[:PAGE_SIZE]), len(people) > PAGE_SIZE


def everyone(criteria: QueueFilter) -> list[Delegate]:
    """Everyone the filter shows, on every page (for an action on the whole filter)."""
    return list(db.session.scalars(criteria.query().options(selectinload(Delegate.category))))


def queue_counts(criteria: QueueFilter) -> dict[str, dict]:
    """How many people each filter option would show, the other filters as they are."""
    def grouped(column, without: str) -> dict:
        base = criteria.without(without).query().order_by(None).subquery()
        return dict(db.session.execute(select(base.c[column], func.count()).group_by(base.c[column])).all())

    states = {S(code) if isinstance(code, str) else code: n
              for code, n in grouped("status", "states").items()}
    by_waiting = {key: db.session.scalar(
        select(func.count()).select_from(criteria.without("waiting", "states").query()
                                         .where(_waiting_for(key)).order_by(None).subquery()))
        for key in WAITING}
    return {"states": states, "waiting": by_waiting,
            "delegations": grouped("country", "delegation"),
            "categories": {db.session.get(Category, cid).code: n
                           for cid, n in grouped("category_id", "category").items()}}


def next_in_queue(criteria: QueueFilter, after: Delegate) -> Delegate | None:
    """The person to decide on next in this filter: the longest waiting other than `after`."""
    return db.session.scalar(criteria.query().where(Delegate.id != after.id).limit(1))


def _waiting_for(office: str):
    if office == "accreditation":
        return Delegate.status.in_([S.SUBMITTED, S.CLEARED_AWAITING_APPROVAL])
    if office == "security":
        return or_(Delegate.status == S.APPROVED_AWAITING_CLEARANCE,
                   and_(Delegate.status == S.SUBMITTED, Category.needs_clearance.is_(True)))
    return Delegate.status == S.NEEDS_INFO


def _has_duplicate():
    """Another application in the same event with the same document number or e-mail."""
    other = aliased(Delegate)
    return exists().where(
        other.event_id == Delegate.event_id, other.id != Delegate.id,
        or_(and_(Delegate.passport_number != "", other.passport_number == Delegate.passport_number),
            func.lower(other.email) == func.lower(Delegate.email)))
