"""Signed badge codes: only a code this event signed, unchanged, with a key still in service,
names a badge; everything else is refused before anything about a person is looked up."""
from __future__ import annotations

from datetime import date

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Checkpoint, ScanDirection, ScanVerdict, SigningKey
from app.services import events, keys
from app.services.audit import Actor
from app.services.badge_holders import holder_of
from app.services.checkin import identify_badge, record_scan
from app.services.codes import (CODE_LENGTH, parse_badge_code, placeholder_badge_code,
                                sign_badge_code)
from support import csrf_token, make_person

ACTOR = Actor.cli("test")
BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def badged(event, **fields):
    person = make_person(event, stage="handed_over", **fields)
    return person.current_badge


def main_door(event) -> Checkpoint:
    return next(c for c in event.checkpoints if c.code == "MAIN")


def verdict(event, code: str) -> ScanVerdict:
    return record_scan(main_door(event), code, ScanDirection.IN, ACTOR).verdict


def test_a_code_is_116_base32_characters_naming_event_badge_and_version(event):
    badge = badged(event)
    assert len(badge.code) == CODE_LENGTH and set(badge.code) <= set(BASE32)
    parsed = parse_badge_code(badge.code)
    assert (parsed.event_id, parsed.badge_id, parsed.badge_version, parsed.key_number) == \
        (event.id, badge.id, 1, 1)
    assert badge.delegate.printed_name.split()[0].upper() not in badge.code  # no personal data
    assert identify_badge(event.id, badge.code) == (holder_of(badge), None)


def test_every_single_character_change_is_refused(event):
    badge = badged(event)
    code = badge.code
    outcomes = set()
    for position in range(len(code)):
        for other in BASE32 + "0189!Ä":
            if other == code[position]:
                continue
            changed = code[:position] + other + code[position + 1:]
            found, refusal = identify_badge(event.id, changed)
            assert found is None, (position, other)
            outcomes.add(refusal)
            if other not in BASE32:
                assert refusal is ScanVerdict.UNKNOWN_CODE
    assert outcomes == {ScanVerdict.INVALID_SIGNATURE, ScanVerdict.UNKNOWN_CODE}
    # Through the door too: the forged code is refused and recorded as such.
    forged = code[:50] + ("A" if code[50] != "A" else "B") + code[51:]
    assert verdict(event, forged) is ScanVerdict.INVALID_SIGNATURE
    assert verdict(event, code[:-1]) is ScanVerdict.UNKNOWN_CODE  # one character short


def second_event():
    event = events.create_event(events.EventDetails(
        slug="other", name="Other meeting", starts_on=date.today(), ends_on=date.today(),
        timezone="Asia/Kuala_Lumpur"), ACTOR)
    events.add_delegation(event, "MY", None, ACTOR)
    events.add_category(event, "D", "Delegate", "#D32F2F", True, [], ACTOR)
    events.add_checkpoint(event, "MAIN", "Main entrance", "", True, ACTOR)
    return event


def test_a_badge_of_another_event_and_a_code_signed_with_its_key_are_refused(event):
    other = second_event()
    theirs = make_person(other, stage="handed_over", country="MY").current_badge
    assert verdict(event, theirs.code) is ScanVerdict.INVALID_SIGNATURE
    # A code naming a badge of this event but signed with the other event's key.
    ours = badged(event)
    forged = sign_badge_code(keys.private_key(keys.current_signing_key(other)), key_number=1,
                             event_id=event.id, badge_id=ours.id, badge_version=ours.version)
    assert verdict(event, forged) is ScanVerdict.INVALID_SIGNATURE
    # And one signed with a key nobody knows.
    stranger = sign_badge_code(Ed25519PrivateKey.generate(), key_number=1, event_id=event.id,
                               badge_id=ours.id, badge_version=ours.version)
    assert verdict(event, stranger) is ScanVerdict.INVALID_SIGNATURE
    assert verdict(event, ours.code) is ScanVerdict.ACCEPTED


def test_rotation_keeps_printed_badges_valid_until_their_key_is_retired(event):
    old = badged(event)
    first_key = keys.current_signing_key(event)
    second_key = keys.rotate_signing_key(event, ACTOR)
    new = badged(event, given_name="Rina", email="rina@example.id")
    assert parse_badge_code(new.code).key_number == 2 and new.signing_key == second_key
    assert verdict(event, old.code) is ScanVerdict.ACCEPTED
    assert keys.live_badges_by_key(event) == {first_key.id: 1, second_key.id: 1}
    with pytest.raises(Exception, match="signs new badges"):
        keys.retire_signing_key(second_key, ACTOR)
    assert keys.retire_signing_key(first_key, ACTOR) == 1
    assert identify_badge(event.id, old.code) == (None, ScanVerdict.INVALID_SIGNATURE)
    assert verdict(event, new.code) is ScanVerdict.ACCEPTED
    retired = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "signing_key.retired"))
    assert retired.after["live_badges"] == 1 and retired.actor == "cli:test"


def test_a_preview_code_has_the_real_format_and_opens_nothing(event):
    badge = badged(event)
    preview = placeholder_badge_code(badge.delegate.reference)
    assert len(preview) == len(badge.code) and parse_badge_code(preview) is not None
    assert verdict(event, preview) is ScanVerdict.INVALID_SIGNATURE


def test_the_private_key_is_stored_encrypted_and_bound_to_its_event(event, app):
    key = keys.current_signing_key(event)
    raw = keys.private_key(key).private_bytes_raw()
    assert raw.hex() not in key.private_key and key.private_key.startswith("v1.")
    # A stored key copied onto another event's row does not decrypt.
    other = second_event()
    theirs = keys.current_signing_key(other)
    theirs.private_key = key.private_key
    with pytest.raises(Exception):
        keys.private_key(theirs)
    db.session.rollback()


def test_an_admin_sees_rotates_and_retires_keys_on_the_keys_page(client, event, login):
    badged(event)
    login("admin")
    url = f"/admin/events/{event.id}/keys"
    page = client.get(url).get_data(as_text=True)
    key = keys.current_signing_key(event)
    assert key.fingerprint in page and "Signs new badges" in page
    client.post(f"{url}/rotate", data={"csrf_token": csrf_token(client, url)})
    page = client.get(url).get_data(as_text=True)
    assert "Old key: its badges still work" in page
    refused = client.post(f"/admin/keys/{key.id}/retire", data={"csrf_token": csrf_token(client, url)})
    assert "Tick the box" in client.get(refused.headers["Location"]).get_data(as_text=True)
    assert db.session.get(SigningKey, key.id).retired_at is None
    client.post(f"/admin/keys/{key.id}/retire", data={"csrf_token": csrf_token(client, url),
                                                      "confirm": "y"})
    assert db.session.get(SigningKey, key.id).retired_at is not None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "signing_key.retired")
                             ).actor.startswith("staff:admin@")
