"""The desk's photo pages: register a walk-in with the public form's fields, retake anyone's photo
(webcam or file), and show the photos a retake replaced."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from ..auth.access import role_required
from ..extensions import db
from ..models import Badge, Event, StaffRole, SubmittedBy
from ..services import retakes
from ..services.audit import Actor
from ..services.errors import ServiceError
from ..services.notifications import notify_registered
from ..services.registration import register_delegate
from ..staffkit import back_to_person, on_what_was_seen, person_or_404
from ..web import stored_photo_response
from . import desk_bp
from .forms import RetakeForm, WalkInForm

DESK = (StaffRole.DESK,)


@desk_bp.route("/walk-in", methods=["GET", "POST"])
@role_required(*DESK)
def walk_in():
    """Register someone at the desk. The application is vetted like any other: no badge until
    the offices have said yes; the registration window does not apply on site."""
    event = db.session.scalar(select(Event).order_by(Event.starts_on.desc())) or abort(404)
    form = WalkInForm(event=event, delegations=event.delegations, categories=event.categories)
    if form.validate_on_submit():
        photo = form.normalised_photo()
        if not form.photo.errors:
            try:
                person = register_delegate(event, form.application(form.country.data, consent=True),
                                           photo, Actor.current(), submitted_by=SubmittedBy.DESK)
            except ServiceError as exc:
                db.session.rollback()
                getattr(form, exc.field or "given_name").errors.append(exc.message)
            else:
                notify_registered(person)
                flash(f"{person.printed_name} is registered with reference {person.reference}. "
                      "The application now waits for the offices; print the badge once it is "
                      "ready.", "success")
                return redirect(url_for("desk.person", delegate_id=person.id))
    return render_template("desk/walk_in.html", event=event, form=form), \
        (400 if request.method == "POST" else 200)


@desk_bp.route("/people/<int:delegate_id>/retake-photo", methods=["GET", "POST"])
@role_required(*DESK)
def retake_photo(delegate_id: int):
    """A new photo taken with the desk's camera or uploaded; the earlier one stays on file."""
    person = person_or_404(delegate_id)
    form = RetakeForm()
    if form.validate_on_submit():
        jpeg = form.normalised_photo()
        if jpeg is not None:
            retaken = on_what_was_seen(form, lambda seen: retakes.retake_photo(
                person, jpeg, Actor.current(), seen_revision=seen))
            if isinstance(retaken, Badge):
                flash(f"New photo saved. The printed badge no longer opens doors: print its "
                      f"replacement {retaken.serial}.", "success")
            elif retaken:
                flash("New photo saved.", "success")
            return back_to_person("desk.person", person)
    elif request.method == "GET":
        form.revision.data = person.revision
    return render_template("desk/retake_photo.html", person=person, form=form), \
        (400 if request.method == "POST" else 200)


@desk_bp.route("/people/<int:delegate_id>/earlier-photos/<int:entry_id>")
@role_required(*DESK)
def earlier_photo(delegate_id: int, entry_id: int):
    return stored_photo_response(retakes.earlier_photo_file(person_or_404(delegate_id), entry_id))
