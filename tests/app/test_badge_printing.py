"""Badges from the app: design per category, event logo, previews, the desk's printing."""
from __future__ import annotations

import io
import re

import pypdfium2
import pytest
from PIL import Image
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Badge, Category
from app.services.audit import Actor
from app.services.branding import event_logo
from support import csrf_token, hidden_fields, make_person, page_sizes, pdf_text, qr_codes_in_pdf

ACTOR = Actor.cli("test")
A6 = (105 / 25.4 * 72, 148 / 25.4 * 72)
A4 = (595.28, 841.89)


def approved(event, photo_jpeg, *, name="Aung", family="Kyaw Min", country="MM", category="D",
             printed="", email=None):
    return make_person(event, photo=photo_jpeg, stage="approved", given_name=name,
                       family_name=family, printed_name=printed, country=country,
                       category_code=category, organisation="Office of the Commander-in-Chief",
                       **({"email": email} if email else {}))


def image_count(pdf: bytes) -> int:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return sum(1 for obj in document[0].get_objects(max_depth=3)
                   if obj.type == pypdfium2.raw.FPDF_PAGEOBJ_IMAGE)
    finally:
        document.close()


def print_badge(client, person, **extra):
    """Press a Print button on the person's page, as the desk does."""
    action = f"/desk/people/{person.id}/print"
    return client.post(action, data={**hidden_fields(client, f"/desk/people/{person.id}", action),
                                     **extra})


def logo_png() -> bytes:
    image = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    image.paste((20, 60, 140, 255), (50, 50, 350, 350))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_admin_uploads_a_logo_and_it_prints_on_the_badge(client, event, login, staff, photo_jpeg):
    person = approved(event, photo_jpeg)
    login("admin")
    page = f"/admin/events/{event.id}/badges"
    response = client.post(page, data={"logo-csrf_token": csrf_token(client, page),
                                       "logo-logo": (io.BytesIO(logo_png()), "logo.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    pdf = print_badge(client, person).data
    assert image_count(pdf) == 2  # the photo and the logo


def test_a_file_that_is_not_an_image_is_refused_as_logo(client, event, login):
    login("admin")
    page = f"/admin/events/{event.id}/badges"
    response = client.post(page, data={"logo-csrf_token": csrf_token(client, page),
                                       "logo-logo": (io.BytesIO(b"<svg onload=alert(1)>"), "x.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 200
    assert "not a readable image" in response.get_data(as_text=True)
    assert event_logo(event) is None


def test_a_category_printed_on_a6_gets_a6_pages(client, event, login, photo_jpeg):
    press = approved(event, photo_jpeg, name="Lee", family="Chong Wei", country="MY", category="P")
    login("admin")
    page = f"/admin/events/{event.id}/badges"
    response = client.post(f"/admin/events/{event.id}/categories/P/layout",
                           data={"cat-P-csrf_token": csrf_token(client, page), "cat-P-layout": "a6-portrait"})
    assert response.status_code == 302
    assert db.session.scalar(select(Category).where(Category.code == "P")).layout == "a6-portrait"
    client.post("/logout", data={"csrf_token": csrf_token(client, page)})
    login("desk")
    pdf = print_badge(client, press).data
    assert page_sizes(pdf) == [tuple(round(v, 1) for v in A6)]
    assert qr_codes_in_pdf(pdf) == [db.session.scalar(select(Badge)).code]


def test_an_unknown_layout_is_refused_and_nothing_changes(client, event, login):
    login("admin")
    page = f"/admin/events/{event.id}/badges"
    client.post(f"/admin/events/{event.id}/categories/P/layout",
                data={"cat-P-csrf_token": csrf_token(client, page), "cat-P-layout": "../../etc/passwd"})
    assert db.session.scalar(select(Category).where(Category.code == "P")).layout == ""


def test_admin_previews_each_category_with_hard_names_and_every_flag(client, event, login):
    from app.services.printing import preview_people
    login("admin")
    page = client.get(f"/admin/events/{event.id}/badges").get_data(as_text=True)
    assert "Head of Delegation" in page and "preview.png" in page and "all=1" in page
    png = client.get(f"/admin/events/{event.id}/categories/E/preview.png")
    assert png.mimetype == "image/png"
    image = Image.open(io.BytesIO(png.data))
    assert image.height > image.width  # CR80 portrait
    back = client.get(f"/admin/events/{event.id}/categories/E/preview.png?side=back")
    assert Image.open(io.BytesIO(back.data)).size == image.size and back.data != png.data
    pdf = client.get(f"/admin/events/{event.id}/categories/E/preview.pdf").data
    people = preview_people(event)
    assert len(page_sizes(pdf)) == 2 * len(people)  # front and back of each sample
    assert "Razali" in pdf_text(pdf)
    countries = {d.country for d in event.delegations}
    assert countries <= {country for _, _, _, country, _, _ in people}
    assert len(re.findall(rb"/BBox \[ *0 0 640 480 *\]", pdf)) == len(countries)  # each flag once
    sheet = Image.open(io.BytesIO(client.get(
        f"/admin/events/{event.id}/categories/E/preview.png?all=1").data))
    rows, (w, h) = -(-len(people) // 6), page_sizes(pdf)[0]  # six samples to a row, 72 dpi
    assert 6 * w < sheet.width < 6 * (w + 10) and rows * h < sheet.height < rows * (h + 10)


def test_the_badge_page_says_what_does_not_fit(client, event, login):
    from app.services import events as event_setup
    envoy = next(c for c in event.categories if c.code == "O")
    event_setup.update_category(envoy, "O", "Observer and Special Envoy of the Secretary-General "
                                "for Regional Security", envoy.colour, True, ["1"], ACTOR)
    login("admin")
    page = client.get(f"/admin/events/{event.id}/badges").get_data(as_text=True)
    assert "category name is too long for its box and was shortened" in page
    assert page.count("Every sample name, zone and flag fits this layout.") == len(event.categories) - 1


def test_the_desk_sees_the_badge_before_printing_and_characters_that_cannot_print(
        client, event, login, photo_jpeg):
    person = approved(event, photo_jpeg, name="Nurul", family="Aqilah", country="BN",
                      printed="Nurul Aqilah \U0001F396")
    login("desk")
    page = client.get(f"/desk/people/{person.id}").get_data(as_text=True)
    assert "U+1F396" in page and "cannot be printed" in page
    preview = client.get(f"/desk/people/{person.id}/badge-preview.png")
    assert preview.mimetype == "image/png"
    assert db.session.scalar(select(Badge)) is None  # a preview issues nothing


@pytest.mark.parametrize("extra,needle", [([], "Wrote 23 badges on 23 pages"),
                                          (["--sheet", "a4-2x5-cr80", "--back"], "Wrote 23 badges on 6 pages")])
def test_badges_sample_command_renders_names_without_a_database(app, tmp_path, extra, needle):
    out = tmp_path / "sample.pdf"
    result = app.test_cli_runner().invoke(args=["badges", "sample", "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    assert needle in result.output
    assert len(qr_codes_in_pdf(out.read_bytes())) == 23


def test_badges_sample_command_reports_an_unknown_layout(app, tmp_path):
    result = app.test_cli_runner().invoke(
        args=["badges", "sample", "--out", str(tmp_path / "x.pdf"), "--layout", "nope"])
    assert result.exit_code == 1 and "unknown layout 'nope'" in result.output


def test_a_stolen_badge_is_stopped_now_and_its_replacement_is_a_new_version(client, event, login, photo_jpeg):
    from app.models import ScanDirection
    from app.services.checkin import record_scan
    from app.services.issuance import issue_badge
    person = approved(event, photo_jpeg)
    old = issue_badge(person, ACTOR)
    login("desk")
    page = f"/desk/people/{person.id}"
    response = client.post(f"/desk/badges/{old.id}/revoke",
                           data={"csrf_token": csrf_token(client, page), "reason": "stolen"})
    assert response.status_code == 302
    main = next(c for c in event.checkpoints if c.code == "MAIN")
    assert record_scan(main, old.code, ScanDirection.IN, ACTOR).verdict.value == "reported_lost"
    pdf = print_badge(client, person).data
    new = db.session.scalars(select(Badge).order_by(Badge.version)).all()[-1]
    assert new.version == 2 and qr_codes_in_pdf(pdf) == [new.code]
    # Still an alert after the replacement: whoever holds the stolen card is not its owner.
    assert record_scan(main, old.code, ScanDirection.IN, ACTOR).verdict.value == "reported_lost"


def test_a_handed_over_badge_is_not_printed_again_with_the_same_code(client, event, login, photo_jpeg):
    from app.services.errors import InvalidState
    from app.services.issuance import hand_over_badge, issue_badge, print_badge as print_service
    person = approved(event, photo_jpeg)
    badge = issue_badge(person, ACTOR)
    with pytest.raises(InvalidState, match="not been printed"):
        hand_over_badge(badge, ACTOR, seen_revision=person.revision)
    print_service(person, ACTOR, seen_revision=person.revision)
    hand_over_badge(badge, ACTOR, seen_revision=person.revision)
    login("desk")
    # The page offers no print button any more: post the one a page loaded earlier had.
    page = f"/desk/people/{person.id}"
    response = client.post(f"{page}/print", data=hidden_fields(client, page, f"{page}/reprint"))
    assert response.status_code == 302
    assert "second working copy" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_person_without_a_photo_gets_no_badge(client, event, login):
    from app.services.errors import InvalidState
    from app.services.vetting import approve_delegate
    person = make_person(event, photo=None)
    with pytest.raises(InvalidState, match="lacks the photo"):
        approve_delegate(person, ACTOR, seen_revision=person.revision)
    login("desk")
    page = f"/desk/people/{person.id}"  # it offers no print button: post one anyway
    response = client.post(f"{page}/print", data={"csrf_token": csrf_token(client, page),
                                                  "revision": person.revision})
    assert response.status_code == 302
    assert "only people approved" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(select(Badge)) is None


def test_on_sheets_a_category_layout_that_fits_the_cells_is_kept(client, event, login, photo_jpeg):
    from app.services.branding import set_category_layout
    from app.services.printing import category_layouts
    categories = {c.code: c for c in event.categories}
    set_category_layout(categories["D"], "cr80-landscape", ACTOR)
    set_category_layout(categories["P"], "a6-portrait", ACTOR)
    assert category_layouts(event, "a4-2x5-cr80") == {"D": "cr80-landscape"}
    assert category_layouts(event) == {"D": "cr80-landscape", "P": "a6-portrait"}


def test_the_badge_preview_never_shows_the_live_code(client, event, login, photo_jpeg):
    import zxingcpp
    from app.services.issuance import issue_badge
    person = approved(event, photo_jpeg)
    badge = issue_badge(person, ACTOR)
    login("desk")
    png = client.get(f"/desk/people/{person.id}/badge-preview.png").data
    decoded = [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]
    assert decoded and badge.code not in decoded


def test_the_desk_prints_a_badge_with_its_back_side(client, event, login, photo_jpeg):
    person = approved(event, photo_jpeg)
    login("desk")
    response = print_badge(client, person, back="y")
    pages = page_sizes(response.data)
    assert len(pages) == 2 and pages[0] == pages[1]
    text = pdf_text(response.data)
    assert "Plenary hall" in text  # the zones legend on the back
    assert len(qr_codes_in_pdf(response.data)) == 1


def test_a_liaison_officer_takes_a_delegations_badges_against_a_signed_receipt(
        client, event, login, photo_jpeg):
    from app.services.issuance import issue_badge, print_badge as print_service
    people = [approved(event, photo_jpeg, name=n, family="Nguyễn", country="VN",
                       email=f"{n.lower()}@example.vn") for n in ("Hương", "Thành", "Lan")]
    badges = [print_service(p, ACTOR, seen_revision=p.revision).badges[0] for p in people[:2]]
    badges.append(issue_badge(people[2], ACTOR))  # not printed yet: it stays at the desk
    login("desk")
    page = client.get("/desk/hand-over-delegation?delegation=VN").get_data(as_text=True)
    assert badges[0].serial in page and badges[2].serial not in page
    response = client.post("/desk/hand-over-delegation", data={
        **hidden_fields(client, "/desk/hand-over-delegation?delegation=VN", ""), "delegation": "VN",
        "receiver": "Lt Col Trần Thị <b>Hương</b>"})
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert badges[0].serial in text and badges[1].serial in text and badges[2].serial not in text
    assert "Trần Thị <b>Hương</b>" in text  # names are data, printed as typed
    assert "Hương Nguyễn" in text
    assert [b.handed_over_at is not None for b in badges] == [True, True, False]
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "badge.handed_over")).all()
    assert {a.after["to"] for a in audit} == {"Lt Col Trần Thị <b>Hương</b>"}
    again = client.post("/desk/hand-over-delegation", data={
        "csrf_token": csrf_token(client, "/desk/hand-over-delegation"), "delegation": "VN",
        "shown": "", "receiver": "Someone"})
    assert "no printed badges waiting" in again.get_data(as_text=True)
