"""Door scans: the decision for a scanned code, and the record of every scan.

The rules and their order live in door_rules.json, which the offline door page
follows too: `_CHECKS` implements each named check here. Every decision about one
person is taken under a lock on that person, so two doors deciding at once decide
one after the other.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from ..database import commit_keeping_loaded, hold_write_lock
from ..extensions import db
from ..models import (Checkpoint, DelegateStatus, Event, Scan, ScanDirection, ScanFlag, ScanVerdict,
                      StaffRole)
from ..models._types import utcnow
from .audit import Actor, record
from .badge_holders import (BadgeHolder, DoorCheckpoint, EventDays, holder_by_serial,
                            holder_of, key_and_holder, read_door_scan, revoked_holder_by_code)
from .codes import BadgeCode, clean_scanned_code, is_legacy_code, parse_badge_code
from .errors import InvalidState, NotAllowed, ServiceError
from .keys import public_key
from .locking import lock_delegate_scans
from .people import clean_text
from .presence import Entry, entry_if_inside

RULES = json.loads(Path(__file__).with_name("door_rules.json").read_text(encoding="utf-8"))
LOST_REASONS = frozenset(RULES["lost_reasons"])
# A door's clock may be a little ahead of the server's; more than this is a wrong clock.
CLOCK_TOLERANCE = timedelta(minutes=5)
# A supervisor lets a refused person through while they are still standing at the door.
OVERRIDE_WINDOW = timedelta(minutes=15)
SERIAL = re.compile(r"B(\d{6,8})-(\d{1,3})")


class NonceReused(ServiceError):
    """A nonce came back with a different code, checkpoint or door account."""

    code = "nonce_reused"


class NotLoggedIn(ServiceError):
    """The door device's session names no account that may still use it."""

    code = "not_logged_in"


class UnknownCheckpoint(ServiceError):
    code = "unknown_checkpoint"


#: Who may record scans (and administrators, who may do everything).
DOOR_ROLES = (StaffRole.DOOR, StaffRole.SECURITY)
_MAY_SCAN = StaffRole.acting_as(*DOOR_ROLES)


@dataclass(frozen=True, slots=True)
class DoorLogin:
    """The login a door device's session carries (StaffUser.get_id), not yet checked: a door
    scan checks it against the account in the scan's own read."""

    user_id: int
    session_version: int


@dataclass(frozen=True, slots=True)
class RecordedScan:
    """A scan as stored: what the door's answer shows of it."""

    id: int
    checkpoint: DoorCheckpoint
    direction: ScanDirection
    verdict: ScanVerdict
    scanned_at: datetime
    flag: ScanFlag | None = None
    moved: ScanDirection | None = None
    server_verdict: ScanVerdict | None = None
    offline: bool = False
    manual: bool = False
    override_reason: str = ""

    @classmethod
    def of(cls, scan: Scan) -> RecordedScan:
        return cls(scan.id, DoorCheckpoint.of(scan.checkpoint), scan.direction, scan.verdict,
                   scan.scanned_at, scan.flag, scan.moved, scan.server_verdict, scan.offline,
                   scan.manual, scan.override_reason)


@dataclass(frozen=True)
class ScanOutcome:
    verdict: ScanVerdict
    scan: RecordedScan
    #: The badge scanned and its holder, as the door shows them; None for an unknown code.
    holder: BadgeHolder | None
    #: True when this nonce was seen before and the stored answer is returned.
    replayed: bool = False
    #: For already_inside: how the person entered.
    entered: Entry | None = None

    @property
    def accepted(self) -> bool:
        return self.verdict is ScanVerdict.ACCEPTED


@dataclass(frozen=True)
class _Facts:
    """What the rules look at for one scan."""

    checkpoint: DoorCheckpoint
    direction: ScanDirection
    badge: BadgeHolder | None
    refusal: ScanVerdict | None  # from reading the code
    when: datetime  # the door's time of the scan: validity days
    as_of: datetime  # the badge's state then: now, or the scan time of an offline scan
    entered: Entry | None  # the person is inside the checkpoint's zone since this entry


def record_scan(checkpoint: Checkpoint, raw_code: str, direction: ScanDirection, actor: Actor,
                *, device: str = "", nonce: str | None = None, scanned_at: datetime | None = None,
                manual: bool = False, offline_verdict: ScanVerdict | None = None) -> ScanOutcome:
    """Decide whether this code may pass this checkpoint now, and record the scan.

    `scanned_at` is the door's own time (kept for the record and the validity
    dates); the order of entries and exits is the order the server received them.
    `manual`: `raw_code` is the serial printed on a damaged badge, typed by the guard.
    `offline_verdict`: the door decided without the server; that decision is what
    happened and is recorded, and a different one from the server flags a conflict.
    """
    now = _check_scan_time(scanned_at)
    raw_code = (raw_code or "")[:256]
    # Two lanes scanning copies of one badge at once: reading the badge locks its holder, so
    # the second waits for the first to be recorded, then sees the person inside.
    hold_write_lock()
    place = DoorCheckpoint.of(checkpoint)
    badge, refusal = _read(place, raw_code, manual)
    return _record(place, badge, refusal, raw_code, direction, actor.user.id if actor.user else None,
                   now, device=device, nonce=nonce, scanned_at=scanned_at, manual=manual,
                   offline_verdict=offline_verdict)


def record_door_scan(login: DoorLogin, checkpoint: int | str, raw_code: str,
                     direction: ScanDirection, *, device: str = "", nonce: str | None = None,
                     scanned_at: datetime | None = None, manual: bool = False,
                     offline_verdict: ScanVerdict | None = None) -> ScanOutcome:
    """`record_scan` for a door device: `checkpoint` is its id or code, and the account `login`
    names is checked (still active, still this session, a door role) by the same statement that
    reads the checkpoint and the badge, instead of one statement each.

    Raises NotLoggedIn, NotAllowed or UnknownCheckpoint, recording nothing.
    """
    raw_code = (raw_code or "")[:256]
    hold_write_lock()
    code = None if manual else parse_badge_code(raw_code)
    # The badge's holder is locked as in record_scan: two lanes, one badge, one after the other.
    read = read_door_scan(login.user_id, login.session_version, _MAY_SCAN, checkpoint, code)
    account = read.account
    if account is None or not account.active or account.session_version != login.session_version:
        raise NotLoggedIn("Log in as door staff first.")
    if not account.has_role(*DOOR_ROLES):
        raise NotAllowed("This account may not record scans.")
    if read.checkpoint is None:
        raise UnknownCheckpoint("'checkpoint' is not a known checkpoint.", field="checkpoint")
    now = _check_scan_time(scanned_at)
    if code is None:
        badge, refusal = _read(read.checkpoint, raw_code, manual)
    else:
        found = (*read.key, read.holder) if read.key is not None else None
        badge, refusal = _signed_badge(code, read.checkpoint.event_id, found)
    return _record(read.checkpoint, badge, refusal, raw_code, direction, login.user_id, now,
                   device=device, nonce=nonce, scanned_at=scanned_at, manual=manual,
                   offline_verdict=offline_verdict)


def _check_scan_time(scanned_at: datetime | None) -> datetime:
    """Now, after refusing a door's time of a scan that lies in the future."""
    now = utcnow()
    if scanned_at is not None and scanned_at > now + CLOCK_TOLERANCE:
        raise ServiceError("The scan time is in the future; check the scanner's clock.",
                           code="bad_time", field="scanned_at")
    return now


def _record(checkpoint: DoorCheckpoint, badge: BadgeHolder | None, refusal: ScanVerdict | None,
            raw_code: str, direction: ScanDirection, staff_id: int | None, now: datetime, *,
            device: str, nonce: str | None, scanned_at: datetime | None, manual: bool,
            offline_verdict: ScanVerdict | None) -> ScanOutcome:
    """Decide on a badge read (its holder locked) and record the scan."""
    entered = entry_if_inside(badge.person_id, checkpoint.zone_id) if badge else None
    offline = offline_verdict is not None
    decided = _decide(_Facts(checkpoint, direction, badge, refusal, when=scanned_at or now,
                             as_of=(scanned_at or now) if offline else now, entered=entered))
    verdict = offline_verdict if offline else decided
    server_verdict = decided if offline and decided is not verdict else None
    moved, flag = _move_and_flag(direction, verdict, decided, server_verdict, entered)
    scanned_at = scanned_at or now
    try:
        # One INSERT of plain values: no ORM object to build, track and flush for a row that
        # nothing else in this transaction touches.
        scan_id = db.session.execute(_INSERT_SCAN, {
            "checkpoint_id": checkpoint.id, "zone_id": checkpoint.zone_id,
            "badge_id": badge.badge_id if badge else None,
            "delegate_id": badge.person_id if badge else None, "raw_code": raw_code,
            "direction": direction, "verdict": verdict, "moved": moved, "flag": flag,
            "offline": offline, "server_verdict": server_verdict, "manual": manual,
            "scanned_at": scanned_at, "recorded_at": now, "staff_id": staff_id,
            "device": device[:120], "nonce": nonce or None}).scalar_one()
    except IntegrityError:
        # A nonce seen before (a retry, or the same scan sent twice at once): the first one
        # wins. The unique index finds it, so a new nonce costs no query of its own.
        db.session.rollback()
        earlier = db.session.scalar(select(Scan).where(Scan.nonce == nonce)) if nonce else None
        if earlier is None:
            raise
        return _replay(earlier, checkpoint, raw_code, direction, staff_id)
    commit_keeping_loaded()  # nothing the answer shows is read again
    scan = RecordedScan(scan_id, checkpoint, direction, verdict, scanned_at, flag=flag,
                        moved=moved, server_verdict=server_verdict, offline=offline, manual=manual)
    return ScanOutcome(verdict, scan, badge,
                       entered=entered if verdict is ScanVerdict.ALREADY_INSIDE else None)


_INSERT_SCAN = insert(Scan.__table__).returning(Scan.__table__.c.id)


def decide_scan(checkpoint: Checkpoint, raw_code: str, direction: ScanDirection, *,
                manual: bool = False, when: datetime | None = None) -> ScanVerdict:
    """What the door would answer now for this code, recording nothing (a dry run; the holder's
    row stays locked until the caller's transaction ends)."""
    now = utcnow()
    place = DoorCheckpoint.of(checkpoint)
    badge, refusal = _read(place, raw_code, manual)
    entered = entry_if_inside(badge.person_id, place.zone_id) if badge else None
    return _decide(_Facts(place, direction, badge, refusal, when=when or now, as_of=now,
                          entered=entered))


def _read(checkpoint: DoorCheckpoint, raw_code: str, manual: bool):
    if manual:
        return badge_by_serial(checkpoint.event_id, raw_code)
    return identify_badge(checkpoint.event_id, raw_code)


def _move_and_flag(direction: ScanDirection, verdict: ScanVerdict, decided: ScanVerdict,
                   server_verdict: ScanVerdict | None, entered: Entry | None
                   ) -> tuple[ScanDirection | None, ScanFlag | None]:
    """Who the scan moves in or out, and what the security office should look at.

    What happened at the door (the recorded verdict) moves people: an offline door that
    let someone in let them in, whatever the server would have said.
    """
    moved = flag = None
    if verdict is ScanVerdict.ACCEPTED:
        if direction is ScanDirection.IN:
            moved = ScanDirection.IN
        elif entered is not None:
            moved = ScanDirection.OUT
    if ScanVerdict.REPORTED_LOST in (verdict, decided):
        flag = ScanFlag.REPORTED_LOST
    elif server_verdict is not None:
        flag = ScanFlag.OFFLINE_CONFLICT
    elif verdict is ScanVerdict.ACCEPTED and direction is ScanDirection.OUT and entered is None:
        flag = ScanFlag.EXIT_WITHOUT_ENTRY  # let out, but nobody saw them come in
    return moved, flag


def let_through(refused: Scan, reason: str, actor: Actor) -> ScanOutcome:
    """A supervisor lets a person refused as already inside enter anyway, with a reason.

    The refusal stays in the log as it was; the entry is a new scan flagged as an override.
    """
    reason = clean_text(reason)[:300]
    if not reason:
        raise ServiceError("Say why the person may enter.", field="reason")
    if refused.verdict is not ScanVerdict.ALREADY_INSIDE or refused.badge is None:
        raise InvalidState("Only a refusal for \"already inside\" can be overridden at the door.")
    if utcnow() - refused.recorded_at > OVERRIDE_WINDOW:
        raise InvalidState("This refusal is too old to override; scan the badge again.")
    lock_delegate_scans(refused.delegate_id)
    if db.session.scalar(select(Scan.id).where(Scan.override_of_id == refused.id)):
        raise InvalidState("This refusal was already overridden.")
    scan = Scan(checkpoint=refused.checkpoint, zone_id=refused.zone_id, badge=refused.badge,
                delegate_id=refused.delegate_id, raw_code=refused.raw_code,
                direction=ScanDirection.IN, verdict=ScanVerdict.ACCEPTED, moved=ScanDirection.IN,
                flag=ScanFlag.OVERRIDE, override_reason=reason, override_of_id=refused.id,
                staff_id=actor.user.id if actor.user else None, device=refused.device,
                manual=refused.manual)
    db.session.add(scan)
    db.session.flush()
    record(actor, "scan.overridden", scan, after={"refused_scan": refused.id, "reason": reason,
                                                  "badge": refused.badge.serial})
    db.session.commit()
    return _outcome(scan)


def badge_by_serial(event_id: int, serial: str) -> tuple[BadgeHolder | None, ScanVerdict | None]:
    """The badge whose printed serial the guard typed (e.g. "B000123-2"), or unknown_code."""
    match = SERIAL.fullmatch(clean_scanned_code(serial))
    badge = match and holder_by_serial(event_id, int(match.group(1)), int(match.group(2)))
    return (badge, None) if badge else (None, ScanVerdict.UNKNOWN_CODE)


def identify_badge(event_id: int, raw_code: str) -> tuple[BadgeHolder | None, ScanVerdict | None]:
    """The badge a scanned code stands for, or the verdict when no badge can be trusted.

    A code that parses but does not verify, is signed by a retired key or another
    event's key, or names another event, is `invalid_signature`.
    """
    code = parse_badge_code(raw_code)
    if code is None:
        if is_legacy_code(raw_code):
            # Badges from before signed codes were all reissued: refused with their own verdict.
            badge = revoked_holder_by_code(event_id, clean_scanned_code(raw_code))
            if badge is not None:
                return badge, None
        return None, ScanVerdict.UNKNOWN_CODE
    # The key and the badge it signed, in one query. The key row is read at every scan rather
    # than kept by the process (its parsed public key is): a key an admin retires stops its
    # badges at every door and in every worker at once.
    found = key_and_holder(event_id, code.key_number, code.badge_id) if code.event_id == event_id else None
    return _signed_badge(code, event_id, found)


def _signed_badge(code: BadgeCode, event_id: int,
                  found: tuple[str, datetime | None, BadgeHolder | None] | None
                  ) -> tuple[BadgeHolder | None, ScanVerdict | None]:
    """The badge a signed code names at event `event_id`, given what was read of the event's key
    it names (public key, retired at) and of the badge (None: no such key)."""
    if code.event_id != event_id or found is None:
        return None, ScanVerdict.INVALID_SIGNATURE
    key, retired_at, badge = found
    if retired_at is not None or not code.verify(public_key(key)):
        return None, ScanVerdict.INVALID_SIGNATURE
    if badge is None or badge.version != code.badge_version:
        return None, ScanVerdict.UNKNOWN_CODE  # signed here, but no such badge (a restored backup?)
    return badge, None


def _replay(earlier: Scan, checkpoint: DoorCheckpoint, raw_code: str, direction: ScanDirection,
            staff_id: int | None) -> ScanOutcome:
    same = (earlier.checkpoint_id == checkpoint.id and earlier.raw_code == raw_code
            and earlier.direction is direction and earlier.staff_id == staff_id)
    if not same:
        raise NonceReused("This nonce was already used for another scan.", field="nonce")
    return _outcome(earlier, replayed=True)


def _decide(facts: _Facts) -> ScanVerdict:
    for rule in RULES["checks"]:
        verdict = _CHECKS[rule["check"]](facts)
        if verdict is not None:
            return verdict
    return ScanVerdict.ACCEPTED


def _code(f: _Facts) -> ScanVerdict | None:
    return f.refusal


def _revoked(f: _Facts) -> ScanVerdict | None:
    badge = f.badge
    if badge.revoked_at is None or badge.revoked_at > f.as_of:
        return None
    return stopped_verdict(badge)


def stopped_verdict(badge: BadgeHolder) -> ScanVerdict:
    """Why a revoked badge is refused: reported lost, replaced by a newer one, or stopped."""
    if badge.revoked_reason in LOST_REASONS:
        return ScanVerdict.REPORTED_LOST
    return ScanVerdict.SUPERSEDED if badge.superseded else ScanVerdict.REVOKED


def _cleared(f: _Facts) -> ScanVerdict | None:
    awaiting = f.badge.status is DelegateStatus.APPROVED_AWAITING_CLEARANCE
    return ScanVerdict.NOT_CLEARED if awaiting else None


def _approved(f: _Facts) -> ScanVerdict | None:
    return None if f.badge.status is DelegateStatus.READY else ScanVerdict.NOT_APPROVED


def _handed_over(f: _Facts) -> ScanVerdict | None:
    # A card from the printer tray opens nothing: badges work once an ID check handed them out.
    handed = f.badge.handed_over_at
    return None if handed is not None and handed <= f.as_of else ScanVerdict.NOT_HANDED_OVER


def _direction(f: _Facts) -> ScanVerdict | None:
    return None if f.checkpoint.directions.allows(f.direction) else ScanVerdict.WRONG_DIRECTION


def _exit(f: _Facts) -> ScanVerdict | None:
    return ScanVerdict.ACCEPTED if f.direction is ScanDirection.OUT else None  # people may leave


def _validity(f: _Facts) -> ScanVerdict | None:
    return None if within_event_days(f.badge.event, f.when) else ScanVerdict.NOT_VALID_NOW


def _zone(f: _Facts) -> ScanVerdict | None:
    zone_id = f.checkpoint.zone_id
    if zone_id is None or f.badge.may_enter(zone_id):
        return None
    return ScanVerdict.WRONG_CHECKPOINT


def _single_entry(f: _Facts) -> ScanVerdict | None:
    return ScanVerdict.ALREADY_INSIDE if f.checkpoint.single_entry and f.entered else None


_CHECKS = {"code": _code, "revoked": _revoked, "cleared": _cleared, "approved": _approved,
           "handed_over": _handed_over,
           "direction": _direction, "exit": _exit, "validity": _validity, "zone": _zone,
           "single_entry": _single_entry}


def within_event_days(event: Event | EventDays, when: datetime) -> bool:
    """Whether `when` falls on one of the event's days at the venue (the dates printed on badges)."""
    return event.starts_on <= event.at_venue(when).date() <= event.ends_on


def _outcome(scan: Scan, replayed: bool = False) -> ScanOutcome:
    """The answer for a scan already stored (a replay, an override)."""
    return ScanOutcome(verdict=scan.verdict, scan=RecordedScan.of(scan),
                       holder=holder_of(scan.badge) if scan.badge else None, replayed=replayed)
