"""Every badge scan at a door, accepted or refused."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import UTCDateTime, coded_enum, utcnow
from .enums import ScanDirection, ScanVerdict
from .event import Checkpoint


class Scan(db.Model):
    __tablename__ = "scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoints.id"), index=True)
    #: The badge the code belongs to; None when the code is unknown or forged.
    badge_id: Mapped[int | None] = mapped_column(ForeignKey("badges.id"), index=True)
    #: Exactly what the scanner read, kept for refused scans too.
    raw_code: Mapped[str] = mapped_column(String(256))
    direction: Mapped[ScanDirection] = mapped_column(coded_enum(ScanDirection))
    verdict: Mapped[ScanVerdict] = mapped_column(coded_enum(ScanVerdict), index=True)
    #: When the badge was scanned (device time for offline scans).
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    #: When the server stored it; later than scanned_at for offline uploads.
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    device: Mapped[str] = mapped_column(String(120), default="")
    #: Client-chosen id so a retried request never records a second scan.
    nonce: Mapped[str | None] = mapped_column(String(64), unique=True)

    checkpoint: Mapped[Checkpoint] = relationship()
    badge: Mapped["Badge | None"] = relationship()  # noqa: F821
