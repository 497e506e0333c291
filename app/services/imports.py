"""Delegate lists into Lanyard from CSV (UTF-8, with or without BOM) or XLSX.

Every row is checked first; the report names the row and field of each
problem, and nothing is written unless every row is valid. Photos are image
files named in a `photo` column, relative to the list (beside it on disk, or
inside the same ZIP file when uploaded through the admin pages).
"""
from __future__ import annotations

import csv
import io
import itertools
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, select

from ..extensions import db
from ..models import Delegate, DelegateStatus, Event, SubmittedBy
from .audit import Actor, record
from .countries import is_country_code
from .errors import ServiceError
from .exports import FORMULA_START
from .people import check_name, clean_text, normalise_document_number, normalise_email, normalise_phone
from .photos import MAX_BYTES, PhotoError, delete_photo, normalise_photo
from .registration import Application, application_problems, register_delegate
from .vetting import VETTED_FIELDS, approve_delegate

REQUIRED = ["given_name", "family_name", "organisation", "country", "category", "email"]
OPTIONAL = ["native_name", "honorific", "position", "phone", "passport_number", "zones", "photo",
            "printed_name", "nationality", "date_of_birth", "passport_expiry", "arrival_on",
            "departure_on", "dietary_needs", "access_needs"]
# Columns an export adds; read back without effect, so an export can be imported again.
IGNORED = ["reference", "status", "delegation", "badge", "collected_by"]
MAX_TABLE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 5000


@dataclass(frozen=True)
class RowError:
    row: int  # as a spreadsheet numbers it: the header is row 1
    field: str
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}, {self.field}: {self.message}" if self.field \
            else f"Row {self.row}: {self.message}"


@dataclass
class ImportRow:
    row: int
    application: Application
    photo_jpeg: bytes | None = None


@dataclass
class ImportReport:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    created: list[Delegate] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


class PhotoSource:
    """Where the images named in the `photo` column come from.

    A file named in many rows (one picture for a whole list, say) is read and checked once.
    """

    def __init__(self):
        self._checked: dict[str, bytes | str] = {}

    def photo(self, relative: str) -> bytes:
        """The photo named `relative`, normalised; ValueError saying why it cannot be used."""
        location = self.locate(relative)
        if location not in self._checked:
            try:
                self._checked[location] = normalise_photo(self.read(location))
            except (ValueError, PhotoError) as exc:
                self._checked[location] = str(exc)
        outcome = self._checked[location]
        if isinstance(outcome, str):
            raise ValueError(outcome)
        return outcome

    def locate(self, relative: str) -> str:  # pragma: no cover - interface
        """The one name of the file `relative` names; ValueError if it is missing or not allowed."""
        raise NotImplementedError

    def read(self, location: str) -> bytes:  # pragma: no cover - interface
        raise NotImplementedError


class DirectoryPhotos(PhotoSource):
    """Photos beside a list on disk; names may not leave that folder."""

    def __init__(self, base: Path):
        super().__init__()
        self.base = base.resolve()

    def locate(self, relative: str) -> str:
        path = (self.base / relative).resolve()
        if not path.is_relative_to(self.base):
            raise ValueError("The photo must be in the list's folder or below it.")
        if not path.is_file():
            raise ValueError(f"No file {relative!r} beside the list.")
        if path.stat().st_size > MAX_BYTES:
            raise ValueError("The photo is larger than 10 MB.")
        return str(path)

    def read(self, location: str) -> bytes:
        return Path(location).read_bytes()


class ZipPhotos(PhotoSource):
    """Photos inside the uploaded ZIP, relative to the list's folder in it."""

    def __init__(self, archive: zipfile.ZipFile, base: str):
        super().__init__()
        self.archive, self.base = archive, base

    def locate(self, relative: str) -> str:
        name = posixpath.normpath(posixpath.join(self.base, relative.replace("\\", "/")))
        if name.startswith(("../", "/")) or name == "..":
            raise ValueError("The photo must be inside the ZIP file.")
        try:
            info = self.archive.getinfo(name)
        except KeyError:
            raise ValueError(f"No file {relative!r} in the ZIP file.") from None
        if info.file_size > MAX_BYTES:
            raise ValueError("The photo is larger than 10 MB.")
        return name

    def read(self, location: str) -> bytes:
        return _read_zip_member(self.archive, self.archive.getinfo(location), ValueError)


class NoPhotos(PhotoSource):
    def locate(self, relative: str) -> str:
        raise ValueError("Photos can only be imported from a file on disk or inside a ZIP file.")


def open_upload(filename: str, data: bytes) -> tuple[str, bytes, PhotoSource]:
    """(list file name, its bytes, photo source) for an uploaded .csv, .xlsx or .zip."""
    suffix = Path(filename or "").suffix.lower()
    if suffix in (".csv", ".xlsx"):
        return filename, data, NoPhotos()
    if suffix != ".zip":
        raise ServiceError("Upload a .csv or .xlsx list, or a .zip with the list and its photos.",
                           field="file")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        lists = [i for i in archive.infolist() if not i.is_dir()
                 and not i.filename.startswith("__MACOSX/")
                 and Path(i.filename).suffix.lower() in (".csv", ".xlsx")]
    except zipfile.BadZipFile:
        raise ServiceError("The ZIP file is damaged.", field="file") from None
    if len(lists) != 1:
        raise ServiceError("The ZIP file must hold exactly one .csv or .xlsx list "
                           f"(it holds {len(lists)}).", field="file")
    if lists[0].file_size > MAX_TABLE_BYTES:
        raise ServiceError("The list is larger than 20 MB.", field="file")
    listing = _read_zip_member(archive, lists[0], lambda message: ServiceError(message, field="file"))
    return lists[0].filename, listing, ZipPhotos(archive, posixpath.dirname(lists[0].filename))


def _read_zip_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, error) -> bytes:
    """A member's bytes, or `error(message)` for an encrypted, damaged or exotic entry."""
    try:
        return archive.read(info)
    except RuntimeError:  # zipfile's way of saying "encrypted"
        raise error(f"{info.filename} in the ZIP file is password-protected.") from None
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError, OSError):
        raise error(f"{info.filename} in the ZIP file is damaged or uses an unknown compression.") \
            from None


def read_table(filename: str, data: bytes) -> tuple[list[str], list[tuple[int, dict[str, object]]]]:
    """Header (lower case) and (row number, values) for each non-empty row."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".csv":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ServiceError(f"The CSV file is not UTF-8 (byte {exc.start} is not valid). "
                               "Save it as “CSV UTF-8”.", field="file") from None
        try:
            raw = list(itertools.islice(csv.reader(io.StringIO(text, newline="")), MAX_ROWS + 2))
        except csv.Error as exc:
            raise ServiceError(f"The CSV file cannot be read: {exc}.", field="file") from None
    elif suffix == ".xlsx":
        raw = _xlsx_rows(data)
    else:
        raise ServiceError("The list must be a .csv or .xlsx file.", field="file")
    if not raw:
        raise ServiceError("The list is empty.", field="file")
    header = [clean_text(str(h or "")).lower() for h in raw[0]]
    rows = []
    for number, values in enumerate(raw[1:], start=2):
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        rows.append((number, {name: values[i] if i < len(values) else None
                              for i, name in enumerate(header) if name}))
    if len(rows) > MAX_ROWS:
        raise ServiceError(f"The list has more than {MAX_ROWS} rows; import at most {MAX_ROWS} at a time.",
                           field="file")
    return header, rows


def _xlsx_rows(data: bytes) -> list[list[object]]:
    from openpyxl import load_workbook
    # With defusedxml installed, openpyxl refuses entity tricks (XML bombs) in the file.
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            # A sheet may declare a huge size (A1:XFD1048576) that read-only mode would
            # pad every row to: count the cells really there, and stop past the row limit.
            sheet.reset_dimensions()
            return [list(row) for row in itertools.islice(sheet.iter_rows(values_only=True),
                                                          MAX_ROWS + 2)]
        finally:
            workbook.close()
    except Exception:  # openpyxl raises many kinds for a damaged or hostile file
        raise ServiceError("The XLSX file cannot be read; is it an Excel workbook?",
                           field="file") from None


def validate(event: Event, header: list[str], rows: list[tuple[int, dict]],
             photos: PhotoSource) -> ImportReport:
    """Check every row; the report holds an application per valid row and every error."""
    report = ImportReport()
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c and c not in REQUIRED + OPTIONAL + IGNORED]
    if missing:
        report.errors.append(RowError(1, "", f"missing column(s): {', '.join(missing)}"))
    if unknown:
        report.errors.append(RowError(1, "", f"unknown column(s): {', '.join(unknown)}"))
    if missing or unknown:
        return report
    if not rows:
        report.errors.append(RowError(1, "", "the list has no rows"))
        return report
    categories = {c.code: c for c in event.categories}
    zones = {z.code for z in event.zones}
    for number, values in rows:
        parsed = _validate_row(number, values, categories, zones, photos, report.errors)
        if parsed is None:
            continue
        # The same date rules as the registration form.
        problems = application_problems(event, parsed.application)
        report.errors += [RowError(number, name, message) for name, message in problems]
        if not problems:
            report.rows.append(parsed)
    _check_caps(event, report)
    _note_duplicates(event, report)
    return report


def _validate_row(number, values, categories, zones, photos, errors) -> ImportRow | None:
    before = len(errors)

    def fail(name, message):
        errors.append(RowError(number, name, message))

    text = {name: _cell_text(values.get(name)) for name in REQUIRED + OPTIONAL}
    for name in ("given_name", "organisation", "country", "category", "email"):
        if not text[name]:
            fail(name, "required")
    for name in ("given_name", "family_name", "printed_name", "native_name", "honorific"):
        if text[name]:
            try:
                text[name] = check_name(text[name], extra="()/" if name == "honorific" else "")
            except ValueError as exc:
                fail(name, str(exc))
    country = text["country"].upper()
    if country and not is_country_code(country):
        fail("country", f"{text['country']!r} is not an ISO country code such as MY or TH")
    nationality = text["nationality"].upper()
    if nationality and not is_country_code(nationality):
        fail("nationality", f"{text['nationality']!r} is not an ISO country code")
    if text["category"] and text["category"] not in categories:
        fail("category", f"no category {text['category']!r}; this event has "
                         f"{', '.join(sorted(categories))}")
    email = phone = passport = ""
    if text["email"]:
        try:
            email = normalise_email(text["email"])
        except ValueError as exc:
            fail("email", str(exc))
    try:
        phone = normalise_phone(text["phone"], country if is_country_code(country) else "")
    except ValueError as exc:
        fail("phone", str(exc))
    try:
        passport = normalise_document_number(text["passport_number"])
    except ValueError as exc:
        fail("passport_number", str(exc))
    zone_codes = None
    if text["zones"]:
        zone_codes = [z for z in re.split(r"[\s,;]+", text["zones"]) if z]
        unknown = [z for z in zone_codes if z not in zones]
        if unknown:
            fail("zones", f"no zone {', '.join(unknown)}; this event has {', '.join(sorted(zones))}")
    dates = {}
    for name in ("date_of_birth", "passport_expiry", "arrival_on", "departure_on"):
        try:
            dates[name] = _cell_date(values.get(name))
        except ValueError:
            fail(name, f"{text[name]!r} is not a date (use YYYY-MM-DD)")
    photo_jpeg = None
    if text["photo"]:
        try:
            photo_jpeg = photos.photo(text["photo"])
        except ValueError as exc:
            fail("photo", str(exc))
    if len(errors) > before:
        return None
    return ImportRow(number, Application(
        given_name=text["given_name"], family_name=text["family_name"], country=country,
        category_code=text["category"], email=email, honorific=text["honorific"],
        printed_name=text["printed_name"], native_name=text["native_name"],
        position=text["position"], organisation=text["organisation"], phone=phone,
        nationality=nationality, passport_number=passport,
        dietary_needs=text["dietary_needs"], access_needs=text["access_needs"],
        zone_codes=zone_codes, **dates), photo_jpeg)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number typed into a spreadsheet as a number
    if isinstance(value, datetime):
        value = value.date()
    text = clean_text(str(value))
    # Undo the export's protection against formulas (see exports.escape_formula).
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        text = text[1:]
    return text


def _cell_date(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _cell_text(value)
    return date.fromisoformat(text) if text else None


def _check_caps(event: Event, report: ImportReport) -> None:
    caps = {d.country: d for d in event.delegations if d.max_members is not None}
    if not caps:
        return
    counts = dict(db.session.execute(
        select(Delegate.delegation_id, func.count()).where(
            Delegate.event_id == event.id, Delegate.status != DelegateStatus.REJECTED)
        .group_by(Delegate.delegation_id)).all())
    for item in report.rows:
        delegation = caps.get(item.application.country)
        if delegation is None:
            continue
        counts[delegation.id] = counts.get(delegation.id, 0) + 1
        if counts[delegation.id] > delegation.max_members:
            report.errors.append(RowError(item.row, "country", (
                f"the {delegation.name} delegation would have more than its "
                f"{delegation.max_members} members")))


def _note_duplicates(event: Event, report: ImportReport) -> None:
    """Same e-mail or passport twice: imported, but flagged for staff to look at."""
    seen: dict[tuple[str, str], str] = {}
    existing = db.session.execute(select(
        Delegate.reference, func.lower(Delegate.email), Delegate.passport_number)
        .where(Delegate.event_id == event.id)).all()
    for reference, email, passport in existing:
        seen.setdefault(("email", email), reference)
        if passport:
            seen.setdefault(("passport number", passport), reference)
    for item in report.rows:
        keys = [("email", item.application.email.lower())]
        if item.application.passport_number:
            keys.append(("passport number", item.application.passport_number))
        for key in keys:
            if key in seen:
                report.warnings.append(f"Row {item.row}: same {key[0]} as {seen[key]}; "
                                       "it will be flagged as a possible duplicate.")
            else:
                seen[key] = f"row {item.row}"


def _check_approvable(report: ImportReport) -> None:
    """--approve passes nobody the offices could not vet: every vetted field must be there."""
    for item in report.rows:
        app = item.application
        present = {"date_of_birth": app.date_of_birth, "nationality": app.nationality,
                   "passport_number": app.passport_number, "passport_expiry": app.passport_expiry,
                   "photo_file": item.photo_jpeg}
        for name, label in VETTED_FIELDS.items():
            if not present[name]:
                column = "photo" if name == "photo_file" else name
                report.errors.append(RowError(item.row, column, f"the {label} is needed to approve."))


def import_delegates(event: Event, filename: str, data: bytes, photos: PhotoSource, actor: Actor,
                     *, dry_run: bool = False, approve: bool = False) -> ImportReport:
    """Validate a list and, unless `dry_run` or any row is invalid, create every delegate.

    All rows go in one transaction: a failure part-way leaves the event as it was.
    """
    header, rows = read_table(filename, data)
    report = validate(event, header, rows, photos)
    if approve:
        _check_approvable(report)
    if not report.ok or dry_run:
        return report
    stored: list[str] = []
    try:
        for item in report.rows:
            delegate = register_delegate(event, item.application, item.photo_jpeg, actor,
                                         commit=False, submitted_by=SubmittedBy.STAFF)
            if delegate.photo_file:
                stored.append(delegate.photo_file)
            if approve:
                # Possible duplicates are listed in the report the admin confirmed by importing.
                approve_delegate(delegate, actor, seen_revision=delegate.revision, commit=False,
                                 notify=False, duplicate_confirmed=True)
            report.created.append(delegate)
        record(actor, "delegates.imported", event, after={
            "file": Path(filename).name, "count": len(report.created), "approved": approve})
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        for name in stored:
            delete_photo(name)
        report.created.clear()
        report.errors.append(RowError(item.row, exc.field or "", exc.message))
        return report
    except BaseException:
        db.session.rollback()
        for name in stored:
            delete_photo(name)
        raise
    report.written = True
    return report
