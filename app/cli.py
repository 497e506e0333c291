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
from .models import Checkpoint, Event, ScanDirection, StaffRole
from .services.audit import Actor
from .services.errors import ServiceError


def register_commands(app: Flask) -> None:
    app.cli.add_command(demo)
    app.cli.add_command(create_user)
    app.cli.add_command(scan)
    app.cli.add_command(delegates)


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
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    ensure_schema()
    try:
        user = create_staff_user(email, password, StaffRole(role), Actor.cli("create-user"))
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Created {user.role.value} account {user.email}.")


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
