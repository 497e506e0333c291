"""Whatever the public registration form receives, the applicant gets a page (never a 500),
and a refused application stores nothing."""
from __future__ import annotations

import io

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Delegate, Scan
from registration_support import REGISTER_URL, image_bytes, registration_data
from strategies import REQUEST_PROPERTY, form_text, iso_times, number_text
from support import csrf_token, sample_photo

TABLES = (Scan, Delegate, AuditEvent)
TEXT_FIELDS = ["honorific", "given_name", "family_name", "native_name", "organisation", "position",
               "country", "category", "email", "phone", "nationality", "passport_number",
               "dietary_needs", "access_needs", "website", "consent"]
DATE_FIELDS = ["date_of_birth", "passport_expiry", "arrival_on", "departure_on"]
CROP_FIELDS = ["crop_x", "crop_y", "crop_width", "crop_height"]


def rows() -> dict[str, int]:
    return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in TABLES}


dates = (st.dates().map(str) | iso_times | form_text
         | st.sampled_from(["0001-01-01", "9999-12-31", "2026-02-30", "", "1976-04-12"]))
# A crop box from the browser: whole pixels, or numbers no browser sends.
crops = st.none() | st.fixed_dictionaries({name: st.sampled_from(["1.7e308", "-1.7e308", "0", "400",
                                                                  "5e-324"]) | number_text
                                           for name in CROP_FIELDS})
photos = st.sampled_from([sample_photo(), b"", b"%PDF-1.4", image_bytes((200, 200)),
                          image_bytes((700, 900), fmt="PNG")]) | st.binary(max_size=64)


@REQUEST_PROPERTY
@given(data=st.data())
def test_any_registration_post_is_answered_and_a_refused_one_stores_nothing(client, event, data):
    token = csrf_token(client, REGISTER_URL)
    changed = {}
    for name in data.draw(st.sets(st.sampled_from(TEXT_FIELDS + DATE_FIELDS))):
        changed[name] = data.draw(dates if name in DATE_FIELDS else form_text | st.text(max_size=600))
    changed.update(data.draw(crops) or {})
    form = registration_data(client, photo=b"", csrf_token=token, **changed)
    form["photo"] = (io.BytesIO(data.draw(photos)), data.draw(st.sampled_from(["me.jpg", "", "x"])))
    before = rows()
    response = client.post(REGISTER_URL, data=form, content_type="multipart/form-data")
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 400:
        assert rows() == before
    else:
        assert rows()["delegates"] - before["delegates"] in (0, 1)  # 0: the bot trap
