"""The whole path as its users walk it: register, approve, print, scan at the door."""
from __future__ import annotations


from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Badge, Delegate, DelegateStatus, Scan, ScanVerdict
from registration_support import register
from support import csrf_token, pdf_text, qr_codes_in_pdf, hidden_fields


def test_delegate_registers_is_approved_printed_and_accepted_at_the_door(
        client, event, login, photo_jpeg):
    response = register(client, photo_jpeg)
    assert response.status_code == 302
    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    person = db.session.scalar(select(Delegate))
    assert person.reference in thanks
    assert person.status is DelegateStatus.SUBMITTED
    assert person.phone == "+60132221010"
    assert person.photo_file

    login("accreditation")
    queue = client.get("/vetting/queue").get_data(as_text=True)
    assert "Siti Nurhaliza binti Omar" in queue
    response = client.post(f"/vetting/people/{person.id}/approve",
                           data=hidden_fields(client, "/vetting/queue",
                                              f"/vetting/people/{person.id}/approve"))
    assert response.status_code == 302
    db.session.expire_all()
    # Delegates need the security office's clearance too, given by another account.
    assert person.status is DelegateStatus.APPROVED_AWAITING_CLEARANCE
    client.post("/logout", data={"csrf_token": csrf_token(client, "/vetting/queue")})
    login("security")
    page = f"/vetting/people/{person.id}"
    client.post(f"{page}/clear", data=hidden_fields(client, page, f"{page}/clear"))
    assert person.status is DelegateStatus.READY
    client.post("/logout", data={"csrf_token": csrf_token(client, "/vetting/queue")})

    login("desk")
    found = client.get("/desk/?q=siti").get_data(as_text=True)
    assert person.reference in found
    response = client.post(f"/desk/people/{person.id}/print",
                           data=hidden_fields(client, f"/desk/people/{person.id}",
                                              f"/desk/people/{person.id}/print"))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    pdf = response.data
    badge = db.session.scalar(select(Badge))
    assert badge.printed_at is not None
    assert qr_codes_in_pdf(pdf) == [badge.code]
    assert "Siti Nurhaliza binti Omar" in pdf_text(pdf).replace("\n", " ")
    # The code carries nothing personal: it is not derived from the person's data.
    assert person.reference not in badge.code and "SITI" not in badge.code

    def scan_at_the_door():
        login("door")
        token = csrf_token(client, "/door/")
        response = client.post("/api/v1/scans", json={"code": qr_codes_in_pdf(pdf)[0],
                                                      "checkpoint": "MAIN"},
                               headers={"X-CSRFToken": token})
        assert response.status_code == 201
        return response.get_json()

    client.post("/logout", data={"csrf_token": csrf_token(client, "/desk/")})
    # Taken from the printer tray, the badge opens nothing.
    assert scan_at_the_door()["verdict"] == "not_handed_over"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/door/")})
    login("desk")
    page = f"/desk/people/{person.id}"
    client.post(f"/desk/badges/{badge.id}/hand-over",
                data=hidden_fields(client, page, f"/desk/badges/{badge.id}/hand-over"))
    assert badge.handed_over_at is not None
    client.post("/logout", data={"csrf_token": csrf_token(client, "/desk/")})

    body = scan_at_the_door()
    assert body["verdict"] == "accepted" and body["accepted"] is True
    assert body["person"]["name"] == "Siti Nurhaliza binti Omar"
    assert client.get(body["person"]["photo_url"]).mimetype == "image/jpeg"
    assert db.session.scalar(select(Scan).order_by(Scan.id.desc())).verdict is ScanVerdict.ACCEPTED

    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"delegate.registered", "delegate.approved", "badge.issued", "badge.printed",
            "badge.handed_over"} <= actions


def test_registration_with_errors_shows_them_and_stores_nothing(client, event, photo_jpeg):
    response = register(client, photo_jpeg, given_name="", email="not-an-email", consent="")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter the given name, or the only name for a single name." in page
    assert "You need to agree to the privacy notice." in page
    assert db.session.scalar(select(Delegate)) is None


def test_a_non_image_photo_is_refused_with_a_clear_message(client, event):
    response = register(client, b"%PDF-1.4 not a photo")  # a renamed PDF, sent as me.jpg
    assert response.status_code == 400
    assert "not a readable image" in response.get_data(as_text=True)
    assert db.session.scalar(select(Delegate)) is None


def test_door_page_without_javascript_shows_the_verdict(client, event, login):
    login("door")
    page = client.get("/door/").get_data(as_text=True)
    checkpoint_id = event.checkpoints[0].id
    response = client.post("/door/", data={"csrf_token": csrf_token(client, "/door/"),
                                           "checkpoint": str(checkpoint_id), "direction": "in",
                                           "code": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"})
    html = response.get_data(as_text=True)
    assert "REFUSED" in html and "Unknown badge" in html
    assert "Scan a badge" in page


def test_door_page_without_javascript_shows_who_was_let_in(client, event, login):
    from support import make_person
    person = make_person(event, stage="handed_over", given_name="Dewi", family_name="Lestari",
                         honorific="Col.")
    login("door")
    main = next(c for c in event.checkpoints if c.code == "MAIN")
    response = client.post("/door/", data={"csrf_token": csrf_token(client, "/door/"),
                                           "checkpoint": str(main.id), "direction": "in",
                                           "code": person.current_badge.code})
    html = response.get_data(as_text=True)
    assert "ACCEPTED" in html and "COL. DEWI LESTARI" in html.upper()
    assert "Indonesia" in html and person.category.name in html
    scan = db.session.scalar(select(Scan))
    assert f"/door/scans/{scan.id}/photo" in html and scan.verdict is ScanVerdict.ACCEPTED


def test_the_queue_pages_through_a_long_list_of_applications(client, event, login):
    from app.services.audit import Actor
    from app.services.registration import Application, register_delegate
    for i in range(105):
        register_delegate(event, Application(
            given_name=f"Applicant{i:03d}", family_name="Tan", country="SG", category_code="D",
            email=f"a{i}@example.sg", organisation="Singapore Armed Forces"), None,
            Actor.cli("test"), commit=False)
    db.session.commit()
    login("accreditation")
    first = client.get("/vetting/queue").get_data(as_text=True)
    second = client.get("/vetting/queue?status=open&page=2").get_data(as_text=True)
    assert "Applicant000" in first and "Applicant099" in first and "Applicant100" not in first
    assert "Next 100" in first and "Applicant104" in second and "Applicant000" not in second
