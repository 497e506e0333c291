"""The one place that signs and checks private links: an applicant's status page
and a liaison officer's delegation page.

A link carries a token signed with the app's secret key (itsdangerous), so it
cannot be forged or altered, and it expires. The status token binds the
delegate's id to their reference code; the invitation token binds the
invitation's id to its random nonce, and the invitation can also be revoked.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app, has_request_context, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

from ..extensions import db
from ..models import Delegate, DelegationInvitation, Event
from ..models._types import utcnow
from .errors import ServiceError

STATUS_SALT = "lanyard.status-link"
INVITATION_SALT = "lanyard.liaison-invitation"


class LinkRefused(ServiceError):
    """The link is damaged, expired, revoked or not for this page."""

    code = "link_invalid"


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def status_link_lifetime() -> timedelta:
    return timedelta(days=int(current_app.config.get("LANYARD_STATUS_LINK_DAYS", 90)))


def status_token(delegate: Delegate) -> str:
    return _serializer(STATUS_SALT).dumps({"d": delegate.id, "r": delegate.reference})


def delegate_for_status_token(token: str, event: Event) -> Delegate:
    """The delegate a status link belongs to, or LinkRefused saying why not."""
    serializer = _serializer(STATUS_SALT)
    try:
        payload = serializer.loads(token, max_age=int(status_link_lifetime().total_seconds()))
    except SignatureExpired:
        raise LinkRefused("This link has expired. Ask the accreditation office for a new one.",
                          code="link_expired") from None
    except BadSignature:
        raise LinkRefused("This link is not valid. Check that you copied all of it.") from None
    if not isinstance(payload, dict):
        raise LinkRefused("This link is not valid. Check that you copied all of it.")
    delegate = db.session.get(Delegate, payload.get("d")) if isinstance(payload.get("d"), int) else None
    # The reference must match too: an id reused after a deletion never opens someone else's data.
    if delegate is None or delegate.reference != payload.get("r") or delegate.event_id != event.id:
        raise LinkRefused("This link does not belong to an application for this event.")
    return delegate


def _invitation_serializer() -> URLSafeSerializer:
    # Untimed: expiry and withdrawal live on the invitation row, and the same
    # invitation always has the same link, wherever it is shown.
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=INVITATION_SALT)


def invitation_token(invitation: DelegationInvitation) -> str:
    return _invitation_serializer().dumps({"i": invitation.id, "n": invitation.nonce})


def invitation_for_token(token: str) -> DelegationInvitation:
    """The usable invitation a liaison link stands for, or LinkRefused."""
    try:
        payload = _invitation_serializer().loads(token)
    except BadSignature:
        raise LinkRefused("This invitation link is not valid. Check that you copied all of it.") from None
    invitation = None
    if isinstance(payload, dict) and isinstance(payload.get("i"), int):
        invitation = db.session.get(DelegationInvitation, payload["i"])
    if invitation is None or invitation.nonce != payload.get("n"):
        raise LinkRefused("This invitation link is not valid.")
    if invitation.revoked_at is not None:
        raise LinkRefused("This invitation has been withdrawn. Contact the organisers for a new one.",
                          code="link_revoked")
    if not invitation.usable(utcnow()):
        raise LinkRefused("This invitation has expired. Contact the organisers for a new one.",
                          code="link_expired")
    return invitation


def external_url(endpoint: str, **values) -> str:
    """An absolute URL for e-mails: LANYARD_BASE_URL when set, else the current request's host."""
    base = current_app.config.get("LANYARD_BASE_URL") or ""
    if has_request_context() and not base:
        return url_for(endpoint, _external=True, **values)
    with current_app.test_request_context("/", base_url=base or "http://localhost"):
        return url_for(endpoint, _external=True, **values)
