"""Any body sent to the scan API gets an answer the door understands (never a 500), and a
refused request records nothing."""
from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Checkpoint, Delegate, Scan
from strategies import REQUEST_PROPERTY, any_integer, any_text, iso_times, json_values
from support import csrf_token, make_person

MISSING = object()
TABLES = (Scan, Delegate, AuditEvent)


def rows() -> dict[str, int]:
    return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in TABLES}


@pytest.fixture
def door(client, event, login):
    """A logged-in door account, its CSRF token, a working badge and the MAIN checkpoint's id."""
    code = make_person(event, stage="handed_over").current_badge.code
    login("door")
    main = db.session.scalar(select(Checkpoint.id).where(Checkpoint.code == "MAIN"))
    return {"token": csrf_token(client, "/door/"), "code": code, "main": main}


def scan_body(draw, door) -> dict:
    """A scan as the door page sends it, each field right, wrong in kind, or missing."""
    fields = {
        "code": st.sampled_from([door["code"], f" {door['code'].lower()}\n", "A" * 32]) | any_text
        | json_values,
        "checkpoint": st.sampled_from(["MAIN", "VIP", door["main"]]) | any_integer | any_text
        | json_values,
        "direction": st.sampled_from(["in", "out"]) | any_text | json_values,
        "nonce": st.text("abcdef0123456789-", min_size=8, max_size=64) | any_text | json_values,
        "scanned_at": iso_times | any_text | json_values,
        "device": any_text | json_values,
    }
    body = {name: draw(st.just(MISSING) | values) for name, values in fields.items()}
    return {name: value for name, value in body.items() if value is not MISSING}


@REQUEST_PROPERTY
@given(data=st.data())
def test_any_scan_request_is_answered_and_a_refused_one_records_nothing(client, door, data):
    kind = data.draw(st.sampled_from(["scan", "json", "bytes", "deep"]))
    if kind == "scan":
        body = json.dumps(scan_body(data.draw, door))
    elif kind == "json":
        body = json.dumps(data.draw(json_values))
    elif kind == "bytes":
        body = data.draw(st.binary(max_size=200))
    else:
        depth = data.draw(st.integers(1, 20_000))
        body = data.draw(st.sampled_from(["[", "{\"a\":"])) * depth
    before = rows()
    response = client.post("/api/v1/scans", data=body, content_type="application/json",
                           headers={"X-CSRFToken": door["token"]})
    assert response.status_code in (200, 201, 400, 409), response.get_data(as_text=True)
    answer = response.get_json()
    after = rows()
    if response.status_code == 201:
        assert answer["verdict"]
        assert after == {**before, "scans": before["scans"] + 1}
    else:
        assert answer["error" if response.status_code >= 400 else "verdict"]
        assert after == before
