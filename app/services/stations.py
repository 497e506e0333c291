"""Desk stations: setting one up with its printer, a browser remembering which station it is,
kiosk mode opened and closed on a station, and retiring a station no longer used."""
from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from ..extensions import db
from ..models import Event, Station
from ..models._types import utcnow
from .audit import Actor, record, snapshot
from .errors import InvalidState
from .locking import lock_station
from . import printers

STATION_COOKIE = "lanyard_station"
STATION_SALT = "lanyard.desk-station"
_FIELDS = ("name", "printer_queue", "layout", "sheet", "back")


def save_station(event: Event, actor: Actor, *, name: str, printer_queue: str = "",
                 layout: str = "", sheet: str = "", back: bool = False,
                 station: Station | None = None) -> Station:
    """Set up a station, or change one; its printer must be a queue the print server reports
    now, and its stock must fit its sheet."""
    from badges import fit_on_sheet, list_layouts, list_sheets, load_layout, load_sheet
    if station is not None:
        require_in_service(station)
    name = " ".join((name or "").split())
    if not name or len(name) > 80:
        raise InvalidState("Name the station (up to 80 characters), e.g. “Desk 3”.", field="name")
    taken = db.session.scalar(select(Station).where(Station.event_id == event.id,
                                                    Station.name == name))
    if taken is not None and taken is not station:
        raise InvalidState(f"A retired station is called “{name}”; name this one differently."
                           if taken.retired_at else f"There is already a station called “{name}”.",
                           field="name")
    if printer_queue and printer_queue not in {q.name for q in printers.list_queues()}:
        raise InvalidState(f"The print server has no printer queue “{printer_queue}”.",
                           field="printer_queue")
    if layout and layout not in list_layouts():
        raise InvalidState("Choose a badge stock from the list.", field="layout")
    if sheet and sheet not in list_sheets():
        raise InvalidState("Choose a sheet from the list.", field="sheet")
    if layout and sheet and fit_on_sheet(load_layout(layout), load_sheet(sheet)) is None:
        raise InvalidState(f"Badges in {layout} do not fit the cells of {sheet}.", field="sheet")
    before = snapshot(station, *_FIELDS) if station else None
    if station is None:
        station = Station(event=event)
        db.session.add(station)
    station.name, station.printer_queue, station.layout, station.sheet, station.back = \
        name, printer_queue, layout, sheet, bool(back)
    db.session.flush()
    record(actor, "station.changed" if before else "station.set_up", station, before=before,
           after=snapshot(station, *_FIELDS))
    db.session.commit()
    return station


def retire_station(station: Station, actor: Actor) -> None:
    """The station is no longer used: it is offered no more, prints nothing, and a kiosk open on
    it stops. Its print jobs keep naming it, for the record; a print already under way ends."""
    station = lock_station(station)
    require_in_service(station)
    station.retired_at = utcnow()
    station.retired_by_id = actor.user.id if actor.user else None
    record(actor, "station.retired", station, after={"name": station.name})
    db.session.commit()


def require_in_service(station: Station) -> None:
    """InvalidState (code "station_retired") if the station is retired."""
    if station.retired_at is not None:
        raise InvalidState(f"Station “{station.name}” is retired: nothing prints there any more. "
                           "Choose another station on Stations.", field="station",
                           code="station_retired")


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=STATION_SALT)


def station_cookie(station: Station) -> str:
    """What a browser keeps to be this station: signed, so it cannot name another."""
    return _serializer().dumps({"s": station.id})


def station_for_cookie(value: str | None) -> Station | None:
    """The station a browser's cookie names, or None (none, damaged, or the station is gone)."""
    if not value:
        return None
    try:
        payload = _serializer().loads(value)
    except BadSignature:
        return None
    station_id = payload.get("s") if isinstance(payload, dict) else None
    return db.session.get(Station, station_id) if isinstance(station_id, int) else None


def open_kiosk(station: Station, actor: Actor) -> None:
    """Staff turn this browser into the station's self-service kiosk; it prints to the station's
    printer, so it needs one."""
    require_in_service(station)
    if not station.printer_queue:
        raise InvalidState(f"Station “{station.name}” has no printer; choose one before opening "
                           "a kiosk there.", field="station")
    record(actor, "kiosk.opened", station, after={"name": station.name})
    db.session.commit()


def close_kiosk(station: Station, actor: Actor) -> None:
    record(actor, "kiosk.closed", station, after={"name": station.name})
    db.session.commit()


def kiosk_actor(station: Station) -> Actor:
    """The delegate standing at a kiosk, as the audit trail names them."""
    return Actor.public(f"kiosk:{station.name}")
