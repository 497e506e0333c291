"""The demo event's people: names, scripts, organisations and phones that belong to their own
delegation, Malay patronymics that match the person, every state, the same people every time."""
from __future__ import annotations

import json
import random
import unicodedata
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.models import Delegate, DelegateStatus
from app.services.demo import NAMES, create_demo_event, demo_person
from support import empty_tables

MATERIAL = json.loads(NAMES.read_text(encoding="utf-8"))
CJK = [(0x3400, 0x4DBF), (0x4E00, 0x9FFF)]
# Unicode blocks of each country's own script (the name in its own script uses only these).
SCRIPTS = {
    "TH": [(0x0E00, 0x0E7F)], "LA": [(0x0E80, 0x0EFF)], "KH": [(0x1780, 0x17FF), (0x19E0, 0x19FF)],
    "MM": [(0x1000, 0x109F), (0xA9E0, 0xA9FF), (0xAA60, 0xAA7F)], "BN": [(0x0600, 0x06FF)],
    "SG": CJK, "MY": CJK,
    # Latin with the Vietnamese letters and tone marks.
    "VN": [(0x41, 0x5A), (0x61, 0x7A), (0xC0, 0x24F), (0x1EA0, 0x1EF9), (0x300, 0x36F)],
}
WRITES_ITS_OWN = {"TH", "LA", "KH", "MM", "VN", "BN"}


def strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in strings(item)]
    return []


def latin_words(country: str) -> set[str]:
    """Every word a name from `country` may contain, from its own material only."""
    return {word for text in strings(MATERIAL["countries"][country]["styles"]) for word in text.split()
            if word.isascii()}


def in_script(text: str, ranges) -> bool:
    return all(ch == " " or any(low <= ord(ch) <= high for low, high in ranges) for ch in text)


def plain_latin(text: str) -> str:
    """Vietnamese without its marks, as the passport spells it."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@pytest.fixture(scope="module")
def demo_people(migrated, tmp_path_factory):
    """The demo's 120 people, made once for the tests of this file, as plain records."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": migrated,
                      "INSTANCE_PATH": str(tmp_path_factory.mktemp("demo"))})
    with app.app_context():
        try:
            event, _ = create_demo_event(120, with_staff=False)
            return [SimpleNamespace(
                **{name: getattr(d, name) for name in (
                    "country", "nationality", "organisation", "phone", "email", "given_name", "family_name",
                    "printed_name", "native_name", "status")},
                delegation=d.delegation.country, category=d.category.code)
                for d in db.session.scalars(select(Delegate).where(Delegate.event_id == event.id))]
        finally:
            db.session.remove()
            empty_tables()
            db.engine.dispose()


def test_every_name_belongs_to_the_persons_own_delegation(demo_people):
    assert len(demo_people) == 120
    for person in demo_people:
        own = MATERIAL["countries"][person.country]
        words = (person.given_name + " " + person.family_name).split()
        assert set(words) <= latin_words(person.country), person.printed_name
        assert person.nationality == person.country == person.delegation
        assert person.organisation in own["organisations"].values(), person.organisation
        assert person.phone.startswith(own["phone_prefix"]) and person.email.endswith(own["email_domain"])
        if person.native_name or person.country in WRITES_ITS_OWN:
            assert person.native_name and in_script(person.native_name, SCRIPTS[person.country]), (
                person.printed_name, person.native_name)
    assert {p.country for p in demo_people} == {code for code in MATERIAL["countries"]}
    # Native names in the country's script, of several people from each that writes its own.
    for country in WRITES_ITS_OWN:
        assert len({p.native_name for p in demo_people if p.country == country}) > 5


def test_bin_and_binti_only_for_malay_names_and_the_right_one_for_the_person(demo_people):
    for person in demo_people:
        words = person.family_name.split()
        if person.country not in ("MY", "BN"):
            assert not {"bin", "binti", "Haji", "Hajah"} & set((person.given_name + " " + person.family_name)
                                                               .split()), person.printed_name
            continue
        if not words or words[0] not in ("bin", "binti"):
            continue  # a Chinese Malaysian name
        style = next(s for s in MATERIAL["countries"][person.country]["styles"] if s["style"] == "malay")
        sex = "female" if words[0] == "binti" else "male"
        given = person.given_name.removeprefix("Haji ").removeprefix("Hajah ")
        assert given in strings(style["given"][sex]), person.printed_name
        assert person.given_name.split()[0] != ("Haji" if sex == "female" else "Hajah")
        assert "Hajah" not in words  # a father is a Haji
    malay = [p for p in demo_people if p.family_name.startswith(("bin ", "binti "))]
    assert {p.family_name.split()[0] for p in malay} == {"bin", "binti"}


def test_names_are_printed_and_written_in_their_own_order(demo_people):
    for person in demo_people:
        if person.country in ("KH", "VN") or person.native_name and person.country in ("SG", "MY"):
            assert person.printed_name == f"{person.family_name} {person.given_name}"  # family name first
        elif person.family_name:
            assert person.printed_name == f"{person.given_name} {person.family_name}"
        else:
            assert person.printed_name == person.given_name  # one name only (Myanmar, some Indonesians)
        if person.country == "VN":
            assert plain_latin(person.native_name) == person.printed_name
        if person.country == "MM":
            assert person.family_name == "" and " " not in person.native_name
    assert any(p.country == "ID" and not p.family_name for p in demo_people)


def test_people_are_in_every_state(demo_people):
    assert {p.status for p in demo_people} == set(DelegateStatus)
    assert {p.category for p in demo_people} == {"E", "D", "O", "S", "P", "C", "Z"}
    # The host's own staff are Malaysian; nobody else is secretariat, organiser or host security.
    assert {p.country for p in demo_people if p.category in ("S", "C", "Z")} == {"MY"}


def test_the_same_seed_makes_the_same_people():
    def names(seed: int) -> list[str]:
        rng, taken = random.Random(seed), set()
        return [demo_person(MATERIAL, country, "D", rng, taken).printed
                for country in MATERIAL["countries"] for _ in range(5)]
    assert names(22) == names(22) != names(23)
    assert len(set(names(22))) == 50  # nobody twice
