"""Retaking someone's photo at the desk: the same checks as any upload, the earlier photo kept
for the offices, and a printed badge with the earlier photo replaced."""
from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, DelegateStatus
from app.services.audit import Actor
from app.services.corrections import StaffCorrection, correct_application
from app.services.photos import read_photo
from app.services.vetting import request_information
from desk_support import HOSTILE_PHOTOS, stored_photo_names
from registration_support import image_bytes
from support import csrf_token, hidden_fields, make_person

NEW_PHOTO = image_bytes((900, 1200), colour=(40, 90, 200))


def retake_url(person) -> str:
    return f"/desk/people/{person.id}/retake-photo"


def post_retake(client, person, data: bytes = NEW_PHOTO, filename: str = "new.jpg", **fields):
    """The retake form as the clerk's browser posts it, on the revision the page showed."""
    form = {**hidden_fields(client, retake_url(person), ""), **fields}
    form["photo"] = (io.BytesIO(data), filename, "image/jpeg")
    return client.post(retake_url(person), data=form, content_type="multipart/form-data")


def post_retake_by_hand(client, person):
    """A retake posted without opening its page, with a valid CSRF token from the login page."""
    form = {"csrf_token": csrf_token(client, "/login"), "revision": person.revision,
            "photo": (io.BytesIO(NEW_PHOTO), "new.jpg", "image/jpeg")}
    return client.post(retake_url(person), data=form, content_type="multipart/form-data")


def earlier_photo_urls_after_a_retake(client, login, person) -> list[str]:
    """A clerk retakes the photo and logs out: where the desk and the offices see the earlier one."""
    login("desk")
    post_retake(client, person)
    [audit] = retakes()
    client.post("/logout", data={"csrf_token": csrf_token(client, "/desk/")})
    return [f"/desk/people/{person.id}/earlier-photos/{audit.id}",
            f"/vetting/people/{person.id}/earlier-photos/{audit.id}"]


def retakes() -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "delegate.photo_retaken")).all()


@pytest.mark.parametrize("role", ["desk", "admin"])
def test_a_retake_replaces_the_photo_and_keeps_the_earlier_one(client, event, login, role):
    person = make_person(event, stage="approved")
    earlier, earlier_bytes = person.photo_file, read_photo(person.photo_file)
    revision = person.revision
    clerk = login(role)
    page = client.get(f"/desk/people/{person.id}").get_data(as_text=True)
    assert f'href="{retake_url(person)}"' in page
    form = client.get(retake_url(person)).get_data(as_text=True)
    assert "Use the desk camera" in form and 'name="crop_x"' in form

    response = post_retake(client, person)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/desk/people/{person.id}"
    assert person.photo_file != earlier and person.revision == revision + 1
    stored = Image.open(io.BytesIO(read_photo(person.photo_file)))
    assert stored.size == (600, 771) and stored.getpixel((300, 385))[2] > 150
    # Approvals stand, as for any staff correction.
    assert person.status is DelegateStatus.READY
    [audit] = retakes()
    assert (audit.actor, audit.actor_id) == (f"staff:{clerk.email}", clerk.id)
    assert audit.after["earlier_photo"] == earlier

    page = client.get(f"/desk/people/{person.id}").get_data(as_text=True)
    assert "New photo saved." in page and "Earlier photos" in page
    earlier_url = f"/desk/people/{person.id}/earlier-photos/{audit.id}"
    assert f'src="{earlier_url}"' in page
    shown = client.get(earlier_url)
    assert shown.data == earlier_bytes and shown.headers["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("role", ["accreditation", "security"])
def test_the_offices_see_the_earlier_photo_from_the_history(client, event, login, role):
    person = make_person(event)
    earlier_bytes = read_photo(person.photo_file)
    _, earlier_url = earlier_photo_urls_after_a_retake(client, login, person)
    login(role)
    page = client.get(f"/vetting/people/{person.id}").get_data(as_text=True)
    assert "took a new photo of" in page and f'href="{earlier_url}"' in page
    assert client.get(earlier_url).data == earlier_bytes
    # The trail says what happened; the stored file's name is bookkeeping, never shown.
    [audit] = retakes()
    if role == "security":
        trail = client.get("/security/audit").get_data(as_text=True)
        assert "took a new photo of" in trail and audit.after["earlier_photo"] not in trail


def test_a_printed_badge_with_the_earlier_photo_is_replaced(client, event, login):
    person = make_person(event, stage="handed_over")
    old = person.current_badge
    login("desk")
    page = client.get(retake_url(person)).get_data(as_text=True)
    assert f"Badge {old.serial} is printed with the photo on file" in page
    response = post_retake(client, person)
    assert old.revoked_at is not None and old.revoked_reason == "data_changed"
    new = person.current_badge
    assert new.version == old.version + 1 and new.printed_at is None
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"print its replacement {new.serial}" in page


def test_a_badge_not_printed_yet_simply_prints_the_new_photo(client, event, login):
    person = make_person(event, stage="badged")
    badge = person.current_badge
    login("desk")
    post_retake(client, person)
    assert person.current_badge is badge and badge.revoked_at is None


def test_a_retake_answers_a_request_for_more_information(client, event, login):
    person = make_person(event)
    request_information(person, "Your photo is too dark.", Actor.cli("test"),
                        seen_revision=person.revision)
    login("desk")
    post_retake(client, person)
    assert person.status is DelegateStatus.SUBMITTED


def test_a_retake_on_a_page_older_than_the_application_changes_nothing(client, event, login):
    person = make_person(event, stage="approved")
    earlier = person.photo_file
    login("desk")
    fields = hidden_fields(client, retake_url(person), "")
    correct_application(person, StaffCorrection(printed_name="Dewi L."), Actor.cli("test"),
                        seen_revision=person.revision)
    form = {**fields, "photo": (io.BytesIO(NEW_PHOTO), "new.jpg", "image/jpeg")}
    response = client.post(retake_url(person), data=form, content_type="multipart/form-data")
    assert response.status_code == 302 and "since=" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "changed since you opened it" in page and "Dewi L." in page
    assert person.photo_file == earlier and retakes() == []


@pytest.mark.parametrize("what,filename,data,message", HOSTILE_PHOTOS,
                         ids=[case[0] for case in HOSTILE_PHOTOS])
def test_a_hostile_file_is_refused_with_a_message_and_nothing_changes(
        app, client, event, login, what, filename, data, message):
    person = make_person(event, stage="handed_over")
    earlier, revision, badge = person.photo_file, person.revision, person.current_badge
    files = stored_photo_names(app)
    login("desk")
    response = post_retake(client, person, data=data, filename=filename)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert (person.photo_file, person.revision) == (earlier, revision)
    assert person.current_badge is badge and badge.revoked_at is None
    assert stored_photo_names(app) == files and retakes() == []


def test_a_retake_without_a_file_asks_for_one(client, event, login):
    person = make_person(event)
    login("desk")
    form = hidden_fields(client, retake_url(person), "")
    response = client.post(retake_url(person), data=form, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Take a photo with the camera or choose a file" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["door", "accreditation", "security"])
def test_other_staff_may_not_retake_photos(client, event, login, role):
    person = make_person(event, stage="handed_over")
    earlier = person.photo_file
    login(role)
    assert client.get(retake_url(person)).status_code == 403
    assert post_retake_by_hand(client, person).status_code == 403
    assert person.photo_file == earlier and retakes() == []


def test_nobody_logged_out_retakes_photos_or_sees_earlier_ones(client, event, login):
    person = make_person(event)
    earlier_urls = earlier_photo_urls_after_a_retake(client, login, person)
    current = person.photo_file
    response = post_retake_by_hand(client, person)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert person.photo_file == current and len(retakes()) == 1
    for url in earlier_urls:
        assert client.get(url).headers["Location"].startswith("/login")


def test_door_staff_do_not_see_earlier_photos(client, event, login):
    earlier_urls = earlier_photo_urls_after_a_retake(client, login, make_person(event))
    login("door")
    for url in earlier_urls:
        assert client.get(url).status_code == 403


def test_an_earlier_photo_is_found_only_under_its_own_person(client, event, login):
    person = make_person(event)
    other = make_person(event, given_name="Budi", family_name="Santoso")
    login("desk")
    post_retake(client, person)
    [audit] = retakes()
    assert client.get(f"/desk/people/{other.id}/earlier-photos/{audit.id}").status_code == 404
    note = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "delegate.registered"))
    assert client.get(f"/desk/people/{person.id}/earlier-photos/{note.id}").status_code == 404
