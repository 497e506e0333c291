"""Where each application and its badge stand, told to the people it concerns (the applicant,
their liaison officer): what is still missing, and who collected the badge. Never an office's
internal notes nor a security reason."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..models import AuditEvent, BadgeState, Delegate, DelegateStatus
from .issuance import badge_state
from .registration import document_valid_until

#: What can be missing from an application, in the words the liaison page uses.
MISSING_PHOTO = "photo"
MISSING_DOCUMENT = "document"
MISSING_ANSWER = "answer"
MISSING_TITLES = {MISSING_PHOTO: "a photo",
                  MISSING_DOCUMENT: "a passport or ID valid long enough",
                  MISSING_ANSWER: "an answer to the accreditation office"}


@dataclass(frozen=True)
class Progress:
    """One person's application and badge, as they and their liaison officer may see them."""

    person: Delegate
    badge: BadgeState
    collected_by: str = ""
    collected_at: datetime | None = None
    missing: tuple[str, ...] = field(default=())

    @property
    def missing_titles(self) -> list[str]:
        return [MISSING_TITLES[m] for m in self.missing]


def missing_from(person: Delegate) -> tuple[str, ...]:
    """What the application still needs before an office can say yes."""
    missing = []
    if not person.photo_file:
        missing.append(MISSING_PHOTO)
    if not person.passport_number or person.passport_expiry is None or \
            person.passport_expiry < document_valid_until(person.event):
        missing.append(MISSING_DOCUMENT)
    if person.status is DelegateStatus.NEEDS_INFO:
        missing.append(MISSING_ANSWER)
    return tuple(missing) if person.status.is_open else ()


def progress_of(people: list[Delegate]) -> list[Progress]:
    """Each person's progress, reading every hand-over record in one query."""
    badges = {p.id: p.current_badge for p in people}
    handed = [b.id for b in badges.values() if b is not None and b.handed_over_at is not None]
    receivers = {}
    if handed:
        for audit in db.session.scalars(select(AuditEvent).where(
                AuditEvent.object_type == "badge", AuditEvent.object_id.in_(handed),
                AuditEvent.action == "badge.handed_over").order_by(AuditEvent.id)):
            receivers[audit.object_id] = (audit.after or {}).get("to", "")
    result = []
    for person in people:
        badge = badges[person.id]
        state, by, at = badge_state(person.status, badge), "", None
        if state is BadgeState.HANDED_OVER:
            at, to = badge.handed_over_at, receivers.get(badge.id, "")
            by = person.printed_name if to in ("", "holder") else to
        result.append(Progress(person, state, by, at, missing_from(person)))
    return result
