"""Retiring a desk station no longer used: an admin confirms it on the station's page; it leaves
the stations offered, prints nothing more, a kiosk open on it closes, and its print jobs stay."""
from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Badge, PrintJob
from app.services.kiosk import CLOSED
from cups_support import (print_from_person_page, require_cups_queue, retire_station, set_up_station,
                          use_station)
from security_support import client_as
from support import PASSWORD, csrf_token, hidden_fields, make_person


def offered(client) -> list[str]:
    """The stations the Stations page offers to use in this browser."""
    page = client.get("/desk/stations").get_data(as_text=True)
    table = re.search(r'<table class="list">(.*?)</table>', page, re.S)
    return re.findall(r'<tr><td><a href="/desk/stations/\d+">([^<]+)</a>', table.group(1)) if table else []


def test_an_admin_retires_a_station_once_confirmed_and_it_is_offered_no_more(client, login, event):
    admin = login("admin")
    desk_2 = set_up_station(client, name="Desk 2")
    set_up_station(client, name="Desk 3")
    opened_before = hidden_fields(client, f"/desk/stations/{desk_2.id}", f"/desk/stations/{desk_2.id}/retire")
    unticked = retire_station(client, desk_2, confirm=False).get_data(as_text=True)
    assert "Tick the box to confirm; the station was not retired." in unticked
    assert offered(client) == ["Desk 2", "Desk 3"]

    page = retire_station(client, desk_2).get_data(as_text=True)

    assert "Station “Desk 2” is retired: it prints nothing more." in page
    assert f"by {admin.email}: it prints nothing more and is offered no more" in page
    for gone in ("Use this station in this browser", "Open kiosk mode", "Retire station", "Save"):
        assert gone not in page
    assert offered(client) == ["Desk 3"]
    stations = client.get("/desk/stations").get_data(as_text=True)
    assert re.search(r'<ul class="plain retired-stations">\s*<li><a href="/desk/stations/%d">Desk 2</a>, '
                     r"retired \d\d \w{3} \d{4} \d\d:\d\d</li>" % desk_2.id, stations)
    entry = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "station.retired"))
    assert (entry.object_id, entry.actor_id) == (desk_2.id, admin.id)
    trail = client.get("/security/audit?what=station.retired").get_data(as_text=True)
    assert "retired station Desk 2" in re.sub(r"<[^>]+>", "", trail)
    # Retired once: a second press, on the page opened before, changes nothing.
    again = client.post(f"/desk/stations/{desk_2.id}/retire", data={**opened_before, "confirm": "y"},
                        follow_redirects=True).get_data(as_text=True)
    assert "Station “Desk 2” is retired: nothing prints there any more." in again
    assert len(db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "station.retired")).all()) == 1
    # Its name stays its own, so the record never names two stations alike.
    refused = client.post("/desk/stations", data={"csrf_token": csrf_token(client, "/desk/stations"),
                                                  "name": "Desk 2", "printer_queue": "", "layout": "",
                                                  "sheet": ""}).get_data(as_text=True)
    assert "A retired station is called “Desk 2”; name this one differently." in refused


def test_only_an_admin_may_retire_a_station(app, client, login, staff, event):
    login("desk")
    station = set_up_station(client, name="Desk 2")
    page = client.get(f"/desk/stations/{station.id}").get_data(as_text=True)
    assert "Retire station" not in page
    admin_page = client_as(app, staff, "admin").get(f"/desk/stations/{station.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert "Retire station Desk 2" in admin_page
    response = client.post(f"/desk/stations/{station.id}/retire", data={"csrf_token": token,
                                                                          "confirm": "y"})
    assert response.status_code == 403
    assert client.post(f"/desk/stations/{station.id}/retire", data={"confirm": "y"}).status_code == 400
    db.session.refresh(station)
    assert station.retired_at is None


def test_a_retired_station_prints_nothing_and_keeps_its_print_jobs(app, client, login, staff, event):
    queue = require_cups_queue()
    login("desk")
    station = set_up_station(client, name="Desk 1", printer_queue=queue)
    use_station(client, station)
    first = make_person(event, stage="approved", given_name="Dewi", family_name="Lestari")
    print_from_person_page(client, first)
    job = db.session.scalar(select(PrintJob))
    second = make_person(event, stage="approved", given_name="Linh", family_name="Tran", country="VN")
    print_form = hidden_fields(client, f"/desk/people/{second.id}", f"/desk/people/{second.id}/print")

    retire_station(client_as(app, staff, "admin"), station)

    person_page = client.get(f"/desk/people/{second.id}").get_data(as_text=True)
    assert "This browser is station Desk 1, which is retired: nothing prints here." in person_page
    # Print pressed on the page opened before the station was retired:
    page = client.post(f"/desk/people/{second.id}/print", data=print_form,
                       follow_redirects=True).get_data(as_text=True)
    assert "Station “Desk 1” is retired: nothing prints there any more." in page
    assert db.session.scalars(select(Badge)).all() == [job.badge]  # the second got none
    assert db.session.scalars(select(PrintJob)).all() == [job]
    db.session.refresh(job)
    assert job.station_id == station.id
    assert job.job in client.get(f"/desk/stations/{station.id}").get_data(as_text=True)
    assert "which is retired" in client.get("/desk/stations").get_data(as_text=True)
    client.post("/desk/stations/forget", data=hidden_fields(client, "/desk/stations", "/desk/stations/forget"))
    assert "Badges open as PDF in the browser" in client.get(f"/desk/people/{second.id}").get_data(as_text=True)


def test_a_retired_station_cannot_be_chosen_from_a_page_opened_before(app, client, login, staff, event):
    queue = require_cups_queue()
    login("desk")
    station = set_up_station(client, name="Kiosk by the lifts", printer_queue=queue)
    station_page = f"/desk/stations/{station.id}"
    use = hidden_fields(client, station_page, f"{station_page}/use")
    kiosk = hidden_fields(client, station_page, f"{station_page}/kiosk")
    retire_station(client_as(app, staff, "admin"), station)

    used = client.post(f"{station_page}/use", data=use, follow_redirects=True).get_data(as_text=True)
    assert "Station “Kiosk by the lifts” is retired" in used and "This browser is station" not in used
    opened = client.post(f"{station_page}/kiosk", data=kiosk, follow_redirects=True)
    assert "Station “Kiosk by the lifts” is retired" in opened.get_data(as_text=True)
    assert client.get("/desk/").status_code == 200  # still logged in at the desk, no kiosk
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.action == "kiosk.opened")).all()


def test_a_kiosk_open_on_a_retired_station_stops_with_a_clear_message(app, client, login, staff, event):
    queue = require_cups_queue()
    login("desk")
    station = set_up_station(client, name="Kiosk by the lifts", printer_queue=queue)
    url = f"/desk/stations/{station.id}/kiosk"
    client.post(url, data=hidden_fields(client, f"/desk/stations/{station.id}", url))
    person = make_person(event, stage="approved")
    found = client.post("/kiosk/", data={"csrf_token": csrf_token(client, "/kiosk/"),
                                         "code": person.reference}).get_data(as_text=True)
    assert "Yes, print my badge" in found  # the delegate is about to confirm...
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', found).group(1)

    retire_station(client_as(app, staff, "admin"), station)  # ...when an admin retires the station

    confirmed = client.post("/kiosk/print", data={"csrf_token": token}).get_data(as_text=True)
    assert CLOSED in confirmed and "Kiosk closed" in confirmed
    assert db.session.scalar(select(Badge)) is None
    start = client.get("/kiosk/").get_data(as_text=True)
    assert CLOSED in start and 'name="code"' not in start
    # Staff still close it with their login, and land on the station's page.
    response = client.post("/kiosk/leave", data={"csrf_token": csrf_token(client, "/kiosk/leave"),
                                                 "email": staff("desk").email,
                                                 "password": PASSWORD})
    assert response.headers["Location"] == f"/desk/stations/{station.id}"
    assert "Retired" in client.get(response.headers["Location"]).get_data(as_text=True)
