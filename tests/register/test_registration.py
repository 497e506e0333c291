"""An applicant registers on the public form: what is stored, what they are told."""
from __future__ import annotations

import io
from datetime import date, timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Delegate, Delegation
from app.models._types import utcnow
from registration_support import (REGISTER_URL, html_part, image_bytes, link_in, mails, register,
                                  registration_data, text_part)
from support import csrf_token


def delegates():
    return db.session.scalars(select(Delegate).order_by(Delegate.id)).all()


def test_a_registration_is_stored_normalised_and_confirmed_by_email(client, event, photo_jpeg):
    response = register(client, photo_jpeg, given_name="Nguye\u0302\u0303n Va\u0306n",
                        family_name="Tha\u0300nh", country="VN", phone="090 123 4567",
                        passport_number="c 1234-567", email="Thanh@Example.VN")
    assert response.status_code == 302
    person = delegates()[0]
    assert person.given_name == "Nguyễn Văn" and person.family_name == "Thành"
    assert person.printed_name == "Nguyễn Văn Thành"
    assert person.phone == "+84901234567"
    assert person.passport_number == "C1234567"
    assert person.email == "Thanh@example.vn"
    assert person.consent_at is not None and person.photo_file

    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    assert person.reference in thanks and "Open my application page" in thanks

    [mail] = mails()
    assert mail["To"] == "Thanh@example.vn"
    assert person.reference in mail["Subject"]
    assert person.reference in text_part(mail) and person.reference in html_part(mail)
    status_page = client.get(link_in(mail)).get_data(as_text=True)
    assert "Nguyễn Văn Thành" in status_page and "Under review" in status_page


def test_single_names_apostrophes_and_hyphens_are_valid(client, event):
    response = register(client, given_name="Sukarno", family_name="", printed_name="")
    assert response.status_code == 302
    response = register(client, given_name="Anne-Marie", family_name="O'Brien-Smith",
                        honorific="Dato' Sri", email="am@example.my")
    assert response.status_code == 302
    assert [d.printed_name for d in delegates()] == ["Sukarno", "Anne-Marie O'Brien-Smith"]


def test_each_bad_field_gets_its_own_message_and_nothing_is_stored(client, event):
    response = register(
        client, given_name="<b>Siti</b>", family_name="x" * 121, email="siti@", phone="12",
        passport_number="A1<", date_of_birth=(date.today() + timedelta(days=1)).isoformat(),
        passport_expiry=(event.ends_on - timedelta(days=1)).isoformat(),
        arrival_on="2030-05-10", departure_on="2030-05-09", country="XX", category="S",
        consent="")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for message in ("“&lt;” cannot be part of a name.", "Use at most 120 characters.",
                    "Enter the number with its country code",
                    "Use the letters and digits of the document number",
                    "Enter a date of birth in the past.",
                    "The document must be valid until at least",
                    "Departure cannot be before arrival.", "Choose a delegation from the list.",
                    "Choose a category from the list.",
                    "You need to agree to the privacy notice."):
        assert message in page, message
    assert "An email address must have an @-sign" in page or "There must be something after the @-sign" in page
    assert delegates() == [] and mails() == []


def test_staff_only_categories_are_not_offered_on_the_public_form(client, event):
    page = client.get(REGISTER_URL).get_data(as_text=True)
    assert 'value="D"' in page and 'value="P"' in page
    # Heads of delegation have the VIP lounge: staff give that category, applicants cannot pick it.
    assert 'value="E"' not in page and 'value="S"' not in page and 'value="Z"' not in page
    response = register(client, category="E")
    assert response.status_code == 400 and delegates() == []


def test_registration_is_closed_before_it_opens_and_after_it_closes(client, event):
    event.registration_opens_at = utcnow() + timedelta(days=1)
    db.session.commit()
    token = csrf_token(client, "/login")
    response = register(client, csrf_token=token)
    assert response.status_code == 403 and "not open" in response.get_data(as_text=True)
    event.registration_opens_at = utcnow() - timedelta(days=2)
    event.registration_closes_at = utcnow() - timedelta(days=1)
    db.session.commit()
    assert client.get(REGISTER_URL).status_code == 403
    assert register(client, csrf_token=token).status_code == 403
    event.registration_closes_at = utcnow() + timedelta(days=1)
    db.session.commit()
    assert register(client).status_code == 302
    assert len(delegates()) == 1


def test_a_full_delegation_refuses_more_applications_with_a_message(client, event):
    malaysia = db.session.scalar(select(Delegation).where(Delegation.country == "MY"))
    malaysia.max_members = 1
    db.session.commit()
    assert register(client).status_code == 302
    response = register(client, email="second@example.my", given_name="Ahmad")
    assert response.status_code == 400
    assert "The Malaysia delegation is full (1 members)" in response.get_data(as_text=True)
    assert len(delegates()) == 1
    assert register(client, country="TH", phone="+66 81 234 5678").status_code == 302


def test_the_same_passport_or_email_twice_is_stored_and_flagged_to_staff(client, event, login):
    register(client, passport_number="A1234567")
    register(client, passport_number="a 1234 567", email="other@example.my", given_name="Sity")
    register(client, email="SITI.OMAR@example.my", given_name="Siti N.")
    first, second, third = delegates()
    flags = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "delegate.duplicate_flagged").order_by(AuditEvent.id)).all()
    assert [(f.object_id, f.after) for f in flags] == [
        (second.id, {"other": first.reference, "same": ["passport_number"]}),
        (third.id, {"other": first.reference, "same": ["email"]}),
    ]
    login("accreditation")
    page = client.get(f"/vetting/people/{first.id}").get_data(as_text=True)
    assert "Possible duplicate" in page
    assert f'Same passport number as <a href="/vetting/people/{second.id}">{second.reference}</a>' in page
    assert f'Same e-mail as <a href="/vetting/people/{third.id}">{third.reference}</a>' in page
    queue = client.get("/vetting/queue").get_data(as_text=True)
    assert queue.count(">Possible duplicate</span>") == 3
    # The passport number itself is not shown in the flag.
    assert "A1234567" not in page.split("Possible duplicate")[1].split("</div>")[0]


def test_the_honeypot_field_stores_nothing_but_looks_like_success(client, event):
    response = register(client, website="http://spam.example")
    assert response.status_code == 302
    assert delegates() == [] and mails() == []


def test_a_post_without_csrf_token_is_refused(client, event):
    data = registration_data(client)
    del data["csrf_token"]
    response = client.post(REGISTER_URL, data=data)
    assert response.status_code == 400 and "Form expired" in response.get_data(as_text=True)
    assert delegates() == []


def test_uploads_over_the_size_limit_are_refused_before_they_are_read(client, event):
    data = registration_data(client)
    data["photo"] = (io.BytesIO(b"\0" * (13 * 1024 * 1024)), "huge.jpg", "image/jpeg")
    response = client.post(REGISTER_URL, data=data, content_type="multipart/form-data")
    assert response.status_code == 413 and "Upload too large" in response.get_data(as_text=True)
    assert delegates() == []


def test_a_bad_photo_keeps_the_other_answers_and_stores_nothing(client, event):
    frames = [image_bytes((700, 900), fmt="GIF")]
    response = register(client, photo=frames[0])
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Please upload a JPEG, PNG or WebP photo." in page
    assert 'value="Siti Nurhaliza"' in page
    assert delegates() == []


def test_the_crop_from_the_form_is_applied(client, event):
    photo = image_bytes((1600, 1200), colour=(30, 160, 30))
    response = register(client, photo, crop_x="100", crop_y="50", crop_width="700",
                        crop_height="900")
    assert response.status_code == 302
    from app.services.photos import read_photo
    from PIL import Image
    stored = Image.open(io.BytesIO(read_photo(delegates()[0].photo_file)))
    assert stored.size == (600, 771)


def test_registration_pages_are_not_cached_and_the_form_has_a_csrf_token(client, event):
    response = client.get(REGISTER_URL)
    assert response.headers["Cache-Control"] == "no-store"
    assert csrf_token(client, REGISTER_URL)
    assert db.session.scalar(select(func.count()).select_from(Delegate)) == 0
