"""Fixtures: a fresh app per test on SQLite, or on PostgreSQL when
LANYARD_TEST_DATABASE_URL is set (each xdist worker gets its own schema)."""
from __future__ import annotations

import contextvars
import os
import re
import sqlite3
import uuid

import pytest
from argon2 import PasswordHasher
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, select, text
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.engine import Engine
from werkzeug.routing import Rule

from app import create_app
from app.services import staff as staff_service
from app.extensions import db
from app.models import Event, SigningKey, StaffRole
from app.services.audit import Actor
from app.services.demo import DEMO_SLUG, create_demo_event
from app.services.keys import encrypt_private_key, key_encryption_key, private_key
from app.services.staff import create_staff_user

from support import PASSWORD, csrf_token, empty_tables, sample_photo  # noqa: F401


# Argon2id as production sets it costs about a tenth of a second a hash on two cores, and nearly
# every test makes or logs in an account. Tests hash with the cheapest parameters instead;
# test_access.py checks, with `production_passwords`, what production stores.
PRODUCTION_HASHER = staff_service._hasher
PRODUCTION_DUMMY_HASH = staff_service._DUMMY_HASH
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(scope="session", autouse=True)
def cheap_passwords():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(staff_service, "_hasher", CHEAP_HASHER)
        patch.setattr(staff_service, "_DUMMY_HASH", CHEAP_HASHER.hash("lanyard-timing-equaliser"))
        yield


@pytest.fixture
def production_passwords(monkeypatch):
    """Hash and check passwords with the parameters production uses, for this test."""
    monkeypatch.setattr(staff_service, "_hasher", PRODUCTION_HASHER)
    monkeypatch.setattr(staff_service, "_DUMMY_HASH", PRODUCTION_DUMMY_HASH)
    return PRODUCTION_HASHER


# Werkzeug writes and compiles a URL builder for every route of every app: two thirds of
# create_app's time, and each test makes an app. A builder depends only on the rule's text,
# its parts and defaults (it reaches the rule's converters through the rule it is bound to),
# so the tests' apps share them.
_url_builders: dict[tuple, object] = {}
_compile_url_builder = Rule._compile_builder


def _shared_url_builder(rule: Rule, append_unknown: bool = True):
    key = (rule.rule, rule.host, rule.subdomain, tuple(rule._trace),
           repr(sorted((rule.defaults or {}).items())), append_unknown)
    if key not in _url_builders:
        _url_builders[key] = _compile_url_builder(rule, append_unknown)
    return _url_builders[key]


@pytest.fixture(scope="session", autouse=True)
def shared_url_builders():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Rule, "_compile_builder", _shared_url_builder)
        yield


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id):
    """A migrated, empty database for this test session (or xdist worker)."""
    url = os.environ.get("LANYARD_TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    schema = f"lanyard_test_{worker_id}_{uuid.uuid4().hex[:8]}"
    engine = create_engine(_psycopg(url))
    with engine.begin() as conn:
        # Extensions belong to the database, not to a worker's schema (dropped at the end):
        # one worker at a time makes it where every schema finds it.
        conn.execute(text("SELECT pg_advisory_xact_lock(7261)"))
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"
    # A test database is thrown away: its commits need not wait for the disk (what other
    # connections see, and when, is unchanged).
    yield f"{_psycopg(url)}{sep}options=-csearch_path%3D{schema}%20-csynchronous_commit%3Doff"
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def _psycopg(url: str) -> str:
    return re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", url)


@sqlalchemy_event.listens_for(Engine, "connect")
def _sqlite_commits_skip_the_disk(dbapi_connection, _record):
    """As PostgreSQL's synchronous_commit above: a test's SQLite file needs no fsync."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA synchronous=OFF")


@pytest.fixture(scope="session")
def migrated(database_url, tmp_path_factory):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url,
                      "INSTANCE_PATH": str(tmp_path_factory.mktemp("migrate"))})
    with app.app_context():
        from flask_migrate import upgrade
        upgrade()
        db.engine.dispose()
    return database_url


class IsolatedClient(FlaskClient):
    """A test client whose requests run in their own app context, as in production.

    The test itself holds an app context (for db.session); without this, requests
    would share it, and with it `g` and the database session.
    """

    def open(self, *args, **kwargs):
        if has_app_context():  # not inside a redirect followed by the client itself
            # The test's own transaction ends before the request, as another client's
            # would: it must not hold SQLite's write lock, nor a snapshot older than
            # what the request writes.
            db.session.commit()
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            db.session.commit()  # the test's objects reload what the request wrote
        return response


@pytest.fixture
def app(migrated, demo_event_rows, tmp_path, request):
    """A fresh app; `@pytest.mark.app_config(KEY=value)` overrides settings for one test.

    (`demo_event_rows` is made first: it empties the database when done.)
    """
    marker = request.node.get_closest_marker("app_config")
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": migrated,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SECRET_KEY": "test-secret-key-" + uuid.uuid4().hex,
        "RATELIMIT_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        **(marker.kwargs if marker else {}),
    })
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.remove()
        empty_tables()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def demo_event_rows(migrated, tmp_path_factory):
    """The rows of the demo event with no delegates, made once per worker through the services
    (audit trail included), and its signing keys' private halves."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": migrated,
                      "INSTANCE_PATH": str(tmp_path_factory.mktemp("demo-event"))})
    with app.app_context():
        try:
            create_demo_event(0, with_staff=False)
            rows = {table: [dict(row._mapping) for row in db.session.execute(table.select())]
                    for table in db.metadata.sorted_tables}
            keys = {key.id: private_key(key) for key in db.session.scalars(select(SigningKey))}
            return rows, keys
        finally:
            db.session.remove()
            empty_tables()
            db.engine.dispose()


@pytest.fixture
def event(app, demo_event_rows):
    """The demo event with no delegates: ten delegations, categories, zones, checkpoints.

    Its rows are copied in: making it through the services took a quarter of a second a test.
    The signing keys are sealed again with this app's own key-encryption key.
    """
    rows, keys = demo_event_rows
    kek = key_encryption_key()
    with db.engine.begin() as conn:
        for table, values in rows.items():
            if table.name == "signing_keys":
                values = [{**row, "private_key": encrypt_private_key(
                    keys[row["id"]], row["event_id"], row["number"], kek)} for row in values]
            if values:
                conn.execute(table.insert(), values)
                if conn.dialect.name == "postgresql" and "id" in table.c:
                    # Ids were given: the next row the app adds takes the one after them.
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                      f"(SELECT max(id) FROM \"{table.name}\"))"))
    return db.session.scalar(select(Event).where(Event.slug == DEMO_SLUG))


@pytest.fixture
def staff(app):
    """Make a staff account for a role on demand: staff("desk") -> StaffUser."""
    made = {}

    def make(role: str):
        if role not in made:
            made[role] = create_staff_user(f"{role}@test.example", PASSWORD, StaffRole(role),
                                           Actor.cli("test"))
        return made[role]
    return make


@pytest.fixture
def login(client, staff):
    """Log in through the login form as a user with this role."""
    def do(role: str):
        user = staff(role)
        token = csrf_token(client, "/login")
        response = client.post("/login", data={"csrf_token": token, "email": user.email,
                                               "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return user
    return do


@pytest.fixture
def photo_jpeg():
    return sample_photo()



@pytest.fixture
def live_server(app):
    """The test app served over HTTP on a free port, for a real browser."""
    import threading
    from werkzeug.serving import make_server
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


CHROMIUM = os.environ.get("LANYARD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="session")
def playwright_instance():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("LANYARD_REQUIRE_BROWSER"):
            pytest.fail(f"LANYARD_REQUIRE_BROWSER is set but {CHROMIUM} does not exist")
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    """Debian's Chromium driven by Playwright; extra launch args via `browser_launch`."""
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def browser_launch(playwright_instance):
    """A Chromium of the test's own with extra command-line args: browser_launch(*args)."""
    launched = []

    def launch(*args: str):
        launched.append(playwright_instance.chromium.launch(executable_path=CHROMIUM,
                                                            args=CHROMIUM_ARGS + list(args)))
        return launched[-1]
    yield launch
    for browser in launched:
        browser.close()


@pytest.fixture
def camera_video(tmp_path):
    """What the fake camera films (tests/door_support.py write_y4m). Chromium opens it when the
    page asks for the camera, so a test writes it after the browser has started."""
    return tmp_path / "camera.y4m"


@pytest.fixture
def camera_page(browser_launch, camera_video):
    """A page of a Chromium of its own whose camera films `camera_video`, with camera
    permission granted as a door phone's or a desk PC's would be."""
    browser = browser_launch("--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                             f"--use-file-for-fake-video-capture={camera_video}")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def browser_login(page, live_server, staff):
    """Log in through the real login page in the browser."""
    def do(role: str):
        user = staff(role)
        page.goto(f"{live_server}/login")
        page.fill("input[name=email]", user.email)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        return user
    return do
