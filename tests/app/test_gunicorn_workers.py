"""gunicorn.conf.py readies each worker before its first request: one database connection per
thread, and what the worker has loaded kept out of the garbage collector's full passes."""
from __future__ import annotations

import gc
import os
import runpy
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, text

from app import create_app
from app.extensions import db

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _connections_named(url, name: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM pg_stat_activity "
                                     "WHERE application_name = :name"), {"name": name}).scalar()
    finally:
        engine.dispose()


def test_a_gunicorn_worker_connects_once_per_thread_before_its_first_request(app, tmp_path):
    if db.engine.dialect.name == "sqlite":
        pytest.skip("a file database has no server connections to open")
    name = f"lanyard_gunicorn_{uuid.uuid4().hex[:8]}"
    url = db.engine.url.update_query_dict({"application_name": name})
    port = _free_port()
    env = {**os.environ, "LANYARD_DATABASE_URL": url.render_as_string(hide_password=False),
           "LANYARD_INSTANCE_PATH": str(tmp_path / "instance"), "LANYARD_SECURE_COOKIES": "0"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "1", "--threads", "3",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "app:create_app()"],
        cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 60
        while _connections_named(db.engine.url, name) < 3 and time.monotonic() < deadline:
            assert server.poll() is None, "gunicorn stopped"
            time.sleep(0.2)
        assert _connections_named(db.engine.url, name) == 3  # before any request came
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=10) as answer:
            assert answer.status == 200
        assert _connections_named(db.engine.url, name) == 3  # the request used one of them
    finally:
        server.terminate()
        server.wait(30)


def test_a_ready_worker_leaves_what_it_loaded_out_of_garbage_collection(app):
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    worker = SimpleNamespace(wsgi=app, cfg=SimpleNamespace(threads=2))
    assert gc.get_freeze_count() == 0
    try:
        config["post_worker_init"](worker)
        # The app and its libraries: far more than a request leaves behind.
        assert gc.get_freeze_count() > 50_000
        pooled = db.engine.pool.checkedin() if db.engine.dialect.name != "sqlite" else None
        assert pooled in (None, 2)
    finally:
        gc.unfreeze()


def test_a_worker_starts_while_the_database_does_not_answer(tmp_path, caplog):
    # Nothing listens on port 1: the server is down, or not up yet, when the worker starts.
    down = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://lanyard@127.0.0.1:1/down",
                       "INSTANCE_PATH": str(tmp_path / "instance")})
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    try:
        config["post_worker_init"](SimpleNamespace(wsgi=down, cfg=SimpleNamespace(threads=4)))
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
    assert "did not answer at start" in caplog.text
