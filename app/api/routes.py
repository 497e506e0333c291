"""JSON API v1: door scans. Each handler checks its input, calls a service, answers JSON."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import jsonify, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..models import Checkpoint, ScanDirection, StaffRole
from ..services.audit import Actor
from ..services.checkin import NonceReused, ScanOutcome, record_scan
from ..services.errors import ServiceError
from ..services.countries import country_name
from . import api_bp


def _error(status: int, code: str, message: str):
    return jsonify({"error": code, "message": message}), status


@api_bp.before_request
def require_door_staff():
    if not current_user.is_authenticated:
        return _error(401, "not_logged_in", "Log in as door staff first.")
    if not current_user.has_role(StaffRole.DOOR):
        return _error(403, "not_allowed", "This account may not record scans.")


@api_bp.route("/scans", methods=["POST"])
def create_scan():
    """Decide on a scanned code at a checkpoint and record the scan.

    Body: {"code", "checkpoint" (code or id), "direction": "in"|"out",
    "nonce" (optional, makes retries safe), "scanned_at" (optional ISO time)}.
    """
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _error(400, "bad_request", "Send a JSON object.")
    code = body.get("code")
    if not isinstance(code, str) or not code.strip() or len(code) > 256:
        return _error(400, "bad_request", "'code' must be the scanned text.")
    checkpoint = _checkpoint(body.get("checkpoint"))
    if checkpoint is None:
        return _error(400, "unknown_checkpoint", "'checkpoint' is not a known checkpoint.")
    try:
        direction = ScanDirection(body.get("direction", "in"))
    except ValueError:
        return _error(400, "bad_request", "'direction' must be 'in' or 'out'.")
    nonce = body.get("nonce")
    if nonce is not None and (not isinstance(nonce, str) or not 8 <= len(nonce) <= 64):
        return _error(400, "bad_request", "'nonce' must be a string of 8 to 64 characters.")
    scanned_at = None
    if body.get("scanned_at") is not None:
        try:
            scanned_at = datetime.fromisoformat(str(body["scanned_at"]))
        except ValueError:
            return _error(400, "bad_request", "'scanned_at' must be an ISO 8601 time.")
        if scanned_at.tzinfo is None:
            return _error(400, "bad_request", "'scanned_at' needs a time zone offset.")
        scanned_at = scanned_at.astimezone(timezone.utc)
    device = body.get("device")
    if not isinstance(device, str) or not device:
        device = request.user_agent.string or ""
    try:
        outcome = record_scan(checkpoint, code, direction, Actor.current(), nonce=nonce,
                              device=device[:120], scanned_at=scanned_at)
    except NonceReused as exc:
        return _error(409, exc.code, exc.message)
    except ServiceError as exc:
        return _error(400, exc.code, exc.message)
    return jsonify(scan_json(outcome)), 200 if outcome.replayed else 201


def _checkpoint(value) -> Checkpoint | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return db.session.get(Checkpoint, value)
    if isinstance(value, str) and value:
        matches = db.session.scalars(select(Checkpoint).where(Checkpoint.code == value)).all()
        return matches[0] if len(matches) == 1 else None  # the same code at two events: use the id
    return None


def scan_json(outcome: ScanOutcome) -> dict:
    person = outcome.delegate
    return {
        "scan_id": outcome.scan.id,
        "verdict": outcome.verdict.value,
        "accepted": outcome.accepted,
        "title": outcome.verdict.title,
        "replayed": outcome.replayed,
        "checkpoint": outcome.scan.checkpoint.code,
        "checkpoint_name": outcome.scan.checkpoint.name,
        "direction": outcome.scan.direction.value,
        "scanned_at": outcome.scan.scanned_at.isoformat(),
        "badge": {"serial": outcome.badge.serial, "version": outcome.badge.version}
        if outcome.badge else None,
        "person": {
            "name": person.printed_name,
            "honorific": person.honorific,
            "organisation": person.organisation,
            "country": person.country,
            "country_name": country_name(person.country),
            "category": person.category.code,
            "category_name": person.category.name,
            "category_colour": person.category.colour,
            "photo_url": url_for("door.scan_photo", scan_id=outcome.scan.id) if person.photo_file else None,
        } if person else None,
    }
