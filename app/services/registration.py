"""Applications for accreditation: creating a delegate from what the applicant sent."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Category, Delegate, DelegateStatus, Delegation, Event
from ..models._types import utcnow
from .audit import Actor, record
from .codes import new_reference
from .errors import ServiceError
from .photos import store_photo


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


def register_delegate(event: Event, application: Application, photo_jpeg: bytes | None,
                      actor: Actor, *, commit: bool = True) -> Delegate:
    """Store a new application; the reference code in the result is what the applicant keeps."""
    category = db.session.scalar(select(Category).where(
        Category.event_id == event.id, Category.code == application.category_code))
    if category is None:
        raise ServiceError("Unknown category.", field="category")
    delegation = db.session.scalar(select(Delegation).where(
        Delegation.event_id == event.id, Delegation.country == application.country))
    delegate = Delegate(
        event=event,
        delegation=delegation,
        category=category,
        status=DelegateStatus.SUBMITTED,
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
        passport_number=application.passport_number,
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
    record(actor, "delegate.registered", delegate, after={
        "reference": delegate.reference, "name": delegate.printed_name,
        "country": delegate.country, "category": category.code})
    if commit:
        db.session.commit()
    return delegate


def _zones_for(event: Event, category: Category, zone_codes: list[str] | None):
    if zone_codes is None:
        return list(category.default_zones)
    by_code = {zone.code: zone for zone in event.zones}
    unknown = [code for code in zone_codes if code not in by_code]
    if unknown:
        raise ServiceError(f"Unknown zone: {', '.join(unknown)}", field="zones")
    return [by_code[code] for code in zone_codes]


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
