"""Accreditation decisions are made on what the officer saw: a change made after the page
was opened refuses the decision, and the page then shows what changed."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, DelegateStatus
from app.services.links import status_token
from registration_support import image_bytes
from support import csrf_token, hidden_fields, make_person

ACTIONS = {"approve": {}, "request-info": {"note": "Please send a clearer photo."},
           "reject": {"note": "Not on the delegation list."}}


def swap_identity(client, person):
    """The applicant, through their status link, turns the application into someone else's."""
    url = f"/events/amim22/application/{status_token(person)}"
    response = client.post(url, content_type="multipart/form-data", data={
        "csrf_token": csrf_token(client, url), "given_name": "Dewi", "family_name": "Lestari",
        "printed_name": "General Andika Perkasa", "organisation": "Tentara Nasional Indonesia",
        "category": "P",  # the press centre instead of the delegation offices
        "email": person.email, "nationality": person.nationality,
        "passport_expiry": person.passport_expiry.isoformat(), "photo": (io.BytesIO(image_bytes(colour=(90, 20, 20))), "other.jpg")})
    assert response.status_code == 302, response.get_data(as_text=True)


@pytest.mark.parametrize("action", ACTIONS)
def test_a_decision_posted_from_a_page_opened_before_a_change_is_refused(
        client, event, login, action):
    person = make_person(event)
    login("accreditation")
    page = f"/vetting/people/{person.id}"
    seen = hidden_fields(client, page, f"{page}/{action}")  # the officer reads the page...

    swap_identity(client, person)  # ...the applicant changes name, category and photo...

    response = client.post(f"{page}/{action}", data={**seen, **ACTIONS[action]})
    assert person.status is DelegateStatus.SUBMITTED
    assert person.printed_name == "General Andika Perkasa"
    assert not db.session.scalars(select(AuditEvent).where(
        AuditEvent.action.in_(["delegate.approved", "delegate.needs_info", "delegate.rejected"]))).all()
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "changed since you opened it" in shown
    assert "Changed since you opened it" in shown
    for what in ("Name on the badge", "General Andika Perkasa", "Organisation", "Category", "Photo"):
        assert what in shown

    # Having seen the changes, the officer decides on the application as it is now.
    again = client.post(f"{page}/{action}", data={**hidden_fields(client, page, f"{page}/{action}"),
                                                  **ACTIONS[action]})
    assert again.status_code == 302
    assert person.status is not DelegateStatus.SUBMITTED


def test_the_queues_one_click_approve_names_the_revision_it_showed(client, event, login):
    person = make_person(event)
    login("accreditation")
    seen = hidden_fields(client, "/vetting/queue", f"/vetting/people/{person.id}/approve")
    assert seen["revision"] == str(person.revision)
    swap_identity(client, person)
    client.post(f"/vetting/people/{person.id}/approve", data={**seen, "back": "queue"})
    assert person.status is DelegateStatus.SUBMITTED


def test_a_decision_without_a_revision_is_refused(client, event, login):
    person = make_person(event)
    login("accreditation")
    response = client.post(f"/vetting/people/{person.id}/approve",
                           data={"csrf_token": csrf_token(client, "/vetting/queue")})
    assert response.status_code == 302
    assert "out of date" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert person.status is DelegateStatus.SUBMITTED


def test_a_second_officer_deciding_on_an_old_page_sees_the_first_decision(client, event, login):
    person = make_person(event)
    login("accreditation")
    page = f"/vetting/people/{person.id}"
    rejecting = hidden_fields(client, page, f"{page}/reject")
    client.post(f"{page}/approve", data=hidden_fields(client, page, f"{page}/approve"))
    assert person.status is DelegateStatus.APPROVED_AWAITING_CLEARANCE
    response = client.post(f"{page}/reject", data={**rejecting, "note": "No."})
    assert person.status is DelegateStatus.APPROVED_AWAITING_CLEARANCE
    assert "approved by accreditation@" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_desk_does_not_print_a_badge_of_data_it_did_not_see(client, event, login):
    """A decision made after the desk opened the page (the application is withdrawn) stops a
    print posted from that page."""
    person = make_person(event, stage="approved")
    login("desk")
    page = f"/desk/people/{person.id}"
    seen = hidden_fields(client, page, f"{page}/print")
    from app.services.audit import Actor
    from app.services.vetting import reject_delegate
    reject_delegate(person, "Withdrawn by the delegation.", Actor.cli("test"),
                    seen_revision=person.revision)
    response = client.post(f"{page}/print", data=seen)
    assert response.mimetype != "application/pdf"
    assert person.badges == []
