"""Door scans: the decision for a scanned code, and the record of every scan."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import (Badge, Checkpoint, Delegate, DelegateStatus, Scan, ScanDirection,
                      ScanVerdict)
from ..models._types import utcnow
from .audit import Actor
from .codes import clean_scanned_code, looks_like_badge_code


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
    """Decide whether this code may pass this checkpoint now, and record the scan."""
    if nonce:
        earlier = db.session.scalar(select(Scan).where(Scan.nonce == nonce))
        if earlier is not None:
            return _outcome(earlier, replayed=True)

    code = clean_scanned_code(raw_code)
    badge = None
    if looks_like_badge_code(code):
        badge = db.session.scalar(
            select(Badge).join(Badge.delegate)
            .where(Badge.code == code, Delegate.event_id == checkpoint.event_id))
    verdict = _decide(checkpoint, badge, direction)
    scan = Scan(checkpoint=checkpoint, badge=badge, raw_code=(raw_code or "")[:256],
                direction=direction, verdict=verdict, scanned_at=scanned_at or utcnow(),
                staff_id=actor.user.id if actor.user else None, device=device[:120],
                nonce=nonce or None)
    try:
        with db.session.begin_nested():
            db.session.add(scan)
            db.session.flush()
    except IntegrityError:
        # The same nonce arrived twice at once: the first one wins.
        db.session.rollback()
        return _outcome(db.session.scalar(select(Scan).where(Scan.nonce == nonce)), replayed=True)
    db.session.commit()
    return _outcome(scan)


def _decide(checkpoint: Checkpoint, badge: Badge | None, direction: ScanDirection) -> ScanVerdict:
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
    if checkpoint.zone is not None and checkpoint.zone not in delegate.zones:
        return ScanVerdict.WRONG_CHECKPOINT
    if checkpoint.single_entry and _is_inside(checkpoint, delegate):
        return ScanVerdict.ALREADY_INSIDE
    return ScanVerdict.ACCEPTED


def _is_inside(checkpoint: Checkpoint, delegate: Delegate) -> bool:
    """Whether the person's last accepted scan here was an entry (any badge version)."""
    last = db.session.scalar(
        select(Scan.direction).join(Scan.badge)
        .where(Scan.checkpoint_id == checkpoint.id, Badge.delegate_id == delegate.id,
               Scan.verdict == ScanVerdict.ACCEPTED)
        .order_by(Scan.scanned_at.desc(), Scan.id.desc()).limit(1))
    return last is ScanDirection.IN


def _outcome(scan: Scan, replayed: bool = False) -> ScanOutcome:
    badge = scan.badge
    return ScanOutcome(verdict=scan.verdict, scan=scan, badge=badge,
                       delegate=badge.delegate if badge else None, replayed=replayed)
