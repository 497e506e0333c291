"""Every badge scan at a door, accepted or refused, and who it moved in or out of a zone."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import UTCDateTime, coded_enum, utcnow
from .enums import ScanDirection, ScanFlag, ScanVerdict
from .event import Checkpoint, Zone
from .staff import StaffUser


class Scan(db.Model):
    __tablename__ = "scans"
    __table_args__ = (
        # "Is this person inside that zone?": the newest scan that moved them, per zone.
        Index("ix_scans_presence", "delegate_id", "zone_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoints.id"), index=True)
    #: The zone the checkpoint guarded when scanned; None for doors into the venue itself.
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zones.id", ondelete="SET NULL"))
    #: The badge the code belongs to; None when the code is unknown or forged.
    badge_id: Mapped[int | None] = mapped_column(ForeignKey("badges.id"), index=True)
    #: The badge's holder (kept here so presence and roll-calls need no join).
    delegate_id: Mapped[int | None] = mapped_column(ForeignKey("delegates.id", ondelete="SET NULL"))
    #: Exactly what the scanner read (or the serial typed), kept for refused scans too.
    raw_code: Mapped[str] = mapped_column(String(256))
    direction: Mapped[ScanDirection] = mapped_column(coded_enum(ScanDirection))
    #: What the door showed: for offline scans, the device's own decision.
    verdict: Mapped[ScanVerdict] = mapped_column(coded_enum(ScanVerdict), index=True)
    #: In or out of the zone if this scan moved the person; None if it did not.
    moved: Mapped[ScanDirection | None] = mapped_column(coded_enum(ScanDirection))
    #: Why the security office should look at it, if it should.
    flag: Mapped[ScanFlag | None] = mapped_column(coded_enum(ScanFlag), index=True)
    #: Decided on the door device without the server, uploaded later.
    offline: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: For offline scans: what the server would have decided, when that differs.
    server_verdict: Mapped[ScanVerdict | None] = mapped_column(coded_enum(ScanVerdict))
    #: The guard typed the serial printed on a damaged badge and compared the photo.
    manual: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: The reason a supervisor gave to let a refused person through.
    override_reason: Mapped[str] = mapped_column(String(300), default="", server_default="")
    #: The refused scan a supervisor overrode with this one.
    override_of_id: Mapped[int | None] = mapped_column(ForeignKey("scans.id"))
    #: When the badge was scanned (device time for offline scans).
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    #: When the server stored it; later than scanned_at for offline uploads.
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    device: Mapped[str] = mapped_column(String(120), default="")
    #: Client-chosen id so a retried request never records a second scan.
    nonce: Mapped[str | None] = mapped_column(String(64), unique=True)

    checkpoint: Mapped[Checkpoint] = relationship()
    zone: Mapped[Zone | None] = relationship()
    badge: Mapped["Badge | None"] = relationship()  # noqa: F821
    delegate: Mapped["Delegate | None"] = relationship()  # noqa: F821
    staff: Mapped[StaffUser | None] = relationship()
