"""The role check on staff routes: logged in, and a role that needs the page."""
from __future__ import annotations

from functools import wraps

from flask import abort, session
from flask_login import current_user

from ..extensions import login_manager
from ..models import StaffRole


def role_required(*roles: StaffRole):
    """Allow staff with one of `roles` (administrators always); others get 403."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)
        wrapped.required_roles = roles
        return wrapped
    return decorator


def session_login_token() -> str | None:
    """The login token (StaffUser.get_id) this request's session carries, not checked against
    the account: for a view whose own statement checks it (a door scan) instead of a statement
    loading the account first. Flask-Login's session protection applies as when it loads one."""
    if login_manager._session_protection_failed():  # "basic": marks the session not fresh
        return None
    return session.get("_user_id")
