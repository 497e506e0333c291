"""The audit trail as the security office reads it: each entry in plain words, naming who acted
and whom or what it was about, at the venue's time; filters that combine, pages, and CSV.

Read-only. What the trail keeps only as "changed" (document numbers, dates of birth) stays so,
and a key that could hold a secret is shown as "changed" whatever it holds.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, tzinfo
from datetime import timezone as dt_timezone

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import (AuditEvent, Badge, Category, Checkpoint, Delegate, DelegateStatus, Delegation,
                      DelegationInvitation, DoorDirections, Event, Job, Scan, SigningKey, StaffRole,
                      Station, StaffUser, SubmittedBy, Zone)
from .countries import country_name
from .exports import to_csv
from .issuance import REVOKE_REASONS
from .revisions import FIELD_LABELS
from .search import people_matching

PAGE_SIZE = 100


@dataclass(frozen=True)
class Action:
    """One kind of entry: the stable code the services write, and how people read it."""

    code: str
    #: Key of KINDS: the "what" filter offers each kind as well as each action.
    kind: str
    #: The action alone, for the filter, e.g. "Application approved".
    title: str
    #: What the actor did, "{object}" standing for whom or what it was about (if it names it).
    sentence: str


KINDS = {
    "applications": "Applications and decisions", "badges": "Badges", "door": "Door",
    "kiosk": "Stations and kiosks",
    "staff": "Staff accounts and logins", "setup": "Event setup", "liaison": "Liaison invitations",
    "lists": "Delegate lists",
}

# Every action code a service writes (tests/security/test_audit_trail.py checks none is missing).
_ACTIONS = [
    Action("delegate.registered", "applications", "Application filed",
           "filed the application of {object}"),
    Action("delegate.corrected", "applications", "Application corrected",
           "corrected the application of {object}"),
    Action("delegate.photo_replaced", "applications", "Photo replaced", "replaced the photo of {object}"),
    Action("delegate.photo_retaken", "applications", "Photo retaken at the desk",
           "took a new photo of {object} at the desk"),
    Action("delegate.corrected_by_staff", "applications", "Corrected by staff",
           "corrected the application of {object} for the office"),
    Action("delegate.note_added", "applications", "Staff note kept", "kept a staff note about {object}"),
    Action("delegate.duplicate_flagged", "applications", "Possible duplicate flagged",
           "flagged {object} as a possible duplicate"),
    Action("delegate.approved", "applications", "Approved (accreditation office)",
           "approved {object} for the accreditation office"),
    Action("delegate.cleared", "applications", "Cleared (security office)",
           "cleared {object} for the security office"),
    Action("delegate.needs_info", "applications", "More information requested",
           "asked {object} for more information"),
    Action("delegate.rejected", "applications", "Rejected", "rejected the application of {object}"),
    Action("delegate.clearance_refused", "applications", "Clearance refused",
           "refused security clearance to {object}"),
    Action("delegate.clearance_withdrawn", "applications", "Clearance withdrawn",
           "withdrew the security clearance of {object}"),
    Action("delegate.stage_changed", "applications", "Moved by a category's clearance rule",
           "moved {object} on after their category's clearance rule changed"),
    Action("badge.issued", "badges", "Badge issued", "issued badge {object}"),
    Action("badge.printed", "badges", "Badge printed", "printed badge {object}"),
    Action("badge.printed_again", "badges", "Badge printed again", "printed badge {object} again"),
    Action("badge.handed_over", "badges", "Badge handed over", "handed over badge {object}"),
    Action("badge.revoked", "badges", "Badge stopped", "stopped badge {object}"),
    Action("scan.overridden", "door", "Refusal overridden at a door",
           "let {object} through although the door refused them as already inside"),
    Action("staff.created", "staff", "Account created", "created the staff account {object}"),
    Action("staff.password_set", "staff", "New password set", "set a new password for {object}"),
    Action("staff.display_name_set", "staff", "Display name set", "set the display name of {object}"),
    Action("staff.activated", "staff", "Account switched on", "switched on the account {object}"),
    Action("staff.deactivated", "staff", "Account switched off", "switched off the account {object}"),
    # The account is the actor's own: named once, under who.
    Action("staff.logged_in", "staff", "Logged in", "logged in"),
    Action("staff.logged_out", "staff", "Logged out", "logged out (every session of the account ended)"),
    Action("staff.login_failed", "staff", "Failed login", "tried a wrong password for {object}"),
    Action("event.created", "setup", "Event created", "created the event {object}"),
    Action("event.updated", "setup", "Event changed", "changed the event {object}"),
    Action("event.logo_changed", "setup", "Logo uploaded", "uploaded a new badge logo for {object}"),
    Action("event.logo_removed", "setup", "Logo removed", "removed the badge logo of {object}"),
    Action("delegation.added", "setup", "Delegation added", "added {object}"),
    Action("delegation.updated", "setup", "Delegation changed", "changed {object}"),
    Action("delegation.removed", "setup", "Delegation removed", "removed {object}"),
    Action("category.added", "setup", "Category added", "added {object}"),
    Action("category.updated", "setup", "Category changed", "changed {object}"),
    Action("category.removed", "setup", "Category removed", "removed {object}"),
    Action("category.layout_changed", "setup", "Badge layout chosen", "chose the badge layout of {object}"),
    Action("zone.added", "setup", "Zone added", "added {object}"),
    Action("zone.updated", "setup", "Zone changed", "changed {object}"),
    Action("zone.removed", "setup", "Zone removed", "removed {object}"),
    Action("checkpoint.added", "setup", "Checkpoint added", "added {object}"),
    Action("checkpoint.updated", "setup", "Checkpoint changed", "changed {object}"),
    Action("checkpoint.removed", "setup", "Checkpoint removed", "removed {object}"),
    Action("signing_key.created", "setup", "Signing key made", "made the badge-signing {object}"),
    Action("signing_key.retired", "setup", "Signing key retired", "retired the badge-signing {object}"),
    Action("invitation.issued", "liaison", "Liaison invitation sent",
           "sent a liaison invitation to {object}"),
    Action("invitation.revoked", "liaison", "Liaison invitation withdrawn",
           "withdrew the liaison invitation of {object}"),
    Action("station.set_up", "kiosk", "Desk station set up", "set up {object}"),
    Action("station.changed", "kiosk", "Desk station changed", "changed {object}"),
    Action("station.retired", "kiosk", "Desk station retired", "retired {object}"),
    Action("job.started", "kiosk", "Print run started", "started {object}"),
    Action("job.stopped", "kiosk", "Print run found stopped",
           "found {object} stopped (its server restarted) and marked it failed"),
    Action("print_run.sent", "kiosk", "Print run sent to a printer",
           "sent the files of {object} to a station's printer"),
    Action("kiosk.opened", "kiosk", "Kiosk opened", "opened a self-service kiosk on {object}"),
    Action("kiosk.closed", "kiosk", "Kiosk closed", "closed the self-service kiosk on {object}"),
    Action("kiosk.found", "kiosk", "Found at a kiosk", "found {object} at a kiosk"),
    Action("kiosk.refused", "kiosk", "Sent from a kiosk to the desk",
           "sent {object} to the desk"),
    Action("delegates.imported", "lists", "Delegate list imported", "imported a delegate list into {object}"),
    Action("delegates.exported", "lists", "Delegate list exported", "exported the delegate list of {object}"),
]
ACTIONS = {action.code: action for action in _ACTIONS}

#: Who else acts, besides staff accounts: the "who" filter's other choices.
OTHER_ACTORS = {"applicant": "Applicants (their own application)", "liaison": "Liaison officers",
                "kiosk": "Delegates at a self-service kiosk",
                "cli": "The command line", "anonymous": "Not logged in (failed logins)",
                "system": "Lanyard itself (print runs found stopped)"}

# Shown as "changed" whatever they hold: the trail is read by more people than need them.
SECRET_KEYS = {"passport_number", "document", "date_of_birth", "passport_expiry", "password", "private_key",
               "nonce"}
# Bookkeeping, not a change anyone made.
# (A retake's earlier photo is a file name: the person's pages link to it for those who see photos.)
_HIDDEN_KEYS = {"revision", "earlier_photo"}
# What names an object: left out of the details when the entry's subject says it.
_NAMING_KEYS = {"serial", "reference", "name", "email"}
_LABELS = {
    **FIELD_LABELS,
    "reference": "Reference", "name": "Name", "country": "Country", "serial": "Badge",
    "version": "Version", "key": "Signing key", "reason": "Reason", "to": "Handed to",
    "document": "Their document number", "display_name": "Display name",
    "role": "Role", "active": "Active", "format": "Format", "count": "People",
    "passport_numbers": "With document numbers", "file": "File", "approved": "Approved on import",
    "layout": "Layout", "width": "Width (px)", "height": "Height (px)", "delegation": "Delegation",
    "liaison": "Liaison officer", "expires_at": "Link expires", "revoked_at": "Withdrawn",
    "number": "Key number", "fingerprint": "Fingerprint", "live_badges": "Working badges it had signed",
    "refused_scan": "Refused scan no.", "badge": "Badge", "failures": "Failed attempts in a row",
    "known_device": "From a browser used before", "other": "Other application", "same": "Same",
    "filed_by": "Filed by", "slug": "Address", "venue": "Venue", "starts_on": "First day",
    "ends_on": "Last day",
    "timezone": "Time zone", "host": "Host", "emergency_contact": "Emergency contact",
    "registration_opens_at": "Registration opens", "registration_closes_at": "Registration closes",
    "privacy_notice": "Privacy notice", "code": "Code", "colour": "Colour",
    "self_service": "On the public form", "default_zones": "Default zones",
    "needs_clearance": "Needs clearance", "max_members": "Cap", "zone": "Zone",
    "single_entry": "Single entry", "directions": "Directions",
    "station": "Station", "job": "Print job", "kiosk": "At a kiosk", "printer_queue": "Printer",
    "sheet": "Sheet", "back": "Both sides", "by": "Found by",
    "queue": "Printer", "jobs": "Print jobs", "files": "Files", "not_sent": "Files not sent",
    "again_of": "Starts again print run no.", "runner": "Run by (host:process)",
    "heartbeat": "Last heard of",
}
_TIMES = {"expires_at", "revoked_at", "registration_opens_at", "registration_closes_at", "heartbeat"}
_TITLED = {"status": DelegateStatus, "role": StaffRole, "directions": DoorDirections,
           "filed_by": SubmittedBy}


@dataclass(frozen=True)
class TrailFilters:
    """What the trail is narrowed to; every filter left empty lets every entry through."""

    #: A staff account's id, or a key of OTHER_ACTORS.
    actor: str = ""
    #: An action code, or a key of KINDS.
    what: str = ""
    #: What the desk's search finds a person by (part of a name in any script, without accents,
    #: a reference, a badge serial): entries about them, their badges and scans.
    person: str = ""
    #: At or after (UTC).
    since: datetime | None = None
    #: Before (UTC).
    until: datetime | None = None


@dataclass(frozen=True)
class Change:
    """One value an entry records: before and after a change, or just what it was."""

    label: str
    before: str | None
    after: str | None

    @property
    def text(self) -> str:
        if self.before is not None and self.after is not None:
            return f"{self.label}: {self.before} → {self.after}"
        return f"{self.label}: {self.after if self.after is not None else self.before}"


@dataclass(frozen=True)
class TrailEntry:
    """One audit entry as people read it."""

    id: int
    at: datetime
    #: The clock it is read on: the venue's of the entry's event, or UTC.
    clock: tzinfo
    clock_name: str
    who: str
    action: str
    #: The sentence around the object's name: (before it, after it).
    sentence: tuple[str, str]
    subject: str
    event: str
    changes: tuple[Change, ...]
    ip: str

    @property
    def when(self) -> str:
        """E.g. "28 Nov 2026 08:15:02 +08": the clock's time with its zone, never unlabelled."""
        return self.at.astimezone(self.clock).strftime("%d %b %Y %H:%M:%S %Z")

    @property
    def what(self) -> str:
        return f"{self.sentence[0]}{self.subject}{self.sentence[1]}"


def trail_page(filters: TrailFilters, page: int) -> tuple[list[TrailEntry], bool]:
    """One page of the filtered trail, newest first, and whether another follows."""
    entries = list(db.session.scalars(
        _matching(filters).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    return readable(entries[:PAGE_SIZE]), len(entries) > PAGE_SIZE


CSV_HEADER = ["at", "time_zone", "who", "action", "what", "event", "changes", "address"]


def trail_csv(filters: TrailFilters) -> bytes:
    """The whole filtered trail (every page), as the page words it, safe in a spreadsheet."""
    entries = readable(list(db.session.scalars(_matching(filters))))
    return to_csv(CSV_HEADER, [
        [e.at.astimezone(e.clock).isoformat(sep=" ", timespec="seconds"), e.clock_name, e.who,
         e.action, e.what, e.event, "; ".join(change.text for change in e.changes), e.ip]
        for e in entries])


def _matching(f: TrailFilters) -> Select:
    found = []
    if f.actor:
        found.append(_by_actor(f.actor))
    if f.what in ACTIONS:
        found.append(AuditEvent.action == f.what)
    elif f.what in KINDS:
        found.append(AuditEvent.action.in_([a.code for a in _ACTIONS if a.kind == f.what]))
    if f.person.strip():
        found.append(_about_person(f.person))
    if f.since is not None:
        found.append(AuditEvent.at >= f.since)
    if f.until is not None:
        found.append(AuditEvent.at < f.until)
    return (select(AuditEvent).where(*found).options(joinedload(AuditEvent.actor_user))
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()))


def _by_actor(actor: str):
    if actor.isdigit():
        return AuditEvent.actor_id == int(actor)
    if actor in ("liaison", "cli", "kiosk"):
        return AuditEvent.actor.like(f"{actor}:%")
    return AuditEvent.actor == actor


def _about_person(text: str):
    """Entries about the people matching `text`: their application, badges and door overrides."""
    people = select(Delegate.id).where(people_matching(text))
    return or_(
        and_(AuditEvent.object_type == _type_of(Delegate), AuditEvent.object_id.in_(people)),
        and_(AuditEvent.object_type == _type_of(Badge),
             AuditEvent.object_id.in_(select(Badge.id).where(Badge.delegate_id.in_(people)))),
        and_(AuditEvent.object_type == _type_of(Scan),
             AuditEvent.object_id.in_(select(Scan.id).where(Scan.delegate_id.in_(people)))))


def _type_of(model) -> str:
    """How audit.record names the type of an object of `model`."""
    return model.__name__.lower()


# --- naming what each entry is about -----------------------------------------

@dataclass(frozen=True)
class _Named:
    name: str
    event_id: int | None


def readable(entries: list[AuditEvent]) -> list[TrailEntry]:
    """The entries in words (a page of the trail, or a person's history): the objects and events
    they name are loaded per type, not per entry."""
    wanted: dict[str, set[int]] = {}
    for entry in entries:
        if entry.object_id is not None:
            wanted.setdefault(entry.object_type, set()).add(entry.object_id)
    named: dict[tuple[str, int], _Named] = {}
    for object_type, ids in wanted.items():
        loader = _NAMERS.get(object_type)
        for chunk in _chunks(sorted(ids)) if loader else ():
            named.update({(object_type, key): value for key, value in loader(chunk).items()})
    event_ids = {n.event_id for n in named.values() if n.event_id is not None}
    events = {e.id: e for e in db.session.scalars(select(Event).where(Event.id.in_(event_ids)))}
    readable = []
    for entry in entries:
        about = named.get((entry.object_type, entry.object_id)) or _Named(_remembered(entry), None)
        event = events.get(about.event_id)
        clock = event.venue_timezone if event else dt_timezone.utc
        action = ACTIONS.get(entry.action)
        # An action newer than this table still reads as something, with its code.
        sentence = action.sentence if action else f"recorded “{entry.action}” about {{object}}"
        before, named_there, after = sentence.partition("{object}")
        subject = about.name if named_there else ""
        readable.append(TrailEntry(
            id=entry.id, at=entry.at, clock=clock, clock_name=event.timezone if event else "UTC",
            who=_who(entry), action=entry.action, sentence=(before, after), subject=subject,
            event=event.name if event else "", changes=_changes(entry, subject, clock), ip=entry.ip))
    return readable


def _chunks(ids: list[int], size: int = 500) -> Iterator[list[int]]:
    # A whole trail exported at once may name more objects than a query may list.
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _delegates(ids: list[int]) -> dict[int, _Named]:
    rows = db.session.execute(select(Delegate.id, Delegate.printed_name, Delegate.reference,
                                     Delegate.event_id).where(Delegate.id.in_(ids)))
    return {row.id: _Named(f"{row.printed_name} ({row.reference})", row.event_id) for row in rows}


def _badges(ids: list[int]) -> dict[int, _Named]:
    rows = db.session.execute(select(Badge, Delegate.printed_name, Delegate.event_id)
                              .join(Badge.delegate).where(Badge.id.in_(ids)))
    return {badge.id: _Named(f"{badge.serial} of {name}", event_id) for badge, name, event_id in rows}


def _staff(ids: list[int]) -> dict[int, _Named]:
    users = db.session.scalars(select(StaffUser).where(StaffUser.id.in_(ids)))
    return {user.id: _Named(_account(user), None) for user in users}


def _events(ids: list[int]) -> dict[int, _Named]:
    return {e.id: _Named(e.name, e.id) for e in db.session.scalars(select(Event).where(Event.id.in_(ids)))}


def _parts(model, noun: str):
    """Zones, categories and checkpoints: "zone 1 (Plenary hall)"."""
    def load(ids: list[int]) -> dict[int, _Named]:
        rows = db.session.execute(select(model.id, model.code, model.name, model.event_id)
                                  .where(model.id.in_(ids)))
        return {row.id: _Named(f"{noun} {row.code} ({row.name})", row.event_id) for row in rows}
    return load


def _delegations(ids: list[int]) -> dict[int, _Named]:
    rows = db.session.execute(select(Delegation.id, Delegation.country, Delegation.event_id)
                              .where(Delegation.id.in_(ids)))
    return {row.id: _Named(f"the {country_name(row.country)} delegation", row.event_id)
            for row in rows}


def _invitations(ids: list[int]) -> dict[int, _Named]:
    rows = db.session.execute(
        select(DelegationInvitation.id, DelegationInvitation.liaison_name,
               DelegationInvitation.liaison_email, Delegation.country, Delegation.event_id)
        .join(DelegationInvitation.delegation).where(DelegationInvitation.id.in_(ids)))
    return {row.id: _Named(f"{row.liaison_name} <{row.liaison_email}> "
                           f"({country_name(row.country)} delegation)", row.event_id) for row in rows}


def _signing_keys(ids: list[int]) -> dict[int, _Named]:
    keys = db.session.scalars(select(SigningKey).where(SigningKey.id.in_(ids)))
    return {key.id: _Named(f"key {key.number} ({key.fingerprint})", key.event_id) for key in keys}


def _scans(ids: list[int]) -> dict[int, _Named]:
    scans = db.session.scalars(select(Scan).where(Scan.id.in_(ids)).options(
        joinedload(Scan.checkpoint), joinedload(Scan.badge), joinedload(Scan.delegate)))
    named = {}
    for scan in scans:
        person = scan.delegate.printed_name if scan.delegate else "someone"
        badge = f" (badge {scan.badge.serial})" if scan.badge else ""
        named[scan.id] = _Named(f"{person}{badge} at {scan.checkpoint.name}", scan.checkpoint.event_id)
    return named


def _stations(ids: list[int]) -> dict[int, _Named]:
    rows = db.session.execute(select(Station.id, Station.name, Station.event_id)
                              .where(Station.id.in_(ids)))
    return {row.id: _Named(f"station {row.name}", row.event_id) for row in rows}


_NAMERS = {
    _type_of(Delegate): _delegates, _type_of(Badge): _badges, _type_of(StaffUser): _staff,
    _type_of(Event): _events, _type_of(Zone): _parts(Zone, "zone"),
    _type_of(Category): _parts(Category, "category"),
    _type_of(Checkpoint): _parts(Checkpoint, "checkpoint"), _type_of(Delegation): _delegations,
    _type_of(DelegationInvitation): _invitations, _type_of(SigningKey): _signing_keys,
    _type_of(Scan): _scans, _type_of(Station): _stations,
}


_NOUNS = {_type_of(StaffUser): "account", _type_of(SigningKey): "signing key",
          _type_of(DelegationInvitation): "liaison invitation", _type_of(Job): "print run"}


def _remembered(entry: AuditEvent) -> str:
    """An object no longer there (a removed zone...), named from what its entry kept."""
    values = {**(entry.after or {}), **(entry.before or {})}
    noun = _NOUNS.get(entry.object_type, entry.object_type)
    if values.get("code") and values.get("name"):
        return f"{noun} {values['code']} ({values['name']})"
    for key in ("serial", "email", "name", "reference"):
        if values.get(key):
            return f"{noun} {values[key]}"
    return f"{noun} no. {entry.object_id} (no longer there)"


def _who(entry: AuditEvent) -> str:
    if entry.actor_user is not None:
        return _account(entry.actor_user)
    kind, _, rest = entry.actor.partition(":")
    if kind == "liaison":
        return f"Liaison officer {rest}"
    if kind == "cli":
        return f"Command line ({rest})"
    if kind == "kiosk":
        return f"A delegate at kiosk {rest}"
    if kind == "staff":
        return rest
    return {"applicant": "The applicant", "anonymous": "Someone not logged in",
            "system": "Lanyard itself"}.get(entry.actor, entry.actor)


def _account(user: StaffUser) -> str:
    return f"{user.email} ({user.role.title})"


# --- values before and after ---------------------------------------------------

def _changes(entry: AuditEvent, subject: str, clock: tzinfo) -> tuple[Change, ...]:
    before, after = entry.before or {}, entry.after or {}
    changes = []
    for key in [*after, *(k for k in before if k not in after)]:
        label = _LABELS.get(key) or key.replace("_", " ").capitalize()
        if key in SECRET_KEYS:
            changes.append(Change(label, None, "changed"))
            continue
        old = _shown(key, before[key], clock) if key in before else None
        new = _shown(key, after[key], clock) if key in after else None
        if key in _HIDDEN_KEYS or (old is not None and old == new):
            continue  # bookkeeping, or kept as it was: only what moved is news
        if old is None and key in _NAMING_KEYS and new in subject:
            continue  # said already where the entry names what it is about
        changes.append(Change(label, old, new))
    return tuple(changes)


def _shown(key: str, value, clock: tzinfo) -> str:
    """A recorded value as people read it."""
    if key in SECRET_KEYS:
        return "changed"
    if value is None or value == "" or value == []:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if key == "photo":
        return "a new one" if value == "new" else "none"
    if key in _TITLED:
        try:
            return _TITLED[key](value).title
        except ValueError:
            return str(value)
    if key in ("country", "nationality", "delegation") and isinstance(value, str) and len(value) == 2:
        return country_name(value)
    if key == "reason":
        return REVOKE_REASONS.get(value, str(value))
    if key == "to" and value == "holder":
        return "the holder, after an ID check"
    if key == "same" and isinstance(value, list):
        return " and ".join(_LABELS.get(v, str(v)).lower() for v in value)
    if key in _TIMES and isinstance(value, str):
        return _moment(value, clock)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _moment(text: str, clock: tzinfo) -> str:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt_timezone.utc)
    return moment.astimezone(clock).strftime("%d %b %Y %H:%M %Z")


def action_choices() -> list[tuple[str, str, str]]:
    """(value, label, group) for the "what" filter: each kind, then its actions."""
    choices = []
    for kind, title in KINDS.items():
        choices.append((kind, f"All: {title.lower()}", title))
        choices += [(a.code, a.title, title) for a in _ACTIONS if a.kind == kind]
    return choices


def actor_choices() -> list[tuple[str, str]]:
    """(value, label) for the "who" filter: every staff account, then everyone else."""
    accounts = db.session.scalars(select(StaffUser).order_by(StaffUser.email))
    return [(str(user.id), _account(user)) for user in accounts] + list(OTHER_ACTORS.items())

