"""Revisions of an application: an officer decides on what the page showed, nothing newer.

Every change to a person's application (a correction, a new photo, a decision)
adds one to `Delegate.revision` and writes its audit record with that number.
A decision or desk action names the revision its page showed; if the
application has moved on since, it is refused with what changed, and the
officer looks again.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import AuditEvent, Delegate
from .audit import Actor, record
from .errors import InvalidState

# What people call each part of an application, in the list of what changed.
FIELD_LABELS = {
    "honorific": "Rank or honorific", "given_name": "Given name", "family_name": "Family name",
    "printed_name": "Name on the badge", "native_name": "Name in own script",
    "position": "Position", "organisation": "Organisation", "email": "E-mail", "phone": "Phone",
    "nationality": "Nationality", "date_of_birth": "Date of birth",
    "passport_number": "Document number", "passport_expiry": "Document expiry",
    "arrival_on": "Arrival", "departure_on": "Departure", "dietary_needs": "Dietary needs",
    "access_needs": "Accessibility needs", "category": "Category", "zones": "Zones",
    "photo": "Photo", "status": "Status", "status_note": "Message to the applicant",
    "clearance_note": "Security office's reason",
}
# Parts of a delegate row that are not the application itself.
_NOT_THE_APPLICATION = {"id", "revision", "created_at", "updated_at", "badges", "event", "event_id"}


class ChangedSinceOpened(InvalidState):
    """The application changed after the page that asks for this action was loaded."""

    code = "changed_since_opened"

    def __init__(self, delegate: Delegate, seen: int, changes: list[Change]):
        fields = []
        for change in changes:
            fields += [label for label, _, _ in change.fields if label not in fields]
        what = ", ".join(fields).lower() if fields else "the application"
        super().__init__(f"{delegate.printed_name}'s application changed since you opened it "
                         f"({what}). Look at the changes, then decide again.")
        self.delegate_id = delegate.id
        self.seen = seen
        self.changes = changes


@dataclass(frozen=True)
class Change:
    """One audited change to an application: when, by whom, and each field before and after."""

    at: datetime
    actor: str
    action: str
    revision: int
    fields: tuple[tuple[str, object, object], ...]


def record_change(actor: Actor, action: str, delegate: Delegate, *, before: dict | None = None,
                  after: dict | None = None) -> AuditEvent:
    """Count a change to the application and audit it with its new revision (caller commits)."""
    delegate.revision = (delegate.revision or 0) + 1
    return record(actor, action, delegate, before=before,
                  after={**(after or {}), "revision": delegate.revision})


def check_seen(delegate: Delegate, seen: int) -> None:
    """Refuse with what changed if `delegate` (already locked) is newer than revision `seen`."""
    if delegate.revision != seen:
        raise ChangedSinceOpened(delegate, seen, changes_since(delegate, seen))


def changes_since(delegate: Delegate, seen: int) -> list[Change]:
    """The audited changes after revision `seen`, oldest first."""
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "delegate", AuditEvent.object_id == delegate.id)
        .order_by(AuditEvent.id)).all()
    changes = []
    for audit in events:
        revision = (audit.after or {}).get("revision")
        if not isinstance(revision, int) or revision <= seen:
            continue
        changes.append(Change(at=audit.at, actor=audit.actor, action=audit.action,
                              revision=revision, fields=tuple(audited_fields(audit))))
    return changes


def _count_every_change(session: Session, _context, _instances) -> None:
    # Whatever path changes an application (even a flush halfway through a service), its
    # revision moves: a decision can never approve a change it was not shown.
    for obj in session.dirty:
        if not isinstance(obj, Delegate):
            continue
        state = inspect(obj)
        if state.attrs.revision.history.has_changes():
            continue
        if any(attr.key not in _NOT_THE_APPLICATION and attr.history.has_changes()
               for attr in state.attrs):
            obj.revision = (obj.revision or 0) + 1


def install_revision_guard() -> None:
    if not event.contains(Session, "before_flush", _count_every_change):
        event.listen(Session, "before_flush", _count_every_change)


def audited_fields(audit: AuditEvent) -> list[tuple[str, object, object]]:
    """The application fields an audit record changed, with their plain names."""
    before, after = audit.before or {}, audit.after or {}
    return [(FIELD_LABELS[name], before.get(name), after[name]) for name in after if name in FIELD_LABELS]
