"""Two offices, separated duties: the accreditation office approves, the security office clears."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Category, Checkpoint, DelegateStatus, ScanDirection, ScanVerdict
from app.services import events
from app.services.audit import Actor
from app.services.checkin import record_scan
from app.services.links import status_token
from registration_support import mails, text_part
from support import csrf_token, hidden_fields, make_person

ACTOR = Actor.cli("test")
S = DelegateStatus


def press(client, page, action, **extra):
    """Press a decision button on a person's page, as the officer does."""
    url = f"{page}/{action}"
    return client.post(url, data={**hidden_fields(client, page, url), **extra})


def log_in_as(client, login, role):
    client.post("/logout", data={"csrf_token": csrf_token(client, "/login")})
    return login(role)


@pytest.mark.parametrize("order", [("accreditation", "approve", "security", "clear"),
                                   ("security", "clear", "accreditation", "approve")])
def test_a_delegate_is_ready_once_approved_and_cleared_in_either_order(client, event, login, order):
    person = make_person(event)
    page = f"/vetting/people/{person.id}"
    first_role, first, second_role, second = order
    login(first_role)
    press(client, page, first)
    assert person.status in (S.APPROVED_AWAITING_CLEARANCE, S.CLEARED_AWAITING_APPROVAL)
    log_in_as(client, login, second_role)
    press(client, page, second)
    assert person.status is S.READY
    assert person.approved_by.email.startswith("accreditation") and person.cleared_by.email.startswith("security")
    assert "approved" in mails()[-1]["Subject"]


def test_an_account_holding_both_roles_cannot_give_both_yeses(client, event, login):
    person = make_person(event)
    page = f"/vetting/people/{person.id}"
    login("admin")  # an administrator holds every role
    press(client, page, "approve")
    shown = client.get(page).get_data(as_text=True)
    assert "another officer must clear" in shown and f'{page}/clear"' not in shown
    # A clear posted anyway (from an older page, or by hand) is refused, and says why.
    response = client.post(f"{page}/clear", data={"csrf_token": csrf_token(client, page),
                                                  "revision": person.revision})
    assert person.status is S.APPROVED_AWAITING_CLEARANCE and person.cleared_at is None
    assert "nobody gives both yeses to one person" in client.get(response.headers["Location"]).get_data(
        as_text=True)


@pytest.mark.parametrize("role,action", [("security", "approve"), ("security", "reject"),
                                         ("accreditation", "clear"),
                                         ("accreditation", "refuse-clearance"),
                                         ("desk", "approve"), ("desk", "clear")])
def test_each_office_may_take_only_its_own_decisions(client, event, login, role, action):
    person = make_person(event)
    login(role)
    response = client.post(f"/vetting/people/{person.id}/{action}",
                           data={"csrf_token": csrf_token(client, "/login"), "revision": person.revision,
                                 "note": "x"})
    assert response.status_code == 403 and person.status is S.SUBMITTED


def test_a_category_without_clearance_is_ready_on_approval_and_cannot_be_cleared(event):
    from app.services.errors import InvalidState
    from app.services.vetting import approve_delegate, clear_delegate
    person = make_person(event, category_code="P")
    with pytest.raises(InvalidState, match="needs no security clearance"):
        clear_delegate(person, ACTOR, seen_revision=person.revision)
    approve_delegate(person, ACTOR, seen_revision=person.revision)
    assert person.status is S.READY


def test_withdrawing_a_clearance_after_printing_stops_the_badge_at_every_door(client, event, login):
    person = make_person(event, stage="handed_over")
    badge = person.current_badge
    main = db.session.scalar(select(Checkpoint).where(Checkpoint.code == "MAIN"))
    assert record_scan(main, badge.code, ScanDirection.IN, ACTOR).verdict is ScanVerdict.ACCEPTED
    login("security")
    page = f"/vetting/people/{person.id}"
    press(client, page, "withdraw-clearance", note="Adverse report from a partner service.")
    assert person.status is S.WITHDRAWN and badge.revoked_at is not None
    # In the same transaction: the decision and the revocation carry one audit batch.
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()[-2:]
    assert actions == ["delegate.clearance_withdrawn", "badge.revoked"]
    assert record_scan(main, badge.code, ScanDirection.OUT, ACTOR).verdict is ScanVerdict.REVOKED


def test_a_badge_of_someone_no_longer_cleared_is_refused_not_cleared(event):
    """An admin starts requiring clearance for the press after badges were printed."""
    person = make_person(event, stage="handed_over", category_code="P")
    badge = person.current_badge
    press_category = db.session.scalar(select(Category).where(Category.code == "P"))
    events.update_category(press_category, "P", "Press", press_category.colour, True, ["4"], ACTOR,
                           needs_clearance=True)
    assert person.status is S.APPROVED_AWAITING_CLEARANCE
    main = db.session.scalar(select(Checkpoint).where(Checkpoint.code == "MAIN"))
    assert record_scan(main, badge.code, ScanDirection.IN, ACTOR).verdict is ScanVerdict.NOT_CLEARED
    moved = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "delegate.stage_changed"))
    assert moved.object_id == person.id


def test_the_applicant_never_learns_which_office_said_no_nor_its_reason(app, client, event, login):
    person = make_person(event)
    login("security")
    press(client, f"/vetting/people/{person.id}", "refuse-clearance", note="Listed in report X-17.")
    assert person.status is S.CLEARANCE_REFUSED and person.clearance_note == "Listed in report X-17."
    applicant = app.test_client()  # the applicant's own browser
    page = applicant.get(f"/events/amim22/application/{status_token(person)}").get_data(as_text=True)
    assert "Not approved" in page
    for secret in ("X-17", "security", "Security", "clearance", "Clearance"):
        assert secret not in page.split("<main", 1)[1]
    mail = text_part(mails()[-1])
    assert "X-17" not in mail and "security" not in mail.lower()


def test_the_security_reason_stays_with_the_security_office(client, event, login):
    person = make_person(event)
    login("security")
    press(client, f"/vetting/people/{person.id}", "refuse-clearance", note="Listed in report X-17.")
    assert "X-17" in client.get(f"/vetting/people/{person.id}").get_data(as_text=True)
    log_in_as(client, login, "accreditation")
    assert "X-17" not in client.get(f"/vetting/people/{person.id}").get_data(as_text=True)
