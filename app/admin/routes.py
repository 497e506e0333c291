"""Administration pages: overview, staff accounts, badge design and previews."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import func, select
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..auth.access import role_required
from ..extensions import db
from ..web import attempt
from ..formkit import layout_choices, select_choices
from ..models import Category, Delegate, Event, Scan, StaffRole, StaffUser
from ..services.audit import Actor
from ..services import branding
from ..services.errors import ServiceError
from ..services.printing import pdf_page_png, preview_sheet_png, render_preview
from ..services.staff import (MIN_PASSWORD_LENGTH, create_staff_user, set_staff_active,
                              set_staff_display_name, set_staff_password)
from . import admin_bp


class StaffUserForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    display_name = StringField("Name", validators=[Optional(), Length(max=120)],
                               description="As on papers they sign, e.g. custody receipts.")
    role = SelectField("Role", choices=select_choices((r.value, r.title) for r in StaffRole))
    password = PasswordField("Initial password",
                             validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=1024)])


@admin_bp.route("/")
@role_required(StaffRole.ADMIN)
def index():
    events = db.session.scalars(select(Event).order_by(Event.starts_on.desc())).all()
    people = dict(db.session.execute(
        select(Delegate.event_id, func.count()).group_by(Delegate.event_id)).all())
    scans = db.session.scalar(select(func.count()).select_from(Scan))
    return render_template("admin/index.html", events=events, people=people, scans=scans)


@admin_bp.route("/users", methods=["GET", "POST"])
@role_required(StaffRole.ADMIN)
def users():
    form = StaffUserForm()
    if form.validate_on_submit():
        try:
            create_staff_user(form.email.data, form.password.data, StaffRole(form.role.data),
                              Actor.current(), display_name=form.display_name.data or "")
        except ServiceError as exc:
            db.session.rollback()
            getattr(form, exc.field or "email").errors.append(exc.message)
        else:
            flash(f"Account {form.email.data} created.", "success")
            return redirect(url_for("admin.users"))
    accounts = db.session.scalars(select(StaffUser).order_by(StaffUser.email)).all()
    return render_template("admin/users.html", form=form, accounts=accounts,
                           action_form=FlaskForm(), password_form=PasswordForm(),
                           name_form=DisplayNameForm())


class DisplayNameForm(FlaskForm):
    display_name = StringField("Name", validators=[Optional(), Length(max=120)])


class PasswordForm(FlaskForm):
    password = PasswordField("New password",
                             validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=1024)])


def _staff_or_404(user_id: int) -> StaffUser:
    return db.session.get(StaffUser, user_id) or abort(404)


@admin_bp.route("/users/<int:user_id>/active", methods=["POST"])
@role_required(StaffRole.ADMIN)
def set_user_active(user_id: int):
    user = _staff_or_404(user_id)
    if FlaskForm().validate_on_submit():
        active = request.form.get("active") == "1"
        attempt(set_staff_active, user, active, Actor.current(),
                done=f"{user.email} is {'active' if active else 'switched off'}.")
    return redirect(url_for("admin.users"))


@admin_bp.route("/users/<int:user_id>/name", methods=["POST"])
@role_required(StaffRole.ADMIN)
def set_user_display_name(user_id: int):
    user = _staff_or_404(user_id)
    form = DisplayNameForm()
    if form.validate_on_submit():
        attempt(set_staff_display_name, user, form.display_name.data or "", Actor.current(),
                done=f"{user.email} signs as {form.display_name.data or user.name}.")
    else:
        flash("A name has at most 120 characters.", "error")
    return redirect(url_for("admin.users"))


@admin_bp.route("/users/<int:user_id>/password", methods=["POST"])
@role_required(StaffRole.ADMIN)
def set_user_password(user_id: int):
    user = _staff_or_404(user_id)
    form = PasswordForm()
    if form.validate_on_submit():
        set_staff_password(user, form.password.data, Actor.current())
        if user.id == current_user.id:
            login_user(user)  # this browser carries the new session version; other sessions end
        flash(f"New password set for {user.email}.", "success")
    else:
        flash(f"The new password needs at least {MIN_PASSWORD_LENGTH} characters.", "error")
    return redirect(url_for("admin.users"))


@admin_bp.route("/audit")
@role_required(StaffRole.SECURITY)
def audit():
    """The audit trail is the security office's page now; old links and bookmarks land there."""
    return redirect(url_for("security.audit", **request.args))


class LogoForm(FlaskForm):
    logo = FileField("Event logo or the host's crest (PNG with transparency works best)")


class CategoryLayoutForm(FlaskForm):
    layout = SelectField("Layout")


def _event_or_404(event_id: int) -> Event:
    return db.session.get(Event, event_id) or abort(404)


def _category_or_404(event: Event, code: str) -> Category:
    for category in event.categories:
        if category.code == code:
            return category
    abort(404)


@admin_bp.route("/events/<int:event_id>/badges", methods=["GET", "POST"])
@role_required(StaffRole.ADMIN)
def badge_design(event_id: int):
    """Logo and layout per category, with a preview of each category's badge."""
    event = _event_or_404(event_id)
    logo_form = LogoForm(prefix="logo")
    if logo_form.validate_on_submit():
        upload = logo_form.logo.data
        if not upload or not getattr(upload, "filename", ""):
            logo_form.logo.errors.append("Choose an image file.")
        else:
            try:
                branding.set_event_logo(event, upload.read(), Actor.current())
            except ServiceError as exc:
                logo_form.logo.errors.append(exc.message)
            else:
                flash("Logo saved; it prints on every badge from now on.", "success")
                return redirect(url_for("admin.badge_design", event_id=event.id))
    layout_forms = {}
    for category in event.categories:
        form = CategoryLayoutForm(prefix=f"cat-{category.code}", data={"layout": category.layout})
        form.layout.choices = layout_choices("Default (CR80 portrait card)")
        layout_forms[category.code] = form
    # Every sample, front and back, through the renderer: what it reports is what the
    # admin should fix (or accept) before the desk prints.
    warnings = {category.code: _distinct(render_preview(event, category, back=True)[1].warnings)
                for category in event.categories}
    return render_template("admin/badge_design.html", event=event, logo_form=logo_form,
                           layout_forms=layout_forms, warnings=warnings,
                           has_logo=branding.event_logo(event) is not None)


def _distinct(messages: list[str]) -> list[str]:
    return list(dict.fromkeys(messages))


@admin_bp.route("/events/<int:event_id>/categories/<code>/layout", methods=["POST"])
@role_required(StaffRole.ADMIN)
def set_category_layout(event_id: int, code: str):
    event = _event_or_404(event_id)
    category = _category_or_404(event, code)
    form = CategoryLayoutForm(prefix=f"cat-{category.code}")
    form.layout.choices = layout_choices("Default (CR80 portrait card)")
    if form.validate_on_submit():
        try:
            branding.set_category_layout(category, form.layout.data, Actor.current())
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(f"{category.name} badges now print with {form.layout.data or 'the default layout'}.",
                  "success")
    else:
        flash("Choose one of the listed layouts.", "error")
    return redirect(url_for("admin.badge_design", event_id=event.id))


@admin_bp.route("/events/<int:event_id>/logo/remove", methods=["POST"])
@role_required(StaffRole.ADMIN)
def remove_logo(event_id: int):
    if FlaskForm().validate_on_submit():
        branding.remove_event_logo(_event_or_404(event_id), Actor.current())
        flash("Logo removed.", "success")
    return redirect(url_for("admin.badge_design", event_id=event_id))


@admin_bp.route("/events/<int:event_id>/categories/<code>/preview.<kind>")
@role_required(StaffRole.ADMIN)
def badge_preview(event_id: int, code: str, kind: str):
    """Sample badges of a category with hard names and every delegation's flag: the whole
    PDF (front and back), one page as PNG, or (?all=1) every sample's side in one PNG."""
    event = _event_or_404(event_id)
    category = _category_or_404(event, code)
    if kind not in ("pdf", "png"):
        abort(404)
    pdf, _ = render_preview(event, category, back=True)
    if kind == "pdf":
        return Response(pdf, mimetype="application/pdf")
    side = 1 if request.args.get("side") == "back" else 0
    if request.args.get("all"):
        return Response(preview_sheet_png(pdf, every=2, first=side), mimetype="image/png")
    page = min(max(request.args.get("page", 0, type=int), 0), 63)
    return Response(pdf_page_png(pdf, page=min(page * 2 + side, _pages(pdf) - 1)),
                    mimetype="image/png")


def _pages(pdf: bytes) -> int:
    import pypdfium2
    document = pypdfium2.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()
