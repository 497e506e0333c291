"""Security office pages: who is inside each zone, roll-calls to print or download, the scan log,
the audit trail.

Every page only reads; the event is the one named by ?event=, else the newest.
"""
from __future__ import annotations

from flask import abort, render_template, request
from sqlalchemy import select

from ..auth.access import role_required
from ..extensions import db
from ..models import Delegate, Event, Scan, StaffRole
from ..models._types import utcnow
from ..services.audit_trail import PAGE_SIZE as TRAIL_PAGE_SIZE
from ..services.audit_trail import trail_csv, trail_page
from ..services.roll_call import roll_call_csv, zone_roll, zone_rolls
from ..services.scan_log import PAGE_SIZE, attention_today, readable_code, scan_log_csv, scan_page
from ..web import (chosen_event, download_response, event_choice, export_file_name, page_number,
                   photo_response)
from . import security_bp
from .forms import AuditTrailForm, ScanLogForm

SECURITY = (StaffRole.SECURITY,)


@security_bp.route("/")
@role_required(*SECURITY)
def inside():
    """Who is inside each zone now, from the entry and exit scans at its doors."""
    event = chosen_event()
    return render_template("security/inside.html", event=event, event_form=event_choice(event),
                           rolls=zone_rolls(event) if event else [],
                           attention=attention_today(event) if event else None, now=utcnow())


@security_bp.route("/roll-call")
@role_required(*SECURITY)
def roll_call():
    """One zone's evacuation roll-call, to print: large photos and a box to tick per person."""
    event = chosen_event() or abort(404)
    roll = zone_roll(event, request.args.get("zone", "")) or abort(404)
    return render_template("security/roll_call.html", event=event, roll=roll, now=utcnow())


@security_bp.route("/roll-call.csv")
@role_required(*SECURITY)
def roll_call_download():
    """Everyone inside one zone (?zone=) or every zone, as CSV."""
    event = chosen_event() or abort(404)
    key = request.args.get("zone")
    rolls = [zone_roll(event, key) or abort(404)] if key else zone_rolls(event)
    return download_response(roll_call_csv(event, rolls), "csv",
                             export_file_name(event, f"roll-call-{key or 'all'}"))


@security_bp.route("/scans")
@role_required(*SECURITY)
def scans():
    """The scan log, newest first, filtered and paged, under today's flagged scans."""
    event = chosen_event()
    if event is None:
        return render_template("security/scans.html", event=None, event_form=event_choice(None))
    form = _scan_log_form(event)
    page = page_number()
    valid = form.validate()
    rows, has_more = scan_page(event, form.filters(event), page) if valid else ([], False)
    return render_template("security/scans.html", event=event, event_form=event_choice(event),
                           form=form, scans=rows, page=page, has_more=has_more, page_size=PAGE_SIZE,
                           query_args={"event": event.slug, **form.query_args()},
                           attention=attention_today(event), readable_code=readable_code
                           ), 200 if valid else 400


@security_bp.route("/scans.csv")
@role_required(*SECURITY)
def scans_download():
    """The filtered scan log, every page of it, as CSV."""
    event = chosen_event() or abort(404)
    form = _scan_log_form(event)
    if not form.validate():
        abort(400, description="The filters are not valid; correct them on the scan log page.")
    return download_response(scan_log_csv(event, form.filters(event)), "csv",
                             export_file_name(event, "scans"))


def _scan_log_form(event: Event) -> ScanLogForm:
    form = ScanLogForm(formdata=request.args)
    form.offer_checkpoints(event)
    return form


@security_bp.route("/audit")
@role_required(*SECURITY)
def audit():
    """The audit trail in plain words, newest first, filtered and paged.

    Times are read on the venue's clock of the event chosen (?event=, else the newest).
    """
    clock = chosen_event()
    form = _audit_form(clock)
    page = page_number()
    valid = form.validate()
    entries, has_more = trail_page(form.filters(clock), page) if valid else ([], False)
    return render_template("security/audit.html", clock=clock, form=form, entries=entries, page=page,
                           has_more=has_more, page_size=TRAIL_PAGE_SIZE,
                           query_args=form.query_args()), 200 if valid else 400


@security_bp.route("/audit.csv")
@role_required(*SECURITY)
def audit_download():
    """The filtered audit trail, every page of it, as CSV."""
    clock = chosen_event()
    form = _audit_form(clock)
    if not form.validate():
        abort(400, description="The filters are not valid; correct them on the audit trail page.")
    stamp = (clock.at_venue(utcnow()) if clock else utcnow()).strftime("%Y%m%d-%H%M")
    return download_response(trail_csv(form.filters(clock)), "csv", f"audit-trail-{stamp}.csv")


def _audit_form(clock: Event | None) -> AuditTrailForm:
    form = AuditTrailForm(formdata=request.args)
    form.offer_choices(clock)
    return form


@security_bp.route("/people/<int:delegate_id>/photo")
@role_required(*SECURITY)
def photo(delegate_id: int):
    """The photo of someone the doors have seen: the people these pages list, nobody else.

    Anyone else, or no such person, is the same 404.
    """
    person = db.session.get(Delegate, delegate_id)
    scanned = person is not None and db.session.scalar(
        select(Scan.id).where(Scan.delegate_id == person.id).limit(1)) is not None
    if not scanned:
        abort(404)
    return photo_response(person)
