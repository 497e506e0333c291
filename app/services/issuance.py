"""Badges: issuing, reprinting (the old one dies), printing and handing over."""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Badge, Delegate, DelegateStatus
from ..models._types import utcnow
from .audit import Actor, record
from .codes import new_badge_code
from .errors import InvalidState

REPRINT_REASONS = {
    "lost": "Lost",
    "stolen": "Stolen",
    "damaged": "Damaged",
    "data_changed": "Details changed",
    "leaked": "Code exposed (photo posted, copied)",
}
# Reasons to stop a badge without printing a new one at once.
REVOKE_REASONS = {**REPRINT_REASONS, "withdrawn": "Access withdrawn"}


class BadgeClash(InvalidState):
    """Another desk issued or replaced this person's badge at the same moment."""

    code = "badge_clash"


def issue_badge(delegate: Delegate, actor: Actor) -> Badge:
    """The first badge for an approved person."""
    _require_printable(delegate)
    if delegate.current_badge is not None:
        raise InvalidState(
            f"{delegate.printed_name} already has badge {delegate.current_badge.serial}; "
            "reprint it to replace it.")
    badge = _new_badge(delegate, actor)
    db.session.commit()
    return badge


def badge_for_printing(delegate: Delegate, actor: Actor) -> Badge:
    """The badge to print now: the current one if it is still at the desk, else a first one.

    A badge already handed over is never printed again with the same code: two
    live copies would exist. Replace it instead (the old one then stops working).
    """
    _require_printable(delegate)
    badge = delegate.current_badge
    if badge is None:
        try:
            return issue_badge(delegate, actor)
        except BadgeClash:
            badge = delegate.current_badge  # the other desk's badge is the one to print
            if badge is None:
                raise
    if is_out(badge):
        raise InvalidState(
            f"Badge {badge.serial} was handed over to {delegate.printed_name}; printing it again "
            "would make a second working copy. Replace the badge instead.")
    return badge


def reprint_badge(delegate: Delegate, reason: str, actor: Actor) -> Badge:
    """Replace the current badge: the old code stops working at every door now."""
    _require_printable(delegate)
    if reason not in REPRINT_REASONS:
        raise InvalidState("Choose why the badge is being replaced.", field="reason")
    old = delegate.current_badge
    if old is None:
        raise InvalidState(f"{delegate.printed_name} has no badge to replace.")
    _revoke(old, reason, actor)
    badge = _new_badge(delegate, actor)
    db.session.commit()
    return badge


def revoke_badge(badge: Badge, reason: str, actor: Actor) -> None:
    """Stop a badge at every door now, e.g. reported stolen while its holder is away."""
    if reason not in REVOKE_REASONS:
        raise InvalidState("Choose why the badge is stopped.", field="reason")
    if badge.revoked_at is not None:
        raise InvalidState(f"Badge {badge.serial} is already revoked.")
    _revoke(badge, reason, actor)
    db.session.commit()


def issue_missing_badges(delegates: list[Delegate], actor: Actor) -> list[Badge]:
    """The badge to print for each person, issuing first badges in one transaction.

    Nothing is issued unless every person can print: one refusal refuses the run.
    """
    badges = []
    for delegate in delegates:
        _require_printable(delegate)
        badge = delegate.current_badge
        if is_out(badge):
            raise InvalidState(f"Badge {badge.serial} of {delegate.printed_name} was handed over; "
                               "replace it at the delegate's page instead.")
        badges.append(badge or _new_badge(delegate, actor))
    db.session.commit()
    return badges


def mark_printed(badges: list[Badge], actor: Actor) -> None:
    now = utcnow()
    for badge in badges:
        first = badge.printed_at is None
        badge.printed_at = now
        record(actor, "badge.printed" if first else "badge.printed_again", badge,
               after={"serial": badge.serial})
    db.session.commit()


def hand_over_badge(badge: Badge, actor: Actor) -> None:
    """The holder has shown ID and takes the badge."""
    _hand_over(badge, "holder", actor)
    db.session.commit()


def hand_over_to_liaison(badges: list[Badge], receiver: str, actor: Actor) -> None:
    """A liaison officer takes a delegation's badges at once; all of them, or none."""
    receiver = receiver.strip()
    if not receiver:
        raise InvalidState("Enter the name of the person who takes the badges.", field="receiver")
    if not badges:
        raise InvalidState("There are no printed badges waiting to be handed over.")
    for badge in badges:
        _hand_over(badge, receiver, actor)
    db.session.commit()


def _hand_over(badge: Badge, receiver: str, actor: Actor) -> None:
    if badge.revoked_at is not None:
        raise InvalidState(f"Badge {badge.serial} is revoked; do not hand it over.")
    if is_out(badge):
        raise InvalidState(f"Badge {badge.serial} was already handed over.")
    if badge.printed_at is None:
        raise InvalidState(f"Badge {badge.serial} has not been printed yet.")
    badge.handed_over_at = utcnow()
    record(actor, "badge.handed_over", badge, after={"serial": badge.serial, "to": receiver})


def why_no_badge(delegate: Delegate) -> str | None:
    """Why this person cannot get a badge now, or None if they can."""
    if delegate.status is not DelegateStatus.APPROVED:
        return (f"{delegate.printed_name} is {delegate.status.title.lower()}; "
                "only approved people get a badge.")
    if not delegate.photo_file:
        # Door staff compare the face with the photo; a badge without one proves nothing.
        return f"{delegate.printed_name} has no photo yet; a badge needs one."
    return None


def is_out(badge: Badge | None) -> bool:
    """Handed over: in someone's hands, so never printed again with the same code."""
    return badge is not None and badge.handed_over_at is not None


def _require_printable(delegate: Delegate) -> None:
    reason = why_no_badge(delegate)
    if reason:
        raise InvalidState(reason)


def _new_badge(delegate: Delegate, actor: Actor) -> Badge:
    version = max((b.version for b in delegate.badges), default=0) + 1
    badge = Badge(version=version, code=new_badge_code(),
                  issued_by_id=actor.user.id if actor.user else None)
    try:
        with db.session.begin_nested():
            db.session.add(badge)
            delegate.badges.append(badge)
            db.session.flush()
    except IntegrityError:
        # (delegate, version) is unique: another desk issued this version first.
        # (A clash of two random 160-bit codes would land here too, at odds of 2^-80.)
        db.session.rollback()
        db.session.refresh(delegate)
        raise BadgeClash(f"Another desk has just printed a badge for {delegate.printed_name}; "
                         "reload the page.") from None
    record(actor, "badge.issued", badge, after={"serial": badge.serial, "version": version})
    return badge


def stop_all_badges(delegate: Delegate, reason: str, actor: Actor) -> None:
    """Revoke every working badge of a person, in the caller's transaction (no commit)."""
    for badge in delegate.badges:
        if badge.revoked_at is None:
            _revoke(badge, reason, actor)


def _revoke(badge: Badge, reason: str, actor: Actor) -> None:
    badge.revoked_at = utcnow()
    badge.revoked_reason = reason
    record(actor, "badge.revoked", badge, after={"serial": badge.serial, "reason": reason})
