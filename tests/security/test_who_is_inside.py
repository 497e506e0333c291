"""The security office sees who is inside each zone, prints a roll-call and downloads it."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.services import events
from app.services.audit import Actor
from security_support import client_as, csv_rows, holder, printed_names, scan, section
from support import PASSWORD, csrf_token

ACTOR = Actor.cli("test")


def zone_id(event, code: str) -> str:
    return str(next(zone.id for zone in event.zones if zone.code == code))


@pytest.fixture
def people(event):
    """Two delegates and an observer; the observer's badge opens the plenary only."""
    return {"dewi": holder(event, "Dewi", "Lestari"),
            "somchai": holder(event, "Somchai", "Wongsakul", country="TH", native_name="สมชาย วงศ์สกุล"),
            "linh": holder(event, "Linh", "Tran", country="VN", category_code="O")}


def test_security_staff_land_on_who_is_inside_and_find_it_in_the_navigation(client, staff):
    user = staff("security")
    answer = client.post("/login", data={"csrf_token": csrf_token(client, "/login"), "email": user.email,
                                         "password": PASSWORD})
    assert answer.status_code == 302 and answer.headers["Location"] == "/security/"
    page = client.get("/security/").get_data(as_text=True)
    assert 'href="/security/">Security</a>' in page and 'href="/door/">Door</a>' in page
    assert client.get("/door/").status_code == 200  # security staff keep the door page


def test_door_staff_see_no_security_link(client, login):
    login("door")
    assert "/security/" not in client.get("/door/").get_data(as_text=True)


def test_people_entering_and_leaving_show_up_and_disappear_in_their_zones(client, login, event, people):
    dewi, somchai, linh = (people[name].current_badge.code for name in ("dewi", "somchai", "linh"))
    for code in (dewi, somchai, linh):
        scan(event, code, "MAIN")
    scan(event, dewi, "PLENARY")
    scan(event, linh, "PLENARY")
    scan(event, somchai, "BILAT")
    scan(event, somchai, "MAIN", "out")
    login("security")
    page = client.get("/security/").get_data(as_text=True)
    assert printed_names(section(page, "venue")) == ["Dewi Lestari", "Linh Tran"]
    assert printed_names(section(page, zone_id(event, "1"))) == ["Dewi Lestari", "Linh Tran"]
    # Leaving the venue by its main door is not leaving the bilateral rooms: presence is per zone.
    assert printed_names(section(page, zone_id(event, "2"))) == ["Somchai Wongsakul"]
    assert "สมชาย วงศ์สกุล" in section(page, zone_id(event, "2"))
    assert "Nobody inside." in section(page, zone_id(event, "6"))

    scan(event, dewi, "PLENARY", "out")
    scan(event, somchai, "BILAT", "out")
    page = client.get("/security/").get_data(as_text=True)
    assert printed_names(section(page, zone_id(event, "1"))) == ["Linh Tran"]
    assert "Nobody inside." in section(page, zone_id(event, "2"))
    assert printed_names(section(page, "venue")) == ["Dewi Lestari", "Linh Tran"]
    plenary = section(page, zone_id(event, "1"))
    assert "Plenary hall door" in plenary and "Observer" in plenary and "Vietnam" in plenary


def test_a_refused_entry_puts_nobody_inside(client, login, event, people):
    # Linh is an observer: no access to the bilateral rooms.
    assert scan(event, people["linh"].current_badge.code, "BILAT").verdict.value == "wrong_checkpoint"
    login("security")
    page = client.get("/security/").get_data(as_text=True)
    assert "Nobody inside." in section(page, zone_id(event, "2"))


def test_the_roll_call_print_view_lists_exactly_those_inside(client, login, event, people):
    for name in ("dewi", "linh"):
        scan(event, people[name].current_badge.code, "PLENARY")
    scan(event, people["somchai"].current_badge.code, "MAIN")
    login("security")
    response = client.get(f"/security/roll-call?event={event.slug}&zone={zone_id(event, '1')}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert printed_names(page) == ["Dewi Lestari", "Linh Tran"]
    assert page.count('class="tick-box"') == 2
    assert page.count('class="thumb large"') == 2 and 'loading="lazy"' not in page
    assert f'src="/security/people/{people["dewi"].id}/photo"' in page
    assert "Evacuation roll-call: Zone 1: Plenary hall" in page and "venue time (Asia/Kuala_Lumpur)" in page
    assert '<body class="roll-call">' in page
    css = client.get("/static/lanyard.css").get_data(as_text=True)
    assert "@media print" in css and "body.roll-call .topbar" in css


def test_the_roll_call_csv_lists_exactly_those_inside_per_zone_and_for_all(client, login, event, people):
    scan(event, people["dewi"].current_badge.code, "PLENARY")
    scan(event, people["somchai"].current_badge.code, "MAIN")
    scan(event, people["linh"].current_badge.code, "MAIN")
    scan(event, people["linh"].current_badge.code, "MAIN", "out")
    login("security")
    plenary = csv_rows(client.get(f"/security/roll-call.csv?zone={zone_id(event, '1')}"))
    assert [(r["zone"], r["name"], r["door"]) for r in plenary] == [
        ("Zone 1: Plenary hall", "Dewi Lestari", "Plenary hall door")]
    assert plenary[0]["badge"] == people["dewi"].current_badge.serial
    assert plenary[0]["entered_at"].endswith("+08:00")  # the venue's clock, offset stated
    everyone = csv_rows(client.get("/security/roll-call.csv"))
    assert [(r["zone"], r["name"]) for r in everyone] == [
        ("Venue", "Somchai Wongsakul"), ("Zone 1: Plenary hall", "Dewi Lestari")]
    venue = client.get("/security/roll-call.csv?zone=venue")
    assert [r["name"] for r in csv_rows(venue)] == ["Somchai Wongsakul"]
    assert "private, no-store" in venue.headers["Cache-Control"]
    assert client.get("/security/roll-call.csv?zone=999999").status_code == 404
    assert client.get("/security/roll-call?zone=nowhere").status_code == 404


def test_roll_call_csv_cells_cannot_run_as_formulas(client, login, event):
    person = holder(event, "Dewi", "Lestari", printed_name="-Lestari Dewi")
    scan(event, person.current_badge.code)
    login("security")
    assert [r["name"] for r in csv_rows(client.get("/security/roll-call.csv?zone=venue"))] == [
        "'-Lestari Dewi"]


def test_photos_on_these_pages_need_the_security_role_and_are_never_cached(app, client, staff, event,
                                                                          people):
    scan(event, people["dewi"].current_badge.code)
    url = f"/security/people/{people['dewi'].id}/photo"
    assert client.get(url).status_code == 302  # to the login page
    for role in ("door", "desk", "accreditation"):
        assert client_as(app, staff, role).get(url).status_code == 403, role
    client = client_as(app, staff, "security")
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.headers["Cache-Control"] == "private, no-store"
    # Someone no door has seen is not on these pages: the same 404 as no one at all.
    assert client.get(f"/security/people/{people['linh'].id}/photo").status_code == 404
    assert client.get("/security/people/999999/photo").status_code == 404


def test_the_newest_event_is_shown_and_another_can_be_chosen(client, login, event, people):
    older = events.create_event(events.EventDetails(
        slug="amim21", name="21st ASEAN Military Intelligence Meeting",
        starts_on=date.today() - timedelta(days=365), ends_on=date.today() - timedelta(days=363),
        timezone="Asia/Bangkok"), ACTOR)
    scan(event, people["dewi"].current_badge.code)
    login("security")
    newest = client.get("/security/").get_data(as_text=True)
    assert "22nd ASEAN Military Intelligence Meeting" in newest and printed_names(newest) == ["Dewi Lestari"]
    chosen = client.get(f"/security/?event={older.slug}").get_data(as_text=True)
    assert "21st ASEAN Military Intelligence Meeting</h1>" in chosen and printed_names(chosen) == []
    assert client.get("/security/?event=nope").status_code == 404

