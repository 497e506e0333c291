"""`flask --app app delegates import|export`: delegate lists from and to CSV or XLSX files."""
from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import select

from .extensions import db
from .models import Event
from .services.audit import Actor
from .services.errors import ServiceError


@click.group()
def delegates() -> None:
    """Import and export an event's delegates."""


def _event(slug: str) -> Event:
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        raise click.ClickException(f"No event {slug!r}.")
    return event


@delegates.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--event", "slug", required=True, help="Event slug, e.g. amim22.")
@click.option("--dry-run", is_flag=True, help="Check every row and report; write nothing.")
@click.option("--approve", is_flag=True, help="Mark the imported delegates approved (a vetted list).")
def import_command(file: Path, slug: str, dry_run: bool, approve: bool) -> None:
    """Import FILE (.csv in UTF-8, or .xlsx); photos named in it are read relative to it.

    Every row is checked first; nothing is written unless all rows are valid.
    Exits with status 1 when the list has errors.
    """
    from .cli import ensure_schema
    from .services.imports import DirectoryPhotos, import_delegates
    ensure_schema()
    event = _event(slug)
    try:
        report = import_delegates(event, file.name, file.read_bytes(), DirectoryPhotos(file.parent),
                                  Actor.cli("delegates import"), dry_run=dry_run, approve=approve)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    for warning in report.warnings:
        click.echo(f"note: {warning}", err=True)
    if not report.ok:
        for error in report.errors:
            click.echo(str(error), err=True)
        click.echo(f"{len(report.errors)} error(s); nothing was imported.", err=True)
        raise SystemExit(1)
    if dry_run:
        click.echo(f"{len(report.rows)} rows are valid; nothing was written (dry run).")
    else:
        state = " and approved" if approve else ""
        click.echo(f"Imported{state} {len(report.created)} delegates into {event.slug}.")


@delegates.command("export")
@click.option("--event", "slug", required=True, help="Event slug, e.g. amim22.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="File to write: .csv or .xlsx.")
@click.option("--include-passports", is_flag=True, help="Add passport and ID numbers.")
def export_command(slug: str, out: Path, include_passports: bool) -> None:
    """Write the event's delegates to a CSV or XLSX file, safe to open in a spreadsheet."""
    from .services.exports import export_delegates
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in ("csv", "xlsx"):
        raise click.ClickException("The output file must end in .csv or .xlsx.")
    event = _event(slug)
    data = export_delegates(event, fmt, Actor.cli("delegates export"),
                            include_passport=include_passports)
    out.write_bytes(data)
    click.echo(f"Wrote {out}.")
