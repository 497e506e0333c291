"""What a door device holds to decide on its own when the venue network drops.

Only what its checkpoint needs and the door shows: the event's public keys (never a
private one), the stopped badges, the roster of people who may pass this checkpoint
(name as printed, status, zones, whether the badge was handed over, a small photo),
and who is inside the checkpoint's zone as the server knows it. The rules come from
door_rules.json, the same table the server follows.
"""
from __future__ import annotations

import hashlib
import io
import json

from flask import url_for
from PIL import Image
from sqlalchemy import select

from ..extensions import db
from ..models import Badge, Checkpoint, ScanVerdict, SigningKey
from ..models._types import utcnow
from .badge_holders import BadgeHolder, holders_of_event
from .checkin import RULES, stopped_verdict
from .countries import country_name
from .photos import read_photo
from .presence import inside

# Big enough to compare with a face on a phone screen, small enough for a roster of thousands.
PHOTO_SIZE = (240, 308)


def door_snapshot(checkpoint: Checkpoint) -> dict:
    """Everything a door device at `checkpoint` needs offline, as plain JSON data.

    `version` changes whenever anything in it does, so a device re-downloads only then.
    """
    event = checkpoint.event
    zone_id = checkpoint.zone_id
    roster, others, stopped = [], [], []
    # Read as plain rows, not objects: every door device asks every 30 seconds.
    for badge in holders_of_event(event.id):
        if badge.revoked_at is not None:
            stopped.append([badge.badge_id, badge.version, stopped_verdict(badge).value])
        elif zone_id is None or badge.may_enter(zone_id):
            roster.append(_roster_entry(checkpoint, badge))
        else:
            # No access here: only the badge's state, so the device refuses them as the
            # server does, and nothing about who they are.
            others.append([badge.badge_id, badge.version, badge.status.value,
                           badge.handed_over_at is not None])
    keys = db.session.scalars(select(SigningKey).where(
        SigningKey.event_id == event.id, SigningKey.retired_at.is_(None))
        .order_by(SigningKey.number)).all()
    snapshot = {
        "event": {"id": event.id, "name": event.name, "starts_on": event.starts_on.isoformat(),
                  "ends_on": event.ends_on.isoformat(), "timezone": event.timezone},
        "checkpoint": {"id": checkpoint.id, "code": checkpoint.code, "name": checkpoint.name,
                       "zone": checkpoint.zone.code if checkpoint.zone else None,
                       "single_entry": checkpoint.single_entry,
                       "directions": checkpoint.directions.value},
        "rules": {**RULES, "titles": {v.value: v.title for v in ScanVerdict}},
        "keys": [{"number": key.number, "public_key": key.public_key} for key in keys],
        "stopped": stopped,
        "roster": roster,
        "others": others,
        "inside": {str(person.id): {"at": scan.scanned_at.isoformat(),
                                    "checkpoint": scan.checkpoint.name}
                   for person, scan in inside(event.id, zone_id)},
    }
    snapshot["version"] = hashlib.sha256(
        json.dumps(snapshot, sort_keys=True).encode("utf-8")).hexdigest()[:32]
    snapshot["synced_at"] = utcnow().isoformat()
    return snapshot


def roster_photo(checkpoint: Checkpoint, badge_id: int) -> bytes | None:
    """The small photo of a badge on this checkpoint's roster; None for anyone else."""
    badge = db.session.get(Badge, badge_id)
    if badge is None or badge.revoked_at is not None or badge.delegate.event_id != checkpoint.event_id:
        return None
    person = badge.delegate
    if checkpoint.zone_id is not None and all(z.id != checkpoint.zone_id for z in person.zones):
        return None
    data = read_photo(person.photo_file)
    if data is None:
        return None
    image = Image.open(io.BytesIO(data))
    image.thumbnail(PHOTO_SIZE)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=75)
    return out.getvalue()


def _roster_entry(checkpoint: Checkpoint, badge: BadgeHolder) -> dict:
    return {
        "badge_id": badge.badge_id, "version": badge.version, "serial": badge.serial,
        "person_id": badge.person_id,
        "status": badge.status.value,
        "handed_over": badge.handed_over_at is not None,
        "name": badge.printed_name, "honorific": badge.honorific,
        "native_name": badge.native_name, "organisation": badge.organisation,
        "country_name": country_name(badge.country),
        "category": badge.category_code, "category_name": badge.category_name,
        "category_colour": badge.category_colour,
        "zones": [{"code": zone.code, "name": zone.name} for zone in badge.zones],
        "photo_url": url_for("api.door_photo", checkpoint_id=checkpoint.id,
                             badge_id=badge.badge_id, v=badge.version) if badge.has_photo else None,
    }
