"""Background jobs: a named function with plain arguments, its progress kept in the database.

A thread of the app runs each job by default. Nothing but the Job row passes between
the page that starts a job and the code that runs it (an importable function, its
keyword arguments, progress written to the row), so a queue such as RQ on Redis can
take over by calling `run_job(job_id)` in its workers instead of `_start_thread`.

A runner that dies with its process (a server or worker restarted) cannot say so: the job
keeps the process that runs it and a heartbeat, and whoever reads it next marks it failed
once that process is gone from this host, or its heartbeat is late.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import timedelta
from pathlib import Path
from typing import Iterable

from flask import current_app
from sqlalchemy import select, update
from werkzeug.utils import import_string

from ..database import hold_write_lock
from ..extensions import db
from ..models import Event, Job, JobState
from ..models._types import utcnow
from ..services.audit import Actor, record
from ..services.errors import ServiceError

log = logging.getLogger("lanyard.jobs")

#: The functions a job may run, by name; a job row names one of these, never a free path.
JOBS = {
    "print_run": "app.services.print_runs:run_print_job",
}

#: What the desk reads on a job whose runner died, by the job's function.
STOPPED = {"print_run": "The print run stopped when the server restarted; start it again."}

_threads: list[threading.Thread] = []
#: The jobs this process is running now (in threads or inline): its own pid says nothing.
_running_here: set[int] = set()


class JobStopped(Exception):
    """The job was marked stopped while it ran (its heartbeat came too late): it ends here."""


class Progress:
    """Handed to a job function: where its files go, and how it reports how far it is."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.folder = job_folder(job_id)
        self.folder.mkdir(parents=True, exist_ok=True)

    def __call__(self, done: int, total: int) -> None:
        """Write progress and the heartbeat in a transaction of their own, so the page sees them
        at once; raise JobStopped if the job was marked stopped meanwhile."""
        hold_write_lock()
        moved = db.session.execute(
            update(Job).where(Job.id == self.job_id, Job.state == JobState.RUNNING)
            .values(done=done, total=total, heartbeat_at=utcnow())).rowcount
        db.session.commit()
        if not moved:
            raise JobStopped


def job_folder(job_id: int) -> Path:
    """Where a job's files live: personal data, so in the instance folder, never static/."""
    return Path(current_app.instance_path) / "jobs" / str(job_id)


def enqueue(function: str, *, actor: Actor, title: str, event: Event | None = None,
            total: int = 0, again_of: Job | None = None, **arguments) -> Job:
    """Record a job (`again_of`: the failed job it starts again) and start it; the caller gets
    the row to show its progress."""
    if function not in JOBS:
        raise ValueError(f"unknown job {function!r}")
    hold_write_lock()
    job = Job(function=function, arguments=arguments, title=title, total=total,
              event_id=event.id if event else None, started_by=actor.label,
              started_by_id=actor.user.id if actor.user else None, again_of=again_of)
    db.session.add(job)
    db.session.flush()
    record(actor, "job.started", job,
           after={"name": title, **({"again_of": again_of.id} if again_of else {})})
    db.session.commit()
    runner = current_app.config.get("LANYARD_JOB_RUNNER", "thread")
    if runner == "inline":
        run_job(job.id)
    else:
        _start_thread(job.id)
    return job


def _start_thread(job_id: int) -> None:
    stop_dead_jobs()  # what an earlier process of this host left running is seen as stopped
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
    job.runner, job.heartbeat_at = _this_process(), job.started_at
    function, arguments = JOBS[job.function], dict(job.arguments)
    db.session.commit()
    _running_here.add(job_id)
    try:
        result = import_string(function.replace(":", "."))(Progress(job_id), **arguments)
    except JobStopped:
        db.session.rollback()
        log.warning("job %s (%s) was marked stopped while it ran; it ends", job_id, function)
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
    finally:
        _running_here.discard(job_id)


def _finish(job_id: int, **values) -> None:
    """How the job ended, unless it was marked stopped meanwhile (that word stays)."""
    hold_write_lock()
    db.session.execute(update(Job).where(Job.id == job_id, Job.state == JobState.RUNNING)
                       .values(finished_at=utcnow(), **values))
    db.session.commit()


def stop_dead_jobs(jobs: Iterable[Job] | None = None) -> None:
    """Mark failed, as the system, each running job (of `jobs`, or every one) whose runner is
    gone: its process no longer exists on this host, or its heartbeat is late. The desk then
    reads why, and may start it again."""
    if jobs is None:
        jobs = db.session.scalars(select(Job).where(Job.state == JobState.RUNNING)).all()
    now = utcnow()
    # A print run reports after each file (200 badges: seconds); the setting is far beyond that.
    stale_after = timedelta(seconds=current_app.config["LANYARD_JOB_STALE_AFTER"])
    dead = [(job.id, job.heartbeat_at) for job in jobs if job.state is JobState.RUNNING and (
        not _runner_alive(job.runner, job.id) or
        job.heartbeat_at is None or now - job.heartbeat_at > stale_after)]
    if not dead:
        return
    hold_write_lock()
    for job_id, heartbeat in dead:
        # Only if nothing moved since it was read: a late heartbeat that came in the meantime
        # keeps the job running.
        same_beat = Job.heartbeat_at.is_(None) if heartbeat is None else Job.heartbeat_at == heartbeat
        if db.session.execute(update(Job).where(Job.id == job_id, Job.state == JobState.RUNNING,
                                                same_beat)
                              .values(state=JobState.FAILED, finished_at=now)).rowcount:
            job = db.session.get(Job, job_id)
            job.error = STOPPED.get(job.function, "The job stopped when the server restarted.")
            record(Actor.system(), "job.stopped", job, after={
                "name": job.title, "runner": job.runner, "heartbeat": heartbeat})
    db.session.commit()


def _this_process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _runner_alive(runner: str, job_id: int) -> bool:
    """Whether the process that ran the job may still be running it; True when it cannot
    be told from here (another host: its heartbeat tells)."""
    host, _, pid = runner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True
    if int(pid) == os.getpid():
        # This process, or an earlier one with the same pid (a restarted container).
        return job_id in _running_here
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True
