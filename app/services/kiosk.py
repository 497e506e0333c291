"""The self-service kiosk: who a scanned kiosk code or a typed reference names, and whether the
kiosk may print their badge; printing it. Every lookup and print goes into the audit trail,
done or refused."""
from __future__ import annotations

from typing import NoReturn

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import Delegate, Station
from ..models._types import utcnow
from .audit import Actor, record
from . import issuance
from .codes import clean_reference
from .errors import ServiceError
from .issuance import PrintedBadges, why_not_at_kiosk
from .links import LinkRefused, delegate_for_kiosk_code, looks_like_kiosk_code

# What the kiosk says: plain, the same whoever the code names, and never anything about them.
NOT_HERE = "We cannot print a badge for this code here. Please go to the accreditation desk."
SEE_DESK = ("Your badge cannot be printed at this kiosk. Please go to the accreditation desk; "
            "they will help you.")
#: A kiosk whose station an admin retired: it takes no code any more.
CLOSED = "This kiosk is closed. Please go to the accreditation desk."
MESSAGES = {"unknown": NOT_HERE, "station_retired": CLOSED, "other_event": NOT_HERE, "link_invalid": NOT_HERE,
            "link_expired": "This code has expired. Please go to the accreditation desk.",
            "not_ready": SEE_DESK, "has_badge": SEE_DESK, "no_printer": SEE_DESK,
            # The printer's own words are for the desk (the station page, the log), not the kiosk.
            **dict.fromkeys(("printer_stopped", "printer_rejecting", "printer_refused",
                             "cups_unavailable", "cups_missing", "no_such_queue"),
                            "The printer is not working right now; your badge was not printed. "
                            "Please go to the accreditation desk.")}


class KioskRefused(ServiceError):
    """The kiosk sends this person to the desk; `code` says why, for the audit trail and tests."""

    code = "kiosk_refused"


def find_at_kiosk(station: Station, text: str, actor: Actor) -> Delegate:
    """The delegate a kiosk code or reference names, if this kiosk may print their first badge;
    else KioskRefused with what the kiosk may say."""
    text = (text or "").strip()[:100]
    delegate, reason = None, None
    if looks_like_kiosk_code(text):
        try:
            delegate = delegate_for_kiosk_code(text, utcnow().date())
        except LinkRefused as exc:
            reason = exc.code
    else:
        reference = clean_reference(text)
        delegate = db.session.scalar(select(Delegate).where(Delegate.reference == reference)) \
            if reference else None
        reason = None if delegate else "unknown"
    reason = reason or why_not_at_kiosk(delegate, station)
    if reason:
        refuse(station, reason, actor, delegate)
    record(actor, "kiosk.found", delegate, after={"station": station.name,
                                                  "by": "code" if looks_like_kiosk_code(text)
                                                  else "reference"})
    db.session.commit()
    return delegate


def print_at_kiosk(station: Station, delegate: Delegate, actor: Actor) -> PrintedBadges:
    """The delegate confirmed it is them: their first badge, issued and sent to the station's
    printer; else KioskRefused (a printer that cannot print, or someone else was quicker)."""
    try:
        return issuance.print_at_kiosk(delegate, station, actor)
    except ServiceError as exc:
        # What went wrong is for the desk and the log; the kiosk only sends them to the desk.
        current_app.logger.warning("kiosk %s: %s", station.name, exc.message)
        refuse(station, exc.code, actor, delegate)


def refuse(station: Station, reason: str, actor: Actor,
           delegate: Delegate | None = None) -> NoReturn:
    """Keep the refusal in the trail (about the person if the code named one), then raise it."""
    db.session.rollback()
    record(actor, "kiosk.refused", delegate or station,
           after={"station": station.name, "reason": reason})
    db.session.commit()
    raise KioskRefused(MESSAGES.get(reason, SEE_DESK), code=reason)
