"""Invitations that let a delegation's liaison officer manage its members."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import UTCDateTime, utcnow
from .event import Delegation
from .staff import StaffUser


class DelegationInvitation(db.Model):
    __tablename__ = "delegation_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    delegation_id: Mapped[int] = mapped_column(
        ForeignKey("delegations.id", ondelete="CASCADE"), index=True)
    liaison_name: Mapped[str] = mapped_column(String(160))
    liaison_email: Mapped[str] = mapped_column(String(254))
    #: Random value signed into the link, so a link can never be guessed from the id alone.
    nonce: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    #: The link stops working after this moment.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Set when an administrator withdraws the link; it stops working at once.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    delegation: Mapped[Delegation] = relationship()
    created_by: Mapped[StaffUser | None] = relationship()

    def usable(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at

    def __repr__(self) -> str:
        return f"<DelegationInvitation {self.id} {self.liaison_email}>"
