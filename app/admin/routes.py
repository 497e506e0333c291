from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import EmailField, PasswordField, SelectField
from wtforms.validators import DataRequired, Length

from ..auth.access import role_required
from ..extensions import db
from ..formkit import select_choices
from ..models import AuditEvent, Delegate, Event, Scan, StaffRole, StaffUser
from ..services.audit import Actor
from ..services.errors import ServiceError
from ..services.staff import create_staff_user
from . import admin_bp


class StaffUserForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    role = SelectField("Role", choices=select_choices((r.value, r.title) for r in StaffRole))
    password = PasswordField("Initial password", validators=[DataRequired(), Length(min=12, max=1024)])


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
                              Actor.current())
        except ServiceError as exc:
            db.session.rollback()
            getattr(form, exc.field or "email").errors.append(exc.message)
        else:
            flash(f"Account {form.email.data} created.", "success")
            return redirect(url_for("admin.users"))
    accounts = db.session.scalars(select(StaffUser).order_by(StaffUser.email)).all()
    return render_template("admin/users.html", form=form, accounts=accounts)


@admin_bp.route("/audit")
@role_required(StaffRole.ADMIN)
def audit():
    page = max(1, request.args.get("page", 1, type=int))
    entries = db.session.scalars(
        select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .offset((page - 1) * 100).limit(100)).all()
    return render_template("admin/audit.html", entries=entries, page=page)
