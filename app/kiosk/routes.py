"""Kiosk pages: scan or type, see your photo and name, confirm, collect. No staff menus; a
browser is a kiosk only after desk staff opened it (desk/stations.py), and only staff
credentials leave kiosk mode."""
from __future__ import annotations

from functools import wraps

from flask import abort, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user
from flask_wtf import FlaskForm

from ..auth.forms import LoginForm
from ..desk.stations import KIOSK_SESSION_KEY
from ..extensions import db, limiter, login_manager
from ..models import Delegate, StaffRole, Station
from ..services.audit import Actor
from ..services.kiosk import CLOSED, KioskRefused, find_at_kiosk, print_at_kiosk
from ..services.logins import LoginDelayed, authenticate
from ..services.stations import close_kiosk, kiosk_actor
from ..web import photo_response
from . import kiosk_bp
from .forms import FindForm

PERSON_KEY = "kiosk_person"


def kiosk_required(view):
    """Only a browser staff turned into a kiosk; others are sent to log in (or refused)."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        station_id = session.get(KIOSK_SESSION_KEY)
        g.station = db.session.get(Station, station_id) if isinstance(station_id, int) else None
        if g.station is None:
            if current_user.is_authenticated:
                abort(403)
            return login_manager.unauthorized()
        if g.station.retired_at is not None and request.endpoint != "kiosk.leave":
            # Retired while open: nothing more is found or printed here; staff may still leave.
            session.pop(PERSON_KEY, None)
            return render_template("kiosk/closed.html", message=CLOSED)
        return view(*args, **kwargs)
    wrapped.required_roles = ()  # no staff role opens it: a kiosk session does
    return wrapped


def _person() -> Delegate | None:
    """The delegate this kiosk just found, until they print or cancel."""
    person_id = session.get(PERSON_KEY)
    return db.session.get(Delegate, person_id) if isinstance(person_id, int) else None


@kiosk_bp.route("/", methods=["GET", "POST"])
@kiosk_required
@limiter.limit("20 per minute", methods=["POST"])
def start():
    session.pop(PERSON_KEY, None)  # the previous delegate's data never shows to the next
    form = FindForm()
    if form.validate_on_submit():
        try:
            person = find_at_kiosk(g.station, form.code.data, kiosk_actor(g.station))
        except KioskRefused as exc:
            return render_template("kiosk/start.html", form=FindForm(formdata=None),
                                   refusal=exc.message), 200
        session[PERSON_KEY] = person.id
        return render_template("kiosk/confirm.html", person=person, form=FindForm(formdata=None))
    return render_template("kiosk/start.html", form=form, refusal=None)


@kiosk_bp.route("/photo")
@kiosk_required
def photo():
    person = _person() or abort(404)
    return photo_response(person)


@kiosk_bp.route("/print", methods=["POST"])
@kiosk_required
def print_badge():
    """The delegate confirmed it is them: issue their first badge and send it to the printer."""
    person = _person()
    session.pop(PERSON_KEY, None)
    if person is None or not FlaskForm().validate_on_submit():
        return redirect(url_for("kiosk.start"))
    try:
        print_at_kiosk(g.station, person, kiosk_actor(g.station))
    except KioskRefused as exc:
        return render_template("kiosk/start.html", form=FindForm(formdata=None), refusal=exc.message)
    return render_template("kiosk/done.html")


@kiosk_bp.route("/cancel", methods=["POST"])
@kiosk_required
def cancel():
    session.pop(PERSON_KEY, None)
    return redirect(url_for("kiosk.start"))


@kiosk_bp.route("/leave", methods=["GET", "POST"])
@kiosk_required
@limiter.limit("10 per minute", methods=["POST"])
def leave():
    """Staff close kiosk mode with their own login, which then continues at the desk."""
    session.pop(PERSON_KEY, None)
    form = LoginForm()
    problem = None
    if form.validate_on_submit():
        try:
            user = authenticate(form.email.data, form.password.data)
        except LoginDelayed as exc:
            user, problem = None, exc.message
        else:
            if user is None:
                problem = "E-mail or password is not right."
            elif not user.has_role(StaffRole.DESK):
                problem = "Only desk staff or an administrator can close the kiosk."
        if user is not None and problem is None:
            close_kiosk(g.station, Actor.staff(user))
            session.clear()
            login_user(user)
            return redirect(url_for("desk.station", station_id=g.station.id))
    return render_template("kiosk/leave.html", form=form, problem=problem)
