"""Engine and session handling, without Flask-SQLAlchemy.

Flask-free: `make_engine(url)`, sessions, and the write rules below are used by the web layer
(quizapp/web/database.py, the Flask extension), the CLI, the importer and the benchmarks.

SQLite is configured for a web server: WAL journal, foreign keys on every connection, a busy
timeout, and transactions opened with ``BEGIN IMMEDIATE`` so that two workers doing
read-then-write never fail with "database is locked" (a deferred BEGIN upgraded to a write
lock fails at once when another writer got there first; the busy timeout does not help).

Writers to a SQLite file also queue on an advisory lock (`flock`) on a file beside the database
before ``BEGIN IMMEDIATE``. SQLite's own busy handler polls with growing sleeps (1, 2, 5, 10 ...
25 ms), so under contention a worker sleeps long after the lock is free; the kernel wakes a
process blocked in `flock` the moment the holder commits, and releases the lock if the holder is
killed. The busy timeout still guards against writers outside the app (the CLI's import).
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_BUSY_TIMEOUT_MS = 10_000

# How SQLite transactions begin in this context. IMMEDIATE takes the write lock at BEGIN, so a
# read-then-write never fails with "database is locked"; read-only requests (GET) use DEFERRED
# so that they do not queue behind writers. Code that must write during a GET calls
# `begin_writing(session)` first. (PostgreSQL ignores this.)
sqlite_begin: ContextVar[str] = ContextVar("sqlite_begin", default="IMMEDIATE")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below emit BEGIN, not pysqlite.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    queue_path = None if engine.url.database in (None, "", ":memory:") else f"{engine.url.database}-writers"

    def _queue_fd(record_info: dict[str, Any]) -> int | None:
        if queue_path is None:
            return None
        if "writers_fd" not in record_info:
            record_info["writers_fd"] = os.open(queue_path, os.O_RDWR | os.O_CREAT, 0o600)
        return record_info["writers_fd"]

    def _leave_queue(record_info: dict[str, Any] | None) -> None:
        if record_info is not None and record_info.pop("writers_queued", False):
            fcntl.flock(record_info["writers_fd"], fcntl.LOCK_UN)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if sqlite_begin.get() == "IMMEDIATE":
            info = connection.connection.info
            fd = _queue_fd(info)
            if fd is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)  # wait our turn: woken as soon as the writer ahead ends
                info["writers_queued"] = True
            try:
                connection.connection.dbapi_connection.execute("BEGIN IMMEDIATE")
            except BaseException:
                _leave_queue(info)
                raise
        else:
            connection.connection.dbapi_connection.execute("BEGIN")

    # Leave the queue once the transaction has really ended: SQLAlchemy's "commit" and
    # "rollback" events fire before the database is told, which would let the next writer in
    # while this one still holds SQLite's lock (and send it back to polling).
    dialect = engine.dialect
    commit, rollback = dialect.do_commit, dialect.do_rollback

    def _info(connection: Any) -> dict[str, Any] | None:
        try:
            return connection.info  # a pooled connection's record (not on first connect)
        except (AttributeError, NotImplementedError):
            return None

    def _do_commit(connection: Any) -> None:
        try:
            commit(connection)
        finally:
            _leave_queue(_info(connection))

    def _do_rollback(connection: Any) -> None:
        try:
            rollback(connection)
        finally:
            _leave_queue(_info(connection))

    dialect.do_commit = _do_commit  # type: ignore[method-assign]
    dialect.do_rollback = _do_rollback  # type: ignore[method-assign]  # also the pool's reset on check-in

    @event.listens_for(engine, "close")
    def _on_close(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            _leave_queue(record.info)
            fd = record.info.pop("writers_fd", None)
            if fd is not None:
                os.close(fd)


# A pooled server connection idle for longer than this is tested before use (see _ping_when_idle).
PING_AFTER_IDLE_SECONDS = 1.0


def _ping_when_idle(engine: Engine) -> None:
    """Test a pooled connection before use if it has been idle for PING_AFTER_IDLE_SECONDS, and
    replace it if the server has gone (restarted, or the connection was cut while idle).

    SQLAlchemy's pool_pre_ping does this on every checkout, which costs every request two round
    trips (BEGIN, SELECT 1). A connection used within the last second needs no test: a database
    restart takes longer than that, and a request that meets one fails and makes SQLAlchemy
    replace every connection in the pool."""

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return  # new, or in use a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
            dbapi_connection.rollback()
        except engine.dialect.loaded_dbapi.Error as error:
            if engine.dialect.is_disconnect(error, dbapi_connection, None):
                raise DisconnectionError() from error  # the pool connects afresh and tries again
            raise


def make_engine(url: str, *, echo: bool = False, autocommit: bool = False) -> Engine:
    """An engine for `url`, with SQLite tuned for concurrent web workers.

    `autocommit` (database servers only, for `single_write`): every statement is its own
    transaction. Set once on each new connection, where an execution option would set and reset
    it on every checkout (four driver calls a request), and with no rollback when a connection
    goes back to the pool (an autocommitting connection has no transaction to end)."""
    kwargs: dict[str, Any] = {"echo": echo, "future": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    elif autocommit:
        kwargs.update(isolation_level="AUTOCOMMIT", pool_reset_on_return=None)
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    else:
        _ping_when_idle(engine)
    return engine


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


def begin_writing(session: Session) -> None:
    """On SQLite, end the current (read) transaction; the next one takes the write lock at BEGIN.
    Use before writing in a request that started as read-only (a GET, or a `reads_first` view).

    On PostgreSQL this does nothing: the transaction goes on, each statement sees what was
    committed before it (READ COMMITTED), and ending it would only cost two round trips."""
    if session.get_bind().dialect.name == "sqlite":
        session.commit()
    sqlite_begin.set("IMMEDIATE")


def reads_first(view: Any) -> Any:
    """Mark a POST view that reads before it writes: its transaction begins DEFERRED, and it
    calls `begin_writing` just before writing, so SQLite's write lock is held only for the write
    itself (not during password hashing, a draw, or rendering)."""
    from functools import wraps

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        sqlite_begin.set("DEFERRED")
        return view(*args, **kwargs)

    return wrapped


@contextmanager
def single_write(engine: Engine) -> Iterator[Connection]:
    """A Core connection for reads followed by at most one self-contained write statement (the
    answer autosave, whose conditional upsert is atomic by itself). Pass the engine from
    `single_write_engine` (`Database.single_write_engine` in the app).

    On PostgreSQL the connection autocommits: each statement is its own transaction, which
    spares the BEGIN and COMMIT round trips, and reading committed data statement by statement
    is what READ COMMITTED gave anyway. (Given an engine that does not autocommit, the reads and
    the write are one transaction, committed at the end: slower, never lost.) On SQLite it is
    one write transaction (BEGIN IMMEDIATE, after the writers' queue), committed at the end; a
    read transaction first and then a write one would cost more than the lock time it spares."""
    if engine.dialect.name == "sqlite":
        with engine.begin() as connection:
            yield connection
    else:
        with engine.connect() as connection:
            yield connection
            connection.commit()  # autocommitting: the driver sends nothing


def upsert_insert(dialect: str) -> Any:
    """The `insert` construct with ON CONFLICT (`on_conflict_do_nothing`, `on_conflict_do_update`)
    of this database, by its dialect's name: SQLite's or PostgreSQL's, the two the service runs on."""
    return {"sqlite": sqlite.insert, "postgresql": postgresql.insert}[dialect]


def single_write_engine(engine: Engine) -> Engine:
    """The engine `single_write` should use for `engine`'s database: on a database server, a
    second pool of autocommitting connections; on SQLite, `engine` itself."""
    if engine.dialect.name == "sqlite":
        return engine
    return make_engine(engine.url.render_as_string(hide_password=False), echo=engine.echo, autocommit=True)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error (CLI and scripts)."""
    session = make_sessionmaker(engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
