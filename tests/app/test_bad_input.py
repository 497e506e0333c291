"""Input no browser or scanner sends (numbers past what a column holds, NUL bytes, lone
surrogates, JSON nested thousands deep, times out of the calendar) gets a clear 400, or 404
for an address, never a 500; and nothing is written."""
from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Delegate, Delegation, Event, Scan
from registration_support import REGISTER_URL, registration_data
from support import csrf_token, make_person

TABLES = (Scan, Delegate, AuditEvent, Delegation, Event)


def rows() -> dict[str, int]:
    """How many rows the tables a request could change hold."""
    return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in TABLES}


@pytest.fixture
def post_scan(client, login):
    """POST a body (an object as JSON, or raw text) to the scan API as door staff."""
    login("door")
    token = csrf_token(client, "/door/")

    def post(body):
        data = body if isinstance(body, str) else json.dumps(body)
        return client.post("/api/v1/scans", data=data, content_type="application/json",
                           headers={"X-CSRFToken": token})
    return post


SCAN = {"code": "A" * 32, "checkpoint": "MAIN", "direction": "in"}
DEEP = "[" * 5000 + "]" * 5000


@pytest.mark.parametrize("body,error", [
    ({**SCAN, "checkpoint": 2**31}, "unknown_checkpoint"),
    ({**SCAN, "checkpoint": 2**63}, "unknown_checkpoint"),
    ({**SCAN, "checkpoint": 2**64}, "unknown_checkpoint"),
    ({**SCAN, "checkpoint": -(2**63) - 1}, "unknown_checkpoint"),
    ({**SCAN, "checkpoint": "MAIN\x00"}, "unknown_checkpoint"),
    ({**SCAN, "checkpoint": "\ud800"}, "unknown_checkpoint"),
    ({**SCAN, "scanned_at": "0001-01-01T00:00:00+01:00"}, "bad_request"),
    ({**SCAN, "scanned_at": "9999-12-31T23:59:59-01:00"}, "bad_request"),
    ({**SCAN, "scanned_at": "0001-01-01T00:00:00+00:00"}, "bad_request"),
    ({**SCAN, "scanned_at": 20261128}, "bad_request"),
    ({**SCAN, "code": "\ud800" + "A" * 31}, "bad_request"),
    ({**SCAN, "code": "AAAA\x00AAAA"}, "bad_request"),
    ({**SCAN, "nonce": "scan-\x00-0001"}, "bad_request"),
    ({**SCAN, "nonce": "scan-\udfff-0001"}, "bad_request"),
    ({**SCAN, "device": "lane 2\x00"}, "bad_request"),
    ({**SCAN, "device": "lane \ud83d"}, "bad_request"),
    ({**SCAN, "device": 7}, "bad_request"),
    (DEEP, "bad_request"),
    ('{"code": ' + DEEP + ', "checkpoint": "MAIN"}', "bad_request"),
    ('{"code": "' + "A" * 32 + '", "checkpoint": 1' + "0" * 5000 + "}", "bad_request"),
])
def test_scan_requests_no_scanner_sends_get_a_400_and_record_nothing(event, post_scan, body, error):
    before = rows()
    response = post_scan(body)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.get_json()["error"] == error and response.get_json()["message"]
    assert rows() == before


def test_a_scan_with_a_device_name_and_an_offline_time_is_still_recorded(event, post_scan):
    badge = make_person(event, stage="handed_over").current_badge
    response = post_scan({**SCAN, "code": badge.code, "device": "lane 2 (Zebra TC52)",
                          "scanned_at": "2026-11-28T08:15:00+08:00"})
    assert response.status_code == 201, response.get_data(as_text=True)
    assert db.session.scalar(select(Scan.device)) == "lane 2 (Zebra TC52)"


def test_a_nul_byte_in_a_code_typed_at_the_door_page_is_refused(client, event, login):
    login("door")
    before = rows()
    response = client.post("/door/", data={"csrf_token": csrf_token(client, "/door/"),
                                           "checkpoint": "1", "direction": "in", "code": "AB\x00CD"})
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)
    assert rows() == before


def test_a_crop_of_huge_numbers_on_the_registration_form_is_a_photo_error(client, event):
    before = rows()
    response = client.post(REGISTER_URL, data=registration_data(
        client, crop_x="1.7e308", crop_y="0", crop_width="1.7e308", crop_height="1.7e308"),
        content_type="multipart/form-data")
    assert response.status_code == 400
    assert "The crop area is outside the photo." in response.get_data(as_text=True)
    assert rows() == before


@pytest.mark.parametrize("field", ["given_name", "organisation", "email", "website"])
def test_a_nul_byte_in_any_registration_field_is_refused(client, event, field):
    before = rows()
    data = registration_data(client)
    data[field] = (data.get(field) or "x") + "\x00"
    response = client.post(REGISTER_URL, data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)
    assert rows() == before


def test_a_nul_byte_in_a_photo_file_name_is_refused(client, event, photo_jpeg):
    before = rows()
    data = registration_data(client)
    data["photo"] = (io.BytesIO(photo_jpeg), "me\x00.jpg", "image/jpeg")
    response = client.post(REGISTER_URL, data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert rows() == before


def test_a_nul_byte_in_the_login_form_is_refused(client, staff):
    staff("desk")
    response = client.post("/login", data={"csrf_token": csrf_token(client, "/login"),
                                           "email": "desk@test.example\x00", "password": "x" * 12})
    assert response.status_code == 400


@pytest.mark.parametrize("url", ["/desk/?q=%00", "/events/%00/register",
                                 "/events/amim22/application/%00"])
def test_a_nul_byte_in_an_address_or_its_query_is_refused(client, event, login, url):
    login("desk")
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/desk/people/2147483648", "/desk/people/99999999999999999999",
                                 "/desk/people/0", "/desk/people/99999999999999999999/photo"])
def test_an_id_in_an_address_past_what_the_database_holds_is_not_found(client, event, login, url):
    login("desk")
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("role,url", [("security", "/security/audit?page=99999999999999999999"),
                                      ("admin", "/security/audit?page=-5"),
                                      ("accreditation", "/vetting/queue?page=99999999999999999999")])
def test_a_page_number_past_any_page_shows_an_empty_page(client, event, login, role, url):
    login(role)
    assert client.get(url).status_code == 200


def test_a_delegation_cap_past_any_meeting_is_refused(client, event, login):
    login("admin")
    url = f"/admin/events/{event.id}/delegations"
    before = rows()
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "country": "JP",
                                      "name": "", "max_members": "99999999999999999999"})
    assert response.status_code == 400
    assert "at most 100,000" in response.get_data(as_text=True)
    assert rows() == before


@pytest.mark.parametrize("fields,noun", [
    ({"registration_opens": "0001-01-01T00:00"}, "time"),
    ({"registration_closes": "9999-12-31T23:59"}, "time"),
    ({"starts_on": "0001-01-01", "ends_on": "0001-01-02"}, "day"),
    ({"starts_on": "9999-12-30", "ends_on": "9999-12-31"}, "day"),
])
def test_event_days_and_windows_outside_the_calendar_are_refused(client, login, fields, noun):
    login("admin")
    before = rows()
    response = client.post("/admin/events/new", data={
        "csrf_token": csrf_token(client, "/admin/events/new"), "slug": "far", "name": "Far",
        "starts_on": "2027-03-02", "ends_on": "2027-03-04", "timezone": "America/Los_Angeles",
        **fields})
    assert response.status_code == 400
    assert f"Enter a {noun} between the years 2000 and 2100." in response.get_data(as_text=True)
    assert rows() == before


def test_an_invitation_valid_until_the_last_day_of_the_calendar_is_refused(client, event, login):
    login("admin")
    url = "/admin/events/amim22/invitations"
    thailand = db.session.scalar(select(Delegation).where(Delegation.country == "TH"))
    before = rows()
    response = client.post(url, data={"csrf_token": csrf_token(client, url),
                                      "delegation": str(thailand.id), "liaison_name": "Somchai",
                                      "liaison_email": "somchai@example.th",
                                      "expires_on": "9999-12-31"})
    assert response.status_code == 400
    assert "Enter a day between the years 2000 and 2100." in response.get_data(as_text=True)
    assert rows() == before


def test_a_nul_byte_in_the_browser_name_is_left_out_of_the_scan_record(client, event, login):
    # Servers behind a proxy may pass such a header on; the scan is still recorded.
    login("door")
    token = csrf_token(client, "/door/")
    response = client.post("/api/v1/scans", json=SCAN, headers={
        "X-CSRFToken": token, "User-Agent": "Door\x00Phone"})
    assert response.status_code == 201
    response = client.post("/door/", data={"csrf_token": token, "checkpoint": "1", "direction": "in",
                                           "code": "A" * 32}, headers={"User-Agent": "Door\x00Page"})
    assert response.status_code == 200
    assert sorted(db.session.scalars(select(Scan.device))) == ["DoorPage", "DoorPhone"]
