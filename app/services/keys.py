"""Each event's badge-signing keys: made with the event, rotated and retired by an admin.

The private half is stored encrypted (AES-GCM) with the installation's key-encryption
key, which lives outside the database (LANYARD_KEY_ENCRYPTION_KEY or a file in the
instance folder): a copy of the database alone cannot sign badges. Doors only ever
receive public keys.
"""
from __future__ import annotations

import base64
import os
from functools import lru_cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app
from sqlalchemy import func, select

from ..extensions import db
from ..models import Badge, Event, SigningKey
from ..models._types import utcnow
from .audit import Actor, record
from .codes import MAX_KEY_NUMBER
from .errors import InvalidState

_ENVELOPE = "v1."


def key_encryption_key() -> bytes:
    return base64.urlsafe_b64decode(current_app.config["LANYARD_KEY_ENCRYPTION_KEY"])


def _associated_data(event_id: int, number: int) -> bytes:
    # A stored private key only decrypts as the key of the event and number it was made for.
    return f"lanyard-signing-key:{event_id}:{number}".encode("ascii")


def encrypt_private_key(private_key: Ed25519PrivateKey, event_id: int, number: int,
                        kek: bytes) -> str:
    raw = private_key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                    serialization.NoEncryption())
    nonce = os.urandom(12)
    sealed = AESGCM(kek).encrypt(nonce, raw, _associated_data(event_id, number))
    return _ENVELOPE + base64.b64encode(nonce + sealed).decode("ascii")


def new_signing_key(event: Event, actor: Actor, *, kek: bytes | None = None) -> SigningKey:
    """A new key for the event's new badges, in the caller's transaction (no commit)."""
    db.session.flush()  # the event needs its id: it is part of the key's encryption
    number = (db.session.scalar(select(func.max(SigningKey.number))
                                .where(SigningKey.event_id == event.id)) or 0) + 1
    if number > MAX_KEY_NUMBER:
        raise InvalidState(f"This event has had {MAX_KEY_NUMBER} keys; no more can be made.")
    private_key = Ed25519PrivateKey.generate()
    public = private_key.public_key().public_bytes(serialization.Encoding.Raw,
                                                   serialization.PublicFormat.Raw)
    key = SigningKey(event_id=event.id, number=number,
                     public_key=base64.b64encode(public).decode("ascii"),
                     private_key=encrypt_private_key(private_key, event.id, number,
                                                     kek or key_encryption_key()),
                     created_by_id=actor.user.id if actor.user else None)
    db.session.add(key)
    db.session.flush()
    record(actor, "signing_key.created", key, after={"event": event.slug, "number": number,
                                                     "fingerprint": key.fingerprint})
    return key


def rotate_signing_key(event: Event, actor: Actor) -> SigningKey:
    """New badges are signed with a new key; badges already printed keep working."""
    key = new_signing_key(event, actor)
    db.session.commit()
    return key


def retire_signing_key(key: SigningKey, actor: Actor) -> int:
    """Every badge the key signed is refused from now on; returns how many were still live."""
    if key.retired_at is not None:
        raise InvalidState(f"Key {key.number} is already retired.")
    if current_signing_key(key.event) == key:
        raise InvalidState("This key signs new badges. Make a new key first, then retire this one.")
    live = live_badges_by_key(key.event).get(key.id, 0)
    key.retired_at = utcnow()
    key.retired_by_id = actor.user.id if actor.user else None
    record(actor, "signing_key.retired", key, after={"number": key.number,
                                                     "fingerprint": key.fingerprint,
                                                     "live_badges": live})
    db.session.commit()
    return live


def current_signing_key(event: Event) -> SigningKey | None:
    """The key that signs the event's new badges: its newest key not retired."""
    return db.session.scalar(select(SigningKey).where(
        SigningKey.event_id == event.id, SigningKey.retired_at.is_(None))
        .order_by(SigningKey.number.desc()).limit(1))


def event_keys(event: Event) -> list[SigningKey]:
    return list(db.session.scalars(select(SigningKey).where(SigningKey.event_id == event.id)
                                   .order_by(SigningKey.number)))


def live_badges_by_key(event: Event) -> dict[int, int]:
    """How many badges each key signed that doors still accept (not revoked)."""
    rows = db.session.execute(
        select(Badge.signing_key_id, func.count()).join(SigningKey)
        .where(SigningKey.event_id == event.id, Badge.revoked_at.is_(None))
        .group_by(Badge.signing_key_id)).all()
    return dict(rows)


def private_key(key: SigningKey) -> Ed25519PrivateKey:
    sealed = base64.b64decode(key.private_key.removeprefix(_ENVELOPE))
    raw = AESGCM(key_encryption_key()).decrypt(sealed[:12], sealed[12:],
                                               _associated_data(key.event_id, key.number))
    return Ed25519PrivateKey.from_private_bytes(raw)


@lru_cache(maxsize=256)
def public_key(public_base64: str) -> Ed25519PublicKey:
    """The verifying key, parsed once per process."""
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(public_base64))
