"""The vetting queue: filters that combine, bulk decisions all or nothing, and moving on."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Delegate, DelegateStatus
from app.services.audit import Actor
from app.services.vetting import approve_delegate
from registration_support import mails
from support import hidden_fields, make_person

S = DelegateStatus
ACTOR = Actor.cli("test")


def names(page: str) -> list[str]:
    return re.findall(r'href="/vetting/people/\d+\?[^"]*">([^<]+)</a>', page)


def ticked_on(client, page):
    """The queue page's bulk form and the people listed on it, as the officer ticks them all."""
    form = hidden_fields(client, page, "/vetting/queue/decide")
    return form, re.findall(r'name="person" value="(\d+:\d+)"', client.get(page).get_data(as_text=True))


def people(event):
    made = {
        "dewi": make_person(event, given_name="Dewi", family_name="Lestari"),
        "budi": make_person(event, given_name="Budi", family_name="Santoso"),
        "somchai": make_person(event, given_name="Somchai", family_name="Rattanakul", country="TH"),
        "rina": make_person(event, given_name="Rina", family_name="Wati", category_code="P"),
    }
    approve_delegate(made["budi"], ACTOR, seen_revision=made["budi"].revision)
    return made


def test_filters_combine_and_each_option_counts_what_it_would_show(client, event, login):
    people(event)
    login("security")
    page = client.get("/vetting/queue?waiting=security").get_data(as_text=True)
    # Budi (approved, awaiting clearance), Dewi and Somchai (delegates, submitted); not the press.
    assert sorted(n.strip() for n in names(page)) == ["Budi Santoso", "Dewi Lestari", "Somchai Rattanakul"]
    assert "the security office (3)" in page and "the accreditation office (3)" in page
    page = client.get("/vetting/queue?waiting=security&delegation=ID").get_data(as_text=True)
    assert sorted(n.strip() for n in names(page)) == ["Budi Santoso", "Dewi Lestari"]
    assert "Thailand (1)" in page and "Indonesia (2)" in page
    page = client.get("/vetting/queue?waiting=security&delegation=ID&state=submitted").get_data(as_text=True)
    assert [n.strip() for n in names(page)] == ["Dewi Lestari"]
    later = client.get(f"/vetting/queue?since={date.today().replace(year=date.today().year + 1)}")
    assert names(later.get_data(as_text=True)) == []


def test_a_bulk_approval_that_fails_for_one_changes_nobody_and_names_who_and_why(
        client, event, login):
    made = people(event)
    login("accreditation")
    form, ticked = ticked_on(client, "/vetting/queue?delegation=ID&category=D")
    assert len(ticked) == 2  # Dewi (submitted) and Budi (already approved)
    response = client.post("/vetting/queue/decide", data={**form, "action": "approve", "person": ticked})
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nothing was changed" in shown and "Budi Santoso" in shown and "cannot be approved now" in shown
    assert made["dewi"].status is S.SUBMITTED
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "delegate.approved")) == 1  # Budi's own


def test_a_bulk_request_for_information_reaches_each_person_with_their_own_mail_and_record(
        client, event, login):
    made = people(event)
    login("accreditation")
    form, ticked = ticked_on(client, "/vetting/queue?state=submitted")
    before = len(mails())
    response = client.post("/vetting/queue/decide", data={
        **form, "action": "request_information", "note": "Please send a photo without glasses.",
        "person": ticked})
    assert "Done for 3 people" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert {made[k].status for k in ("dewi", "somchai", "rina")} == {S.NEEDS_INFO}
    assert len(mails()) - before == 3
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "delegate.needs_info")) == 3


def test_a_decision_on_the_whole_filter_is_refused_if_anyone_changed_since_the_page_loaded(
        client, event, login):
    from app.services.vetting import request_information
    made = people(event)
    login("accreditation")
    page = "/vetting/queue?delegation=TH"
    form = hidden_fields(client, page, "/vetting/queue/decide")
    request_information(made["somchai"], "Which unit?", ACTOR, seen_revision=made["somchai"].revision)
    response = client.post("/vetting/queue/decide", data={**form, "action": "reject", "whole_filter": "y",
                                                          "note": "Not on the list."})
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nothing was changed" in shown and "changed since you opened it" in shown
    assert made["somchai"].status is S.NEEDS_INFO


def test_after_a_decision_the_officer_goes_on_to_the_next_person_of_the_filter(client, event, login):
    made = people(event)
    login("accreditation")
    queue = client.get("/vetting/queue?state=submitted").get_data(as_text=True)
    first = re.search(r'href="(/vetting/people/\d+\?[^"]*)"', queue).group(1).replace("&amp;", "&")
    person_id = int(re.search(r"/people/(\d+)", first).group(1))
    response = client.post(f"/vetting/people/{person_id}/approve",
                           data=hidden_fields(client, first, f"/vetting/people/{person_id}/approve"))
    following = response.headers["Location"]
    assert "/vetting/people/" in following and f"/people/{person_id}?" not in following
    assert "state=submitted" in following and "queue=1" in following
    assert db.session.get(Delegate, person_id).status in (S.APPROVED_AWAITING_CLEARANCE, S.READY)
    assert made  # the rest wait


def test_approving_a_possible_duplicate_asks_for_confirmation(client, event, login):
    first = make_person(event, given_name="Dewi", family_name="Lestari", passport_number="A1234567")
    make_person(event, given_name="Dewi", family_name="L.", email="other@example.id",
                passport_number="A1234567")
    login("accreditation")
    page = f"/vetting/people/{first.id}"
    assert 'name="confirm_duplicate"' in client.get(page).get_data(as_text=True)
    unconfirmed = {k: v for k, v in hidden_fields(client, page, f"{page}/approve").items()}
    response = client.post(f"{page}/approve", data=unconfirmed)
    assert "may be a duplicate" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert first.status is S.SUBMITTED
    client.post(f"{page}/approve", data={**hidden_fields(client, page, f"{page}/approve"),
                                         "confirm_duplicate": "y"})
    assert first.status is S.APPROVED_AWAITING_CLEARANCE


def test_a_security_officer_cannot_take_an_accreditation_decision_in_bulk(client, event, login):
    people(event)
    login("security")
    page = "/vetting/queue"
    form = hidden_fields(client, page, "/vetting/queue/decide")
    response = client.post("/vetting/queue/decide", data={**form, "action": "approve", "whole_filter": "y"})
    assert response.status_code == 403
