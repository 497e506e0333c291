"""Entry, exit and copies: single entry per zone, door directions, badges not yet handed
over, supervisor overrides and the serial typed from a damaged badge."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Scan, ScanFlag
from app.services import events
from app.services.audit import Actor
from support import csrf_token, make_person

ACTOR = Actor.cli("test")


def holder(event, **fields):
    return make_person(event, stage="handed_over", **fields).current_badge


@pytest.fixture
def second_plenary_door(event):
    """Zone 1 has two doors: the plenary hall door and a side door, both single entry."""
    events.add_checkpoint(event, "PLENARY-SIDE", "Plenary side door", "1", True, ACTOR)


@pytest.fixture
def scan(client, login):
    def post(code, checkpoint="MAIN", direction="in", **extra):
        body = {"checkpoint": checkpoint, "direction": direction, **extra}
        if code is not None:
            body["code"] = code
        response = client.post("/api/v1/scans", headers={"X-CSRFToken": token}, json=body)
        assert response.status_code in (200, 201), response.get_data(as_text=True)
        return response.get_json()
    login("door")
    token = csrf_token(client, "/door/")
    return post


def test_single_entry_holds_for_the_zone_through_any_of_its_doors(event, scan, second_plenary_door):
    badge = holder(event)
    assert scan(badge.code, "PLENARY")["verdict"] == "accepted"
    refused = scan(badge.code, "PLENARY-SIDE")
    assert refused["verdict"] == "already_inside"
    assert "through Plenary hall door" in refused["detail"]
    assert scan(badge.code, "PLENARY-SIDE", "out")["verdict"] == "accepted"
    assert scan(badge.code, "PLENARY")["verdict"] == "accepted"
    # Another zone is another count: being in the plenary does not keep anyone out of zone 2.
    assert scan(badge.code, "BILAT")["verdict"] == "accepted"


def test_an_exit_of_someone_not_inside_is_let_through_flagged_and_changes_nothing(event, scan):
    badge = holder(event)
    out = scan(badge.code, "MAIN", "out")
    assert out["verdict"] == "accepted" and out["flag"] == "exit_without_entry"
    assert db.session.get(Scan, out["scan_id"]).moved is None
    assert scan(badge.code)["verdict"] == "accepted"
    assert scan(badge.code)["verdict"] == "already_inside"  # that exit reset nothing


def test_a_copy_cannot_reset_the_holders_entry_at_an_entry_only_door(event, scan):
    events.add_checkpoint(event, "GATE-IN", "Gate (entry)", "", True, ACTOR, directions="in")
    events.add_checkpoint(event, "GATE-OUT", "Gate (exit)", "", True, ACTOR, directions="out")
    badge = holder(event)
    assert scan(badge.code, "GATE-IN")["verdict"] == "accepted"  # the holder
    assert scan(badge.code, "GATE-IN")["verdict"] == "already_inside"  # the copy
    assert scan(badge.code, "GATE-IN", "out")["verdict"] == "wrong_direction"  # the copy tries
    assert scan(badge.code, "GATE-IN")["verdict"] == "already_inside"
    assert scan(badge.code, "GATE-OUT")["verdict"] == "wrong_direction"
    assert scan(badge.code, "GATE-OUT", "out")["verdict"] == "accepted"


def test_a_badge_from_the_printer_tray_opens_nothing(event, scan):
    badge = make_person(event, stage="badged").current_badge
    result = scan(badge.code)
    assert result["verdict"] == "not_handed_over" and result["accepted"] is False
    assert "desk" in result["title"]


def test_the_answer_names_the_persons_zones(event, scan):
    badge = holder(event)
    zones = scan(badge.code)["person"]["zones"]
    assert [z["code"] for z in zones] == ["1", "2", "3"] and zones[0]["name"] == "Plenary hall"


def test_the_security_office_lets_a_refused_person_through_with_a_reason(event, client, scan, login):
    badge = holder(event)
    scan(badge.code)
    refused = scan(badge.code)
    assert refused["verdict"] == "already_inside"
    # Door staff cannot override.
    token = csrf_token(client, "/door/")
    url = f"/api/v1/scans/{refused['scan_id']}/override"
    assert client.post(url, json={"reason": "Exit not scanned"},
                       headers={"X-CSRFToken": token}).status_code == 403
    client.post("/logout", data={"csrf_token": token})
    login("security")
    token = csrf_token(client, "/door/")
    answer = client.post(url, json={"reason": "Left by the fire exit during the drill"},
                         headers={"X-CSRFToken": token})
    assert answer.status_code == 201
    body = answer.get_json()
    assert body["verdict"] == "accepted" and body["flag"] == "override"
    assert "fire exit" in body["detail"]
    scan_row = db.session.get(Scan, body["scan_id"])
    assert scan_row.override_of_id == refused["scan_id"] and scan_row.staff.email.startswith("security")
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "scan.overridden"))
    assert audit.after["reason"] == "Left by the fire exit during the drill"
    again = client.post(url, json={"reason": "twice"}, headers={"X-CSRFToken": token})
    assert again.status_code == 400 and "already overridden" in again.get_json()["message"]
    assert client.post(url, json={"reason": ""}, headers={"X-CSRFToken": token}).status_code == 400


def test_only_an_already_inside_refusal_can_be_overridden(event, client, login):
    login("security")
    token = csrf_token(client, "/door/")
    badge = make_person(event, stage="badged").current_badge
    refused = client.post("/api/v1/scans", json={"code": badge.code, "checkpoint": "MAIN"},
                          headers={"X-CSRFToken": token}).get_json()
    assert refused["verdict"] == "not_handed_over"
    answer = client.post(f"/api/v1/scans/{refused['scan_id']}/override", json={"reason": "VIP"},
                         headers={"X-CSRFToken": token})
    assert answer.status_code == 400 and db.session.scalar(
        select(Scan).where(Scan.flag == ScanFlag.OVERRIDE)) is None


def test_a_serial_typed_from_a_damaged_badge_is_decided_and_marked_manual(event, scan):
    badge = holder(event)
    result = scan(None, serial=badge.serial.lower())
    assert result["verdict"] == "accepted" and result["manual"] is True
    assert result["person"]["photo_url"]
    assert db.session.get(Scan, result["scan_id"]).manual is True
    assert scan(None, serial="B999999-1")["verdict"] == "unknown_code"
    assert scan(None, serial="not a serial")["verdict"] == "unknown_code"
