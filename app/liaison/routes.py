"""A liaison officer's pages for their delegation, opened by a signed invitation link.

Each handler loads the invitation from the link (or refuses), then acts through services."""
from __future__ import annotations

from functools import wraps

from flask import flash, redirect, render_template, request, url_for

from ..extensions import db, limiter
from ..register.forms import CorrectionForm, MemberForm, PhotoForm
from ..services import liaison
from ..services.errors import ServiceError
from ..services.exports import FORMATS, export_delegates
from ..services.links import LinkRefused, invitation_for_token
from ..services.notifications import notify_registered
from ..services.photos import PhotoError
from ..services.progress import progress_of
from ..web import download_response, jpeg_response
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
    rows = progress_of(liaison.members(invitation))
    return render_template("liaison/members.html", invitation=invitation,
                           delegation=invitation.delegation, event=invitation.delegation.event,
                           rows=rows, missing=sum(1 for row in rows if row.missing), token=token)


@liaison_bp.route("/<token>/add", methods=["GET", "POST"])
@limiter.limit("120 per hour", methods=["POST"])
@with_invitation
def add(token: str, invitation):
    delegation = invitation.delegation
    event = delegation.event
    form = _member_form(invitation)
    if request.method == "POST":
        valid = form.validate_on_submit()
        photo = form.photo_to_store()  # held for this session if another field is wrong
        if valid and not form.photo.errors:
            try:
                person = liaison.add_member(
                    invitation, form.application(delegation.country, consent=True), photo)
            except ServiceError as exc:
                db.session.rollback()
                _show_refusal(form, exc)
            else:
                form.release_held_photo()
                notify_registered(person)
                flash(f"{person.printed_name} is registered with reference {person.reference}.",
                      "success")
                if request.form.get("next") == "another":
                    return redirect(url_for("liaison.add", token=token))
                return redirect(url_for("liaison.members", token=token))
    status = 400 if request.method == "POST" else 200
    held = form.held_photo() is not None
    return render_template("liaison/add.html", invitation=invitation, delegation=delegation,
                           event=event, form=form, token=token,
                           held_url=url_for("liaison.held_photo", token=token) if held else None
                           ), status


@liaison_bp.route("/<token>/add/photo")
@with_invitation
def held_photo(token: str, invitation):
    """The photo held for this browser session's add-a-member form."""
    return jpeg_response(_member_form(invitation, formdata=None).held_photo())


def _member_form(invitation, **kwargs) -> MemberForm:
    event = invitation.delegation.event
    form = MemberForm(event=event, categories=[c for c in event.categories if c.self_service],
                      phone_region=invitation.delegation.country, **kwargs)
    form.hold_key = f"liaison:{invitation.id}"
    return form


def _show_refusal(form, exc: ServiceError) -> None:
    target = getattr(form, exc.field or "", None)
    if target is not None:
        target.errors.append(exc.message)
    else:
        flash(exc.message, "error")


def with_member(view):
    """Resolve <delegate_id> to a member of the invitation's delegation, or refuse."""
    @wraps(view)
    def wrapped(token: str, invitation, delegate_id: int):
        try:
            person = liaison.member(invitation, delegate_id)
        except ServiceError as exc:
            return render_template("liaison/refused.html", message=exc.message), 404
        return view(token=token, invitation=invitation, person=person)
    return wrapped


@liaison_bp.route("/<token>/members/<int:delegate_id>", methods=["GET", "POST"])
@limiter.limit("120 per hour", methods=["POST"])
@with_invitation
@with_member
def edit(token: str, invitation, person):
    """Correct a member's details while their application is open, by the applicant's rules."""
    if not person.status.is_open:
        flash(f"{person.printed_name}'s application is {person.status.applicant_title.lower()}; "
              "ask the accreditation office to change it.", "error")
        return redirect(url_for("liaison.members", token=token))
    form = CorrectionForm.of(person)
    if request.method == "POST" and form.validate_on_submit():
        photo = form.normalised_photo()
        if not form.photo.errors:
            try:
                changed = liaison.correct_member(invitation, person, form.correction(), photo)
            except ServiceError as exc:
                db.session.rollback()
                _show_refusal(form, exc)
            else:
                flash(f"{person.printed_name}: changes saved." if changed
                      else f"{person.printed_name}: nothing was changed.", "success")
                return redirect(url_for("liaison.members", token=token))
    status = 400 if request.method == "POST" else 200
    return render_template("liaison/edit.html", invitation=invitation, person=person, form=form,
                           progress=progress_of([person])[0], token=token, event=person.event
                           ), status


@liaison_bp.route("/<token>/members/<int:delegate_id>/photo", methods=["GET", "POST"])
@limiter.limit("120 per hour", methods=["POST"])
@with_invitation
@with_member
def photo(token: str, invitation, person):
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
