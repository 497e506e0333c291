"""What staff correct in an application, and the notes they keep about it.

Applicants correct their own application until an office says yes; after that, staff
correct what applicants get wrong (category, zones, the spelling of the printed and
native names). Each correction is audited, moves the person to the state their new
category calls for, and reissues a badge already printed: the old card is refused as
superseded and the new one waits at the desk.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..extensions import db
from ..models import Delegate, StaffNote
from .audit import Actor, record
from .errors import InvalidState, ServiceError
from .events import zones_by_code
from .issuance import reissue_for_new_data
from .locking import lock_delegate
from .people import check_name
from .registration import category_by_code, length_problem
from .revisions import check_seen, record_change
from .vetting import settle_status

MAX_NOTE = 2000


@dataclass(frozen=True)
class StaffCorrection:
    """What staff set; None leaves a part as it is."""

    category_code: str | None = None
    zone_codes: list[str] | None = None
    printed_name: str | None = None
    native_name: str | None = None


def correct_application(delegate: Delegate, correction: StaffCorrection, actor: Actor, *,
                        seen_revision: int) -> list[str]:
    """Apply a staff correction; returns what changed (empty if nothing did)."""
    delegate = lock_delegate(delegate)
    check_seen(delegate, seen_revision)
    before, after = {}, {}
    for name in ("printed_name", "native_name"):
        value = getattr(correction, name)
        if value is None:
            continue
        try:
            value = check_name(value)
        except ValueError as exc:
            raise ServiceError(str(exc), field=name) from None
        problem = length_problem(name, value)
        if problem or (name == "printed_name" and not value):
            raise ServiceError(problem or "The badge needs a name.", field=name)
        if value != getattr(delegate, name):
            before[name], after[name] = getattr(delegate, name), value
            setattr(delegate, name, value)
    if correction.category_code is not None and correction.category_code != delegate.category.code:
        category = category_by_code(delegate.event, correction.category_code)
        before["category"], after["category"] = delegate.category.code, category.code
        delegate.category = category
        if correction.zone_codes is None:
            correction = StaffCorrection(zone_codes=[z.code for z in category.default_zones])
    if correction.zone_codes is not None:
        zones = zones_by_code(delegate.event, correction.zone_codes, "zones")
        if {z.id for z in zones} != {z.id for z in delegate.zones}:
            before["zones"], after["zones"] = [z.code for z in delegate.zones], [z.code for z in zones]
            delegate.zones = zones
    if not after:
        return []
    status = settle_status(delegate)
    if status is not delegate.status:
        before["status"], after["status"] = delegate.status, status
        delegate.status = status
    record_change(actor, "delegate.corrected_by_staff", delegate, before=before, after=after)
    reissue_for_new_data(delegate, actor)
    db.session.commit()
    return list(after)


def add_staff_note(delegate: Delegate, text: str, actor: Actor) -> StaffNote:
    """A note for the offices and the desk; the applicant never sees it."""
    text = (text or "").strip()
    if not text:
        raise InvalidState("Write the note first.", field="text")
    if len(text) > MAX_NOTE:
        raise InvalidState(f"Keep the note under {MAX_NOTE} characters.", field="text")
    note = StaffNote(delegate=delegate, text=text, author_id=actor.user.id if actor.user else None)
    db.session.add(note)
    db.session.flush()
    record(actor, "delegate.note_added", delegate, after={"note": text})
    db.session.commit()
    return note
