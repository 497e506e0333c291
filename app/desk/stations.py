"""Desk stations: set one up with its printer, make this browser one, see its print jobs,
open a self-service kiosk on it, and retire it once it is no longer used."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from ..auth.access import role_required
from ..extensions import db
from ..formkit import select_choices
from ..models import Badge, Delegate, Event, PrintJob, StaffRole, Station
from ..services import printers
from ..services.audit import Actor
from ..services.errors import ServiceError
from ..services.stations import (STATION_COOKIE, open_kiosk, require_in_service, retire_station,
                                 save_station, station_cookie, station_for_cookie)
from ..web import attempt
from . import desk_bp
from .forms import RetireStationForm, StationForm

DESK = (StaffRole.DESK,)
#: A desk PC stays the same station for the whole event and some.
STATION_COOKIE_DAYS = 60
KIOSK_SESSION_KEY = "kiosk_station"


def current_station(event: Event | None = None) -> Station | None:
    """The station this browser is (its signed cookie), if it belongs to `event`."""
    station = station_for_cookie(request.cookies.get(STATION_COOKIE))
    if station is not None and event is not None and station.event_id != event.id:
        return None
    return station


def print_jobs_of(person: Delegate, limit: int = 5) -> list[PrintJob]:
    """The latest jobs sent to a printer with this person's badges, newest first."""
    return list(db.session.scalars(select(PrintJob).join(PrintJob.badge)
                                   .where(Badge.delegate_id == person.id)
                                   .order_by(PrintJob.id.desc()).limit(limit)))


def _event() -> Event:
    return db.session.scalar(select(Event).order_by(Event.starts_on.desc())) or abort(404)


def _station_form(formdata=None, station: Station | None = None) -> tuple[StationForm, str]:
    """The form with the print server's queues; and why there are none, if it cannot answer."""
    from badges import list_layouts, list_sheets
    form = StationForm(formdata=formdata, obj=station) if formdata is not None or station \
        else StationForm()
    problem = ""
    try:
        queues = printers.list_queues()
    except printers.PrinterError as exc:
        queues, problem = [], exc.message
    choices = [("", "None: open the PDF in the browser")] + [
        (q.name, q.name + ("" if q.ready else " (stopped)")) for q in queues]
    if station and station.printer_queue and station.printer_queue not in {q.name for q in queues}:
        choices.append((station.printer_queue, f"{station.printer_queue} (not reported now)"))
    form.printer_queue.choices = select_choices(choices)
    form.layout.choices = select_choices([("", "Each category's own layout")] +
                                         [(name, name) for name in list_layouts()])
    form.sheet.choices = select_choices([("", "One badge per page (card printer)")] +
                                        [(name, name) for name in list_sheets()])
    return form, problem


@desk_bp.route("/stations", methods=["GET", "POST"])
@role_required(*DESK)
def stations():
    event = _event()
    form, problem = _station_form(request.form if request.method == "POST" else None)
    station = _saved(form, event)
    if station is not None:
        return redirect(url_for("desk.station", station_id=station.id))
    listed = db.session.scalars(select(Station).where(Station.event_id == event.id)
                                .order_by(Station.name)).all()
    return render_template("desk/stations.html", event=event, form=form,
                           stations=[s for s in listed if s.retired_at is None],
                           retired=[s for s in listed if s.retired_at is not None],
                           problem=problem, this_station=current_station(event),
                           use_form=FlaskForm())


@desk_bp.route("/stations/<int:station_id>", methods=["GET", "POST"])
@role_required(*DESK)
def station(station_id: int):
    station = db.session.get(Station, station_id) or abort(404)
    form, problem = _station_form(request.form if request.method == "POST" else None, station)
    if _saved(form, station.event, station):
        return redirect(url_for("desk.station", station_id=station.id))
    jobs = db.session.scalars(select(PrintJob).where(PrintJob.station_id == station.id)
                              .order_by(PrintJob.id.desc()).limit(20)).all()
    return render_template("desk/station.html", station=station, form=form, problem=problem,
                           print_jobs=jobs, job_states=printers.job_states([j.job for j in jobs]),
                           this_station=current_station(), use_form=FlaskForm(),
                           retire_form=RetireStationForm())


def _saved(form: StationForm, event: Event, station: Station | None = None) -> Station | None:
    """The station set up or changed as the form says; None (the form showing why) if not."""
    if not form.validate_on_submit():
        return None
    try:
        saved = save_station(event, Actor.current(), station=station, name=form.name.data,
                             printer_queue=form.printer_queue.data or "",
                             layout=form.layout.data or "", sheet=form.sheet.data or "",
                             back=form.back.data)
    except ServiceError as exc:
        db.session.rollback()
        field = getattr(form, exc.field, None) if exc.field else None
        if field is not None:
            field.errors = [*field.errors, exc.message]
        else:
            flash(exc.message, "error")
        return None
    flash(f"Station “{saved.name}” is saved.", "success")
    return saved


@desk_bp.route("/stations/<int:station_id>/use", methods=["POST"])
@role_required(*DESK)
def use_station(station_id: int):
    """This browser is this station from now on: its prints go to the station's printer."""
    station = db.session.get(Station, station_id) or abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        require_in_service(station)
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for("desk.stations"))
    response = redirect(url_for("desk.station", station_id=station.id))
    response.set_cookie(STATION_COOKIE, station_cookie(station),
                        max_age=STATION_COOKIE_DAYS * 86400, httponly=True, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
    flash(f"This browser is now station “{station.name}”.", "success")
    return response


@desk_bp.route("/stations/forget", methods=["POST"])
@role_required(*DESK)
def forget_station():
    if not FlaskForm().validate_on_submit():
        abort(400)
    response = redirect(url_for("desk.stations"))
    response.delete_cookie(STATION_COOKIE)
    flash("This browser is no longer a station: badges open as PDF in the browser.", "info")
    return response


@desk_bp.route("/stations/<int:station_id>/kiosk", methods=["POST"])
@role_required(*DESK)
def open_kiosk_here(station_id: int):
    """Turn this browser into the station's self-service kiosk: the staff member is logged out
    here, and only staff credentials leave kiosk mode."""
    station = db.session.get(Station, station_id) or abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        open_kiosk(station, Actor.current())
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("desk.station", station_id=station.id))
    logout_user()
    session.clear()  # nothing of the staff session stays in the kiosk's
    session[KIOSK_SESSION_KEY] = station.id
    session.permanent = True
    return redirect(url_for("kiosk.start"))


@desk_bp.route("/stations/<int:station_id>/retire", methods=["POST"])
@role_required(StaffRole.ADMIN)
def retire(station_id: int):
    """An admin retires a station no longer used; its print jobs stay, naming it."""
    station = db.session.get(Station, station_id) or abort(404)
    if RetireStationForm().validate_on_submit():
        attempt(retire_station, station, Actor.current(),
                done=f"Station “{station.name}” is retired: it prints nothing more.")
    else:
        flash("Tick the box to confirm; the station was not retired.", "error")
    return redirect(url_for("desk.station", station_id=station.id))
