"""What a door device holds for offline use, and how its offline scans come back."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Checkpoint, Scan, ScanFlag, ScanVerdict
from app.services.audit import Actor
from app.services.issuance import revoke_badge
from support import csrf_token, make_person

ACTOR = Actor.cli("test")


def wearing(event, name, **fields):
    """A badge handed over two hours ago, before any of the offline scans here."""
    badge = make_person(event, stage="handed_over", given_name=name, family_name="Tester",
                        email=f"{name.lower()}@example.org", **fields).current_badge
    badge.handed_over_at -= timedelta(hours=2)
    db.session.commit()
    return badge


def checkpoint_id(code):
    return db.session.scalar(select(Checkpoint.id).where(Checkpoint.code == code))


@pytest.fixture
def door(client, login):
    login("door")
    token = csrf_token(client, "/door/")

    def upload(code, checkpoint="MAIN", direction="in", verdict="accepted", minutes_ago=10, nonce=None):
        scanned_at = datetime.now(timezone.utc) - timedelta(minutes=minutes_ago)
        response = client.post("/api/v1/scans", headers={"X-CSRFToken": token}, json={
            "code": code, "checkpoint": checkpoint, "direction": direction,
            "nonce": nonce or f"offline-{code[:8]}-{checkpoint}-{minutes_ago}-{direction}",
            "scanned_at": scanned_at.isoformat(), "offline_verdict": verdict})
        assert response.status_code in (200, 201), response.get_data(as_text=True)
        return response.get_json()
    upload.client = client
    return upload


def test_the_sync_holds_public_keys_stopped_badges_and_only_the_checkpoints_people(event, door):
    vip = wearing(event, "Arjun", category_code="E")  # heads of delegation have the VIP lounge
    delegate = wearing(event, "Dewi")
    stolen = wearing(event, "Budi")
    revoke_badge(stolen, "stolen", ACTOR)
    response = door.client.get(f"/api/v1/door/sync?checkpoint={checkpoint_id('VIP')}")
    snapshot = response.get_json()
    assert [entry["badge_id"] for entry in snapshot["roster"]] == [vip.id]
    assert snapshot["roster"][0]["name"] == "Arjun Tester" and snapshot["roster"][0]["handed_over"]
    # Someone without the zone: only the badge's state, nothing about who they are.
    assert snapshot["others"] == [[delegate.id, 1, "ready", True]]
    assert snapshot["stopped"] == [[stolen.id, 1, "reported_lost"]]
    assert set(snapshot["keys"][0]) == {"number", "public_key"}
    assert "private" not in response.get_data(as_text=True)
    assert [rule["check"] for rule in snapshot["rules"]["checks"]][0] == "code"
    # Unchanged since: nothing to download again.
    again = door.client.get(f"/api/v1/door/sync?checkpoint={checkpoint_id('VIP')}",
                            headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_roster_photos_are_served_only_for_the_checkpoints_people(event, door):
    vip = wearing(event, "Arjun", category_code="E")
    delegate = wearing(event, "Dewi")
    url = "/api/v1/door/checkpoints/{}/photos/{}"
    ok = door.client.get(url.format(checkpoint_id("VIP"), vip.id))
    assert ok.status_code == 200 and ok.mimetype == "image/jpeg" and len(ok.data) < 30_000
    assert door.client.get(url.format(checkpoint_id("VIP"), delegate.id)).status_code == 404


def test_the_sync_needs_a_door_account(event, client, login):
    login("desk")
    assert client.get(f"/api/v1/door/sync?checkpoint={checkpoint_id('MAIN')}").status_code == 403


def test_an_offline_scan_is_recorded_once_with_both_times(event, door):
    badge = wearing(event, "Dewi")
    first = door(badge.code, nonce="offline-0001-abcdef")
    again = door(badge.code, nonce="offline-0001-abcdef")
    assert first["verdict"] == "accepted" and first["offline"] is True and again["replayed"] is True
    scan = db.session.scalar(select(Scan))
    assert db.session.scalar(select(func.count()).select_from(Scan)) == 1
    assert scan.offline and scan.recorded_at - scan.scanned_at > timedelta(minutes=9)
    assert scan.flag is None and scan.server_verdict is None


def test_an_offline_acceptance_of_a_badge_revoked_before_the_scan_is_a_conflict(event, door):
    badge = wearing(event, "Dewi")
    revoke_badge(badge, "withdrawn", ACTOR)  # now, but the device scanned it 10 minutes later...
    db.session.get(type(badge), badge.id).revoked_at = datetime.now(timezone.utc) - timedelta(minutes=30)
    db.session.commit()
    result = door(badge.code)  # ...scanned 10 minutes ago, accepted by a door that did not know
    scan = db.session.get(Scan, result["scan_id"])
    assert scan.verdict is ScanVerdict.ACCEPTED and scan.server_verdict is ScanVerdict.REVOKED
    assert scan.flag is ScanFlag.OFFLINE_CONFLICT


def test_a_badge_revoked_after_an_offline_scan_is_no_conflict(event, door):
    badge = wearing(event, "Dewi")
    result = door(badge.code, minutes_ago=10)
    revoke_badge(badge, "withdrawn", ACTOR)
    assert db.session.get(Scan, result["scan_id"]).flag is None


def test_two_entries_at_two_offline_doors_flag_the_second(event, door):
    badge = wearing(event, "Dewi")
    door(badge.code, checkpoint="MAIN", minutes_ago=12)
    second = door(badge.code, checkpoint="MAIN", minutes_ago=11, nonce="offline-door-b-0001")
    scan = db.session.get(Scan, second["scan_id"])
    assert scan.flag is ScanFlag.OFFLINE_CONFLICT and scan.server_verdict is ScanVerdict.ALREADY_INSIDE


def test_an_offline_upload_needs_its_time_and_nonce(event, client, login):
    login("door")
    token = csrf_token(client, "/door/")
    badge = wearing(event, "Dewi")
    response = client.post("/api/v1/scans", headers={"X-CSRFToken": token},
                           json={"code": badge.code, "checkpoint": "MAIN", "offline_verdict": "accepted"})
    assert response.status_code == 400
    response = client.post("/api/v1/scans", headers={"X-CSRFToken": token}, json={
        "code": badge.code, "checkpoint": "MAIN", "offline_verdict": "maybe", "nonce": "x" * 10,
        "scanned_at": datetime.now(timezone.utc).isoformat()})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Scan)) == 0


def test_logout_erases_the_door_devices_data(client, login):
    login("door")
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/door/")})
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
