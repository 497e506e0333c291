"""Staff logins: the password check, growing delays after failed logins, and device cookies.

Failures are counted per e-mail address, known or not, and from the fifth on the next
try waits 1 second, then 2, 4, ... up to 15 minutes: guessing stays slow and nobody can
lock an account for long. A browser that logged in to the account before shows a signed
device cookie and is counted on its own (OWASP's device cookies), so the owner gets in at
once while strangers are held back; a stolen device cookie meets the same delays.
"""
from __future__ import annotations

import math
import secrets
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import LoginFailure, StaffUser
from ..models._types import utcnow
from .audit import Actor, record
from .errors import ServiceError
from .staff import find_staff_user, password_matches

#: Failures allowed one after another before the delays start.
FREE_FAILURES = 5
FIRST_DELAY = timedelta(seconds=1)
MAX_DELAY = timedelta(minutes=15)
#: A day without failures starts the count again.
FORGET_AFTER = timedelta(days=1)

DEVICE_COOKIE = "lanyard_device"
DEVICE_LIFETIME = timedelta(days=90)
#: Accounts one browser vouches for: a shared desk computer serves a few staff.
DEVICES_PER_BROWSER = 5
_DEVICE_SALT = "lanyard.device-cookie"


class LoginDelayed(ServiceError):
    """Too many failed logins: no password is checked before `retry_after` seconds have passed."""

    code = "login_delayed"

    def __init__(self, retry_after: int):
        super().__init__("Too many failed logins for this e-mail address. "
                         f"Try again in {_in_words(retry_after)}.")
        self.retry_after = retry_after


def authenticate(email: str, password: str, device_cookie: str = "") -> StaffUser | None:
    """The active account with this e-mail and password, or None; LoginDelayed while earlier
    failures for this e-mail (or for this browser's device cookie) hold it back.

    During a delay the password is not even checked. Failures for real accounts go to the
    audit trail with the address they came from.
    """
    now = utcnow()
    email = (email or "").strip().lower()
    device = _device_id(device_cookie, email, now)
    failures = _lock_failures(f"device:{device}" if device else f"account:{email[:254]}", now)
    wait = _wait(failures, now)
    if wait:
        db.session.rollback()  # nothing to keep; frees the row for the next attempt
        raise LoginDelayed(wait)
    user = find_staff_user(email)
    if not password_matches(user, password) or not user.active:
        failures.failures += 1
        failures.last_failed_at = now
        _forget_old_failures(now)
        if user is not None:
            record(Actor.public("anonymous"), "staff.login_failed", user,
                   after={"failures": failures.failures, "known_device": device is not None})
        db.session.commit()
        return None
    # Only what held this attempt back is cleared: the owner logging in on a known
    # browser does not open the account again to strangers who are still guessing.
    db.session.delete(failures)
    user.last_login_at = now
    record(Actor.staff(user), "staff.logged_in", user)
    db.session.commit()
    return user


def remember_device(device_cookie: str, user: StaffUser) -> str:
    """The device cookie for a browser where `user` just logged in: a new id for this account,
    and the other accounts the browser already vouched for."""
    now = utcnow()
    email = user.email.lower()
    others = [entry for entry in _known_devices(device_cookie, now) if entry[0] != email]
    entry = [email, secrets.token_urlsafe(16), int(now.timestamp())]
    return _device_serializer().dumps([entry] + others[:DEVICES_PER_BROWSER - 1])


def _lock_failures(key: str, now: datetime) -> LoginFailure:
    """The failures counted for `key`, under a row lock; the row is made if missing.

    Guesses sent together the moment a delay ends would otherwise all read the same count
    and all be checked; with the lock the second waits for the first to be counted, then
    sees the new delay. One statement inserts or locks, so a row another login deletes
    meanwhile is simply made again.
    """
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    upsert = dialect.insert(LoginFailure).values(key=key, failures=0, last_failed_at=now)
    # Updating a row to what it is takes its lock.
    upsert = upsert.on_conflict_do_update(index_elements=[LoginFailure.key],
                                          set_={"failures": LoginFailure.failures})
    failures = db.session.scalars(upsert.returning(LoginFailure),
                                  execution_options={"populate_existing": True}).one()
    if failures.last_failed_at < now - FORGET_AFTER:
        failures.failures = 0
    return failures


def _wait(failures: LoginFailure, now: datetime) -> int:
    """Whole seconds before `failures` allows another try; 0 for now."""
    if failures.failures < FREE_FAILURES:
        return 0
    # Past 2**20 seconds the cap has long won; larger powers would overflow a timedelta.
    doublings = min(failures.failures - FREE_FAILURES, 20)
    delay = min(FIRST_DELAY * 2 ** doublings, MAX_DELAY)
    return max(0, math.ceil((failures.last_failed_at + delay - now).total_seconds()))


def _forget_old_failures(now: datetime) -> None:
    # Rows another login holds are left for a later pass: waiting for them could deadlock.
    stale = db.session.scalars(
        select(LoginFailure.key).where(LoginFailure.last_failed_at < now - FORGET_AFTER)
        .limit(100).with_for_update(skip_locked=True)).all()
    if stale:
        db.session.execute(delete(LoginFailure).where(LoginFailure.key.in_(stale)))


def _device_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_DEVICE_SALT)


def _known_devices(device_cookie: str, now: datetime) -> list[list]:
    """The [e-mail, device id, issued as Unix time] entries of a genuine cookie, still fresh."""
    try:
        entries = _device_serializer().loads(device_cookie) if device_cookie else []
    except BadSignature:
        return []
    oldest = (now - DEVICE_LIFETIME).timestamp()
    return [entry for entry in entries if entry[2] >= oldest] if isinstance(entries, list) else []


def _device_id(device_cookie: str, email: str, now: datetime) -> str | None:
    return next((device for known, device, _ in _known_devices(device_cookie, now)
                 if known == email), None)


def _in_words(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
