"""Print runs on every core: files of badges rendered by a pool of worker processes, each
started once with the event and its fonts loaded. The caller keeps everything else (the
database, the order of files) and hands over plain data only."""
from __future__ import annotations

import multiprocessing
import os
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Iterable, Iterator, Mapping

from . import text
from .layout import Layout
from .model import BadgeData, EventInfo, RenderReport
from .render import render_badges

# What every file of a run shares, set once in each worker by _start_worker.
_run_settings: dict = {}


def _start_worker(settings: dict) -> None:
    text.load_all_fonts()
    _run_settings.update(settings)


def _render_file(path: str, badges: list[BadgeData]) -> RenderReport:
    return render_badges(badges, path, **_run_settings)


class RenderPool:
    """Render files of badges in worker processes; use as a context manager.

    `workers` defaults to every core. Workers are spawned, not forked: a fork of a web
    server's process would copy its threads' locks and its database connections."""

    def __init__(self, *, event: EventInfo, layout: str | Layout | None = None,
                 sheet: str | None = None, back: bool = False,
                 layouts_by_category: Mapping[str, str | Layout] | None = None,
                 workers: int | None = None):
        self.workers = workers or os.cpu_count() or 1
        settings = dict(event=event, layout=layout, sheet=sheet, back=back,
                        layouts_by_category=dict(layouts_by_category or {}))
        self._executor = ProcessPoolExecutor(
            max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker, initargs=(settings,))

    def __enter__(self) -> RenderPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close(cancel=exc[0] is not None)

    def close(self, cancel: bool = False) -> None:
        self._executor.shutdown(wait=True, cancel_futures=cancel)

    def render(self, files: Iterable[tuple[str, list[BadgeData]]]
               ) -> Iterator[tuple[str, list[BadgeData], RenderReport]]:
        """Render each (path, badges) to its PDF file and yield (path, badges, report) in the
        order given. Only a few files are in flight at once: the caller's iterable is read as
        workers free up, so a run of any length holds a bounded number of badges in memory."""
        pending: deque[tuple[str, list[BadgeData], Future]] = deque()
        for path, badges in files:
            pending.append((path, badges, self._executor.submit(_render_file, path, badges)))
            if len(pending) > self.workers:
                path, badges, future = pending.popleft()
                yield path, badges, future.result()
        while pending:
            path, badges, future = pending.popleft()
            yield path, badges, future.result()
