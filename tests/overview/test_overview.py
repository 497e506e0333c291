"""The offices' overview of an event: each delegation's and category's figures against people made
in known states, the chart and figures per day at the venue, the CSV, the command line, and who
may read it."""
from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from html import unescape

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Delegate, DelegateStatus
from app.overview.chart import Series, bar_chart
from app.services.audit import Actor
from app.services.issuance import print_badge, revoke_badge
from app.services.overview import COLUMNS, daily_figures, event_overview
from app.services.vetting import (approve_delegate, clear_delegate, refuse_clearance, reject_delegate,
                                  request_information)
from security_support import client_as, csv_rows, scan
from support import make_person

ACTOR = Actor.cli("test")
SVG = "{http://www.w3.org/2000/svg}"


def person(event, name: str, country: str, stage: str = "submitted", **fields):
    given, family = name.split()
    return make_person(event, given_name=given, family_name=family, country=country, stage=stage, **fields)


@pytest.fixture
def people(event, staff):
    """Three delegations with people in every state; Delegates (D) need the security office's
    clearance, Press (P) do not."""
    officer, guard = Actor.staff(staff("accreditation")), Actor.staff(staff("security"))
    # Indonesia: one waiting for both offices, one ready, two handed over (one of them inside).
    person(event, "Arief Wibowo", "ID")
    person(event, "Dewi Lestari", "ID", "approved")
    inside = person(event, "Budi Santoso", "ID", "handed_over")
    left = person(event, "Rina Wati", "ID", "handed_over")
    scan(event, inside.current_badge.code)
    scan(event, inside.current_badge.code, "PLENARY")
    scan(event, left.current_badge.code)
    scan(event, left.current_badge.code, direction="out")
    # Thailand: press waiting for accreditation only, one cleared first, one asked for more, one
    # ready with a badge not printed yet, one approved and waiting for clearance.
    person(event, "Malee Srisuk", "TH", category_code="P")
    cleared = person(event, "Somchai Rattanakul", "TH")
    clear_delegate(cleared, guard, seen_revision=cleared.revision)
    asked = person(event, "Anan Boonmee", "TH")
    request_information(asked, "A clearer photo, please.", officer, seen_revision=asked.revision)
    person(event, "Suda Jaidee", "TH", "badged")
    approved = person(event, "Wichai Thongdee", "TH")
    approve_delegate(approved, officer, seen_revision=approved.revision)
    # Viet Nam: rejected, refused clearance, printed and not handed over, a handed-over badge stopped.
    rejected = person(event, "Linh Tran", "VN")
    reject_delegate(rejected, "Not on the delegation list.", officer, seen_revision=rejected.revision)
    refused = person(event, "Minh Pham", "VN")
    refuse_clearance(refused, "Adverse report.", guard, seen_revision=refused.revision)
    printed = person(event, "Hoa Le", "VN", "approved")
    print_badge(printed, ACTOR, seen_revision=printed.revision)
    lost = person(event, "Nam Vo", "VN", "handed_over")
    revoke_badge(lost.current_badge, "lost", ACTOR)
    statuses = set(db.session.scalars(select(Delegate.status)))
    assert statuses == set(DelegateStatus) - {DelegateStatus.WITHDRAWN}
    return {"inside": inside}


# applications, waiting: accreditation, security, applicant; ready, printed, handed over, inside, turned down
EXPECTED = {
    "Indonesia": [4, 1, 1, 0, 3, 2, 2, 1, 0],
    "Thailand": [5, 2, 1, 1, 1, 0, 0, 0, 0],
    "Vietnam": [4, 0, 0, 0, 2, 1, 0, 0, 2],
    "Malaysia": [0] * 9,
    "D Delegate": [12, 2, 2, 1, 6, 3, 2, 1, 2],
    "P Press": [1, 1, 0, 0, 0, 0, 0, 0, 0],
    "Total": [13, 3, 2, 1, 6, 3, 2, 1, 2],
}


def table_rows(html: str, caption: str) -> dict[str, list[int]]:
    """A figures table of the page: its rows' names and numbers, the total included."""
    table = re.search(rf"<caption>{caption}</caption>(.*?)</table>", html, re.S).group(1)
    found = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        name = re.search(r'<th scope="row">(.*?)</th>', row)
        if name:
            found[unescape(name.group(1))] = [int(n) for n in re.findall(r"<td[^>]*>(\d+)</td>", row)]
    return found


def test_each_delegation_and_category_counts_its_people_in_each_state(event, people):
    overview = event_overview(event)
    by_name = {row.name: row.figures.values() for row in overview.by_delegation + overview.by_category}
    for name, figures in EXPECTED.items():
        assert (overview.total.values() if name == "Total" else by_name[name]) == figures, name
    assert [row.name for row in overview.by_delegation][:3] == ["Brunei", "Cambodia", "Indonesia"]


def test_the_page_shows_the_same_figures_and_the_csv_matches_it(app, staff, event, people):
    client = client_as(app, staff, "accreditation")
    page = client.get("/overview/").get_data(as_text=True)
    delegations, categories = table_rows(page, "By delegation"), table_rows(page, "By category")
    for name, figures in EXPECTED.items():
        assert (categories if name[1:2] == " " else delegations)[name] == figures, name
    assert categories["Total"] == EXPECTED["Total"]
    exported = csv_rows(client.get("/overview/figures.csv"))
    assert list(exported[0]) == ["group", "name"] + [c.key for c in COLUMNS]
    table = {**{n: v for n, v in delegations.items() if n != "Total"}, **categories}
    assert {("All" if r["group"] == "total" else r["name"]): [int(r[c.key]) for c in COLUMNS]
            for r in exported} == {("All" if n == "Total" else n): v for n, v in table.items()}


def test_people_leaving_are_no_longer_counted_inside(app, staff, event, people):
    badge = people["inside"].current_badge.code
    scan(event, badge, "PLENARY", "out")
    assert event_overview(event).total.inside == 1  # still in the venue
    scan(event, badge, "MAIN", "out")
    assert event_overview(event).total.inside == 0


def test_registrations_and_decisions_are_counted_per_day_at_the_venue(app, staff, event):
    officer = Actor.staff(staff("accreditation"))
    people = [make_person(event, given_name=name, family_name="Santoso") for name in ("Adi", "Budi", "Citra")]
    # 17:30 UTC on the 26th is 01:30 on the 27th in Kuala Lumpur.
    for who, moment in zip(people, (datetime(2026, 11, 24, 3), datetime(2026, 11, 26, 17, 30),
                                    datetime(2026, 11, 27, 9))):
        who.created_at = moment.replace(tzinfo=timezone.utc)
    db.session.commit()
    approve_delegate(people[0], officer, seen_revision=people[0].revision)
    request_information(people[1], "Your date of birth, please.", officer, seen_revision=people[1].revision)
    for entry in db.session.scalars(select(AuditEvent).where(AuditEvent.action.in_(
            ["delegate.approved", "delegate.needs_info"]))):
        entry.at = datetime(2026, 11, 27, 2, tzinfo=timezone.utc)
    db.session.commit()
    days = daily_figures(event)
    assert [(d.day.isoformat(), d.registrations, d.accreditation_decisions, d.security_decisions)
            for d in days] == [("2026-11-24", 1, 0, 0), ("2026-11-25", 0, 0, 0), ("2026-11-26", 0, 0, 0),
                               ("2026-11-27", 2, 2, 0)]
    client = client_as(app, staff, "security")
    exported = csv_rows(client.get("/overview/days.csv"))
    assert [(r["day"], r["registrations"], r["accreditation_decisions"]) for r in exported][-1] == (
        "2026-11-27", "2", "2")
    page = client.get("/overview/").get_data(as_text=True)
    svg = ET.fromstring(re.search(r"<svg.*?</svg>", page, re.S).group())
    bars = {bar.find(f"{SVG}title").text: float(bar.get("height"))
            for bar in svg.iter(f"{SVG}rect") if bar.find(f"{SVG}title") is not None}
    assert set(bars) == {"24 Nov: 1 registrations", "27 Nov: 2 registrations",
                         "27 Nov: 2 accreditation decisions"}
    assert bars["27 Nov: 2 registrations"] == pytest.approx(2 * bars["24 Nov: 1 registrations"])
    assert "<script" not in page and "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_the_chart_uses_a_scale_of_round_numbers_and_escapes_its_words():
    svg = bar_chart(["<b>1 Dec</b>", "2 Dec"], [Series("Things & more", "series-a", [7, 23])],
                    title="A <test>")
    root = ET.fromstring(str(svg))
    ticks = [text.text for text in root.iter(f"{SVG}text") if text.get("class") == "tick"]
    assert ticks == ["0", "5", "10", "15", "20", "25"]
    assert "&lt;b&gt;1 Dec&lt;/b&gt;" in svg and "Things &amp; more" in svg and "<b>" not in svg
    heights = [float(r.get("height")) for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert heights[1] / heights[0] == pytest.approx(23 / 7, rel=0.01)


def test_the_report_command_prints_the_same_table_and_writes_its_csv(app, event, people, tmp_path):
    out = tmp_path / "figures.csv"
    result = app.test_cli_runner().invoke(args=["report", "--event", event.slug, "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(f"{event.name} ({event.slug}), ")
    for name, figures in EXPECTED.items():
        row = next(line for line in lines if line.startswith(name + " "))
        assert [int(n) for n in row[len(name):].split()] == figures, name
    assert "Waiting security: submitted in a category that needs clearance" in result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [int(rows[-1][c.key]) for c in COLUMNS] == EXPECTED["Total"]
    unknown = app.test_cli_runner().invoke(args=["report", "--event", "nope"])
    assert unknown.exit_code != 0 and "No event 'nope'" in unknown.output


@pytest.mark.parametrize("role", ["admin", "accreditation", "security"])
def test_the_offices_and_the_admin_read_the_overview(app, staff, event, role):
    client = client_as(app, staff, role)
    page = client.get("/overview/")
    assert page.status_code == 200 and 'href="/overview/">Overview</a>' in page.get_data(as_text=True)
    assert "No registrations yet." in page.get_data(as_text=True)
    for url in ("/overview/figures.csv", "/overview/days.csv"):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("role", ["desk", "door"])
def test_desk_and_door_staff_may_not(app, staff, event, role):
    client = client_as(app, staff, role)
    for url in ("/overview/", "/overview/figures.csv", "/overview/days.csv"):
        assert client.get(url).status_code == 403
    assert "/overview/" not in client.get("/desk/" if role == "desk" else "/door/").get_data(as_text=True)


def test_without_an_event_the_page_says_so(app, staff):
    client = client_as(app, staff, "admin")
    assert "No event has been set up yet." in client.get("/overview/").get_data(as_text=True)
    assert client.get("/overview/figures.csv").status_code == 404
    assert client.get("/overview/?event=nope").status_code == 404
