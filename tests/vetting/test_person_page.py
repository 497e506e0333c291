"""A person's page for the offices: corrections by staff, notes, history, duplicates side by side."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Badge, Checkpoint, DelegateStatus, ScanDirection, ScanVerdict
from app.services.audit import Actor
from app.services.checkin import record_scan
from app.services.links import status_token
from support import hidden_fields, make_person

ACTOR = Actor.cli("test")


def correct(client, person, **values):
    page = f"/vetting/people/{person.id}"
    url = f"{page}/correct"
    return client.post(url, data={**hidden_fields(client, page, url), **values})


def test_staff_correct_the_names_and_category_and_a_printed_badge_is_reissued(client, event, login):
    person = make_person(event, stage="handed_over", given_name="Nguyen", family_name="Thi Hang",
                         country="VN")
    old = person.current_badge
    login("accreditation")
    response = correct(client, person, category="O", zones=["1"], printed_name="Nguyễn Thị Thu Hằng",
                       native_name="")
    assert "Corrected: name on the badge, category, zones" in client.get(
        response.headers["Location"]).get_data(as_text=True)
    assert person.printed_name == "Nguyễn Thị Thu Hằng" and person.category.code == "O"
    assert [z.code for z in person.zones] == ["1"]
    # Observers need clearance too, and this person was cleared: still ready to print.
    assert person.status is DelegateStatus.READY
    new = person.current_badge
    assert old.revoked_at is not None and new.version == 2 and new.printed_at is None
    main = db.session.scalar(select(Checkpoint).where(Checkpoint.code == "MAIN"))
    assert record_scan(main, old.code, ScanDirection.IN, ACTOR).verdict is ScanVerdict.SUPERSEDED
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "delegate.corrected_by_staff"))
    assert audit.before["printed_name"] == "Nguyen Thi Hang" and audit.after["category"] == "O"


def test_a_correction_to_a_category_without_clearance_makes_an_approved_person_ready(
        client, event, login):
    from app.services.vetting import approve_delegate
    person = make_person(event)
    approve_delegate(person, ACTOR, seen_revision=person.revision)
    assert person.status is DelegateStatus.APPROVED_AWAITING_CLEARANCE
    login("accreditation")
    correct(client, person, category="P", zones=["4"], printed_name=person.printed_name)
    assert person.status is DelegateStatus.READY


def test_a_bad_name_in_a_correction_changes_nothing(client, event, login):
    person = make_person(event, stage="approved")
    login("accreditation")
    response = correct(client, person, category="D", zones=["1"], printed_name="<script>")
    assert "cannot be part of a name" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert person.printed_name == "Dewi Lestari" and len(person.zones) == 3
    assert db.session.scalar(select(Badge)) is None


def test_staff_notes_stay_with_staff(app, client, event, login):
    person = make_person(event)
    login("security")
    page = f"/vetting/people/{person.id}"
    client.post(f"{page}/notes", data={**hidden_fields(client, page, f"{page}/notes"),
                                       "text": "Met him at the 2024 meeting; photo matches."})
    assert "Met him at the 2024 meeting" in client.get(page).get_data(as_text=True)
    applicant = app.test_client()
    status = applicant.get(f"/events/amim22/application/{status_token(person)}").get_data(as_text=True)
    assert "2024 meeting" not in status


def test_the_history_shows_who_did_what_and_when(client, event, login):
    person = make_person(event, stage="handed_over")
    login("accreditation")
    page = client.get(f"/vetting/people/{person.id}").get_data(as_text=True)
    history = page.split('id="history-title"')[1]
    for what in ("filed the application of Dewi Lestari", "for the accreditation office",
                 "for the security office", "issued badge", "printed badge", "handed over badge",
                 "Command line (test)"):
        assert what in history, what


def test_possible_duplicates_are_shown_side_by_side_with_their_photos(client, event, login):
    first = make_person(event, given_name="Dewi", family_name="Lestari", passport_number="A1234567")
    second = make_person(event, given_name="Dewi", family_name="L.", email="dl@example.id",
                         passport_number="A1234567")
    login("accreditation")
    page = client.get(f"/vetting/people/{first.id}").get_data(as_text=True)
    section = page.split('id="dup-title"')[1].split("</section>")[0]
    assert "This application" in section and "Same passport number" in section
    assert f"/vetting/people/{first.id}/photo" in section and f"/vetting/people/{second.id}/photo" in section
