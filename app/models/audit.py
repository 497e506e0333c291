"""The audit trail: who changed what, when, with the values before and after."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import UTCDateTime, utcnow
from .staff import StaffUser


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    #: Staff member who acted; None for applicants, liaison officers and the CLI.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    #: Readable actor, e.g. "staff:desk@example.org", "applicant", "cli".
    actor: Mapped[str] = mapped_column(String(300))
    #: What happened, a stable code such as "delegate.approved" or "badge.issued".
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int | None] = mapped_column(index=True)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    ip: Mapped[str] = mapped_column(String(64), default="")

    actor_user: Mapped[StaffUser | None] = relationship()
