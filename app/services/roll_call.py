"""Who is inside each zone of an event, as the security office reads it: zone by zone on the
screen, as an evacuation roll-call and as CSV. Read-only; presence.py holds the rule."""
from __future__ import annotations

from dataclasses import dataclass

from ..models import Delegate, Event, Scan, Zone
from .countries import country_name
from .exports import to_csv
from .presence import inside, inside_by_zone
from .scan_log import venue_timestamp

#: How addresses name the venue itself (doors with no zone); zones go by their id.
VENUE = "venue"


@dataclass(frozen=True)
class ZoneRoll:
    """The people inside one zone now (None: the venue), each with the scan they entered by."""

    zone: Zone | None
    people: list[tuple[Delegate, Scan]]

    @property
    def key(self) -> str:
        return VENUE if self.zone is None else str(self.zone.id)

    @property
    def name(self) -> str:
        return "Venue" if self.zone is None else f"Zone {self.zone.code}: {self.zone.name}"


def zone_rolls(event: Event) -> list[ZoneRoll]:
    """Every zone of the event, the venue first, each with who is inside now (one query)."""
    by_zone = inside_by_zone(event.id)
    return [ZoneRoll(zone, by_zone.get(zone.id if zone else None, []))
            for zone in [None, *event.zones]]


def zone_roll(event: Event, key: str) -> ZoneRoll | None:
    """One zone's roll, by `VENUE` or the id of one of the event's zones; None if there is none."""
    if key == VENUE:
        return ZoneRoll(None, inside(event.id, None))
    zone = next((zone for zone in event.zones if str(zone.id) == key), None)
    return ZoneRoll(zone, inside(event.id, zone.id)) if zone is not None else None


ROLL_CALL_HEADER = ["zone", "name", "native_name", "delegation", "category", "badge", "entered_at",
                    "door"]


def roll_call_csv(event: Event, rolls: list[ZoneRoll]) -> bytes:
    """Everyone inside the given zones, a row each, safe to open in a spreadsheet."""
    return to_csv(ROLL_CALL_HEADER, [
        [roll.name, person.printed_name, person.native_name, country_name(person.country),
         person.category.name, entry.badge.serial if entry.badge else "",
         venue_timestamp(event, entry.scanned_at), entry.checkpoint.name]
        for roll in rolls for person, entry in roll.people])
