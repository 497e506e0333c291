"""Staff accounts over an event: created, switched off when someone leaves, new passwords."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, StaffUser
from app.services.logins import authenticate
from support import PASSWORD, csrf_token


def test_admin_creates_an_account_that_can_log_in(client, login):
    login("admin")
    response = client.post("/admin/users", data={
        "csrf_token": csrf_token(client, "/admin/users"), "email": "Door2@Example.org",
        "role": "door", "password": "a long enough passphrase"})
    assert response.status_code == 302
    assert authenticate("door2@example.org", "a long enough passphrase").role.value == "door"


def test_a_switched_off_account_is_logged_out_at_its_next_click(app, client, login, staff):
    door = staff("door")
    other = app.test_client()
    token = csrf_token(other, "/login")
    other.post("/login", data={"csrf_token": token, "email": door.email, "password": PASSWORD})
    assert other.get("/door/").status_code == 200
    login("admin")
    response = client.post(f"/admin/users/{door.id}/active",
                           data={"csrf_token": csrf_token(client, "/admin/users"), "active": "0"})
    assert response.status_code == 302
    assert other.get("/door/").status_code == 302  # back to the login page
    assert authenticate(door.email, PASSWORD) is None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "staff.deactivated"))


def test_an_admin_cannot_switch_off_their_own_account(client, login):
    admin = login("admin")
    client.post(f"/admin/users/{admin.id}/active",
                data={"csrf_token": csrf_token(client, "/admin/users"), "active": "0"})
    assert db.session.get(StaffUser, admin.id).active is True


def test_admin_sets_a_new_password_and_the_old_one_stops_working(client, login, staff):
    desk = staff("desk")
    login("admin")
    client.post(f"/admin/users/{desk.id}/password",
                data={"csrf_token": csrf_token(client, "/admin/users"),
                      "password": "another long passphrase"})
    assert authenticate(desk.email, PASSWORD) is None
    assert authenticate(desk.email, "another long passphrase") is not None
    response = client.post(f"/admin/users/{desk.id}/password",
                           data={"csrf_token": csrf_token(client, "/admin/users"), "password": "short"})
    assert "at least 12 characters" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert authenticate(desk.email, "another long passphrase") is not None


def test_set_password_command_reads_stdin(app, staff):
    desk = staff("desk")
    result = app.test_cli_runner().invoke(args=["set-password", desk.email],
                                          input="a brand new passphrase\n")
    assert result.exit_code == 0, result.output
    assert authenticate(desk.email, "a brand new passphrase") is not None
    missing = app.test_cli_runner().invoke(args=["set-password", "nobody@example.org"],
                                           input="a brand new passphrase\n")
    assert missing.exit_code != 0 and "No staff account" in missing.output
