"""Every scan a door device sends is checked against its account as it is at that moment: the
scan's own statement reads the account with the checkpoint and the badge, so a phone whose
account was switched off, whose session was logged out elsewhere, or whose account has no door
role records nothing."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Checkpoint, Scan
from app.services.audit import Actor
from app.services.events import EventDetails, add_checkpoint, create_event
from support import PASSWORD, csrf_token, make_person


def scans_recorded() -> int:
    return db.session.scalar(select(func.count()).select_from(Scan))


def logged_in_phone(app, user):
    """A door phone logged in as `user`, and its scan sender (CSRF token taken while logged in)."""
    phone = app.test_client()
    phone.post("/login", data={"csrf_token": csrf_token(phone, "/login"), "email": user.email,
                               "password": PASSWORD})
    token = csrf_token(phone, "/")  # the logout form of the page the account lands on

    def scan(code, checkpoint="MAIN", client=phone):
        return client.post("/api/v1/scans", headers={"X-CSRFToken": token},
                           json={"code": code, "checkpoint": checkpoint})
    return phone, scan


def badge_code(event, email="sokha@example.kh"):
    return make_person(event, stage="handed_over", email=email).current_badge.code


def test_a_phone_whose_account_is_switched_off_mid_shift_records_no_more_scans(
        app, client, login, staff, event):
    code = badge_code(event)
    _, scan = logged_in_phone(app, staff("door"))
    assert scan(code).status_code == 201
    login("admin")
    client.post(f"/admin/users/{staff('door').id}/active",
                data={"csrf_token": csrf_token(client, "/admin/users"), "active": "0"})
    response = scan(code, "PLENARY")
    assert response.status_code == 401
    assert response.get_json()["error"] == "not_logged_in"
    assert scans_recorded() == 1


def test_a_copied_door_session_records_nothing_once_its_owner_logs_out(app, staff, event):
    code = badge_code(event)
    phone, scan = logged_in_phone(app, staff("door"))
    thief = app.test_client()
    thief.set_cookie("session", phone.get_cookie("session").value)
    phone.post("/logout", data={"csrf_token": csrf_token(phone, "/door/")})
    response = scan(code, client=thief)
    assert (response.status_code, response.get_json()["error"]) == (401, "not_logged_in")
    assert scans_recorded() == 0


@pytest.mark.parametrize("role", ["desk", "accreditation"])
@pytest.mark.parametrize("checkpoint", ["MAIN", "NOWHERE", 999999])
def test_staff_without_a_door_role_record_no_scan_of_a_real_badge(app, staff, event, role,
                                                                   checkpoint):
    code = badge_code(event)
    _, scan = logged_in_phone(app, staff(role))
    response = scan(code, checkpoint)
    assert (response.status_code, response.get_json()["error"]) == (403, "not_allowed")
    assert scans_recorded() == 0


@pytest.mark.parametrize("role", ["door", "security", "admin"])
def test_door_security_and_admin_accounts_record_scans(app, staff, event, role):
    _, scan = logged_in_phone(app, staff(role))
    assert scan(badge_code(event)).get_json()["verdict"] == "accepted"
    assert db.session.scalar(select(Scan.staff_id)) == staff(role).id


def test_a_checkpoint_is_named_by_its_id_or_by_a_code_no_other_event_uses(app, staff, event):
    code = badge_code(event)
    main = db.session.scalar(select(Checkpoint).where(Checkpoint.code == "MAIN"))
    other = create_event(EventDetails(slug="other", name="Other meeting", starts_on=date(2026, 12, 1),
                                      ends_on=date(2026, 12, 2)), Actor.cli("test"))
    add_checkpoint(other, "PLENARY", "Other plenary", "", True, Actor.cli("test"))
    db.session.commit()
    _, scan = logged_in_phone(app, staff("door"))
    assert scan(code, main.id).get_json()["checkpoint"] == "MAIN"
    response = scan(code, "PLENARY")  # two events have one: the door must send the id
    assert (response.status_code, response.get_json()["error"]) == (400, "unknown_checkpoint")
    assert scans_recorded() == 1
