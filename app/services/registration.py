"""Applications for accreditation: creating a delegate from what the applicant sent,
the applicant's corrections, delegation caps and duplicate flags."""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Category, Delegate, DelegateStatus, Delegation, Event, SubmittedBy
from ..models._types import utcnow
from .audit import Actor, record
from .codes import new_reference
from .locking import lock_delegate, lock_delegation
from .errors import InvalidState, ServiceError
from .events import zones_by_code
from .people import normalise_document_number
from .photos import delete_photo, store_photo
from .revisions import record_change


@dataclass
class Application:
    """What an applicant (or a liaison officer, or an import) submits for one person."""

    given_name: str
    family_name: str
    country: str
    category_code: str
    email: str
    honorific: str = ""
    printed_name: str = ""
    native_name: str = ""
    position: str = ""
    organisation: str = ""
    phone: str = ""
    nationality: str = ""
    date_of_birth: date | None = None
    passport_number: str = ""
    passport_expiry: date | None = None
    arrival_on: date | None = None
    departure_on: date | None = None
    dietary_needs: str = ""
    access_needs: str = ""
    consent: bool = False
    zone_codes: list[str] | None = field(default=None)


def default_printed_name(given_name: str, family_name: str) -> str:
    return " ".join(part for part in (given_name.strip(), family_name.strip()) if part)


# The rules on lengths and dates, in one place for the public form, the liaison
# form, imports and register_delegate itself.

#: Longest text accepted per field (the printed names also fit the badge).
FIELD_LIMITS = {"given_name": 120, "family_name": 120, "printed_name": 60, "native_name": 80,
                "honorific": 80, "position": 160, "organisation": 200, "email": 254,
                "dietary_needs": 500, "access_needs": 500}


def length_problem(name: str, value: str) -> str | None:
    limit = FIELD_LIMITS.get(name)
    if limit is not None and len(value or "") > limit:
        return f"Use at most {limit} characters."
    return None


def date_of_birth_problem(value: date | None) -> str | None:
    if value and not (date(1900, 1, 1) <= value < date.today()):
        return "Enter a date of birth in the past."
    return None


def document_valid_until(event: Event) -> date:
    """The first day a travel document may expire: the meeting's last day plus the months the
    host asks for (a month-end stays a month-end: 31 August + 6 months is 28 or 29 February)."""
    months = event.ends_on.month - 1 + (event.document_valid_months or 0)
    year, month = event.ends_on.year + months // 12, months % 12 + 1
    return date(year, month, min(event.ends_on.day, calendar.monthrange(year, month)[1]))


def document_expiry_problem(value: date | None, event: Event) -> str | None:
    until = document_valid_until(event)
    if value and value < until:
        after = (f"{event.document_valid_months} month{'s' if event.document_valid_months > 1 else ''}"
                 " after the meeting" if event.document_valid_months else "the end of the meeting")
        return f"The document must be valid until at least {until:%d %B %Y} ({after})."
    return None


def travel_problem(arrival: date | None, departure: date | None) -> str | None:
    if arrival and departure and departure < arrival:
        return "Departure cannot be before arrival."
    return None


def application_problems(event: Event, application: Application) -> list[tuple[str, str]]:
    """(field, message) for each length or date rule the application breaks."""
    lengths = [(name, length_problem(name, getattr(application, name))) for name in FIELD_LIMITS]
    checks = (*lengths,("date_of_birth", date_of_birth_problem(application.date_of_birth)),
              ("passport_expiry", document_expiry_problem(application.passport_expiry, event)),
              ("departure_on", travel_problem(application.arrival_on, application.departure_on)))
    return [(name, message) for name, message in checks if message]


def registration_open(event: Event, now=None) -> bool:
    """Whether the public form and liaison pages take applications now."""
    now = now or utcnow()
    if event.registration_opens_at and now < event.registration_opens_at:
        return False
    if event.registration_closes_at and now >= event.registration_closes_at:
        return False
    return True


def register_delegate(event: Event, application: Application, photo_jpeg: bytes | None,
                      actor: Actor, *, commit: bool = True,
                      submitted_by: SubmittedBy = SubmittedBy.APPLICANT) -> Delegate:
    """Store a new application; the reference code in the result is what the applicant keeps.

    Refused (ServiceError, nothing written) when the category is unknown or the
    delegation is full. A second application with the same passport number or
    e-mail in this event is stored and flagged to staff in the audit trail.
    """
    problems = application_problems(event, application)
    if problems:
        field_name, message = problems[0]
        raise ServiceError(message, field=field_name)
    category = category_by_code(event, application.category_code)
    # Two applicants taking the last place of a capped delegation: the second waits, then counts.
    delegation = lock_delegation(event.id, application.country)
    if delegation is not None:
        _check_room_in(delegation)
    passport_number = _document_number(application.passport_number)
    delegate = Delegate(
        event=event,
        delegation=delegation,
        category=category,
        status=DelegateStatus.SUBMITTED,
        submitted_by=submitted_by,
        honorific=application.honorific,
        given_name=application.given_name,
        family_name=application.family_name,
        printed_name=application.printed_name
        or default_printed_name(application.given_name, application.family_name),
        native_name=application.native_name,
        position=application.position,
        organisation=application.organisation,
        country=application.country,
        email=application.email,
        phone=application.phone,
        nationality=application.nationality,
        date_of_birth=application.date_of_birth,
        passport_number=passport_number,
        passport_expiry=application.passport_expiry,
        arrival_on=application.arrival_on,
        departure_on=application.departure_on,
        dietary_needs=application.dietary_needs,
        access_needs=application.access_needs,
        consent_at=utcnow() if application.consent else None,
        zones=_zones_for(event, category, application.zone_codes),
    )
    if photo_jpeg:
        delegate.photo_file = store_photo(photo_jpeg)
    _insert_with_unique_reference(delegate)
    registered = {"reference": delegate.reference, "name": delegate.printed_name,
                  "country": delegate.country, "category": category.code}
    if submitted_by is not SubmittedBy.APPLICANT:
        registered["filed_by"] = submitted_by
    record_change(actor, "delegate.registered", delegate, after=registered)
    _flag_duplicates(delegate, actor)
    if commit:
        db.session.commit()
    return delegate


# Fields an applicant may correct; the delegation (country) is changed by staff only.
CORRECTABLE = (
    "honorific", "given_name", "family_name", "printed_name", "native_name", "position",
    "organisation", "email", "phone", "nationality", "date_of_birth", "passport_number",
    "passport_expiry", "arrival_on", "departure_on", "dietary_needs", "access_needs",
)
# Shown in the audit trail only as "changed": the trail is read by more people than need them.
_SECRET_FIELDS = {"passport_number", "date_of_birth", "passport_expiry"}


def update_application(delegate: Delegate, application: Application, photo_jpeg: bytes | None,
                       actor: Actor) -> list[str]:
    """Apply an applicant's corrections until the application is approved.

    Returns the names of the fields that changed ("photo" for a new photo).
    An application waiting for more information goes back to the queue as
    submitted. Refused with InvalidState once approved or rejected.
    """
    delegate = lock_delegate(delegate)
    if not delegate.status.is_open:
        raise InvalidState(
            f"This application is {delegate.status.title.lower()} and can no longer be changed. "
            "Contact the accreditation office if something is wrong.", code="not_editable")
    if application.country and application.country != delegate.country:
        raise ServiceError("To change delegation, contact the accreditation office.", field="country")
    problems = application_problems(delegate.event, application)
    if problems:
        field_name, message = problems[0]
        raise ServiceError(message, field=field_name)
    values = {name: getattr(application, name) for name in CORRECTABLE}
    values["passport_number"] = _document_number(application.passport_number)
    values["printed_name"] = application.printed_name or default_printed_name(
        application.given_name, application.family_name)
    category = category_by_code(delegate.event, application.category_code) \
        if application.category_code else delegate.category
    before, after = {}, {}
    for name, value in values.items():
        if getattr(delegate, name) != value:
            before[name] = "changed" if name in _SECRET_FIELDS else getattr(delegate, name)
            after[name] = "changed" if name in _SECRET_FIELDS else value
            setattr(delegate, name, value)
    if category.id != delegate.category_id:
        before["category"], after["category"] = delegate.category.code, category.code
        delegate.category = category
        delegate.zones = list(category.default_zones)
    old_photo = None
    if photo_jpeg:
        old_photo = delegate.photo_file
        delegate.photo_file = store_photo(photo_jpeg)
        before["photo"], after["photo"] = bool(old_photo), "new"
    changed = list(after)
    if not changed:
        return []
    if delegate.status is DelegateStatus.NEEDS_INFO:
        before["status"], after["status"] = delegate.status, DelegateStatus.SUBMITTED
        delegate.status = DelegateStatus.SUBMITTED
    record_change(actor, "delegate.corrected", delegate, before=before, after=after)
    db.session.flush()
    _flag_duplicates(delegate, actor)
    db.session.commit()
    if old_photo:
        delete_photo(old_photo)
    return changed


@dataclass(frozen=True)
class Duplicate:
    """Another application in the same event that looks like the same person."""

    other: Delegate
    reasons: tuple[str, ...]  # "passport_number", "email"

    @property
    def what(self) -> str:
        """E.g. "same passport number and e-mail"."""
        return "same " + " and ".join(
            {"passport_number": "passport number", "email": "e-mail"}[r] for r in self.reasons)

    @property
    def description(self) -> str:
        return f"{self.what} as {self.other.reference} ({self.other.printed_name})"


def find_duplicates(delegate: Delegate) -> list[Duplicate]:
    """Other applications in the event with the same passport number or e-mail."""
    return duplicates_by_delegate([delegate]).get(delegate.id, [])


def duplicates_by_delegate(delegates: list[Delegate]) -> dict[int, list[Duplicate]]:
    """Duplicate flags for many delegates in one query (for lists such as the queue)."""
    if not delegates:
        return {}
    emails = {d.email.lower() for d in delegates if d.email}
    passports = {d.passport_number for d in delegates if d.passport_number}
    event_ids = {d.event_id for d in delegates}
    conditions = [func.lower(Delegate.email).in_(emails)] if emails else []
    if passports:
        conditions.append(Delegate.passport_number.in_(passports))
    if not conditions:
        return {}
    candidates = db.session.scalars(select(Delegate).where(
        Delegate.event_id.in_(event_ids), or_(*conditions)).order_by(Delegate.id)).all()
    found: dict[int, list[Duplicate]] = {}
    for delegate in delegates:
        for other in candidates:
            if other.id == delegate.id or other.event_id != delegate.event_id:
                continue
            reasons = []
            if delegate.passport_number and other.passport_number == delegate.passport_number:
                reasons.append("passport_number")
            if delegate.email and other.email.lower() == delegate.email.lower():
                reasons.append("email")
            if reasons:
                found.setdefault(delegate.id, []).append(Duplicate(other, tuple(reasons)))
    return found


def _flag_duplicates(delegate: Delegate, actor: Actor) -> None:
    for duplicate in find_duplicates(delegate):
        record(actor, "delegate.duplicate_flagged", delegate, after={
            "other": duplicate.other.reference, "same": list(duplicate.reasons)})


def category_by_code(event: Event, code: str) -> Category:
    """The event's category with this code, or ServiceError on the category field."""
    category = db.session.scalar(select(Category).where(
        Category.event_id == event.id, Category.code == code))
    if category is None:
        raise ServiceError("Unknown category.", field="category")
    return category


def _check_room_in(delegation: Delegation) -> None:
    if delegation.max_members is None:
        return
    members = db.session.scalar(select(func.count()).select_from(Delegate).where(
        Delegate.delegation_id == delegation.id, Delegate.status != DelegateStatus.REJECTED))
    if members >= delegation.max_members:
        raise ServiceError(
            f"The {delegation.name} delegation is full ({delegation.max_members} members). "
            "Contact your liaison officer or the organisers.", code="delegation_full", field="country")


def _document_number(text: str) -> str:
    try:
        return normalise_document_number(text)
    except ValueError as exc:
        raise ServiceError(str(exc), field="passport_number") from None


def _zones_for(event: Event, category: Category, zone_codes: list[str] | None):
    if zone_codes is None:
        return list(category.default_zones)
    return zones_by_code(event, zone_codes, "zones")


def _insert_with_unique_reference(delegate: Delegate) -> None:
    # 30^8 codes make a clash rare; a savepoint lets us retry without losing the rest.
    for _ in range(5):
        delegate.reference = new_reference()
        try:
            with db.session.begin_nested():
                db.session.add(delegate)
                db.session.flush()
            return
        except IntegrityError:
            continue
    raise ServiceError("Could not allocate a reference code; please try again.")
