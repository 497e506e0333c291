"""A background job (a print run): what it runs, who started it, how far it is, what it made."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import UTCDateTime, coded_enum, utcnow
from .enums import JobState
from .event import Event
from .staff import StaffUser


class Job(db.Model):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The importable function it runs, "module:function", one of those app/jobs allows.
    function: Mapped[str] = mapped_column(String(200))
    #: Its plain keyword arguments (JSON), so any runner (a thread, RQ) can call it.
    arguments: Mapped[dict] = mapped_column(JSON, default=dict)
    #: What people read in lists, e.g. "Badges of Singapore, A4 sheets".
    title: Mapped[str] = mapped_column(String(300), default="")
    state: Mapped[JobState] = mapped_column(coded_enum(JobState), default=JobState.QUEUED,
                                            index=True)
    #: Progress: `done` of `total` items (badges) so far.
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    #: What it made: {"files": [names in its folder], "skipped": [{"name", "reason"}], ...}.
    result: Mapped[dict | None] = mapped_column(JSON)
    #: Why it failed, in words for the desk.
    error: Mapped[str] = mapped_column(Text, default="")
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                                 index=True)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    #: The audit trail's name of who started it ("staff:...", "cli:badges print").
    started_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The process running it, "host:pid": another process of the same host can tell it is gone.
    runner: Mapped[str] = mapped_column(String(300), default="", server_default="")
    #: When its runner last said it was alive (at the start, then at each progress report).
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The failed job this one starts again, if any.
    again_of_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"),
                                                    index=True)

    event: Mapped[Event | None] = relationship()
    starter: Mapped[StaffUser | None] = relationship()
    again_of: Mapped[Job | None] = relationship(remote_side=[id])

    @property
    def percent(self) -> int:
        if self.state is JobState.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.function} {self.state.value}>"
