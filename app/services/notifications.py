"""E-mails to applicants and liaison officers about their applications.

Sent after the change they report is committed; a mail server that is down
never undoes a registration or a decision, it is logged instead.
"""
from __future__ import annotations

from flask import current_app

from ..models import Delegate, DelegateStatus, DelegationInvitation
from .links import external_url, invitation_token, kiosk_code, status_link_lifetime, status_token
from .mail import MailError, send_mail

# What applicants are told, by state: never which office held them up, nor a security reason.
_DECISIONS = {
    DelegateStatus.NEEDS_INFO: ("needs_info", "More information needed for your accreditation"),
    DelegateStatus.READY: ("approved", "Your accreditation is approved"),
    DelegateStatus.REJECTED: ("rejected", "Your accreditation application"),
    DelegateStatus.CLEARANCE_REFUSED: ("rejected", "Your accreditation application"),
    DelegateStatus.WITHDRAWN: ("rejected", "Your accreditation application"),
}


def status_url(delegate: Delegate) -> str:
    return external_url("register.status", slug=delegate.event.slug, token=status_token(delegate))


def notify_registered(delegate: Delegate) -> bool:
    """Confirmation with the reference code and the private status link."""
    return _send(delegate.email, f"Application received: {delegate.reference}", "confirmation",
                 person=delegate, event=delegate.event, link=status_url(delegate),
                 link_days=status_link_lifetime().days)


def notify_decision(delegate: Delegate) -> bool:
    """Tell the applicant the accreditation office's decision (or question)."""
    template, subject = _DECISIONS.get(delegate.status, (None, None))
    if template is None:
        return False
    extra = {}
    if delegate.status is DelegateStatus.READY:
        # Scanned (or typed) at a self-service kiosk to print the badge.
        code = kiosk_code(delegate)
        extra = {"kiosk_code": code, "images": {"kiosk": qr_png(code)}}
    return _send(delegate.email, f"{subject} ({delegate.reference})", template,
                 person=delegate, event=delegate.event, link=status_url(delegate),
                 link_days=status_link_lifetime().days, **extra)


def qr_png(text: str) -> bytes:
    """A QR code as a PNG for an e-mail, big enough for a kiosk's scanner to read off a phone."""
    import io

    import qrcode
    from qrcode.constants import ERROR_CORRECT_M
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=8, border=4)
    code.add_data(text)
    out = io.BytesIO()
    code.make_image().save(out)
    return out.getvalue()


def notify_invitation(invitation: DelegationInvitation) -> bool:
    event = invitation.delegation.event
    link = external_url("liaison.members", token=invitation_token(invitation))
    return _send(invitation.liaison_email, f"Register the {invitation.delegation.name} delegation "
                 f"for {event.name}", "invitation", invitation=invitation, event=event, link=link)


def _send(to: str, subject: str, template: str, **context) -> bool:
    try:
        send_mail(to, subject, template, **context)
    except MailError:
        current_app.logger.exception("E-mail %r to %s failed", template, to)
        return False
    return True
