"""Fixtures for the badge renderer tests."""
from __future__ import annotations

from datetime import date

import pytest

from badges import EventInfo


@pytest.fixture
def event() -> EventInfo:
    return EventInfo(
        name="ASEAN Defence Intelligence Meeting 2026", short_name="ADIM 2026",
        venue="Kuala Lumpur Convention Centre", starts_on=date(2026, 3, 12),
        ends_on=date(2026, 3, 14),
        zone_legend=(("1", "Plenary"), ("2", "Bilateral rooms"), ("3", "Delegation offices"),
                     ("6", "VIP lounge")),
        host="Defence Intelligence Staff Division, Malaysia",
        emergency_contact="+60 3-1234 5678",
    )
