"""The event and what it is made of: delegations, categories, zones, checkpoints."""
from __future__ import annotations

from datetime import date, datetime, tzinfo
from datetime import timezone as dt_timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import UTCDateTime, coded_enum, utcnow
from .enums import DoorDirections


def venue_timezone(name: str) -> tzinfo:
    """The time zone an event names (UTC if the zone is unknown to this machine)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return dt_timezone.utc


category_default_zones = Table(
    "category_default_zones",
    db.metadata,
    Column("category_id", ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True),
    Column("zone_id", ForeignKey("zones.id", ondelete="CASCADE"), primary_key=True),
)


class Event(db.Model):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short identifier used in URLs, e.g. "amim22".
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    venue: Mapped[str] = mapped_column(String(200), default="")
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    #: IANA time zone of the venue, e.g. "Asia/Kuala_Lumpur".
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    #: Host organisation, printed on the back of badges.
    host: Mapped[str] = mapped_column(String(200), default="")
    #: Who to call in an emergency, printed on the back of badges, e.g. "+60 3 2333 2888".
    emergency_contact: Mapped[str] = mapped_column(String(120), default="", server_default="")
    #: Registration window; open if unset.
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    privacy_notice: Mapped[str] = mapped_column(Text, default="")
    #: Months a travel document must stay valid after the meeting's last day (0: until that day).
    document_valid_months: Mapped[int] = mapped_column(default=0, server_default="0")
    #: Where and when delegates collect their badges, told on their page and in the approval e-mail.
    badge_collection: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    delegations: Mapped[list[Delegation]] = relationship(
        back_populates="event", order_by="Delegation.country", cascade="all, delete-orphan")
    categories: Mapped[list[Category]] = relationship(
        back_populates="event", order_by="Category.code", cascade="all, delete-orphan")
    zones: Mapped[list[Zone]] = relationship(
        back_populates="event", order_by="Zone.code", cascade="all, delete-orphan")
    checkpoints: Mapped[list[Checkpoint]] = relationship(
        back_populates="event", order_by="Checkpoint.code", cascade="all, delete-orphan")

    @property
    def dates_in_words(self) -> str:
        """E.g. "from 29 November to 1 December 2026", "on 3 March 2027"."""
        first, last = self.starts_on, self.ends_on
        if first == last:
            return f"on {last.day} {last:%B %Y}"
        if (first.year, first.month) == (last.year, last.month):
            return f"from {first.day} to {last.day} {last:%B %Y}"
        start = f"{first.day} {first:%B}" if first.year == last.year else f"{first.day} {first:%B %Y}"
        return f"from {start} to {last.day} {last:%B %Y}"

    @property
    def delegations_by_name(self) -> list[Delegation]:
        """The delegations as lists show them: by the country's name, as people look it up."""
        from ..services.countries import collation_key
        return sorted(self.delegations, key=lambda d: collation_key(d.name))

    @property
    def venue_timezone(self) -> tzinfo:
        """The venue's time zone (UTC if the zone is unknown to this machine)."""
        return venue_timezone(self.timezone)

    def at_venue(self, moment: datetime) -> datetime:
        """A UTC moment on the venue's clock."""
        return moment.astimezone(self.venue_timezone)

    def from_venue_clock(self, wall: datetime) -> datetime:
        """A naive time read on the venue's clock (a form's venue time) as a UTC moment."""
        return wall.replace(tzinfo=self.venue_timezone).astimezone(dt_timezone.utc)

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"


class Delegation(db.Model):
    __tablename__ = "delegations"
    __table_args__ = (UniqueConstraint("event_id", "country"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    #: ISO 3166-1 alpha-2 code of the delegation's country.
    country: Mapped[str] = mapped_column(String(2))
    #: Optional cap on registrations for this delegation.
    max_members: Mapped[int | None]

    event: Mapped[Event] = relationship(back_populates="delegations")

    @property
    def name(self) -> str:
        """The country's name, from the one source every list and export uses."""
        from ..services.countries import country_name
        return country_name(self.country)


class Zone(db.Model):
    __tablename__ = "zones"
    __table_args__ = (UniqueConstraint("event_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    #: Short code printed on badges, e.g. "1" or "VIP".
    code: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(120))

    event: Mapped[Event] = relationship(back_populates="zones")


class Category(db.Model):
    __tablename__ = "categories"
    __table_args__ = (UniqueConstraint("event_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    #: Code letter printed on the badge, e.g. "D" for delegate.
    code: Mapped[str] = mapped_column(String(2))
    name: Mapped[str] = mapped_column(String(80))
    #: Badge band colour as "#RRGGBB".
    colour: Mapped[str] = mapped_column(String(7))
    #: Whether applicants may pick this category on the public form.
    self_service: Mapped[bool] = mapped_column(default=True)
    #: People of this category are printable only once the security office has cleared them.
    needs_clearance: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: Badge layout name; the renderer's default when empty.
    layout: Mapped[str] = mapped_column(String(64), default="")

    event: Mapped[Event] = relationship(back_populates="categories")
    default_zones: Mapped[list[Zone]] = relationship(
        secondary=category_default_zones, order_by="Zone.code")


class Checkpoint(db.Model):
    __tablename__ = "checkpoints"
    __table_args__ = (UniqueConstraint("event_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(120))
    #: Zone this door leads into; a badge needs it to enter. None: any approved badge.
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zones.id", ondelete="SET NULL"))
    #: Refuse a second entry into the zone (through any of its doors) without an exit in between.
    single_entry: Mapped[bool] = mapped_column(default=True)
    #: Which way people may pass here: entry and exit, entry only, or exit only.
    directions: Mapped[DoorDirections] = mapped_column(
        coded_enum(DoorDirections), default=DoorDirections.BOTH, server_default="both")

    event: Mapped[Event] = relationship(back_populates="checkpoints")
    zone: Mapped[Zone | None] = relationship()
