"""Delegate lists in and out: all rows checked first, nothing half-written, safe exports."""
from __future__ import annotations

import csv
import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Delegate, DelegateStatus
from app.services.audit import Actor
from app.services.errors import ServiceError
from app.services.exports import export_delegates
from app.services.imports import DirectoryPhotos, NoPhotos, import_delegates
from app.services.photos import photo_dir
from app.services.registration import document_valid_until
from registration_support import image_bytes
from support import csrf_token

SAMPLE = Path(__file__).resolve().parents[2] / "app" / "demo_delegates.csv"  # the sample list as shipped
HEADER = ["given_name", "family_name", "native_name", "honorific", "position", "organisation",
          "country", "category", "email", "phone"]


def row(**values):
    base = dict(given_name="Dewi", family_name="Lestari", native_name="", honorific="Colonel",
                position="Analyst", organisation="BAIS TNI", country="ID", category="D",
                email="dewi@example.id", phone="+62 813 1111 2222")
    base.update(values)
    return base


def csv_bytes(rows, header=None, bom=True) -> bytes:
    header = header or list(rows[0])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def run(event, name, data, photos=None, **options):
    return import_delegates(event, name, data, photos or NoPhotos(), Actor.cli("test"), **options)


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Delegate))


@pytest.mark.parametrize("bom", [True, False])
def test_a_valid_csv_is_imported_with_or_without_bom(event, bom):
    rows = [row(zones=""), row(given_name="Budi", family_name="Santoso", email="budi@example.id",
                               native_name="", zones="1 2")]
    report = run(event, "list.csv", csv_bytes(rows, bom=bom))
    assert report.ok and report.written and count() == 2
    budi = db.session.scalar(select(Delegate).where(Delegate.given_name == "Budi"))
    assert [z.code for z in budi.zones] == ["1", "2"]
    assert budi.phone == "+6281311112222" and budi.status is DelegateStatus.SUBMITTED
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "delegates.imported"))


def test_an_impossible_phone_number_is_reported_by_row_and_field_and_nothing_is_written(event):
    broken = SAMPLE.read_text(encoding="utf-8").replace("+95 9 123 456 789", "+95 9 12")
    report = run(event, SAMPLE.name, broken.encode("utf-8"))
    assert [str(e) for e in report.errors] == [
        "Row 10, phone: This is not a valid phone number for its country."]
    assert count() == 0 and not report.written


def test_every_bad_row_is_reported_and_nothing_is_written(event, tmp_path):
    rows = [row(),
            row(given_name="", email="no-at-sign", country="Malaysia"),
            row(category="Q", zones="1 9", passport_number="??", photo="missing.jpg"),
            row(given_name="Budi2", date_of_birth="31/12/1980", email="b@example.id")]
    report = run(event, "list.csv", csv_bytes(rows, header=list(rows[0]) + [
        "zones", "passport_number", "photo", "date_of_birth"]), DirectoryPhotos(tmp_path))
    messages = [str(e) for e in report.errors]
    assert messages[:3] == ["Row 3, given_name: required",
                            "Row 3, country: 'Malaysia' is not an ISO country code such as MY or TH",
                            "Row 3, email: An email address must have an @-sign."]
    assert any(m.startswith("Row 4, category: no category 'Q'") for m in messages)
    assert any(m.startswith("Row 4, zones: no zone 9") for m in messages)
    assert any(m.startswith("Row 4, passport_number:") for m in messages)
    assert "Row 4, photo: No file 'missing.jpg' beside the list." in messages
    assert "Row 5, given_name: “2” cannot be part of a name." in messages
    assert "Row 5, date_of_birth: '31/12/1980' is not a date (use YYYY-MM-DD)" in messages
    assert count() == 0
    assert not photo_dir().exists() or not any(photo_dir().iterdir())


def test_missing_and_unknown_columns_are_reported_on_row_one(event):
    data = "given_name,family_name,shoe_size\nDewi,Lestari,38\n".encode()
    messages = [str(e) for e in run(event, "list.csv", data).errors]
    assert messages == ["Row 1: missing column(s): organisation, country, category, email",
                        "Row 1: unknown column(s): shoe_size"]


def test_a_csv_that_is_not_utf8_is_refused_with_advice(event):
    with pytest.raises(ServiceError, match="not UTF-8"):
        run(event, "list.csv", "given_name\nJosé\n".encode("latin-1"))


def test_xlsx_with_numbers_and_dates_in_cells_is_imported(event):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER + ["arrival_on", "passport_number"])
    from datetime import datetime
    sheet.append(["Priya", "Ramasamy", "", "Major", "Analyst", "Singapore Armed Forces", "SG", "D",
                  "priya.r@example.sg", 6598765432, datetime(2030, 5, 10), "K1234567A"])
    out = io.BytesIO()
    workbook.save(out)
    report = run(event, "list.xlsx", out.getvalue())
    assert report.ok, report.errors
    priya = db.session.scalar(select(Delegate))
    assert priya.phone == "+6598765432" and str(priya.arrival_on) == "2030-05-10"
    assert priya.passport_number == "K1234567A"


def test_photos_beside_the_list_are_imported_and_paths_may_not_leave_its_folder(event, tmp_path):
    folder = tmp_path / "list"
    (folder / "photos").mkdir(parents=True)
    (folder / "photos" / "dewi.png").write_bytes(image_bytes((800, 1000), fmt="PNG"))
    (tmp_path / "secret.jpg").write_bytes(image_bytes((800, 1000)))
    outside = run(event, "list.csv", csv_bytes([row(photo="../secret.jpg")]), DirectoryPhotos(folder))
    assert [str(e) for e in outside.errors] == [
        "Row 2, photo: The photo must be in the list's folder or below it."]
    report = run(event, "list.csv", csv_bytes([row(photo="photos/dewi.png")]), DirectoryPhotos(folder))
    assert report.written
    assert (photo_dir() / db.session.scalar(select(Delegate)).photo_file).exists()


VETTED = dict(date_of_birth="1981-02-03", nationality="ID", passport_number="B1234567",
              passport_expiry="2032-01-31")


def test_approve_passes_the_accreditation_stage_only_without_mailing_anyone(event, app, tmp_path):
    (tmp_path / "dewi.jpg").write_bytes(image_bytes((800, 1000)))
    press = row(given_name="Rina", email="rina@example.id", category="P", photo="dewi.jpg",
                passport_number="B7654321", **{k: v for k, v in VETTED.items() if k != "passport_number"})
    report = run(event, "list.csv", csv_bytes([row(photo="dewi.jpg", **VETTED), press]),
                 DirectoryPhotos(tmp_path), approve=True)
    assert report.written
    statuses = {d.category.code: d.status for d in db.session.scalars(select(Delegate))}
    # Delegates still need the security office; the press needs no clearance.
    assert statuses == {"D": DelegateStatus.APPROVED_AWAITING_CLEARANCE, "P": DelegateStatus.READY}
    assert not Path(app.config["LANYARD_OUTBOX_DIR"]).exists() or \
        not any(Path(app.config["LANYARD_OUTBOX_DIR"]).iterdir())


def test_approve_passes_nobody_whose_vetted_data_is_missing(event):
    report = run(event, "list.csv", csv_bytes([row(date_of_birth="", nationality="ID")]), approve=True)
    assert not report.written and count() == 0
    assert {str(e) for e in report.errors} >= {
        "Row 2, date_of_birth: the date of birth is needed to approve.",
        "Row 2, photo: the photo is needed to approve."}


def test_duplicates_are_imported_but_noted(event):
    run(event, "list.csv", csv_bytes([row()]))
    report = run(event, "list.csv", csv_bytes([row(given_name="Dewi S."), row(given_name="D.")]),
                 dry_run=True)
    assert report.ok and count() == 1
    assert report.warnings[0].startswith("Row 2: same email as LY-")
    assert report.warnings[1].startswith("Row 3: same email as LY-")


def test_a_dry_run_writes_nothing(event):
    report = run(event, "list.csv", csv_bytes([row()]), dry_run=True)
    assert report.ok and not report.written and count() == 0


def test_delegation_caps_apply_to_imports(event):
    from app.models import Delegation
    indonesia = db.session.scalar(select(Delegation).where(Delegation.country == "ID"))
    indonesia.max_members = 1
    db.session.commit()
    report = run(event, "list.csv", csv_bytes([row(), row(email="x@example.id")]))
    assert [str(e) for e in report.errors] == [
        "Row 3, country: the Indonesia delegation would have more than its 1 members"]
    assert count() == 0


def test_exports_escape_formulas_in_csv_and_store_text_in_xlsx(event):
    evil = "=HYPERLINK(\"http://evil.example\",\"x\")"
    run(event, "list.csv", csv_bytes([row(organisation=evil, position="@SUM(A1)",
                                          native_name="", passport_number="A1234567")],
                                     header=HEADER + ["passport_number"]))
    data = export_delegates(event, "csv", Actor.cli("test"))
    [exported] = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert exported["organisation"] == "'" + evil
    assert exported["position"] == "'@SUM(A1)"
    assert exported["phone"] == "'+6281311112222"
    assert "passport_number" not in exported

    xlsx = load_workbook(io.BytesIO(export_delegates(event, "xlsx", Actor.cli("test"),
                                                     include_passport=True)))
    sheet = xlsx.active
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("organisation") + 1)
    assert cell.value == evil and cell.data_type == "s" and cell.quotePrefix
    assert sheet.cell(row=2, column=header.index("passport_number") + 1).value == "A1234567"


def test_an_export_imports_back_into_another_event_unchanged(event, tmp_path):
    run(event, "list.csv", csv_bytes([row(organisation="-Unit 7-", native_name="ลิซ่า")]))
    data = export_delegates(event, "csv", Actor.cli("test"))
    from app.models import Event
    copy = Event(slug="copy", name="Copy", starts_on=event.starts_on, ends_on=event.ends_on)
    copy.categories = [type(c)(code=c.code, name=c.name, colour=c.colour) for c in event.categories]
    copy.zones = [type(z)(code=z.code, name=z.name) for z in event.zones]
    db.session.add(copy)
    db.session.commit()
    report = run(copy, "export.csv", data)
    assert report.written, report.errors
    imported = db.session.scalar(select(Delegate).where(Delegate.event_id == copy.id))
    assert imported.organisation == "-Unit 7-" and imported.native_name == "ลิซ่า"
    assert imported.phone == "+6281311112222"


def test_cli_import_dry_run_then_approve_then_export(app, event, tmp_path):
    fixed = tmp_path / "delegates.csv"
    fixed.write_text(SAMPLE.read_text(encoding="utf-8").replace("+95 9 123 456 789", "+95 9 12"),
                     encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["delegates", "import", str(fixed), "--event", "amim22", "--dry-run"])
    assert result.exit_code == 1
    assert "Row 10, phone: This is not a valid phone number for its country." in result.output
    shutil.copy(SAMPLE, fixed)  # the sample list as the host sent it
    result = runner.invoke(args=["delegates", "import", str(fixed), "--event", "amim22", "--dry-run"])
    assert result.exit_code == 0 and "23 rows are valid; nothing was written" in result.output
    assert count() == 0
    # The sample list has no documents or photos: nobody can be approved from it.
    result = runner.invoke(args=["delegates", "import", str(fixed), "--event", "amim22", "--approve"])
    assert result.exit_code == 1 and "Row 2, date_of_birth: the date of birth is needed to approve." \
        in result.output
    assert count() == 0
    result = runner.invoke(args=["delegates", "import", str(fixed), "--event", "amim22"])
    assert result.exit_code == 0
    assert set(db.session.scalars(select(Delegate.status))) == {DelegateStatus.SUBMITTED}
    out = tmp_path / "out.xlsx"
    result = runner.invoke(args=["delegates", "export", "--event", "amim22", "--out", str(out)])
    assert result.exit_code == 0
    assert load_workbook(out).active.max_row == 24


def test_admin_imports_a_zip_with_photos_and_sees_the_report(client, event, login):
    login("admin")
    url = "/admin/events/amim22/delegates"
    bundle = io.BytesIO()
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("amim/list.csv", csv_bytes([row(photo="img/dewi.jpg"),
                                                     row(email="bad", given_name="Budi")]))
        archive.writestr("amim/img/dewi.jpg", image_bytes((800, 1000)))
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "approve": "y",
                                      "file": (io.BytesIO(bundle.getvalue()), "list.zip")},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The list was not imported" in page and "Row 3, email:" in page
    assert count() == 0
    bundle = io.BytesIO()
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("amim/list.csv", csv_bytes([row(photo="img/dewi.jpg", **VETTED)]))
        archive.writestr("amim/img/dewi.jpg", image_bytes((800, 1000)))
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "approve": "y",
                                      "file": (io.BytesIO(bundle.getvalue()), "list.zip")},
                           content_type="multipart/form-data")
    assert response.status_code == 200 and "1 delegates created" in response.get_data(as_text=True)
    person = db.session.scalar(select(Delegate))
    assert person.photo_file and person.status is DelegateStatus.APPROVED_AWAITING_CLEARANCE
    response = client.post(url + "/export", data={"csrf_token": csrf_token(client, url),
                                                  "format": "csv"})
    assert response.status_code == 200 and b"Dewi" in response.data


def test_only_administrators_import_and_export(client, event, login):
    login("accreditation")
    assert client.get("/admin/events/amim22/delegates").status_code == 403


def test_an_xlsx_with_an_xml_entity_bomb_is_refused(event):
    workbook = Workbook()
    workbook.active.append(HEADER)
    plain = io.BytesIO()
    workbook.save(plain)
    bomb = io.BytesIO()
    laughs = ('<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
              + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
              + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&i;</t></is></c></row>'
              '</sheetData></worksheet>')
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(bomb, "w") as target:
        for item in source.infolist():
            data = laughs.encode() if item.filename == "xl/worksheets/sheet1.xml" \
                else source.read(item)
            target.writestr(item, data)
    with pytest.raises(ServiceError, match="cannot be read"):
        run(event, "list.xlsx", bomb.getvalue())
    with pytest.raises(ServiceError, match="cannot be read"):
        run(event, "list.xlsx", b"PK\x03\x04 not really a workbook")


def _xlsx_with_dimension(rows, dimension: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(rows[0]))
    for values in rows:
        sheet.append(list(values.values()))
    out = io.BytesIO()
    book.save(out)
    patched = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as src, zipfile.ZipFile(patched, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]+"', f'<dimension ref="{dimension}"'.encode(), data)
            dst.writestr(item, data)
    return patched.getvalue()


def test_an_xlsx_declaring_a_huge_sheet_is_read_by_its_real_cells(event):
    data = _xlsx_with_dimension([row()], "A1:XFD1048576")
    report = run(event, "list.xlsx", data)
    assert report.ok and count() == 1


def test_a_csv_with_an_oversized_field_is_refused_with_a_message(event):
    data = csv_bytes([row(position="x" * 200_000)])
    with pytest.raises(ServiceError, match="The CSV file cannot be read"):
        run(event, "list.csv", data)
    assert count() == 0


def _zip(entries: dict[str, bytes], compression=zipfile.ZIP_STORED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def _mark_encrypted(data: bytes, member: str) -> bytes:
    """Set the 'encrypted' flag of one member, as a password-protected archive has it."""
    data = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo(member)
    local = info.header_offset
    data[local + 6] |= 0x01
    central = data.find(b"PK\x01\x02", 0)
    while central != -1:
        name_len = int.from_bytes(data[central + 28:central + 30], "little")
        if data[central + 46:central + 46 + name_len] == member.encode():
            data[central + 8] |= 0x01
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


def test_a_password_protected_photo_in_a_zip_is_a_row_error_not_a_crash(event):
    from app.services.imports import open_upload
    bundle = _mark_encrypted(_zip({"list.csv": csv_bytes([row(photo="dewi.jpg")]),
                                   "dewi.jpg": image_bytes((800, 1000))}), "dewi.jpg")
    name, data, photos = open_upload("list.zip", bundle)
    report = run(event, name, data, photos)
    assert [str(e) for e in report.errors] == [
        "Row 2, photo: dewi.jpg in the ZIP file is password-protected."]
    assert count() == 0


def test_a_damaged_list_inside_a_zip_is_refused_with_a_message(event):
    from app.services.imports import open_upload
    bundle = bytearray(_zip({"list.csv": csv_bytes([row()] * 50)}, zipfile.ZIP_DEFLATED))
    bundle[60] ^= 0xFF  # inside the compressed list
    with pytest.raises(ServiceError, match="damaged"):
        open_upload("list.zip", bytes(bundle))


def test_the_admin_imports_a_zip_larger_than_a_photo_upload(client, event, login):
    login("admin")
    url = "/admin/events/amim22/delegates"
    photo = image_bytes((800, 1000))
    filler = bytes(16 * 1024 * 1024)  # a big archive: the limit for photos must not apply
    bundle = _zip({"list.csv": csv_bytes([row(photo="dewi.jpg")]), "dewi.jpg": photo,
                   "scans/archive.bin": filler})
    response = client.post(url, data={"csrf_token": csrf_token(client, url),
                                      "file": (io.BytesIO(bundle), "list.zip")},
                           content_type="multipart/form-data")
    assert response.status_code == 200, response.status_code
    assert count() == 1


def test_anonymous_visitors_cannot_send_large_bodies_to_the_import_page(client, event):
    response = client.post("/admin/events/amim22/delegates", data=bytes(13 * 1024 * 1024),
                           content_type="application/octet-stream")
    assert response.status_code == 413


def test_imports_follow_the_date_rules_of_the_registration_form(event):
    rows = [row(date_of_birth="2090-01-01", passport_expiry="2001-01-01"),
            row(email="b@example.id", arrival_on="2026-12-05", departure_on="2026-12-01")]
    report = run(event, "list.csv", csv_bytes(rows, header=list(rows[0]) + ["arrival_on", "departure_on"]))
    assert [str(e) for e in report.errors] == [
        "Row 2, date_of_birth: Enter a date of birth in the past.",
        f"Row 2, passport_expiry: The document must be valid until at least "
        f"{document_valid_until(event):%d %B %Y} (6 months after the meeting).",
        "Row 3, departure_on: Departure cannot be before arrival."]
    assert count() == 0


def test_full_width_formula_signs_survive_an_export_and_import_round_trip(event, tmp_path):
    report = run(event, "list.csv", csv_bytes([row(position="\uff1dSUM(A1)")]))
    assert report.ok
    exported = export_delegates(event, "csv", Actor.cli("test"))
    assert "'\uff1dSUM(A1)" in exported.decode("utf-8-sig")  # escaped in the file
    again = run(event, "again.csv", exported)
    assert again.ok, [str(e) for e in again.errors]
    assert list(db.session.scalars(select(Delegate.position))) == ["\uff1dSUM(A1)"] * 2


def test_imports_follow_the_length_rules_of_the_registration_form(event):
    report = run(event, "list.csv", csv_bytes([row(printed_name="x" * 61)], header=list(row()) + ["printed_name"]))
    assert [str(e) for e in report.errors] == ["Row 2, printed_name: Use at most 60 characters."]
    assert count() == 0


def test_a_photo_named_in_many_rows_is_read_and_checked_once(event, monkeypatch):
    from app.services import imports
    from app.services.imports import open_upload
    checked, read = [], []
    normalise, read_member = imports.normalise_photo, imports._read_zip_member
    monkeypatch.setattr(imports, "normalise_photo", lambda data: checked.append(1) or normalise(data))
    monkeypatch.setattr(imports, "_read_zip_member",
                        lambda archive, info, error: read.append(info.filename)
                        or read_member(archive, info, error))
    rows = [row(email=f"p{i}@example.id", photo="img/same.jpg" if i % 2 else "./img/../img/same.jpg")
            for i in range(40)]
    name, data, photos = open_upload("list.zip", _zip({"list.csv": csv_bytes(rows),
                                                       "img/same.jpg": image_bytes((800, 1000))}))
    report = run(event, name, data, photos)
    assert report.written and count() == 40
    assert len(checked) == 1 and read == ["list.csv", "img/same.jpg"]
    people = db.session.scalars(select(Delegate)).all()
    assert all((photo_dir() / person.photo_file).exists() for person in people)


def test_a_bad_photo_named_in_many_rows_is_reported_on_each_row(event, tmp_path):
    (tmp_path / "bad.jpg").write_bytes(b"not a picture")
    rows = [row(email=f"p{i}@example.id", photo="bad.jpg") for i in range(3)]
    report = run(event, "list.csv", csv_bytes(rows), DirectoryPhotos(tmp_path))
    assert [str(e) for e in report.errors] == [
        f"Row {n}, photo: The file is not a readable image, or it is damaged." for n in (2, 3, 4)]
