"""Print runs of thousands: people chosen by delegation, category and badge state, their
badges issued as the desk issues them, and rendered on every core into files of a size
printer spoolers take. The page runs them as background jobs, the command line in front."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from badges import LayoutError, load_sheet
from badges.parallel import RenderPool

from ..extensions import db
from ..jobs import enqueue, job_folder
from ..models import (AuditEvent, Category, Delegate, DelegateStatus, Event, Job, JobState,
                      PrintScope, StaffUser, Station)
from . import issuance, printers
from .audit import Actor, record
from .countries import country_name
from .errors import InvalidState
from .locking import lock_job
from .printing import badge_data, category_layouts, event_info
from .stations import require_in_service

#: Badges per file unless configured: a spooler takes such a file at once, and a jam or a
#: wrong tray costs one file, not the run.
FILE_BADGES = 200
FILE_NAME = re.compile(r"badges-[0-9]{3,5}\.pdf\Z")


@dataclass(frozen=True)
class Selection:
    """Whom a print run is for: every ready person, or those of a delegation and/or category."""

    delegation: str = ""  # country code
    category: str = ""  # category code
    scope: PrintScope = PrintScope.UNPRINTED

    def describe(self, event: Event) -> str:
        parts = [country_name(self.delegation) if self.delegation else "every delegation"]
        if self.category:
            names = {c.code: c.name for c in event.categories}
            parts.append(names.get(self.category, self.category))
        return ", ".join(parts)


def choose_people(event: Event, selection: Selection) -> tuple[list[Delegate], list[Delegate]]:
    """(people to print, approved people who cannot print yet for want of a photo).

    Badges already handed over are out in the world: a print run never copies them."""
    query = select(Delegate).where(Delegate.event_id == event.id,
                                   Delegate.status == DelegateStatus.READY)
    if selection.delegation:
        query = query.where(Delegate.country == selection.delegation)
    if selection.category:
        query = query.join(Delegate.category).where(Category.code == selection.category)
    people = db.session.scalars(query.options(selectinload(Delegate.badges))
                                .order_by(Delegate.country, Delegate.printed_name)).all()
    people = [p for p in people if not issuance.is_out(p.current_badge)
              and _in_scope(p, selection.scope)]
    return ([p for p in people if issuance.why_no_badge(p) is None],
            [p for p in people if issuance.why_no_badge(p) is not None])


def _in_scope(person: Delegate, scope: PrintScope) -> bool:
    badge = person.current_badge
    printed = badge is not None and badge.printed_at is not None
    return scope is PrintScope.ANY or printed == (scope is PrintScope.PRINTED)


def check_sheet(sheet: str | None) -> None:
    if sheet:
        try:
            load_sheet(sheet)
        except LayoutError:
            raise InvalidState("Choose a paper from the list.", field="sheet") from None


def start_print_run(event: Event, selection: Selection, actor: Actor, *, sheet: str | None = None,
                    back: bool = False) -> Job:
    """Choose the people now and print them in the background; the job shows the progress."""
    check_sheet(sheet)
    people, _ = choose_people(event, selection)
    if not people:
        raise InvalidState("Nobody to print: no approved person matches.")
    return enqueue("print_run", actor=actor, event=event, total=len(people),
                   title=f"{len(people)} badges: {selection.describe(event)}",
                   event_id=event.id, people=[[p.id, p.revision] for p in people],
                   scope=selection.scope.value, sheet=sheet or None, back=back,
                   actor_label=actor.label, actor_id=actor.user.id if actor.user else None)


def run_print_job(progress, *, event_id: int, people: list[list[int]], scope: str,
                  sheet: str | None, back: bool, actor_label: str, actor_id: int | None) -> dict:
    """The print run job: plain arguments in, so any job runner can call it."""
    event = db.session.get(Event, event_id)
    if event is None:
        raise InvalidState("The event no longer exists.")
    user = db.session.get(StaffUser, actor_id) if actor_id else None
    return print_people(event, [(pid, rev) for pid, rev in people],
                        Actor(label=actor_label, user=user), folder=progress.folder,
                        scope=PrintScope(scope), sheet=sheet, back=back, progress=progress)


def start_again(job: Job, actor: Actor) -> Job:
    """A print run that failed (its server restarted, say) started again for the same people,
    by `actor`; the failed run keeps the files it made.

    It may have marked badges printed whose file it never finished: those print again (the
    same badges, not handed over yet), so a run of unprinted badges starts again as one of
    both. People changed or handed over since are skipped, as in any run."""
    job = lock_job(job)
    if job.function != "print_run" or job.state is not JobState.FAILED:
        raise InvalidState("Only a print run that failed can be started again.")
    again = started_again_as(job)
    if again is not None:
        raise InvalidState(f"This print run was started again already (run {again.id}).")
    arguments = {**job.arguments, "actor_label": actor.label,
                 "actor_id": actor.user.id if actor.user else None}
    if arguments["scope"] == PrintScope.UNPRINTED.value:
        arguments["scope"] = PrintScope.ANY.value
    return enqueue("print_run", actor=actor, event=job.event, total=job.total, title=job.title,
                   again_of=job, **arguments)


def started_again_as(job: Job) -> Job | None:
    """The run that starts this failed one again, if someone started it."""
    return db.session.scalar(select(Job).where(Job.again_of_id == job.id))


def print_people(event: Event, wanted: list[tuple[int, int]], actor: Actor, *, folder: Path,
                 scope: PrintScope = PrintScope.UNPRINTED, sheet: str | None = None,
                 back: bool = False, progress: Callable[[int, int], None] | None = None,
                 workers: int | None = None, per_file: int | None = None) -> dict:
    """Issue and render the badges of (person id, revision chosen on) into PDF files in
    `folder`, one file after another; progress(done, total) after each file.

    The database work (issuing, marking printed, the audit trail) stays in this process,
    one short transaction per file; rendering runs in a pool of worker processes meanwhile.
    Returns {"files", "skipped", "badges", "pages", "warnings"} for the job's page."""
    check_sheet(sheet)
    folder.mkdir(parents=True, exist_ok=True)
    per_file = per_file or files_of(sheet)
    total = len(wanted)
    skipped: list[dict] = []
    files, printed, pages, warnings = [], 0, 0, []

    def report_progress():
        if progress:
            progress(min(printed + len(skipped), total), total)

    def parts():
        for number, start in enumerate(range(0, total, per_file), start=1):
            badges, left_out = issuance.issue_print_run_part(
                wanted[start:start + per_file], actor, scope=scope)
            skipped.extend(left_out)
            if badges:
                yield str(folder / f"badges-{number:03d}.pdf"), [badge_data(b) for b in badges]
            else:
                report_progress()

    with RenderPool(event=event_info(event), sheet=sheet, back=back,
                    layouts_by_category=category_layouts(event, sheet),
                    workers=workers or current_app.config.get("LANYARD_PRINT_RUN_WORKERS")) as pool:
        for path, badges, report in pool.render(parts()):
            files.append(Path(path).name)
            printed += len(badges)
            pages += report.pages
            warnings += report.warnings
            report_progress()
    return {"files": files, "skipped": skipped, "badges": printed, "pages": pages,
            "warnings": warnings[:200]}


def files_of(sheet: str | None) -> int:
    """Badges per file: whole sheets on sheets."""
    wanted = current_app.config.get("LANYARD_PRINT_RUN_FILE_BADGES") or FILE_BADGES
    if not sheet:
        return wanted
    per_page = load_sheet(sheet).per_page
    return max(per_page, wanted // per_page * per_page)


def run_files(job: Job) -> list[Path]:
    """The PDF files a print run has made so far, in print order: what is downloaded, and
    what a bound printer queue is sent."""
    folder = job_folder(job.id)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if FILE_NAME.match(p.name))


def run_file(job: Job, name: str) -> Path | None:
    """One file of a print run by its name, or None (never a path outside its folder)."""
    if not FILE_NAME.match(name):
        return None
    return next((p for p in run_files(job) if p.name == name), None)


@dataclass(frozen=True)
class SentFiles:
    """A run sent to a station's printer: (file name, CUPS job id) for each file the queue
    took, in print order; and, when the printer failed part-way, the files it did not get
    and why."""

    queue: str
    sent: list[tuple[str, str]]
    not_sent: list[str]
    problem: str = ""


def send_to_printer(job: Job, station: Station | None, actor: Actor) -> SentFiles:
    """Send every file of a finished run to the station's printer queue, in print order.

    The badges were marked printed when the run made them: this sends files, it does not
    print badges again. A printer that cannot print before the first file raises
    PrinterError and nothing is recorded; one that fails part-way leaves the files it took
    in its queue, so those are recorded and the rest named."""
    if job.state is not JobState.DONE:
        raise InvalidState("Only a finished print run can be sent to a printer.")
    if station is None or not station.printer_queue:
        raise InvalidState("This browser is not a station with a printer: choose one on "
                           "Stations, or download the files.", field="station")
    require_in_service(station)
    files = run_files(job)
    if not files:
        raise InvalidState("This print run has no files to send.")
    queue = station.printer_queue
    printers.require_ready(queue)
    sent: list[tuple[str, str]] = []
    problem = ""
    for number, path in enumerate(files, start=1):
        try:
            # No personal data on the spooler: the event, the run and the file's number.
            title = f"{job.event.slug}-run{job.id}-{number:03d}"
            sent.append((path.name, printers.submit(queue, path.read_bytes(), title)))
        except printers.PrinterError as exc:
            if not sent:
                raise
            problem = exc.message
            break
    not_sent = [p.name for p in files[len(sent):]]
    record(actor, "print_run.sent", job, after={
        "name": job.title, "station": station.name, "queue": queue,
        "jobs": [cups_job for _, cups_job in sent], "files": [name for name, _ in sent],
        **({"not_sent": not_sent} if not_sent else {})})
    try:
        db.session.commit()
    except Exception:
        for _, cups_job in sent:
            printers.cancel(cups_job)
        raise
    return SentFiles(queue, sent, not_sent, problem)


def sent_jobs(job: Job) -> list[dict]:
    """Every file of this run sent to a printer, oldest sending first, as the audit trail has
    them: {"file", "job", "queue", "station", "at"}."""
    entries = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "print_run.sent", AuditEvent.object_type == "job",
        AuditEvent.object_id == job.id).order_by(AuditEvent.id))
    return [{"file": name, "job": cups_job, "queue": entry.after["queue"],
             "station": entry.after["station"], "at": entry.at}
            for entry in entries
            for name, cups_job in zip(entry.after["files"], entry.after["jobs"])]
