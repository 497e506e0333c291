"""Sessions end when they should: a copied session cookie dies with logout, a new password
and a switched-off account, on every browser that holds it."""
from __future__ import annotations

from app.extensions import db
from app.models import StaffUser
from support import PASSWORD, csrf_token


def copy_session(client, app):
    """A second browser holding a copy of `client`'s session cookie, as a thief would."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def log_in(client, user, password=PASSWORD):
    response = client.post("/login", data={"csrf_token": csrf_token(client, "/login"),
                                           "email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)


def test_a_copied_session_cookie_dies_when_its_owner_logs_out(app, client, login):
    login("desk")
    thief = copy_session(client, app)
    assert thief.get("/desk/").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client, "/desk/")})
    response = thief.get("/desk/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_logging_out_ends_the_accounts_sessions_on_other_browsers_too(app, client, login, staff):
    login("door")
    phone = app.test_client()
    log_in(phone, staff("door"))
    client.post("/logout", data={"csrf_token": csrf_token(client, "/door/")})
    assert phone.get("/door/").status_code == 302


def test_a_copied_session_cookie_dies_when_an_admin_sets_a_new_password(app, client, login, staff):
    desk = staff("desk")
    victim = app.test_client()
    log_in(victim, desk)
    thief = copy_session(victim, app)
    assert thief.get("/desk/").status_code == 200
    login("admin")
    client.post(f"/admin/users/{desk.id}/password",
                data={"csrf_token": csrf_token(client, "/admin/users"),
                      "password": "another long passphrase"})
    assert thief.get("/desk/").status_code == 302
    assert victim.get("/desk/").status_code == 302
    log_in(victim, desk, "another long passphrase")
    assert victim.get("/desk/").status_code == 200


def test_a_copied_session_cookie_dies_when_the_account_is_switched_off_and_on(app, client, login,
                                                                               staff):
    door = staff("door")
    victim = app.test_client()
    log_in(victim, door)
    thief = copy_session(victim, app)
    login("admin")
    for active in ("0", "1"):
        client.post(f"/admin/users/{door.id}/active",
                    data={"csrf_token": csrf_token(client, "/admin/users"), "active": active})
    assert db.session.get(StaffUser, door.id).active is True
    assert thief.get("/door/").status_code == 302


def test_an_admin_who_sets_their_own_password_stays_logged_in_here_only(app, client, login):
    admin = login("admin")
    thief = copy_session(client, app)
    client.post(f"/admin/users/{admin.id}/password",
                data={"csrf_token": csrf_token(client, "/admin/users"),
                      "password": "another long passphrase"})
    assert client.get("/admin/users").status_code == 200
    assert thief.get("/admin/users").status_code == 302


def test_login_sets_no_remember_cookie(client, login):
    login("desk")
    assert client.get_cookie("remember_token") is None
