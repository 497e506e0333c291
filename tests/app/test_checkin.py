"""What the door answers for each kind of badge, through the scan API."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import func, select

from app.extensions import db
from app.models import Checkpoint, Scan, ScanDirection, ScanFlag, ScanVerdict
from app.services.audit import Actor
from app.services.checkin import record_scan
from app.services.issuance import hand_over_badge, reprint_badge
from app.services.vetting import reject_delegate
from support import csrf_token, make_person

ACTOR = Actor.cli("test")


VANNA = dict(given_name="Vanna", family_name="Keo", native_name="កែវ វណ្ណា", country="KH",
             organisation="Royal Cambodian Armed Forces")


def person(event, photo_jpeg=None, category="D", email="vanna@example.kh"):
    return make_person(event, category_code=category, email=email, **VANNA)


def badged(event, photo_jpeg=None, category="D", email="vanna@example.kh"):
    return make_person(event, stage="handed_over", category_code=category, email=email,
                       **VANNA).current_badge


@pytest.fixture
def door(client, login):
    login("door")
    token = csrf_token(client, "/door/")

    def scan(code, checkpoint="MAIN", direction="in", **extra):
        response = client.post("/api/v1/scans", headers={"X-CSRFToken": token},
                               json={"code": code, "checkpoint": checkpoint,
                                     "direction": direction, **extra})
        assert response.status_code in (200, 201), response.get_data(as_text=True)
        return response.get_json()
    return scan


def test_an_approved_badge_is_accepted(event, door):
    badge = badged(event)
    result = door(badge.code)
    assert result["verdict"] == "accepted"
    assert result["person"]["country_name"] == "Cambodia"


def test_scanner_noise_around_the_code_is_ignored(event, door):
    badge = badged(event)
    assert door(f"  {badge.code.lower()}\t\n")["verdict"] == "accepted"
    door(badge.code, direction="out")
    broken = f"{badge.code[:8]} {badge.code[8:20].lower()}\t{badge.code[20:]}"
    assert door(broken)["verdict"] == "accepted"


def test_an_unknown_code_is_refused_and_recorded_with_its_raw_text(event, door):
    result = door("HELLO WORLD <script>")
    assert result["verdict"] == "unknown_code" and result["accepted"] is False
    assert result["person"] is None
    scan = db.session.scalar(select(Scan))
    assert scan.raw_code == "HELLO WORLD <script>" and scan.badge is None


def test_a_damaged_badge_is_refused_as_superseded_after_reprint_and_the_new_one_works(event, door):
    old = badged(event)
    new = replace(old, "damaged")
    assert door(old.code)["verdict"] == "superseded"
    assert door(new.code)["verdict"] == "accepted"
    assert new.version == old.version + 1 and new.code != old.code


@pytest.mark.parametrize("reason", ["lost", "stolen"])
def test_a_badge_reported_lost_raises_an_alert_for_security(event, door, reason):
    old = badged(event)
    new = replace(old, reason)
    result = door(old.code)
    assert result["verdict"] == "reported_lost" and result["alert"] is True
    assert "keep the badge, call security" in result["title"]
    assert db.session.get(Scan, result["scan_id"]).flag is ScanFlag.REPORTED_LOST
    assert door(new.code)["verdict"] == "accepted"


def replace(badge, reason):
    """A replacement printed at the desk and handed over to the holder."""
    person = badge.delegate
    new = reprint_badge(person, reason, ACTOR, seen_revision=person.revision).badges[0]
    hand_over_badge(new, ACTOR, seen_revision=person.revision)
    return new


def test_a_badge_of_a_rejected_person_is_refused_as_revoked(event, door):
    badge = badged(event)
    reject_delegate(badge.delegate, "Withdrawn by the delegation", ACTOR,
                    seen_revision=badge.delegate.revision)
    assert door(badge.code)["verdict"] == "revoked"


def test_a_person_without_the_zone_is_refused_at_its_door(event, door):
    badge = badged(event, category="D")  # delegates have zones 1, 2, 3: no VIP lounge
    assert door(badge.code, checkpoint="VIP")["verdict"] == "wrong_checkpoint"
    assert door(badge.code, checkpoint="PLENARY")["verdict"] == "accepted"


def test_a_second_entry_without_exit_is_refused_and_exit_then_entry_works(event, door):
    badge = badged(event)
    assert door(badge.code)["verdict"] == "accepted"
    assert door(badge.code)["verdict"] == "already_inside"
    assert door(badge.code, direction="out")["verdict"] == "accepted"
    assert door(badge.code)["verdict"] == "accepted"


def test_entry_count_survives_a_reprint(event, door):
    badge = badged(event)
    door(badge.code)
    new = replace(badge, "damaged")
    assert door(new.code)["verdict"] == "already_inside"


def test_a_repeated_request_with_the_same_nonce_records_one_scan(event, door):
    badge = badged(event)
    first = door(badge.code, nonce="scan-0001-abcdef")
    second = door(badge.code, nonce="scan-0001-abcdef")
    assert first["verdict"] == second["verdict"] == "accepted"
    assert second["replayed"] is True and second["scan_id"] == first["scan_id"]
    assert db.session.scalar(select(func.count()).select_from(Scan)) == 1


def test_a_checkpoint_without_single_entry_lets_people_in_again(event, door):
    badge = badged(event)
    main = db.session.scalar(select(Checkpoint).where(Checkpoint.code == "MAIN"))
    main.single_entry = False
    db.session.commit()
    assert door(badge.code)["verdict"] == door(badge.code)["verdict"] == "accepted"


# What one accepted scan asks the database: the door account, the checkpoint, the signing key
# with the badge and all the answer shows of its holder (locking the holder), in one statement;
# whether they are inside, after the lock; and the scan written. Transactions begin and end around
# it (SQLite's BEGIN not counted).
ACCEPTED_SCAN_QUERIES = 3


def test_an_accepted_scan_asks_the_database_a_fixed_number_of_times(event, door):
    first, second = badged(event), badged(event, email="other@example.kh")
    door(first.code, checkpoint="PLENARY")  # a worker that has scanned before (key parsed once)
    code = second.code
    statements = []

    def listener(_conn, _cursor, statement, *_args):
        if statement.split(None, 1)[0].upper() != "BEGIN":
            statements.append(statement)
    sa_event.listen(db.engine, "before_cursor_execute", listener)
    try:
        result = door(code, checkpoint="PLENARY", nonce="scan-0002-abcdef")
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", listener)
    assert result["verdict"] == "accepted" and result["person"]["zones"]
    assert len(statements) == ACCEPTED_SCAN_QUERIES, "\n".join(statements)
    # The lock first, then whether they are inside: read after the lock, it sees an entry another
    # door committed while this scan waited for it.
    if db.engine.dialect.name == "postgresql":
        assert "FOR UPDATE OF delegates" in statements[0]
    assert "FROM scans" in statements[1] and "FOR UPDATE" not in statements[1]
    assert statements[2].startswith("INSERT INTO scans")


def test_an_offline_scan_keeps_its_original_time(event, door):
    badge = badged(event)
    result = door(badge.code, scanned_at="2026-11-28T08:15:00+08:00")
    assert result["scanned_at"].startswith("2026-11-28T00:15:00")


@pytest.mark.parametrize("body,error", [
    ({"checkpoint": "MAIN"}, "bad_request"),
    ({"code": "A" * 32, "checkpoint": "NOWHERE"}, "unknown_checkpoint"),
    ({"code": "A" * 32, "checkpoint": "MAIN", "direction": "sideways"}, "bad_request"),
    ({"code": "A" * 32, "checkpoint": "MAIN", "scanned_at": "yesterday"}, "bad_request"),
    ({"code": "A" * 32, "checkpoint": "MAIN", "scanned_at": "2026-11-28T08:00:00"}, "bad_request"),
    ({"code": "A" * 32, "checkpoint": "MAIN", "nonce": 5}, "bad_request"),
])
def test_malformed_scan_requests_are_refused_and_record_nothing(client, event, login, body, error):
    login("door")
    response = client.post("/api/v1/scans", json=body,
                           headers={"X-CSRFToken": csrf_token(client, "/door/")})
    assert response.status_code == 400
    assert response.get_json()["error"] == error
    assert db.session.scalar(select(func.count()).select_from(Scan)) == 0


def test_door_staff_see_the_photo_of_the_badge_they_scanned_only(event, door, client, photo_jpeg):
    badge = badged(event, photo_jpeg)
    other = person(event, photo_jpeg, email="other@example.kh")
    result = door(badge.code)
    assert client.get(result["person"]["photo_url"]).mimetype == "image/jpeg"
    assert client.get(f"/desk/people/{other.id}/photo").status_code == 403


def test_every_verdict_has_a_title_for_the_door_screen():
    assert all(v.title and v.title != v.value for v in ScanVerdict)


def test_a_nonce_reused_for_another_code_is_refused_not_answered(event, door, client):
    badge = badged(event)
    door(badge.code, nonce="scan-0002-abcdef")
    response = client.post("/api/v1/scans", headers={"X-CSRFToken": csrf_token(client, "/door/")},
                           json={"code": "A" * 32, "checkpoint": "MAIN", "nonce": "scan-0002-abcdef"})
    assert response.status_code == 409
    assert response.get_json()["error"] == "nonce_reused"
    assert "Vanna" not in response.get_data(as_text=True)


def test_a_scan_time_in_the_future_is_refused(event, client, login):
    badge = badged(event)
    login("door")
    response = client.post("/api/v1/scans", headers={"X-CSRFToken": csrf_token(client, "/door/")},
                           json={"code": badge.code, "checkpoint": "MAIN", "direction": "out",
                                 "scanned_at": "2099-01-01T00:00:00+00:00"})
    assert response.status_code == 400 and response.get_json()["error"] == "bad_time"
    assert db.session.scalar(select(func.count()).select_from(Scan)) == 0


def test_badges_open_doors_only_on_the_event_days_at_the_venue(event, door):
    badge = badged(event)
    event.starts_on, event.ends_on = date(2020, 1, 1), date(2020, 1, 3)
    db.session.commit()
    assert door(badge.code)["verdict"] == "not_valid_now"
    assert door(badge.code, direction="out")["verdict"] == "accepted"  # leaving is always allowed
    # 23:30 UTC on 31 December is already 1 January in Kuala Lumpur.
    assert door(badge.code, scanned_at="2019-12-31T23:30:00+00:00")["verdict"] == "accepted"


def test_entry_order_follows_the_server_not_a_fast_door_clock(event, door):
    badge = badged(event)
    ahead = (datetime.now(timezone.utc) + timedelta(minutes=4)).isoformat()
    door(badge.code, scanned_at=ahead)  # door A's clock runs fast
    door(badge.code, direction="out")  # door B, correct clock
    assert door(badge.code)["verdict"] == "accepted"


def test_door_staff_cannot_open_photos_of_scans_made_by_others(event, client, login, staff,
                                                               photo_jpeg):
    badge = badged(event, photo_jpeg)
    main = db.session.scalar(select(Checkpoint).where(Checkpoint.code == "MAIN"))
    other = staff("admin")
    theirs = record_scan(main, badge.code, ScanDirection.IN, Actor.staff(other)).scan
    theirs_unknown = record_scan(main, "NOTABADGE", ScanDirection.IN, Actor.staff(other)).scan
    user = login("door")
    mine_unknown = record_scan(main, "NOTABADGE", ScanDirection.IN, Actor.staff(user)).scan
    mine = record_scan(main, badge.code, ScanDirection.OUT, Actor.staff(user)).scan
    assert client.get(f"/door/scans/{mine.id}/photo").status_code == 200
    # Someone else's scan, a scan with no badge, and no scan at all: the same answer.
    answers = [client.get(f"/door/scans/{scan_id}/photo")
               for scan_id in (theirs.id, theirs_unknown.id, mine_unknown.id, 999_999)]
    assert {a.status_code for a in answers} == {404}
    # Alike but for the logout form's CSRF token, which carries the second it was made in.
    assert len({re.sub(rb'name="csrf_token" value="[^"]+"', b"", a.get_data()) for a in answers}) == 1
