"""Changes that race each other, with real threads, on SQLite and PostgreSQL alike.

Each test starts many requests or service calls at the same instant (a barrier),
each in its own app context, database session and connection, as separate
server workers would.
"""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from app.extensions import db
from app.models import (AuditEvent, Badge, Checkpoint, Delegate, Delegation, ScanDirection,
                        ScanVerdict)
from app.services.audit import Actor
from app.services.checkin import record_scan
from app.services.errors import ServiceError
from app.services.issuance import hand_over_badge, print_badge
from app.services.registration import Application, register_delegate
from support import PASSWORD, csrf_token, make_person, sample_photo

ACTOR = Actor.cli("test")


def at_once(app, count: int, work) -> list:
    """Run work(i) in `count` threads released together; each result, or the exception raised."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(i: int):
        with app.app_context():
            try:
                barrier.wait()
                results[i] = work(i)
            except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
                results[i] = exc
            finally:
                db.session.remove()

    db.session.commit()  # the test's own transaction neither holds a lock nor an old snapshot
    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    db.session.commit()
    return results


def test_fifty_simultaneous_entries_of_one_badge_at_two_doors_of_a_zone_let_in_one(app, event):
    """Copies of one badge at the plenary hall's two doors at the same instant."""
    from app.services import events
    events.add_checkpoint(event, "PLENARY-SIDE", "Plenary side door", "1", True, ACTOR)
    badge = make_person(event, stage="handed_over").current_badge
    code = badge.code
    doors = [db.session.scalar(select(Checkpoint.id).where(Checkpoint.code == name))
             for name in ("PLENARY", "PLENARY-SIDE")]

    def enter(i):
        return record_scan(db.session.get(Checkpoint, doors[i % 2]), code, ScanDirection.IN,
                           ACTOR).verdict

    verdicts = at_once(app, 50, enter)
    assert verdicts.count(ScanVerdict.ACCEPTED) == 1, verdicts
    assert verdicts.count(ScanVerdict.ALREADY_INSIDE) == 49, verdicts


def test_simultaneous_entries_through_the_scan_api_let_in_one(app, event, staff):
    """The same attack over HTTP: eight door phones post one badge's code at once."""
    badge = make_person(event, stage="handed_over").current_badge
    code = badge.code
    user = staff("door")
    clients = []
    for _ in range(8):
        client = app.test_client()
        client.post("/login", data={"csrf_token": csrf_token(client, "/login"),
                                    "email": user.email, "password": PASSWORD})
        clients.append((client, csrf_token(client, "/door/")))

    def enter(i):
        client, token = clients[i]
        response = client.post("/api/v1/scans", headers={"X-CSRFToken": token},
                               json={"code": code, "checkpoint": "MAIN", "direction": "in"})
        return response.get_json()["verdict"]

    verdicts = at_once(app, 8, enter)
    assert sorted(verdicts) == ["accepted"] + ["already_inside"] * 7


def test_one_badge_at_two_doors_of_a_zone_by_code_id_and_typed_serial_lets_in_one(app, event, staff):
    """Twelve phones (door, security and admin accounts) at the plenary hall's two doors, named by
    code and by id, half of them typing the badge's serial; three rounds with an exit between."""
    from app.services import events
    side = events.add_checkpoint(event, "PLENARY-SIDE", "Plenary side door", "1", True, ACTOR).id
    db.session.commit()
    badge = make_person(event, stage="handed_over").current_badge
    code, serial = badge.code, badge.serial
    clients = []
    for i in range(12):
        client = app.test_client()
        user = staff(("door", "security", "admin")[i % 3])
        client.post("/login", data={"csrf_token": csrf_token(client, "/login"),
                                    "email": user.email, "password": PASSWORD})
        clients.append((client, csrf_token(client, "/")))
    bodies = [{"code": code, "checkpoint": "PLENARY"}, {"code": code, "checkpoint": side},
              {"serial": serial, "checkpoint": "PLENARY"}, {"serial": serial, "checkpoint": side}]

    def enter(i):
        client, token = clients[i]
        return client.post("/api/v1/scans", headers={"X-CSRFToken": token},
                           json={**bodies[i % 4], "direction": "in"}).get_json()["verdict"]

    for _ in range(3):
        verdicts = at_once(app, 12, enter)
        assert sorted(verdicts) == ["accepted"] + ["already_inside"] * 11, verdicts
        client, token = clients[0]
        out = client.post("/api/v1/scans", headers={"X-CSRFToken": token},
                          json={"code": code, "checkpoint": "PLENARY", "direction": "out"})
        assert out.get_json()["verdict"] == "accepted"


def test_thirty_registrations_into_a_delegation_capped_at_six_leave_six(app, event):
    malaysia = db.session.scalar(select(Delegation).where(Delegation.country == "MY"))
    malaysia.max_members = 6
    db.session.commit()
    event_id, photo = event.id, sample_photo()

    def register(i):
        from app.models import Event
        application = Application(given_name="Aminah", family_name=f"Binti Tester{chr(65 + i)}",
                                  country="MY", category_code="D", organisation="MINDEF",
                                  email=f"aminah{i}@example.my", consent=True)
        try:
            return register_delegate(db.session.get(Event, event_id), application, photo,
                                     ACTOR).reference
        except ServiceError as exc:
            return exc.code

    outcomes = at_once(app, 30, register)
    assert outcomes.count("delegation_full") == 24, outcomes
    members = db.session.scalar(select(func.count()).select_from(Delegate)
                                .where(Delegate.country == "MY"))
    assert members == 6


def test_a_badge_handed_over_at_one_desk_is_never_printed_again_at_another(app, event):
    """Desk A hands a printed badge over while desk B presses "print again": twenty rounds."""
    for round_ in range(20):
        person = make_person(event, stage="approved", given_name="Round", family_name=f"No{chr(65 + round_)}",
                             email=f"round{round_}@example.org")
        badge = print_badge(person, ACTOR, seen_revision=person.revision).badges[0]
        person_id, badge_id, revision = person.id, badge.id, person.revision

        def desk(i):
            try:
                if i == 0:
                    hand_over_badge(db.session.get(Badge, badge_id), ACTOR, seen_revision=revision)
                    return "handed_over"
                print_badge(db.session.get(Delegate, person_id), ACTOR, seen_revision=revision)
                return "printed"
            except ServiceError as exc:
                return exc.message

        outcomes = at_once(app, 2, desk)
        trail = db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.object_type == "badge", AuditEvent.object_id == badge_id)
            .order_by(AuditEvent.id)).all()
        assert trail[-1] == "badge.handed_over", (round_, outcomes, trail)
        assert outcomes[0] == "handed_over"
        assert outcomes[1] == "printed" or "second working copy" in outcomes[1], outcomes
