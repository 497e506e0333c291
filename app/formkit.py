"""Small helpers shared by the WTForms forms of every blueprint."""
from __future__ import annotations

from collections.abc import Iterable

from wtforms import SelectChoice

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends


def select_choices(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]
