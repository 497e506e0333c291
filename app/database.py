"""Transactions that serialise writers on SQLite as row locks do on PostgreSQL.

PostgreSQL locks the rows a change depends on (SELECT ... FOR UPDATE). SQLite
has no row locks: it has one write lock for the whole file, and a transaction
that read first and writes later may find that another wrote in between. So
on SQLite a transaction that will change something takes the write lock when
it begins (BEGIN IMMEDIATE), and everything it reads afterwards is current
until it commits: writers queue one behind the other, waiting up to
BUSY_TIMEOUT for their turn. Pages that only read (GET) begin as readers and
never wait: the file is in WAL mode, where readers and the writer do not
block each other.
"""
from __future__ import annotations

import time

from flask import current_app, has_request_context, request
from sqlalchemy import event, exc
from sqlalchemy.engine import Engine

from .extensions import db

# How long a writer waits for the one before it, in milliseconds.
BUSY_TIMEOUT_MS = 30_000
# Execution option naming how a SQLite transaction begins: True takes the write lock at once.
_WRITER = "lanyard_sqlite_writer"
_READ_ONLY_METHODS = {"GET", "HEAD", "OPTIONS"}
_WRITE_STATEMENTS = ("INSERT", "UPDATE", "DELETE", "REPLACE")
# A pooled database connection unused for longer than this is tested before it is used again.
IDLE_BEFORE_PING_S = 10.0


def configure_engine(engine: Engine) -> None:
    """Install the connection test on a database server's engine, the transaction rules on
    SQLite's."""
    if getattr(engine, "_lanyard_configured", False):
        return
    engine._lanyard_configured = True
    if engine.dialect.name != "sqlite":
        _ping_when_idle(engine)
        return

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Lanyard says when transactions begin (below), not the sqlite3 module.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        writer = connection.get_execution_options().get(_WRITER)
        if writer is None:
            writer = _request_may_write()
        connection.info[_WRITER] = writer
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")

    @event.listens_for(engine, "after_cursor_execute")
    def on_execute(connection, _cursor, statement, _parameters, _context, _executemany):
        # A reader that has written holds the write lock from then on, with current data.
        if not connection.info.get(_WRITER) and statement.lstrip().upper().startswith(_WRITE_STATEMENTS):
            connection.info[_WRITER] = True


def _ping_when_idle(engine: Engine) -> None:
    """Test a pooled connection before use only when it sat idle (the server may have restarted
    meanwhile), not before every request as pool_pre_ping does: a door scan saves a round trip.

    A connection in steady use that the server drops fails its request; SQLAlchemy then
    replaces every pooled connection, and a door decides that scan on the device.
    """
    @event.listens_for(engine, "checkin")
    def on_checkin(_dbapi_connection, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def on_checkout(dbapi_connection, record, _proxy):
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < IDLE_BEFORE_PING_S:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise exc.DisconnectionError(str(error)) from error  # the pool connects afresh


def _request_may_write() -> bool:
    """Forms post; pages only read. Outside a request (commands, tests) begin as a reader."""
    return has_request_context() and request.method not in _READ_ONLY_METHODS


def hold_write_lock() -> None:
    """Make the current transaction the database's only writer until it ends (SQLite only).

    Called before reading what a change depends on. A transaction that has only
    read so far starts again as a writer, so what it reads next is current; one
    that holds pending changes must take the lock before making them.
    """
    session = db.session
    if session.get_bind().dialect.name != "sqlite":
        return
    if session.connection().info.get(_WRITER):
        return
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("Take the write lock before changing anything in this transaction.")
    session.rollback()  # it only read: nothing is lost, and every object reloads current data
    session.connection(execution_options={_WRITER: True})


def commit_keeping_loaded() -> None:
    """Commit, leaving what the transaction loaded as it is instead of expired, so an answer
    built from what it decided reads no row again."""
    session = db.session()
    expire = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire


def open_pooled_connections(count: int) -> int:
    """Open up to `count` connections to a database server now and leave them in the pool, so
    the first rush of requests (door scans at opening time) does not wait for the server to
    start a backend per thread. SQLite opens a file, a pool that keeps nothing keeps nothing:
    nothing to gain. A server that does not answer yet is no reason not to start: requests
    then connect when they come. How many were opened."""
    engine = db.engine
    kept = getattr(engine.pool, "size", None)  # QueuePool; NullPool and the like keep none
    if engine.dialect.name == "sqlite" or kept is None:
        return 0
    connections = []
    try:
        for _ in range(min(count, kept())):
            connections.append(engine.connect())
            connections[-1].exec_driver_sql("SELECT 1")
    except exc.DBAPIError as error:
        current_app.logger.warning("The database did not answer at start (%s); requests will "
                                   "connect when they come.", error.orig)
    finally:
        for connection in connections:
            connection.close()
    return len(connections)
