"""One answer to where a person's badge is: the desk, the liaison officer and the applicant read
the same state, and someone no longer ready has no working badge, wherever their card is."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import BadgeState, Category, Delegation, DelegateStatus
from app.services import events
from app.services.audit import Actor
from app.services.issuance import badge_state, print_badge
from app.services.liaison import issue_invitation
from app.services.links import invitation_token
from app.services.vetting import request_information, withdraw_clearance
from support import hidden_fields, make_person

ACTOR = Actor.cli("test")
S, B = DelegateStatus, BadgeState
AT = datetime(2026, 11, 29, 9, 0, tzinfo=timezone.utc)
AT_DESK = SimpleNamespace(printed_at=None, handed_over_at=None)
PRINTED = SimpleNamespace(printed_at=AT, handed_over_at=None)
OUT = SimpleNamespace(printed_at=AT, handed_over_at=AT)


@pytest.mark.parametrize("status, badge, expected", [
    (S.READY, None, B.NOT_PRINTED),
    (S.READY, AT_DESK, B.NOT_PRINTED),
    (S.READY, PRINTED, B.PRINTED),
    (S.READY, OUT, B.HANDED_OVER),
    (S.SUBMITTED, None, B.NOT_APPROVED),
    # No longer ready with a live badge: every door refuses it, the desk neither prints nor
    # hands it over, so nobody is told it is waiting for them or in their hands.
    (S.APPROVED_AWAITING_CLEARANCE, AT_DESK, B.NOT_APPROVED),
    (S.APPROVED_AWAITING_CLEARANCE, OUT, B.NOT_APPROVED),
    (S.NEEDS_INFO, PRINTED, B.NOT_APPROVED),
    (S.NEEDS_INFO, OUT, B.NOT_APPROVED),
    (S.CLEARED_AWAITING_APPROVAL, PRINTED, B.NOT_APPROVED),
    # Withdrawing clearance or rejecting stops every badge: none is live any more.
    (S.WITHDRAWN, None, B.NOT_APPROVED),
    (S.REJECTED, None, B.NOT_APPROVED),
])
def test_the_badge_state_follows_the_application_first_then_the_live_badge(status, badge, expected):
    assert badge_state(status, badge) is expected


@pytest.fixture
def people(event):
    """Thai members whose badges were made while they were ready, and who no longer are."""
    def thai(name, **fields):
        return make_person(event, country="TH", given_name=name, family_name="Srisuk",
                           nationality="TH", **fields)
    made = {"Dara": thai("Dara", stage="handed_over"),               # still ready
            "Anan": thai("Anan", stage="handed_over", category_code="P"),
            "Boon": thai("Boon", stage="approved", category_code="P"),
            "Chai": thai("Chai", stage="handed_over")}
    print_badge(made["Boon"], ACTOR, seen_revision=made["Boon"].revision)
    # The press needs clearance from now on: Anan and Boon are approved, awaiting it ...
    press = db.session.scalar(select(Category).where(Category.code == "P"))
    events.update_category(press, "P", "Press", press.colour, True, ["4"], ACTOR,
                           needs_clearance=True)
    # ... and Boon is sent back for more information; Chai's clearance is withdrawn.
    request_information(made["Boon"], "Which outlet do you write for?", ACTOR,
                        seen_revision=made["Boon"].revision)
    withdraw_clearance(made["Chai"], "Adverse report.", ACTOR, seen_revision=made["Chai"].revision)
    assert [made[n].status for n in ("Anan", "Boon", "Chai")] == \
        [S.APPROVED_AWAITING_CLEARANCE, S.NEEDS_INFO, S.WITHDRAWN]
    assert made["Anan"].current_badge.handed_over_at and made["Boon"].current_badge.printed_at
    assert made["Chai"].current_badge is None
    return made


def _badge_states(page: str, row_pattern: str) -> dict[str, str]:
    """Each Srisuk's badge state code on a page, by given name."""
    return {re.search(r"(\w+) Srisuk", row).group(1):
            re.search(r'(?:data-badge-state="|badge-state-)([a-z_]+)', row).group(1)
            for row in re.findall(row_pattern, page, re.S) if "Srisuk" in row}


def test_the_liaison_officer_is_told_a_member_no_longer_ready_has_no_badge(client, event, people):
    thailand = db.session.scalar(select(Delegation).where(Delegation.country == "TH"))
    link = f"/liaison/{invitation_token(issue_invitation(thailand, 'Somchai', 'som@example.th', ACTOR))}"
    page = client.get(link).get_data(as_text=True)
    assert _badge_states(page, r"<tr[^>]*>\s*<td>.*?</tr>") == {
        "Dara": "handed_over", "Anan": "not_approved", "Boon": "not_approved",
        "Chai": "not_approved"}
    assert "by Anan Srisuk" not in page  # not told it was collected: it opens no door


def test_the_desk_finds_them_with_the_same_state_and_the_card_still_live(client, login, people):
    login("desk")
    page = client.get("/desk/", query_string={"q": "srisuk"}).get_data(as_text=True)
    assert _badge_states(page, r"<li role=\"option\".*?</li>") == {
        "Dara": "handed_over", "Anan": "not_approved", "Boon": "not_approved",
        "Chai": "not_approved"}
    for name in ("Anan", "Boon"):
        serial = people[name].current_badge.serial
        assert f"{serial}, refused at every door" in page
        assert f'action="/desk/people/{people[name].id}/print"' not in page
    assert "Hand over</a>" not in page


def test_the_desk_page_of_someone_no_longer_ready_shows_their_live_badge_and_stops_it(
        client, login, people):
    boon = people["Boon"]
    badge = boon.current_badge
    login("desk")
    url = f"/desk/people/{boon.id}"
    page = client.get(url).get_data(as_text=True)
    assert f"Badge <strong>{badge.serial}</strong>" in page
    assert f"is refused at every door until {boon.printed_name} is ready again" in page
    assert "ID checked: hand over" not in page and "Print again" not in page
    action = f"/desk/badges/{badge.id}/revoke"
    client.post(action, data={**hidden_fields(client, url, action), "reason": "withdrawn"})
    assert badge.revoked_at is not None and boon.current_badge is None
    assert "data-held-badge" not in client.get(url).get_data(as_text=True)
