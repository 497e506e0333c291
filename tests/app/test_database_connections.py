"""Pooled connections to a database server: tested before use only after sitting idle."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text

from app import database
from app.extensions import db

APPLICATION = f"lanyard_pool_test_{uuid.uuid4().hex[:8]}"


@pytest.fixture
def server_app(app):
    if db.engine.dialect.name == "sqlite":
        pytest.skip("a file database has no server connection to lose")
    return app


@pytest.fixture
def named_connections(server_app):
    """The app's pool, its connections named so the test can find them on the server."""
    db.engine.dispose()
    url = db.engine.url.update_query_dict({"application_name": APPLICATION})
    engine = create_engine(url)
    database.configure_engine(engine)
    previous = db.engines[None]
    db.engines[None] = engine  # Flask-SQLAlchemy's engine for the default bind
    db.session.remove()
    yield engine
    db.session.remove()
    db.engines[None] = previous
    engine.dispose()


def _drop_server_connections(engine) -> int:
    """What a server restart does to the app's pooled connections."""
    killer = create_engine(engine.url.update_query_dict({"application_name": "killer"}))
    with killer.begin() as conn:
        killed = conn.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = :name"), {"name": APPLICATION}).scalar()
    killer.dispose()
    return killed


def _pings(monkeypatch, engine) -> list:
    pings = []
    real = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda conn: pings.append(1) or real(conn))
    return pings


def test_a_connection_in_steady_use_is_not_tested_before_each_request(
        named_connections, client, login, monkeypatch):
    pings = _pings(monkeypatch, named_connections)
    login("door")
    for _ in range(3):
        assert client.get("/api/v1/door/session").status_code == 200
    assert pings == []


def test_a_connection_dropped_while_idle_is_replaced_before_use(
        named_connections, client, login, monkeypatch):
    login("door")
    assert client.get("/api/v1/door/session").status_code == 200
    assert _drop_server_connections(named_connections) >= 1
    pings = _pings(monkeypatch, named_connections)
    monkeypatch.setattr(database, "IDLE_BEFORE_PING_S", 0.0)  # as if it sat idle for long
    assert client.get("/api/v1/door/session").status_code == 200
    assert pings


def test_without_the_idle_test_a_dropped_connection_fails_its_request(
        named_connections, client, login):
    # The test above passes because of the ping: a request on a connection the server
    # dropped fails when nothing tests it first.
    login("door")
    assert client.get("/api/v1/door/session").status_code == 200
    assert _drop_server_connections(named_connections) >= 1
    with pytest.raises(Exception, match="terminat|closed|connection"):
        client.get("/api/v1/door/session")
