"""Links in e-mails point at the real site: requests naming another host are refused, and
LANYARD_BASE_URL, when set, is the only base of e-mailed links."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.config import trusted_hosts
from app.extensions import db
from app.models import Delegate
from app.services.audit import Actor
from app.services.liaison import issue_invitation
from app.services.links import invitation_token
from registration_support import mails, registration_data, text_part, REGISTER_URL

EVIL = "accreditation-amim22.evil.example"


def links_in_mails() -> list[str]:
    return [url for mail in mails() for url in re.findall(r"https?://[^\s\"<>]+", text_part(mail))]


def test_a_registration_sent_with_a_foreign_host_is_refused_and_mails_nothing(client, event):
    data = registration_data(client)
    response = client.post(REGISTER_URL, data=data, content_type="multipart/form-data",
                           headers={"Host": EVIL})
    assert response.status_code == 400
    assert "does not answer for that address" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Delegate)) == 0
    assert mails() == []


def test_a_liaison_registration_sent_with_a_foreign_host_is_refused(client, event):
    invitation = issue_invitation(event.delegations[0], "Somchai Rattanakul", "somchai@example.th",
                                  Actor.cli("test"))
    before = len(mails())
    url = f"/liaison/{invitation_token(invitation)}/add"
    assert client.get(url, headers={"Host": EVIL}).status_code == 400
    response = client.post(url, data={"given_name": "Anan"}, headers={"Host": EVIL})
    assert response.status_code == 400
    assert len(mails()) == before and db.session.scalar(select(func.count()).select_from(Delegate)) == 0


def test_the_loopback_names_of_the_quick_start_are_trusted(client, event):
    for host in ("localhost", "127.0.0.1:5000", "localhost:5000"):
        assert client.get(REGISTER_URL, headers={"Host": host}).status_code == 200


@pytest.mark.app_config(LANYARD_BASE_URL="https://accreditation.example.org",
                        TRUSTED_HOSTS=["accreditation.example.org", "lanyard.internal", "localhost"])
def test_mailed_links_are_built_on_the_base_url_whatever_trusted_host_was_asked(client, event):
    inside = {"Host": "lanyard.internal"}  # the name the venue's own network uses
    form = client.get(REGISTER_URL, headers=inside).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    response = client.post(REGISTER_URL, data=registration_data(client, csrf_token=token),
                           content_type="multipart/form-data", headers=inside)
    assert response.status_code == 302
    links = links_in_mails()
    assert links and all(url.startswith("https://accreditation.example.org/") for url in links)


def test_trusted_hosts_come_from_the_setting_or_the_base_url():
    assert trusted_hosts("a.example, b.example", "") == ["a.example", "b.example"]
    assert trusted_hosts("", "https://accreditation.example.org") == [
        "accreditation.example.org", "localhost", "127.0.0.1"]
    assert trusted_hosts("", "") == ["localhost", "127.0.0.1"]
