"""The one place that signs and checks private links: an applicant's status page
and a liaison officer's delegation page; and the kiosk code of an approval e-mail.

A link carries a token signed with the app's secret key (itsdangerous), so it
cannot be forged or altered, and it expires. The status token binds the
delegate's id to their reference code; the invitation token binds the
invitation's id to its random nonce, and the invitation can also be revoked.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import struct
from datetime import date, timedelta

from flask import current_app, has_request_context, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

from ..extensions import db
from ..models import Delegate, DelegationInvitation, Event
from ..models._types import utcnow
from .errors import ServiceError

STATUS_SALT = "lanyard.status-link"
INVITATION_SALT = "lanyard.liaison-invitation"
KIOSK_SALT = b"lanyard.kiosk-code"
# "K1" then Base32 of (delegate id, last valid day, MAC): upper-case letters and digits only,
# so a keyboard-wedge scanner types it right on any keyboard layout (and QR packs it small).
KIOSK_PREFIX = "K1"
_EPOCH = date(1970, 1, 1)


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


def kiosk_code(delegate: Delegate) -> str:
    """The code an approved delegate scans (or types) at a kiosk to print their badge: it
    names them, cannot be made without the app's secret, and stops working the day after
    the event (LANYARD_KIOSK_CODE_DAYS_AFTER)."""
    last_day = delegate.event.ends_on + timedelta(
        days=int(current_app.config.get("LANYARD_KIOSK_CODE_DAYS_AFTER", 1)))
    body = struct.pack(">IH", delegate.id, (last_day - _EPOCH).days)
    return KIOSK_PREFIX + base64.b32encode(body + _kiosk_mac(body, delegate.reference)).decode()


def looks_like_kiosk_code(text: str) -> bool:
    return "".join(text.split()).upper().startswith(KIOSK_PREFIX)


def delegate_for_kiosk_code(text: str, today: date) -> Delegate:
    """The delegate a kiosk code names, or LinkRefused (damaged, forged or expired)."""
    code = "".join(text.split()).upper().removeprefix(KIOSK_PREFIX)
    refused = LinkRefused("This code cannot be read. Please go to the accreditation desk.")
    try:
        raw = base64.b32decode(code)
    except (ValueError, TypeError):
        raise refused from None
    if len(raw) != 20:
        raise refused
    body, mac = raw[:6], raw[6:]
    delegate_id, last_day = struct.unpack(">IH", body)
    delegate = db.session.get(Delegate, delegate_id) if 0 < delegate_id < 2**31 else None
    # The MAC binds the reference too: an id reused after a deletion opens nobody else.
    if delegate is None or not hmac.compare_digest(mac, _kiosk_mac(body, delegate.reference)):
        raise refused
    if today > _EPOCH + timedelta(days=last_day):
        raise LinkRefused("This code has expired. Please go to the accreditation desk.",
                          code="link_expired")
    return delegate


def _kiosk_mac(body: bytes, reference: str) -> bytes:
    key = hmac.new(current_app.config["SECRET_KEY"].encode(), KIOSK_SALT, hashlib.sha256).digest()
    return hmac.new(key, body + reference.encode(), hashlib.sha256).digest()[:14]


def external_url(endpoint: str, **values) -> str:
    """An absolute URL for e-mails: LANYARD_BASE_URL when set, else the current request's host."""
    base = current_app.config.get("LANYARD_BASE_URL") or ""
    if has_request_context() and not base:
        return url_for(endpoint, _external=True, **values)
    with current_app.test_request_context("/", base_url=base or "http://localhost"):
        return url_for(endpoint, _external=True, **values)
