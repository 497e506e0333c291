"""The registration form. Every field is checked on the server; the browser only helps."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (BooleanField, DateField, EmailField, FloatField, HiddenField, SelectField,
                     StringField, TelField, TextAreaField)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..formkit import select_choices
from ..services.countries import country_choices
from ..services.people import clean_text, normalise_email, normalise_phone

NAME_MAX = 120


def _clean(value):
    return clean_text(value) if isinstance(value, str) else value


class RegistrationForm(FlaskForm):
    class Meta:
        # Every text field is NFC-normalised and stripped of control characters.
        def bind_field(self, form, unbound_field, options):
            filters = list(unbound_field.kwargs.get("filters", []))
            if issubclass(unbound_field.field_class, (StringField,)) and \
                    not issubclass(unbound_field.field_class, (HiddenField,)):
                filters.append(_clean)
            return unbound_field.bind(form=form, filters=filters, **options)

    honorific = StringField("Rank or honorific", validators=[Optional(), Length(max=80)],
                            description="For example Colonel, Dato', Dr, Ms.")
    given_name = StringField("Given name(s)", validators=[DataRequired(), Length(max=NAME_MAX)])
    family_name = StringField("Family name", validators=[Optional(), Length(max=NAME_MAX)],
                              description="Leave empty if you have a single name.")
    printed_name = StringField("Name on the badge", validators=[Optional(), Length(max=60)],
                               description="As it should be printed; given and family name if empty.")
    native_name = StringField("Name in your own script", validators=[Optional(), Length(max=80)],
                              description="Optional, e.g. สมชาย รัตนกุล or 陈伟明.")
    date_of_birth = DateField("Date of birth", validators=[Optional()])
    nationality = SelectField("Nationality", validators=[Optional()])
    passport_number = StringField("Passport or national ID number",
                                  validators=[Optional(), Length(max=32)])
    passport_expiry = DateField("Document expiry date", validators=[Optional()])
    organisation = StringField("Organisation", validators=[DataRequired(), Length(max=200)])
    position = StringField("Position", validators=[Optional(), Length(max=160)])
    country = SelectField("Delegation", validators=[DataRequired()])
    category = SelectField("Category", validators=[DataRequired()])
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    phone = TelField("Mobile phone", validators=[Optional(), Length(max=32)],
                     description="With country code, e.g. +60 12-345 6789.")
    arrival_on = DateField("Arrival date", validators=[Optional()])
    departure_on = DateField("Departure date", validators=[Optional()])
    dietary_needs = TextAreaField("Dietary needs", validators=[Optional(), Length(max=500)])
    access_needs = TextAreaField("Accessibility needs", validators=[Optional(), Length(max=500)])
    photo = FileField("Passport-style photo")
    crop_x = FloatField(widget=HiddenField.widget, validators=[Optional()])
    crop_y = FloatField(widget=HiddenField.widget, validators=[Optional()])
    crop_width = FloatField(widget=HiddenField.widget, validators=[Optional()])
    crop_height = FloatField(widget=HiddenField.widget, validators=[Optional()])
    consent = BooleanField("I agree to the processing of my personal data as described above.",
                           validators=[DataRequired("You need to agree to the privacy notice.")])
    # Hidden from people by CSS; bots fill it in.
    website = StringField("Leave this field empty", validators=[Optional()])

    def __init__(self, *args, delegations=(), categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = select_choices(
            [("", "Choose your delegation")] + [(d.country, d.name) for d in delegations])
        self.category.choices = select_choices(
            [("", "Choose a category")] + [(c.code, c.name) for c in categories])
        self.nationality.choices = select_choices([("", "Choose a country")] + country_choices())

    def validate_email(self, field):
        try:
            field.data = normalise_email(field.data)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def validate_phone(self, field):
        try:
            field.data = normalise_phone(field.data, self.country.data)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def validate_departure_on(self, field):
        if field.data and self.arrival_on.data and field.data < self.arrival_on.data:
            raise ValidationError("Departure cannot be before arrival.")

    @property
    def crop_box(self):
        from ..services.photos import CropBox
        values = (self.crop_x.data, self.crop_y.data, self.crop_width.data, self.crop_height.data)
        if any(v is None for v in values) or values[2] <= 0 or values[3] <= 0:
            return None
        return CropBox(*values)
