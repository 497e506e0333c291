"""Forms of the vetting offices; every decision names the revision it was made on."""
from datetime import datetime

from flask_wtf import FlaskForm
from wtforms import (BooleanField, HiddenField, SelectField, SelectMultipleField, StringField,
                     TextAreaField)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..formkit import select_choices
from ..staffkit import SeenForm

BULK_LABELS = {"approve": "Approve", "clear": "Clear", "request_information": "Ask for more information",
               "reject": "Reject", "refuse_clearance": "Refuse clearance"}


class NoteForm(SeenForm):
    note = TextAreaField("Message to the applicant", validators=[Optional(), Length(max=2000)])


class BulkForm(FlaskForm):
    """One decision for the people ticked in the queue, or for everyone its filter shows."""

    action = SelectField("Action", choices=select_choices(BULK_LABELS.items()),
                         validators=[DataRequired()])
    note = TextAreaField("Message to each applicant, or the reason", validators=[Optional(),
                                                                                Length(max=2000)])
    whole_filter = BooleanField("Everyone this filter shows, on every page")
    #: When the page was loaded: with the whole filter, anyone changed since refuses it all.
    seen_at = HiddenField(validators=[Optional(), Length(max=40)])

    @property
    def seen_moment(self) -> datetime | None:
        try:
            moment = datetime.fromisoformat(self.seen_at.data or "")
        except ValueError:
            return None
        return moment if moment.tzinfo is not None else None


class CorrectionForm(SeenForm):
    """What staff correct in an application after an office said yes."""

    category = SelectField("Category", validators=[DataRequired()])
    zones = SelectMultipleField("Zones", validate_choice=False, widget=ListWidget(prefix_label=False),
                                option_widget=CheckboxInput(), render_kw={"class": "plain"})
    printed_name = StringField("Name on the badge", validators=[DataRequired(), Length(max=60)])
    native_name = StringField("Name in own script", validators=[Optional(), Length(max=80)])

    def offer(self, event) -> None:
        self.category.choices = select_choices((c.code, f"{c.code} {c.name}") for c in event.categories)
        self.zones.choices = select_choices((z.code, f"{z.code} · {z.name}") for z in event.zones)


class StaffNoteForm(FlaskForm):
    text = TextAreaField("Note for staff (never shown to the applicant)",
                         validators=[DataRequired("Write the note first."), Length(max=2000)])
