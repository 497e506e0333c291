"""Staff accounts: creation, passwords (Argon2id), and the sessions they may hold.

Logging in, with its delays after failures, is in logins.py.
"""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, func, select

from ..extensions import db
from ..models import StaffRole, StaffUser
from .audit import Actor, record
from .errors import ServiceError
from .people import check_name, normalise_email

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 12
# Verified against when the e-mail is unknown, so a login takes as long
# whether or not the account exists.
_DUMMY_HASH = _hasher.hash("lanyard-timing-equaliser")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def create_staff_user(email: str, password: str, role: StaffRole, actor: Actor, *,
                      display_name: str = "") -> StaffUser:
    display_name = _clean_display_name(display_name)
    try:
        email = normalise_email(email).lower()
    except ValueError as exc:
        raise ServiceError(f"Not a valid e-mail address: {exc}", field="email") from None
    _check_password(password)
    if db.session.scalar(select(StaffUser).where(func.lower(StaffUser.email) == email)):
        raise ServiceError(f"There is already an account for {email}.", field="email")
    user = StaffUser(email=email, password_hash=hash_password(password), role=role,
                     display_name=display_name)
    db.session.add(user)
    db.session.flush()
    record(actor, "staff.created", user, after={"email": email, "role": role,
                                                "display_name": display_name})
    db.session.commit()
    return user


def set_staff_display_name(user: StaffUser, display_name: str, actor: Actor) -> None:
    """The name papers the person signs show (custody receipts); empty falls back to one made
    from the e-mail address."""
    display_name = _clean_display_name(display_name)
    if display_name == user.display_name:
        return
    before = {"display_name": user.display_name}
    user.display_name = display_name
    record(actor, "staff.display_name_set", user, before=before,
           after={"display_name": display_name})
    db.session.commit()


def _clean_display_name(text: str) -> str:
    try:
        name = check_name(text or "")
    except ValueError as exc:
        raise ServiceError(str(exc), field="display_name") from None
    if len(name) > 120:
        raise ServiceError("A display name has at most 120 characters.", field="display_name")
    return name


def set_staff_password(user: StaffUser, password: str, actor: Actor) -> None:
    """A new password, e.g. for someone who lost theirs; the old one and every session stop working."""
    _check_password(password)
    user.password_hash = hash_password(password)
    _end_sessions(user)
    record(actor, "staff.password_set", user, after={"email": user.email})
    db.session.commit()


def set_staff_active(user: StaffUser, active: bool, actor: Actor) -> None:
    """Switch an account on or off; switching off ends every session of the account."""
    if not active and actor.user is not None and actor.user.id == user.id:
        raise ServiceError("You cannot switch off your own account.")
    if user.active == active:
        return
    before = {"active": user.active}
    user.active = active
    if not active:
        _end_sessions(user)  # switched on again, the old sessions stay ended
    record(actor, "staff.activated" if active else "staff.deactivated", user, before=before,
           after={"active": active})
    db.session.commit()


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(
            f"The password needs at least {MIN_PASSWORD_LENGTH} characters.", field="password")


def find_staff_user(email: str) -> StaffUser | None:
    """The account with this e-mail, whatever its case."""
    return db.session.scalar(
        select(StaffUser).where(func.lower(StaffUser.email) == (email or "").strip().lower()))


def record_logout(user: StaffUser, actor: Actor) -> None:
    """Log out everywhere: copies of the session cookie die with the one logged out."""
    _end_sessions(user)
    record(actor, "staff.logged_out", user)
    db.session.commit()


def _end_sessions(user: StaffUser) -> None:
    user.session_version += 1


# Every request loads its account: the statement is built once.
_USER_BY_ID = select(StaffUser).where(StaffUser.id == bindparam("id"))


def user_for_session(token: str) -> StaffUser | None:
    """The active account a session's login token (StaffUser.get_id) names, if still current."""
    login = parse_login_token(token)
    if login is None:
        return None
    user = db.session.scalar(_USER_BY_ID, {"id": login[0]})
    if user is None or not user.active or user.session_version != login[1]:
        return None
    return user


def parse_login_token(token: str | None) -> tuple[int, int] | None:
    """(account id, session version) from a login token, unchecked; None if it is not one."""
    user_id, _, version = (token or "").partition(":")
    if not (user_id.isascii() and user_id.isdigit() and version.isascii() and version.isdigit()):
        return None  # also a bare id from before session versions: log in again
    return int(user_id), int(version)


def password_matches(user: StaffUser | None, password: str) -> bool:
    """Whether `password` is `user`'s; with no account it takes as long, and says no.

    An outdated hash is upgraded in the session; the caller commits.
    """
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password or "")
    except (VerificationError, InvalidHashError):
        return False
    if user is not None and _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user is not None
