"""The machine's print server (CUPS), through its own client tools `lpstat` and `lp`: which
queues there are, whether one can print now, sending a PDF to it, and how its jobs went.

Commands get argument lists (never a shell), a C locale (their answers are parsed), and a
timeout: a print server that hangs never hangs the desk.
"""
from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass

from flask import current_app

from ..models import PrintJobState
from .errors import ServiceError

# What CUPS accepts in a queue name, less what would need quoting anywhere.
QUEUE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,126}$")
TIMEOUT_SECONDS = 15


class PrinterError(ServiceError):
    """The printer cannot take the badge now; nothing was printed or recorded."""

    code = "printer_error"


@dataclass(frozen=True)
class Queue:
    name: str
    #: Not stopped (cupsdisable): jobs print rather than wait.
    enabled: bool
    #: Takes new jobs (not cupsreject'ed).
    accepting: bool
    #: Why it is stopped or rejecting, as the printer or its operator said.
    reason: str = ""

    @property
    def ready(self) -> bool:
        return self.enabled and self.accepting


def _run(tool: str, *args: str, data: bytes | None = None,
         timeout: float = TIMEOUT_SECONDS) -> subprocess.CompletedProcess:
    server = current_app.config.get("LANYARD_CUPS_SERVER") or ""
    command = [tool, *(["-h", server] if server else []), *args]
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    try:
        return subprocess.run(command, input=data, capture_output=True, timeout=timeout,
                              env=env, check=False)
    except FileNotFoundError:
        raise PrinterError(f"This server cannot print: the CUPS client tools ({tool}) are not "
                           "installed. Print from the browser instead.", code="cups_missing") from None
    except subprocess.TimeoutExpired:
        raise PrinterError("The print server (CUPS) did not answer in time; nothing was printed. "
                           "Check that it is running.", code="cups_unavailable") from None


def _text(result: subprocess.CompletedProcess) -> str:
    return (result.stdout + result.stderr).decode("utf-8", "replace")


def _lpstat_with_scheduler(*args: str) -> tuple[subprocess.CompletedProcess, str]:
    """`lpstat -r ARGS` (one command: printing waits for every one): its result and text, or
    PrinterError when the scheduler is not there."""
    result = _run("lpstat", "-r", *args)
    text = _text(result)
    if "scheduler is running" not in text:
        raise PrinterError("The print server (CUPS) is not running or cannot be reached; nothing "
                           "was printed. Start it, or print from the browser.",
                           code="cups_unavailable")
    return result, text


def list_queues() -> list[Queue]:
    """Every queue the print server offers, with its state."""
    return _parse_queues(_lpstat_with_scheduler("-p", "-a")[1])


def queue_status(name: str) -> Queue:
    """One queue's state, or PrinterError if the print server is away or has no such queue."""
    if not QUEUE_NAME.match(name or ""):
        raise PrinterError(f"“{name}” is not a printer queue name.", code="no_such_queue")
    result, text = _lpstat_with_scheduler("-p", name, "-a", name)
    queues = {q.name: q for q in _parse_queues(text)}
    if result.returncode != 0 or name not in queues:
        raise PrinterError(f"The print server has no printer queue “{name}”; nothing was printed. "
                           "Choose the station's printer again.", code="no_such_queue")
    return queues[name]


def _parse_queues(text: str) -> list[Queue]:
    """Read `lpstat -p -a`: "printer Q is idle.  enabled since ..." or "printer Q disabled since
    ... -" (the reason on the next, indented line), and "Q accepting requests since ..." or
    "Q not accepting requests since ..."."""
    enabled: dict[str, bool] = {}
    accepting: dict[str, bool] = {}
    reasons: dict[str, str] = {}
    troubled = None  # the queue a stopped or rejecting line was about: its reason follows
    for line in text.splitlines():
        if line[:1].isspace():
            if troubled and line.strip():
                reasons.setdefault(troubled, line.strip())
            continue
        words = line.split()
        troubled = None
        if len(words) >= 3 and words[0] == "printer":
            enabled[words[1]] = "disabled" not in words[2:4]
            troubled = None if enabled[words[1]] else words[1]
        elif words[1:3] == ["accepting", "requests"]:
            accepting[words[0]] = True
        elif words[1:4] == ["not", "accepting", "requests"]:
            accepting[words[0]] = False
            troubled = words[0]
    return [Queue(name, enabled[name], accepting.get(name, True), reasons.get(name, ""))
            for name in sorted(enabled)]


def require_ready(name: str) -> Queue:
    """The queue if it can print now; else PrinterError saying why in words the desk can act on.

    A stopped queue (cupsdisable) still takes jobs and holds them: the badge would wait
    in the queue while the desk believes it printed, so it is refused here first."""
    queue = queue_status(name)
    why = f" ({queue.reason})" if queue.reason else ""
    if not queue.enabled:
        raise PrinterError(f"Printer “{name}” is stopped{why}; the badge was not printed. Fix the "
                           "printer and enable the queue (cupsenable), then print again.",
                           code="printer_stopped")
    if not queue.accepting:
        raise PrinterError(f"Printer “{name}” does not accept jobs{why}; the badge was not "
                           "printed. Let it accept jobs again (cupsaccept), then print again.",
                           code="printer_rejecting")
    return queue


def submit(name: str, pdf: bytes, title: str) -> str:
    """Send a PDF to a ready queue; CUPS's request id (e.g. "LanyardPDF-12") once it took it."""
    require_ready(name)
    # The page size of the badge itself: else the queue's default paper (A4, Letter) is used.
    result = _run("lp", "-d", name, "-t", title, "-o", f"media={pdf_media(pdf)}", data=pdf)
    match = re.search(r"request id is (\S+)", _text(result))
    if result.returncode != 0 or not match:
        detail = _text(result).strip().removeprefix("lp: ")[:200]
        raise PrinterError(f"Printer “{name}” refused the badge ({detail}); it was not printed.",
                           code="printer_refused")
    return match.group(1)


def pdf_media(pdf: bytes) -> str:
    """The first page's size as a CUPS custom media name, e.g. "Custom.53.98x85.60mm"."""
    import pypdfium2
    document = pypdfium2.PdfDocument(pdf)
    try:
        width, height = document[0].get_size()
    finally:
        document.close()
    return f"Custom.{width * 25.4 / 72:.2f}x{height * 25.4 / 72:.2f}mm"


def cancel(job: str) -> None:
    """Withdraw a job (its badge was not recorded after all); best effort."""
    try:
        _run("cancel", job)
    except PrinterError:
        current_app.logger.warning("print job %s could not be cancelled", job)


def job_states(jobs: list[str]) -> dict[str, PrintJobState]:
    """How these jobs stand; "unknown" for jobs CUPS no longer lists, or when it is away (asked
    briefly: a page showing jobs never waits long for a print server that is gone)."""
    if not jobs:
        return {}
    try:
        queues = sorted({job.rsplit("-", 1)[0] for job in jobs if QUEUE_NAME.match(job)})
        done = _job_ids(_run("lpstat", "-W", "completed", "-o", *queues, timeout=3))
        waiting = _job_ids(_run("lpstat", "-W", "not-completed", "-o", *queues, timeout=3))
        busy = set(re.findall(r"now printing (\S+?)\.",
                              _text(_run("lpstat", "-p", *queues, timeout=3))))
    except PrinterError:
        done, waiting, busy = set(), set(), set()
    return {job: PrintJobState.PRINTING if job in busy else PrintJobState.WAITING if job in waiting
            else PrintJobState.DONE if job in done else PrintJobState.UNKNOWN for job in jobs}


def _job_ids(result: subprocess.CompletedProcess) -> set[str]:
    return {line.split()[0] for line in _text(result).splitlines()
            if line.strip() and not line[0].isspace()}
