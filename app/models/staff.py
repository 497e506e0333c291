"""Staff accounts: who may log in, with which role, and recent failed logins."""
from __future__ import annotations

import re
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._types import UTCDateTime, coded_enum, utcnow
from .enums import StaffRole


class StaffUser(UserMixin, db.Model):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    #: The person's name as papers they sign show it, e.g. a custody receipt; may be empty.
    display_name: Mapped[str] = mapped_column(String(120), default="", server_default="")
    #: Argon2id hash; the password itself is never stored.
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[StaffRole] = mapped_column(coded_enum(StaffRole))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Part of every session's login token: raising it (logout, a new password, switched
    #: off) ends all the account's sessions at their next request.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        # Flask-Login's alternative token: the session keeps "<id>:<version>", not the id,
        # so a copied cookie stops working once the version moves on.
        return f"{self.id}:{self.session_version}"

    @property
    def name(self) -> str:
        """The display name, else the address's local part in words ("mai.tran" -> "Mai Tran")."""
        if self.display_name:
            return self.display_name
        local = self.email.split("@", 1)[0]
        return " ".join(word.capitalize() for word in re.split(r"[._+-]+", local) if word) or local

    def has_role(self, *roles: StaffRole) -> bool:
        """Administrators may do everything; others only what their role allows."""
        return self.role.may_act_as(*roles)

    def __repr__(self) -> str:
        return f"<StaffUser {self.email} {self.role}>"


class LoginFailure(db.Model):
    """Consecutive failed logins for one e-mail address, or for one browser's device cookie."""

    __tablename__ = "login_failures"

    #: "account:<lower-cased e-mail>", kept for unknown addresses too so that a delay
    #: reveals nothing, or "device:<id>" for a browser that logged in to the account before.
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    #: Failures since the last successful login, or within a day; the delay grows with it.
    failures: Mapped[int] = mapped_column(default=0)
    #: The latest failure (for a row made by an attempt under way, when it was made);
    #: the delay runs from here, and rows a day old are forgotten.
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
