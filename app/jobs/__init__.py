"""Background jobs: a named function with plain arguments, its progress kept in the database.

A thread of the app runs each job by default. Nothing but the Job row passes between
the page that starts a job and the code that runs it (an importable function, its
keyword arguments, progress written to the row), so a queue such as RQ on Redis can
take over by calling `run_job(job_id)` in its workers instead of `_start_thread`.
"""
from __future__ import annotations

import logging
import threading
from pathlib import Path

from flask import current_app
from sqlalchemy import update
from werkzeug.utils import import_string

from ..database import hold_write_lock
from ..extensions import db
from ..models import Event, Job, JobState
from ..models._types import utcnow
from ..services.audit import Actor
from ..services.errors import ServiceError

log = logging.getLogger("lanyard.jobs")

#: The functions a job may run, by name; a job row names one of these, never a free path.
JOBS = {
    "print_run": "app.services.print_runs:run_print_job",
}

_threads: list[threading.Thread] = []


class Progress:
    """Handed to a job function: where its files go, and how it reports how far it is."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.folder = job_folder(job_id)
        self.folder.mkdir(parents=True, exist_ok=True)

    def __call__(self, done: int, total: int) -> None:
        """Write progress in a transaction of its own, so the page sees it at once."""
        hold_write_lock()
        db.session.execute(update(Job).where(Job.id == self.job_id).values(done=done, total=total))
        db.session.commit()


def job_folder(job_id: int) -> Path:
    """Where a job's files live: personal data, so in the instance folder, never static/."""
    return Path(current_app.instance_path) / "jobs" / str(job_id)


def enqueue(function: str, *, actor: Actor, title: str, event: Event | None = None,
            total: int = 0, **arguments) -> Job:
    """Record a job and start it; the caller gets the row to show its progress."""
    if function not in JOBS:
        raise ValueError(f"unknown job {function!r}")
    job = Job(function=function, arguments=arguments, title=title, total=total,
              event_id=event.id if event else None, started_by=actor.label,
              started_by_id=actor.user.id if actor.user else None)
    db.session.add(job)
    db.session.commit()
    runner = current_app.config.get("LANYARD_JOB_RUNNER", "thread")
    if runner == "inline":
        run_job(job.id)
    else:
        _start_thread(job.id)
    return job


def _start_thread(job_id: int) -> None:
    app = current_app._get_current_object()

    def target():
        with app.app_context():
            try:
                run_job(job_id)
            finally:
                db.session.remove()
    thread = threading.Thread(target=target, name=f"lanyard-job-{job_id}", daemon=True)
    _threads[:] = [t for t in _threads if t.is_alive()] + [thread]
    thread.start()


def wait_for_jobs(timeout: float | None = None) -> None:
    """Wait for the jobs this process runs in threads (a clean shutdown, tests)."""
    for thread in list(_threads):
        thread.join(timeout)


def run_job(job_id: int) -> None:
    """Run one job to its end and record how it ended; what a runner calls, in an app context."""
    hold_write_lock()
    job = db.session.get(Job, job_id)
    if job is None or job.state is not JobState.QUEUED:
        return
    job.state, job.started_at = JobState.RUNNING, utcnow()
    function, arguments = JOBS[job.function], dict(job.arguments)
    db.session.commit()
    try:
        result = import_string(function.replace(":", "."))(Progress(job_id), **arguments)
    except Exception as exc:  # the job failed: say why on its page, keep the process alive
        db.session.rollback()
        if isinstance(exc, ServiceError):
            error = exc.message
        else:
            log.exception("job %s (%s) failed", job_id, function)
            error = "The job stopped on an internal error; the log has the details."
        _finish(job_id, state=JobState.FAILED, error=error)
    else:
        _finish(job_id, state=JobState.DONE, result=result)


def _finish(job_id: int, **values) -> None:
    hold_write_lock()
    db.session.execute(update(Job).where(Job.id == job_id).values(finished_at=utcnow(), **values))
    db.session.commit()
