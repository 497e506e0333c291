"""A demo event: the 22nd ASEAN Military Intelligence Meeting, with people in every state."""
from __future__ import annotations

import csv
import io
import random
import secrets
from datetime import date, timedelta
from pathlib import Path

from PIL import Image, ImageDraw
from sqlalchemy import select

from ..extensions import db
from ..models import Delegate, Event, StaffRole, StaffUser
from . import events
from .audit import Actor
from .issuance import hand_over_badge, print_badge
from .people import normalise_phone
from .photos import normalise_photo
from .registration import Application, register_delegate
from .staff import create_staff_user
from .vetting import (approve_delegate, clear_delegate, refuse_clearance, reject_delegate,
                      request_information, withdraw_clearance)

DEMO_SLUG = "amim22"
SAMPLES = Path(__file__).resolve().parent.parent / "demo_delegates.csv"

ASEAN = [
    ("BN", "Brunei Darussalam"), ("KH", "Cambodia"), ("ID", "Indonesia"), ("LA", "Lao PDR"),
    ("MY", "Malaysia"), ("MM", "Myanmar"), ("PH", "Philippines"), ("SG", "Singapore"),
    ("TH", "Thailand"), ("VN", "Viet Nam"),
]
ZONES = [("1", "Plenary hall"), ("2", "Bilateral rooms"), ("3", "Delegation offices"),
         ("4", "Press centre"), ("6", "VIP lounge")]
# Colours and letters after UN practice: delegates and heads of delegation one red
# family, kept deliberately and told apart by their letter and name; every other category
# a colour of its own (CIEDE2000 difference over 10 from all others).
# Code, name, colour, zones, on the public form, needs the security office's clearance.
CATEGORIES = [
    ("E", "Head of Delegation", "#B71C1C", ["1", "2", "3", "6"], False, True),
    ("D", "Delegate", "#D32F2F", ["1", "2", "3"], True, True),
    ("O", "Observer", "#2E7D32", ["1"], True, True),
    ("S", "Secretariat", "#00695C", ["1", "2", "3"], False, False),
    ("P", "Press", "#F9A825", ["4"], True, False),
    ("C", "Organiser", "#1565C0", ["1", "2", "3", "4", "6"], False, False),
    ("Z", "Host Security", "#37474F", ["1", "2", "3", "4", "6"], False, False),
]
COLOUR_FAMILIES = {"D"}  # added after a category of nearly the same colour, on purpose
CHECKPOINTS = [("MAIN", "Main entrance", None), ("PLENARY", "Plenary hall door", "1"),
               ("BILAT", "Bilateral wing", "2"), ("VIP", "VIP lounge", "6")]
STAFF = [(StaffRole.ADMIN, "admin@amim22.example"),
         (StaffRole.ACCREDITATION, "accreditation@amim22.example"),
         (StaffRole.SECURITY, "security@amim22.example"), (StaffRole.DESK, "desk@amim22.example"),
         (StaffRole.DOOR, "door@amim22.example")]


def create_demo_event(delegates: int = 40, *, seed: int = 22, with_staff: bool = True,
                      ) -> tuple[Event, list[tuple[str, str, str]]]:
    """Create the demo event if missing; return it and (role, e-mail, password) logins created."""
    actor = Actor.cli("demo")
    event = db.session.scalar(select(Event).where(Event.slug == DEMO_SLUG))
    if event is None:
        event = _create_event(actor)
        _add_people(event, delegates, random.Random(seed), actor)
    logins = []
    for role, email in STAFF if with_staff else ():
        if db.session.scalar(select(StaffUser).where(StaffUser.email == email)) is None:
            password = secrets.token_urlsafe(12)
            create_staff_user(email, password, role, actor)
            logins.append((role.value, email, password))
    return event, logins


def _create_event(actor: Actor) -> Event:
    """Built through the same services as an admin's event setup, audit trail included."""
    today = date.today()
    event = events.create_event(events.EventDetails(
        slug=DEMO_SLUG, name="22nd ASEAN Military Intelligence Meeting",
        venue="Kuala Lumpur Convention Centre", starts_on=today,
        ends_on=today + timedelta(days=2), timezone="Asia/Kuala_Lumpur",
        host="Defence Intelligence Staff Division, Malaysian Armed Forces",
        emergency_contact="Duty security officer, venue extension 2888",
        privacy_notice=(
            "Your personal data is processed by the host only to accredit you for "
            "this meeting and to control access to its venue. It is shared with the "
            "host's security office and deleted 90 days after the meeting.")), actor)
    for code, name in ZONES:
        events.add_zone(event, code, name, actor)
    for code, name in ASEAN:
        events.add_delegation(event, code, name, None, actor)
    for code, name, colour, zone_codes, public, needs_clearance in CATEGORIES:
        events.add_category(event, code, name, colour, public, zone_codes, actor,
                            keep_family=code in COLOUR_FAMILIES, needs_clearance=needs_clearance)
    for code, name, zone in CHECKPOINTS:
        events.add_checkpoint(event, code, name, zone or "", True, actor)
    return event


def _add_people(event: Event, count: int, rng: random.Random, actor: Actor) -> None:
    rows = list(csv.DictReader(SAMPLES.open(encoding="utf-8")))
    codes = {c.code for c in event.categories}
    for i in range(count):
        row = rows[i % len(rows)]
        # Past the sample list, mix given and family names of different rows:
        # plausible new people rather than "Ahmad Faizal 2".
        family_row = row if i < len(rows) else rows[(i * 7 + 3) % len(rows)]
        country = row["country"] if row["country"] in dict(ASEAN) else "MY"
        try:
            phone = normalise_phone(row["phone"], row["country"])
        except ValueError:
            phone = ""
        application = Application(
            honorific=row["honorific"], given_name=row["given_name"],
            family_name=family_row["family_name"],
            native_name=row["native_name"] if i < len(rows) else "",
            position=row["position"], organisation=row["organisation"], country=country,
            category_code=row["category"] if row["category"] in codes else "D",
            email=f"{i}.{row['email']}", phone=phone, nationality=row["country"],
            date_of_birth=date(1960 + rng.randrange(35), rng.randrange(1, 13), rng.randrange(1, 29)),
            passport_number=f"{row['country']}{rng.randrange(10**6, 10**7)}",
            passport_expiry=event.ends_on + timedelta(days=365 * rng.randrange(1, 9)),
            consent=True)
        delegate = register_delegate(event, application, portrait(rng), actor, commit=False)
        db.session.commit()
        _give_state(delegate, i, actor)


def _give_state(delegate: Delegate, i: int, actor: Actor) -> None:
    # Every state: most ready (some wearing their badge, one at the desk for collection, one
    # still to print), some waiting for one office or the other, a few needing information,
    # rejected or refused clearance.
    slot = i % 10
    needs_clearance = delegate.category.needs_clearance
    withdrawn = slot == 8 and i % 20 == 18 and needs_clearance
    if slot in (0, 1, 2, 3, 4, 5) or withdrawn:
        approve_delegate(delegate, actor, seen_revision=delegate.revision)
    if needs_clearance and (slot in (0, 1, 2, 3, 4, 6) or withdrawn):
        clear_delegate(delegate, actor, seen_revision=delegate.revision)
    if slot < 4:
        badge = print_badge(delegate, actor, seen_revision=delegate.revision).badges[0]
        if slot < 3:
            hand_over_badge(badge, actor, seen_revision=delegate.revision)
    elif withdrawn:
        withdraw_clearance(delegate, "New information from a partner service.", actor,
                           seen_revision=delegate.revision)
    elif slot == 7:
        request_information(delegate, "Please upload a photo without sunglasses.", actor,
                            seen_revision=delegate.revision)
    elif slot == 9 and needs_clearance and i % 20 == 19:
        refuse_clearance(delegate, "Listed in a partner service's adverse report.", actor,
                         seen_revision=delegate.revision)
    elif slot == 9:
        reject_delegate(delegate, "Not part of the accredited delegation list.", actor,
                        seen_revision=delegate.revision)


def portrait(rng: random.Random, size: tuple[int, int] = (700, 900)) -> bytes:
    """A plain generated passport-style portrait: light background, head and shoulders."""
    w, h = size
    background = tuple(rng.randint(215, 245) for _ in range(3))
    image = Image.new("RGB", size, background)
    draw = ImageDraw.Draw(image)
    skin = rng.choice([(241, 194, 125), (224, 172, 105), (198, 134, 66), (141, 85, 36), (255, 219, 172)])
    cloth = tuple(rng.randint(20, 110) for _ in range(3))
    hair = rng.choice([(20, 20, 20), (60, 40, 25), (90, 90, 90), (35, 25, 15)])
    draw.ellipse((w * 0.12, h * 0.68, w * 0.88, h * 1.25), fill=cloth)
    draw.rectangle((w * 0.42, h * 0.52, w * 0.58, h * 0.72), fill=skin)
    draw.ellipse((w * 0.30, h * 0.16, w * 0.70, h * 0.62), fill=skin)
    draw.chord((w * 0.29, h * 0.13, w * 0.71, h * 0.45), 180, 360, fill=hair)
    for ex in (0.42, 0.58):
        draw.ellipse((w * ex - 9, h * 0.38 - 6, w * ex + 9, h * 0.38 + 6), fill=(40, 30, 25))
    draw.arc((w * 0.43, h * 0.46, w * 0.57, h * 0.54), 20, 160, fill=(120, 60, 50), width=4)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return normalise_photo(out.getvalue())

