"""Small helpers shared by the WTForms forms of every blueprint."""
from __future__ import annotations

from collections.abc import Iterable

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends


def select_choices(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class EventChoiceForm(FlaskForm):
    """Which event a reading page shows (?event=)."""

    class Meta:
        csrf = False  # choosing what to read changes nothing

    event = SelectField("Event")
