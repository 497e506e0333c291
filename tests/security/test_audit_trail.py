"""The audit trail as the security office reads it: plain words naming who acted and whom it was
about, venue time, filters that combine, pages, the CSV of what the page shows, and no secret."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent
from app.services import audit_trail, events
from app.services.audit import Actor, record
from app.services.issuance import issue_badge
from app.services.registration import Application, update_application
from app.services.vetting import approve_delegate, clear_delegate, request_information
from security_support import client_as, csv_rows
from support import make_person

ACTOR = Actor.cli("test")
APP = Path(__file__).resolve().parents[2] / "app"


def rows(html: str) -> list[str]:
    """Each row of the trail as its text: when | who | what | details."""
    body = re.search(r'<table class="list audit">.*?<tbody>(.*?)</tbody>', html, re.S)
    found = re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S) if body else []
    return [" | ".join(" ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split())
                       for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)) for row in found]


def whats(html: str) -> list[str]:
    return [row.split(" | ")[2] for row in rows(html)]


def on_27_nov(hour: int, minute: int = 0) -> datetime:
    """A moment (UTC) of the day the tests arrange; the venue's clock is 8 hours ahead."""
    return datetime(2026, 11, 27, hour, minute, tzinfo=timezone.utc)


def at(entry: AuditEvent, moment: datetime) -> None:
    entry.at = moment
    db.session.commit()


def newest(action: str, **where) -> AuditEvent:
    return db.session.scalar(select(AuditEvent).filter_by(action=action, **where)
                             .order_by(AuditEvent.id.desc()).limit(1))


@pytest.fixture
def decided(event, staff):
    """Dewi approved by the accreditation office and cleared by the security office, with a badge;
    Somchai asked for more information; each at a known time."""
    officer, guard = Actor.staff(staff("accreditation")), Actor.staff(staff("security"))
    dewi = make_person(event, given_name="Dewi", family_name="Lestari")
    somchai = make_person(event, given_name="Somchai", family_name="Wongsakul", country="TH",
                          native_name="สมชาย วงศ์สกุล")
    for person in (dewi, somchai):
        at(newest("delegate.registered", object_id=person.id), on_27_nov(0, 30))
    approve_delegate(dewi, officer, seen_revision=dewi.revision)
    at(newest("delegate.approved"), on_27_nov(1, 30))
    clear_delegate(dewi, guard, seen_revision=dewi.revision)
    at(newest("delegate.cleared"), on_27_nov(2, 0))
    issue_badge(dewi, ACTOR)
    db.session.commit()
    at(newest("badge.issued"), on_27_nov(4, 0))
    request_information(somchai, "A photo without sunglasses, please.", officer,
                        seen_revision=somchai.revision)
    at(newest("delegate.needs_info"), on_27_nov(3, 0))
    return {"dewi": dewi, "somchai": somchai}


def test_entries_read_in_plain_words_with_names_and_the_venues_time(app, staff, event, decided):
    client = client_as(app, staff, "security")
    page = client.get("/security/audit").get_data(as_text=True)
    dewi = decided["dewi"]
    approved = next(row for row in rows(page) if "for the accreditation office" in row)
    # 01:30 UTC is 09:30 in Kuala Lumpur; the officer by account and office, the person by name.
    assert approved == (f"27 Nov 2026 09:30:00 +08 | accreditation@test.example (Accreditation officer) | "
                        f"approved Dewi Lestari ({dewi.reference}) for the accreditation office "
                        f"{event.name} | Status: Submitted → Approved, awaiting clearance")
    assert any(row.startswith("27 Nov 2026 10:00:00 +08 | security@test.example (Security office) | "
                              f"cleared Dewi Lestari ({dewi.reference}) for the security office")
               for row in rows(page))
    assert f"issued badge {dewi.current_badge.serial} of Dewi Lestari" in "\n".join(rows(page))
    asked = next(row for row in rows(page) if "asked" in row)
    assert "asked Somchai Wongsakul" in asked and "Message to the applicant: none → A photo without" in asked
    # A login belongs to no event: UTC, and said so; no internal names anywhere.
    login = next(row for row in rows(page) if "logged in" in row)
    assert re.match(r"\d\d \w{3} \d{4} \d\d:\d\d:\d\d UTC \| security@test\.example \(Security office\) "
                    r"from 127\.0\.0\.1 \| logged in \|", login)
    table = "\n".join(rows(page))
    for internal in ("staff.logged_in", "delegate.approved", "staffuser", '{"status"', "revision"):
        assert internal not in table


def test_filters_combine_and_the_csv_matches_the_page(app, staff, event, decided):
    client = client_as(app, staff, "admin")
    officer = staff("accreditation")
    query = {"actor": str(officer.id), "what": "applications", "person": "dewi"}
    page = client.get("/security/audit", query_string=query).get_data(as_text=True)
    dewi = decided["dewi"]
    assert whats(page) == [
        f"approved Dewi Lestari ({dewi.reference}) for the accreditation office {event.name}"]
    assert re.search(r'href="/security/audit\.csv\?actor=\d+&amp;what=applications&amp;person=dewi"', page)

    by_officer = client.get("/security/audit", query_string={"actor": str(officer.id)})
    assert [w.split(" (")[0] for w in whats(by_officer.get_data(as_text=True))] == [
        "asked Somchai Wongsakul", "approved Dewi Lestari"]
    # Her badge and her application, by her reference; not Somchai's.
    about_her = client.get("/security/audit", query_string={"person": dewi.reference.lower()})
    assert [w.split(" ")[0] for w in whats(about_her.get_data(as_text=True))] == [
        "issued", "cleared", "approved", "filed"]
    in_thai = client.get("/security/audit", query_string={"person": "วงศ์สกุล", "what": "delegate.needs_info"})
    assert len(rows(in_thai.get_data(as_text=True))) == 1

    for filters in (query, {"person": dewi.reference}, {"what": "badges"}, {}):
        page_rows = rows(client.get("/security/audit", query_string=filters).get_data(as_text=True))
        exported = csv_rows(client.get("/security/audit.csv", query_string=filters))
        assert [(r["who"], f"{r['what']} {r['event']}".strip()) for r in exported] == [
            (row.split(" | ")[1].split(" from ")[0], row.split(" | ")[2]) for row in page_rows]
    exported = csv_rows(client.get("/security/audit.csv", query_string=query))
    assert exported[0]["at"] == "2026-11-27 09:30:00+08:00"
    assert exported[0]["time_zone"] == "Asia/Kuala_Lumpur" and exported[0]["action"] == "delegate.approved"
    assert exported[0]["changes"] == "Status: Submitted → Approved, awaiting clearance"


def test_a_person_is_found_as_the_desk_finds_them_without_accents_or_case(app, staff, event):
    hang = make_person(event, given_name="Nguyễn Thị Thu", family_name="Hằng", country="VN")
    duc = make_person(event, stage="approved", given_name="Đặng Văn", family_name="Đức", country="VN")
    badge = issue_badge(duc, ACTOR)
    client = client_as(app, staff, "security")

    def about(person: str) -> list[str]:
        """What the entries found say, as the page shows them and the CSV exports them."""
        page = client.get("/security/audit", query_string={"person": person}).get_data(as_text=True)
        exported = csv_rows(client.get("/security/audit.csv", query_string={"person": person}))
        assert [f"{row['what']} {row['event']}" for row in exported] == whats(page)
        return [row["what"] for row in exported]

    hang_entries = [f"filed the application of Nguyễn Thị Thu Hằng ({hang.reference})"]
    for typed in ("nguyen", "HANG", "Nguyễn hang", hang.reference[3:]):
        assert about(typed) == hang_entries, typed
    named = f"Đặng Văn Đức ({duc.reference})"
    duc_entries = [f"issued badge {badge.serial} of Đặng Văn Đức",
                   f"cleared {named} for the security office",
                   f"approved {named} for the accreditation office",
                   f"filed the application of {named}"]
    for typed in ("dang", "DUC", "Đặng", "van duc", duc.reference.replace("-", " ").lower(),
                  badge.serial.lower()):
        assert about(typed) == duc_entries, typed
    assert about("nguyen duc") == []


def test_the_period_is_read_on_the_venues_clock(app, staff, event, decided):
    client = client_as(app, staff, "security")
    # 09:45 to 10:59 in Kuala Lumpur: the clearance at 10:00 (02:00 UTC), not the approval at 09:30
    # nor the request at 11:00.
    page = client.get("/security/audit?since=2026-11-27T09:45&until=2026-11-27T10:59")
    assert [w.split(" ")[0] for w in whats(page.get_data(as_text=True))] == ["cleared"]
    until_ten = client.get("/security/audit?what=applications&until=2026-11-27T10:00")
    assert [w.split(" ")[0] for w in whats(until_ten.get_data(as_text=True))] == [
        "cleared", "approved", "filed", "filed"]
    bad = client.get("/security/audit?since=0001-01-01T00:00")
    assert bad.status_code == 400
    assert client.get("/security/audit.csv?since=not-a-time").status_code == 400


def test_the_trail_pages_newest_first(app, staff):
    user = staff("desk")
    for minute in range(audit_trail.PAGE_SIZE + 5):
        entry = record(Actor.staff(user), "staff.logged_in", user)
        entry.at = on_27_nov(8) + timedelta(minutes=minute)
    db.session.commit()
    client = client_as(app, staff, "security")
    first = client.get(f"/security/audit?actor={user.id}").get_data(as_text=True)
    assert len(rows(first)) == audit_trail.PAGE_SIZE
    assert rows(first)[0].startswith("27 Nov 2026 09:44:00 UTC")
    assert f'href="/security/audit?page=2&amp;actor={user.id}">Older</a>' in first
    second = client.get(f"/security/audit?actor={user.id}&page=2").get_data(as_text=True)
    assert len(rows(second)) == 5 and "Newer" in second and "Older" not in second
    assert len(csv_rows(client.get(f"/security/audit.csv?actor={user.id}"))) == audit_trail.PAGE_SIZE + 5


def test_document_numbers_and_other_secrets_are_never_shown(app, staff, event):
    person = make_person(event, passport_number="A1234567")
    corrected = Application(**{name: getattr(person, name) for name in (
        "given_name", "family_name", "country", "email", "honorific", "native_name", "position",
        "organisation", "phone", "nationality", "date_of_birth", "passport_expiry")},
        category_code="D", passport_number="B7654321")
    update_application(person, corrected, None, Actor.public())
    # Whatever a future change might write, a key that can hold a secret shows as "changed".
    record(ACTOR, "delegate.corrected", person, before={"date_of_birth": "1980-05-17"},
           after={"date_of_birth": "1981-06-18", "password": "hunter2hunter2"})
    db.session.commit()
    client = client_as(app, staff, "security")
    page = client.get("/security/audit").get_data(as_text=True)
    exported = client.get("/security/audit.csv").get_data(as_text=True)
    corrected_row = next(row for row in rows(page) if row.split(" | ")[1] == "The applicant")
    assert "corrected the application of" in corrected_row and "Document number: changed" in corrected_row
    for secret in ("A1234567", "B7654321", "1980-05-17", "1981-06-18", "17 May 1980", "hunter2"):
        assert secret not in page and secret not in exported


def test_removed_things_and_unknown_actions_are_still_named(app, staff, event):
    zone = events.add_zone(event, "9", "Storage", ACTOR)
    events.remove_zone(zone, ACTOR)
    person = make_person(event)
    record(ACTOR, "delegate.teleported", person, after={"to": "Mars"})
    db.session.commit()
    page = client_as(app, staff, "security").get("/security/audit").get_data(as_text=True)
    text = "\n".join(rows(page))
    assert "removed zone 9 (Storage)" in text and "added zone 9 (Storage)" in text
    assert f"recorded “delegate.teleported” about Dewi Lestari ({person.reference})" in text


def test_the_csv_cannot_run_formulas(app, staff, event):
    record(Actor(label="=HYPERLINK(\"http://evil.example\")"), "staff.login_failed", staff("desk"))
    db.session.commit()
    exported = csv_rows(client_as(app, staff, "security").get("/security/audit.csv?actor=&what=staff"))
    assert "'=HYPERLINK(\"http://evil.example\")" in [row["who"] for row in exported]


def test_every_action_the_code_writes_reads_in_plain_words():
    written = set()
    for path in APP.rglob("*.py"):
        if path.name != "audit_trail.py":
            written |= set(re.findall(
                r'"((?:delegates?|badge|staff|event|category|zone|checkpoint|delegation|invitation|'
                r'signing_key|scan)\.[a-z_]+)"', path.read_text(encoding="utf-8")))
    written = {code for code in written if not code.endswith(".id")}  # foreign keys, not actions
    assert len(written) > 40
    assert written - set(audit_trail.ACTIONS) == set()


@pytest.mark.parametrize("role", ["admin", "security"])
def test_the_admin_and_the_security_office_read_the_trail(app, staff, role):
    client = client_as(app, staff, role)
    assert client.get("/security/audit").status_code == 200
    assert client.get("/security/audit.csv").status_code == 200
    moved = client.get("/admin/audit?what=staff&page=2")
    assert moved.status_code == 302 and moved.headers["Location"] == "/security/audit?what=staff&page=2"


@pytest.mark.parametrize("role", ["accreditation", "desk", "door"])
def test_other_staff_may_not_read_the_trail(app, staff, role):
    client = client_as(app, staff, role)
    for url in ("/security/audit", "/security/audit.csv", "/admin/audit"):
        assert client.get(url).status_code == 403


def test_the_admin_finds_the_trail_from_the_administration_page(app, staff):
    page = client_as(app, staff, "admin").get("/admin/").get_data(as_text=True)
    assert 'href="/security/audit">Audit trail</a>' in page

