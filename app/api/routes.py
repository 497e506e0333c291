"""JSON API v1: door scans. Each handler checks its input, calls a service, answers JSON."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Response, jsonify, request, url_for
from flask_wtf.csrf import generate_csrf
from flask_login import current_user
from sqlalchemy import bindparam, select

from ..auth.access import session_login_token
from ..extensions import db, limiter
from ..models import Checkpoint, Scan, ScanDirection, ScanFlag, ScanVerdict, StaffRole
from ..models._types import MAX_ID
from ..services.audit import Actor
from ..services.checkin import (DOOR_ROLES, DoorLogin, NonceReused, NotLoggedIn, ScanOutcome,
                                let_through, record_door_scan)
from ..services.codes import scanned_text_problem
from ..services.countries import country_name
from ..services.door_sync import door_snapshot, roster_photo
from ..services.errors import NotAllowed, ServiceError
from ..services.people import clean_text, unstorable_character
from ..services.staff import parse_login_token
from . import api_bp


def _error(status: int, code: str, message: str):
    return jsonify({"error": code, "message": message}), status


@api_bp.errorhandler(400)
def bad_request(error):
    # A refusal before the handler (a missing CSRF header, a NUL in the address) answers JSON too.
    return _error(400, "bad_request", error.description)


@limiter.request_filter
def _no_limits_on_the_api() -> bool:
    # Logged-in door devices scan as fast as a queue moves: no limit applies here, and saying
    # so first spares every scan Flask-Limiter's search for one.
    return request.blueprint == api_bp.name


@api_bp.before_request
def require_door_staff():
    if request.endpoint == "api.create_scan" and request.method == "POST":
        return None  # a scan's own statement checks the account (record_door_scan)
    return _login_refusal()


def _login_refusal():
    """The answer for a request whose session is not a door account's, else None."""
    if not current_user.is_authenticated:
        return _error(401, "not_logged_in", "Log in as door staff first.")
    if not current_user.has_role(*DOOR_ROLES):
        return _error(403, "not_allowed", "This account may not record scans.")
    return None


class _BadScan(Exception):
    def __init__(self, message: str, code: str = "bad_request"):
        super().__init__(message)
        self.code, self.message = code, message


@api_bp.route("/scans", methods=["POST"])
def create_scan():
    """Decide on a scanned code at a checkpoint and record the scan.

    Body: {"code" or "serial" (typed from a damaged badge), "checkpoint" (code or id),
    "direction": "in"|"out", "nonce" (optional, makes retries safe), "scanned_at"
    (optional ISO time), "offline_verdict" (a scan the door decided offline, uploaded later)}.
    """
    login = parse_login_token(session_login_token())
    if login is None:
        return _error(401, "not_logged_in", "Log in as door staff first.")
    try:
        scan = _scan_request()
    except _BadScan as bad:
        # Whoever may not scan learns that first, not what is wrong with the request.
        return _login_refusal() or _error(400, bad.code, bad.message)
    try:
        outcome = record_door_scan(DoorLogin(*login), **scan)
    except NotLoggedIn as exc:
        return _error(401, exc.code, exc.message)
    except NotAllowed as exc:
        return _error(403, exc.code, exc.message)
    except NonceReused as exc:
        return _error(409, exc.code, exc.message)
    except ServiceError as exc:
        return _error(400, exc.code, exc.message)
    return jsonify(scan_json(outcome)), 200 if outcome.replayed else 201


def _scan_request() -> dict:
    """record_door_scan's arguments from a scan's JSON body; _BadScan says what is wrong."""
    body = _json_object()
    if body is None:
        raise _BadScan("Send a JSON object.")
    manual = "serial" in body and "code" not in body
    code = body.get("serial" if manual else "code")
    problem = scanned_text_problem(code)
    if problem:
        raise _BadScan(f"'{'serial' if manual else 'code'}': {problem}")
    checkpoint = body.get("checkpoint")
    if not _checkpoint_reference(checkpoint):
        raise _BadScan("'checkpoint' is not a known checkpoint.", "unknown_checkpoint")
    try:
        direction = ScanDirection(body.get("direction", "in"))
    except ValueError:
        raise _BadScan("'direction' must be 'in' or 'out'.") from None
    nonce = body.get("nonce")
    problem = None if nonce is None else _text_problem(nonce, 8, 64)
    if problem:
        raise _BadScan(f"'nonce' {problem}.")
    scanned_at = None
    if body.get("scanned_at") is not None:
        try:
            scanned_at = _scan_time(body["scanned_at"])
        except ValueError as exc:
            raise _BadScan(f"'scanned_at' {exc}") from None
    device = body.get("device")  # kept to its first 120 characters
    problem = None if device is None else _text_problem(device)
    if problem:
        raise _BadScan(f"'device' {problem}.")
    # The browser's own name when the door page names no device.
    device = device or clean_text(request.user_agent.string)
    offline_verdict = body.get("offline_verdict")
    if offline_verdict is not None:
        try:
            offline_verdict = ScanVerdict(offline_verdict)
        except ValueError:
            raise _BadScan("'offline_verdict' must be a verdict code.") from None
        if scanned_at is None or not nonce:
            raise _BadScan("An offline scan needs its 'scanned_at' and 'nonce'.")
    return {"checkpoint": checkpoint, "raw_code": code, "direction": direction, "nonce": nonce,
            "device": device[:120], "scanned_at": scanned_at, "manual": manual,
            "offline_verdict": offline_verdict}


@api_bp.route("/scans/<int:scan_id>/override", methods=["POST"])
def override_scan(scan_id: int):
    """A supervisor (security office) lets a person refused as already inside through.

    Body: {"reason"}. Answers the new, accepted scan.
    """
    if not current_user.has_role(StaffRole.SECURITY):
        return _error(403, "not_allowed", "Only the security office may let a refused person through.")
    refused = db.session.get(Scan, scan_id)
    if refused is None:
        return _error(404, "not_found", "No such scan.")
    body = _json_object() or {}
    reason = body.get("reason")
    problem = _text_problem(reason, 1, 300)
    if problem:
        return _error(400, "bad_request", f"'reason' {problem}.")
    try:
        outcome = let_through(refused, reason, Actor.current())
    except ServiceError as exc:
        return _error(400, exc.code, exc.message)
    return jsonify(scan_json(outcome)), 201


@api_bp.route("/door/session")
def door_session():
    """Who is logged in on this door device, and a fresh CSRF token for its uploads."""
    return jsonify({"user": current_user.email, "role": current_user.role.value,
                    "may_override": current_user.has_role(StaffRole.SECURITY),
                    "csrf_token": generate_csrf()})


@api_bp.route("/door/sync")
def door_sync():
    """What the door device at ?checkpoint=ID needs to decide offline (ETag: fetched only when
    something changed)."""
    checkpoint = _checkpoint(request.args.get("checkpoint", type=int))
    if checkpoint is None:
        return _error(400, "unknown_checkpoint", "'checkpoint' is not a known checkpoint.")
    snapshot = door_snapshot(checkpoint)
    etag = f'"{snapshot["version"]}"'
    if etag in request.headers.get("If-None-Match", ""):
        return "", 304, {"ETag": etag, "Cache-Control": "private, no-cache"}
    response = jsonify(snapshot)
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@api_bp.route("/door/checkpoints/<int:checkpoint_id>/photos/<int:badge_id>")
def door_photo(checkpoint_id: int, badge_id: int):
    """The small photo of someone on the checkpoint's roster, kept by the device for offline use."""
    checkpoint = db.session.get(Checkpoint, checkpoint_id)
    photo = roster_photo(checkpoint, badge_id) if checkpoint else None
    if photo is None:
        return _error(404, "not_found", "No such photo on this checkpoint's roster.")
    response = Response(photo, mimetype="image/jpeg")
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response


def _json_object() -> dict | None:
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # nested deeper than the parser goes: no scanner sends that
        return None
    return body if isinstance(body, dict) else None


def _text_problem(value, shortest: int = 0, longest: int | None = None) -> str | None:
    """What keeps `value` from being a string of this length that a database can keep."""
    if not isinstance(value, str):
        return "must be a string"
    if longest is not None and not shortest <= len(value) <= longest:
        return f"must be a string of {shortest} to {longest} characters"
    bad = unstorable_character(value)
    return f"contains {bad}" if bad else None


def _scan_time(value) -> datetime:
    """The door's time of a scan in UTC; ValueError ending the message for anything else."""
    if not isinstance(value, str):
        raise ValueError("must be an ISO 8601 time.")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("must be an ISO 8601 time.") from None
    if moment.tzinfo is None:
        raise ValueError("needs a time zone offset.")
    try:
        moment = moment.astimezone(timezone.utc)
    except OverflowError:  # year 1 or 9999 with an offset: outside the calendar in UTC
        raise ValueError("is not a time a door clock shows.") from None
    if moment.year < 2000:
        raise ValueError("is not a time a door clock shows.")
    return moment


_CHECKPOINT_BY_CODE = select(Checkpoint).where(Checkpoint.code == bindparam("code"))  # built once


def _checkpoint(value) -> Checkpoint | None:
    if not _checkpoint_reference(value):
        return None
    if isinstance(value, int):
        return db.session.get(Checkpoint, value)
    matches = db.session.scalars(_CHECKPOINT_BY_CODE, {"code": value}).all()
    return matches[0] if len(matches) == 1 else None  # the same code at two events: use the id


def _checkpoint_reference(value) -> bool:
    """Whether `value` can name a checkpoint: its id, or its code."""
    if isinstance(value, int) and not isinstance(value, bool):
        return 0 < value <= MAX_ID
    return _text_problem(value, 1, 64) is None


def scan_json(outcome: ScanOutcome) -> dict:
    person = outcome.holder
    scan = outcome.scan
    return {
        "scan_id": scan.id,
        "verdict": outcome.verdict.value,
        "accepted": outcome.accepted,
        "title": outcome.verdict.title,
        "detail": _detail(outcome),
        "flag": scan.flag.value if scan.flag else None,
        "alert": scan.flag is ScanFlag.REPORTED_LOST,
        "manual": scan.manual,
        "offline": scan.offline,
        "replayed": outcome.replayed,
        "checkpoint": outcome.scan.checkpoint.code,
        "checkpoint_name": outcome.scan.checkpoint.name,
        "direction": outcome.scan.direction.value,
        "scanned_at": outcome.scan.scanned_at.isoformat(),
        "badge": {"serial": person.serial, "version": person.version} if person else None,
        "person": {
            "person_id": person.person_id,
            "name": person.printed_name,
            "native_name": person.native_name,
            "honorific": person.honorific,
            "organisation": person.organisation,
            "country": person.country,
            "country_name": country_name(person.country),
            "category": person.category_code,
            "category_name": person.category_name,
            "category_colour": person.category_colour,
            "zones": [{"code": zone.code, "name": zone.name} for zone in person.zones],
            "photo_url": url_for("door.scan_photo", scan_id=outcome.scan.id) if person.has_photo else None,
        } if person else None,
    }


def _detail(outcome: ScanOutcome) -> str:
    """The verdict's reason in the door's words where the title alone is not enough."""
    entered = outcome.entered
    if entered is not None:
        at = outcome.holder.event.at_venue(entered.scanned_at)
        return f"Entered at {at.strftime('%H:%M')} through {entered.checkpoint_name}."
    if outcome.scan.flag is ScanFlag.EXIT_WITHOUT_ENTRY:
        return "No entry was recorded: let them out, and tell the security office."
    if outcome.scan.flag is ScanFlag.OVERRIDE:
        return f"Let through by the security office: {outcome.scan.override_reason}"
    return ""
