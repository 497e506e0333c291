"""A liaison officer's pages for their delegation, opened by a signed invitation link.

Each handler loads the invitation from the link (or refuses), then acts through services."""
from __future__ import annotations

from functools import wraps

from flask import flash, redirect, render_template, request, url_for

from ..extensions import db, limiter
from ..register.forms import MemberForm, PhotoForm
from ..services import liaison
from ..services.errors import ServiceError
from ..services.exports import FORMATS, export_delegates
from ..services.links import LinkRefused, invitation_for_token
from ..services.notifications import notify_registered
from ..services.photos import PhotoError
from ..web import download_response
from . import liaison_bp


def with_invitation(view):
    """Resolve <token> to a usable invitation, or show why the link does not work."""
    @wraps(view)
    def wrapped(token: str, **kwargs):
        try:
            invitation = invitation_for_token(token)
        except LinkRefused as exc:
            return render_template("liaison/refused.html", message=exc.message), 404
        return view(token=token, invitation=invitation, **kwargs)
    return wrapped


@liaison_bp.route("/<token>")
@with_invitation
def members(token: str, invitation):
    return render_template("liaison/members.html", invitation=invitation,
                           delegation=invitation.delegation, event=invitation.delegation.event,
                           people=liaison.members(invitation), token=token)


@liaison_bp.route("/<token>/add", methods=["GET", "POST"])
@limiter.limit("120 per hour", methods=["POST"])
@with_invitation
def add(token: str, invitation):
    delegation = invitation.delegation
    event = delegation.event
    form = MemberForm(event=event, categories=[c for c in event.categories if c.self_service],
                      phone_region=delegation.country)
    if form.validate_on_submit():
        photo = form.normalised_photo()
        if not form.photo.errors:
            try:
                person = liaison.add_member(
                    invitation, form.application(delegation.country, consent=True), photo)
            except ServiceError as exc:
                db.session.rollback()
                target = getattr(form, exc.field or "", None)
                if target is not None:
                    target.errors.append(exc.message)
                else:
                    flash(exc.message, "error")
            else:
                notify_registered(person)
                flash(f"{person.printed_name} is registered with reference {person.reference}.",
                      "success")
                if request.form.get("next") == "another":
                    return redirect(url_for("liaison.add", token=token))
                return redirect(url_for("liaison.members", token=token))
    status = 400 if request.method == "POST" else 200
    return render_template("liaison/add.html", invitation=invitation, delegation=delegation,
                           event=event, form=form, token=token), status


@liaison_bp.route("/<token>/members/<int:delegate_id>/photo", methods=["GET", "POST"])
@limiter.limit("120 per hour", methods=["POST"])
@with_invitation
def photo(token: str, invitation, delegate_id: int):
    try:
        person = liaison.member(invitation, delegate_id)
    except ServiceError as exc:
        return render_template("liaison/refused.html", message=exc.message), 404
    form = PhotoForm()
    if form.validate_on_submit():
        jpeg = form.normalised_photo()
        if jpeg is None and not form.photo.errors:
            form.photo.errors = ["Choose a photo to upload."]
        if jpeg is not None:
            try:
                liaison.replace_member_photo(invitation, person, jpeg)
            except (ServiceError, PhotoError) as exc:
                db.session.rollback()
                form.photo.errors = [getattr(exc, "message", str(exc))]
            else:
                flash(f"New photo saved for {person.printed_name}.", "success")
                return redirect(url_for("liaison.members", token=token))
    status = 400 if request.method == "POST" else 200
    return render_template("liaison/photo.html", invitation=invitation, person=person, form=form,
                           token=token, event=invitation.delegation.event), status


@liaison_bp.route("/<token>/export.<fmt>")
@with_invitation
def export(token: str, invitation, fmt: str):
    if fmt not in FORMATS:
        return render_template("liaison/refused.html", message="Export as .csv or .xlsx."), 404
    delegation = invitation.delegation
    data = export_delegates(delegation.event, fmt, liaison.liaison_actor(invitation),
                            delegation=delegation)
    return download_response(
        data, fmt, f"{delegation.event.slug}-{delegation.country.lower()}-delegation.{fmt}")
