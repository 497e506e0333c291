"""The self-service kiosk, driven as desk staff open it and as delegates use it: the code of the
approval e-mail or a reference, the photo and name, confirm, print; and everyone it sends to the
desk, with nothing about anyone shown."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Badge, PrintJob, Station
from app.services.audit import Actor
from app.services.kiosk import NOT_HERE, SEE_DESK
from app.services.links import kiosk_code
from app.services.mail import outbox_messages
from app.services.notifications import notify_decision
from cups_support import printed_pdf, require_cups_queue, stopped_queue
from support import PASSWORD, csrf_token, hidden_fields, make_person, qr_codes_in_pdf

DONE = "show your passport at the\naccreditation desk to activate it"


def open_kiosk(client, login, event, queue: str = "LanyardPDF", role: str = "desk") -> Station:
    """A staff member sets up a station and opens kiosk mode on this browser."""
    login(role)
    station = Station(event=event, name="Kiosk by the lifts", printer_queue=queue)
    db.session.add(station)
    db.session.commit()
    url = f"/desk/stations/{station.id}/kiosk"
    response = client.post(url, data=hidden_fields(client, f"/desk/stations/{station.id}", url))
    assert response.headers["Location"] == "/kiosk/"
    return station


def enter(client, code: str) -> str:
    return client.post("/kiosk/", data={"csrf_token": csrf_token(client, "/kiosk/"),
                                        "code": code}).get_data(as_text=True)


def confirm(client, page: str) -> str:
    """Press "Yes, print my badge" on the page `enter` showed."""
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return client.post("/kiosk/print", data={"csrf_token": token}).get_data(as_text=True)


def kiosk_code_from_email(person) -> tuple[str, str]:
    """(the code the e-mail's inline QR image decodes to, the plain-text part)."""
    notify_decision(person)
    message = outbox_messages()[-1]
    html = message.get_body(("html",)).get_content()
    image = next(part for part in message.walk() if part.get_content_type() == "image/png")
    assert f'src="cid:{image["Content-ID"].strip("<>")}"' in html
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.get_content())))
    return decoded[0].text, message.get_body(("plain",)).get_content()


def test_a_delegate_prints_their_badge_with_the_code_of_their_approval_email(
        client, event, login):
    queue = require_cups_queue()
    person = make_person(event, stage="approved", given_name="Siti", family_name="Rahmawati")
    scanned, text = kiosk_code_from_email(person)
    assert scanned == kiosk_code(person) and scanned in text
    assert scanned.isalnum() and scanned.isupper()  # a keyboard-wedge scanner types it on any layout
    station = open_kiosk(client, login, event, queue)
    assert client.get("/desk/").status_code == 302  # the staff member is logged out here

    page = enter(client, scanned)
    assert "Is this you?" in page and "Siti Rahmawati" in page
    assert client.get("/kiosk/photo").mimetype == "image/jpeg"
    page = confirm(client, page)

    assert DONE in page
    badge = db.session.scalar(select(Badge))
    # Printed, not handed over: nobody checked a passport, so doors refuse it until the desk does.
    assert badge.printed_at is not None and badge.handed_over_at is None
    job = db.session.scalar(select(PrintJob))
    assert job.from_kiosk and job.station_id == station.id and job.submitted_by_id is None
    assert qr_codes_in_pdf(printed_pdf(job.job)) == [badge.code]
    trail = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    kiosk = [(e.action, e.actor) for e in trail if e.actor.startswith("kiosk:")]
    assert kiosk == [("kiosk.found", "kiosk:Kiosk by the lifts"),
                     ("badge.issued", "kiosk:Kiosk by the lifts"),
                     ("badge.printed", "kiosk:Kiosk by the lifts")]
    assert trail[-1].after["kiosk"] is True
    # The next delegate sees nothing of this one.
    assert client.get("/kiosk/photo").status_code == 404


def test_the_door_refuses_a_kiosk_badge_until_the_desk_hands_it_over(client, event, login):
    from app.models import Checkpoint, ScanDirection, ScanVerdict
    from app.services.checkin import record_scan
    require_cups_queue()
    person = make_person(event, stage="approved")
    open_kiosk(client, login, event)
    confirm(client, enter(client, person.reference))
    badge = db.session.scalar(select(Badge))
    checkpoint = db.session.scalar(select(Checkpoint).where(Checkpoint.code == "MAIN"))
    outcome = record_scan(checkpoint, badge.code, ScanDirection.IN, Actor.cli("test"))
    assert outcome.verdict is ScanVerdict.NOT_HANDED_OVER


def test_typing_the_reference_code_finds_the_delegate(client, event, login):
    person = make_person(event, stage="approved", given_name="Somchai", family_name="Rattanakul")
    open_kiosk(client, login, event)
    page = enter(client, person.reference.lower())
    assert "Somchai Rattanakul" in page
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "kiosk.found")
                             ).after == {"station": "Kiosk by the lifts", "by": "reference"}


@pytest.mark.parametrize("stage,message,reason", [
    ("submitted", SEE_DESK, "not_ready"),
    ("badged", SEE_DESK, "has_badge"),
    ("handed_over", SEE_DESK, "has_badge"),
])
def test_people_not_ready_or_with_a_badge_are_sent_to_the_desk(client, event, login, stage,
                                                               message, reason):
    person = make_person(event, stage=stage, given_name="Aung", family_name="Kyaw Min")
    badges_before = db.session.scalars(select(Badge)).all()
    open_kiosk(client, login, event)
    page = enter(client, person.reference)
    assert message in page and "Aung" not in page and "Kyaw" not in page
    assert client.get("/kiosk/photo").status_code == 404
    assert db.session.scalars(select(Badge)).all() == badges_before
    refused = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "kiosk.refused"))
    assert refused.after["reason"] == reason and refused.object_id == person.id


def test_unknown_forged_and_other_events_codes_print_nothing(app, client, event, login):
    from datetime import date

    from app.services import events
    person = make_person(event, stage="approved")
    actor = Actor.cli("test")
    other_event = events.create_event(events.EventDetails(
        slug="other", name="Other meeting", starts_on=date.today(), ends_on=date.today(),
        timezone="Asia/Kuala_Lumpur"), actor)
    events.add_delegation(other_event, "SG", None, actor)
    events.add_category(other_event, "D", "Delegate", "#D32F2F", True, [], actor)
    stranger = make_person(other_event, stage="approved", country="SG", given_name="Tan",
                           family_name="Wei Ming")
    real = kiosk_code(person)
    forged = real[:-3] + ("AAA" if real[-3:] != "AAA" else "BBB")
    secret = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "someone else's secret"
    foreign = kiosk_code(person)
    app.config["SECRET_KEY"] = secret
    open_kiosk(client, login, event)
    for code, reason in [("ZZZZ2222", "unknown"), (forged, "link_invalid"),
                         (foreign, "link_invalid"), ("K1" + "A" * 32, "link_invalid"),
                         ("K1!!", "link_invalid"), (kiosk_code(stranger), "other_event"),
                         (stranger.reference, "other_event")]:
        page = enter(client, code)
        assert NOT_HERE in page, code
        assert "Tan Wei Ming" not in page and "Lestari" not in page
    reasons = [e.after["reason"] for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "kiosk.refused").order_by(AuditEvent.id))]
    assert reasons == ["unknown", "link_invalid", "link_invalid", "link_invalid", "link_invalid",
                       "other_event", "other_event"]
    assert db.session.scalar(select(Badge)) is None


@pytest.mark.app_config(LANYARD_KIOSK_CODE_DAYS_AFTER=-3650)
def test_an_expired_kiosk_code_is_refused(client, event, login):
    person = make_person(event, stage="approved")
    open_kiosk(client, login, event)
    assert "This code has expired. Please go to the accreditation desk." in enter(
        client, kiosk_code(person))


def test_a_stopped_printer_sends_the_delegate_to_the_desk_and_prints_nothing(client, event, login):
    person = make_person(event, stage="approved")
    with stopped_queue() as queue:
        open_kiosk(client, login, event, queue)
        page = confirm(client, enter(client, person.reference))
    assert "The printer is not working right now; your badge was not printed." in page
    assert queue not in page  # the printer's details are for the desk
    assert db.session.scalar(select(Badge)) is None
    refused = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "kiosk.refused"))
    assert refused.after["reason"] == "printer_stopped"


def test_a_kiosk_needs_a_station_with_a_printer(client, event, login):
    login("desk")
    station = Station(event=event, name="Desk 5")
    db.session.add(station)
    db.session.commit()
    url = f"/desk/stations/{station.id}/kiosk"
    page = client.post(url, data=hidden_fields(client, f"/desk/stations/{station.id}", url),
                       follow_redirects=True).get_data(as_text=True)
    assert "has no printer; choose one before opening a kiosk there." in page
    assert client.get("/kiosk/").status_code == 403


def test_an_admin_may_open_a_kiosk(client, event, login):
    open_kiosk(client, login, event, role="admin")
    assert "Print your badge" in client.get("/kiosk/").get_data(as_text=True)


def test_the_kiosk_has_no_staff_menus_and_no_staff_pages(client, event, login):
    person = make_person(event, stage="approved")
    open_kiosk(client, login, event)
    page = client.get("/kiosk/").get_data(as_text=True)
    assert "Front desk" not in page and "Log out" not in page and "autofocus" in page
    for url in ("/desk/", f"/desk/people/{person.id}", "/desk/stations", "/door/", "/admin/"):
        assert client.get(url).status_code == 302, url  # to the login page


def test_leaving_kiosk_mode_takes_desk_or_admin_credentials(client, event, login, staff):
    station = open_kiosk(client, login, event)
    door = staff("door")

    def leave(email, password):
        return client.post("/kiosk/leave", data={"csrf_token": csrf_token(client, "/kiosk/leave"),
                                                 "email": email, "password": password})
    assert "E-mail or password is not right." in leave(staff("desk").email, "wrong").get_data(
        as_text=True)
    assert "Only desk staff or an administrator can close the kiosk." in leave(
        door.email, PASSWORD).get_data(as_text=True)
    assert client.get("/kiosk/").status_code == 200  # still a kiosk
    response = leave(staff("desk").email, PASSWORD)
    assert response.headers["Location"] == f"/desk/stations/{station.id}"
    assert client.get("/kiosk/").status_code == 403 and client.get("/desk/").status_code == 200
    actions = [e.action for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "station").order_by(AuditEvent.id))]
    assert actions == ["kiosk.opened", "kiosk.closed"]


def test_the_kiosk_pages_need_a_kiosk_session(client):
    for url in ("/kiosk/", "/kiosk/photo", "/kiosk/leave"):
        assert client.get(url).headers["Location"].startswith("/login")


def test_the_approval_email_of_someone_not_ready_has_no_kiosk_code(event):
    person = make_person(event, stage="submitted")
    notify_decision(person)
    assert not [m for m in outbox_messages() if "kiosk" in m.get_body(("plain",)).get_content()]


def test_a_kiosk_code_expires_the_day_after_the_event(app, event):
    from app.services.links import delegate_for_kiosk_code
    person = make_person(event, stage="approved")
    code = kiosk_code(person)
    assert delegate_for_kiosk_code(code, event.ends_on + timedelta(days=1)) is person
    with pytest.raises(Exception, match="expired"):
        delegate_for_kiosk_code(code, event.ends_on + timedelta(days=2))


def test_a_delegate_who_got_a_badge_at_the_desk_meanwhile_prints_nothing(client, event, login):
    from app.services.issuance import issue_badge
    person = make_person(event, stage="approved")
    open_kiosk(client, login, event)
    page = enter(client, person.reference)
    issue_badge(person, Actor.cli("test"))  # the desk was quicker
    assert SEE_DESK in confirm(client, page)
    assert len(db.session.scalars(select(Badge)).all()) == 1
    refused = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "kiosk.refused"))
    assert refused.after["reason"] == "has_badge"
