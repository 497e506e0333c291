"""Print runs of thousands: chosen on the desk's page, run in the background on every core,
issued as the desk issues badges, and downloaded as files a printer spooler takes."""
from __future__ import annotations

import os
import re
import socket
import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.jobs import job_folder, wait_for_jobs
from app.models import AuditEvent, Badge, Delegate, Job, JobState, PrintScope
from app.models._types import utcnow
from app.services.audit import Actor
from app.services.codes import new_reference
from cups_support import (cups_pdf_output_dir, printed_pdf, require_cups_queue, retire_station,
                          set_up_station, stop_queue, stopped_queue, use_station)
from security_support import client_as
from support import csrf_token, hidden_fields, make_person, page_sizes, pdf_text, qr_codes_in_pdf

ACTOR = Actor.cli("test")
A4 = (595.3, 841.9)


def ready(event, photo_jpeg, **fields):
    return make_person(event, photo=photo_jpeg, stage="approved", **fields)


def clones(person, count: int, country: str | None = None) -> list[Delegate]:
    """`count` more ready people like `person` (same photo file), made directly: registering
    a thousand people through the form would take minutes."""
    columns = [c.key for c in Delegate.__table__.columns if c.key not in ("id", "reference")]
    made = []
    for i in range(count):
        values = {key: getattr(person, key) for key in columns}
        values.update(reference=new_reference(), given_name=f"Officer {i:04d}",
                      printed_name=f"Officer {i:04d} {person.family_name}",
                      email=f"officer{i}@example.org", passport_number=f"X{i:07d}")
        if country:
            values["country"] = country
        made.append(Delegate(**values))
    db.session.add_all(made)
    db.session.commit()
    return made


def start_run(client, **fields):
    """Press 'Start the print run' on the desk's page."""
    data = {**hidden_fields(client, "/desk/print-run", ""), "delegation": "", "category": "",
            "scope": "unprinted", "sheet": "", "action": "start", **fields}
    return client.post("/desk/print-run", data=data)


def finished_job(client, response) -> tuple[Job, str]:
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    wait_for_jobs(timeout=300)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    job = db.session.scalar(select(Job).order_by(Job.id.desc()))
    return job, page


def downloaded(client, page: str) -> list[bytes]:
    links = re.findall(r'href="(/desk/print-runs/\d+/files/[^"]+)"', page)
    assert links, page
    files = []
    for link in links:
        response = client.get(link)
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert "attachment" in response.headers["Content-Disposition"]
        files.append(response.data)
    return files


@pytest.mark.app_config(LANYARD_PRINT_RUN_FILE_BADGES=10, LANYARD_PRINT_RUN_WORKERS=2)
def test_a_delegation_prints_in_the_background_on_a4_sheets_split_into_files(
        client, event, login, photo_jpeg):
    people = clones(ready(event, photo_jpeg, country="SG", email="first@example.sg"), 10)
    ready(event, photo_jpeg, given_name="Other", country="TH")
    login("desk")
    job, page = finished_job(client, start_run(client, delegation="SG", sheet="a4-2x5-cr80",
                                               back="y"))
    assert job.state is JobState.DONE and (job.done, job.total) == (11, 11)
    assert "Finished: 11 of 11 (100%)" in page
    files = downloaded(client, page)
    # Ten badges a file (whole sheets), each sheet followed by its back.
    assert [page_sizes(pdf) for pdf in files] == [[A4, A4], [A4, A4]]
    badges = db.session.scalars(select(Badge)).all()
    assert len(badges) == 11 and all(b.printed_at for b in badges)
    assert sorted(code for pdf in files for code in qr_codes_in_pdf(pdf)) == \
        sorted(b.code for b in badges)
    assert {b.delegate_id for b in badges} == {p.id for p in people} | {people[0].id - 1}
    # Issued as the desk issues them: audited in the name of who started the run.
    desk = [a for a in db.session.scalars(select(AuditEvent).where(
        AuditEvent.action.in_(["badge.issued", "badge.printed"])))]
    assert len(desk) == 22 and {a.actor for a in desk} == {"staff:desk@test.example"}

    again = start_run(client, delegation="SG")
    assert again.status_code == 200
    assert "Nobody to print" in again.get_data(as_text=True)


def test_show_who_would_print_posts_and_changes_nothing(client, event, login, photo_jpeg):
    person = ready(event, photo_jpeg, given_name="Sokha", country="KH")
    login("desk")
    data = {**hidden_fields(client, "/desk/print-run", ""), "delegation": "KH", "category": "",
            "scope": "unprinted", "sheet": "", "action": "preview"}
    page = client.post("/desk/print-run", data=data).get_data(as_text=True)
    assert "1 person would print" in page and person.printed_name in page
    assert db.session.scalar(select(func.count()).select_from(Badge)) == 0
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0


def test_papers_are_offered_by_the_names_people_know(client, event, login):
    login("desk")
    page = client.get("/desk/print-run").get_data(as_text=True)
    assert "A4 card-label sheet, ten CR80 cards (2 x 5)" in page
    assert ">a4-2x5-cr80<" not in page


@pytest.mark.app_config(LANYARD_JOB_RUNNER="inline", LANYARD_PRINT_RUN_WORKERS=1)
def test_people_whose_state_changed_meanwhile_are_skipped_and_listed(
        client, event, login, photo_jpeg, tmp_path):
    from app.services.issuance import hand_over_badge, print_badge
    from app.services.print_runs import print_people
    from app.services.vetting import withdraw_clearance
    stays, changed, handed = (ready(event, photo_jpeg, given_name=n, email=f"{n}@example.org")
                              for n in ("Stays", "Changed", "Handed"))
    chosen = [(p.id, p.revision) for p in (stays, changed, handed)]
    withdraw_clearance(changed, "New information.", ACTOR, seen_revision=changed.revision)
    badge = print_badge(handed, ACTOR, seen_revision=handed.revision).badges[0]
    hand_over_badge(badge, ACTOR, seen_revision=handed.revision)
    result = print_people(event, chosen, ACTOR, folder=tmp_path)
    assert result["badges"] == 1
    assert [(s["name"], s["reason"]) for s in result["skipped"]] == [
        (changed.printed_name, "Changed after the print run was chosen; print from their page."),
        (handed.printed_name, f"Badge {badge.serial} was handed over meanwhile.")]
    assert [b.version for b in handed.badges] == [1]  # no second live version
    assert qr_codes_in_pdf((tmp_path / result["files"][0]).read_bytes()) == \
        [stays.current_badge.code]


@pytest.mark.app_config(LANYARD_JOB_RUNNER="inline", LANYARD_PRINT_RUN_WORKERS=1)
def test_printing_the_same_badges_again_keeps_one_live_version(client, event, login, photo_jpeg):
    person = ready(event, photo_jpeg)
    login("desk")
    finished_job(client, start_run(client))
    job, page = finished_job(client, start_run(client, scope="printed"))
    assert job.state is JobState.DONE
    assert [b.version for b in person.badges] == [1]
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.action.like("badge.%")).order_by(AuditEvent.id)).all()
    assert actions == ["badge.issued", "badge.printed", "badge.printed_again"]


@pytest.mark.app_config(LANYARD_JOB_RUNNER="inline", LANYARD_PRINT_RUN_WORKERS=1)
@pytest.mark.parametrize("role", ["accreditation", "door", "security"])
def test_other_roles_cannot_see_a_run_nor_download_its_files(
        client, app, event, login, photo_jpeg, role):
    ready(event, photo_jpeg)
    login("desk")
    job, page = finished_job(client, start_run(client))
    link = re.search(r'href="(/desk/print-runs/\d+/files/[^"]+)"', page).group(1)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/desk/")})
    login(role)
    for url in (link, f"/desk/print-runs/{job.id}", f"/desk/print-runs/{job.id}/status"):
        assert client.get(url).status_code == 403, url


@pytest.mark.app_config(LANYARD_JOB_RUNNER="inline", LANYARD_PRINT_RUN_WORKERS=1)
def test_a_file_outside_the_runs_folder_is_never_served(client, app, event, login, photo_jpeg):
    ready(event, photo_jpeg)
    login("desk")
    job, _ = finished_job(client, start_run(client))
    for name in ("..%2F..%2Fsecret_key", "badges-001.pdf.bak", "secret_key", "badges-999.pdf"):
        assert client.get(f"/desk/print-runs/{job.id}/files/{name}").status_code == 404, name


def send_to_station_printer(client, job: Job) -> str:
    """Press 'Send all files to printer' on the run's page; the page it leads back to."""
    page, action = f"/desk/print-runs/{job.id}", f"/desk/print-runs/{job.id}/send"
    return client.post(action, data=hidden_fields(client, page, action),
                       follow_redirects=True).get_data(as_text=True)


def run_row(event_id: int, state: JobState = JobState.DONE, **fields) -> Job:
    """A print run as its row says, without its files; a running one is run by another live
    process of this host (a second server worker) and reported just now, unless `fields` say."""
    if state is JobState.RUNNING:
        fields = {"runner": f"{socket.gethostname()}:{os.getppid()}", "heartbeat_at": utcnow(),
                  **fields}
    job = Job(function="print_run", arguments={}, title="10 badges", total=10, done=4,
              state=state, event_id=event_id, started_by="staff:desk@test.example", **fields)
    db.session.add(job)
    db.session.commit()
    return job


def sendings() -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == "print_run.sent")).all()


@pytest.mark.app_config(LANYARD_JOB_RUNNER="inline", LANYARD_PRINT_RUN_WORKERS=1,
                        LANYARD_PRINT_RUN_FILE_BADGES=2)
def test_a_finished_run_goes_to_the_stations_printer_file_by_file(
        client, event, login, photo_jpeg):
    queue = require_cups_queue()
    clones(ready(event, photo_jpeg), 4)
    login("desk")
    use_station(client, set_up_station(client, printer_queue=queue))
    job, page = finished_job(client, start_run(client))
    assert f"Send all files to printer {queue}" in page
    badges_before = {b.id: b.printed_at for b in db.session.scalars(select(Badge))}
    trail_before = db.session.scalar(select(func.count()).select_from(AuditEvent))

    page = send_to_station_printer(client, job)

    assert f"All 3 files sent to printer {queue}: badges-001.pdf (job {queue}-" in page
    [sent] = sendings()
    jobs = sent.after["jobs"]
    assert sent.object_type == "job" and sent.object_id == job.id
    assert sent.after["station"] == "Desk 1" and sent.after["queue"] == queue
    assert sent.after["files"] == ["badges-001.pdf", "badges-002.pdf", "badges-003.pdf"]
    assert len(jobs) == 3 and all(j.startswith(f"{queue}-") and j in page for j in jobs)
    # Files sent, not badges printed again: one audit record, the badges as the run left them.
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == trail_before + 1
    assert {b.id: b.printed_at for b in db.session.scalars(select(Badge))} == badges_before
    # Out of the printer, in print order: every badge of the run, and no name on the spooler.
    codes = [qr_codes_in_pdf(printed_pdf(j)) for j in jobs]
    assert [len(c) for c in codes] == [2, 2, 1]
    assert sorted(c for file in codes for c in file) == \
        sorted(db.session.scalars(select(Badge.code)))
    names = [next(cups_pdf_output_dir().glob(f"*job_{j.rsplit('-', 1)[1]}.pdf")).name for j in jobs]
    assert all(f"{event.slug}-run{job.id}-00{n}" in name for n, name in enumerate(names, 1))
    assert not any("Officer" in name or "Lestari" in name for name in names)


@pytest.mark.app_config(LANYARD_JOB_RUNNER="inline", LANYARD_PRINT_RUN_WORKERS=1)
def test_a_stopped_printer_is_named_and_nothing_is_sent_nor_recorded(
        client, event, login, photo_jpeg):
    ready(event, photo_jpeg)
    login("desk")
    with stopped_queue("Out of cards") as queue:
        use_station(client, set_up_station(client, printer_queue=queue))
        job, _ = finished_job(client, start_run(client))
        page = send_to_station_printer(client, job)
    assert f"Printer “{queue}” is stopped (Out of cards); the badge was not printed." in page
    assert sendings() == []


@pytest.mark.app_config(LANYARD_JOB_RUNNER="inline", LANYARD_PRINT_RUN_WORKERS=1,
                        LANYARD_PRINT_RUN_FILE_BADGES=1)
def test_a_printer_stopping_part_way_names_the_files_sent_and_those_not(
        client, event, login, photo_jpeg, monkeypatch):
    from app.services import printers
    clones(ready(event, photo_jpeg), 2)
    login("desk")
    with stopped_queue(stop=None) as queue:
        use_station(client, set_up_station(client, printer_queue=queue))
        job, _ = finished_job(client, start_run(client))
        submit = printers.submit

        def out_of_cards_after_one(*args, **kwargs):
            took = submit(*args, **kwargs)
            stop_queue(queue, "Out of cards")
            return took
        monkeypatch.setattr(printers, "submit", out_of_cards_after_one)
        page = send_to_station_printer(client, job)
    [sent] = sendings()
    first = sent.after["jobs"][0]
    assert f"Printer {queue} stopped taking files part-way: Printer “{queue}” is stopped " in page
    assert f"Sent: badges-001.pdf (job {first}). Not sent: badges-002.pdf, badges-003.pdf;" in page
    assert sent.after["files"] == ["badges-001.pdf"]
    assert sent.after["not_sent"] == ["badges-002.pdf", "badges-003.pdf"]


@pytest.mark.app_config(LANYARD_JOB_RUNNER="inline", LANYARD_PRINT_RUN_WORKERS=1)
def test_a_retired_station_sends_no_run_to_its_printer(app, client, event, login, staff, photo_jpeg):
    queue = require_cups_queue()
    ready(event, photo_jpeg)
    login("desk")
    station = set_up_station(client, printer_queue=queue)
    use_station(client, station)
    job, _ = finished_job(client, start_run(client))
    page, action = f"/desk/print-runs/{job.id}", f"/desk/print-runs/{job.id}/send"
    opened_before = hidden_fields(client, page, action)
    retire_station(client_as(app, staff, "admin"), station)

    assert "Send all files" not in client.get(page).get_data(as_text=True)
    sent = client.post(action, data=opened_before, follow_redirects=True).get_data(as_text=True)
    assert "Station “Desk 1” is retired: nothing prints there any more." in sent
    assert sendings() == []


def test_only_a_finished_run_can_be_sent(client, event, login):
    queue = require_cups_queue()
    login("desk")
    use_station(client, set_up_station(client, printer_queue=queue))
    job = run_row(event.id, JobState.RUNNING)
    assert "Send all files" not in client.get(f"/desk/print-runs/{job.id}").get_data(as_text=True)
    page = client.post(f"/desk/print-runs/{job.id}/send",
                       data={"csrf_token": csrf_token(client, "/desk/print-run")},
                       follow_redirects=True).get_data(as_text=True)
    assert "Only a finished print run can be sent to a printer." in page
    assert sendings() == []


def test_a_run_of_another_event_or_none_is_not_found(client, event, login):
    from datetime import timedelta

    from app.models import Event
    other = Event(slug="other", name="Other meeting", starts_on=event.starts_on - timedelta(days=400),
                  ends_on=event.ends_on - timedelta(days=400))
    db.session.add(other)
    db.session.commit()
    job = run_row(other.id)
    login("desk")
    token = csrf_token(client, "/desk/print-run")
    for run in (job.id, job.id + 1):
        assert client.post(f"/desk/print-runs/{run}/send",
                           data={"csrf_token": token}).status_code == 404
    assert sendings() == []


@pytest.mark.parametrize("role", ["door", "accreditation", "security", None])
def test_other_roles_cannot_send_a_run_to_a_printer(client, event, login, role):
    job = run_row(event.id)
    if role:
        login(role)
    response = client.post(f"/desk/print-runs/{job.id}/send",
                           data={"csrf_token": csrf_token(client, "/login")})
    if role:
        assert response.status_code == 403
    else:
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert sendings() == []


def demo_event(app, delegates: int = 20):
    from app.models import Event
    result = app.test_cli_runner().invoke(args=["demo", "--delegates", str(delegates)])
    assert result.exit_code == 0, result.output
    return db.session.scalar(select(Event))


@pytest.mark.app_config(LANYARD_PRINT_RUN_FILE_BADGES=1, LANYARD_PRINT_RUN_WORKERS=2)
def test_the_print_command_prints_a_demo_event_into_files_as_the_desk_would(app, tmp_path):
    from app.services.print_runs import Selection, choose_people
    event = demo_event(app)
    waiting = [p for p in choose_people(event, Selection())[0]]
    assert len(waiting) >= 2
    out = tmp_path / "run"
    result = app.test_cli_runner().invoke(
        args=["badges", "print", "--event", "amim22", "--out", str(out)])
    assert result.exit_code == 0, result.output + result.stderr
    assert f"Wrote {len(waiting)} badges on {len(waiting)} pages to " in result.output
    assert "Printing" in result.stderr  # the progress bar
    files = sorted(out.iterdir())
    assert [f.name for f in files][:2] == ["badges-001.pdf", "badges-002.pdf"]
    codes = [code for f in files for code in qr_codes_in_pdf(f.read_bytes())]
    db.session.expire_all()
    assert sorted(codes) == sorted(p.current_badge.code for p in waiting)
    printed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "badge.printed",
                                                          AuditEvent.actor == "cli:badges print")).all()
    assert len(printed) == len(waiting)
    again = app.test_cli_runner().invoke(args=["badges", "print", "--event", "amim22",
                                               "--out", str(tmp_path / "again")])
    assert again.exit_code == 1 and "Nobody to print" in again.output


def test_the_print_command_writes_one_file_of_one_delegation_on_sheets(app, tmp_path):
    from app.services.print_runs import Selection, choose_people
    event = demo_event(app)
    country = choose_people(event, Selection())[0][0].country
    (tmp_path / "pdf").mkdir()
    out = tmp_path / "pdf" / "delegation.pdf"
    result = app.test_cli_runner().invoke(args=[
        "badges", "print", "--event", "amim22", "--out", str(out), "--delegation", country,
        "--state", "any", "--sheet", "a4-2x5-cr80", "--back"])
    assert result.exit_code == 0, result.output
    people = choose_people(event, Selection(country, scope=PrintScope.ANY))[0]
    codes = qr_codes_in_pdf(out.read_bytes())
    assert sorted(codes) == sorted(p.current_badge.code for p in people)
    assert set(page_sizes(out.read_bytes())) == {A4}
    assert list(out.parent.iterdir()) == [out]  # no files of the run left behind


def test_reprint_and_revoke_commands_replace_and_stop_a_badge(app, tmp_path):
    from app.models import ScanDirection
    from app.services.checkin import record_scan
    event = demo_event(app, 20)
    person = db.session.scalars(select(Delegate).join(Delegate.badges)
                                .where(Badge.handed_over_at.is_not(None))).first()
    old = person.current_badge
    runner = app.test_cli_runner()
    out = tmp_path / "new.pdf"
    result = runner.invoke(args=["badges", "reprint", person.reference.lower(), "--reason", "lost",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    new = person.current_badge
    assert new.version == old.version + 1 and old.revoked_reason == "lost"
    assert qr_codes_in_pdf(out.read_bytes()) == [new.code]
    assert person.printed_name in pdf_text(out.read_bytes())
    main = next(c for c in event.checkpoints if c.code == "MAIN")
    assert record_scan(main, old.code, ScanDirection.IN, ACTOR).verdict.value == "reported_lost"

    result = runner.invoke(args=["badges", "revoke", person.reference, "--reason", "stolen"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert new.revoked_reason == "stolen" and person.current_badge is None
    revoked = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "badge.revoked")
                                 .order_by(AuditEvent.id)).all()
    assert [a.actor for a in revoked][-2:] == ["cli:badges reprint", "cli:badges revoke"]
    refused = runner.invoke(args=["badges", "revoke", person.reference, "--reason", "stolen"])
    assert refused.exit_code == 1 and "has no working badge" in refused.output
    unknown = runner.invoke(args=["badges", "revoke", "LY-0000-0000", "--reason", "lost"])
    assert unknown.exit_code == 1 and "No person" in unknown.output


def gone_process() -> str:
    """The runner name of a process of this host that has ended (a restarted server's)."""
    ended = subprocess.Popen(["true"])
    ended.wait()
    return f"{socket.gethostname()}:{ended.pid}"


STOPPED = "The print run stopped when the server restarted; start it again."


@pytest.mark.app_config(LANYARD_JOB_RUNNER="inline", LANYARD_PRINT_RUN_WORKERS=1,
                        LANYARD_PRINT_RUN_FILE_BADGES=1)
def test_a_run_whose_server_restarted_shows_it_stopped_and_starts_again(
        client, event, login, photo_jpeg):
    people = [ready(event, photo_jpeg, given_name=n, email=f"{n}@example.org") for n in ("Ana", "Budi")]
    login("desk")
    job, _ = finished_job(client, start_run(client))
    # As its row was when the server went down: one file of two made, the other one lost.
    job.state, job.done, job.finished_at, job.result = JobState.RUNNING, 1, None, None
    job.runner = gone_process()
    db.session.commit()
    (job_folder(job.id) / "badges-002.pdf").unlink()

    page = client.get(f"/desk/print-runs/{job.id}").get_data(as_text=True)
    assert STOPPED in page and "Failed: 1 of 2" in page and "Start it again" in page
    assert "badges-001.pdf" in page and "badges-002.pdf" not in page  # what it made stays
    assert "<noscript><meta" not in page  # no longer refreshing for ever
    stopped = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "job.stopped"))
    assert stopped.actor == "system" and stopped.object_id == job.id

    url, action = f"/desk/print-runs/{job.id}", f"/desk/print-runs/{job.id}/start-again"
    response = client.post(action, data=hidden_fields(client, url, action))
    again, page = finished_job(client, response)
    assert again.id != job.id and again.again_of_id == job.id
    assert again.state is JobState.DONE and (again.done, again.total) == (2, 2)
    assert f"Starts again <a href=\"/desk/print-runs/{job.id}\">print run {job.id}</a>" in page
    # The badges the stopped run had marked printed print again: the same ones, no new version.
    assert again.result["badges"] == 2 and again.result["skipped"] == []
    assert [[b.version for b in p.badges] for p in people] == [[1], [1]]
    started = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "job.started")
                                 .order_by(AuditEvent.id)).all()
    assert [e.after.get("again_of") for e in started] == [None, job.id]
    assert started[-1].actor.startswith("staff:")

    page = client.get(url).get_data(as_text=True)
    assert f"Started again as <a href=\"/desk/print-runs/{again.id}\">" in page
    assert "Start it again" not in page
    page = client.post(action, data={"csrf_token": csrf_token(client, "/desk/print-run")},
                       follow_redirects=True).get_data(as_text=True)
    assert f"This print run was started again already (run {again.id})." in page


def test_a_run_not_heard_of_for_longer_than_the_limit_is_shown_stopped(client, event, login):
    login("desk")
    limit = client.application.config["LANYARD_JOB_STALE_AFTER"]
    elsewhere = {"runner": "print-server-2:4242"}  # another host: only its heartbeat tells
    late = run_row(event.id, JobState.RUNNING, heartbeat_at=utcnow() - timedelta(seconds=limit + 60),
                   **elsewhere)
    on_time = run_row(event.id, JobState.RUNNING, heartbeat_at=utcnow() - timedelta(seconds=limit // 2),
                      **elsewhere)
    status = client.get(f"/desk/print-runs/{late.id}/status").get_json()
    assert status["state"] == "failed" and status["finished"] is True
    assert client.get(f"/desk/print-runs/{on_time.id}/status").get_json()["state"] == "running"
    page = client.get(f"/desk/print-runs/{late.id}").get_data(as_text=True)
    assert STOPPED in page and "Start it again" in page


def test_a_run_going_on_in_another_worker_of_this_server_is_left_running(client, event, login):
    login("desk")
    job = run_row(event.id, JobState.RUNNING)  # a live process of this host, heard of just now
    page = client.get("/desk/print-run").get_data(as_text=True)
    assert "Running" in page and "Failed" not in page
    assert client.get(f"/desk/print-runs/{job.id}/status").get_json()["state"] == "running"


@pytest.mark.app_config(LANYARD_PRINT_RUN_WORKERS=1)
def test_starting_a_run_marks_those_an_earlier_server_left_running(client, event, login, photo_jpeg):
    ready(event, photo_jpeg)
    login("desk")
    left = run_row(event.id, JobState.RUNNING, runner=gone_process())
    finished_job(client, start_run(client))  # the default runner, a thread of this process
    assert left.state is JobState.FAILED and left.error == STOPPED


@pytest.mark.browser
@pytest.mark.app_config(LANYARD_JOB_RUNNER="inline", LANYARD_PRINT_RUN_WORKERS=1)
def test_the_progress_page_open_in_a_browser_turns_to_stopped_and_starts_the_run_again(
        event, photo_jpeg, page, live_server, browser_login):
    from playwright.sync_api import expect

    from app.services.print_runs import Selection, start_print_run
    ready(event, photo_jpeg)
    user = browser_login("desk")
    job = start_print_run(event, Selection(), Actor.staff(user))
    job.state, job.done, job.finished_at = JobState.RUNNING, 0, None
    job.runner, job.heartbeat_at = f"{socket.gethostname()}:{os.getppid()}", utcnow()
    db.session.commit()
    page.goto(f"{live_server}/desk/print-runs/{job.id}")
    expect(page.locator("[data-progress-text]")).to_have_text("Running: 0 of 1 (0%)")
    job.runner = gone_process()  # its server restarts while the page polls
    db.session.commit()
    expect(page.get_by_role("alert")).to_have_text(STOPPED)
    page.get_by_role("button", name="Start it again").click()
    expect(page.locator("[data-progress-text]")).to_have_text("Finished: 1 of 1 (100%)")
    expect(page.locator("[data-files] a")).to_have_count(1)


def test_a_runner_whose_run_was_marked_stopped_stops_at_its_next_report(app, event):
    from app.jobs import JobStopped, Progress, stop_dead_jobs
    job = run_row(event.id, JobState.RUNNING, runner=gone_process())
    stop_dead_jobs([job])
    with pytest.raises(JobStopped):
        Progress(job.id)(5, 10)
    assert (job.state, job.done) == (JobState.FAILED, 4)


def test_while_a_run_goes_on_its_page_refreshes_itself_without_javascript(client, event, login):
    login("desk")
    job = run_row(event.id, JobState.RUNNING)
    page = client.get(f"/desk/print-runs/{job.id}").get_data(as_text=True)
    assert '<noscript><meta http-equiv="refresh"' in page
    assert 'value="40"' in page and "Running: 4 of 10 (40%)" in page
    status = client.get(f"/desk/print-runs/{job.id}/status").get_json()
    assert status == {"state": "running", "title": "Running", "done": 4, "total": 10,
                      "percent": 40, "finished": False}


@pytest.mark.browser
@pytest.mark.app_config(LANYARD_PRINT_RUN_WORKERS=2)
def test_a_run_of_many_files_in_the_browser_reaches_100_percent_and_every_code_decodes(
        event, photo_jpeg, page, live_server, browser_login):
    from playwright.sync_api import expect
    # Enough for a full file of 200 and a part-filled one: what a thousand would show too.
    clones(ready(event, photo_jpeg, given_name="First", country="MY"), 249)
    browser_login("desk")
    page.goto(f"{live_server}/desk/print-run")
    page.select_option("select[name=sheet]", "a4-2x5-cr80")
    page.click("button[value=start]")
    expect(page.locator("h1")).to_contain_text("Print run: 250 badges")
    # The bar is driven by the page's script polling the status; once done the page shows the files.
    expect(page.locator("[data-progress-text]")).to_have_text(
        "Finished: 250 of 250 (100%)", timeout=600_000)
    expect(page.locator("progress")).to_have_attribute("value", "100")
    links = page.locator("[data-files] a")
    expect(links).to_have_count(2)  # 200 badges a file
    codes = []
    for i in range(2):
        response = page.request.get(live_server + links.nth(i).get_attribute("href"))
        assert response.ok and response.headers["content-type"] == "application/pdf"
        codes += qr_codes_in_pdf(response.body())
    wait_for_jobs(timeout=60)
    db.session.rollback()  # end the test's own read, begun before the run wrote
    assert sorted(codes) == sorted(db.session.scalars(select(Badge.code)))
    assert len(codes) == 250
