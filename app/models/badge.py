"""A printed badge: one version of a delegate's credential."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import UTCDateTime, utcnow


class Badge(db.Model):
    __tablename__ = "badges"
    __table_args__ = (UniqueConstraint("delegate_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    delegate_id: Mapped[int] = mapped_column(ForeignKey("delegates.id", ondelete="CASCADE"), index=True)
    #: 1 for the first badge; each reprint adds one and revokes the one before.
    version: Mapped[int]
    #: The code in the QR: the badge's id and version signed with the event's key (codes.py).
    code: Mapped[str] = mapped_column(String(128), unique=True)
    #: The key that signed the code; None for codes from before signed codes (all revoked).
    signing_key_id: Mapped[int | None] = mapped_column(ForeignKey("signing_keys.id"), index=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    printed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    handed_over_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Why the badge stopped working: "lost", "damaged", "superseded", "withdrawn"...
    revoked_reason: Mapped[str] = mapped_column(String(200), default="")

    delegate: Mapped["Delegate"] = relationship(back_populates="badges")  # noqa: F821
    signing_key: Mapped["SigningKey | None"] = relationship()  # noqa: F821

    @property
    def serial(self) -> str:
        return f"B{self.id:06d}-{self.version}"

    def __repr__(self) -> str:
        return f"<Badge {self.serial}>"
