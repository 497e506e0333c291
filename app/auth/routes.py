"""Staff login and logout."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from flask_limiter.util import get_remote_address

from ..extensions import limiter
from ..models import StaffRole
from ..services.audit import Actor
from ..services.staff import authenticate, record_logout
from . import auth_bp
from .forms import LoginForm

HOME_BY_ROLE = {
    StaffRole.ADMIN: "admin.index",
    StaffRole.ACCREDITATION: "staff.queue",
    StaffRole.DESK: "staff.desk",
    StaffRole.DOOR: "door.index",
}


def home_for(user) -> str:
    return url_for(HOME_BY_ROLE[user.role])


def _login_attempt_key() -> str:
    # Per account and client: staff at a venue share one public address.
    return f"{get_remote_address()}:{request.form.get('email', '').strip().lower()}"


def _login_account_key() -> str:
    # Guessing one account's password from many addresses is slowed down too.
    return "account:" + request.form.get("email", "").strip().lower()


@auth_bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"], key_func=_login_attempt_key)
@limiter.limit("60 per hour", methods=["POST"], key_func=_login_account_key)
@limiter.limit("120 per minute", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            flash("E-mail or password is not right.", "error")
        else:
            session.clear()  # a fresh session on login: no fixation
            login_user(user)
            target = request.args.get("next", "")
            return redirect(target if _is_local(target) else home_for(user))
    return render_template("auth/login.html", form=form)


@auth_bp.route("/logout", methods=["POST"])
@login_required
def logout():
    record_logout(current_user._get_current_object(), Actor.current())
    logout_user()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))


def _is_local(target: str) -> bool:
    parts = urlsplit(target)
    return bool(target) and not parts.scheme and not parts.netloc and target.startswith("/") \
        and not target.startswith("//")
