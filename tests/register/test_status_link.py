"""The applicant's private status link: what it shows, what it lets them change, and
which links it refuses."""
from __future__ import annotations

import io
import time
from datetime import date

from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Delegate, DelegateStatus, Event
from app.services.audit import Actor
from app.services.links import STATUS_SALT, status_token
from app.services.photos import photo_dir
from app.services.registration import Application, register_delegate
from app.services.vetting import approve_delegate, request_information
from registration_support import image_bytes, link_in, mails, text_part
from support import csrf_token


def applicant(event, photo=None, **overrides) -> Delegate:
    values = dict(given_name="Dewi", family_name="Lestari", country="ID", category_code="D",
                  email="dewi.lestari@example.id", organisation="BAIS TNI", position="Analyst",
                  passport_number="B7654321", consent=True, nationality="ID",
                  date_of_birth=date(1980, 5, 17), passport_expiry=date(2031, 1, 1))
    values.update(overrides)
    return register_delegate(event, Application(**values), photo, Actor.cli("test"))


def status_url(person: Delegate, slug: str = "amim22") -> str:
    return f"/events/{slug}/application/{status_token(person)}"


def correction(client, url: str, **overrides) -> dict:
    data = {"csrf_token": csrf_token(client, url), "honorific": "Colonel", "given_name": "Dewi",
            "family_name": "Lestari", "organisation": "BAIS TNI", "position": "Senior Analyst",
            "category": "D", "email": "dewi.lestari@example.id", "phone": "+62 813 1111 2222",
            "passport_number": "B7654321"}
    data.update(overrides)
    return data


def test_the_status_page_shows_the_application_and_nothing_secret(client, event):
    person = applicant(event)
    response = client.get(status_url(person))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert person.reference in page and "Under review" in page and "Dewi Lestari" in page
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "/vetting/people" not in page and "/desk/people" not in page  # no photo URL on a public page
    assert "B7654321" not in page and "ending in …321" in page  # a bearer link shows no document


def test_a_correction_that_leaves_the_document_number_empty_keeps_it(client, event):
    person = applicant(event, date_of_birth=date(1980, 5, 17))
    url = status_url(person)
    response = client.post(url, data=correction(client, url, passport_number="", position="Head"))
    assert response.status_code == 302
    assert person.passport_number == "B7654321" and person.date_of_birth == date(1980, 5, 17)
    assert person.position == "Head"


def test_a_decision_made_while_the_applicant_edits_wins(client, event, staff):
    from app.services.errors import InvalidState
    from app.services.registration import update_application
    person = applicant(event)
    # Another officer approves through their own connection while this one holds the old state.
    with db.engine.begin() as other:
        other.execute(Delegate.__table__.update().where(Delegate.id == person.id)
                      .values(status=DelegateStatus.READY.value))
    assert person.status is DelegateStatus.SUBMITTED  # what this session still believes
    change = Application(given_name="Dewi", family_name="Lestari", country="ID", category_code="D",
                         email="dewi.lestari@example.id", organisation="BAIS TNI",
                         passport_number="Z9999999")
    try:
        update_application(person, change, None, Actor.cli("test"))
    except InvalidState:
        pass
    else:
        raise AssertionError("an approved application was changed")
    db.session.rollback()
    assert db.session.get(Delegate, person.id).passport_number == "B7654321"


def test_the_applicant_corrects_their_details_and_the_change_is_audited(client, event):
    person = applicant(event)
    url = status_url(person)
    response = client.post(url, data=correction(client, url, family_name="Lestari-Putri",
                                                passport_number="B7654322"),
                           content_type="multipart/form-data")
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Your changes are saved" in page
    db.session.refresh(person)
    assert person.printed_name == "Dewi Lestari-Putri"
    assert person.position == "Senior Analyst" and person.phone == "+6281311112222"
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "delegate.corrected"))
    assert audit.after["family_name"] == "Lestari-Putri"
    # Passport numbers are personal data: the audit trail notes the change, not the value.
    assert audit.before["passport_number"] == audit.after["passport_number"] == "changed"
    assert "B7654322" not in str(audit.after)


def test_a_bad_correction_shows_messages_and_changes_nothing(client, event):
    person = applicant(event)
    url = status_url(person)
    response = client.post(url, data=correction(client, url, given_name="", email="nope"),
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter the given name, or the only name for a single name." in page
    db.session.refresh(person)
    assert person.given_name == "Dewi" and person.position == "Analyst"


def test_answering_a_request_for_information_sends_the_application_back_for_review(
        client, event, staff, photo_jpeg):
    person = applicant(event, photo_jpeg)
    request_information(person, "Please upload a photo without sunglasses.",
                        Actor.staff(staff("accreditation")), seen_revision=person.revision)
    mail = mails()[-1]
    assert "sunglasses" in text_part(mail)
    url = link_in(mail)
    page = client.get(url).get_data(as_text=True)
    assert "More information needed" in page and "sunglasses" in page
    old_photo = person.photo_file
    data = correction(client, url)
    data["photo"] = (io.BytesIO(image_bytes((800, 1000), colour=(90, 90, 200))), "new.png")
    response = client.post(url, data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.status is DelegateStatus.SUBMITTED
    assert person.photo_file != old_photo
    assert not (photo_dir() / old_photo).exists()
    assert (photo_dir() / person.photo_file).exists()


def test_once_approved_the_application_can_be_seen_but_not_changed(client, event, staff, photo_jpeg):
    person = applicant(event, photo_jpeg, category_code="P")  # the press needs no clearance
    url = status_url(person)
    token = csrf_token(client, url)
    approve_delegate(person, Actor.staff(staff("accreditation")), seen_revision=person.revision)
    assert "approved" in mails()[-1]["Subject"]
    page = client.get(url).get_data(as_text=True)
    assert "You are accredited" in page and "Save changes" not in page
    response = client.post(url, data=correction(client, "/login", csrf_token=token,
                                                family_name="Changed"),
                           content_type="multipart/form-data")
    assert response.status_code == 409
    assert "can no longer be changed" in response.get_data(as_text=True)
    db.session.refresh(person)
    assert person.family_name == "Lestari"


def test_a_tampered_token_is_refused(client, event):
    person = applicant(event)
    url = status_url(person)
    token = url.rsplit("/", 1)[1]
    payload, stamp, signature = token.split(".")

    def flip(text, i):
        return text[:i] + ("A" if text[i] != "A" else "Q") + text[i + 1:]

    for bad in (f"{payload}.{stamp}.{flip(signature, 5)}", f"{flip(payload, 3)}.{stamp}.{signature}",
                f"{payload}.{flip(stamp, 1)}.{signature}", "not-a-token"):
        response = client.get(f"/events/amim22/application/{bad}")
        assert response.status_code == 404, bad
        assert "Dewi" not in response.get_data(as_text=True)


def test_an_expired_token_is_refused_with_a_hint(client, event, app):
    person = applicant(event)
    days = app.config["LANYARD_STATUS_LINK_DAYS"]

    class SignedLongAgo(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - (days + 1) * 86400

    old = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=STATUS_SALT,
                                 signer=SignedLongAgo).dumps(
        {"d": person.id, "r": person.reference})
    response = client.get(f"/events/amim22/application/{old}")
    assert response.status_code == 404
    assert "This link has expired" in response.get_data(as_text=True)


def test_a_link_never_opens_another_delegates_application(client, event, app):
    dewi = applicant(event)
    budi = applicant(event, given_name="Budi", family_name="Santoso", email="budi@example.id",
                     passport_number="C1111111")
    # Even correctly signed, a token must name the delegate's own reference.
    serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=STATUS_SALT)
    mixed = serializer.dumps({"d": budi.id, "r": dewi.reference})
    response = client.get(f"/events/amim22/application/{mixed}")
    assert response.status_code == 404 and "Budi" not in response.get_data(as_text=True)
    # A token signed with another key (another installation) does nothing here.
    foreign = URLSafeTimedSerializer("another-key", salt=STATUS_SALT).dumps(
        {"d": budi.id, "r": budi.reference})
    assert client.get(f"/events/amim22/application/{foreign}").status_code == 404
    # Dewi's own link shows Dewi only.
    page = client.get(status_url(dewi)).get_data(as_text=True)
    assert "Dewi" in page and "Budi" not in page and budi.reference not in page


def test_a_link_works_only_under_its_own_event(client, event):
    person = applicant(event)
    other = Event(slug="other", name="Other meeting", starts_on=event.starts_on,
                  ends_on=event.ends_on)
    db.session.add(other)
    db.session.commit()
    assert client.get(status_url(person, slug="other")).status_code == 404
    assert client.get(status_url(person)).status_code == 200
