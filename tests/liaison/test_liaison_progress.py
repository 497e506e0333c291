"""The liaison officer's delegation page answers where each member stands: the application, the
badge (and who collected it), what is still missing; corrections by the applicant's rules."""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Delegate, Delegation, DelegateStatus
from app.services.audit import Actor
from app.services.corrections import add_staff_note
from app.services.issuance import hand_over_to_liaison, print_badge
from app.services.liaison import issue_invitation
from app.services.links import invitation_token
from app.services.registration import document_valid_until
from app.services.revisions import ChangedSinceOpened
from app.services.vetting import approve_delegate, refuse_clearance, request_information
from registration_support import member_data
from support import csrf_token, make_person

ACTOR = Actor.cli("test")


@pytest.fixture
def link(event):
    """The Thai liaison officer's page."""
    thailand = db.session.scalar(select(Delegation).where(Delegation.country == "TH"))
    invitation = issue_invitation(thailand, "Somchai Rattanakul", "somchai.r@example.th", ACTOR)
    return f"/liaison/{invitation_token(invitation)}"


def thai(event, name, **fields):
    return make_person(event, country="TH", given_name=name, family_name="Srisuk",
                       nationality="TH", **fields)


def rows(page: str) -> dict[str, str]:
    """Each member's table row, by given name."""
    return {re.search(r"(\w+) Srisuk", row).group(1): row
            for row in re.findall(r"<tr[^>]*>\s*<td>.*?</tr>", page, re.S) if "Srisuk" in row}


def test_each_member_shows_the_state_of_the_badge_and_who_collected_it(client, event, link):
    thai(event, "Anong")                                   # under review
    thai(event, "Boon", stage="approved")                  # approved, not printed
    printed = thai(event, "Chai", stage="approved")
    print_badge(printed, ACTOR, seen_revision=printed.revision)
    thai(event, "Dara", stage="handed_over")               # collected in person
    for_liaison = thai(event, "Ekkachai", stage="approved")
    badge = print_badge(for_liaison, ACTOR, seen_revision=for_liaison.revision).badges[0]
    hand_over_to_liaison([badge], "Somchai Rattanakul", ACTOR)

    page = client.get(link).get_data(as_text=True)
    states = {name: re.search(r'data-badge-state="([a-z_]+)"', row).group(1)
              for name, row in rows(page).items()}
    assert states == {"Anong": "not_approved", "Boon": "not_printed", "Chai": "printed",
                      "Dara": "handed_over", "Ekkachai": "handed_over"}
    table = rows(page)
    assert "Printed, ready for collection" in table["Chai"]
    assert "Not yet printed" in table["Boon"]
    assert "by Dara Srisuk" in table["Dara"]
    assert "by Somchai Rattanakul" in table["Ekkachai"]

    export = client.get(f"{link}/export.csv").data.decode("utf-8-sig")
    by_name = {r["given_name"]: r for r in csv.DictReader(io.StringIO(export))}
    assert by_name["Chai"]["badge"] == "Printed, ready for collection"
    assert by_name["Ekkachai"]["collected_by"] == "Somchai Rattanakul"
    assert {r["delegation"] for r in by_name.values()} == {"Thailand"}


def test_members_missing_something_are_named_with_a_way_to_fix_it(client, event, link):
    thai(event, "Anong", photo=None)
    short = thai(event, "Boon")
    short.passport_expiry = document_valid_until(event) - timedelta(days=1)
    db.session.commit()
    asked = thai(event, "Chai")
    request_information(asked, "Which unit do you serve in?", ACTOR, seen_revision=asked.revision)
    thai(event, "Dara")

    page = client.get(link).get_data(as_text=True)
    assert "3 still missing something" in page
    table = rows(page)
    assert "a photo" in table["Anong"] and "Upload photo" in table["Anong"]
    assert "a passport or ID valid long enough" in table["Boon"]
    assert "an answer to the accreditation office" in table["Chai"]
    assert "needs-attention" not in table["Dara"]
    for name in ("Anong", "Boon", "Chai"):
        assert "Correct details" in table[name]


def test_the_liaison_officer_corrects_a_member_by_the_applicants_rules(client, event, link):
    person = thai(event, "Anong", position="Analyst")
    seen = person.revision
    url = f"{link}/members/{person.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'value="Analyst"' in page
    assert person.passport_number not in page  # never shown again, as on the applicant's link

    form = _form(client, url, position="Deputy Director",
                 passport_expiry=(document_valid_until(event) - timedelta(days=1)).isoformat())
    response = client.post(url, data=form, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "The document must be valid until at least" in response.get_data(as_text=True)
    db.session.refresh(person)
    assert person.position == "Analyst" and person.revision == seen

    form = _form(client, url, position="Deputy Director")
    response = client.post(url, data=form, content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.position == "Deputy Director" and person.revision == seen + 1
    audit = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "delegate.corrected").order_by(AuditEvent.id.desc())).first()
    assert audit.actor == "liaison:somchai.r@example.th"
    assert audit.after["position"] == "Deputy Director"
    # The accreditation office decides on what it saw: the correction is news to it.
    with pytest.raises(ChangedSinceOpened):
        approve_delegate(person, ACTOR, seen_revision=seen)


def test_a_decided_application_or_another_delegations_member_is_not_corrected(client, event, link):
    approved = thai(event, "Anong", stage="approved", position="Analyst")
    url = f"{link}/members/{approved.id}"
    assert client.get(url).status_code == 302
    response = client.post(url, data=_form(client, f"{link}/members/{thai(event, 'Boon').id}",
                                           position="Changed"),
                           content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.refresh(approved)
    assert approved.position == "Analyst"
    indonesian = make_person(event, given_name="Dewi")
    assert client.get(f"{link}/members/{indonesian.id}").status_code == 404


def test_the_page_and_its_export_never_show_internal_notes_or_security_reasons(
        client, event, link, staff):
    noted = thai(event, "Anong")
    add_staff_note(noted, "Internal: spoke to the embassy", Actor.staff(staff("accreditation")))
    refused = thai(event, "Boon")  # a delegate: the security office clears them too
    approve_delegate(refused, ACTOR, seen_revision=refused.revision)
    assert refused.status is DelegateStatus.APPROVED_AWAITING_CLEARANCE
    refuse_clearance(refused, "Flagged by the watch list", ACTOR, seen_revision=refused.revision)
    page = client.get(link).get_data(as_text=True)
    export = client.get(f"{link}/export.csv").data.decode("utf-8-sig") + \
        client.get(f"{link}/export.xlsx").data.decode("latin-1")
    for secret in ("spoke to the embassy", "watch list"):
        assert secret not in page and secret not in export
    assert "Not approved" in rows(page)["Boon"]


def _form(client, url: str, **changes) -> dict:
    """The correction form as the page fills it, with `changes` typed in."""
    page = client.get(url).get_data(as_text=True)
    data = dict(re.findall(r'<input[^>]*id="([a-z_]+)"[^>]*value="([^"]*)"', page))
    data.update({name: value for name, value in re.findall(
        r'<select[^>]*name="([a-z_]+)".*?<option selected value="([^"]*)"', page, re.S)})
    data = {k: v for k, v in data.items() if not k.startswith("crop_")}
    data["csrf_token"] = csrf_token(client, url)
    data.update(changes)
    return data


def test_a_member_whose_form_came_back_keeps_the_photo(client, event, link, photo_jpeg):
    url = f"{link}/add"
    data = member_data(client, url, email="not an address")
    data["photo"] = (io.BytesIO(photo_jpeg), "pim.jpg", "image/jpeg")
    response = client.post(url, data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Your photo is kept" in response.get_data(as_text=True)
    assert client.get(f"{url}/photo").status_code == 200
    response = client.post(url, data=member_data(client, url), content_type="multipart/form-data")
    assert response.status_code == 302
    [person] = [row for row in db.session.scalars(select(Delegate))]
    assert person.photo_file
