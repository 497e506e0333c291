"""Accreditation decisions on applications: approve, ask for more, reject.

After each decision is committed the applicant is told by e-mail.
"""
from __future__ import annotations

from ..extensions import db
from ..models import OPEN_STATES, Delegate, DelegateStatus
from .audit import Actor, record
from .errors import InvalidState
from .issuance import stop_all_badges
from .locking import lock_delegate
from .notifications import notify_decision



def approve_delegate(delegate: Delegate, actor: Actor, *, commit: bool = True,
                     notify: bool = True) -> None:
    """Approve; `commit=False, notify=False` lets an import approve inside its own transaction."""
    _decide(delegate, DelegateStatus.APPROVED, "", actor, allowed_from=OPEN_STATES)
    if commit:
        db.session.commit()
    if notify:
        notify_decision(delegate)


def request_information(delegate: Delegate, message: str, actor: Actor) -> None:
    if not message.strip():
        raise InvalidState("Say what information is needed.", field="note")
    _decide(delegate, DelegateStatus.NEEDS_INFO, message.strip(), actor,
            allowed_from=OPEN_STATES)
    db.session.commit()
    notify_decision(delegate)


def reject_delegate(delegate: Delegate, reason: str, actor: Actor) -> None:
    """Reject an application; an approved person loses every badge at once."""
    _decide(delegate, DelegateStatus.REJECTED, reason.strip(), actor,
            allowed_from=OPEN_STATES | {DelegateStatus.APPROVED})
    stop_all_badges(delegate, "withdrawn", actor)
    db.session.commit()
    notify_decision(delegate)


def _decide(delegate: Delegate, status: DelegateStatus, note: str, actor: Actor,
            *, allowed_from: set[DelegateStatus]) -> None:
    lock_delegate(delegate)  # a correction or another officer's decision may have just landed
    if delegate.status not in allowed_from:
        raise InvalidState(
            f"{delegate.printed_name} is {delegate.status.title.lower()}; "
            f"this application cannot be marked {status.title.lower()} now.")
    before = {"status": delegate.status, "status_note": delegate.status_note}
    delegate.status = status
    delegate.status_note = note
    record(actor, f"delegate.{status.value}", delegate, before=before,
           after={"status": status, "status_note": note})
