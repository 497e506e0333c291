"""The command line, run as an operator would run it."""
from __future__ import annotations

import json

from sqlalchemy import func, select

from app.extensions import db
from app.models import Badge, Delegate, DelegateStatus, Event, StaffRole, StaffUser
from app.services.logins import authenticate


def test_demo_creates_the_event_people_in_every_state_and_logins(app):
    result = app.test_cli_runner().invoke(args=["demo", "--delegates", "20"])
    assert result.exit_code == 0, result.output
    event = db.session.scalar(select(Event))
    assert event.slug == "amim22"
    assert event.name == "22nd ASEAN Military Intelligence Meeting"
    assert len(event.delegations) == 10
    statuses = set(db.session.scalars(select(Delegate.status)))
    assert statuses == set(DelegateStatus)
    assert db.session.scalar(select(func.count()).select_from(Delegate)) == 20
    assert db.session.scalar(select(func.count()).select_from(Badge)) > 0
    assert all(d.photo_file for d in db.session.scalars(select(Delegate)))
    # Every printed login works.
    logins = [line.split() for line in result.output.splitlines() if "@amim22.example" in line]
    assert {row[0] for row in logins} == {role.value for role in StaffRole}
    for role, email, password in logins:
        assert authenticate(email, password).role.value == role


def test_demo_twice_keeps_one_event_and_creates_no_duplicate_accounts(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["demo", "--delegates", "2"])
    result = runner.invoke(args=["demo", "--delegates", "2"])
    assert result.exit_code == 0
    assert "already exist" in result.output
    assert db.session.scalar(select(func.count()).select_from(Event)) == 1
    assert db.session.scalar(select(func.count()).select_from(StaffUser)) == len(StaffRole)


def test_create_user_reads_the_password_from_stdin(app):
    result = app.test_cli_runner().invoke(
        args=["create-user", "Officer@Example.org", "--role", "desk"],
        input="a long enough passphrase\n")
    assert result.exit_code == 0, result.output
    assert authenticate("officer@example.org", "a long enough passphrase").role.value == "desk"


def test_create_user_has_no_password_option_and_refuses_short_passwords(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "x@example.org", "--role", "desk",
                                 "--password", "hunter2hunter2"])
    assert result.exit_code != 0 and "No such option" in result.output
    result = runner.invoke(args=["create-user", "x@example.org", "--role", "desk"], input="short\n")
    assert result.exit_code != 0 and "at least 12 characters" in result.output
    assert db.session.scalar(select(StaffUser)) is None


def test_scan_prints_the_same_decision_as_the_api(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["demo", "--delegates", "10"])
    badge = db.session.scalar(select(Badge).where(Badge.handed_over_at.is_not(None)).order_by(Badge.id))
    result = runner.invoke(args=["scan", badge.code, "--checkpoint", "MAIN"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["verdict"] == "accepted" and answer["badge"]["serial"] == badge.serial
    again = runner.invoke(args=["scan", badge.code, "--checkpoint", "MAIN"])
    assert again.exit_code == 1 and json.loads(again.output)["verdict"] == "already_inside"
    forged = runner.invoke(args=["scan", "A" * 32, "--checkpoint", "MAIN", "--direction", "out"])
    assert json.loads(forged.output)["verdict"] == "unknown_code"


def test_scan_at_an_unknown_checkpoint_is_an_error(app):
    result = app.test_cli_runner().invoke(args=["scan", "A" * 32, "--checkpoint", "NOPE"])
    assert result.exit_code != 0 and "No checkpoint 'NOPE'" in result.output
