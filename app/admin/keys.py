"""An event's badge-signing keys: which exist, how many live badges each signed, rotate, retire."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import DataRequired

from ..auth.access import role_required
from ..extensions import db
from ..models import SigningKey, StaffRole
from ..services import keys
from ..services.audit import Actor
from ..web import attempt
from . import admin_bp
from .events import _event_or_404


class RetireKeyForm(FlaskForm):
    confirm = BooleanField("Every badge this key signed stops opening doors now.",
                           validators=[DataRequired("Tick the box to confirm.")])


@admin_bp.route("/events/<int:event_id>/keys")
@role_required(StaffRole.ADMIN)
def signing_keys(event_id: int):
    event = _event_or_404(event_id)
    return render_template("admin/keys.html", event=event, keys=keys.event_keys(event),
                           current=keys.current_signing_key(event),
                           live=keys.live_badges_by_key(event), form=FlaskForm(),
                           retire_form=RetireKeyForm())


@admin_bp.route("/events/<int:event_id>/keys/rotate", methods=["POST"])
@role_required(StaffRole.ADMIN)
def rotate_key(event_id: int):
    event = _event_or_404(event_id)
    if FlaskForm().validate_on_submit():
        attempt(keys.rotate_signing_key, event, Actor.current(),
                done="New badges are signed with the new key. Badges printed before keep "
                     "working until you retire their key.")
    return redirect(url_for("admin.signing_keys", event_id=event.id))


@admin_bp.route("/keys/<int:key_id>/retire", methods=["POST"])
@role_required(StaffRole.ADMIN)
def retire_key(key_id: int):
    key = db.session.get(SigningKey, key_id) or abort(404)
    form = RetireKeyForm()
    if form.validate_on_submit():
        attempt(keys.retire_signing_key, key, Actor.current(),
                done=f"Key {key.number} is retired: doors refuse every badge it signed.")
    else:
        flash("Tick the box to confirm that the key's badges stop working.", "error")
    return redirect(url_for("admin.signing_keys", event_id=key.event_id))
