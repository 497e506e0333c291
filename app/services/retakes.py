"""Photos retaken at the front desk: the new photo goes on the application and the badge, and the
earlier one stays on file, named by the audit record of the retake, so the offices can look back
at who was pictured before."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import AuditEvent, Badge, Delegate, DelegateStatus
from .audit import Actor
from .issuance import reissue_for_new_data
from .locking import lock_delegate
from .photos import store_photo
from .revisions import check_seen, record_change

RETAKEN = "delegate.photo_retaken"


def retake_photo(delegate: Delegate, photo_jpeg: bytes, actor: Actor, *,
                 seen_revision: int) -> Badge | None:
    """Put a photo taken or uploaded at the desk (already checked by `normalise_photo`) on a
    person's application, on the revision the clerk's page showed.

    The earlier photo is kept, not deleted. A printed badge shows the earlier photo, so it is
    replaced as for any data change (the old card is refused as superseded): returns the badge
    now waiting to be printed, or None if none was printed. An application waiting for more
    information goes back to the queue, as when the applicant sends a new photo; approvals
    stand, as for any staff correction.
    """
    delegate = lock_delegate(delegate)
    check_seen(delegate, seen_revision)
    earlier = delegate.photo_file
    delegate.photo_file = store_photo(photo_jpeg)
    before, after = {"photo": bool(earlier)}, {"photo": "new"}
    if earlier:
        after["earlier_photo"] = earlier
    if delegate.status is DelegateStatus.NEEDS_INFO:
        before["status"], after["status"] = delegate.status, DelegateStatus.SUBMITTED
        delegate.status = DelegateStatus.SUBMITTED
    record_change(actor, RETAKEN, delegate, before=before, after=after)
    badge = reissue_for_new_data(delegate, actor)
    db.session.commit()
    return badge


def retakes_with_earlier_photo(delegate: Delegate) -> list[AuditEvent]:
    """The audit records of this person's retakes that replaced a photo, newest first."""
    entries = db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "delegate", AuditEvent.object_id == delegate.id,
        AuditEvent.action == RETAKEN).order_by(AuditEvent.id.desc()))
    return [entry for entry in entries if (entry.after or {}).get("earlier_photo")]


def earlier_photo_file(delegate: Delegate, entry_id: int) -> str | None:
    """The stored file of the photo that retake `entry_id` replaced, if it was this person's."""
    entry = db.session.get(AuditEvent, entry_id)
    if entry is None or entry.action != RETAKEN or entry.object_type != "delegate" \
            or entry.object_id != delegate.id:
        return None
    return (entry.after or {}).get("earlier_photo")
