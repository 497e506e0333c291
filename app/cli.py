"""Command line: `flask --app app ...`. Each command is a thin call into services."""
from __future__ import annotations

import json
import sys

import click
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select

from .cli_delegates import delegates
from .extensions import db
from .models import Checkpoint, Delegate, Event, PrintScope, ScanDirection, StaffRole
from .services.audit import Actor
from .services.errors import ServiceError
from .services.issuance import REPRINT_REASONS, REVOKE_REASONS


def register_commands(app: Flask) -> None:
    app.cli.add_command(demo)
    app.cli.add_command(create_user)
    app.cli.add_command(set_password)
    app.cli.add_command(scan)
    app.cli.add_command(delegates)
    app.cli.add_command(badges_group)
    app.cli.add_command(venue_certificate)
    app.cli.add_command(report)


def ensure_schema() -> None:
    """Bring the database to the newest migration (creating it if empty)."""
    upgrade()


@click.command()
@click.option("--delegates", default=40, show_default=True, type=click.IntRange(0, 20000),
              help="How many demo delegates to create.")
def demo(delegates: int) -> None:
    """Create the schema and the demo event, and print staff logins."""
    from .services.demo import create_demo_event
    ensure_schema()
    event, logins = create_demo_event(delegates)
    click.echo(f"Demo event '{event.name}' at /events/{event.slug}/register")
    if logins:
        click.echo("Staff logins (shown once; change them for real use):")
        for role, email, password in logins:
            click.echo(f"  {role:<14} {email:<34} {password}")
    else:
        click.echo("Staff accounts already exist; their passwords were shown when created.")


@click.command("create-user")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice([r.value for r in StaffRole]))
def create_user(email: str, role: str) -> None:
    """Create a staff account; the password is read from a prompt, or from stdin when piped.

    There is deliberately no --password option: arguments end up in shell
    history and in every user's process list.
    """
    from .services.staff import create_staff_user
    password = _read_password()
    ensure_schema()
    try:
        user = create_staff_user(email, password, StaffRole(role), Actor.cli("create-user"))
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Created {user.role.value} account {user.email}.")


@click.command("set-password")
@click.argument("email")
def set_password(email: str) -> None:
    """Give a staff account a new password (read from a prompt, or from stdin when piped)."""
    from .services.staff import find_staff_user, set_staff_password
    user = find_staff_user(email)
    if user is None:
        raise click.ClickException(f"No staff account {email!r}.")
    try:
        set_staff_password(user, _read_password(), Actor.cli("set-password"))
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"New password set for {user.email}.")


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@click.command()
@click.argument("code")
@click.option("--checkpoint", "checkpoint_code", required=True, help="Checkpoint code, e.g. MAIN.")
@click.option("--event", "event_slug", default=None, help="Event slug, when several events exist.")
@click.option("--direction", type=click.Choice(["in", "out"]), default="in", show_default=True)
def scan(code: str, checkpoint_code: str, event_slug: str | None, direction: str) -> None:
    """Decide on a scanned badge code as a door would, and print the answer as JSON."""
    from .api.routes import scan_json
    from .services.checkin import record_scan
    query = select(Checkpoint).where(Checkpoint.code == checkpoint_code)
    if event_slug:
        query = query.join(Checkpoint.event).where(Event.slug == event_slug)
    matches = db.session.scalars(query).all()
    if len(matches) != 1:
        raise click.ClickException(
            f"No checkpoint {checkpoint_code!r}." if not matches
            else f"Checkpoint {checkpoint_code!r} exists at several events; pass --event.")
    with _request_context():
        outcome = record_scan(matches[0], code, ScanDirection(direction), Actor.cli("scan"))
        click.echo(json.dumps(scan_json(outcome), indent=2, ensure_ascii=False))
    sys.exit(0 if outcome.accepted else 1)


def _request_context():
    # scan_json builds photo URLs; give it a request context to build them in.
    from flask import current_app
    return current_app.test_request_context("/")


@click.command()
@click.option("--event", "event_slug", required=True, help="Event slug, e.g. amim22.")
@click.option("--out", "out_path", default=None, type=click.Path(dir_okay=False, writable=True),
              help="Also write the figures to this CSV file.")
def report(event_slug: str, out_path: str | None) -> None:
    """Where every application stands, per delegation and per category, as the overview page shows."""
    from pathlib import Path

    from .services.overview import event_overview, overview_csv, overview_text
    overview = event_overview(_event_or_fail(event_slug))
    click.echo(overview_text(overview), nl=False)
    if out_path:
        Path(out_path).write_bytes(overview_csv(overview))
        click.echo(f"Wrote {out_path}")


@click.command("venue-certificate")
@click.option("--name", "names", multiple=True, help="Host name door devices open, e.g. lanyard.venue.lan.")
@click.option("--ip", "addresses", multiple=True, help="IP address door devices open, e.g. 10.20.0.5.")
@click.option("--out", "out_dir", default=None, type=click.Path(file_okay=False),
              help="Folder for the files (default: tls/ in the instance folder).")
@click.option("--days", default=60, show_default=True, type=click.IntRange(1, 825))
def venue_certificate(names: tuple[str, ...], addresses: tuple[str, ...], out_dir: str | None,
                      days: int) -> None:
    """Make a certificate authority for door devices and an HTTPS certificate it signs."""
    from pathlib import Path

    from flask import current_app

    from .services.tls import make_venue_certificates
    try:
        files = make_venue_certificates(Path(out_dir or Path(current_app.instance_path) / "tls"),
                                        list(names), list(addresses), days=days)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Install on every door device (as a trusted certificate): {files.ca_certificate}")
    click.echo("Serve Lanyard with:")
    click.echo(f"  gunicorn -w 2 -b 0.0.0.0:443 --certfile {files.certificate} "
               f"--keyfile {files.key} 'app:create_app()'")


@click.group("badges")
def badges_group() -> None:
    """Badges: print runs, replacements and revocations as the desk makes them; sample layouts."""


@badges_group.command("print")
@click.option("--event", "event_slug", required=True, help="Event slug, e.g. amim22.")
@click.option("--out", "out_path", required=True, type=click.Path(writable=True),
              help="A folder for files of a few hundred badges (rendered on every core), or one "
                   ".pdf file.")
@click.option("--delegation", default="", help="Only this delegation (country code, e.g. SG).")
@click.option("--category", default="", help="Only this category (code, e.g. D).")
@click.option("--state", "scope", type=click.Choice([s.value for s in PrintScope]),
              default=PrintScope.UNPRINTED.value, show_default=True,
              help="Badges not printed yet, printed but not handed over, or any.")
@click.option("--sheet", default=None, help="Print on a sheet, e.g. a4-2x5-cr80.")
@click.option("--back/--no-back", default=False, help="Also print the back side.")
def badges_print(event_slug: str, out_path: str, delegation: str, category: str, scope: str,
                 sheet: str | None, back: bool) -> None:
    """Issue and print the badges of every ready person chosen, as the desk does (audited)."""
    import shutil
    import tempfile
    from pathlib import Path

    from .services import print_runs
    event = _event_or_fail(event_slug)
    selection = print_runs.Selection(delegation.upper(), category.upper(), PrintScope(scope))
    people, blocked = print_runs.choose_people(event, selection)
    for person in blocked:
        click.echo(f"not printed: {person.printed_name} ({person.reference}): no photo yet", err=True)
    if not people:
        raise click.ClickException("Nobody to print: no approved person matches.")
    one_file = out_path.lower().endswith(".pdf")
    folder = Path(tempfile.mkdtemp(prefix="lanyard-print-")) if one_file else Path(out_path)
    wanted = [(p.id, p.revision) for p in people]
    try:
        with click.progressbar(length=len(wanted), label=f"Printing {len(wanted)} badges",
                               file=sys.stderr) as bar:
            result = print_runs.print_people(
                event, wanted, Actor.cli("badges print"), folder=folder, scope=selection.scope,
                sheet=sheet, back=back, progress=lambda done, _: bar.update(done - bar.pos),
                per_file=len(wanted) if one_file else None, workers=1 if one_file else None)
        if one_file and result["files"]:
            shutil.move(folder / result["files"][0], out_path)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    finally:
        if one_file:
            shutil.rmtree(folder, ignore_errors=True)
    where = out_path if one_file else f"{len(result['files'])} files in {out_path}"
    click.echo(f"Wrote {result['badges']} badges on {result['pages']} pages to {where}")
    for skipped in result["skipped"]:
        click.echo(f"not printed: {skipped['name']}: {skipped['reason']}", err=True)


@badges_group.command("reprint")
@click.argument("reference")
@click.option("--reason", required=True, type=click.Choice(list(REPRINT_REASONS)))
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, writable=True))
@click.option("--back/--no-back", default=False, help="Also print the back side.")
def badges_reprint(reference: str, reason: str, out_path: str, back: bool) -> None:
    """Replace a person's badge and print the new one; the old code stops at every door now."""
    from pathlib import Path

    from .services.issuance import reprint_badge
    person = _person_or_fail(reference)
    try:
        printed = reprint_badge(person, reason, Actor.cli("badges reprint"),
                                seen_revision=person.revision, back=back)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    Path(out_path).write_bytes(printed.pdf)
    click.echo(f"Badge {printed.badges[0].serial} for {person.printed_name} written to {out_path}")


@badges_group.command("revoke")
@click.argument("reference")
@click.option("--reason", required=True, type=click.Choice(list(REVOKE_REASONS)))
def badges_revoke(reference: str, reason: str) -> None:
    """Stop a person's badge at every door now, without printing a new one."""
    from .services.issuance import revoke_badge
    person = _person_or_fail(reference)
    badge = person.current_badge
    if badge is None:
        raise click.ClickException(f"{person.printed_name} has no working badge.")
    try:
        revoke_badge(badge, reason, Actor.cli("badges revoke"))
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Badge {badge.serial} of {person.printed_name} no longer opens any door.")


def _event_or_fail(slug: str) -> Event:
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        raise click.ClickException(f"No event {slug!r}.")
    return event


def _person_or_fail(reference: str) -> Delegate:
    from .services.codes import clean_reference
    person = db.session.scalar(select(Delegate).where(Delegate.reference == clean_reference(reference)))
    if person is None:
        raise click.ClickException(f"No person with reference {reference!r}.")
    return person


@badges_group.command("sample")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, writable=True),
              help="PDF file to write.")
@click.option("--layout", default=None, help="Layout name or JSON file (default cr80-portrait).")
@click.option("--names", "names_csv", default=None, type=click.Path(exists=True, dir_okay=False),
              help="CSV in the delegate import format; an optional photo column holds image paths "
                   "relative to the CSV. Default: the demo delegates.")
@click.option("--sheet", default=None, help="Print on a sheet, e.g. a4-2x5-cr80.")
@click.option("--back/--no-back", default=False, help="Also print the back side.")
def badges_sample(out_path: str, layout: str | None, names_csv: str | None, sheet: str | None,
                  back: bool) -> None:
    """Render one sample badge per CSV row, with placeholder codes that open no door."""
    from pathlib import Path

    from badges import LayoutError, render_sample_csv
    csv_path = names_csv or str(Path(__file__).resolve().parent / "demo_delegates.csv")
    try:
        report = render_sample_csv(csv_path, out_path, layout=layout, sheet=sheet, back=back)
    except (LayoutError, ValueError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Wrote {report.badges} badges on {report.pages} pages to {out_path}")
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
