"""The door page offline and the server online decide alike: the same cases through both.

The rules table (app/services/door_rules.json) names the checks and their order; the
server implements them in checkin.py, the page in rules.js.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Category, Checkpoint, Event, ScanDirection, ScanVerdict
from app.services import events, keys
from app.services.audit import Actor
from app.services.checkin import _CHECKS, RULES, decide_scan, record_scan
from app.services.issuance import hand_over_badge, reprint_badge, revoke_badge
from support import make_person

pytestmark = pytest.mark.browser
ACTOR = Actor.cli("test")


def person(event, name, stage="handed_over", **fields):
    return make_person(event, stage=stage, given_name=name, family_name="Tester",
                       email=f"{name.lower()}@example.org", **fields)


def replaced(badge, reason, hand_over):
    holder = badge.delegate
    new = reprint_badge(holder, reason, ACTOR, seen_revision=holder.revision).badges[0]
    if hand_over:
        hand_over_badge(new, ACTOR, seen_revision=holder.revision)
    return new


def test_every_rule_in_the_table_is_implemented_on_both_sides(event, page, live_server, browser_login):
    verdicts = {v.value for v in ScanVerdict}
    for rule in RULES["checks"]:
        assert rule["check"] in _CHECKS and set(rule["verdicts"]) <= verdicts
    browser_login("door")
    page.goto(f"{live_server}/door/")
    assert set(page.evaluate("LanyardRules.checks")) == {rule["check"] for rule in RULES["checks"]}


def test_the_page_offline_and_the_server_give_the_same_verdict_in_every_case(
        event, page, live_server, browser_login):
    events.add_checkpoint(event, "EXIT", "Exit gate", "", True, ACTOR, directions="out")
    codes = {}
    codes["delegate"] = person(event, "Dewi").current_badge.code
    codes["head"] = person(event, "Arjun", category_code="E").current_badge.code
    codes["tray"] = person(event, "Budi", stage="badged").current_badge.code
    lost = person(event, "Citra").current_badge
    codes["lost"], codes["lost_new"] = lost.code, replaced(lost, "lost", hand_over=False).code
    damaged = person(event, "Eka").current_badge
    codes["damaged"], codes["damaged_new"] = damaged.code, replaced(damaged, "damaged", True).code
    withdrawn = person(event, "Fajar").current_badge
    revoke_badge(withdrawn, "withdrawn", ACTOR)
    codes["withdrawn"] = withdrawn.code
    inside = person(event, "Gita").current_badge
    plenary = db.session.scalar(select(Checkpoint).where(Checkpoint.code == "PLENARY"))
    record_scan(plenary, inside.code, ScanDirection.IN, ACTOR)
    codes["inside"] = inside.code
    codes["forged"] = codes["delegate"][:60] + ("Q" if codes["delegate"][60] != "Q" else "R") \
        + codes["delegate"][61:]
    codes["garbage"] = "HELLO WORLD"
    first_key = keys.current_signing_key(event)
    old_key = person(event, "Hadi").current_badge
    keys.rotate_signing_key(event, ACTOR)
    keys.retire_signing_key(first_key, ACTOR)
    codes["retired_key"] = old_key.code
    codes["new_key"] = person(event, "Intan").current_badge.code
    codes["not_cleared"] = person(event, "Joko", category_code="P").current_badge.code
    press = db.session.scalar(select(Category).where(Category.code == "P"))
    events.update_category(press, "P", "Press", press.colour, True, ["4"], ACTOR, needs_clearance=True)

    browser_login("door")
    page.goto(f"{live_server}/door/")
    checked = 0
    for checkpoint in db.session.scalars(select(Checkpoint).order_by(Checkpoint.code)).all():
        page.select_option("select[name=checkpoint]", value=str(checkpoint.id))
        page.wait_for_function("c => LanyardDoor.state.snapshot && LanyardDoor.state.snapshot.checkpoint.code"
                               " === c", arg=checkpoint.code)
        for name, code in codes.items():
            for direction in ("in", "out"):
                server = decide_scan(checkpoint, code, ScanDirection(direction)).value
                door = page.evaluate("([c, d]) => LanyardDoor.decideOffline(c, d).then(r => r.verdict)",
                                     [code, direction])
                assert door == server, (checkpoint.code, name, direction)
                checked += 1
        serial = inside.serial
        assert page.evaluate("s => LanyardDoor.decideOffline(s, 'in', true).then(r => r.verdict)",
                             serial) == decide_scan(checkpoint, serial, ScanDirection.IN, manual=True).value
    assert checked == 5 * len(codes) * 2

    # Outside the event's days both refuse: the venue's calendar, not the device's.
    db.session.commit()  # the test's reads began before the browser's writes: start afresh
    the_event = db.session.get(Event, event.id)
    the_event.starts_on = the_event.ends_on = date.today() - timedelta(days=3)
    db.session.commit()
    main = db.session.scalar(select(Checkpoint).where(Checkpoint.code == "MAIN"))
    page.evaluate("LanyardDoor.sync()")
    page.wait_for_function("day => LanyardDoor.state.snapshot.event.ends_on === day",
                           arg=the_event.ends_on.isoformat())
    for name in ("new_key", "delegate", "tray"):
        server = decide_scan(main, codes[name], ScanDirection.IN).value
        assert page.evaluate("c => LanyardDoor.decideOffline(c, 'in').then(r => r.verdict)",
                             codes[name]) == server
    assert decide_scan(main, codes["new_key"], ScanDirection.IN) is ScanVerdict.NOT_VALID_NOW
