"""Forms of the vetting offices; every decision names the revision it was made on."""
from datetime import datetime

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

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
