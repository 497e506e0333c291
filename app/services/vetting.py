"""Accreditation decisions on applications: approve, ask for more, reject.

Each decision names the revision of the application the officer saw, and is
refused if the application changed since. After each decision is committed
the applicant is told by e-mail.
"""
from __future__ import annotations

from ..extensions import db
from ..models import OPEN_STATES, Delegate, DelegateStatus
from .audit import Actor
from .errors import InvalidState
from .issuance import stop_all_badges
from .locking import lock_delegate
from .notifications import notify_decision
from .revisions import check_seen, record_change


def approve_delegate(delegate: Delegate, actor: Actor, *, seen_revision: int, commit: bool = True,
                     notify: bool = True) -> None:
    """Approve; `commit=False, notify=False` lets an import approve inside its own transaction."""
    _decide(delegate, DelegateStatus.APPROVED, "", actor, seen_revision,
            allowed_from=OPEN_STATES)
    if commit:
        db.session.commit()
    if notify:
        notify_decision(delegate)


def request_information(delegate: Delegate, message: str, actor: Actor, *,
                        seen_revision: int) -> None:
    if not message.strip():
        raise InvalidState("Say what information is needed.", field="note")
    _decide(delegate, DelegateStatus.NEEDS_INFO, message.strip(), actor, seen_revision,
            allowed_from=OPEN_STATES)
    db.session.commit()
    notify_decision(delegate)


def reject_delegate(delegate: Delegate, reason: str, actor: Actor, *, seen_revision: int) -> None:
    """Reject an application; an approved person loses every badge at once."""
    _decide(delegate, DelegateStatus.REJECTED, reason.strip(), actor, seen_revision,
            allowed_from=OPEN_STATES | {DelegateStatus.APPROVED})
    stop_all_badges(delegate, "withdrawn", actor)
    db.session.commit()
    notify_decision(delegate)


def _decide(delegate: Delegate, status: DelegateStatus, note: str, actor: Actor, seen_revision: int,
            *, allowed_from: set[DelegateStatus]) -> None:
    lock_delegate(delegate)  # a correction or another officer's decision may have just landed
    check_seen(delegate, seen_revision)
    if delegate.status not in allowed_from:
        raise InvalidState(
            f"{delegate.printed_name} is {delegate.status.title.lower()}; "
            f"this application cannot be marked {status.title.lower()} now.")
    before = {"status": delegate.status, "status_note": delegate.status_note}
    delegate.status = status
    delegate.status_note = note
    record_change(actor, f"delegate.{status.value}", delegate, before=before,
                  after={"status": status, "status_note": note})
