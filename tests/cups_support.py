"""The machine's CUPS server with Debian's cups-pdf virtual printer, for tests that print for real.

Without CUPS the tests that need it skip; with LANYARD_REQUIRE_CUPS=1 (CI) they fail instead.
"""
from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest

QUEUE = os.environ.get("LANYARD_TEST_CUPS_QUEUE", "LanyardPDF")
CUPS_PDF_PPD = "/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd"
CUPS_PDF_CONF = Path("/etc/cups/cups-pdf.conf")


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=30,
                          env={**os.environ, "LC_ALL": "C"})


def require_cups_queue() -> str:
    """The cups-pdf queue the tests print to; skip (or fail under LANYARD_REQUIRE_CUPS) without it."""
    problem = None
    if not shutil.which("lpstat"):
        problem = "the CUPS client tools are not installed (apt-get install cups cups-client)"
    elif "scheduler is running" not in _run("lpstat", "-r").stdout:
        problem = "the CUPS scheduler is not running (start cupsd)"
    elif _run("lpstat", "-p", QUEUE).returncode != 0:
        problem = (f"there is no CUPS queue {QUEUE} (lpadmin -p {QUEUE} -v cups-pdf:/ "
                   f"-P {CUPS_PDF_PPD} -E)")
    if problem:
        if os.environ.get("LANYARD_REQUIRE_CUPS"):
            pytest.fail(f"LANYARD_REQUIRE_CUPS is set but {problem}")
        pytest.skip(f"printing tests need CUPS: {problem}")
    return QUEUE


def cups_pdf_output_dir() -> Path:
    """Where cups-pdf writes for the user the tests (and so `lp`) run as: its `Out` setting."""
    out = "${HOME}/PDF"
    if CUPS_PDF_CONF.exists():
        for line in CUPS_PDF_CONF.read_text().splitlines():
            if re.match(r"^\s*Out\s+", line):
                out = line.split(None, 1)[1].strip()
    user = pwd.getpwuid(os.getuid())
    return Path(out.replace("${HOME}", user.pw_dir).replace("${USER}", user.pw_name))


def printed_pdf(job: str, timeout: float = 90) -> bytes:
    """The PDF cups-pdf made of a job ("<queue>-<n>"): its file ends in "job_<n>.pdf", whatever
    the title became; read once it is complete (workers print at the same time)."""
    number = job.rsplit("-", 1)[1]
    folder = cups_pdf_output_dir()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = list(folder.glob(f"*job_{number}.pdf")) if folder.exists() else []
        if found:
            data = found[0].read_bytes()
            if data.rstrip().endswith(b"%%EOF"):
                return data
        time.sleep(0.5)
    raise AssertionError(f"cups-pdf wrote no file for job {job} in {folder}")


@contextlib.contextmanager
def stopped_queue(reason: str = "Out of cards", stop: str | None = "cupsdisable"):
    """A cups-pdf queue of this test's own, stopped as a printer out of cards is (cupsdisable),
    or refusing jobs (stop="cupsreject"), or working (stop=None) to stop it later with
    stop_queue(); the shared queue keeps printing for the other workers."""
    require_cups_queue()
    name = f"LanyardStopped{uuid.uuid4().hex[:8]}"
    made = _run("lpadmin", "-p", name, "-v", "cups-pdf:/", "-P", CUPS_PDF_PPD, "-E")
    if made.returncode != 0:
        pytest.fail(f"cannot add a test queue: {made.stderr}")
    try:
        if stop:
            stop_queue(name, reason, stop)
        yield name
    finally:
        _run("lpadmin", "-x", name)


def stop_queue(name: str, reason: str = "Out of cards", stop: str = "cupsdisable") -> None:
    _run(stop, "-r", reason, name)


def set_up_station(client, **fields):
    """A desk station set up on the Stations page; None if the page refused it."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Station
    from support import csrf_token
    data = {"csrf_token": csrf_token(client, "/desk/stations"), "name": "Desk 1",
            "printer_queue": "", "layout": "", "sheet": "", **fields}
    client.post("/desk/stations", data={k: v for k, v in data.items() if v is not False})
    return db.session.scalar(select(Station).where(Station.name == data["name"]))


def use_station(client, station) -> None:
    """This test client's browser becomes the station (its cookie)."""
    from support import hidden_fields
    url = f"/desk/stations/{station.id}/use"
    response = client.post(url, data=hidden_fields(client, f"/desk/stations/{station.id}", url))
    assert response.status_code == 302


def print_from_person_page(client, person, follow: bool = True):
    """Press Print on the person's desk page."""
    from support import hidden_fields
    page = f"/desk/people/{person.id}"
    action = f"/desk/people/{person.id}/print"
    return client.post(action, data=hidden_fields(client, page, action), follow_redirects=follow)


def retire_station(client, station, confirm: bool = True):
    """An admin presses "Retire station" on the station's page, the box ticked or not."""
    from support import hidden_fields
    url = f"/desk/stations/{station.id}/retire"
    data = hidden_fields(client, f"/desk/stations/{station.id}", url)
    return client.post(url, data={**data, **({"confirm": "y"} if confirm else {})},
                       follow_redirects=True)
