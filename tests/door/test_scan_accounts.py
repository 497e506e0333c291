"""Every scan a door device sends is checked against its account as it is at that moment: the
scan's own statement reads the account with the checkpoint and the badge, so a phone whose
account was switched off, whose session was logged out elsewhere, or whose account has no door
role records nothing."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import func, select, update

from app.extensions import db
from app.models import Checkpoint, Scan, StaffUser
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


def locking_reads(during) -> list[str]:
    """The statements run by `during()` that locked a row (FOR UPDATE and at least one row back)."""
    locked = []

    def listener(_conn, cursor, statement, *_args):
        if "FOR UPDATE" in statement and cursor.rowcount:
            locked.append(statement)
    sa_event.listen(db.engine, "after_cursor_execute", listener)
    try:
        during()
    finally:
        sa_event.remove(db.engine, "after_cursor_execute", listener)
    return locked


@pytest.mark.parametrize("session", ["logged_out", "desk", "switched_off"])
def test_a_session_that_may_not_scan_never_locks_the_badge_holder(app, client, login, staff, event,
                                                                   session):
    """A photographed badge and a dead session must not hold up the doors deciding on its holder:
    the scan is refused before any row of the holder is locked."""
    if db.engine.dialect.name == "sqlite":
        pytest.skip("row locks: SQLite has one lock for the whole file, taken by every POST")
    code = badge_code(event)
    phone, scan = logged_in_phone(app, staff("desk" if session == "desk" else "door"))
    thief = app.test_client()
    thief.set_cookie("session", phone.get_cookie("session").value)
    if session == "logged_out":
        phone.post("/logout", data={"csrf_token": csrf_token(phone, "/door/")})
    elif session == "switched_off":
        db.session.execute(update(StaffUser).where(StaffUser.id == staff("door").id)
                           .values(active=False))
        db.session.commit()
    answers = []
    assert locking_reads(lambda: answers.append(scan(code, client=thief))) == []
    assert answers[0].status_code in (401, 403)
    assert scans_recorded() == 0


def test_an_account_switched_off_without_ending_its_sessions_records_nothing(app, staff, event):
    """The account's own switch counts, not only its session version (which switching off raises
    too, through the admin page)."""
    code = badge_code(event)
    _, scan = logged_in_phone(app, staff("door"))
    db.session.execute(update(StaffUser).where(StaffUser.id == staff("door").id).values(active=False))
    db.session.commit()
    response = scan(code)
    assert (response.status_code, response.get_json()["error"]) == (401, "not_logged_in")
    assert scans_recorded() == 0


@pytest.mark.parametrize("token", ["{id}", "x:y", "{id}:", ":1", "{id}:99", "{id}:\u00b2", "\u0661:1"])
@pytest.mark.parametrize("body", [{"code": "A" * 32, "checkpoint": "MAIN"},
                                  {"code": "A" * 32, "checkpoint": "NOWHERE", "direction": "up"},
                                  {"code": ""}])
def test_a_session_whose_login_token_is_not_current_is_refused_whatever_it_sends(app, staff, event,
                                                                                 token, body):
    user = staff("door")
    phone, scan = logged_in_phone(app, user)
    with phone.session_transaction() as session:
        session["_user_id"] = token.format(id=user.id)
    response = phone.post("/api/v1/scans", headers={"X-CSRFToken": csrf_token(phone, "/login")},
                          json=body)
    assert (response.status_code, response.get_json()["error"]) == (401, "not_logged_in")
    assert scans_recorded() == 0


def test_nobody_learns_anything_of_the_scan_api_without_a_door_login(client, login):
    assert client.options("/api/v1/scans").status_code == 401
    login("desk")
    assert client.options("/api/v1/scans").status_code == 403
