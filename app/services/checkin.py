"""Door scans: the decision for a scanned code, and the record of every scan."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import (Badge, Checkpoint, Delegate, DelegateStatus, Event, Scan, ScanDirection,
                      ScanVerdict, SigningKey)
from ..models._types import utcnow
from .audit import Actor
from .codes import clean_scanned_code, is_legacy_code, parse_badge_code
from .errors import ServiceError
from .keys import public_key
from .locking import lock_delegate_scans

# A door's clock may be a little ahead of the server's; more than this is a wrong clock.
CLOCK_TOLERANCE = timedelta(minutes=5)


class NonceReused(ServiceError):
    """A nonce came back with a different code, checkpoint or door account."""

    code = "nonce_reused"


@dataclass(frozen=True)
class ScanOutcome:
    verdict: ScanVerdict
    scan: Scan
    badge: Badge | None
    delegate: Delegate | None
    #: True when this nonce was seen before and the stored answer is returned.
    replayed: bool = False

    @property
    def accepted(self) -> bool:
        return self.verdict is ScanVerdict.ACCEPTED


def record_scan(checkpoint: Checkpoint, raw_code: str, direction: ScanDirection, actor: Actor,
                *, device: str = "", nonce: str | None = None,
                scanned_at: datetime | None = None) -> ScanOutcome:
    """Decide whether this code may pass this checkpoint now, and record the scan.

    `scanned_at` is the door's own time (kept for the record and the validity
    dates); the order of entries and exits is the order the server received them.
    """
    now = utcnow()
    if scanned_at is not None and scanned_at > now + CLOCK_TOLERANCE:
        raise ServiceError("The scan time is in the future; check the scanner's clock.",
                           code="bad_time", field="scanned_at")
    raw_code = (raw_code or "")[:256]
    staff_id = actor.user.id if actor.user else None
    if nonce:
        earlier = db.session.scalar(select(Scan).where(Scan.nonce == nonce))
        if earlier is not None:
            return _replay(earlier, checkpoint, raw_code, direction, staff_id)

    badge, refusal = identify_badge(checkpoint.event_id, raw_code)
    if badge is not None and direction is ScanDirection.IN and checkpoint.single_entry:
        # Two lanes scanning copies of one badge at once: the second waits for
        # the first to be recorded, then sees the person inside.
        lock_delegate_scans(badge.delegate_id)
    verdict = refusal or _decide(checkpoint, badge, direction, scanned_at or now)
    scan = Scan(checkpoint=checkpoint, badge=badge, raw_code=raw_code, direction=direction,
                verdict=verdict, scanned_at=scanned_at or now, recorded_at=now,
                staff_id=staff_id, device=device[:120], nonce=nonce or None)
    try:
        with db.session.begin_nested():
            db.session.add(scan)
            db.session.flush()
    except IntegrityError:
        # The same nonce arrived twice at once: the first one wins.
        db.session.rollback()
        earlier = db.session.scalar(select(Scan).where(Scan.nonce == nonce))
        return _replay(earlier, checkpoint, raw_code, direction, staff_id)
    db.session.commit()
    return _outcome(scan)


def identify_badge(event_id: int, raw_code: str) -> tuple[Badge | None, ScanVerdict | None]:
    """The badge a scanned code stands for, or the verdict when no badge can be trusted.

    A code that parses but does not verify, is signed by a retired key or another
    event's key, or names another event, is `invalid_signature`.
    """
    code = parse_badge_code(raw_code)
    if code is None:
        if is_legacy_code(raw_code):
            # Badges from before signed codes were all reissued: refused with their own verdict.
            badge = db.session.scalar(select(Badge).join(Badge.delegate).where(
                Badge.code == clean_scanned_code(raw_code), Delegate.event_id == event_id,
                Badge.revoked_at.is_not(None)))
            if badge is not None:
                return badge, None
        return None, ScanVerdict.UNKNOWN_CODE
    if code.event_id != event_id:
        return None, ScanVerdict.INVALID_SIGNATURE
    key = db.session.scalar(select(SigningKey).where(
        SigningKey.event_id == event_id, SigningKey.number == code.key_number))
    if key is None or key.retired_at is not None or not code.verify(public_key(key.public_key)):
        return None, ScanVerdict.INVALID_SIGNATURE
    badge = db.session.get(Badge, code.badge_id)
    if badge is None or badge.version != code.badge_version or badge.signing_key_id != key.id:
        return None, ScanVerdict.UNKNOWN_CODE  # signed here, but no such badge (a restored backup?)
    return badge, None


def _replay(earlier: Scan, checkpoint: Checkpoint, raw_code: str, direction: ScanDirection,
            staff_id: int | None) -> ScanOutcome:
    same = (earlier.checkpoint_id == checkpoint.id and earlier.raw_code == raw_code
            and earlier.direction is direction and earlier.staff_id == staff_id)
    if not same:
        raise NonceReused("This nonce was already used for another scan.", field="nonce")
    return _outcome(earlier, replayed=True)


def _decide(checkpoint: Checkpoint, badge: Badge | None, direction: ScanDirection,
            when: datetime) -> ScanVerdict:
    if badge is None:
        return ScanVerdict.UNKNOWN_CODE
    delegate = badge.delegate
    if badge.revoked_at is not None:
        newer = any(other.version > badge.version for other in delegate.badges)
        return ScanVerdict.SUPERSEDED if newer else ScanVerdict.REVOKED
    if delegate.status is not DelegateStatus.APPROVED:
        return ScanVerdict.NOT_APPROVED
    if direction is ScanDirection.OUT:
        return ScanVerdict.ACCEPTED  # leaving is always allowed
    if not _within_event_days(delegate.event, when):
        return ScanVerdict.NOT_VALID_NOW
    if checkpoint.zone is not None and checkpoint.zone not in delegate.zones:
        return ScanVerdict.WRONG_CHECKPOINT
    if checkpoint.single_entry and _is_inside(checkpoint, delegate):
        return ScanVerdict.ALREADY_INSIDE
    return ScanVerdict.ACCEPTED


def _within_event_days(event: Event, when: datetime) -> bool:
    """Whether `when` falls on one of the event's days at the venue (the dates printed on badges)."""
    return event.starts_on <= event.at_venue(when).date() <= event.ends_on


def _is_inside(checkpoint: Checkpoint, delegate: Delegate) -> bool:
    """Whether the person's last accepted scan here was an entry (any badge version)."""
    last = db.session.scalar(
        select(Scan.direction).join(Scan.badge)
        .where(Scan.checkpoint_id == checkpoint.id, Badge.delegate_id == delegate.id,
               Scan.verdict == ScanVerdict.ACCEPTED)
        .order_by(Scan.id.desc()).limit(1))
    return last is ScanDirection.IN


def _outcome(scan: Scan, replayed: bool = False) -> ScanOutcome:
    badge = scan.badge
    return ScanOutcome(verdict=scan.verdict, scan=scan, badge=badge,
                       delegate=badge.delegate if badge else None, replayed=replayed)
