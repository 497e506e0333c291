"""Delegation invitations: an administrator gives a liaison officer a signed,
revocable link to register and follow the members of one delegation."""
from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

from ..extensions import db
from ..models import Delegate, DelegateStatus, Delegation, DelegationInvitation, SubmittedBy
from ..models._types import utcnow
from .audit import Actor, record
from .errors import InvalidState, NotAllowed, ServiceError
from .events import check_in_calendar
from .people import check_name, normalise_email
from .photos import delete_photo, store_photo
from .locking import lock_delegate
from .registration import Application, register_delegate, registration_open, update_application
from .revisions import record_change


def default_expiry(delegation: Delegation) -> datetime:
    """The end of the meeting's last day (UTC): liaison work is over by then."""
    return _day_after(delegation.event.ends_on)


def _day_after(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=timezone.utc)


def issue_invitation(delegation: Delegation, liaison_name: str, liaison_email: str, actor: Actor,
                     *, expires_on: date | None = None) -> DelegationInvitation:
    """A link for the liaison officer that works until the end of `expires_on` (UTC), or of the
    meeting's last day."""
    try:
        name = check_name(liaison_name)
    except ValueError as exc:
        raise ServiceError(str(exc), field="liaison_name") from None
    if not name:
        raise ServiceError("Enter the liaison officer's name.", field="liaison_name")
    try:
        email = normalise_email(liaison_email)
    except ValueError as exc:
        raise ServiceError(str(exc), field="liaison_email") from None
    check_in_calendar(expires_on, "expires_on")
    expires_at = _day_after(expires_on) if expires_on else default_expiry(delegation)
    if expires_at <= utcnow():
        raise ServiceError("The link would already have expired.", field="expires_on")
    invitation = DelegationInvitation(delegation=delegation, liaison_name=name, liaison_email=email,
                                      nonce=secrets.token_hex(16), expires_at=expires_at,
                                      created_by=actor.user)
    db.session.add(invitation)
    db.session.flush()
    record(actor, "invitation.issued", invitation, after={
        "delegation": delegation.country, "liaison": email, "expires_at": expires_at})
    db.session.commit()
    return invitation


def revoke_invitation(invitation: DelegationInvitation, actor: Actor) -> None:
    """The link stops working at once; members already registered stay."""
    if invitation.revoked_at is not None:
        raise InvalidState("This invitation is already withdrawn.")
    invitation.revoked_at = utcnow()
    record(actor, "invitation.revoked", invitation, after={"revoked_at": invitation.revoked_at})
    db.session.commit()


def liaison_actor(invitation: DelegationInvitation) -> Actor:
    base = Actor.public()
    return Actor(label=f"liaison:{invitation.liaison_email}", ip=base.ip)


def members(invitation: DelegationInvitation) -> list[Delegate]:
    """Everyone registered in the invitation's delegation, however they registered."""
    return list(db.session.scalars(select(Delegate).where(
        Delegate.delegation_id == invitation.delegation_id)
        .order_by(Delegate.family_name, Delegate.given_name)))


def member(invitation: DelegationInvitation, delegate_id: int) -> Delegate:
    """A member of this invitation's delegation; NotAllowed for anyone else."""
    delegate = db.session.get(Delegate, delegate_id)
    if delegate is None or delegate.delegation_id != invitation.delegation_id:
        raise NotAllowed("This person is not a member of your delegation.")
    return delegate


def add_member(invitation: DelegationInvitation, application: Application, photo_jpeg: bytes | None
               ) -> Delegate:
    event = invitation.delegation.event
    if not registration_open(event):
        raise InvalidState("Registration for this event is closed; contact the organisers.")
    application.country = invitation.delegation.country
    actor = liaison_actor(invitation)
    delegate = register_delegate(invitation.delegation.event, application, photo_jpeg, actor,
                                 commit=False, submitted_by=SubmittedBy.LIAISON)
    invitation.last_used_at = utcnow()
    db.session.commit()
    return delegate


def correct_member(invitation: DelegationInvitation, delegate: Delegate, application: Application,
                   photo_jpeg: bytes | None) -> list[str]:
    """The liaison officer corrects a member's application while it is open, by the applicant's
    own rules; audited under the liaison officer's name, and the revision moves so the offices
    decide on what changed. Returns the fields that changed."""
    if delegate.delegation_id != invitation.delegation_id:
        raise NotAllowed("This person is not a member of your delegation.")
    application.country = delegate.country
    invitation.last_used_at = utcnow()
    changed = update_application(delegate, application, photo_jpeg, liaison_actor(invitation))
    db.session.commit()  # the link's last use, when nothing else changed
    return changed


def replace_member_photo(invitation: DelegationInvitation, delegate: Delegate, photo_jpeg: bytes
                         ) -> None:
    """A new photo for a member whose application is still open."""
    if delegate.delegation_id != invitation.delegation_id:
        raise NotAllowed("This person is not a member of your delegation.")
    delegate = lock_delegate(delegate)
    if not delegate.status.is_open:
        raise InvalidState(f"{delegate.printed_name} is {delegate.status.title.lower()}; "
                           "ask the accreditation office to change the photo.")
    old = delegate.photo_file
    delegate.photo_file = store_photo(photo_jpeg)
    after = {"photo": "new"}
    if delegate.status is DelegateStatus.NEEDS_INFO:
        delegate.status = DelegateStatus.SUBMITTED
        after["status"] = DelegateStatus.SUBMITTED
    record_change(liaison_actor(invitation), "delegate.photo_replaced", delegate,
           before={"photo": bool(old)}, after=after)
    invitation.last_used_at = utcnow()
    db.session.commit()
    if old:
        delete_photo(old)
