"""The door screen (with a no-JavaScript fallback) and the photo of the badge just scanned."""
from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Response, abort, current_app, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from ..auth.access import role_required
from ..extensions import db
from ..formkit import select_choices
from ..models import Checkpoint, Event, Scan, ScanDirection, StaffRole
from ..services.audit import Actor
from ..services.checkin import record_scan
from ..services.people import clean_text
from ..web import photo_response
from . import door_bp


# Set by the door page: the checkpoint stays chosen on a device, across logouts.
CHECKPOINT_COOKIE = "lanyard_checkpoint"


class ScanForm(FlaskForm):
    checkpoint = SelectField("Checkpoint", validators=[DataRequired()])
    direction = RadioField("Direction", choices=select_choices((d.value, d.title) for d in ScanDirection),
                           default=ScanDirection.IN.value)
    code = StringField("Badge code", validators=[DataRequired(), Length(max=256)])


def checkpoint_choices() -> list[tuple[str, str]]:
    rows = db.session.execute(
        select(Checkpoint.id, Checkpoint.name, Event.name).join(Checkpoint.event)
        .order_by(Event.starts_on.desc(), Checkpoint.code)).all()
    return [(str(cid), f"{name} ({event})") for cid, name, event in rows]


@door_bp.route("/", methods=["GET", "POST"])
@role_required(StaffRole.DOOR, StaffRole.SECURITY)
def index():
    form = ScanForm()
    form.checkpoint.choices = select_choices(checkpoint_choices())
    if request.method == "GET" and request.cookies.get(CHECKPOINT_COOKIE, "").isdigit():
        form.checkpoint.data = request.cookies[CHECKPOINT_COOKIE]  # chosen before on this device
    outcome = None
    if form.validate_on_submit():
        checkpoint = db.session.get(Checkpoint, int(form.checkpoint.data)) or abort(400)
        outcome = record_scan(checkpoint, form.code.data, ScanDirection(form.direction.data),
                              Actor.current(), device=clean_text(request.user_agent.string)[:120])
        form.code.data = ""
    return render_template("door/index.html", form=form, outcome=outcome)


# What the door page runs: kept on the device by the service worker for offline use.
DOOR_FILES = ("lanyard.css", "fonts/names.css", "door/door.js", "door/store.js", "door/rules.js",
              "door/camera.js", "vendor/zxing-wasm/index.js", "vendor/zxing-wasm/zxing_reader.wasm")


@door_bp.route("/sw.js")
@role_required(StaffRole.DOOR, StaffRole.SECURITY)
def service_worker():
    """The door page's service worker, versioned by the files it keeps."""
    digest = hashlib.sha256()
    for name in DOOR_FILES:
        digest.update((Path(current_app.static_folder) / name).read_bytes())
    script = render_template("door/sw.js", version=digest.hexdigest()[:16],
                             page=url_for("door.index"),
                             files=[url_for("static", filename=name) for name in DOOR_FILES])
    response = Response(script, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@door_bp.route("/scans/<int:scan_id>/photo")
@role_required(StaffRole.DOOR, StaffRole.SECURITY)
def scan_photo(scan_id: int):
    """The photo of the person whose badge this staff member just scanned, and no one else's.

    Every refusal is the same 404: the answer never tells whether a scan id exists or
    whose it is.
    """
    scan = db.session.get(Scan, scan_id)
    mine = scan is not None and (scan.staff_id == current_user.id
                                 or current_user.has_role(StaffRole.ADMIN))
    if not mine or scan.badge is None:
        abort(404)
    return photo_response(scan.badge.delegate)
