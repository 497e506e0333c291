"""Public pages: the application form, its confirmation, and the applicant's private status page."""
from __future__ import annotations

import time

from flask import abort, make_response, redirect, render_template, request, session, url_for
from sqlalchemy import select

from ..extensions import db, limiter
from ..models import Event
from ..services.audit import Actor
from ..services.branding import event_logo
from ..services.photos import read_photo
from ..services.progress import progress_of
from ..services.errors import ServiceError
from ..services.links import LinkRefused, delegate_for_status_token, status_token
from ..services.notifications import notify_registered
from ..services.registration import (register_delegate, registration_open,
                                     update_application)
from ..web import jpeg_response
from . import register_bp
from .forms import CorrectionForm, RegistrationForm

# Per client address: a ministry registering its delegation from behind one
# address stays well inside it; a script does not. Liaison officers have their own pages.
POST_LIMIT = "60 per hour; 10 per minute"


def _event_or_404(slug: str) -> Event:
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        abort(404)
    return event


def _private(response):
    # Pages with personal data are never stored by browsers or proxies.
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    return response


@register_bp.route("/<slug>/register", methods=["GET", "POST"])
@limiter.limit(POST_LIMIT, methods=["POST"])
def register(slug: str):
    event = _event_or_404(slug)
    if not registration_open(event):
        return render_template("register/closed.html", event=event), 403
    categories = [c for c in event.categories if c.self_service]
    form = RegistrationForm(event=event, delegations=event.delegations_by_name, categories=categories)
    form.hold_key = f"register:{event.slug}"
    if request.method == "POST":
        valid = form.validate_on_submit()
        if valid and form.website.data:
            # A bot filled the hidden field: answer as if it worked, store nothing.
            return redirect(url_for("register.thanks", slug=event.slug))
        photo = form.photo_to_store()  # held for this session if another field is wrong
        if valid and not form.photo.errors:
            try:
                delegate = register_delegate(
                    event, form.application(form.country.data, consent=True), photo,
                    Actor.public("applicant"))
            except ServiceError as exc:
                db.session.rollback()
                getattr(form, exc.field or "given_name").errors.append(exc.message)
            else:
                form.release_held_photo()
                notify_registered(delegate)
                session["registered"] = {"reference": delegate.reference,
                                         "token": status_token(delegate), "slug": event.slug,
                                         "at": time.time()}
                return redirect(url_for("register.thanks", slug=event.slug))
    held = form.held_photo() is not None
    return _private(render_template(
        "register/form.html", event=event, form=form,
        held_url=url_for("register.held_photo", slug=event.slug) if held else None)), \
        (400 if request.method == "POST" else 200)


@register_bp.route("/<slug>/logo.png")
def logo(slug: str):
    """The event's logo for its public pages: not personal data, so browsers may keep it a while."""
    data = event_logo(_event_or_404(slug))
    if data is None:
        abort(404)
    response = make_response(data)
    response.mimetype = "image/png"
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@register_bp.route("/<slug>/register/photo")
def held_photo(slug: str):
    """The photo held for this browser session's registration form, as the form shows it."""
    event = _event_or_404(slug)
    form = RegistrationForm(event=event, formdata=None)
    form.hold_key = f"register:{event.slug}"
    return jpeg_response(form.held_photo())


#: How long the confirmation page keeps showing its link in the browser that registered.
CONFIRMATION_SECONDS = 3600


@register_bp.route("/<slug>/registered")
def thanks(slug: str):
    event = _event_or_404(slug)
    # A reload in the same browser session still shows the link; another browser never
    # does, and a shared computer forgets it after an hour.
    registered = session.get("registered") or {}
    if registered.get("slug") != slug or time.time() - registered.get("at", 0) > CONFIRMATION_SECONDS:
        session.pop("registered", None)
        registered = {}
    return _private(render_template("register/thanks.html", event=event,
                                    reference=registered.get("reference"),
                                    token=registered.get("token")))


@register_bp.route("/<slug>/application/<token>", methods=["GET", "POST"])
@limiter.limit(POST_LIMIT, methods=["POST"])
def status(slug: str, token: str):
    """The applicant's private page: status, and corrections until approved."""
    event = _event_or_404(slug)
    try:
        delegate = delegate_for_status_token(token, event)
    except LinkRefused as exc:
        return _private(render_template("register/link_refused.html", event=event,
                                        message=exc.message)), 404
    editable = delegate.status.is_open
    form = None
    if editable:
        form = CorrectionForm.of(delegate)
        if request.method == "POST" and form.validate_on_submit():
            photo = form.normalised_photo()
            if not form.photo.errors:
                try:
                    changed = update_application(
                        delegate, form.correction(), photo,
                        Actor.public(f"applicant:{delegate.reference}"))
                except ServiceError as exc:
                    db.session.rollback()
                    getattr(form, exc.field or "given_name").errors.append(exc.message)
                else:
                    session["status_saved"] = bool(changed)
                    return redirect(url_for("register.status", slug=slug, token=token))
    saved = session.pop("status_saved", None)
    progress = progress_of([delegate])[0]
    code = 200
    if request.method == "POST":
        code = 400 if editable else 409  # 409: approved or rejected meanwhile; nothing changed
    return _private(render_template("register/status.html", event=event, person=delegate,
                                    form=form, saved=saved, refused_post=code == 409, token=token,
                                    progress=progress)), code


@register_bp.route("/<slug>/application/<token>/photo")
def own_photo(slug: str, token: str):
    """The applicant's own photo, for their page: the signed link is the only key to it."""
    event = _event_or_404(slug)
    try:
        delegate = delegate_for_status_token(token, event)
    except LinkRefused:
        abort(404)
    return jpeg_response(read_photo(delegate.photo_file))
