"""What an applicant meets on the public side: plain messages, a photo kept through a failed
submit, the host's document rule, the event's own branding, a confirmation that survives a
reload, their own photo on their page, and e-mails in a secretariat's words."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from app.extensions import db
from app.models import Delegate
from app.services.audit import Actor
from app.services.branding import set_event_logo
from app.services.photos import HELD_PHOTO_SECONDS, read_photo
from app.services.registration import document_valid_until
from registration_support import (REGISTER_URL, halves_jpeg, html_part, image_bytes, link_in, mails,
                                  register, registration_data, text_part)
from support import make_person, sample_photo


def delegates():
    return db.session.scalars(select(Delegate).order_by(Delegate.id)).all()


def errors_by_field(page: str) -> dict[str, list[str]]:
    """Each field's error messages, as the form shows them under the field."""
    found = {}
    for block in re.findall(r'<div class="field[^"]*has-error">(.*?)</div>', page, re.S):
        name = re.search(r'(?:name|for)="([a-z_]+)"', block).group(1)
        found[name] = re.findall(r'<p class="error" role="alert">(.*?)</p>', block)
    return found


# --- the form ---------------------------------------------------------------

def test_every_empty_required_field_says_in_words_what_is_missing(client, event):
    response = register(client, photo=b"", **{name: "" for name in (
        "given_name", "family_name", "organisation", "country", "category", "email",
        "date_of_birth", "nationality", "passport_number", "passport_expiry", "consent")})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    errors = errors_by_field(page)
    assert set(errors) == {"given_name", "organisation", "country", "category", "email",
                           "date_of_birth", "nationality", "passport_number", "passport_expiry",
                           "consent", "photo"}
    assert errors["country"] == ["Choose the delegation you belong to."]
    assert errors["category"] == ["Choose a category: it decides the badge and its access."]
    assert errors["organisation"] == ["Enter the organisation: the ministry, agency or service."]
    assert "This field is required." not in page and "Not a valid" not in page
    assert delegates() == []


def test_required_fields_are_marked_and_optional_ones_are_not(client, event):
    page = client.get(REGISTER_URL).get_data(as_text=True)
    marked = set(re.findall(r'<label for="([a-z_]+)">[^<]*<span class="required"', page))
    assert {"given_name", "organisation", "country", "category", "email", "date_of_birth",
            "nationality", "passport_number", "passport_expiry", "photo"} <= marked
    assert not marked & {"family_name", "honorific", "position", "phone", "native_name"}
    assert "Fields marked" in page


def test_a_date_that_does_not_parse_and_a_value_not_in_a_list_are_told_plainly(client, event):
    page = register(client, passport_expiry="31/02/2031", nationality="QQ").get_data(as_text=True)
    errors = errors_by_field(page)
    assert errors["passport_expiry"] == ["Enter the date as day, month and year."]
    assert errors["nationality"] == ["Choose a nationality from the list."]


def test_a_failed_submit_keeps_the_photo_and_its_crop_for_the_next_one(client, event):
    # Green left half, blue right half: the crop chose the blue half.
    photo = halves_jpeg((1400, 900))
    data = registration_data(client, photo, email="not an address", crop_x="760", crop_y="0",
                             crop_width="640", crop_height="823")
    response = client.post(REGISTER_URL, data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Your photo is kept, cropped as you chose" in page
    assert "photo" not in errors_by_field(page)
    held = client.get(f"/events/{event.slug}/register/photo")
    assert held.status_code == 200 and held.mimetype == "image/jpeg"
    assert held.headers["Cache-Control"] == "private, no-store"

    # Sent again with the e-mail fixed and no file: the form does not ask for the photo again.
    response = register(client, photo=b"")
    assert response.status_code == 302, errors_by_field(response.get_data(as_text=True))
    [person] = delegates()
    stored = Image.open(io.BytesIO(read_photo(person.photo_file))).convert("RGB")
    assert stored.getpixel((stored.width // 2, stored.height // 2))[2] > 150  # the blue crop
    # Used once: nothing is held any more.
    assert client.get(f"/events/{event.slug}/register/photo").status_code == 404


def test_a_held_photo_belongs_to_its_browser_session_only(app, client, event):
    register(client, email="not an address")
    assert client.get(f"/events/{event.slug}/register/photo").status_code == 200
    stranger = app.test_client()
    assert stranger.get(f"/events/{event.slug}/register/photo").status_code == 404
    response = register(stranger, photo=b"")
    assert response.status_code == 400
    assert "A photo is needed" in response.get_data(as_text=True)
    assert delegates() == []


def test_a_held_photo_is_checked_like_any_upload_and_expires(app, client, event):
    response = register(client, photo=image_bytes((200, 250)), email="not an address")
    errors = errors_by_field(response.get_data(as_text=True))
    assert "photo" in errors and "Your photo is kept" not in response.get_data(as_text=True)
    register(client, email="not an address")  # a good photo, now held
    held_dir = app.config["LANYARD_HELD_PHOTO_DIR"]
    import os
    [name] = os.listdir(held_dir)
    old = os.path.getmtime(os.path.join(held_dir, name)) - HELD_PHOTO_SECONDS - 60
    os.utime(os.path.join(held_dir, name), (old, old))
    assert client.get(f"/events/{event.slug}/register/photo").status_code == 404
    assert register(client, photo=b"").status_code == 400


# --- the host's document rule ----------------------------------------------------

def test_the_demo_event_asks_for_six_months_of_validity(event):
    assert event.document_valid_months == 6
    until = document_valid_until(event)
    months = (until.year - event.ends_on.year) * 12 + until.month - event.ends_on.month
    assert months == 6


def test_a_document_valid_exactly_to_the_day_is_accepted_and_the_day_before_refused(client, event):
    until = document_valid_until(event)
    response = register(client, passport_expiry=(until - timedelta(days=1)).isoformat())
    assert response.status_code == 400
    assert (f"The document must be valid until at least {until:%d %B %Y} (6 months after the "
            "meeting).") in errors_by_field(response.get_data(as_text=True))["passport_expiry"]
    assert register(client, passport_expiry=until.isoformat()).status_code == 302


def test_six_months_from_the_end_of_august_is_the_end_of_february(event):
    event.ends_on = date(2027, 8, 31)
    assert document_valid_until(event) == date(2028, 2, 29)
    event.document_valid_months = 0
    assert document_valid_until(event) == date(2027, 8, 31)


def test_the_admin_sets_the_months_and_the_badge_collection_place(client, login, event):
    from support import csrf_token
    login("admin")
    url = f"/admin/events/{event.id}/setup"
    page = client.get(url).get_data(as_text=True)
    assert 'name="document_valid_months"' in page and 'value="6"' in page
    data = {k: v for k, v in _event_form(page).items()}
    data.update(csrf_token=csrf_token(client, url), document_valid_months="3",
                badge_collection="the Hall 2 desk, from 08:00.")
    assert client.post(url, data=data).status_code == 302
    db.session.refresh(event)
    assert event.document_valid_months == 3 and event.badge_collection == "the Hall 2 desk, from 08:00."
    data["document_valid_months"] = "-1"
    response = client.post(url, data=data)
    assert response.status_code == 400 and "Enter a number of months from 0 to 120." in \
        response.get_data(as_text=True)


def _event_form(page: str) -> dict[str, str]:
    values = dict(re.findall(r'<input[^>]*name="([a-z_]+)"[^>]*value="([^"]*)"', page))
    values.update(re.findall(r'<textarea[^>]*name="([a-z_]+)"[^>]*>\s*([^<]*)</textarea>', page))
    timezone = re.search(r'<select[^>]*name="timezone".*?<option selected value="([^"]+)"', page, re.S) \
        or re.search(r'<select[^>]*name="timezone".*?<option value="([^"]+)" selected', page, re.S)
    values["timezone"] = timezone.group(1)
    values.pop("csrf_token", None)
    return values


# --- branding and the favicon -------------------------------------------------------------

def test_public_pages_carry_the_event_name_and_logo_not_the_product(client, event):
    set_event_logo(event, image_bytes((300, 120), fmt="PNG"), Actor.cli("test"))
    page = client.get(REGISTER_URL).get_data(as_text=True)
    assert "Lanyard" not in page
    assert f"<title>Register for {event.name}</title>" in page
    assert f'src="/events/{event.slug}/logo.png"' in page
    logo = client.get(f"/events/{event.slug}/logo.png")
    assert logo.status_code == 200 and logo.mimetype == "image/png"
    assert 'rel="icon" href="/static/favicon.svg"' in page


def test_the_favicon_answers_where_browsers_look_for_it(client, event):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/static/favicon.svg")
    assert client.get("/static/favicon.svg").status_code == 200


# --- the confirmation and the e-mails -----------------------------------------------------

def test_the_confirmation_keeps_its_link_when_reloaded_in_the_same_browser_only(app, client, event):
    response = register(client)
    thanks_url = response.headers["Location"]
    [person] = delegates()
    for _ in range(2):
        page = client.get(thanks_url).get_data(as_text=True)
        assert person.reference in page and "Open my application page" in page
    other_browser = app.test_client()
    page = other_browser.get(thanks_url).get_data(as_text=True)
    assert person.reference not in page and "Check your e-mail" in page


def test_the_e_mails_read_as_a_secretariat_writes_them(client, event):
    from app.services.notifications import notify_decision
    from app.services.vetting import approve_delegate, clear_delegate
    register(client)
    [person] = delegates()
    [confirmation] = mails()
    for part in (text_part(confirmation), _words(html_part(confirmation))):
        assert "accreditation to the 22nd ASEAN Military Intelligence Meeting" in " ".join(part.split())
        assert "The Accreditation Office" in part
    approve_delegate(person, Actor.cli("test"), seen_revision=person.revision)
    if person.category.needs_clearance:
        clear_delegate(person, Actor.cli("test"), seen_revision=person.revision)
    assert notify_decision(person)
    approval = mails()[-1]
    for part in (text_part(approval), _words(html_part(approval))):
        assert "accreditation to the 22nd ASEAN Military Intelligence Meeting" in " ".join(part.split())
        assert "Where to collect your badge: the accreditation desk at the main entrance" in part
        assert event.dates_in_words in " ".join(part.split())


def _words(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


# --- the applicant's own page -------------------------------------------------------------

def test_the_applicant_sees_their_own_photo_and_what_happens_next(client, event):
    register(client)
    [person] = delegates()
    page_url = link_in(mails()[-1])
    page = client.get(page_url).get_data(as_text=True)
    photo_url = f"{page_url}/photo"
    assert f'src="{photo_url}"' in page
    response = client.get(photo_url)
    assert response.status_code == 200 and response.data == read_photo(person.photo_file)
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "What happens next" in page and event.dates_in_words in page
    assert "Where to collect your badge:" in page and "main entrance of the Convention Centre" in page


def test_no_link_but_the_applicants_own_opens_their_photo(app, client, event):
    from app.services.links import status_token
    mine = make_person(event, given_name="Dewi", photo=halves_jpeg((700, 900)))
    theirs = make_person(event, given_name="Aisyah", photo=sample_photo())
    mine_url = f"/events/{event.slug}/application/{status_token(mine)}/photo"
    theirs_url = f"/events/{event.slug}/application/{status_token(theirs)}/photo"
    assert client.get(mine_url).data == read_photo(mine.photo_file)
    assert client.get(theirs_url).data != read_photo(mine.photo_file)
    # A link altered by hand, or one for another event, opens nothing.
    token = status_token(mine)
    assert client.get(f"/events/{event.slug}/application/{token[:-2]}xx/photo").status_code == 404
    assert client.get(f"/events/nosuch/application/{token}/photo").status_code == 404
    # A session that registered does not open anyone else's photo either.
    register(client, email="third@example.my", passport_number="B5550001")
    assert client.get(f"/events/{event.slug}/application/x/photo").status_code == 404


@pytest.mark.parametrize("stage, told", [("approved", "Printed, ready for collection"),
                                         ("handed_over", "Collected")])
def test_the_applicant_page_tells_where_the_badge_is(client, event, stage, told):
    from app.services.issuance import print_badge
    from app.services.links import status_token
    person = make_person(event, stage=stage)
    if stage == "approved":
        print_badge(person, Actor.cli("test"), seen_revision=person.revision)
    page = client.get(f"/events/{event.slug}/application/{status_token(person)}").get_data(as_text=True)
    assert told in page
    assert ("Where to collect your badge" in page) == (stage == "approved")
