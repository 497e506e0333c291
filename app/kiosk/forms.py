"""The kiosk's forms: every one carries CSRF, the kiosk session being its own."""
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class FindForm(FlaskForm):
    code = StringField("Scan the code of your approval e-mail, or type your reference code",
                       validators=[DataRequired("Scan your code or type your reference."),
                                   Length(max=100)],
                       render_kw={"autofocus": True, "autocomplete": "off",
                                  "autocapitalize": "characters", "spellcheck": "false"})
