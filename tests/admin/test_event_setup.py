"""An admin sets up an event in the admin pages: details, delegations, zones, categories
and checkpoints; bad input and removing what is in use are refused with nothing changed."""
from __future__ import annotations

import html
import io
import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (AuditEvent, Badge, Category, Checkpoint, Delegate, Delegation, Event,
                        Scan, ScanDirection, ScanVerdict, Zone)
from app.services.audit import Actor
from app.services.printing import render_badge_pdf
from app.services.registration import Application, register_delegate
from support import csrf_token, pdf_text, hidden_fields

NEW_EVENT = {
    "slug": "adsom-2027", "name": "ADSOM Working Group on Maritime Security",
    "venue": "Queen Sirikit National Convention Center", "starts_on": "2027-03-02",
    "ends_on": "2027-03-04", "timezone": "Asia/Bangkok",
    "host": "Royal Thai Armed Forces Headquarters",
    "emergency_contact": "Security office +66 2 229 3000",
    "registration_opens": "", "registration_closes": "",
    "privacy_notice": "Your data is used only to accredit you for this meeting.",
}


def submit(client, url, form_url=None, **data):
    """Post a form as the browser would, with the CSRF token of the page it is on."""
    fields = {"csrf_token": csrf_token(client, form_url or url)}
    for name, value in data.items():
        if value is not False:  # an unticked box is not sent
            fields[name] = "y" if value is True else value
    return client.post(url, data=fields)


def text(response) -> str:
    """The page as the user reads it (no HTML escapes)."""
    return html.unescape(response.get_data(as_text=True))


def create_event(client, **overrides):
    return submit(client, "/admin/events/new", **{**NEW_EVENT, **overrides})


def the_event(slug=NEW_EVENT["slug"]) -> Event | None:
    return db.session.scalar(select(Event).where(Event.slug == slug))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def part_of(event, model, **values):
    return db.session.scalar(select(model).filter_by(event_id=event.id, **values))


def add(client, event, part, **data):
    return submit(client, f"/admin/events/{event.id}/{part}", **data)


def edit(client, event, part, item, **data):
    return submit(client, f"/admin/events/{event.id}/{part}/{item.id}", **data)


def remove(client, event, part, item):
    response = submit(client, f"/admin/events/{event.id}/{part}/{item.id}/remove",
                      form_url=f"/admin/events/{event.id}/{part}")
    assert response.status_code == 302
    return client.get(response.headers["Location"]).get_data(as_text=True)


def log_out(client):
    client.post("/logout", data={"csrf_token": csrf_token(client, "/login")})


def registered(event, photo=None, *, country="MY", category="D", name="Siti") -> Delegate:
    return register_delegate(event, Application(
        given_name=name, family_name="Omar", country=country, category_code=category,
        email=f"{name.lower()}@example.my", organisation="Defence Intelligence Organisation"),
        photo, Actor.cli("test"))


def test_an_event_set_up_in_the_admin_pages_takes_registrations_and_prints_badges(
        client, login, photo_jpeg):
    login("admin")
    assert "New event" in client.get("/admin/").get_data(as_text=True)
    response = create_event(client)
    assert response.status_code == 302, response.get_data(as_text=True)
    event = the_event()
    assert event.emergency_contact == "Security office +66 2 229 3000"
    assert event.registration_opens_at is None and event.registration_closes_at is None
    assert "Add its delegations" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Set up" in client.get("/admin/").get_data(as_text=True)

    assert add(client, event, "delegations", country="MY", max_members="5").status_code == 302
    assert add(client, event, "delegations", country="TH", max_members="").status_code == 302
    assert add(client, event, "zones", code="1", name="Plenary hall").status_code == 302
    assert add(client, event, "zones", code="vip", name="VIP lounge").status_code == 302
    assert add(client, event, "categories", code="D", name="Delegate", colour="#d32f2f",
               self_service=True, default_zones=["1", "VIP"]).status_code == 302
    assert add(client, event, "categories", code="S", name="Secretariat", colour="#388E3C",
               self_service=False, default_zones=["1"]).status_code == 302
    assert add(client, event, "checkpoints", code="MAIN", name="Main entrance", zone="",
               single_entry=True).status_code == 302
    assert add(client, event, "checkpoints", code="PLENARY", name="Plenary hall door", zone="1",
               single_entry=False).status_code == 302

    malaysia = part_of(event, Delegation, country="MY")
    assert (malaysia.name, malaysia.max_members) == ("Malaysia", 5)
    delegate_category = part_of(event, Category, code="D")
    assert delegate_category.colour == "#D32F2F" and delegate_category.self_service
    assert [z.code for z in delegate_category.default_zones] == ["1", "VIP"]
    plenary = part_of(event, Checkpoint, code="PLENARY")
    assert plenary.zone.code == "1" and plenary.single_entry is False
    zones_page = client.get(f"/admin/events/{event.id}/zones").get_data(as_text=True)
    assert "VIP lounge" in zones_page and "checkpoint PLENARY" in zones_page
    log_out(client)

    form_url = f"/events/{event.slug}/register"
    form = client.get(form_url).get_data(as_text=True)
    assert "Thailand" in form and "Secretariat" not in form
    assert NEW_EVENT["privacy_notice"] in form
    response = client.post(form_url, content_type="multipart/form-data", data={
        "csrf_token": csrf_token(client, form_url), "given_name": "Siti Nurhaliza",
        "family_name": "binti Omar", "organisation": "Defence Intelligence Organisation",
        "country": "MY", "category": "D", "email": "siti.omar@example.my", "consent": "y",
        "date_of_birth": "1976-04-12", "nationality": "MY", "passport_number": "A31824756",
        "passport_expiry": "2035-06-30",
        "photo": (io.BytesIO(photo_jpeg), "me.jpg", "image/jpeg")})
    assert response.status_code == 302, response.get_data(as_text=True)
    person = db.session.scalar(select(Delegate))
    assert person.event_id == event.id and person.delegation.country == "MY"
    assert [z.code for z in person.zones] == ["1", "VIP"]

    login("accreditation")
    client.post(f"/vetting/people/{person.id}/approve",
                data=hidden_fields(client, "/vetting/queue", f"/vetting/people/{person.id}/approve"))
    log_out(client)
    login("desk")
    response = client.post(f"/desk/people/{person.id}/print",
                           data=hidden_fields(client, f"/desk/people/{person.id}",
                                              f"/desk/people/{person.id}/print"))
    assert response.mimetype == "application/pdf", response.get_data(as_text=True)[:300]
    assert "Siti Nurhaliza binti Omar" in pdf_text(response.data).replace("\n", " ")

    badge = db.session.scalar(select(Badge))
    pdf, _ = render_badge_pdf(event, [badge], back=True)
    back = pdf_text(pdf).replace("\n", " ")
    assert "Security office +66 2 229 3000" in back
    assert "Royal Thai Armed Forces Headquarters" in back

    assert {"event.created", "delegation.added", "zone.added", "category.added",
            "checkpoint.added"} <= set(actions())
    created = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "category.added",
                                                         AuditEvent.object_id == delegate_category.id))
    assert created.after["default_zones"] == ["1", "VIP"] and created.actor == "staff:admin@test.example"


def test_an_event_created_empty_opens_on_every_page(client, login):
    login("admin")
    create_event(client)
    event = the_event()
    for url in ("/admin/", f"/admin/events/{event.id}/setup", f"/admin/events/{event.id}/delegations",
                f"/admin/events/{event.id}/zones", f"/admin/events/{event.id}/categories",
                f"/admin/events/{event.id}/checkpoints", f"/admin/events/{event.id}/badges",
                f"/admin/events/{event.slug}/delegates", f"/admin/events/{event.slug}/invitations",
                f"/events/{event.slug}/register", "/desk/", "/vetting/queue", "/door/"):
        assert client.get(url).status_code == 200, url


def test_the_registration_window_is_entered_in_venue_time_and_stored_in_utc(client, login):
    login("admin")
    response = create_event(client, registration_opens="2030-01-10T09:00",
                            registration_closes="2030-02-01T17:30")
    assert response.status_code == 302, response.get_data(as_text=True)
    event = the_event()
    assert event.registration_opens_at == datetime(2030, 1, 10, 2, 0, tzinfo=timezone.utc)
    assert event.registration_closes_at == datetime(2030, 2, 1, 10, 30, tzinfo=timezone.utc)
    page = client.get(f"/admin/events/{event.id}/setup").get_data(as_text=True)
    assert 'value="2030-01-10T09:00"' in page and 'value="2030-02-01T17:30"' in page
    assert client.get(f"/events/{event.slug}/register").status_code == 403  # not open yet


def test_new_events_offer_every_time_zone_with_the_servers_chosen(client, login):
    login("admin")
    page = client.get("/admin/events/new").get_data(as_text=True)
    assert '<option value="Asia/Kuala_Lumpur">' in page
    assert '<option selected value="UTC">' in page or 'selected value="Etc/UTC"' in page


@pytest.mark.parametrize("overrides,field_message", [
    ({"slug": "amim22"}, "Another event already uses the address 'amim22'."),
    ({"slug": "ADSOM 2027"}, "Use lowercase letters, digits and single hyphens"),
    ({"ends_on": "2027-03-01"}, "The last day cannot be before the first day."),
    ({"timezone": "Mars/Olympus_Mons"}, "Unknown time zone 'Mars/Olympus_Mons'"),
    ({"registration_opens": "2027-01-10T09:00", "registration_closes": "2027-01-10T09:00"},
     "Registration must close after it opens."),
    ({"starts_on": "2 March"}, "Not a valid date value."),
])
def test_bad_event_details_are_refused_and_nothing_is_created(client, login, event, overrides,
                                                               field_message):
    login("admin")
    before = actions()
    response = create_event(client, **overrides)
    assert response.status_code == 400
    assert field_message in text(response)
    assert count(Event) == 1 and actions() == before


def test_editing_the_details_is_audited_with_before_and_after(client, login, event):
    login("admin")
    response = submit(client, f"/admin/events/{event.id}/setup", **{
        **NEW_EVENT, "slug": "amim22", "name": event.name, "timezone": "Asia/Kuala_Lumpur",
        "emergency_contact": "Duty officer +60 3 2333 2888"})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert event.emergency_contact == "Duty officer +60 3 2333 2888"
    entry = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "event.updated"))
    assert entry.before["emergency_contact"] == "Duty security officer, venue extension 2888"
    assert entry.after["venue"] == NEW_EVENT["venue"]
    assert "slug" not in entry.after  # unchanged values are not listed


def test_the_address_cannot_change_once_people_registered(client, login, event):
    registered(event)
    login("admin")
    page = client.get(f"/admin/events/{event.id}/setup").get_data(as_text=True)
    assert "the address cannot change now" in page and "readonly" in page
    response = submit(client, f"/admin/events/{event.id}/setup", **{
        **NEW_EVENT, "slug": "amim-22", "name": "Renamed"})
    assert response.status_code == 400
    assert "People have registered with the current address" in response.get_data(as_text=True)
    assert (event.slug, event.name) == ("amim22", "22nd ASEAN Military Intelligence Meeting")


@pytest.mark.parametrize("part,data,message", [
    ("categories", {"code": "X", "name": "Guest", "colour": "red"}, "Enter the colour as #"),
    ("categories", {"code": "X", "name": "Guest", "colour": "#12345G"}, "Enter the colour as #"),
    ("categories", {"code": "D", "name": "Delegate", "colour": "#D32F2F"}, "There is already a category D."),
    ("categories", {"code": "X", "name": "Guest", "colour": "#6A1B9A", "default_zones": ["9"]},
     "Unknown zone: 9."),
    ("categories", {"code": "X", "name": "Guest", "colour": "#C62828"},
     "Nearly the same colour as D Delegate, E Head of Delegation (CIEDE2000 difference"),
    ("zones", {"code": "1", "name": "Second plenary"}, "There is already a zone 1."),
    ("zones", {"code": "Plenary hall", "name": "Plenary hall"}, "Use up to 8 letters or digits"),
    ("delegations", {"country": "MY", "max_members": ""},
     "Malaysia already has a delegation at this event."),
    ("delegations", {"country": "XX", "max_members": ""}, "Choose a country from the list."),
    ("delegations", {"country": "JP", "max_members": "0"}, "Enter a cap of at least 1"),
    ("checkpoints", {"code": "MAIN", "name": "Another main", "zone": ""},
     "There is already a checkpoint MAIN."),
    ("checkpoints", {"code": "SIDE", "name": "Side door", "zone": "99"}, "Unknown zone: 99."),
    ("checkpoints", {"code": "SIDE", "name": "", "zone": ""}, "Enter the checkpoint's name"),
])
def test_bad_parts_are_refused_next_to_the_field_and_nothing_changes(
        client, login, event, part, data, message):
    login("admin")
    before = actions()
    totals = [count(model) for model in (Category, Zone, Delegation, Checkpoint)]
    response = add(client, event, part, **data)
    assert response.status_code == 400
    assert f'<p class="error" role="alert">{message}' in text(response)
    assert [count(model) for model in (Category, Zone, Delegation, Checkpoint)] == totals
    assert actions() == before


def test_a_near_colour_is_saved_when_the_admin_keeps_it_as_a_family(client, login, event):
    login("admin")
    refused = add(client, event, "categories", code="G", name="Guest", colour="#F4B400")
    assert refused.status_code == 400
    assert "Nearly the same colour as P Press" in text(refused) and "Keep as a colour family" in text(refused)
    assert part_of(event, Category, code="G") is None
    kept = add(client, event, "categories", code="G", name="Guest", colour="#F4B400", keep_family=True)
    assert kept.status_code == 302
    assert part_of(event, Category, code="G").colour == "#F4B400"
    listing = text(client.get(f"/admin/events/{event.id}/categories"))
    assert "colour family with P Press" in listing and "colour family with G Guest" in listing


def test_changing_a_colour_to_nearly_anothers_is_refused_unless_kept(client, login, event):
    login("admin")
    organiser = part_of(event, Category, code="C")
    response = edit(client, event, "categories", organiser, code="C", name="Organiser",
                    colour="#1976D2", self_service=False, default_zones=["1"])
    assert response.status_code == 302  # no other blue: nothing to warn about
    security = part_of(event, Category, code="Z")
    response = edit(client, event, "categories", security, code="Z", name="Host Security",
                    colour="#1E88E5", self_service=False, default_zones=["1"])
    assert response.status_code == 400 and "Nearly the same colour as C Organiser" in text(response)
    assert security.colour == "#37474F"
    # Renaming a category of a kept family asks nothing again: its colour does not change.
    delegate = part_of(event, Category, code="D")
    response = edit(client, event, "categories", delegate, code="D", name="Delegates",
                    colour="#D32F2F", self_service=True, default_zones=["1"])
    assert response.status_code == 302 and delegate.name == "Delegates"


def test_the_demo_categories_are_one_deliberate_family_and_distinct_colours(event):
    from badges.colour import NEAR_COLOUR_DELTA_E, colour_difference
    colours = {c.code: c.colour for c in event.categories}
    near = {frozenset((a, b)) for a in colours for b in colours
            if a < b and colour_difference(colours[a], colours[b]) < NEAR_COLOUR_DELTA_E}
    assert near == {frozenset("DE")}


def test_the_category_list_says_which_colours_look_alike_with_colour_blindness(client, login, event):
    login("admin")
    listing = text(client.get(f"/admin/events/{event.id}/categories"))
    assert "looks like O Observer to people with deuteranopia" in listing


def test_a_category_is_edited_with_its_zones_and_the_change_audited(client, login, event):
    login("admin")
    press = part_of(event, Category, code="P")
    page = client.get(f"/admin/events/{event.id}/categories/{press.id}").get_data(as_text=True)
    assert re.findall(r'<input checked [^>]*value="([^"]+)"', page) == ["4"]  # its zone is ticked
    response = edit(client, event, "categories", press, code="P", name="Media", colour="#F9A825",
                    self_service=False, default_zones=["1", "4"])
    assert response.status_code == 302, response.get_data(as_text=True)
    assert (press.name, press.self_service) == ("Media", False)
    assert [z.code for z in press.default_zones] == ["1", "4"]
    entry = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "category.updated"))
    assert entry.before == {"name": "Press", "self_service": True, "default_zones": ["4"]}
    assert entry.after == {"name": "Media", "self_service": False, "default_zones": ["1", "4"]}


def test_a_bad_edit_changes_nothing(client, login, event):
    login("admin")
    main = part_of(event, Checkpoint, code="MAIN")
    response = edit(client, event, "checkpoints", main, code="PLENARY", name="Renamed", zone="6",
                    single_entry=False)
    assert response.status_code == 400
    assert "There is already a checkpoint PLENARY." in response.get_data(as_text=True)
    assert (main.code, main.name, main.zone, main.single_entry) == ("MAIN", "Main entrance", None, True)
    assert "checkpoint.updated" not in actions()


def test_a_delegation_cap_below_its_members_is_refused(client, login, event):
    registered(event, name="Siti")
    registered(event, name="Aisyah")
    login("admin")
    malaysia = part_of(event, Delegation, country="MY")
    response = edit(client, event, "delegations", malaysia, country="MY",
                    max_members="1")
    assert response.status_code == 400
    assert "2 people already belong to this delegation" in response.get_data(as_text=True)
    assert malaysia.max_members is None
    response = edit(client, event, "delegations", malaysia, country="JP",
                    max_members="")
    assert "its country cannot change now" in response.get_data(as_text=True)


def test_a_delegation_with_members_is_not_removed_and_an_empty_one_is(client, login, event):
    registered(event)
    login("admin")
    malaysia = part_of(event, Delegation, country="MY")
    page = remove(client, event, "delegations", malaysia)
    assert "The Malaysia delegation cannot be removed: it is in use (1 person)." in page
    assert part_of(event, Delegation, country="MY") is not None

    brunei = part_of(event, Delegation, country="BN")
    page = remove(client, event, "delegations", brunei)
    assert "Delegation Brunei removed." in page
    assert part_of(event, Delegation, country="BN") is None
    entry = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "delegation.removed"))
    assert entry.before == {"country": "BN", "max_members": None}


def test_a_delegation_with_a_working_liaison_link_is_not_removed(client, login, event):
    from app.services.liaison import issue_invitation
    brunei = part_of(event, Delegation, country="BN")
    issue_invitation(brunei, "Awang Hamid", "hamid@example.bn", Actor.cli("test"))
    login("admin")
    page = remove(client, event, "delegations", brunei)
    assert "withdraw it on the invitations page first" in page
    assert part_of(event, Delegation, country="BN") is not None


def test_a_zone_in_use_is_not_removed_and_an_unused_one_is(client, login, event, photo_jpeg):
    login("admin")
    vip = part_of(event, Zone, code="6")
    page = remove(client, event, "zones", vip)
    assert "Zone 6 cannot be removed: it is in use (checkpoint VIP, default of category C" in page
    press_zone = part_of(event, Zone, code="4")
    registered(event, category="P")
    page = remove(client, event, "zones", press_zone)
    assert "it is in use (1 person, default of category" in page
    assert count(Zone) == 5

    add(client, event, "zones", code="9", name="Car park")
    page = remove(client, event, "zones", part_of(event, Zone, code="9"))
    assert "Zone Car park removed." in page and part_of(event, Zone, code="9") is None
    assert actions()[-2:] == ["zone.added", "zone.removed"]


def test_a_category_with_people_is_not_removed(client, login, event):
    registered(event, category="O")
    login("admin")
    observer = part_of(event, Category, code="O")
    page = remove(client, event, "categories", observer)
    assert "Category O cannot be removed: it is in use (1 person)." in page
    assert part_of(event, Category, code="O") is not None
    page = remove(client, event, "categories", part_of(event, Category, code="Z"))
    assert "Category Host Security removed." in page and part_of(event, Category, code="Z") is None


def test_a_checkpoint_with_scans_is_not_removed(client, login, event):
    main = part_of(event, Checkpoint, code="MAIN")
    db.session.add(Scan(checkpoint=main, raw_code="UNKNOWN", direction=ScanDirection.IN,
                        verdict=ScanVerdict.UNKNOWN_CODE))
    db.session.commit()
    login("admin")
    page = remove(client, event, "checkpoints", main)
    assert "Checkpoint MAIN cannot be removed: it is in use (1 scan)." in page
    assert part_of(event, Checkpoint, code="MAIN") is not None
    page = remove(client, event, "checkpoints", part_of(event, Checkpoint, code="BILAT"))
    assert "Checkpoint Bilateral wing removed." in page


def test_a_part_of_another_event_is_not_found_under_this_one(client, login, event):
    login("admin")
    create_event(client)
    other = the_event()
    zone = part_of(event, Zone, code="1")
    assert client.get(f"/admin/events/{other.id}/zones/{zone.id}").status_code == 404
    response = submit(client, f"/admin/events/{other.id}/zones/{zone.id}/remove",
                      form_url=f"/admin/events/{other.id}/zones")
    assert response.status_code == 404 and part_of(event, Zone, code="1") is not None


@pytest.mark.parametrize("role", ["accreditation", "desk", "door"])
def test_staff_who_are_not_admins_cannot_set_up_events(client, login, event, role):
    login(role)
    assert client.get("/admin/events/new").status_code == 403
    token = csrf_token(client, "/login")
    response = client.post(f"/admin/events/{event.id}/zones",
                           data={"csrf_token": token, "code": "9", "name": "Car park"})
    assert response.status_code == 403
    response = client.post(f"/admin/events/{event.id}/setup", data={"csrf_token": token, **NEW_EVENT})
    assert response.status_code == 403
    assert count(Zone) == 5 and the_event() is None
