"""Desk stations: a named desk PC, tablet or kiosk, the printer it prints to, and the jobs sent there."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import UTCDateTime, utcnow
from .staff import StaffUser


class Station(db.Model):
    """A desk or kiosk of an event; a browser names the one it is by a signed cookie."""

    __tablename__ = "stations"
    __table_args__ = (UniqueConstraint("event_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    #: What staff call it, e.g. "Desk 3" or "Kiosk by the lifts".
    name: Mapped[str] = mapped_column(String(80))
    #: The CUPS queue badges go to; empty: the PDF opens in the browser, as without a station.
    printer_queue: Mapped[str] = mapped_column(String(127), default="")
    #: Badge layout (stock) every badge of this station prints in; empty: each category's own.
    layout: Mapped[str] = mapped_column(String(64), default="")
    #: Sheet of several badges the printer is loaded with; empty: one badge per page (card printer).
    sheet: Mapped[str] = mapped_column(String(64), default="")
    #: Print the back side too (a duplex card printer, or sheets printed double-sided).
    back: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Set when an admin retires the station: it is offered no more and prints nothing; its
    #: print jobs keep naming it.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    retired_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))

    event: Mapped["Event"] = relationship()  # noqa: F821
    retired_by: Mapped[StaffUser | None] = relationship()

    def __repr__(self) -> str:
        return f"<Station {self.name}>"


class PrintJob(db.Model):
    """A badge sent to a printer queue: the job number CUPS gave it, to show how it went."""

    __tablename__ = "print_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int | None] = mapped_column(ForeignKey("stations.id", ondelete="SET NULL"),
                                                   index=True)
    badge_id: Mapped[int] = mapped_column(ForeignKey("badges.id", ondelete="CASCADE"), index=True)
    queue: Mapped[str] = mapped_column(String(127))
    #: CUPS's request id, e.g. "LanyardPDF-12".
    job: Mapped[str] = mapped_column(String(160))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: None when the delegate printed it at a kiosk.
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    from_kiosk: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    station: Mapped[Station | None] = relationship()
    badge: Mapped["Badge"] = relationship()  # noqa: F821
