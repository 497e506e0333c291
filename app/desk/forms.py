"""Forms of the front desk; buttons that change state carry CSRF, and those about a person the
application revision their page showed."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from ..formkit import select_choices
from ..services.issuance import REPRINT_REASONS, REVOKE_REASONS
from ..staffkit import SeenForm


class PrintForm(SeenForm):
    back = BooleanField("With the back side (zones, return notice, emergency contact)")


class ReprintForm(PrintForm):
    reason = SelectField("Why is the badge replaced?", choices=select_choices(REPRINT_REASONS.items()),
                         validators=[DataRequired()])


class RevokeForm(FlaskForm):
    reason = SelectField("Why is the badge stopped?", choices=select_choices(REVOKE_REASONS.items()),
                         validators=[DataRequired()])


class SearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField("Name, reference, e-mail or organisation", validators=[Length(max=120)])


class BatchPrintForm(FlaskForm):
    """Print the badges of many people at once, e.g. a whole delegation for its liaison officer."""

    delegation = SelectField("Delegation", validators=[Optional()])
    category = SelectField("Category", validators=[Optional()])
    sheet = SelectField("Paper", validators=[Optional()])
    only_unprinted = BooleanField("Only badges not printed yet", default=True)
    back = BooleanField("Print the back side too")


class LiaisonHandOverForm(FlaskForm):
    """A liaison officer collects the printed badges of their whole delegation: those listed."""

    delegation = SelectField("Delegation", validators=[DataRequired("Choose the delegation.")])
    receiver = StringField("Received by (liaison officer, as on their ID)",
                           validators=[DataRequired("Enter who takes the badges."), Length(max=120)])
    #: The badges the page listed, as "id id id": exactly these change hands.
    shown = HiddenField(validators=[Optional(), Regexp(r"^[0-9 ]{0,20000}$")])


class StationForm(FlaskForm):
    """A desk station and the printer it prints to; choices come from the print server."""

    name = StringField("Station name", validators=[DataRequired("Name the station."), Length(max=80)],
                       description="What staff call it, e.g. “Desk 3” or “Kiosk by the lifts”.")
    printer_queue = SelectField("Printer", validators=[Optional()],
                                description="A queue of this server's CUPS print server.")
    layout = SelectField("Badge stock loaded", validators=[Optional()])
    sheet = SelectField("Sheet", validators=[Optional()])
    back = BooleanField("Print the back side too (duplex printer)")
