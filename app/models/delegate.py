"""A person applying for accreditation at one event."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import UTCDateTime, coded_enum, utcnow
from .enums import DelegateStatus, SubmittedBy
from .event import Category, Delegation, Event, Zone
from .search_text import delegate_search_text
from .staff import StaffUser

delegate_zones = Table(
    "delegate_zones",
    db.metadata,
    Column("delegate_id", ForeignKey("delegates.id", ondelete="CASCADE"), primary_key=True),
    Column("zone_id", ForeignKey("zones.id", ondelete="CASCADE"), primary_key=True),
)


class Delegate(db.Model):
    __tablename__ = "delegates"
    __table_args__ = (
        # Substring LIKE on PostgreSQL goes through trigrams; on SQLite the search reads this
        # narrow index instead of the wide table (services/search.py).
        Index("ix_delegates_search_text", "search_text", postgresql_using="gin",
              postgresql_ops={"search_text": "gin_trgm_ops"}),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    delegation_id: Mapped[int | None] = mapped_column(
        ForeignKey("delegations.id", ondelete="SET NULL"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    #: Reference code given to the applicant, e.g. "LY-7K3M-Q9XD"; unique everywhere.
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    status: Mapped[DelegateStatus] = mapped_column(
        coded_enum(DelegateStatus), default=DelegateStatus.SUBMITTED, index=True)
    #: One more with every audited change to the application; decisions name the one they saw.
    revision: Mapped[int] = mapped_column(default=1, server_default="1")
    #: Who filed the application: the person, their liaison officer, or staff (imports).
    submitted_by: Mapped[SubmittedBy] = mapped_column(
        coded_enum(SubmittedBy), default=SubmittedBy.APPLICANT, server_default="applicant")
    #: Rank or honorific, e.g. "Brigadier General", "Dato'".
    honorific: Mapped[str] = mapped_column(String(80), default="")
    given_name: Mapped[str] = mapped_column(String(120))
    #: Empty for people with a single name.
    family_name: Mapped[str] = mapped_column(String(120), default="")
    #: The name exactly as it is printed on the badge.
    printed_name: Mapped[str] = mapped_column(String(160))
    #: Name in the person's own script, e.g. Thai or Khmer.
    native_name: Mapped[str] = mapped_column(String(160), default="")
    position: Mapped[str] = mapped_column(String(160), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    #: ISO 3166-1 alpha-2 country the person represents.
    country: Mapped[str] = mapped_column(String(2))
    email: Mapped[str] = mapped_column(String(254), index=True)
    #: Phone number in E.164 form, e.g. "+60123456789".
    phone: Mapped[str] = mapped_column(String(20), default="")
    nationality: Mapped[str] = mapped_column(String(2), default="")
    date_of_birth: Mapped[date | None]
    passport_number: Mapped[str] = mapped_column(String(32), default="", index=True)
    passport_expiry: Mapped[date | None]
    arrival_on: Mapped[date | None]
    departure_on: Mapped[date | None]
    dietary_needs: Mapped[str] = mapped_column(Text, default="")
    access_needs: Mapped[str] = mapped_column(Text, default="")
    #: File name of the normalised JPEG in the photo folder; empty if none yet.
    photo_file: Mapped[str] = mapped_column(String(64), default="")
    #: Message from the accreditation office to the applicant (more information, rejection).
    status_note: Mapped[str] = mapped_column(Text, default="")
    #: The accreditation office's yes: who and when (None until approved).
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The security office's yes: who and when (None until cleared).
    cleared_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The security office's reason for a refusal or withdrawal: never shown to the applicant.
    clearance_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    #: Names, reference, organisation, e-mail and the document's last four characters, folded
    #: (search_text.py) for the desk's search; kept up to date on every write.
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")

    event: Mapped[Event] = relationship()
    approved_by: Mapped[StaffUser | None] = relationship(foreign_keys=[approved_by_id])
    cleared_by: Mapped[StaffUser | None] = relationship(foreign_keys=[cleared_by_id])
    notes: Mapped[list[StaffNote]] = relationship(back_populates="delegate", order_by="StaffNote.id",
                                                  cascade="all, delete-orphan")
    delegation: Mapped[Delegation | None] = relationship()
    category: Mapped[Category] = relationship()
    zones: Mapped[list[Zone]] = relationship(secondary=delegate_zones, order_by="Zone.code")
    badges: Mapped[list["Badge"]] = relationship(  # noqa: F821
        back_populates="delegate", order_by="Badge.version", cascade="all, delete-orphan")

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.given_name, self.family_name) if part)

    @property
    def current_badge(self):
        """The newest badge that has not been revoked, if any."""
        for badge in reversed(self.badges):
            if badge.revoked_at is None:
                return badge
        return None

    def __repr__(self) -> str:
        return f"<Delegate {self.reference}>"


@event.listens_for(Delegate, "before_insert")
@event.listens_for(Delegate, "before_update")
def _refresh_search_text(mapper, connection, delegate: Delegate) -> None:
    delegate.search_text = delegate_search_text(delegate)


class StaffNote(db.Model):
    """A note staff keep about an application: internal, never shown to the applicant."""

    __tablename__ = "staff_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    delegate_id: Mapped[int] = mapped_column(ForeignKey("delegates.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    text: Mapped[str] = mapped_column(Text)

    delegate: Mapped[Delegate] = relationship(back_populates="notes")
    author: Mapped[StaffUser | None] = relationship()
