"""The two offices' decisions on applications.

The accreditation office approves, asks for more information or rejects; the host's
security office clears, refuses or withdraws clearance, for the categories that need
it. The two may come in either order, but no account gives both yeses to one person.
Each decision names the revision of the application the officer saw and is refused if
it changed since. After a decision is committed the applicant is told what they may
know: never which office held them up, and never the security office's reason.
"""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import PENDING_STATES, Category, Delegate, DelegateStatus
from ..models._types import utcnow
from .audit import Actor
from .errors import InvalidState, NotAllowed, ServiceError
from .issuance import stop_all_badges
from .locking import lock_delegate
from .notifications import notify_decision
from .registration import find_duplicates
from .revisions import check_seen, record_change

S = DelegateStatus
# What the security office vets; an application without it cannot pass either stage.
VETTED_FIELDS = {"date_of_birth": "date of birth", "nationality": "nationality",
                 "passport_number": "document number", "passport_expiry": "document expiry date",
                 "photo_file": "photo"}


class BulkRefused(ServiceError):
    """An action on many people refused as a whole: nothing changed. `refusals` says who and why."""

    code = "bulk_refused"

    def __init__(self, refusals: list[tuple[Delegate, str]]):
        names = "; ".join(f"{person.printed_name} ({person.reference}): {why}" for person, why in refusals)
        super().__init__(f"Nothing was changed. {len(refusals)} of the people chosen cannot take "
                         f"this action: {names}")
        self.refusals = refusals


def approve_delegate(delegate: Delegate, actor: Actor, *, seen_revision: int, commit: bool = True,
                     notify: bool = True, duplicate_confirmed: bool = False) -> None:
    """The accreditation office's yes; `commit=False, notify=False` lets an import approve in its
    own transaction. A possible duplicate is approved only once the officer confirms it."""
    _decided(_approve(delegate, actor, seen_revision, duplicate_confirmed=duplicate_confirmed),
             commit=commit, notify=notify)


def clear_delegate(delegate: Delegate, actor: Actor, *, seen_revision: int) -> None:
    """The security office's yes, for a category that needs clearance."""
    _decided(_clear(delegate, actor, seen_revision))


def request_information(delegate: Delegate, message: str, actor: Actor, *,
                        seen_revision: int) -> None:
    """Back to the applicant; an earlier yes is dropped, since what was vetted will change."""
    _decided(_request_information(delegate, actor, seen_revision, message))


def reject_delegate(delegate: Delegate, reason: str, actor: Actor, *, seen_revision: int) -> None:
    """The accreditation office's no (also after approval): every badge stops at once."""
    _decided(_reject(delegate, actor, seen_revision, reason))


def refuse_clearance(delegate: Delegate, reason: str, actor: Actor, *, seen_revision: int) -> None:
    """The security office's no; its reason stays with the office."""
    _decided(_refuse_clearance(delegate, actor, seen_revision, reason))


def withdraw_clearance(delegate: Delegate, reason: str, actor: Actor, *, seen_revision: int) -> None:
    """The security office takes its yes back: a printed badge stops at every door at once."""
    _decided(_withdraw_clearance(delegate, actor, seen_revision, reason))


def decide_many(action: str, people: list[tuple[Delegate, int]], actor: Actor, *, note: str = ""
                ) -> list[Delegate]:
    """One decision for many people (each with the revision the officer saw), all or nothing.

    `action` is one of BULK_ACTIONS. If anyone cannot take it (changed meanwhile, a possible
    duplicate, the officer's own second stage...) nothing changes and BulkRefused names each
    person and why. Otherwise each person gets their own audit record and e-mail.
    """
    decide = BULK_ACTIONS[action]
    if not people:
        raise InvalidState("Choose at least one person.")
    if action in NEEDS_NOTE and not note.strip():
        raise InvalidState("Give the message or reason for everyone chosen.", field="note")
    refusals, decided = [], []
    for person, seen in sorted(people, key=lambda pair: pair[0].id):  # one lock order
        try:
            decided.append(decide(person, actor, seen, note))
        except ServiceError as exc:
            refusals.append((person, exc.message))
    if refusals:
        db.session.rollback()
        raise BulkRefused(refusals)
    db.session.commit()
    for person in decided:
        notify_decision(person)
    return decided


def _decided(delegate: Delegate, *, commit: bool = True, notify: bool = True) -> None:
    if commit:
        db.session.commit()
    if notify:
        notify_decision(delegate)


def _approve(delegate: Delegate, actor: Actor, seen: int, note: str = "", *,
             duplicate_confirmed: bool = False) -> Delegate:
    delegate = _locked_as_seen(delegate, seen)
    _require(delegate, {S.SUBMITTED, S.CLEARED_AWAITING_APPROVAL}, "approved")
    _require_vetted_data(delegate)
    if actor.user is not None and delegate.cleared_by_id == actor.user.id:
        raise NotAllowed(f"You cleared {delegate.printed_name} for the security office; another "
                         "officer must approve: nobody gives both yeses to one person.")
    if not duplicate_confirmed and find_duplicates(delegate):
        raise InvalidState(f"{delegate.printed_name} may be a duplicate of "
                           f"{find_duplicates(delegate)[0].description}; open the application "
                           "and confirm to approve.", code="duplicate_unconfirmed")
    delegate.approved_by_id, delegate.approved_at = (actor.user.id if actor.user else None), utcnow()
    _move(delegate, _after_yes(delegate), actor, "delegate.approved", note="")
    return delegate


def _clear(delegate: Delegate, actor: Actor, seen: int, note: str = "") -> Delegate:
    delegate = _locked_as_seen(delegate, seen)
    if not delegate.category.needs_clearance:
        raise InvalidState(f"{delegate.category.name} needs no security clearance.")
    _require(delegate, {S.SUBMITTED, S.APPROVED_AWAITING_CLEARANCE}, "cleared")
    _require_vetted_data(delegate)
    if actor.user is not None and delegate.approved_by_id == actor.user.id:
        raise NotAllowed(f"You approved {delegate.printed_name} for the accreditation office; "
                         "another officer must clear: nobody gives both yeses to one person.")
    delegate.cleared_by_id, delegate.cleared_at = (actor.user.id if actor.user else None), utcnow()
    _move(delegate, _after_yes(delegate), actor, "delegate.cleared")
    return delegate


def _request_information(delegate: Delegate, actor: Actor, seen: int, message: str) -> Delegate:
    if not message.strip():
        raise InvalidState("Say what information is needed.", field="note")
    delegate = _locked_as_seen(delegate, seen)
    _require(delegate, PENDING_STATES, "asked for more information")
    _drop_yeses(delegate)
    _move(delegate, S.NEEDS_INFO, actor, "delegate.needs_info", note=message.strip())
    return delegate


def _reject(delegate: Delegate, actor: Actor, seen: int, reason: str) -> Delegate:
    delegate = _locked_as_seen(delegate, seen)
    _require(delegate, PENDING_STATES | {S.READY}, "rejected")
    _move(delegate, S.REJECTED, actor, "delegate.rejected", note=reason.strip())
    stop_all_badges(delegate, "withdrawn", actor)
    return delegate


def _refuse_clearance(delegate: Delegate, actor: Actor, seen: int, reason: str) -> Delegate:
    return _security_no(delegate, reason, actor, seen, S.CLEARANCE_REFUSED,
                        PENDING_STATES - {S.CLEARED_AWAITING_APPROVAL}, "delegate.clearance_refused")


def _withdraw_clearance(delegate: Delegate, actor: Actor, seen: int, reason: str) -> Delegate:
    return _security_no(delegate, reason, actor, seen, S.WITHDRAWN,
                        {S.CLEARED_AWAITING_APPROVAL, S.READY}, "delegate.clearance_withdrawn")


# The decisions an officer may take for many people at once, by the code the queue posts.
BULK_ACTIONS = {"approve": _approve, "clear": _clear, "request_information": _request_information,
                "reject": _reject, "refuse_clearance": _refuse_clearance}
NEEDS_NOTE = {"request_information", "refuse_clearance"}


def settle_category(category: Category, actor: Actor) -> int:
    """After an admin changes whether a category needs clearance: each of its people moves to
    the state that now applies (in the caller's transaction). Returns how many moved."""
    moved = 0
    for delegate in db.session.scalars(select(Delegate).where(Delegate.category_id == category.id)):
        target = settle_status(delegate)
        if target is not delegate.status:
            _move(delegate, target, actor, "delegate.stage_changed")
            moved += 1
    return moved


def settle_status(delegate: Delegate) -> DelegateStatus:
    """The state an approved or cleared person is in given their category's rule now."""
    if delegate.status in {S.READY, S.APPROVED_AWAITING_CLEARANCE, S.CLEARED_AWAITING_APPROVAL}:
        return _after_yes(delegate)
    return delegate.status


def missing_vetted_data(delegate: Delegate) -> list[str]:
    """What the offices need to vet and the application lacks."""
    return [label for name, label in VETTED_FIELDS.items() if not getattr(delegate, name)]


def may_decide(delegate: Delegate, actor_user, stage: str) -> str | None:
    """Why this account may not give this stage's yes to this person, or None."""
    if stage == "approve" and actor_user is not None and delegate.cleared_by_id == actor_user.id:
        return "You cleared this person; another officer must approve."
    if stage == "clear" and actor_user is not None and delegate.approved_by_id == actor_user.id:
        return "You approved this person; another officer must clear."
    return None


def _locked_as_seen(delegate: Delegate, seen_revision: int) -> Delegate:
    delegate = lock_delegate(delegate)  # a correction or another officer's decision may have landed
    check_seen(delegate, seen_revision)
    return delegate


def _require(delegate: Delegate, allowed: set[DelegateStatus], verb: str) -> None:
    if delegate.status not in allowed:
        raise InvalidState(f"{delegate.printed_name} is {delegate.status.title.lower()}; this "
                           f"application cannot be {verb} now.")


def _require_vetted_data(delegate: Delegate) -> None:
    missing = missing_vetted_data(delegate)
    if missing:
        raise InvalidState(f"{delegate.printed_name}'s application lacks the {', '.join(missing)}: "
                           "ask the applicant for it first.")


def _after_yes(delegate: Delegate) -> DelegateStatus:
    approved = delegate.approved_at is not None
    cleared = delegate.cleared_at is not None or not delegate.category.needs_clearance
    if approved and cleared:
        return S.READY
    if approved:
        return S.APPROVED_AWAITING_CLEARANCE
    if delegate.cleared_at is not None:
        return S.CLEARED_AWAITING_APPROVAL
    return S.SUBMITTED


def _drop_yeses(delegate: Delegate) -> None:
    delegate.approved_by_id = delegate.approved_at = None
    delegate.cleared_by_id = delegate.cleared_at = None


def _security_no(delegate: Delegate, reason: str, actor: Actor, seen_revision: int,
                 status: DelegateStatus, allowed: set[DelegateStatus], action: str) -> Delegate:
    if not reason.strip():
        raise InvalidState("Give the reason (it stays with the security office).", field="note")
    delegate = _locked_as_seen(delegate, seen_revision)
    if not delegate.category.needs_clearance and status is S.CLEARANCE_REFUSED:
        raise InvalidState(f"{delegate.category.name} needs no security clearance.")
    _require(delegate, allowed, "refused clearance" if status is S.CLEARANCE_REFUSED else "withdrawn")
    delegate.clearance_note = reason.strip()
    delegate.cleared_by_id = delegate.cleared_at = None
    _move(delegate, status, actor, action, note="", security_reason=reason.strip())
    stop_all_badges(delegate, "withdrawn", actor)
    return delegate


def _move(delegate: Delegate, status: DelegateStatus, actor: Actor, action: str, *,
          note: str | None = None, security_reason: str | None = None) -> None:
    before = {"status": delegate.status, "status_note": delegate.status_note}
    delegate.status = status
    if note is not None:
        delegate.status_note = note
    after = {"status": status, "status_note": delegate.status_note}
    if security_reason is not None:
        after["clearance_note"] = security_reason  # the trail is staff-only, like the reason
    record_change(actor, action, delegate, before=before, after=after)
