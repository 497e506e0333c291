"""Small helpers shared by the WTForms forms of every blueprint."""
from __future__ import annotations

from collections.abc import Iterable

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends


def select_choices(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def sheet_choices(none_label: str) -> list[SelectChoice]:
    """The badge sheets by the names people know them by, after `none_label` for no sheet."""
    from badges import list_sheets, load_sheet
    return select_choices([("", none_label)] + [(name, load_sheet(name).title)
                                                for name in list_sheets()])


def layout_choices(none_label: str) -> list[SelectChoice]:
    """The badge stocks (layouts) by their names for people, after `none_label`."""
    from badges import list_layouts, load_layout
    return select_choices([("", none_label)] + [(name, load_layout(name).title)
                                                for name in list_layouts()])


class EventChoiceForm(FlaskForm):
    """Which event a reading page shows (?event=)."""

    class Meta:
        csrf = False  # choosing what to read changes nothing

    event = SelectField("Event")
