"""Registration posts are rate-limited per client address (Flask-Limiter)."""
from __future__ import annotations

import uuid

import pytest

from app import create_app
from app.extensions import db
from app.services.demo import create_demo_event
from registration_support import REGISTER_URL, registration_data


@pytest.fixture
def limited_app(migrated, tmp_path):
    """The app as in production: rate limits on (the shared fixture turns them off)."""
    from conftest import IsolatedClient, _empty_tables
    app = create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": migrated,
        "INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": uuid.uuid4().hex,
        "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://",
        "SESSION_COOKIE_SECURE": False,
    })
    app.test_client_class = IsolatedClient
    with app.app_context():
        create_demo_event(0)
        yield app
        db.session.remove()
        _empty_tables()
        db.engine.dispose()


def test_the_sixth_post_in_a_minute_from_one_address_is_refused(limited_app):
    client = limited_app.test_client()
    data = registration_data(client, given_name="")  # invalid: the limit counts every attempt
    codes = [client.post(REGISTER_URL, data=data).status_code for _ in range(6)]
    assert codes == [400] * 5 + [429]
    response = client.post(REGISTER_URL, data=data)
    assert response.status_code == 429
    assert "Too many submissions" in response.get_data(as_text=True)
    # Reading the form is not limited, and another address still gets through.
    assert client.get(REGISTER_URL).status_code == 200
    other = client.post(REGISTER_URL, data=data, environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 400
