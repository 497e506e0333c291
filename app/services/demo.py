"""A demo event: the 22nd ASEAN Military Intelligence Meeting, with people in every state whose
names, scripts and organisations belong to their delegation."""
from __future__ import annotations

import io
import json
import random
import re
import secrets
from dataclasses import dataclass
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
#: Names, scripts, organisations and phone numbers per delegation, for the generated people.
NAMES = Path(__file__).resolve().parent.parent / "demo_names.json"
HOST = "MY"

# The ten delegations (their names come from the country list, as everywhere).
ASEAN = ["BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN"]
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
        document_valid_months=6,
        badge_collection=("the accreditation desk at the main entrance of the Convention Centre "
                          "(Level 1), from 08:00 on the first day of the meeting."),
        privacy_notice=(
            "Your personal data is processed by the host only to accredit you for "
            "this meeting and to control access to its venue. It is shared with the "
            "host's security office and deleted 90 days after the meeting.")), actor)
    for code, name in ZONES:
        events.add_zone(event, code, name, actor)
    for code in ASEAN:
        events.add_delegation(event, code, None, actor)
    for code, name, colour, zone_codes, public, needs_clearance in CATEGORIES:
        events.add_category(event, code, name, colour, public, zone_codes, actor,
                            keep_family=code in COLOUR_FAMILIES, needs_clearance=needs_clearance)
    for code, name, zone in CHECKPOINTS:
        events.add_checkpoint(event, code, name, zone or "", True, actor)
    return event


def _add_people(event: Event, count: int, rng: random.Random, actor: Actor) -> None:
    material = json.loads(NAMES.read_text(encoding="utf-8"))
    codes = {c.code for c in event.categories}
    taken: set[str] = set()
    for i in range(count):
        # Every delegation in turn, each round shifted by one, so that no delegation has all its
        # people in the same state (_give_state goes by i % 10).
        country = ASEAN[(i + i // 10) % len(ASEAN)]
        category = _category(i, country)
        category = category if category in codes else "D"
        person = demo_person(material, country, category, rng, taken)
        application = Application(
            honorific=person.honorific, given_name=person.given, family_name=person.family,
            printed_name=person.printed, native_name=person.native, position=person.position,
            organisation=person.organisation, country=country, category_code=category,
            email=person.email(i), phone=person.phone, nationality=country,
            date_of_birth=date(1960 + rng.randrange(35), rng.randrange(1, 13), rng.randrange(1, 29)),
            passport_number=f"{country}{rng.randrange(10**6, 10**7)}",
            passport_expiry=event.ends_on + timedelta(days=365 * rng.randrange(1, 9)),
            consent=True)
        delegate = register_delegate(event, application, portrait(rng), actor, commit=False)
        db.session.commit()
        _give_state(delegate, i, actor)


def _category(i: int, country: str) -> str:
    # The first round heads each delegation; odd rounds are delegates, needing clearance, so that
    # _give_state's refusals and withdrawals happen (i % 20 == 18, 19); even rounds bring press,
    # observers and delegates, and the host's own staff from Malaysia.
    round_ = i // 10
    if round_ == 0:
        return "E"
    if round_ % 2:
        return "D"
    turn = (round_ // 2 - 1) % 3
    return ("S", "C", "Z")[turn] if country == HOST else ("P", "O", "D")[turn]


@dataclass(frozen=True)
class DemoPerson:
    """A generated person whose name, script, organisation and phone belong to one delegation."""

    country: str
    given: str
    family: str
    printed: str
    native: str
    honorific: str
    position: str
    organisation: str
    phone: str
    email_domain: str

    def email(self, number: int) -> str:
        parts = [self.given.split()[-1], self.family.split()[-1] if self.family else ""]
        local = ".".join(re.sub(r"[^a-z]", "", part.lower()) for part in parts if part)
        return f"{local}.{number}@{self.email_domain}"


def demo_person(material: dict, country: str, category: str, rng: random.Random,
                taken: set[str]) -> DemoPerson:
    """A person of `country`'s delegation, named after one of its naming styles (demo_names.json);
    a name already `taken` is drawn again (a few times), and then taken too."""
    own = material["countries"][country]
    sex = "female" if rng.random() < 0.35 else "male"
    for _ in range(20):
        style = rng.choices(own["styles"], weights=[s["weight"] for s in own["styles"]])[0]
        given, family, printed, native = _NAMING[style["style"]](style, sex, rng)
        if printed not in taken:
            break
    taken.add(printed)
    ranks = material["ranks"][category]
    if ranks:
        honorific = rng.choice(ranks)
    else:  # civilians: Mr or Ms, except the press, who go by name alone
        honorific = "" if category == "P" else material["civilian_titles"][sex]
    organisations = own["organisations"]
    phone = own["phone_prefix"] + "".join(str(rng.randrange(10)) for _ in range(own["phone_digits"]))
    return DemoPerson(country=country, given=given, family=family, printed=printed, native=native,
                      honorific=honorific, position=rng.choice(material["positions"][category]),
                      organisation=organisations.get(category, organisations["default"]),
                      phone=normalise_phone(phone, country), email_domain=own["email_domain"])


def _pair(part: str | list[str]) -> tuple[str, str]:
    """A name part as (Latin, own script); "" when the material has no own-script form."""
    return (part, "") if isinstance(part, str) else (part[0], part[1] if len(part) > 1 else "")


def _by_sex(parts: list | dict, sex: str) -> list:
    return parts[sex] if isinstance(parts, dict) else parts


def _personal(style: dict, sex: str, rng: random.Random) -> tuple[str, str, str, str]:
    """Given and family name; Chinese, Khmer and Vietnamese put the family name first."""
    if rng.random() < style.get("single", 0):
        name, native = _pair(rng.choice(style["single_names"][sex]))
        return name, "", name, native
    given, given_native = _pair(rng.choice(style["given"][sex]))
    family, family_native = _pair(rng.choice(_by_sex(style["family"], sex)))
    first_last = [(family, family_native), (given, given_native)] if style["family_first"] \
        else [(given, given_native), (family, family_native)]
    native = style.get("native_joiner", " ").join(n for _, n in first_last) \
        if given_native and family_native else ""
    return given, family, " ".join(latin for latin, _ in first_last), native


def _malay(style: dict, sex: str, rng: random.Random) -> tuple[str, str, str, str]:
    """Given name, then bin (a son) or binti (a daughter) and the father's name; some carry Haji or
    Hajah, their own name or their father's (always Haji: a father is a man)."""
    parts = [_pair(rng.choice(style["given"][sex]))]
    if rng.random() < style["pilgrims"]:
        parts.insert(0, _pair(style["pilgrim_titles"][sex]))
    father = [_pair(style["patronymics"][sex])]
    if rng.random() < style["pilgrims"]:
        father.append(_pair(style["pilgrim_titles"]["male"]))
    father.append(_pair(rng.choice(style["fathers"])))
    given, family = (" ".join(latin for latin, _ in half) for half in (parts, father))
    whole = parts + father
    native = " ".join(n for _, n in whole) if all(n for _, n in whole) else ""
    return given, family, f"{given} {family}", native


def _burmese(style: dict, sex: str, rng: random.Random) -> tuple[str, str, str, str]:
    """Two or three syllables, no family name; in Myanmar script written without spaces."""
    syllables = [_pair(rng.choice(style["syllables"][sex])) for _ in range(rng.choice((2, 2, 3)))]
    name = " ".join(latin for latin, _ in syllables)
    return name, "", name, "".join(native for _, native in syllables)


_NAMING = {"personal": _personal, "malay": _malay, "burmese": _burmese}


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

