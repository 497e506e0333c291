"""Staff login and logout."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from flask_limiter.util import get_remote_address

from ..extensions import limiter
from ..models import StaffRole
from ..services.audit import Actor
from ..services.logins import DEVICE_COOKIE, DEVICE_LIFETIME, LoginDelayed, authenticate, remember_device
from ..services.staff import record_logout
from . import auth_bp
from .forms import LoginForm

HOME_BY_ROLE = {
    StaffRole.ADMIN: "admin.index",
    StaffRole.ACCREDITATION: "vetting.queue",
    StaffRole.DESK: "desk.search",
    StaffRole.DOOR: "door.index",
    StaffRole.SECURITY: "security.inside",
}


def home_for(user) -> str:
    return url_for(HOME_BY_ROLE[user.role])


def _login_attempt_key() -> str:
    # Per account and client: staff at a venue share one public address. Guessing one
    # account's password from many addresses meets the account's delays (services/logins.py).
    return f"{get_remote_address()}:{request.form.get('email', '').strip().lower()}"


@auth_bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"], key_func=_login_attempt_key)
@limiter.limit("120 per minute", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        device_cookie = request.cookies.get(DEVICE_COOKIE, "")
        try:
            user = authenticate(form.email.data, form.password.data, device_cookie)
        except LoginDelayed as exc:
            flash(exc.message, "error")
            response = make_response(render_template("auth/login.html", form=form), 429)
            response.headers["Retry-After"] = str(exc.retry_after)
            return response
        if user is None:
            flash("E-mail or password is not right.", "error")
        else:
            session.clear()  # a fresh session on login: no fixation
            login_user(user)
            target = request.args.get("next", "")
            response = redirect(target if _is_local(target) else home_for(user))
            # Lets this browser in while strangers guessing the password are held back.
            response.set_cookie(DEVICE_COOKIE, remember_device(device_cookie, user),
                                max_age=int(DEVICE_LIFETIME.total_seconds()), path=url_for("auth.login"),
                                secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True,
                                samesite="Strict")
            return response
    return render_template("auth/login.html", form=form)


@auth_bp.route("/logout", methods=["POST"])
@login_required
def logout():
    record_logout(current_user._get_current_object(), Actor.current())
    logout_user()
    session.clear()
    flash("You are logged out.", "info")
    response = redirect(url_for("auth.login"))
    # A door device's roster, photos and page copies are personal data: gone with the login.
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


def _is_local(target: str) -> bool:
    parts = urlsplit(target)
    return bool(target) and not parts.scheme and not parts.netloc and target.startswith("/") \
        and not target.startswith("//")
