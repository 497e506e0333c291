"""Handing a badge over: what the clerk checks the passport against, a replacement only when
confirmed, and the liaison officer's custody receipt."""
from __future__ import annotations

from datetime import date
from itertools import combinations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Badge
from app.services.audit import Actor
from support import csrf_token, hidden_fields, make_person, pdf_text

ACTOR = Actor.cli("test")


def printed(event, **fields):
    from app.services.issuance import print_badge
    person = make_person(event, stage="approved", **fields)
    badge = print_badge(person, ACTOR, seen_revision=person.revision).badges[0]
    return person, badge


def test_the_hand_over_step_shows_what_to_check_against_the_passport(client, login, event):
    person, badge = printed(event, given_name="Somchai", family_name="Rattanakul", country="TH",
                            nationality="TH", date_of_birth=date(1971, 3, 9),
                            passport_number="AA1234567")
    login("desk")
    url = f"/desk/badges/{badge.id}/hand-over"
    page = client.get(url).get_data(as_text=True)
    assert f"/desk/people/{person.id}/photo" in page
    assert "Thailand" in page and "09 March 1971" in page
    assert "4567" in page and "AA1234567" not in page  # the end to compare, not the number
    response = client.post(url, data=hidden_fields(client, url, url))
    assert response.status_code == 302
    assert db.session.get(Badge, badge.id).handed_over_at is not None
    assert "Already handed over" in client.get(url).get_data(as_text=True)


def test_the_persons_page_shows_the_id_check_beside_the_hand_over_button(client, login, event):
    person, badge = printed(event, passport_number="X98761234")
    login("desk")
    page = client.get(f"/desk/people/{person.id}").get_data(as_text=True)
    assert "Check the passport or ID card" in page and "1234" in page
    assert page.index("Check the passport") < page.index("ID checked: hand over")


def test_a_badge_of_someone_no_longer_ready_cannot_be_handed_over(client, login, event):
    # Printed while approved; then the press needs security clearance: the card is still live,
    # the page offers no hand-over, and a hand-over posted anyway with what the page showed
    # (the current revision) must change nothing.
    from app.models import Category
    from app.services import events
    person, badge = printed(event, category_code="P")
    press = db.session.scalar(select(Category).where(Category.event_id == event.id,
                                                     Category.code == "P"))
    events.update_category(press, "P", "Press", press.colour, True, ["4"], ACTOR,
                           needs_clearance=True)
    assert person.status.value == "approved_awaiting_clearance" and badge.revoked_at is None
    login("desk")
    url = f"/desk/badges/{badge.id}/hand-over"
    fields = {"csrf_token": csrf_token(client, f"/desk/people/{person.id}"),
              "revision": str(person.revision)}
    response = client.post(url, data=fields, follow_redirects=True)
    assert db.session.get(Badge, badge.id).handed_over_at is None
    assert "no longer approved" in response.get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "badge.handed_over")) is None


@pytest.mark.parametrize("role", ["door", "accreditation"])
def test_only_the_desk_sees_the_hand_over_step(client, login, event, role):
    _, badge = printed(event)
    login(role)
    assert client.get(f"/desk/badges/{badge.id}/hand-over").status_code == 403


def test_replacing_a_badge_without_confirming_changes_nothing(client, login, event):
    person, badge = printed(event)
    login("desk")
    page = f"/desk/people/{person.id}"
    fields = {**hidden_fields(client, page, f"{page}/reprint"), "reason": "lost"}
    response = client.post(f"{page}/reprint", data=fields)
    assert response.status_code == 302
    assert "confirm the replacement" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.scalars(select(Badge)).all() == [badge] and badge.revoked_at is None
    response = client.post(f"{page}/reprint", data={**fields, "confirm": "y"})
    assert response.mimetype == "application/pdf"
    assert db.session.get(Badge, badge.id).revoked_reason == "lost"
    assert len(db.session.scalars(select(Badge)).all()) == 2


def hand_over_delegation(client, **extra):
    url = "/desk/hand-over-delegation?delegation=VN"
    return client.post("/desk/hand-over-delegation", data={
        **hidden_fields(client, url, ""), "delegation": "VN", **extra})


def test_the_receipt_names_the_staff_member_and_the_liaison_officers_document(
        client, login, event, staff):
    from app.services.staff import set_staff_display_name
    printed(event, given_name="Lan", family_name="Nguyễn", country="VN")
    clerk = login("desk")
    set_staff_display_name(clerk, "Nurul Aisyah binti Ahmad", ACTOR)
    response = hand_over_delegation(client, receiver="Lt Col Trần Văn Minh",
                                    receiver_document="b 1234-5678")
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "Nurul Aisyah binti Ahmad" in text and clerk.email not in text
    assert "Passport or ID number" in text and "B12345678" in text
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "badge.handed_over"))
    assert audit.after["document"] == "B12345678"


def test_without_a_display_name_the_receipt_names_the_account_in_words(client, login, event):
    printed(event, country="VN", given_name="Lan", family_name="Phạm")
    login("desk")  # desk@test.example
    text = pdf_text(hand_over_delegation(client, receiver="Trần Văn Minh").data)
    assert "Desk" in text and "desk@test.example" not in text


def test_a_document_number_that_is_not_one_hands_nothing_over(client, login, event):
    _, badge = printed(event, country="VN", given_name="Lan", family_name="Lê")
    login("desk")
    response = hand_over_delegation(client, receiver="Trần Văn Minh", receiver_document="<b>")
    assert response.mimetype == "text/html"
    assert "letters and digits of the document number" in response.get_data(as_text=True)
    assert db.session.get(Badge, badge.id).handed_over_at is None


def text_boxes(pdf: bytes) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Every run of text on each page, with its box (left, bottom, right, top) as a PDF
    reader computes it from the glyphs."""
    import pypdfium2
    document = pypdfium2.PdfDocument(pdf)
    boxes = []
    try:
        for number, page in enumerate(document):
            text = page.get_textpage()
            for i in range(text.count_rects()):
                box = text.get_rect(i)
                boxes.append((f"p{number}: {text.get_text_bounded(*box).strip()}",
                              (number * 10000 + box[0], box[1], number * 10000 + box[2], box[3])))
    finally:
        document.close()
    return boxes


def test_no_text_on_the_receipt_overlaps_whatever_the_names(client, login, event, staff):
    from app.services.staff import set_staff_display_name
    long = "Konstantinopoulou-Wetherington Maximiliana Alexandra Josefina Concepcion"
    for n in range(3):
        printed(event, country="VN", given_name=f"{long[:40]} {n}", family_name=long[40:],
                email=f"long{n}@example.vn")
    clerk = login("desk")
    set_staff_display_name(clerk, "Dato' Seri Haji Mohd Nurul Aisyah binti Haji Ahmad Kamarulzaman "
                           "Abdul Rahman", ACTOR)
    response = hand_over_delegation(client, receiver=f"Lieutenant Colonel {long}",
                                    receiver_document="C7654321")
    boxes = text_boxes(response.data)
    assert len(boxes) > 20
    overlapping = [(a, b) for (a, box_a), (b, box_b) in combinations(boxes, 2)
                   if min(box_a[2], box_b[2]) - max(box_a[0], box_b[0]) > 0.5
                   and min(box_a[3], box_b[3]) - max(box_a[1], box_b[1]) > 0.5]
    assert overlapping == []


def test_an_admin_sets_a_staff_members_display_name_and_others_cannot(client, login, staff):
    clerk = staff("desk")
    login("admin")
    url = f"/admin/users/{clerk.id}/name"
    response = client.post(url, data={"csrf_token": csrf_token(client, "/admin/users"),
                                      "display_name": "Mai Trần"})
    assert response.status_code == 302
    assert db.session.get(type(clerk), clerk.id).name == "Mai Trần"
    refused = client.post(url, data={"csrf_token": csrf_token(client, "/admin/users"),
                                     "display_name": "<script>"})
    assert "cannot be part of a name" in client.get(refused.headers["Location"]).get_data(as_text=True)
    assert db.session.get(type(clerk), clerk.id).display_name == "Mai Trần"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/users")})
    login("accreditation")
    assert client.post(url, data={"display_name": "X"}).status_code in (400, 403)
