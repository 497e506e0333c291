from __future__ import annotations

from flask import abort, redirect, render_template, request, session, url_for
from sqlalchemy import select

from ..extensions import db, limiter
from ..models import Category, Event
from ..models._types import utcnow
from ..services.audit import Actor
from ..services.errors import ServiceError
from ..services.photos import PhotoError, normalise_photo
from ..services.registration import Application, register_delegate
from . import register_bp
from .forms import RegistrationForm


def _event_or_404(slug: str) -> Event:
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        abort(404)
    return event


def registration_open(event: Event) -> bool:
    now = utcnow()
    if event.registration_opens_at and now < event.registration_opens_at:
        return False
    if event.registration_closes_at and now >= event.registration_closes_at:
        return False
    return True


@register_bp.route("/<slug>/register", methods=["GET", "POST"])
@limiter.limit("20 per hour; 5 per minute", methods=["POST"])
def register(slug: str):
    event = _event_or_404(slug)
    if not registration_open(event):
        return render_template("register/closed.html", event=event), 403
    categories = [c for c in event.categories if c.self_service]
    form = RegistrationForm(delegations=event.delegations, categories=categories)
    if form.validate_on_submit():
        if form.website.data:
            # A bot filled the hidden field: answer as if it worked, store nothing.
            return redirect(url_for("register.thanks", slug=event.slug))
        photo = None
        upload = form.photo.data
        if upload and getattr(upload, "filename", ""):
            try:
                photo = normalise_photo(upload.read(), form.crop_box)
            except PhotoError as exc:
                form.photo.errors.append(str(exc))
        if not form.photo.errors:
            try:
                delegate = register_delegate(event, _application(form), photo,
                                             Actor.public("applicant"))
            except ServiceError as exc:
                getattr(form, exc.field or "given_name").errors.append(exc.message)
            else:
                session["registered_reference"] = delegate.reference
                return redirect(url_for("register.thanks", slug=event.slug))
    return render_template("register/form.html", event=event, form=form), \
        (400 if request.method == "POST" else 200)


@register_bp.route("/<slug>/registered")
def thanks(slug: str):
    event = _event_or_404(slug)
    reference = session.pop("registered_reference", None)
    return render_template("register/thanks.html", event=event, reference=reference)


def _application(form: RegistrationForm) -> Application:
    return Application(
        honorific=form.honorific.data or "",
        given_name=form.given_name.data,
        family_name=form.family_name.data or "",
        printed_name=form.printed_name.data or "",
        native_name=form.native_name.data or "",
        position=form.position.data or "",
        organisation=form.organisation.data,
        country=form.country.data,
        category_code=form.category.data,
        email=form.email.data,
        phone=form.phone.data or "",
        nationality=form.nationality.data or "",
        date_of_birth=form.date_of_birth.data,
        passport_number=(form.passport_number.data or "").upper(),
        passport_expiry=form.passport_expiry.data,
        arrival_on=form.arrival_on.data,
        departure_on=form.departure_on.data,
        dietary_needs=form.dietary_needs.data or "",
        access_needs=form.access_needs.data or "",
        consent=bool(form.consent.data),
    )
