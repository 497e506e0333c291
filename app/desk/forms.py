"""Forms of the front desk; buttons that change state carry CSRF, and those about a person the
application revision their page showed."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from ..formkit import select_choices
from ..models import PrintScope
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
    #: The badges the page listed, as "id id id": exactly these change hands.
    shown = HiddenField(validators=[Optional(), Regexp(r"^[0-9 ]{0,20000}$")])
