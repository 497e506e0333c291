"""Who is acting, and the one function that writes the audit trail."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
import enum

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import and_, or_, select

from ..extensions import db
from ..models import AuditEvent, Badge, StaffUser


@dataclass(frozen=True)
class Actor:
    """The person or process behind a change, as the audit trail names it."""

    label: str
    user: StaffUser | None = None
    ip: str = ""

    @classmethod
    def staff(cls, user: StaffUser) -> Actor:
        return cls(label=f"staff:{user.email}", user=user, ip=_client_ip())

    @classmethod
    def current(cls) -> Actor:
        """The logged-in staff member of this request."""
        if current_user and current_user.is_authenticated:
            return cls.staff(current_user._get_current_object())
        return cls.public("anonymous")

    @classmethod
    def public(cls, label: str = "applicant") -> Actor:
        return cls(label=label, ip=_client_ip())

    @classmethod
    def cli(cls, command: str) -> Actor:
        return cls(label=f"cli:{command}")

    @classmethod
    def system(cls) -> Actor:
        """Lanyard itself, noticing what nobody did (a background job whose server died)."""
        return cls(label="system")


def _client_ip() -> str:
    return (request.remote_addr or "") if has_request_context() else ""


def record(actor: Actor, action: str, obj, *, before: dict | None = None,
           after: dict | None = None) -> AuditEvent:
    """Add an audit event to the current transaction; the caller commits."""
    event = AuditEvent(
        actor=actor.label,
        actor_id=actor.user.id if actor.user is not None else None,
        action=action,
        object_type=type(obj).__name__.lower(),
        object_id=getattr(obj, "id", None),
        before=_jsonable(before),
        after=_jsonable(after),
        ip=actor.ip,
    )
    db.session.add(event)
    return event


def snapshot(obj, *fields: str) -> dict:
    return {name: getattr(obj, name) for name in fields}


def _jsonable(values: dict | None) -> dict | None:
    if values is None:
        return None
    out = {}
    for key, value in values.items():
        if isinstance(value, enum.Enum):
            value = value.value
        elif isinstance(value, (date, datetime)):
            value = value.isoformat()
        elif isinstance(value, (list, tuple)):
            value = [getattr(v, "code", v) for v in value]
        out[key] = value
    return out


def person_history(delegate) -> list[AuditEvent]:
    """Everything the trail holds about one person and their badges, oldest first."""
    badge_ids = select(Badge.id).where(Badge.delegate_id == delegate.id)
    return list(db.session.scalars(select(AuditEvent).where(or_(
        and_(AuditEvent.object_type == "delegate", AuditEvent.object_id == delegate.id),
        and_(AuditEvent.object_type == "badge", AuditEvent.object_id.in_(badge_ids))))
        .order_by(AuditEvent.id)))
