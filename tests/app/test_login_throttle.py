"""Guessing passwords is slowed per account with growing delays, never blocked for hours,
and the owner still logs in at once from a browser they used before (a device cookie)."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, LoginFailure
from app.services import logins
from app.services.logins import LoginDelayed, authenticate
from support import PASSWORD, csrf_token

OWNER_HOME = "203.0.113.9"
OWNER_TRAVELLING = "203.0.113.77"

pytestmark = pytest.mark.app_config(RATELIMIT_ENABLED=True)


class Clock:
    """The login service's clock, moved by the test instead of waited for."""

    def __init__(self):
        self.now = datetime(2026, 11, 28, 8, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(logins, "utcnow", clock)
    return clock


@pytest.fixture
def password_checks(monkeypatch):
    """How many times a password was compared with a stored hash."""
    calls = []
    check = logins.password_matches
    monkeypatch.setattr(logins, "password_matches", lambda *args: calls.append(1) or check(*args))
    return calls


def try_login(client, email, password, address):
    return client.post("/login", environ_base={"REMOTE_ADDR": address},
                       data={"csrf_token": csrf_token(client, "/login"), "email": email,
                             "password": password})


def attack(app, email, count, start=0):
    """`count` wrong passwords for `email`, each from another address and browser."""
    return [try_login(app.test_client(), email, f"guess {i}", f"198.51.100.{i % 200}").status_code
            for i in range(start, start + count)]


def wear_down(app, email, clock, failures):
    """Wrong passwords for `email` from ever new addresses, each sent as soon as allowed."""
    made = 0
    while made < failures:
        response = try_login(app.test_client(), email, f"guess {made}", f"198.51.100.{made % 200}")
        if response.status_code == 429:
            clock.advance(int(response.headers["Retry-After"]))
        else:
            made += 1


def test_failures_from_many_addresses_delay_the_account_without_checking_the_password(
        app, staff, clock, password_checks):
    desk = staff("desk")
    assert attack(app, desk.email, 5) == [200] * 5
    checked = len(password_checks)
    response = try_login(app.test_client(), desk.email, PASSWORD, "198.51.100.250")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "1"
    assert "Too many failed logins for this e-mail address. Try again in 1 second." \
        in response.get_data(as_text=True)
    assert len(password_checks) == checked  # not even the right password is tried
    clock.advance(1)
    assert try_login(app.test_client(), desk.email, PASSWORD, "198.51.100.250").status_code == 302


def test_an_attacker_who_waits_out_every_delay_needs_more_than_a_day_for_110_guesses(
        app, staff, clock, monkeypatch):
    desk = staff("desk")
    checked = []
    # Every guess here is wrong: count the checks without paying for 110 Argon2 hashes.
    monkeypatch.setattr(logins, "password_matches", lambda *args: checked.append(1) or False)
    start = clock.now
    wear_down(app, desk.email, clock, 110)
    # 5 at once, 10 while the delay doubles (17 minutes), then one every 15 minutes.
    assert clock.now - start > timedelta(days=1)
    assert len(checked) == 110


def test_the_delay_doubles_after_the_fifth_failure_and_stops_at_fifteen_minutes(app, staff, clock):
    desk = staff("desk")
    attack(app, desk.email, 5)
    waits = []
    for i in range(12):
        response = try_login(app.test_client(), desk.email, "wrong", f"198.51.100.{100 + i}")
        assert response.status_code == 429
        waits.append(int(response.headers["Retry-After"]))
        clock.advance(waits[-1])
        assert attack(app, desk.email, 1, start=i) == [200]
    assert waits == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]
    clock.advance(600)
    response = try_login(app.test_client(), desk.email, PASSWORD, OWNER_TRAVELLING)
    assert response.headers["Retry-After"] == "300"
    assert "Try again in 5 minutes." in response.get_data(as_text=True)


def test_the_owner_with_a_device_cookie_logs_in_at_once_from_a_new_address_during_an_attack(
        app, client, staff, clock):
    desk = staff("desk")
    assert try_login(client, desk.email, PASSWORD, OWNER_HOME).status_code == 302
    cookie = client.get_cookie(logins.DEVICE_COOKIE, path="/login")
    assert cookie.http_only and cookie.same_site == "Strict"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/desk/")})
    wear_down(app, desk.email, clock, 15)
    stranger = try_login(app.test_client(), desk.email, PASSWORD, OWNER_TRAVELLING)
    assert stranger.status_code == 429 and stranger.headers["Retry-After"] == "900"
    response = try_login(client, desk.email, PASSWORD, OWNER_TRAVELLING)
    assert response.status_code == 302
    assert client.get("/desk/").status_code == 200


def test_a_stolen_device_cookie_is_slowed_down_on_its_own(app, client, staff, clock, password_checks):
    desk = staff("desk")
    try_login(client, desk.email, PASSWORD, OWNER_HOME)
    thief = app.test_client()
    thief.set_cookie(logins.DEVICE_COOKIE, client.get_cookie(logins.DEVICE_COOKIE, path="/login").value,
                     path="/login")
    codes = [try_login(thief, desk.email, f"guess {i}", "198.51.100.1").status_code for i in range(6)]
    assert codes == [200] * 5 + [429]
    checked = len(password_checks)
    assert try_login(thief, desk.email, PASSWORD, "198.51.100.2").status_code == 429
    assert len(password_checks) == checked
    # The thief's failures count against the copied cookie, not against the account.
    assert try_login(app.test_client(), desk.email, PASSWORD, OWNER_TRAVELLING).status_code == 302


def test_a_device_cookie_helps_only_the_account_it_names(app, client, staff, clock):
    desk, door = staff("desk"), staff("door")
    try_login(client, desk.email, PASSWORD, OWNER_HOME)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/desk/")})
    attack(app, door.email, 5)
    assert try_login(client, door.email, PASSWORD, OWNER_HOME).status_code == 429


def test_a_successful_login_clears_the_failures(app, client, staff, clock):
    desk = staff("desk")
    attack(app, desk.email, 5)
    clock.advance(1)
    assert try_login(client, desk.email, PASSWORD, OWNER_HOME).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/desk/")})
    assert attack(app, desk.email, 5) == [200] * 5


def test_failures_a_day_old_are_forgotten(app, staff, clock):
    desk = staff("desk")
    attack(app, desk.email, 5)
    attack(app, "nobody@example.org", 3)
    clock.advance(24 * 3600 + 1)
    assert attack(app, desk.email, 5) == [200] * 5
    assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 1


def test_unknown_addresses_are_delayed_alike_and_only_real_accounts_are_audited(app, staff, clock):
    desk = staff("desk")
    for email in (desk.email, "nobody@example.org"):
        assert attack(app, email, 5) == [200] * 5
        response = try_login(app.test_client(), email, "wrong", "198.51.100.250")
        assert response.status_code == 429 and response.headers["Retry-After"] == "1"
    failed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "staff.login_failed")
                                .order_by(AuditEvent.id)).all()
    assert [(e.object_id, e.ip) for e in failed] == [(desk.id, f"198.51.100.{i}") for i in range(5)]
    assert failed[-1].after == {"failures": 5, "known_device": False}


def test_repeated_attempts_from_one_address_for_one_account_are_rate_limited(client, staff, clock):
    user = staff("desk")
    responses = []
    for i in range(11):
        clock.advance(3600)  # past every delay: only the per-address limit answers
        responses.append(try_login(client, user.email, f"guess number {i}", OWNER_HOME))
    assert [r.status_code for r in responses] == [200] * 10 + [429]
    assert "Too many submissions" in responses[-1].get_data(as_text=True)
    # A minute's window; the limiter rounds its end up to the next whole second.
    assert 0 < int(responses[-1].headers["Retry-After"]) <= 61
    assert "Retry-After" not in responses[0].headers
    # A colleague at the same venue address can still log in.
    assert try_login(client, staff("door").email, PASSWORD, OWNER_HOME).status_code == 302


def test_parallel_guesses_when_a_delay_ends_get_one_password_check(app, staff, clock, password_checks):
    desk = staff("desk")
    attack(app, desk.email, 5)
    clock.advance(1)
    checked = len(password_checks)
    barrier = threading.Barrier(6)
    outcomes = []

    def guess(i):
        # A login is a form post: on SQLite its transaction holds the write lock from the start.
        with app.test_request_context("/login", method="POST",
                                      environ_base={"REMOTE_ADDR": f"198.51.100.{i}"}):
            barrier.wait()
            try:
                outcomes.append(authenticate(email, f"guess {i}"))
            except LoginDelayed:
                outcomes.append("delayed")
            db.session.remove()

    email = desk.email  # read here: the test's objects belong to the test's session
    db.session.commit()  # the test's own transaction holds no lock while the guesses run
    threads = [threading.Thread(target=guess, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(map(str, outcomes)) == ["None"] + ["delayed"] * 5
    assert len(password_checks) == checked + 1
