"""Walk-ins: the desk registers someone who arrives without an application, with the public
form's fields and a photo, and the application is vetted like any other."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Delegate, DelegateStatus, SubmittedBy
from app.models._types import utcnow
from app.services.photos import normalise_photo, read_photo
from desk_support import HOSTILE_PHOTOS, stored_photo_names
from registration_support import mails, registration_data, text_part
from support import csrf_token, make_person

WALK_IN = "/desk/walk-in"


def post_walk_in(client, upload: tuple[str, bytes] | None = None, **overrides):
    """The walk-in form as the desk posts it: the public form's answers, `upload` as the file."""
    data = registration_data(client, csrf_token=csrf_token(client, WALK_IN), **overrides)
    if upload is not None:
        data["photo"] = (io.BytesIO(upload[1]), upload[0], "image/jpeg")
    return client.post(WALK_IN, data=data, content_type="multipart/form-data")


def delegates() -> list[Delegate]:
    return db.session.scalars(select(Delegate)).all()


@pytest.mark.parametrize("role", ["desk", "admin"])
def test_the_desk_registers_a_walk_in_who_then_waits_for_the_offices(client, event, login, role):
    clerk = login(role)
    form = client.get(WALK_IN).get_data(as_text=True)
    # The public form's fields, from the same template.
    for name in ("honorific", "given_name", "printed_name", "native_name", "date_of_birth",
                 "nationality", "passport_number", "passport_expiry", "country", "category",
                 "email", "phone", "consent", "photo", "crop_x"):
        assert f'name="{name}"' in form
    assert 'name="website"' not in form
    assert "Use the desk camera" in form

    response = post_walk_in(client, crop_x="40", crop_y="60", crop_width="500", crop_height="643")
    assert response.status_code == 302
    [person] = delegates()
    assert response.headers["Location"] == f"/desk/people/{person.id}"
    assert person.printed_name == "Siti Nurhaliza binti Omar" and person.passport_number == "A31824756"
    assert person.submitted_by is SubmittedBy.DESK
    assert person.status is DelegateStatus.SUBMITTED and person.current_badge is None
    stored = read_photo(person.photo_file)
    assert Image.open(io.BytesIO(stored)).size == (500, 643)
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "delegate.registered"))
    assert (audit.actor, audit.actor_id) == (f"staff:{clerk.email}", clerk.id)
    assert audit.after["filed_by"] == "desk"
    # They get their reference and private link, as every applicant does.
    assert person.reference in text_part(mails()[-1])

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"reference {person.reference}" in page and "waits for the offices" in page
    assert "Only people ready to print" in page and "Issue and print badge" not in page


def test_a_walk_in_gets_no_badge_before_the_offices_say_yes(client, event, login):
    login("desk")
    post_walk_in(client)
    [person] = delegates()
    # The page offers no print button; a request made by hand is refused all the same.
    fields = {"csrf_token": csrf_token(client, WALK_IN), "revision": person.revision}
    response = client.post(f"/desk/people/{person.id}/print", data=fields, follow_redirects=True)
    assert "Only people ready to print" in response.get_data(as_text=True)
    assert person.badges == [] and person.status is DelegateStatus.SUBMITTED


def test_the_trail_says_the_desk_filed_it(client, event, login):
    clerk = login("admin")
    post_walk_in(client)
    page = client.get("/security/audit").get_data(as_text=True)
    trail = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert f"{clerk.email} (Administrator) from 127.0.0.1 filed the application of " \
        "Siti Nurhaliza binti Omar" in trail
    assert "Filed by: The front desk (walk-in)" in trail


def test_a_walk_in_who_had_applied_online_is_flagged_as_a_possible_duplicate(client, event, login):
    online = make_person(event, country="MY", given_name="Siti", family_name="Omar",
                         passport_number="A31824756")
    login("desk")
    response = post_walk_in(client)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Possible duplicate" in page and online.reference in page


def test_the_desk_registers_after_the_public_form_has_closed(client, event, login):
    event.registration_closes_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert client.get("/events/amim22/register").status_code == 403
    login("desk")
    assert post_walk_in(client).status_code == 302
    assert len(delegates()) == 1


def test_the_desk_may_choose_categories_applicants_cannot(client, event, login):
    login("desk")
    form = client.get(WALK_IN).get_data(as_text=True)
    assert 'value="E"' in form
    assert post_walk_in(client, category="E").status_code == 302
    assert delegates()[0].category.code == "E" and delegates()[0].status is DelegateStatus.SUBMITTED


def test_a_walk_in_without_photo_or_agreement_is_refused_with_reasons(client, event, login):
    login("desk")
    response = post_walk_in(client, photo=b"", consent=None)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Take a photo with the camera or choose a file" in page
    assert "The person&#39;s agreement is required." in page
    assert 'value="Siti Nurhaliza"' in page and delegates() == []


def test_a_full_delegation_refuses_the_desk_too(client, event, login):
    make_person(event, country="MY", given_name="Aziz", family_name="Rahman")
    event.delegations[[d.country for d in event.delegations].index("MY")].max_members = 1
    db.session.commit()
    login("desk")
    response = post_walk_in(client)
    assert response.status_code == 400 and "delegation is full" in response.get_data(as_text=True)
    assert len(delegates()) == 1


@pytest.mark.parametrize("what,filename,data,message", HOSTILE_PHOTOS,
                         ids=[case[0] for case in HOSTILE_PHOTOS])
def test_a_hostile_file_is_refused_with_a_message_and_nothing_is_stored(
        app, client, event, login, what, filename, data, message):
    login("desk")
    response = post_walk_in(client, upload=(filename, data))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page and 'value="Siti Nurhaliza"' in page
    assert delegates() == [] and stored_photo_names(app) == set()
    assert db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "delegate.registered")).all() == []


@pytest.mark.parametrize("role", ["door", "accreditation", "security"])
def test_other_staff_may_not_register_walk_ins(client, event, login, role):
    login(role)
    assert client.get(WALK_IN).status_code == 403
    token = csrf_token(client, "/login")
    data = registration_data(client, csrf_token=token)
    assert client.post(WALK_IN, data=data, content_type="multipart/form-data").status_code == 403
    assert delegates() == []


def test_nobody_logged_out_registers_walk_ins_not_even_a_liaison_officer(client, event, login):
    from app.services.audit import Actor
    from app.services.liaison import issue_invitation
    from app.services.links import invitation_token
    delegation = next(d for d in event.delegations if d.country == "MY")
    invitation = issue_invitation(delegation, "Aziz Rahman", "aziz@example.my", Actor.cli("test"))
    liaison_page = f"/liaison/{invitation_token(invitation)}"
    token = csrf_token(client, liaison_page + "/add")
    assert client.get(WALK_IN).headers["Location"].startswith("/login")
    response = client.post(WALK_IN, data=registration_data(client, csrf_token=token),
                           content_type="multipart/form-data")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert delegates() == []


def test_the_stored_walk_in_photo_passes_the_upload_checks_again(client, event, login):
    login("desk")
    post_walk_in(client)
    stored = read_photo(delegates()[0].photo_file)
    assert Image.open(io.BytesIO(normalise_photo(stored))).size == (600, 771)
