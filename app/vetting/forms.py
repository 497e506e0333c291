"""Forms of the accreditation office; every decision names the revision it was made on."""
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from ..staffkit import SeenForm


class NoteForm(SeenForm):
    note = TextAreaField("Message to the applicant", validators=[Optional(), Length(max=2000)])
