"""A liaison officer, invited by an administrator, registers and follows their delegation."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Delegate, DelegateStatus, Delegation, DelegationInvitation
from app.models._types import utcnow
from app.services.audit import Actor
from app.services.liaison import issue_invitation
from app.services.links import invitation_token
from app.services.registration import Application, register_delegate
from registration_support import html_part, image_bytes, link_in, mails, member_data, text_part
from support import csrf_token


def delegation(code: str) -> Delegation:
    return db.session.scalar(select(Delegation).where(Delegation.country == code))


def invite(client, login, country="TH", name="Somchai Rattanakul", email="somchai.r@example.th"):
    """An administrator sends the invitation from the admin page; returns the mailed link."""
    login("admin")
    url = "/admin/events/amim22/invitations"
    response = client.post(url, data={"csrf_token": csrf_token(client, url),
                                      "delegation": str(delegation(country).id),
                                      "liaison_name": name, "liaison_email": email})
    assert response.status_code == 302, response.get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client, url)})
    mail = mails()[-1]
    assert mail["To"] == email
    return link_in(mail, r"https?://\S+/liaison/\S+")


def test_an_invited_liaison_officer_adds_a_member_with_a_photo_and_follows_them(
        client, event, login, photo_jpeg):
    link = invite(client, login)
    invitation_mail = mails()[-1]
    assert "Thailand" in invitation_mail["Subject"] and link in html_part(invitation_mail)

    page = client.get(link).get_data(as_text=True)
    assert "Thailand delegation" in page and "No members yet" in page

    add_url = link + "/add"
    data = member_data(client, add_url)
    data["photo"] = (io.BytesIO(photo_jpeg), "pim.jpg", "image/jpeg")
    response = client.post(add_url, data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    person = db.session.scalar(select(Delegate))
    assert person.country == "TH" and person.delegation.country == "TH"
    assert person.phone == "+66891112222" and person.photo_file
    assert person.status is DelegateStatus.SUBMITTED
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "delegate.registered"))
    assert audit.actor == "liaison:somchai.r@example.th"
    # The member gets their own confirmation with their private link.
    confirmation = mails()[-1]
    assert confirmation["To"] == "pimchanok.s@example.th"
    assert person.reference in text_part(confirmation)

    page = client.get(link).get_data(as_text=True)
    assert "Pimchanok Srisuk" in page and person.reference in page and "Under review" in page
    assert "Replace photo" in page and "Still missing" in page


def test_the_liaison_page_lists_only_its_own_delegation(client, event, login):
    register_delegate(event, Application(given_name="Budi", family_name="Santoso", country="ID",
                                         category_code="D", email="budi@example.id",
                                         organisation="BAIS"), None, Actor.cli("test"))
    self_registered = register_delegate(event, Application(
        given_name="Somsak", family_name="Dee", country="TH", category_code="D",
        email="somsak@example.th", organisation="AFSC"), None, Actor.cli("test"))
    link = invite(client, login)
    page = client.get(link).get_data(as_text=True)
    assert "Somsak Dee" in page and self_registered.reference in page
    assert "Budi" not in page
    budi = db.session.scalar(select(Delegate).where(Delegate.country == "ID"))
    response = client.get(f"{link}/members/{budi.id}/photo")
    assert response.status_code == 404 and "not a member of your delegation" in response.get_data(as_text=True)


def test_the_liaison_officer_sees_notes_only_on_applications_they_filed(client, event, login):
    from app.services.vetting import request_information
    self_registered = register_delegate(event, Application(
        given_name="Somsak", family_name="Dee", country="TH", category_code="D",
        email="somsak@example.th", organisation="AFSC"), None, Actor.public("applicant"))
    link = invite(client, login)
    client.post(f"{link}/add", data=member_data(client, f"{link}/add"),
                content_type="multipart/form-data")
    filed = db.session.scalar(select(Delegate).where(Delegate.id != self_registered.id))
    officer = Actor.cli("test")
    request_information(self_registered, "Private: your clearance file mentions 2019.", officer,
                        seen_revision=self_registered.revision)
    request_information(filed, "Please send a photo without glasses.", officer,
                        seen_revision=filed.revision)
    page = client.get(link).get_data(as_text=True)
    assert "More information needed" in page
    assert "Please send a photo without glasses." in page
    assert "clearance file" not in page


def test_the_liaison_officer_uploads_a_photo_for_a_member_who_has_none(client, event, login):
    person = register_delegate(event, Application(
        given_name="Somsak", family_name="Dee", country="TH", category_code="D",
        email="somsak@example.th", organisation="AFSC"), None, Actor.cli("test"))
    link = invite(client, login)
    url = f"{link}/members/{person.id}/photo"
    response = client.post(url, data={"csrf_token": csrf_token(client, url),
                                      "photo": (io.BytesIO(b"%PDF-1.7 renamed"), "x.jpg")},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and "not a readable image" in response.get_data(as_text=True)
    response = client.post(url, data={"csrf_token": csrf_token(client, url),
                                      "photo": (io.BytesIO(image_bytes((800, 1000))), "x.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.photo_file
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "delegate.photo_replaced")).actor == "liaison:somchai.r@example.th"


def test_the_liaison_export_has_the_members_but_no_passport_numbers(client, event, login):
    register_delegate(event, Application(
        given_name="Somsak", family_name="=cmd|' /C calc'!A0", country="TH", category_code="D",
        email="somsak@example.th", organisation="AFSC", passport_number="AA1234567"),
        None, Actor.cli("test"))
    link = invite(client, login)
    response = client.get(link + "/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [r["given_name"] for r in rows] == ["Somsak"]
    assert rows[0]["family_name"] == "'=cmd|' /C calc'!A0"
    assert "passport_number" not in rows[0] and b"AA1234567" not in response.data
    xlsx = client.get(link + "/export.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "delegates.exported"))


def test_a_full_delegation_refuses_the_liaison_officer_too(client, event, login):
    delegation("TH").max_members = 0
    db.session.commit()
    link = invite(client, login)
    response = client.post(link + "/add", data=member_data(client, link + "/add"),
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "delegation is full" in response.get_data(as_text=True)
    assert db.session.scalar(select(Delegate)) is None


def test_a_withdrawn_invitation_stops_working_at_once(client, event, login):
    link = invite(client, login)
    assert client.get(link).status_code == 200
    invitation = db.session.scalar(select(DelegationInvitation))
    login("admin")
    url = "/admin/events/amim22/invitations"
    listing = client.get(url).get_data(as_text=True)
    assert link in listing and "active" in listing and "Somchai Rattanakul" in listing
    response = client.post(f"/admin/invitations/{invitation.id}/revoke",
                           data={"csrf_token": csrf_token(client, url)})
    assert response.status_code == 302
    assert "withdrawn" in client.get(url).get_data(as_text=True)
    for path in ("", "/add", "/export.csv"):
        response = client.get(link + path)
        assert response.status_code == 404
        assert "withdrawn" in response.get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "invitation.revoked"))


def test_expired_and_tampered_invitation_links_are_refused(client, event, staff):
    invitation = issue_invitation(delegation("TH"), "Somchai", "somchai@example.th",
                                  Actor.staff(staff("admin")))
    token = invitation_token(invitation)
    assert client.get(f"/liaison/{token}").status_code == 200
    assert client.get(f"/liaison/{token[:-3]}xyz").status_code == 404
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.get(f"/liaison/{token}")
    assert response.status_code == 404 and "expired" in response.get_data(as_text=True)


def test_only_administrators_issue_invitations(client, event, login):
    login("accreditation")
    assert client.get("/admin/events/amim22/invitations").status_code == 403


def test_a_liaison_officer_cannot_add_members_after_registration_closes(client, event, login):
    from datetime import datetime, timedelta, timezone
    link = invite(client, login)
    event.registration_closes_at = datetime.now(timezone.utc) - timedelta(hours=1)
    db.session.commit()
    response = client.post(link + "/add", data=member_data(client, link + "/add"),
                           content_type="multipart/form-data")
    assert "Registration for this event is closed" in response.get_data(as_text=True)
    assert db.session.scalar(select(Delegate)) is None
