"""Registration posts are rate-limited per client address (Flask-Limiter)."""
from __future__ import annotations

import pytest

from registration_support import REGISTER_URL, registration_data


@pytest.mark.app_config(RATELIMIT_ENABLED=True)
def test_the_eleventh_post_in_a_minute_from_one_address_is_refused(client, event):
    data = registration_data(client, photo=b"", given_name="")  # invalid: the limit counts every attempt
    codes = [client.post(REGISTER_URL, data=data).status_code for _ in range(11)]
    assert codes == [400] * 10 + [429]
    response = client.post(REGISTER_URL, data=data)
    assert response.status_code == 429
    assert "Too many submissions" in response.get_data(as_text=True)
    # Reading the form is not limited, and another address still gets through.
    assert client.get(REGISTER_URL).status_code == 200
    other = client.post(REGISTER_URL, data=data, environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 400
