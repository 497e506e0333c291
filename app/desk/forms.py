"""Forms of the front desk; buttons that change state carry CSRF, and those about a person the
application revision their page showed."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from ..formkit import select_choices
from ..models import PrintScope
from ..register.forms import PhotoForm, RegistrationForm
from ..services.issuance import REPRINT_REASONS, REVOKE_REASONS
from ..staffkit import SeenForm


class PrintForm(SeenForm):
    back = BooleanField("With the back side (zones, return notice, emergency contact)")


class ReprintForm(PrintForm):
    reason = SelectField("Why is the badge replaced?", choices=select_choices(REPRINT_REASONS.items()),
                         validators=[DataRequired()])
    # A replaced badge dies at every door at once: the clerk says so, not a stray click.
    confirm = BooleanField("Yes, replace it: the old badge stops working at every door now",
                           validators=[DataRequired("Tick the box to confirm the replacement; "
                                                    "nothing was printed.")])


class RevokeForm(FlaskForm):
    reason = SelectField("Why is the badge stopped?", choices=select_choices(REVOKE_REASONS.items()),
                         validators=[DataRequired()])


class SearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField("Name in any script, reference, badge serial, last four of a document, "
                    "delegation", validators=[Length(max=120)])


class PrintRunForm(FlaskForm):
    """Print the badges of many people at once: a delegation for its liaison officer, a
    category, or every ready person on the opening morning."""

    delegation = SelectField("Delegation", validators=[Optional()])
    category = SelectField("Category", validators=[Optional()])
    scope = SelectField("Which badges", default=PrintScope.UNPRINTED.value,
                        choices=select_choices((s.value, s.title) for s in PrintScope))
    sheet = SelectField("Paper", validators=[Optional()])
    back = BooleanField("Print the back side too (double-sided)")


class LiaisonHandOverForm(FlaskForm):
    """A liaison officer collects the printed badges of their whole delegation: those listed."""

    delegation = SelectField("Delegation", validators=[DataRequired("Choose the delegation.")])
    receiver = StringField("Received by (liaison officer, as on their ID)",
                           validators=[DataRequired("Enter who takes the badges."), Length(max=120)])
    receiver_document = StringField(
        "Their passport or ID number", validators=[Optional(), Length(max=40)],
        description="As on the document they show; left empty, the receipt has a line for it.")
    #: The badges the page listed, as "id id id": exactly these change hands.
    shown = HiddenField(validators=[Optional(), Regexp(r"^[0-9 ]{0,20000}$")])


_PHOTO_NEEDED = "Take a photo with the camera or choose a file: door staff compare it with the face."


class WalkInForm(RegistrationForm):
    """Someone who arrives unregistered, registered by the desk with the public form's fields."""

    photo = FileField("Photo file", validators=[FileRequired(_PHOTO_NEEDED)])
    consent = BooleanField("The person has read the privacy notice and agrees to the processing of "
                           "their personal data.",
                           validators=[DataRequired("The person's agreement is required.")])
    website = None  # the public form's bot trap: staff are logged in


class RetakeForm(PhotoForm, SeenForm):
    """A new photo for someone at the desk, on the application revision the page showed."""

    photo = FileField("Photo file", validators=[FileRequired(_PHOTO_NEEDED)])


class StationForm(FlaskForm):
    """A desk station and the printer it prints to; choices come from the print server."""

    name = StringField("Station name", validators=[DataRequired("Name the station."), Length(max=80)],
                       description="What staff call it, e.g. “Desk 3” or “Kiosk by the lifts”.")
    printer_queue = SelectField("Printer", validators=[Optional()],
                                description="A queue of this server's CUPS print server.")
    layout = SelectField("Badge stock loaded", validators=[Optional()])
    sheet = SelectField("Sheet", validators=[Optional()])
    back = BooleanField("Print the back side too (duplex printer)")


class RetireStationForm(FlaskForm):
    # Retiring is for good: the admin says so, not a stray click.
    confirm = BooleanField("Yes, retire it: it prints nothing more and a kiosk open on it closes",
                           validators=[DataRequired("Tick the box to confirm; the station was "
                                                    "not retired.")])
