"""The security office's scan log: filters that combine, the CSV of what the page shows, refused
scans with what was read, offline conflicts, overrides, and today's flagged scans."""
from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import event as sa_event

from app.extensions import db
from app.models import ScanVerdict
from app.models._types import utcnow
from app.services import scan_log
from app.services.audit import Actor
from app.services.checkin import let_through
from app.services.issuance import issue_badge, revoke_badge
from security_support import client_as, csv_rows, holder, printed_names, scan, scan_rows
from support import make_person

ACTOR = Actor.cli("test")


def venue_today(event, hour: int, minute: int = 0) -> datetime:
    """A time today on the venue's clock, as UTC."""
    return event.from_venue_clock(datetime.combine(event.at_venue(utcnow()).date(), time(hour, minute)))


def venue_day(event) -> str:
    """Today at the venue, as the log's time filter writes days."""
    return event.at_venue(utcnow()).date().isoformat()



def at(scan_row, moment: datetime):
    """The scan as if it had been made at `moment` (the log's history, arranged)."""
    scan_row.scanned_at = scan_row.recorded_at = moment
    db.session.commit()
    return scan_row


@pytest.fixture
def day(event):
    """A morning at the doors: who went where, and what was flagged; returns the day."""
    day = venue_day(event)
    dewi = holder(event, "Dewi", "Lestari").current_badge.code
    somchai = holder(event, "Somchai", "Wongsakul", country="TH").current_badge.code
    linh = holder(event, "Linh", "Tran", country="VN").current_badge.code
    lost = holder(event, "Arief", "Wibowo").current_badge
    revoke_badge(lost, "lost", ACTOR)
    at(scan(event, dewi), venue_today(event, 8))
    at(scan(event, dewi, direction="out"), venue_today(event, 8, 30))
    at(scan(event, somchai, direction="out"), venue_today(event, 9))  # exit without entry
    at(scan(event, somchai, "PLENARY", "out"), venue_today(event, 9, 15))  # another door
    at(scan(event, lost.code), venue_today(event, 9, 30))  # reported lost
    at(scan(event, linh, direction="out"), venue_today(event, 11))  # later than the range
    assert venue_day(event) == day, "midnight passed at the venue while the scans were made"
    return day


def serials(html: str) -> list[str]:
    """Which badge each row of the log was a scan of, in order."""
    return [re.search(r"<small>(B\d+-\d+)</small>", row).group(1) for row in scan_rows(html)]


def names(html: str) -> list[str]:
    """Whose scan each row of the log is, in order ("" for a code that names nobody)."""
    return ["".join(printed_names(row)) for row in scan_rows(html)]


def test_filters_combine_and_the_csv_matches_the_page(client, login, event, day):
    login("security")
    query = f"flag=any&checkpoint=MAIN&since={day}T08:45&until={day}T10:00"
    page = client.get(f"/security/scans?{query}").get_data(as_text=True)
    assert names(page) == ["Arief Wibowo", "Somchai Wongsakul"]  # newest first
    assert f'href="/security/scans.csv?event={event.slug}&amp;checkpoint=MAIN' in page
    rows = csv_rows(client.get(f"/security/scans.csv?{query}"))
    assert [(r["name"], r["checkpoint"], r["flag"]) for r in rows] == [
        ("Arief Wibowo", "MAIN", "reported_lost"), ("Somchai Wongsakul", "MAIN", "exit_without_entry")]
    assert rows[1]["scanned_at"].endswith(" 09:00:00+08:00")

    one_kind = client.get(f"/security/scans?{query.replace('flag=any', 'flag=exit_without_entry')}")
    assert names(one_kind.get_data(as_text=True)) == ["Somchai Wongsakul"]
    exits = client.get("/security/scans?checkpoint=MAIN&direction=out").get_data(as_text=True)
    assert names(exits) == ["Linh Tran", "Somchai Wongsakul", "Dewi Lestari"]
    until_nine = client.get(f"/security/scans?until={day}T09:00")
    assert names(until_nine.get_data(as_text=True)) == ["Somchai Wongsakul", "Dewi Lestari", "Dewi Lestari"]
    lost = client.get("/security/scans?verdict=reported_lost").get_data(as_text=True)
    assert names(lost) == ["Arief Wibowo"]


def test_a_badge_serial_or_a_name_finds_that_persons_scans(client, login, event, day):
    login("security")
    somchai_serial = csv_rows(client.get("/security/scans.csv?q=somchai"))[0]["badge"]
    for search in (somchai_serial, somchai_serial.lower(), "WONGSAK", "somchai wong"):
        page = client.get("/security/scans", query_string={"q": search}).get_data(as_text=True)
        assert names(page) == ["Somchai Wongsakul", "Somchai Wongsakul"], search
    nobody = client.get("/security/scans?q=50%25").get_data(as_text=True)  # "50%" is no wildcard
    assert scan_rows(nobody) == [] and "No scan matches." in nobody


def test_a_name_is_found_as_the_desk_finds_it_without_accents_or_case(client, login, event):
    hang = holder(event, "Nguyễn Thị Thu", "Hằng", country="VN")
    duc = holder(event, "Đặng Văn", "Đức", country="VN")
    scan(event, hang.current_badge.code)
    scan(event, duc.current_badge.code)
    scan(event, duc.current_badge.code, direction="out")
    login("security")
    for search, who in (("nguyen", ["Nguyễn Thị Thu Hằng"]), ("HANG NGUYEN", ["Nguyễn Thị Thu Hằng"]),
                        ("dang", ["Đặng Văn Đức"] * 2), ("duc", ["Đặng Văn Đức"] * 2),
                        ("Đặng", ["Đặng Văn Đức"] * 2), (duc.reference.lower(), ["Đặng Văn Đức"] * 2),
                        ("nguyen duc", [])):
        page = client.get("/security/scans", query_string={"q": search}).get_data(as_text=True)
        assert names(page) == who, search
        exported = csv_rows(client.get("/security/scans.csv", query_string={"q": search}))
        assert [row["name"] for row in exported] == who, search


def test_a_badge_serial_finds_its_scans_with_or_without_its_version(client, login, event):
    first = holder(event, "Dewi", "Lestari")
    old = first.current_badge
    scan(event, old.code)
    revoke_badge(old, "lost", ACTOR)
    scan(event, old.code)
    replaced = issue_badge(first, ACTOR)
    db.session.commit()
    scan(event, replaced.code)
    login("security")
    badge_number = old.serial.split("-")[0]  # "B000123"
    for search in (old.serial, old.serial.lower(), badge_number, "b" + str(old.id), f" {old.serial} "):
        page = client.get("/security/scans", query_string={"q": search}).get_data(as_text=True)
        assert serials(page) == [old.serial] * 2, search
    wrong_version = client.get("/security/scans", query_string={"q": f"{badge_number}-9"})
    assert "No scan matches." in wrong_version.get_data(as_text=True)


def test_refused_scans_show_the_raw_text_read_escaped(client, login, event):
    scan(event, "<script>alert(1)</script>")
    login("security")
    page = client.get("/security/scans?verdict=unknown_code").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    assert "Unknown badge" in page


def test_the_code_of_a_badge_that_still_opens_doors_is_never_shown_nor_exported(client, login, event):
    badge = holder(event, "Dewi", "Lestari").current_badge
    scan(event, badge.code)
    scan(event, badge.code)  # refused: already inside
    login("security")
    page = client.get("/security/scans?verdict=already_inside").get_data(as_text=True)
    assert "this badge's working code (not shown)" in page and badge.serial in page
    assert badge.code not in page
    exported = client.get("/security/scans.csv").get_data(as_text=True)
    assert badge.code not in exported and badge.serial in exported
    revoke_badge(badge, "stolen", ACTOR)  # a stopped badge's code opens nothing: shown as read
    assert badge.code in client.get("/security/scans?verdict=already_inside").get_data(as_text=True)


def test_the_scan_log_csv_cannot_run_formulas(client, login, event):
    scan(event, "=HYPERLINK(\"http://evil.example\",\"x\")")
    login("security")
    assert csv_rows(client.get("/security/scans.csv"))[0]["raw_code"].startswith("'=HYPERLINK")


def test_offline_conflicts_show_both_times_and_both_decisions(client, login, event):
    # Offline, the door let in a badge still in the printer tray: the server would not have.
    badge = make_person(event, stage="badged").current_badge
    scanned = utcnow() - timedelta(minutes=3)
    scan(event, badge.code, scanned_at=scanned, offline_verdict=ScanVerdict.ACCEPTED)
    scan(event, "NOT A BADGE")
    login("security")
    page = client.get("/security/scans?offline=y&flag=offline_conflict").get_data(as_text=True)
    [row] = scan_rows(page)
    assert event.at_venue(scanned).strftime("%d %b %H:%M:%S") in row and "offline; recorded" in row
    assert "Device decided: Accepted" in row and "Badge not handed over yet" in row
    assert "Offline decision differs from the server" in row
    [line] = csv_rows(client.get("/security/scans.csv?offline=y"))
    assert (line["verdict"], line["server_verdict"], line["offline"]) == (
        "accepted", "not_handed_over", "yes")
    assert line["scanned_at"] < line["recorded_at"]


def test_overrides_show_the_reason_and_who_let_the_person_through(client, login, staff, event):
    code = holder(event, "Dewi", "Lestari").current_badge.code
    scan(event, code)
    refused = scan(event, code)
    officer = staff("security")
    let_through(refused, "Left by the fire exit during the drill", Actor.staff(officer))
    login("security")
    page = client.get("/security/scans?flag=override").get_data(as_text=True)
    [row] = scan_rows(page)
    assert "Reason: Left by the fire exit during the drill; by security@test.example" in row
    assert "Let through by a supervisor" in row
    [line] = csv_rows(client.get("/security/scans.csv?flag=override"))
    assert (line["override_reason"], line["staff"]) == ("Left by the fire exit during the drill",
                                                        "security@test.example")


def test_typed_serials_can_be_listed_alone(client, login, event):
    badge = holder(event, "Dewi", "Lestari").current_badge
    scan(event, badge.serial, manual=True)
    scan(event, badge.code, direction="out")
    login("security")
    [row] = scan_rows(client.get("/security/scans?manual=y").get_data(as_text=True))
    assert "Serial typed from the badge" in row and "Entry" in row


def test_todays_flags_are_counted_by_kind_and_link_to_the_log(client, login, event, day):
    # Yesterday's alarm is no longer today's business.
    somchai = holder(event, "Yesterday", "Person", country="TH").current_badge.code
    at(scan(event, somchai, direction="out"), venue_today(event, 0) - timedelta(minutes=1))
    login("security")
    page = client.get("/security/").get_data(as_text=True)
    link = f"/security/scans?event={event.slug}&amp;flag=exit_without_entry&amp;since={day}T00:00"
    assert f'<a href="{link}"><strong>3</strong> Exit without an entry</a>' in page
    assert "<strong>1</strong> Badge reported lost or stolen" in page
    assert "<strong>0</strong> Let through by a supervisor" in page
    listed = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert names(listed) == ["Linh Tran", "Somchai Wongsakul", "Somchai Wongsakul"]


def test_the_log_is_paged_and_the_pages_keep_the_filters(client, login, event, monkeypatch):
    monkeypatch.setattr(scan_log, "PAGE_SIZE", 2)
    for number in range(5):
        at(scan(event, f"UNKNOWN{number}"), venue_today(event, 8, number))
    scan(event, "ELSEWHERE", "PLENARY")
    login("security")
    first = client.get("/security/scans?verdict=unknown_code&checkpoint=MAIN").get_data(as_text=True)
    assert len(scan_rows(first)) == 2
    older = f"page=2&amp;event={event.slug}&amp;checkpoint=MAIN&amp;verdict=unknown_code"
    assert f'href="/security/scans?{older}"' in first
    third = client.get("/security/scans?verdict=unknown_code&checkpoint=MAIN&page=3").get_data(as_text=True)
    assert [row.count("UNKNOWN0") for row in scan_rows(third)] == [1]
    assert "Older</a>" not in third and "Newer</a>" in third
    beyond = client.get("/security/scans?page=99999999999999999999")
    assert beyond.status_code == 200 and scan_rows(beyond.get_data(as_text=True)) == []
    assert len(csv_rows(client.get("/security/scans.csv?verdict=unknown_code&checkpoint=MAIN"))) == 5


@pytest.mark.parametrize("query", ["verdict=opened", "flag=everything", "checkpoint=BACKDOOR",
                                   "since=0001-01-01T00:00", "until=tomorrow", "q=" + "x" * 121])
def test_filters_that_make_no_sense_are_refused_with_a_reason(client, login, event, query):
    login("security")
    page = client.get(f"/security/scans?{query}")
    assert page.status_code == 400 and 'class="error"' in page.get_data(as_text=True)
    assert client.get(f"/security/scans.csv?{query}").status_code == 400


URLS = ["/security/", "/security/scans", "/security/scans.csv", "/security/roll-call?zone=venue",
        "/security/roll-call.csv"]


@pytest.mark.parametrize("role", ["door", "desk", "accreditation"])
def test_other_staff_are_refused_every_security_page(app, staff, event, role):
    other = client_as(app, staff, role)
    assert [other.get(url).status_code for url in URLS] == [403] * len(URLS)


def test_admins_may_read_the_security_pages(app, staff, event):
    admin = client_as(app, staff, "admin")
    assert [admin.get(url).status_code for url in URLS] == [200] * len(URLS)


def test_the_pages_ask_the_database_as_often_for_3_people_as_for_12(client, login, event):
    login("security")

    def queries(url: str) -> int:
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        sa_event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(url).status_code == 200
        finally:
            sa_event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    def crowd(first: int, last: int, categories: str) -> None:
        for number in range(first, last):
            code = holder(event, "Delegate", "ABCDEFGHIJKLMNOP"[number],
                          category_code=categories[number % len(categories)]).current_badge.code
            scan(event, code)
            scan(event, code, "PLENARY")

    urls = ["/security/", "/security/scans", "/security/roll-call?zone=venue",
            "/security/roll-call.csv", "/security/scans.csv"]
    crowd(0, 3, "D")
    few = [queries(url) for url in urls]
    crowd(3, 12, "DEO")  # more people, more categories, more badges
    assert [queries(url) for url in urls] == few
