"""Whatever a delegate list holds, the import reports on it or refuses it with a message
(never another error), and a list not imported leaves the database as it was."""
from __future__ import annotations

import csv
import io
from datetime import datetime

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Delegate
from app.services.audit import Actor
from app.services.errors import ServiceError
from app.services.imports import IGNORED, OPTIONAL, REQUIRED, NoPhotos, import_delegates
from strategies import REQUEST_PROPERTY, any_float, any_integer, form_text, iso_times

GOOD = {"given_name": "Dewi", "family_name": "Lestari", "organisation": "BAIS TNI", "country": "ID",
        "category": "D", "email": "dewi@example.id", "phone": "+62 813 1111 2222", "zones": "1 2",
        "date_of_birth": "1980-01-31", "passport_expiry": "2031-06-30", "nationality": "ID",
        "passport_number": "A1234567"}
columns = st.lists(st.sampled_from(OPTIONAL + IGNORED), max_size=8) | st.lists(form_text, max_size=2)
noise = form_text | iso_times | any_integer.map(str)


def table(draw, noise) -> list[list]:
    """A header and a few rows, each cell as a host fills it in or, now and then, anything."""
    header = REQUIRED + draw(columns)
    rows = []
    for _ in range(draw(st.integers(0, 3))):
        spoilt = draw(st.sets(st.sampled_from(header), max_size=2))
        rows.append([draw(noise) if column in spoilt else GOOD.get(column, "") for column in header])
    return [header] + rows


def rows() -> dict[str, int]:
    return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Delegate, AuditEvent)}


def imported(event, name: str, data: bytes, dry_run: bool) -> None:
    """Import, and check that a list not written left nothing behind."""
    before = rows()
    try:
        report = import_delegates(event, name, data, NoPhotos(), Actor.cli("test"), dry_run=dry_run)
    except ServiceError as exc:
        db.session.rollback()
        assert exc.message and rows() == before
        return
    if report.written:
        assert rows()["delegates"] == before["delegates"] + len(report.created)
    else:
        assert report.errors or dry_run
        assert rows() == before


@REQUEST_PROPERTY
@given(data=st.data())
def test_any_csv_list_is_reported_on_or_refused_and_nothing_is_half_written(event, data):
    out = io.StringIO()
    csv.writer(out).writerows(table(data.draw, noise))
    body = out.getvalue().encode("utf-8")
    body = data.draw(st.sampled_from([body, b"\xef\xbb\xbf" + body, body[:len(body) // 2]])
                     | st.binary(max_size=200))
    imported(event, "list.csv", body, data.draw(st.booleans()))


@REQUEST_PROPERTY
@given(data=st.data())
def test_any_xlsx_list_is_reported_on_or_refused_and_nothing_is_half_written(event, data):
    values = (noise | st.integers(-(2**53), 2**53) | any_float
              | st.datetimes(min_value=datetime(1900, 3, 1)) | st.booleans() | st.none())
    book = Workbook()
    sheet = book.active
    for row in table(data.draw, values):
        # openpyxl refuses control characters in cells; a spreadsheet program does too.
        sheet.append([v.translate({c: None for c in range(32)}) if isinstance(v, str) else v
                      for v in row])
    out = io.BytesIO()
    book.save(out)
    imported(event, "list.xlsx", out.getvalue(), data.draw(st.booleans()))
