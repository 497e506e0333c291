"""Country names from one source (CLDR through Babel), sorted as people look them up, and the same
name on every form, page and export."""
from __future__ import annotations

import csv
import io
import re

from sqlalchemy import select

from app.extensions import db
from app.models import Delegation
from app.services.audit import Actor
from app.services.countries import collation_key, country_choices, country_name, is_country_code
from app.services.liaison import issue_invitation
from app.services.links import invitation_token, status_token
from support import csrf_token, make_person


def test_names_come_from_cldr():
    assert country_name("VN") == "Vietnam"
    assert country_name("tr") == "Türkiye"
    assert country_name("AX") == "Åland Islands"
    assert country_name("QQ") == "QQ" and not is_country_code("QQ")
    # Groupings and pseudo-regions CLDR also names are no one's nationality.
    assert not {"EU", "UN", "ZZ", "XA"} & {code for code, _ in country_choices()}


def test_the_list_is_sorted_as_a_dictionary_not_by_code_points():
    names = [name for _, name in country_choices()]
    assert names.index("Afghanistan") < names.index("Åland Islands") < names.index("Albania")
    assert names.index("Türkiye") < names.index("Turkmenistan") < names.index("Tuvalu")
    assert names.index("Costa Rica") < names.index("Côte d’Ivoire") < names.index("Croatia")
    assert names.index("Réunion") < names.index("Romania")
    assert sorted(["Tuvalu", "Türkiye", "Åland", "Albania", "Zambia"], key=collation_key) == \
        ["Åland", "Albania", "Türkiye", "Tuvalu", "Zambia"]


def test_the_same_name_on_every_list_page_and_export(app, client, event, login):
    person = make_person(event, country="VN", nationality="VN", given_name="Thanh",
                         family_name="Nguyen", stage="approved")
    name = country_name("VN")
    assert name == "Vietnam"
    seen = {}
    register = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    seen["nationality list"] = re.search(r'<select[^>]*id="nationality".*?</select>', register, re.S).group(0)
    seen["delegation list"] = re.search(r'<select[^>]*id="country".*?</select>', register, re.S).group(0)
    seen["applicant's page"] = client.get(
        f"/events/{event.slug}/application/{status_token(person)}").get_data(as_text=True)
    vietnam = db.session.scalar(select(Delegation).where(Delegation.country == "VN"))
    invitation = issue_invitation(vietnam, "Tran Van Binh", "binh@example.vn", Actor.cli("test"))
    liaison = f"/liaison/{invitation_token(invitation)}"
    seen["liaison page"] = client.get(liaison).get_data(as_text=True)
    seen["liaison export"] = client.get(f"{liaison}/export.csv").data.decode("utf-8-sig")

    login("admin")
    seen["admin delegations"] = client.get(f"/admin/events/{event.id}/delegations").get_data(as_text=True)
    url = f"/admin/events/{event.slug}/delegates"
    export = client.post(f"{url}/export", data={"csrf_token": csrf_token(client, url),
                                                 "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(export.data.decode("utf-8-sig"))))
    assert [r["delegation"] for r in rows] == [name]
    seen["admin export"] = export.data.decode("utf-8-sig")
    seen["vetting queue"] = client.get(f"/vetting/queue?event={event.slug}").get_data(as_text=True)
    seen["vetting person"] = client.get(f"/vetting/people/{person.id}").get_data(as_text=True)

    for where, text in seen.items():
        assert name in text, where
        assert "Viet Nam" not in text, where
