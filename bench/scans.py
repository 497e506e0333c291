"""Door scans under load: POST /api/v1/scans served by gunicorn (two workers of four threads)
on PostgreSQL, driven on loopback at fixed request rates, and the time to verify one badge
signature in Python and in the door page's JavaScript (headless Chromium).

    python bench/scans.py [--rates 50,100,200] [--seconds 10] [--people 3000] [--threads 4]
                          [--database-url postgresql://postgres@127.0.0.1:5432/lanyard_bench_scans]
                          [--baseline-ref REF] [--also-threads N] [--repeat N]
                          [--browser-verifies 2000] [--no-browser] [--new-connections]
                          [--latencies FILE]

The database named by --database-url is created for the run and dropped after it. It holds
the demo event with --people handed-over badges, some revoked, and door accounts logged in
as door devices are (session cookie and CSRF header). Each rate sends for --seconds a mix of
entries, exits, second entries (already_inside), revoked, forged and wrong-zone badges at the
main entrance and the plenary hall. The generator is open-loop: each request leaves at its
scheduled time whether or not earlier ones came back, and its latency counts from that time,
so a slow server shows as latency rather than as a lower offered rate. Requests not answered
within 5 s, and those due while 100 others still wait (not sent), count as errors. Each door
device keeps its connections open between requests, at most six at once, as a browser does
(a request waits for a free one, and that wait counts); --new-connections opens one per request.

--baseline-ref REF also serves the app as it was at git commit REF (same database, same
gunicorn settings) and alternates both at every rate, so the ratios come from one run on the
same machine under the same load. --also-threads N does the same for the app as it is, served
with N threads per worker. --repeat N measures each rate N times (the spread of p99 shows how
reliably a target is met); --latencies FILE writes every request's due time and latency, to see
whether the slow ones come together (a pause) or alone.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import gc
import http.cookiejar
import json
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/lanyard_bench_scans"
PASSWORD = "bench door password"
DOOR_DEVICES = 4
REVOKED_PEOPLE = 150
# What each request of the mix is, and how often (out of 100).
MIX = {"entry": 44, "exit": 30, "again": 5, "revoked": 7, "forged": 7, "wrong_zone": 7}
CHECKPOINTS = {"MAIN": None, "PLENARY": "1"}  # checkpoint: the zone it guards (None: venue)
# A request not answered by then counts as an error (the server still does the work).
REQUEST_TIMEOUT = 5.0
# Requests waiting for an answer at most; one due while this many wait is not sent and counts
# as an error, so an overloaded server's queue stays short and the next rate starts clean.
MAX_OUTSTANDING = 100
# Connections a browser opens to one server at most (HTTP/1.1): a door page's requests share them.
BROWSER_CONNECTIONS = 6
# The door's target: p99 under this at 200 scans a second.
P99_TARGET_MS = 20


# ---------------------------------------------------------------------------- database and data

def psycopg_url(url: str) -> str:
    return re.sub(r"^postgres(ql)?(\+psycopg)?://", "postgresql+psycopg://", url)


def admin_connection(url: str):
    """A connection to the server's maintenance database, to create and drop the bench's own."""
    import psycopg
    parts = urllib.parse.urlsplit(re.sub(r"^postgres(ql)?(\+psycopg)?://", "postgresql://", url))
    return psycopg.connect(urllib.parse.urlunsplit(parts._replace(path="/postgres")),
                           autocommit=True), parts.path.lstrip("/")


def recreate_database(url: str) -> None:
    conn, name = admin_connection(url)
    with conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    conn, name = admin_connection(url)
    with conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Seeded:
    codes: list[str]  # live, handed-over badges
    revoked: list[str]
    wrong_zone_checkpoint: str
    doors: list[str]  # door account e-mails


def seed(database_url: str, instance: str, people: int) -> Seeded:
    """The demo event with `people` handed-over badges (some revoked) and door accounts.

    Written straight into the tables (services would spend minutes on photos and PDFs), with
    codes signed by the event's own key as issue_badge signs them.
    """
    from flask_migrate import upgrade
    from sqlalchemy import select

    from app import create_app
    from app.extensions import db
    from app.models import Badge, Category, Delegate, DelegateStatus, Delegation, StaffRole
    from app.models._types import utcnow
    from app.services.audit import Actor
    from app.services.codes import new_reference, sign_badge_code
    from app.services.demo import create_demo_event
    from app.services.keys import current_signing_key, private_key
    from app.services.staff import create_staff_user

    app = create_app({"SQLALCHEMY_DATABASE_URI": psycopg_url(database_url),
                      "INSTANCE_PATH": instance})
    with app.app_context():
        upgrade()
        event, _ = create_demo_event(0, with_staff=False)
        delegate_category = db.session.scalar(select(Category).where(
            Category.event_id == event.id, Category.code == "D"))
        delegations = list(db.session.scalars(select(Delegation).where(
            Delegation.event_id == event.id)))
        key = current_signing_key(event)
        signer = private_key(key)
        handed = utcnow() - timedelta(hours=1)
        rng = random.Random(8)
        persons = []
        for i in range(people + REVOKED_PEOPLE):
            delegation = delegations[i % len(delegations)]
            given, family = f"Delegate{i:05d}", rng.choice(["Lestari", "Santos", "Nguyen", "Tan"])
            person = Delegate(
                event_id=event.id, delegation_id=delegation.id, category=delegate_category,
                reference=new_reference(), status=DelegateStatus.READY, given_name=given,
                family_name=family, printed_name=f"{given} {family}", country=delegation.country,
                organisation="Ministry of Defence", email=f"{given.lower()}@bench.example",
                nationality=delegation.country, zones=list(delegate_category.default_zones))
            person.badges.append(Badge(version=1, code=f"pending-{secrets.token_hex(16)}",
                                       signing_key=key, printed_at=handed, handed_over_at=handed,
                                       revoked_at=handed if i >= people else None,
                                       revoked_reason="withdrawn" if i >= people else ""))
            persons.append(person)
        db.session.add_all(persons)
        db.session.flush()
        for person in persons:
            badge = person.badges[0]
            badge.code = sign_badge_code(signer, key_number=key.number, event_id=event.id,
                                         badge_id=badge.id, badge_version=badge.version)
        doors = [create_staff_user(f"door{n}@bench.example", PASSWORD, StaffRole.DOOR,
                                   Actor.cli("bench")).email for n in range(DOOR_DEVICES)]
        db.session.commit()
        codes = [p.badges[0].code for p in persons]
        # Delegates have no VIP lounge (zone 6): at its door they are refused.
        wrong = "VIP"
        assert all(zone.code != "6" for zone in delegate_category.default_zones)
        db.engine.dispose()
    return Seeded(codes[:people], codes[people:], wrong, doors)


# ---------------------------------------------------------------------------- the servers

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_environment(database_url: str, instance: str) -> dict:
    env = dict(os.environ)
    env.update({"LANYARD_DATABASE_URL": database_url, "LANYARD_INSTANCE_PATH": instance,
                "LANYARD_SECURE_COOKIES": "0"})
    return env


def start_gunicorn(source: Path, env: dict, workers: int, threads: int) -> tuple[subprocess.Popen, str]:
    """The app from `source` under gunicorn, as a deployment serves it; its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads", str(threads),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "app:create_app()"],
        cwd=source, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn serving {source} stopped at start (exit {process.returncode})")
        try:
            urllib.request.urlopen(f"{base}/login", timeout=2).read()
            return process, base
        except OSError:
            time.sleep(0.3)
    process.terminate()
    sys.exit(f"gunicorn serving {source} did not answer within a minute")


def worker_cpu_seconds(master: subprocess.Popen) -> float:
    """CPU time the gunicorn master's workers have used: a cost per scan that other work on
    the machine does not change, where latency does."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master.pid:  # parent; then user and system time in fields 11, 12
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def export_source(ref: str, folder: Path) -> Path:
    """The repository's files at commit `ref`, without touching the work tree."""
    archive = subprocess.run(["git", "archive", "--format=tar", ref], cwd=ROOT, check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


@dataclass
class Door:
    """A logged-in door device: its cookies and CSRF token, as the door page holds them."""

    cookie: str
    csrf: str
    device: str


def user_agent(device: str) -> str:
    return f"lanyard-bench {device}"


def log_in_door(base: str, email: str, device: str) -> Door:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    # The browser that logs in is the one that scans: the session is bound to its user agent
    # (Flask-Login's session protection), and another would have it re-signed at every scan.
    opener.addheaders = [("User-Agent", user_agent(device))]
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": PASSWORD})
    opener.open(f"{base}/login", data=form.encode()).read()
    session = json.loads(opener.open(f"{base}/api/v1/door/session").read())
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return Door(cookie, session["csrf_token"], device)


# ---------------------------------------------------------------------------- the crowd

@dataclass
class Crowd:
    """Who the generator believes is inside each zone, so each request's verdict is known."""

    codes: list[str]
    revoked: list[str]
    wrong_zone_checkpoint: str
    rng: random.Random = field(default_factory=lambda: random.Random(22))

    def __post_init__(self):
        self.outside = {}
        self.inside = {}
        for checkpoint in CHECKPOINTS:
            order = self.codes[:]
            self.rng.shuffle(order)
            self.outside[checkpoint] = deque(order)
            self.inside[checkpoint] = deque()

    def next_scan(self) -> tuple[dict, str]:
        """The next request body and the verdict it should get."""
        kind = self.rng.choices(list(MIX), weights=list(MIX.values()))[0]
        checkpoint = self.rng.choice(list(CHECKPOINTS))
        inside, outside = self.inside[checkpoint], self.outside[checkpoint]
        if kind in ("exit", "again") and len(inside) < 50:
            kind = "entry"  # nobody to let out yet
        elif kind == "entry" and len(outside) < 50:
            kind = "exit"  # everyone is in: long runs keep going
        if kind == "entry":
            code = outside.popleft()
            inside.append(code)
            return self._body(code, checkpoint, "in"), "accepted"
        if kind == "exit":
            code = inside.popleft()  # who entered first leaves first
            outside.append(code)
            return self._body(code, checkpoint, "out"), "accepted"
        if kind == "again":
            # Someone who entered a while ago: long since recorded, whatever the latency.
            return self._body(inside[self.rng.randrange(len(inside) // 4, len(inside) // 2)], checkpoint,
                              "in"), \
                "already_inside"
        if kind == "revoked":
            return self._body(self.rng.choice(self.revoked), checkpoint, "in"), "revoked"
        if kind == "forged":
            code = self.rng.choice(self.codes)
            at = self.rng.randrange(16, 100)  # a character of the signature
            forged = code[:at] + ("A" if code[at] != "A" else "B") + code[at + 1:]
            return self._body(forged, checkpoint, "in"), "invalid_signature"
        code = self.rng.choice(self.codes)
        return self._body(code, self.wrong_zone_checkpoint, "in"), "wrong_checkpoint"

    def _body(self, code: str, checkpoint: str, direction: str) -> dict:
        return {"code": code, "checkpoint": checkpoint, "direction": direction,
                "nonce": secrets.token_hex(12)}


# ---------------------------------------------------------------------------- the generator

NOT_SENT = -1


@dataclass
class Result:
    at: float  # seconds from the start of the rate at which it was due
    latency: float  # seconds from the scheduled send time to the end of the answer
    status: int  # 0: no answer (connection error or timeout), NOT_SENT: too many waiting
    verdict: str
    expected: str


class Connections:
    """One door device's connections to the server. Kept open between requests, at most six at
    once, as a browser keeps them (a request waits for a free one); or, with `keep_alive` False,
    a new connection for every request."""

    def __init__(self, host: str, port: int, keep_alive: bool):
        self.host, self.port, self.keep_alive = host, port, keep_alive
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self.slots = asyncio.Semaphore(BROWSER_CONNECTIONS if keep_alive else MAX_OUTSTANDING)

    async def exchange(self, request: bytes) -> tuple[bytes, bytes]:
        """Send one request; the answer's head and content."""
        async with self.slots:
            reused = bool(self.idle)
            reader, writer = self.idle.pop() if reused else await asyncio.open_connection(
                self.host, self.port)
            try:
                writer.write(request)
                await writer.drain()
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError):
                writer.close()
                if not reused:
                    raise
                # The server closed a connection that sat idle: again on a new one, as a browser
                # does (the nonce makes a repeat safe).
                reader, writer = await asyncio.open_connection(self.host, self.port)
                writer.write(request)
                await writer.drain()
                head = await reader.readuntil(b"\r\n\r\n")
            length = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
            content = await (reader.readexactly(int(length.group(1))) if length else reader.read())
            if self.keep_alive and not re.search(rb"(?i)\r\nconnection: *close", head):
                self.idle.append((reader, writer))
            else:
                writer.close()
            return head, content

    def close(self) -> None:
        for _, writer in self.idle:
            writer.close()
        self.idle.clear()


async def send(connections: Connections, door: Door, body: dict) -> tuple[int, str]:
    payload = json.dumps(body).encode()
    mode = "keep-alive" if connections.keep_alive else "close"
    head = (f"POST /api/v1/scans HTTP/1.1\r\nHost: {connections.host}:{connections.port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
            f"Cookie: {door.cookie}\r\nX-CSRFToken: {door.csrf}\r\n"
            f"User-Agent: {user_agent(door.device)}\r\nConnection: {mode}\r\n\r\n").encode()
    head, content = await connections.exchange(head + payload)
    status = int(head.split(b" ", 2)[1])
    try:
        verdict = json.loads(content).get("verdict") or json.loads(content).get("error", "")
    except ValueError:
        verdict = ""
    return status, verdict


async def drive(base: str, doors: list[Door], schedule: list[tuple[float, dict, str]],
                keep_alive: bool = True) -> tuple[list[Result], float]:
    """Send each request at its time (open loop); the results and the seconds until the last answer."""
    parts = urllib.parse.urlsplit(base)
    pools = [Connections(parts.hostname, parts.port, keep_alive) for _ in doors]
    loop = asyncio.get_running_loop()
    results: list[Result] = []
    start = loop.time() + 0.2

    async def one(i: int, at: float, body: dict, expected: str) -> None:
        due = start + at
        try:
            status, verdict = await asyncio.wait_for(
                send(pools[i % len(doors)], doors[i % len(doors)], body), REQUEST_TIMEOUT)
        except (OSError, asyncio.TimeoutError, ValueError, IndexError):
            status, verdict = 0, ""
        results.append(Result(at, loop.time() - due, status, verdict, expected))

    tasks = set()
    for i, (at, body, expected) in enumerate(schedule):
        delay = start + at - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        if len(tasks) >= MAX_OUTSTANDING:
            results.append(Result(at, float("nan"), NOT_SENT, "", expected))
            continue
        task = asyncio.create_task(one(i, at, body, expected))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    await asyncio.gather(*tasks)
    for pool in pools:
        pool.close()
    return results, loop.time() - start


@contextlib.contextmanager
def no_pauses_of_our_own():
    """No garbage collection in the generator while it sends: a full pass over its schedule and
    results stops its event loop for tens of milliseconds, and every request due meanwhile would
    leave late and count that as the server's latency. (It makes few cycles; they wait.)"""
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.unfreeze()


def wait_until_drained(base: str, door: Door, longest: float = 60) -> float:
    """Wait until the server answers at once again: requests a client gave up on are still
    worked through, and must not weigh on the next measurement. Seconds waited."""
    start = time.monotonic()
    quick = 0
    while quick < 3 and time.monotonic() - start < longest:
        request = urllib.request.Request(f"{base}/api/v1/door/session",
                                         headers={"Cookie": door.cookie})
        sent = time.monotonic()
        try:
            urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT).read()
        except OSError:
            quick = 0
            continue
        quick = quick + 1 if time.monotonic() - sent < 0.05 else 0
        time.sleep(0.1)
    return time.monotonic() - start


def make_schedule(crowd: Crowd, rate: int, seconds: float) -> list[tuple[float, dict, str]]:
    """Requests evenly spaced at `rate` a second for `seconds`."""
    return [(i / rate, *crowd.next_scan()) for i in range(int(rate * seconds))]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@dataclass
class Figures:
    offered: float
    served: float
    p50: float
    p95: float
    p99: float
    errors: int
    unexpected: int
    verdicts: Counter
    cpu_ms: float = float("nan")  # the workers' CPU time per request sent


def figures(results: list[Result], rate: int, seconds: float, elapsed: float) -> Figures:
    answered = [r for r in results if 200 <= r.status < 300]
    latencies = [r.latency * 1000 for r in answered] or [float("nan")]
    return Figures(offered=rate, served=len(answered) / max(seconds, elapsed),
                   p50=percentile(latencies, 0.50), p95=percentile(latencies, 0.95),
                   p99=percentile(latencies, 0.99), errors=len(results) - len(answered),
                   unexpected=sum(1 for r in answered if r.verdict != r.expected),
                   verdicts=Counter(r.verdict for r in answered))


# ---------------------------------------------------------------------------- verification

def python_verify_time(code: str, public_key_base64: str, iterations: int) -> tuple[float, float]:
    """Microseconds per signature check of one code, alone and with reading the code first."""
    from app.services.codes import parse_badge_code
    from app.services.keys import public_key

    key = public_key(public_key_base64)
    parsed = parse_badge_code(code)
    assert parsed.verify(key)
    start = time.perf_counter()
    for _ in range(iterations):
        parsed.verify(key)
    alone = (time.perf_counter() - start) / iterations * 1e6
    start = time.perf_counter()
    for _ in range(iterations):
        parse_badge_code(code).verify(key)
    with_parse = (time.perf_counter() - start) / iterations * 1e6
    return alone, with_parse


BROWSER_VERIFY = """async ([code, publicKey, iterations]) => {
  const parsed = LanyardRules.parseCode(code);
  if (!(await LanyardRules.verify(parsed, publicKey))) return null;  // imports the key once
  let start = performance.now();
  for (let i = 0; i < iterations; i++) await LanyardRules.verify(parsed, publicKey);
  const alone = (performance.now() - start) / iterations;
  start = performance.now();
  for (let i = 0; i < iterations; i++) await LanyardRules.verify(LanyardRules.parseCode(code), publicKey);
  return [alone * 1000, (performance.now() - start) / iterations * 1000];
}"""


def browser_verify_time(base: str, code: str, public_key_base64: str,
                        iterations: int) -> tuple[float, float] | None:
    """The door page's own verifier (static/door/rules.js, WebCrypto Ed25519) in headless
    Chromium on the app's origin: microseconds per check, alone and with reading the code."""
    chromium = os.environ.get("LANYARD_CHROMIUM", "/usr/bin/chromium")
    if not os.path.exists(chromium):
        print(f"(no Chromium at {chromium}: browser verification not timed)")
        return None
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--disable-sync"])
        try:
            page = browser.new_page()
            page.goto(f"{base}/login")  # the app's origin: a secure context on loopback
            page.add_script_tag(url="/static/door/rules.js")
            timings = page.evaluate(BROWSER_VERIFY, [code, public_key_base64, iterations])
        finally:
            browser.close()
    if timings is None:
        sys.exit("the door page's verifier refused a valid code")
    return timings[0], timings[1]


def event_public_key(database_url: str, instance: str) -> str:
    from sqlalchemy import select

    from app import create_app
    from app.extensions import db
    from app.models import SigningKey
    app = create_app({"SQLALCHEMY_DATABASE_URI": psycopg_url(database_url),
                      "INSTANCE_PATH": instance})
    with app.app_context():
        key = db.session.scalar(select(SigningKey.public_key).where(SigningKey.retired_at.is_(None)))
        db.engine.dispose()
    return key


# ---------------------------------------------------------------------------- the run

def write_latencies(path: str, every: list[tuple[str, int, "Result"]]) -> None:
    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["server", "rate", "due_s", "latency_ms", "status", "verdict", "expected"])
        for label, rate, r in every:
            writer.writerow([label, rate, f"{r.at:.4f}", f"{r.latency * 1000:.2f}", r.status,
                             r.verdict, r.expected])

def row(label: str, f: Figures) -> str:
    return (f"{label:<22}{f.offered:>8.0f}{f.served:>9.1f}{f.p50:>9.1f}{f.p95:>9.1f}{f.p99:>9.1f}"
            f"{f.errors:>8}{f.unexpected:>12}{f.cpu_ms:>12.1f}")


def middle(runs: list[Figures], name: str) -> float:
    return median(getattr(f, name) for f in runs)


def ratio(numerator: float, denominator: float) -> str:
    return f"{numerator / denominator:.1f} x" if denominator else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_URL,
                        help="PostgreSQL database created and dropped by the run")
    parser.add_argument("--rates", default="50,100,200", help="scans a second, comma-separated")
    parser.add_argument("--seconds", type=float, default=10, help="seconds of sending per rate")
    parser.add_argument("--people", type=int, default=3000, help="people with live badges")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4,
                        help="threads per gunicorn worker, as README's deployment serves it "
                             "(1: the sync worker)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="measure each rate this many times (one row each, and the spread of p99)")
    parser.add_argument("--baseline-ref", help="also serve the app as of this git commit")
    parser.add_argument("--also-threads", type=int,
                        help="also serve the app with this many threads per worker")
    parser.add_argument("--python-verifies", type=int, default=5000)
    parser.add_argument("--browser-verifies", type=int, default=2000)
    parser.add_argument("--no-browser", action="store_true", help="skip the browser timing")
    parser.add_argument("--keep-database", action="store_true", help="leave the database behind")
    parser.add_argument("--new-connections", action="store_true",
                        help="a new connection for every request instead of keeping them open as "
                             "a browser does")
    parser.add_argument("--latencies", help="also write every request (server, rate, due "
                        "second, latency ms, verdict, expected) to this CSV file, to see when the "
                        "slow ones came")
    args = parser.parse_args()
    rates = [int(r) for r in args.rates.split(",")]

    servers = []
    with tempfile.TemporaryDirectory() as tmp:
        instance = str(Path(tmp) / "instance")
        recreate_database(args.database_url)
        try:
            started = time.perf_counter()
            seeded = seed(args.database_url, instance, args.people)
            print(f"seeded {args.people:,} live and {len(seeded.revoked)} revoked badges in "
                  f"{time.perf_counter() - started:.1f} s; {os.cpu_count()} CPU(s), load average "
                  f"{os.getloadavg()[0]:.1f} before the run", flush=True)
            env = server_environment(args.database_url, instance)
            configs = [("lanyard", ROOT, args.threads)]
            if args.baseline_ref:
                folder = Path(tmp) / "baseline"
                folder.mkdir()
                configs.insert(0, (f"at {args.baseline_ref}", export_source(args.baseline_ref, folder),
                                   args.threads))
            if args.also_threads:
                configs.append((f"{args.also_threads} threads", ROOT, args.also_threads))
            bases = {}
            for label, source, threads in configs:
                process, base = start_gunicorn(source, env, args.workers, threads)
                servers.append(process)
                bases[label] = (base, [log_in_door(base, email, f"door-{n}")
                                       for n, email in enumerate(seeded.doors)], process)
                # Warm each worker (imports, connection pool, key cache) before measuring.
                warm = Crowd(seeded.codes[-200:], seeded.revoked, seeded.wrong_zone_checkpoint)
                asyncio.run(drive(base, bases[label][1], make_schedule(warm, 20, 2)))
                wait_until_drained(base, bases[label][1][0])

            crowd = Crowd(seeded.codes[:-200], seeded.revoked, seeded.wrong_zone_checkpoint)
            table: dict[tuple[str, int], list[Figures]] = {}
            every: list[tuple[str, int, Result]] = []
            loads = []
            for rate in rates:
                for _ in range(args.repeat):
                    for label, *_ in configs:
                        base, doors, process = bases[label]
                        schedule = make_schedule(crowd, rate, args.seconds)
                        cpu = worker_cpu_seconds(process)
                        with no_pauses_of_our_own():
                            results, elapsed = asyncio.run(drive(
                                base, doors, schedule, keep_alive=not args.new_connections))
                        wait_until_drained(base, doors[0])
                        measured = figures(results, rate, args.seconds, elapsed)
                        table.setdefault((label, rate), []).append(measured)
                        every.extend((label, rate, r) for r in results)
                        # Requests a client gave up on were worked through as well: all sent count.
                        sent = sum(1 for r in results if r.status != NOT_SENT)
                        measured.cpu_ms = (worker_cpu_seconds(process) - cpu) / sent * 1000
                        loads.append(os.getloadavg()[0])

            if args.latencies:
                write_latencies(args.latencies, every)
            threads = f" of {args.threads} threads" if args.threads > 1 else ""
            connections = ("a new connection per request" if args.new_connections else
                           f"connections kept open, at most {BROWSER_CONNECTIONS} per door device")
            print(f"\nPOST /api/v1/scans, gunicorn with {args.workers} workers{threads}, PostgreSQL, "
                  f"{connections}, {args.seconds:g} s per rate, mix {MIX}")
            print(f"{'':<22}{'offered':>8}{'served':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
                  f"{'errors':>8}{'unexpected':>12}{'CPU ms/scan':>12}")
            for rate in rates:
                for label, *_ in configs:
                    for run, measured in enumerate(table[label, rate], 1):
                        print(row(label if args.repeat == 1 else f"{label}, run {run}", measured))
            if args.repeat > 1:
                print(f"\np99 over the {args.repeat} runs of each rate (ms)")
                for rate in rates:
                    for label, *_ in configs:
                        p99s = sorted(f.p99 for f in table[label, rate])
                        over = sum(1 for p in p99s if p >= P99_TARGET_MS)
                        print(f"  {label:<20}{rate:>5}/s  median {median(p99s):.1f}, "
                              f"{p99s[0]:.1f} to {p99s[-1]:.1f}; {over} of {len(p99s)} at "
                              f"{P99_TARGET_MS:g} ms or more")
            for other, *_ in configs:
                if other == "lanyard":
                    continue
                print(f"\nratios, {other} / lanyard (above 1: lanyard is faster; medians of the runs)")
                for rate in rates:
                    old, new = table[other, rate], table["lanyard", rate]
                    print(f"  {rate:>4}/s  served {ratio(middle(new, 'served'), middle(old, 'served'))} "
                          f"as many, p50 {ratio(middle(old, 'p50'), middle(new, 'p50'))}, "
                          f"p99 {ratio(middle(old, 'p99'), middle(new, 'p99'))}, "
                          f"CPU per scan {ratio(middle(old, 'cpu_ms'), middle(new, 'cpu_ms'))}")
            verdicts = sum((f.verdicts for (label, _), runs in table.items() if label == "lanyard"
                            for f in runs), Counter())
            print(f"verdicts (lanyard): {dict(verdicts.most_common())}")
            print(f"load average during the rates: {min(loads):.1f} to {max(loads):.1f}")

            public = event_public_key(args.database_url, instance)
            alone, with_parse = python_verify_time(seeded.codes[0], public, args.python_verifies)
            print(f"\nsignature check of one code, Python (cryptography): {alone:.1f} us "
                  f"({with_parse:.1f} us reading the code too)")
            scan_p50 = middle(table["lanyard", rates[0]], "p50") * 1000
            print(f"  the check is {alone / scan_p50 * 100:.1f} % of a scan's p50 at {rates[0]}/s "
                  f"({scan_p50 / 1000:.1f} ms)")
            if not args.no_browser:
                timed = browser_verify_time(bases["lanyard"][0], seeded.codes[0], public,
                                            args.browser_verifies)
                if timed:
                    print(f"signature check of one code, door page in Chromium (WebCrypto): "
                          f"{timed[0]:.1f} us ({timed[1]:.1f} us reading the code too); "
                          f"{timed[0] / alone:.1f} x the Python check")
        finally:
            for process in servers:
                process.terminate()
            for process in servers:
                process.wait(10)
            if not args.keep_database:
                drop_database(args.database_url)


if __name__ == "__main__":
    main()
