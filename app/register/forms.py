"""The application forms. Every field is checked on the server; the browser only helps."""
from __future__ import annotations

import math


from flask import request, session
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, DateField, EmailField, FloatField, HiddenField, SelectField,
                     StringField, TelField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ..formkit import select_choices
from ..services.countries import country_choices
from ..services.people import (check_name, clean_text, normalise_document_number, normalise_email,
                               normalise_phone)
from ..services.photos import (CropBox, PhotoError, held_photo, hold_photo, normalise_photo,
                               release_held_photo)
from ..services.registration import (FIELD_LIMITS, Application, date_of_birth_problem,
                                     document_expiry_problem,
                                     travel_problem)



def _max(name: str) -> Length:
    """The length rule registration uses everywhere for this field."""
    return _at_most(FIELD_LIMITS[name])


def _at_most(limit: int) -> Length:
    return Length(max=limit, message=f"Use at most {limit} characters.")


def _date(label: str, *validators, **kwargs) -> DateField:
    return DateField(label, validators=list(validators),
                     invalid_value_message="Enter the date as day, month and year.", **kwargs)


def _choice(label: str, required: str, *, what: str) -> SelectField:
    """A list to choose from: empty, or a value not in it, each say so in words."""
    return SelectField(label, validators=[DataRequired(required)],
                       invalid_choice_message=f"Choose {what} from the list.")


def _clean(value):
    return clean_text(value) if isinstance(value, str) else value


_HELD = "held_photo"


class PhotoRequired(FileRequired):
    """A photo must come with the form, unless one is held from its last submit."""

    def __call__(self, form, field):
        if form.held_photo() is None:
            super().__call__(form, field)


class PhotoForm(FlaskForm):
    """A photo upload with the crop chosen in the browser (all optional without JavaScript).

    With `hold_key` set (which form this is, e.g. "register:amim22"), a good photo is held
    for this browser session when another field is wrong, and used when the form comes back.
    """

    hold_key = ""

    photo = FileField("Passport-style photo")
    crop_x = FloatField(widget=HiddenField.widget, validators=[Optional()])
    crop_y = FloatField(widget=HiddenField.widget, validators=[Optional()])
    crop_width = FloatField(widget=HiddenField.widget, validators=[Optional()])
    crop_height = FloatField(widget=HiddenField.widget, validators=[Optional()])

    @property
    def crop_box(self) -> CropBox | None:
        values = (self.crop_x.data, self.crop_y.data, self.crop_width.data, self.crop_height.data)
        if any(v is None or not math.isfinite(v) for v in values) or values[2] <= 0 or values[3] <= 0:
            return None  # no usable crop: the server centres the passport frame itself
        return CropBox(*values)

    def normalised_photo(self) -> bytes | None:
        """The uploaded photo as a clean JPEG; None if none was sent.

        A photo that cannot be used adds its reason to the photo field's errors.
        """
        upload = self.photo.data
        if not upload or not getattr(upload, "filename", ""):
            return None
        try:
            return normalise_photo(upload.read(), self.crop_box)
        except PhotoError as exc:
            self.photo.errors = [*self.photo.errors, str(exc)]
            return None

    def held_photo(self) -> bytes | None:
        """The photo held from this form's last submit in this browser session, if any."""
        kept = session.get(_HELD) or {}
        if not self.hold_key or kept.get("for") != self.hold_key:
            return None
        return held_photo(kept.get("name"))

    def photo_to_store(self) -> bytes | None:
        """A new upload, normalised (and held, in case another field is wrong), else the held
        photo; None if there is neither."""
        jpeg = self.normalised_photo()
        if jpeg is None:
            return None if self.photo.errors else self.held_photo()
        token = getattr(self, "csrf_token", None)
        if self.hold_key and not (token is not None and token.errors):
            self.release_held_photo()
            session[_HELD] = {"for": self.hold_key, "name": hold_photo(jpeg)}
        return jpeg

    def release_held_photo(self) -> None:
        """Forget the held photo: it was stored with the application, or replaced."""
        kept = session.pop(_HELD, None) or {}
        release_held_photo(kept.get("name"))


class ApplicantForm(PhotoForm):
    """What a person tells about themselves: used to apply, to correct, and by liaison officers."""

    class Meta:
        # Every text field is NFC-normalised and stripped of control characters.
        def bind_field(self, form, unbound_field, options):
            filters = list(unbound_field.kwargs.get("filters", []))
            if issubclass(unbound_field.field_class, (StringField,)) and \
                    not issubclass(unbound_field.field_class, (HiddenField,)):
                filters.append(_clean)
            return unbound_field.bind(form=form, filters=filters, **options)

    honorific = StringField("Rank or honorific", validators=[Optional(), _max("honorific")],
                            description="For example Colonel, Dato', Dr, Ms.")
    given_name = StringField("Given name(s)", validators=[
        DataRequired("Enter the given name, or the only name for a single name."), _max("given_name")])
    family_name = StringField("Family name", validators=[Optional(), _max("family_name")],
                              description="Leave empty if you have a single name.")
    printed_name = StringField("Name on the badge", validators=[Optional(), _max("printed_name")],
                               description="As it should be printed; given and family name if empty.")
    native_name = StringField("Name in your own script", validators=[Optional(), _max("native_name")],
                              description="Optional, e.g. สมชาย รัตนกุล or 陈伟明.")
    date_of_birth = _date("Date of birth", Optional())
    nationality = SelectField("Nationality", validators=[Optional()],
                              invalid_choice_message="Choose a nationality from the list.")
    passport_number = StringField("Passport or national ID number",
                                  validators=[Optional(), _at_most(32)])
    passport_expiry = _date("Document expiry date", Optional())
    organisation = StringField("Organisation", validators=[
        DataRequired("Enter the organisation: the ministry, agency or service."),
        _max("organisation")])
    position = StringField("Position", validators=[Optional(), _max("position")])
    category = _choice("Category", "Choose a category: it decides the badge and its access.",
                       what="a category")
    email = EmailField("E-mail", validators=[
        DataRequired("Enter an e-mail address: the reference code and private link go there."),
        _max("email")])
    phone = TelField("Mobile phone", validators=[Optional(), _at_most(32)],
                     description="With country code, e.g. +60 12-345 6789.")
    arrival_on = _date("Arrival date", Optional())
    departure_on = _date("Departure date", Optional())
    dietary_needs = TextAreaField("Dietary needs", validators=[Optional(), _max("dietary_needs")])
    access_needs = TextAreaField("Accessibility needs", validators=[Optional(), _max("access_needs")])

    def __init__(self, *args, event=None, categories=(), phone_region: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.phone_region = phone_region
        self.category.choices = select_choices(
            [("", "Choose a category")] + [(c.code, c.name) for c in categories])
        self.nationality.choices = select_choices([("", "Choose a country")] + country_choices())

    # Names: letters of any script with their marks, spaces, apostrophes,
    # hyphens and full stops; a single name is fine.
    def validate_given_name(self, field):
        field.data = _checked_name(field.data)

    def validate_family_name(self, field):
        field.data = _checked_name(field.data)

    def validate_printed_name(self, field):
        field.data = _checked_name(field.data)

    def validate_native_name(self, field):
        field.data = _checked_name(field.data)

    def validate_honorific(self, field):
        field.data = _checked_name(field.data, extra="()/")

    def validate_passport_number(self, field):
        try:
            field.data = normalise_document_number(field.data)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def validate_passport_expiry(self, field):
        if self.event is not None:
            _raise_if(document_expiry_problem(field.data, self.event))

    def validate_date_of_birth(self, field):
        _raise_if(date_of_birth_problem(field.data))

    def validate_email(self, field):
        try:
            field.data = normalise_email(field.data)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def validate_phone(self, field):
        region = self.country.data if hasattr(self, "country") else self.phone_region
        try:
            field.data = normalise_phone(field.data, region)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def validate_departure_on(self, field):
        _raise_if(travel_problem(self.arrival_on.data, field.data))

    def application(self, country: str, *, consent: bool) -> Application:
        return Application(
            honorific=self.honorific.data or "",
            given_name=self.given_name.data,
            family_name=self.family_name.data or "",
            printed_name=self.printed_name.data or "",
            native_name=self.native_name.data or "",
            position=self.position.data or "",
            organisation=self.organisation.data,
            country=country,
            category_code=self.category.data,
            email=self.email.data,
            phone=self.phone.data or "",
            nationality=self.nationality.data or "",
            date_of_birth=self.date_of_birth.data,
            passport_number=self.passport_number.data or "",
            passport_expiry=self.passport_expiry.data,
            arrival_on=self.arrival_on.data,
            departure_on=self.departure_on.data,
            dietary_needs=self.dietary_needs.data or "",
            access_needs=self.access_needs.data or "",
            consent=consent,
        )

    def fill_from(self, delegate) -> None:
        """Show a stored application in the form (on GET)."""
        for name in ("honorific", "given_name", "family_name", "printed_name", "native_name",
                     "date_of_birth", "nationality", "passport_number", "passport_expiry",
                     "organisation", "position", "email", "phone", "arrival_on", "departure_on",
                     "dietary_needs", "access_needs"):
            getattr(self, name).data = getattr(delegate, name)
        self.category.data = delegate.category.code


def _raise_if(problem: str | None) -> None:
    if problem:
        raise ValidationError(problem)


def _checked_name(value: str | None, extra: str = "") -> str:
    try:
        return check_name(value or "", extra=extra)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


class VettingDocuments:
    """What the host's security office needs to vet a person: required when applying.

    (A correction leaves them optional: empty keeps what was sent.)
    """

    date_of_birth = _date("Date of birth", InputRequired("Enter the date of birth."))
    nationality = _choice("Nationality", "Choose the nationality.", what="a nationality")
    passport_number = StringField("Passport or national ID number",
                                  validators=[DataRequired("Enter the number of the passport or ID."),
                                              _at_most(32)])
    passport_expiry = _date("Document expiry date",
                            InputRequired("Enter the expiry date of the document."))


class RegistrationForm(VettingDocuments, ApplicantForm):
    """The public form: an applicant registers themselves."""

    photo = FileField("Passport-style photo",
                      validators=[PhotoRequired("A photo is needed: door staff compare it with your face.")])

    country = _choice("Delegation", "Choose the delegation you belong to.", what="a delegation")
    consent = BooleanField("I agree to the processing of my personal data as described above.",
                           validators=[DataRequired("You need to agree to the privacy notice.")])
    # Hidden from people by CSS; bots fill it in.
    website = StringField("Leave this field empty", validators=[Optional()])

    def __init__(self, *args, delegations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = select_choices(
            [("", "Choose your delegation")] + [(d.country, d.name) for d in delegations])


class CorrectionForm(ApplicantForm):
    """The applicant corrects their own application from their private link.

    The link is a bearer token that lives for weeks in a mailbox, so the
    document number and date of birth are never shown on it again: left
    empty, they stay as sent; typed in, they replace what was sent.
    """

    KEPT_IF_EMPTY = ("passport_number", "date_of_birth")

    def __init__(self, *args, delegate, **kwargs):
        super().__init__(*args, **kwargs)
        self.delegate = delegate
        if delegate.passport_number:
            self.passport_number.description = (
                f"On file, ending in …{delegate.passport_number[-3:]}. Leave empty to keep it.")
        if delegate.date_of_birth:
            self.date_of_birth.description = "On file. Leave empty to keep it."

    @classmethod
    def of(cls, delegate) -> CorrectionForm:
        """The form for this application: the public categories and its own; filled on GET."""
        event = delegate.event
        categories = [c for c in event.categories if c.self_service or c.id == delegate.category_id]
        form = cls(event=event, categories=categories, phone_region=delegate.country,
                   delegate=delegate)
        if request.method == "GET":
            form.fill_from(delegate)
        return form

    def fill_from(self, delegate) -> None:
        super().fill_from(delegate)
        for name in self.KEPT_IF_EMPTY:
            getattr(self, name).data = None

    def correction(self) -> Application:
        application = self.application(self.delegate.country, consent=True)
        for name in self.KEPT_IF_EMPTY:
            if not getattr(application, name):
                setattr(application, name, getattr(self.delegate, name))
        return application


class MemberForm(VettingDocuments, ApplicantForm):
    """A liaison officer registers a member of their delegation."""

    consent = BooleanField("This member has read the privacy notice and agrees to the processing "
                           "of their personal data.",
                           validators=[DataRequired("The member's agreement is required.")])
