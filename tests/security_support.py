"""Helpers for the security office's tests: people with badges that open doors, scans at
those doors, and reading the pages and CSV files as the office would."""
from __future__ import annotations

import csv
import io
import re
from html import unescape

from sqlalchemy import select

from app.extensions import db
from app.models import Checkpoint, Scan, ScanDirection
from app.services.audit import Actor
from app.services.checkin import record_scan
from support import PASSWORD, csrf_token, make_person


def holder(event, given: str, family: str, **fields):
    """A person whose handed-over badge opens the doors of their category's zones."""
    return make_person(event, stage="handed_over", given_name=given, family_name=family, **fields)


def scan(event, code: str, checkpoint: str = "MAIN", direction: str = "in", actor=None, **extra):
    """A scan at one of the event's checkpoints, recorded as the door would."""
    door = db.session.scalar(select(Checkpoint).where(Checkpoint.event_id == event.id,
                                                      Checkpoint.code == checkpoint))
    outcome = record_scan(door, code, ScanDirection(direction), actor or Actor.cli("door"), **extra)
    return db.session.get(Scan, outcome.scan.id)


def section(html: str, zone_key: str) -> str:
    """The part of the who-is-inside page about one zone ("venue" or a zone id)."""
    match = re.search(rf'<section class="zone-roll" id="zone-{zone_key}">(.*?)</section>', html, re.S)
    assert match, f"no section for zone {zone_key}"
    return match.group(1)


def printed_names(html: str) -> list[str]:
    """The names as printed of the people a page lists, in order."""
    return [unescape(name) for name in re.findall(r'<strong class="printed-name">([^<]*)</strong>', html)]


def scan_rows(html: str) -> list[str]:
    """The rows of the scan log table, as their HTML."""
    body = re.search(r'<table class="list scan-log">.*?<tbody>(.*?)</tbody>', html, re.S)
    return re.findall(r"<tr[^>]*>(.*?)</tr>", body.group(1), re.S) if body else []


def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def client_as(app, staff, role: str):
    """A browser of its own, logged in with this role (several roles in one test)."""
    client = app.test_client()
    response = client.post("/login", data={"csrf_token": csrf_token(client, "/login"),
                                           "email": staff(role).email, "password": PASSWORD})
    assert response.status_code == 302
    return client
