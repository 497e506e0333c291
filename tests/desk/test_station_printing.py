"""Desk stations bound to a CUPS printer queue: Print sends the badge straight to the printer, and
a printer that cannot print leaves the badge unprinted. Real CUPS and cups-pdf, no stand-ins."""
from __future__ import annotations

import re
import time

import pypdfium2
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Badge, PrintJob, Station
from badges import load_layout
from cups_support import (print_from_person_page, printed_pdf, require_cups_queue, set_up_station,
                          stopped_queue, use_station)
from support import csrf_token, hidden_fields, make_person, qr_codes_in_pdf

MM = 72 / 25.4


def test_a_desk_prints_straight_to_its_printer_and_the_pdf_from_the_queue_is_the_badge(
        client, event, login):
    queue = require_cups_queue()
    login("desk")
    station = set_up_station(client, printer_queue=queue, layout="cr80-portrait")
    assert station.printer_queue == queue and station.layout == "cr80-portrait"
    use_station(client, station)
    person = make_person(event, stage="approved")
    assert f"Prints to <strong>{queue}</strong>" in client.get(f"/desk/people/{person.id}").get_data(
        as_text=True)

    page = print_from_person_page(client, person).get_data(as_text=True)

    badge = db.session.scalar(select(Badge))
    job = db.session.scalar(select(PrintJob))
    assert badge.printed_at is not None and badge.handed_over_at is None
    assert job.badge_id == badge.id and job.queue == queue and job.job.startswith(f"{queue}-")
    assert f"Badge {badge.serial} sent to printer {queue} (job {job.job})." in page
    assert job.job in page  # the person's page lists the job and its state
    printed = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "badge.printed"))
    assert printed.after == {"serial": badge.serial, "station": "Desk 1", "job": job.job}

    pdf = printed_pdf(job.job)
    document = pypdfium2.PdfDocument(pdf)
    try:
        width, height = document[0].get_size()
    finally:
        document.close()
    stock = load_layout("cr80-portrait")
    # Ghostscript in cups-pdf rounds the page to whole points.
    assert abs(width - stock.width_mm * MM) <= 1 and abs(height - stock.height_mm * MM) <= 1
    assert qr_codes_in_pdf(pdf) == [badge.code]
    # The person's page follows the job through CUPS to its end.
    for _ in range(60):
        if "Finished" in client.get(f"/desk/people/{person.id}").get_data(as_text=True):
            break
        time.sleep(0.5)
    else:
        raise AssertionError(f"job {job.job} never shown as finished")
    assert job.job in client.get(f"/desk/stations/{station.id}").get_data(as_text=True)


def test_a_stopped_printer_is_named_and_the_badge_is_not_printed(client, event, login):
    login("desk")
    with stopped_queue("Out of cards") as queue:
        station = set_up_station(client, printer_queue=queue)
        use_station(client, station)
        person = make_person(event, stage="approved")
        page = print_from_person_page(client, person).get_data(as_text=True)
    assert f"Printer “{queue}” is stopped (Out of cards); the badge was not printed." in page
    # Not even issued: the first badge exists only once a printer took it.
    assert db.session.scalar(select(Badge)) is None
    assert db.session.scalar(select(PrintJob)) is None
    assert not db.session.scalars(select(AuditEvent).where(
        AuditEvent.action.in_(["badge.issued", "badge.printed"]))).all()


def test_a_printer_refusing_jobs_is_named_and_the_badge_is_not_printed(client, event, login):
    login("desk")
    with stopped_queue("Maintenance", stop="cupsreject") as queue:
        use_station(client, set_up_station(client, printer_queue=queue))
        person = make_person(event, stage="approved")
        page = print_from_person_page(client, person).get_data(as_text=True)
    assert f"Printer “{queue}” does not accept jobs (Maintenance); the badge was not printed." in page
    assert db.session.scalar(select(Badge)) is None


def test_a_reprint_to_a_stopped_printer_keeps_the_old_badge_working(client, event, login):
    login("desk")
    person = make_person(event, stage="badged")
    old = person.current_badge
    with stopped_queue() as queue:
        use_station(client, set_up_station(client, printer_queue=queue))
        action = f"/desk/people/{person.id}/reprint"
        fields = hidden_fields(client, f"/desk/people/{person.id}", action)
        page = client.post(action, data={**fields, "reason": "damaged", "confirm": "y"},
                           follow_redirects=True).get_data(as_text=True)
    assert "is stopped" in page
    assert old.revoked_at is None and person.current_badge.id == old.id


def test_a_print_server_that_is_away_gets_a_clear_message(app, client, event, login):
    login("desk")
    station = Station(event=event, name="Desk 9", printer_queue="LanyardPDF")
    db.session.add(station)
    db.session.commit()
    use_station(client, station)
    person = make_person(event, stage="approved")
    app.config["LANYARD_CUPS_SERVER"] = "127.0.0.1:9"  # nothing listens there
    page = print_from_person_page(client, person).get_data(as_text=True)
    assert "The print server (CUPS) is not running or cannot be reached; nothing was printed." in page
    assert db.session.scalar(select(Badge)) is None


def test_a_queue_the_print_server_does_not_have_gets_a_clear_message(client, event, login):
    require_cups_queue()
    login("desk")
    station = Station(event=event, name="Desk 9", printer_queue="NoSuchPrinter")
    db.session.add(station)
    db.session.commit()
    use_station(client, station)
    person = make_person(event, stage="approved")
    page = print_from_person_page(client, person).get_data(as_text=True)
    assert "The print server has no printer queue “NoSuchPrinter”; nothing was printed." in page
    assert db.session.scalar(select(Badge)) is None


def test_the_printer_choices_are_the_queues_cups_reports(client, event, login):
    queue = require_cups_queue()
    login("desk")
    page = client.get("/desk/stations").get_data(as_text=True)
    assert re.search(rf'<option value="{queue}">{queue}</option>', page)
    assert set_up_station(client, printer_queue="NotAQueue") is None  # not offered, not taken


def test_a_stock_that_does_not_fit_the_sheet_is_refused(client, event, login):
    login("desk")
    page = client.post("/desk/stations", data={
        "csrf_token": csrf_token(client, "/desk/stations"), "name": "Desk 2",
        "printer_queue": "", "layout": "a6-portrait", "sheet": "a4-2x5-cr80"}).get_data(as_text=True)
    assert "Badges in a6-portrait do not fit the cells of a4-2x5-cr80." in page
    assert db.session.scalar(select(Station)) is None


def test_without_a_printer_the_badge_opens_as_pdf_in_the_browser(client, event, login):
    login("desk")
    use_station(client, set_up_station(client, name="Desk 3"))
    person = make_person(event, stage="approved")
    response = print_from_person_page(client, person, follow=False)
    assert response.mimetype == "application/pdf"
    assert qr_codes_in_pdf(response.data) == [db.session.scalar(select(Badge)).code]


def test_a_forged_station_cookie_is_ignored(client, event, login):
    from app.services.stations import STATION_COOKIE
    login("desk")
    set_up_station(client, name="Desk 4")
    client.set_cookie(STATION_COOKIE, '{"s": 1}')
    person = make_person(event, stage="approved")
    assert "Badges open as PDF in the browser" in client.get(f"/desk/people/{person.id}").get_data(
        as_text=True)


def test_station_setup_is_in_the_audit_trail(client, event, login):
    login("admin")
    station = set_up_station(client, name="Kiosk A", sheet="a4-2x5-cr80")
    entry = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "station.set_up"))
    assert entry.object_id == station.id and entry.after["sheet"] == "a4-2x5-cr80"


@pytest.mark.parametrize("role", ["door", "accreditation", "security"])
def test_other_staff_may_not_set_up_stations(client, login, role):
    login(role)
    assert client.get("/desk/stations").status_code == 403
