"""Badges: issuing, reprinting (the old one dies), printing and handing over.

Every change here holds the person and their badge rows (locking.py), so two
desks acting on one badge act one after the other, and each re-checks what the
other did before it goes on.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from badges import RenderReport

from ..extensions import db
from ..models import Badge, BadgeState, Delegate, DelegateStatus, Event, PrintJob, PrintScope, Station
from ..models._types import utcnow
from .audit import Actor, record
from .codes import MAX_BADGE_VERSION, sign_badge_code
from .errors import InvalidState
from .keys import current_signing_key, private_key
from .locking import lock_badge, lock_badges, lock_delegate, lock_delegates
from . import printers
from .people import normalise_document_number
from .printing import render_badge_pdf
from .revisions import check_seen
from .stations import require_in_service

REPRINT_REASONS = {
    "lost": "Lost",
    "stolen": "Stolen",
    "damaged": "Damaged",
    "data_changed": "Details changed",
    "leaked": "Code exposed (photo posted, copied)",
}
# Reasons to stop a badge without printing a new one at once.
REVOKE_REASONS = {**REPRINT_REASONS, "withdrawn": "Access withdrawn"}


@dataclass(frozen=True)
class PrintedBadges:
    """Badges just printed: their PDF, and what the renderer noticed (missing glyphs...)."""

    badges: list[Badge]
    pdf: bytes
    report: RenderReport
    #: The job a station's printer took; None when the PDF goes to the browser.
    job: PrintJob | None = None


def issue_badge(delegate: Delegate, actor: Actor) -> Badge:
    """The first badge for an approved person, not printed yet."""
    delegate = lock_delegate(delegate)
    _require_printable(delegate)
    if delegate.current_badge is not None:
        raise InvalidState(
            f"{delegate.printed_name} already has badge {delegate.current_badge.serial}; "
            "reprint it to replace it.")
    badge = _new_badge(delegate, actor)
    db.session.commit()
    return badge


def print_badge(delegate: Delegate, actor: Actor, *, seen_revision: int,
                back: bool = False, station: Station | None = None) -> PrintedBadges:
    """Print this person's badge as the desk saw it: the current one if it is still at the
    desk, else a first one; to the station's printer when it has one.

    A badge already handed over is never printed again with the same code: two
    live copies would exist. Replace it instead (the old one then stops working).
    """
    delegate = lock_delegate(delegate)
    check_seen(delegate, seen_revision)
    _require_printable(delegate)
    badge = delegate.current_badge or _new_badge(delegate, actor)
    return _print(delegate.event, [badge], actor, back=back, station=station)


def print_at_kiosk(delegate: Delegate, station: Station, actor: Actor) -> PrintedBadges:
    """A delegate prints their own first badge at a kiosk, to its printer.

    Nobody checked their passport: the badge stays printed, not handed over, so doors
    refuse it until the desk hands it over after the identity check."""
    delegate = lock_delegate(delegate)
    reason = why_not_at_kiosk(delegate, station)
    if reason:
        raise InvalidState("This badge cannot be printed at a kiosk; please go to the "
                           "accreditation desk.", code=reason)
    return _print(delegate.event, [_new_badge(delegate, actor)], actor, station=station,
                  kiosk=True)


def why_not_at_kiosk(delegate: Delegate, station: Station) -> str | None:
    """Why a kiosk sends this person to the desk (a stable code), or None if it may print."""
    if station.retired_at is not None:
        return "station_retired"
    if delegate.event_id != station.event_id:
        return "other_event"
    if why_no_badge(delegate):
        return "not_ready"
    # A first badge only: replacing one is the desk's decision, with a reason.
    if delegate.badges:
        return "has_badge"
    if not station.printer_queue:
        return "no_printer"
    return None


def reprint_badge(delegate: Delegate, reason: str, actor: Actor, *, seen_revision: int,
                  back: bool = False, station: Station | None = None) -> PrintedBadges:
    """Replace the current badge and print the new one: the old code stops working at every door now."""
    if reason not in REPRINT_REASONS:
        raise InvalidState("Choose why the badge is being replaced.", field="reason")
    delegate = lock_delegate(delegate)
    check_seen(delegate, seen_revision)
    _require_printable(delegate)
    old = delegate.current_badge
    if old is None:
        raise InvalidState(f"{delegate.printed_name} has no badge to replace.")
    _revoke(lock_badge(old), reason, actor)
    return _print(delegate.event, [_new_badge(delegate, actor)], actor, back=back, station=station)


def issue_print_run_part(wanted: list[tuple[int, int]], actor: Actor, *,
                         scope: PrintScope) -> tuple[list[Badge], list[dict]]:
    """One file of a long print run, issued and marked printed as the desk does, in one short
    transaction (the rendering comes after, outside it, so the desk never waits for a run).

    `wanted` is (person id, the revision the run was chosen on). Each gets their badge still
    at the desk, or a first one. Someone whose application changed since, or whose badge
    moved on (handed over, printed elsewhere when only unprinted badges were asked for), is
    skipped: returned as {"id", "name", "reason"}, never printed on stale data."""
    seen = dict(wanted)
    found = {d.id: d for d in db.session.scalars(select(Delegate).where(Delegate.id.in_(seen)))}
    skipped = [{"id": i, "name": "", "reason": "No longer exists."} for i in seen if i not in found]
    printing = []
    # A file's people at once, with what their badges print: not three queries per person.
    for delegate in lock_delegates([found[i] for i in seen if i in found],
                                   selectinload(Delegate.badges), selectinload(Delegate.zones),
                                   selectinload(Delegate.category)):
        reason = _why_skipped(delegate, seen[delegate.id], scope)
        if reason:
            skipped.append({"id": delegate.id, "name": delegate.printed_name, "reason": reason})
        else:
            printing.append(delegate)
    first = [d for d in printing if d.current_badge is None]
    if first:
        _new_badges(first, actor)  # each becomes its person's current badge
    badges = [d.current_badge for d in printing]
    if badges:
        badges = _mark_printed(badges, actor)
    db.session.commit()
    return badges, skipped


def _why_skipped(delegate: Delegate, seen_revision: int, scope: PrintScope) -> str | None:
    if delegate.revision != seen_revision:
        return "Changed after the print run was chosen; print from their page."
    reason = why_no_badge(delegate)
    if reason:
        return reason
    badge = delegate.current_badge
    if is_out(badge):
        return f"Badge {badge.serial} was handed over meanwhile."
    printed = badge is not None and badge.printed_at is not None
    if scope is PrintScope.UNPRINTED and printed:
        return f"Badge {badge.serial} was printed meanwhile."
    if scope is PrintScope.PRINTED and not printed:
        return "No printed badge any more."
    return None


def _print(event: Event, badges: list[Badge], actor: Actor, *, sheet: str | None = None,
           back: bool = False, station: Station | None = None,
           kiosk: bool = False) -> PrintedBadges:
    """Render and mark printed in one transaction, holding the badges: a hand-over at another
    desk waits until this print is recorded, and a print never follows a hand-over.

    With a station's printer, the badge counts as printed only once the printer's queue took
    the job: a refusal raises before anything is kept (the caller rolls back), and a job whose
    record cannot be kept is withdrawn from the queue. A retired station prints nothing."""
    if station is not None:
        require_in_service(station)
    badges = _hold_printable(badges)
    queue = station.printer_queue if station else ""
    if queue:
        sheet, back = station.sheet or None, back or station.back
    pdf, report = render_badge_pdf(event, badges, sheet=sheet, back=back,
                                   layout=station.layout if queue else None)
    job = None
    if queue:
        job = PrintJob(station=station, badge=badges[0], queue=queue,
                       submitted_by_id=actor.user.id if actor.user else None,
                       from_kiosk=kiosk,
                       job=printers.submit(queue, pdf, _job_title(event, badges)))
        db.session.add(job)
    where = {"station": station.name, "job": job.job, **({"kiosk": True} if kiosk else {})} \
        if job else {}
    _record_printed(badges, actor, where)
    try:
        db.session.commit()
    except Exception:
        if job:
            printers.cancel(job.job)
        raise
    return PrintedBadges(badges, pdf, report, job)


def _mark_printed(badges: list[Badge], actor: Actor) -> list[Badge]:
    """Hold the badges, check each may print, and record it; the caller commits."""
    badges = _hold_printable(badges)
    _record_printed(badges, actor, {})
    return badges


def _hold_printable(badges: list[Badge]) -> list[Badge]:
    """The badges locked, each still one that may print (not stopped, not handed over)."""
    db.session.flush()
    badges = lock_badges(badges)
    for badge in badges:
        if badge.revoked_at is not None:
            raise InvalidState(f"Badge {badge.serial} has just been stopped; reload the page.")
        if is_out(badge):
            raise InvalidState(
                f"Badge {badge.serial} was handed over to {badge.delegate.printed_name}; printing "
                "it again would make a second working copy. Replace the badge instead.")
    return badges


def _record_printed(badges: list[Badge], actor: Actor, where: dict) -> None:
    now = utcnow()
    for badge in badges:
        first = badge.printed_at is None
        badge.printed_at = now
        record(actor, "badge.printed" if first else "badge.printed_again", badge,
               after={"serial": badge.serial, **where})


def _job_title(event: Event, badges: list[Badge]) -> str:
    """The job's name in the print queue: the serial only, no personal data on the spooler."""
    return f"{event.slug}-{badges[0].serial}" + (f"-and-{len(badges) - 1}" if len(badges) > 1 else "")


def hand_over_badge(badge: Badge, actor: Actor, *, seen_revision: int) -> None:
    """The holder has shown ID, checked against the person the desk's page showed, and takes the badge."""
    delegate = lock_delegate(badge.delegate)
    check_seen(delegate, seen_revision)
    _require_ready(delegate)
    _hand_over(lock_badge(badge), "holder", actor)
    db.session.commit()


def hand_over_to_liaison(badges: list[Badge], receiver: str, actor: Actor, *,
                         receiver_document: str = "") -> str:
    """A liaison officer takes the badges the desk listed, at once; all of them, or none.
    Returns their document number as the receipt prints it (empty if not typed)."""
    receiver = receiver.strip()
    if not receiver:
        raise InvalidState("Enter the name of the person who takes the badges.", field="receiver")
    try:
        document = normalise_document_number(receiver_document)
    except ValueError as exc:
        raise InvalidState(str(exc), field="receiver_document") from None
    if not badges:
        raise InvalidState("There are no printed badges waiting to be handed over.")
    for delegate in lock_delegates([b.delegate for b in badges]):
        _require_ready(delegate)
    for badge in lock_badges(badges):
        _hand_over(badge, receiver, actor, document=document)
    db.session.commit()
    return document


def revoke_badge(badge: Badge, reason: str, actor: Actor) -> None:
    """Stop a badge at every door now, e.g. reported stolen while its holder is away."""
    if reason not in REVOKE_REASONS:
        raise InvalidState("Choose why the badge is stopped.", field="reason")
    badge = lock_badge(badge)
    if badge.revoked_at is not None:
        raise InvalidState(f"Badge {badge.serial} is already revoked.")
    _revoke(badge, reason, actor)
    db.session.commit()


def _require_ready(delegate: Delegate) -> None:
    """A badge goes only to someone ready: any door refuses everyone else's card anyway."""
    if delegate.status is not DelegateStatus.READY:
        raise InvalidState(f"{delegate.printed_name} is no longer approved; reload the page.")


def _hand_over(badge: Badge, receiver: str, actor: Actor, *, document: str = "") -> None:
    if badge.revoked_at is not None:
        raise InvalidState(f"Badge {badge.serial} is revoked; do not hand it over.")
    if is_out(badge):
        raise InvalidState(f"Badge {badge.serial} was already handed over.")
    if badge.printed_at is None:
        raise InvalidState(f"Badge {badge.serial} has not been printed yet.")
    badge.handed_over_at = utcnow()
    after = {"serial": badge.serial, "to": receiver}
    if document:
        after["document"] = document
    record(actor, "badge.handed_over", badge, after=after)


def why_no_badge(delegate: Delegate) -> str | None:
    """Why this person cannot get a badge now, or None if they can."""
    if delegate.status is not DelegateStatus.READY:
        return (f"{delegate.printed_name} is {delegate.status.title.lower()}; only people "
                "approved (and, where their category needs it, cleared) get a badge.")
    if not delegate.photo_file:
        # Door staff compare the face with the photo; a badge without one proves nothing.
        return f"{delegate.printed_name} has no photo yet; a badge needs one."
    return None


def badge_state(status: DelegateStatus, badge: Badge | None) -> BadgeState:
    """Where a person's working badge is, from their application's state and their current
    (not revoked) badge: the one answer the desk, the liaison officer, the applicant and the
    exports give.

    Someone no longer ready (sent back for more information, waiting again for clearance) may
    still have a live badge, but every door refuses it and the desk may neither print nor hand
    it over: until they are ready again they have no working badge, wherever the card is."""
    if status is not DelegateStatus.READY:
        return BadgeState.NOT_APPROVED
    if badge is None:
        return BadgeState.NOT_PRINTED
    if badge.handed_over_at is not None:
        return BadgeState.HANDED_OVER
    return BadgeState.PRINTED if badge.printed_at is not None else BadgeState.NOT_PRINTED


def is_out(badge: Badge | None) -> bool:
    """Handed over: in someone's hands, so never printed again with the same code."""
    return badge is not None and badge.handed_over_at is not None


def _require_printable(delegate: Delegate) -> None:
    reason = why_no_badge(delegate)
    if reason:
        raise InvalidState(reason)


def _new_badge(delegate: Delegate, actor: Actor) -> Badge:
    """A new version of the person's badge, its code signed with the event's current key; the
    caller holds the person's lock."""
    return _new_badges([delegate], actor)[0]


def _new_badges(delegates: list[Delegate], actor: Actor) -> list[Badge]:
    """New badge versions for people of one event, as _new_badge, inserted together: a print
    run's file of people costs one insert round and one key lookup, not one per person."""
    versions = []
    for delegate in delegates:
        version = max((b.version for b in delegate.badges), default=0) + 1
        if version > MAX_BADGE_VERSION:
            raise InvalidState(f"{delegate.printed_name} has had {MAX_BADGE_VERSION} badges; "
                               "ask the security office before printing another.")
        versions.append(version)
    key = current_signing_key(delegates[0].event)
    if key is None:
        raise InvalidState("This event has no key to sign badges; an admin makes one on the "
                           "event's key page.")
    # The code signs the badge's id: insert first with a placeholder nobody can scan.
    badges = [Badge(version=version, code=f"pending-{secrets.token_hex(16)}", signing_key=key,
                    issued_by_id=actor.user.id if actor.user else None) for version in versions]
    for delegate, badge in zip(delegates, badges):
        delegate.badges.append(badge)
    db.session.flush()
    signer = private_key(key)
    for delegate, badge in zip(delegates, badges):
        badge.code = sign_badge_code(signer, key_number=key.number, event_id=delegate.event_id,
                                     badge_id=badge.id, badge_version=badge.version)
        record(actor, "badge.issued", badge, after={"serial": badge.serial,
                                                    "version": badge.version, "key": key.number})
    return badges


def reissue_for_new_data(delegate: Delegate, actor: Actor) -> Badge | None:
    """After staff corrected what a badge shows: a printed badge is replaced by a new version
    (the old card is refused as superseded), in the caller's transaction. A badge not printed
    yet simply prints the new data. The caller holds the person's lock."""
    old = delegate.current_badge
    if old is None or old.printed_at is None:
        return None
    _revoke(lock_badge(old), "data_changed", actor)
    return _new_badge(delegate, actor)


def stop_all_badges(delegate: Delegate, reason: str, actor: Actor) -> None:
    """Revoke every working badge of a person, in the caller's transaction (no commit)."""
    for badge in delegate.badges:
        if badge.revoked_at is None:
            _revoke(badge, reason, actor)


def _revoke(badge: Badge, reason: str, actor: Actor) -> None:
    badge.revoked_at = utcnow()
    badge.revoked_reason = reason
    record(actor, "badge.revoked", badge, after={"serial": badge.serial, "reason": reason})
