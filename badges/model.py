"""Plain data the badge renderer takes in and gives back: badges, the event,
the report of a run. No Flask, no database: the web app and the CLI fill these."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class BadgeData:
    """One person's badge, as printed."""

    code: str  # QR payload: upper-case Base32, up to 120 characters (A-Z, 2-7)
    name: str  # name as printed, e.g. "Ahmad Faizal bin Rahman"
    native_name: str = ""  # native-script name, e.g. "สมชาย รัตนกุล"
    honorific: str = ""  # rank or honorific, e.g. "Brigadier General"
    position: str = ""
    organisation: str = ""
    country_code: str = ""  # ISO 3166 alpha-2
    country_name: str = ""
    category_code: str = ""  # one letter, e.g. "D"
    category_name: str = ""  # e.g. "Delegate"
    category_colour: str = "#777777"  # hex, e.g. "#C8102E"
    zones: tuple[str, ...] = ()  # zone codes, e.g. ("1", "2", "3")
    photo: bytes | None = None  # JPEG/PNG bytes cropped 35:45; None prints a silhouette
    serial: str = ""  # badge serial shown small, e.g. "B000123"
    version: int = 1
    valid_from: date | None = None
    valid_to: date | None = None

    @property
    def label(self) -> str:
        """How the badge is named in reports and warnings."""
        return self.serial or self.name


@dataclass(frozen=True)
class EventInfo:
    """The event every badge in a run belongs to."""

    name: str
    short_name: str = ""
    logo: bytes | None = None  # PNG/JPEG: the event's logo or the host's crest, once per PDF
    venue: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    zone_legend: tuple[tuple[str, str], ...] = ()  # (code, name) of every zone of the event
    host: str = ""  # "Property of <host>. If found, please return."
    emergency_contact: str = ""
    # Seeds the event's own guilloche; empty: made from the name and dates.
    pattern_seed: str = ""


@dataclass(frozen=True)
class MissingGlyph:
    """A character no vendored font can draw; it is left out of the badge."""

    badge: str  # serial, or name when there is no serial
    char: str
    codepoint: str  # "U+1F600"

    def __iter__(self):  # unpacks as (badge, char, codepoint)
        return iter((self.badge, self.char, self.codepoint))


@dataclass
class RenderReport:
    """What a render produced, and what the operator should look at."""

    pages: int = 0
    badges: int = 0
    missing_glyphs: list[MissingGlyph] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
