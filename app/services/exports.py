"""Delegate lists out of Lanyard as CSV or XLSX, safe to open in a spreadsheet.

A cell that starts with = + - @ (or a tab or carriage return) would run as a
formula in Excel or LibreOffice; in CSV such cells get a leading apostrophe,
in XLSX they are stored as text with Excel's quote prefix. The import strips
that apostrophe again, so an export can be edited and imported back.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from openpyxl import Workbook
from sqlalchemy import select

from ..database import hold_write_lock
from ..extensions import db
from ..models import Delegate, Delegation, Event
from .audit import Actor, record
from .countries import country_name
from .progress import progress_of

FORMATS = ("csv", "xlsx")
# Characters that make a spreadsheet treat a cell as a formula (with the
# full-width forms some locales accept too).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")

COLUMNS = ["given_name", "family_name", "native_name", "honorific", "position", "organisation",
           "country", "category", "email", "phone"]
PASSPORT_COLUMNS = ["passport_number"]
TRAILING_COLUMNS = ["zones", "printed_name", "reference", "status", "delegation"]
# A delegation's own list also says where each badge is.
DELEGATION_COLUMNS = ["badge", "collected_by"]


def escape_formula(value: str) -> str:
    """The CSV form of a cell: a leading apostrophe if it could start a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


def export_table(delegates: Iterable[Delegate], *, include_passport: bool = False,
                 for_delegation: bool = False) -> tuple[list[str], list[list[str]]]:
    """Header and rows, as plain strings, columns as the import reads them.

    `for_delegation`: the status as applicants read it, never which office holds it up.
    """
    header = COLUMNS + (PASSPORT_COLUMNS if include_passport else []) + TRAILING_COLUMNS
    delegates, badges = list(delegates), {}
    if for_delegation:
        header += DELEGATION_COLUMNS
        badges = {row.person.id: row for row in progress_of(delegates)}
    rows = []
    for d in delegates:
        values = {
            "given_name": d.given_name, "family_name": d.family_name, "native_name": d.native_name,
            "honorific": d.honorific, "position": d.position, "organisation": d.organisation,
            "country": d.country, "category": d.category.code, "email": d.email, "phone": d.phone,
            "passport_number": d.passport_number, "zones": " ".join(z.code for z in d.zones),
            "printed_name": d.printed_name, "reference": d.reference,
            "status": d.status.applicant_title if for_delegation else d.status.value,
            "delegation": country_name(d.country),
        }
        if for_delegation:
            values["badge"] = badges[d.id].badge.title
            values["collected_by"] = badges[d.id].collected_by
        rows.append([values[name] or "" for name in header])
    return header, rows


def to_csv(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([escape_formula(value) for value in row])
    # With a BOM, Excel reads the file as UTF-8 (Thai, Khmer, Vietnamese names intact).
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(header: list[str], rows: list[list[str]], title: str = "Delegates") -> bytes:
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(header)
    for row in rows:
        sheet.append([None] * len(row))
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=sheet.max_row, column=column)
            cell.value = value
            cell.data_type = "s"  # never a formula, whatever the text starts with
            if value.startswith(FORMULA_START):
                cell.quotePrefix = True
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def export_delegates(event: Event, fmt: str, actor: Actor, *, delegation: Delegation | None = None,
                     include_passport: bool = False) -> bytes:
    """The event's (or one delegation's) delegates as a file; the export is audited."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown export format {fmt!r}; use csv or xlsx.")
    hold_write_lock()  # a download (GET) that writes its audit record: current data, no clash
    query = select(Delegate).where(Delegate.event_id == event.id)
    if delegation is not None:
        query = query.where(Delegate.delegation_id == delegation.id)
    delegates = db.session.scalars(
        query.order_by(Delegate.country, Delegate.family_name, Delegate.given_name)).all()
    header, rows = export_table(delegates, include_passport=include_passport,
                                for_delegation=delegation is not None)
    data = to_csv(header, rows) if fmt == "csv" else to_xlsx(header, rows)
    record(actor, "delegates.exported", delegation or event, after={
        "format": fmt, "count": len(rows), "passport_numbers": include_passport})
    db.session.commit()
    return data
