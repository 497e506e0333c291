"""Admin pages for an event's people: list imports and exports, and liaison invitations."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import BooleanField, DateField, EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..auth.access import role_required
from ..extensions import db
from ..formkit import select_choices
from ..models import Delegation, DelegationInvitation, Event, StaffRole
from ..services import liaison
from ..services.audit import Actor
from ..services.errors import ServiceError
from ..services.exports import export_delegates
from ..services.imports import import_delegates, open_upload
from ..services.links import external_url, invitation_token
from ..services.notifications import notify_invitation
from ..web import attempt, download_response
from . import admin_bp



class ImportForm(FlaskForm):
    file = FileField("List of delegates (.csv, .xlsx, or .zip with the list and its photos)",
                     validators=[FileRequired("Choose a file to import.")])
    dry_run = BooleanField("Only check the list; import nothing", default=True)
    approve = BooleanField("Mark everyone approved (the host has vetted this list already)")


class ExportForm(FlaskForm):
    format = SelectField("Format", choices=select_choices([("xlsx", "Excel (.xlsx)"), ("csv", "CSV")]))
    include_passport = BooleanField("Include passport and ID numbers")


class InvitationForm(FlaskForm):
    delegation = SelectField("Delegation", validators=[DataRequired()])
    liaison_name = StringField("Liaison officer's name", validators=[DataRequired(), Length(max=160)])
    liaison_email = EmailField("Liaison officer's e-mail", validators=[DataRequired(), Length(max=254)])
    expires_on = DateField("Link works until (inclusive)", validators=[Optional()],
                           description="The last day of the meeting if empty.")


class RevokeForm(FlaskForm):
    """A button: carries only the CSRF token."""


def _event_or_404(slug: str) -> Event:
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        abort(404)
    return event


@admin_bp.route("/events/<slug>/delegates", methods=["GET", "POST"])
@role_required(StaffRole.ADMIN)
def delegates(slug: str):
    """Import a list (checked first, all or nothing) and export the event's people."""
    event = _event_or_404(slug)
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            name, data, photos = open_upload(upload.filename or "", upload.read())
            report = import_delegates(event, name, data, photos, Actor.current(),
                                      dry_run=form.dry_run.data, approve=form.approve.data)
        except ServiceError as exc:
            db.session.rollback()
            form.file.errors = [exc.message]
        else:
            if report.written:
                flash(f"{len(report.created)} delegates imported"
                      f"{' and approved' if form.approve.data else ''}.", "success")
    status = 400 if request.method == "POST" and (form.errors or (report and not report.ok)) else 200
    return render_template("admin/delegates.html", event=event, form=form, report=report,
                           export_form=ExportForm(), dry_run=form.dry_run.data), status


@admin_bp.route("/events/<slug>/delegates/export", methods=["POST"])
@role_required(StaffRole.ADMIN)
def export(slug: str):
    event = _event_or_404(slug)
    form = ExportForm()
    if not form.validate_on_submit():
        flash("Choose a format to export.", "error")
        return redirect(url_for("admin.delegates", slug=slug))
    fmt = form.format.data
    data = export_delegates(event, fmt, Actor.current(), include_passport=form.include_passport.data)
    return download_response(data, fmt, f"{event.slug}-delegates.{fmt}")


@admin_bp.route("/events/<slug>/invitations", methods=["GET", "POST"])
@role_required(StaffRole.ADMIN)
def invitations(slug: str):
    event = _event_or_404(slug)
    form = InvitationForm()
    form.delegation.choices = select_choices(
        [("", "Choose a delegation")] + [(str(d.id), d.name) for d in event.delegations_by_name])
    if form.validate_on_submit():
        delegation = next(d for d in event.delegations if str(d.id) == form.delegation.data)
        try:
            invitation = liaison.issue_invitation(delegation, form.liaison_name.data,
                                                  form.liaison_email.data, Actor.current(),
                                                  expires_on=form.expires_on.data)
        except ServiceError as exc:
            db.session.rollback()
            getattr(form, exc.field or "liaison_email").errors.append(exc.message)
        else:
            sent = notify_invitation(invitation)
            flash(f"Invitation for {delegation.name} {'sent to' if sent else 'NOT sent to'} "
                  f"{invitation.liaison_email}.", "success" if sent else "error")
            return redirect(url_for("admin.invitations", slug=slug))
    issued = db.session.scalars(
        select(DelegationInvitation).join(DelegationInvitation.delegation)
        .where(Delegation.event_id == event.id)
        .order_by(DelegationInvitation.created_at.desc())).all()
    links = {i.id: external_url("liaison.members", token=invitation_token(i)) for i in issued}
    status = 400 if request.method == "POST" else 200
    return render_template("admin/invitations.html", event=event, form=form, issued=issued,
                           links=links, revoke_form=RevokeForm(), now=datetime.now(timezone.utc)), status


@admin_bp.route("/invitations/<int:invitation_id>/revoke", methods=["POST"])
@role_required(StaffRole.ADMIN)
def revoke_invitation(invitation_id: int):
    invitation = db.session.get(DelegationInvitation, invitation_id) or abort(404)
    if RevokeForm().validate_on_submit():
        attempt(liaison.revoke_invitation, invitation, Actor.current(),
                done=f"The link of {invitation.liaison_email} no longer works.")
    return redirect(url_for("admin.invitations", slug=invitation.delegation.event.slug))
