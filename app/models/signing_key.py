"""The Ed25519 keys that sign an event's badge codes; doors only ever get the public half."""
from __future__ import annotations

import base64
import hashlib
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import UTCDateTime, utcnow
from .event import Event


class SigningKey(db.Model):
    __tablename__ = "signing_keys"
    __table_args__ = (UniqueConstraint("event_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    #: The key id inside each code: 1 for the event's first key, one more at each rotation (max 255).
    number: Mapped[int]
    #: The 32-byte Ed25519 public key, Base64.
    public_key: Mapped[str] = mapped_column(String(64))
    #: The private key, encrypted with the installation's key-encryption key (AES-GCM).
    private_key: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    #: Set when an admin retires the key: every code it signed is refused from then on.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    retired_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))

    event: Mapped[Event] = relationship()

    @property
    def public_bytes(self) -> bytes:
        return base64.b64decode(self.public_key)

    @property
    def fingerprint(self) -> str:
        """Short, readable id of the public key, e.g. "3f9a 01c2"."""
        digest = hashlib.sha256(self.public_bytes).hexdigest()
        return f"{digest[:4]} {digest[4:8]}"

    def __repr__(self) -> str:
        return f"<SigningKey {self.event_id}/{self.number}>"
