"""quizapp.data.db: SQLite writers queue on an flock beside the database, held from BEGIN IMMEDIATE
to the end of the transaction, released by commit, rollback, or the holder's death; PostgreSQL
connections idle for a while are tested before use and replaced if the server has gone."""

from __future__ import annotations

import importlib
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from quizapp.data.db import make_engine, sqlite_begin

database = importlib.import_module("quizapp.data.db")  # the module (quizapp.data.db is also the package's extension object)
ON_POSTGRESQL = os.environ.get("QUIZAPP_TEST_DB") == "postgresql"
sqlite_only = pytest.mark.skipif(ON_POSTGRESQL, reason="the writers' queue is SQLite's")
postgresql_only = pytest.mark.skipif(not ON_POSTGRESQL, reason="connection tests need a server (make test's second run)")


@pytest.fixture(autouse=True)
def _default_begin_mode():
    """Each test here starts from SQLite's default begin mode (IMMEDIATE). A request's
    before_request hook sets it in the test process's context and nothing resets it, so a GET in
    an earlier test on the same process left DEFERRED behind, and the queue tests failed."""
    token = sqlite_begin.set("IMMEDIATE")
    yield
    sqlite_begin.reset(token)


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    with make_engine(url).begin() as connection:
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
    return url


def _second_writer(url: str, started: threading.Event, done: threading.Event, seen: list[int]) -> threading.Thread:
    def run() -> None:
        engine = make_engine(url)
        started.set()
        with engine.begin() as connection:  # BEGIN IMMEDIATE: waits for the first writer
            seen.append(connection.execute(text("SELECT count(*) FROM t")).scalar_one())
            connection.execute(text("INSERT INTO t VALUES (2)"))
        done.set()
        engine.dispose()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@sqlite_only
@pytest.mark.parametrize("ending", ["commit", "rollback"])
def test_a_second_writer_waits_for_the_first_to_end(url: str, ending: str) -> None:
    assert sqlite_begin.get() == "IMMEDIATE"
    engine = make_engine(url)
    connection = engine.connect()
    connection.execute(text("INSERT INTO t VALUES (1)"))  # begins IMMEDIATE: holds the queue
    started, done, seen = threading.Event(), threading.Event(), []
    thread = _second_writer(url, started, done, seen)
    started.wait(10)
    assert not done.wait(0.5), "the second writer got in while the first was writing"
    getattr(connection, ending)()
    thread.join(10)
    assert done.is_set()
    assert seen == ([1] if ending == "commit" else [0])  # it saw the first writer's outcome
    connection.close()
    engine.dispose()


@sqlite_only
def test_a_killed_writer_frees_the_queue(url: str, tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", (
            "import sys, time; sys.path.insert(0, sys.argv[2]);"
            "from sqlalchemy import text; from quizapp.data.db import make_engine;"
            "c = make_engine(sys.argv[1]).connect(); c.execute(text('INSERT INTO t VALUES (9)'));"
            "print('holding', flush=True); time.sleep(600)"
        ), url, str(Path(__file__).resolve().parents[2])],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        started, done, seen = threading.Event(), threading.Event(), []
        thread = _second_writer(url, started, done, seen)
        started.wait(10)
        assert not done.wait(0.5)
        holder.send_signal(signal.SIGKILL)
        thread.join(15)
        assert done.is_set() and seen == [0]  # the killed writer's row never existed
    finally:
        holder.kill()
        holder.wait()


def _queue_is_held(url: str) -> bool:
    import fcntl

    fd = os.open(url.removeprefix("sqlite:///") + "-writers", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


@sqlite_only
@pytest.mark.parametrize("ending", ["commit", "rollback", "close"])
def test_the_queue_is_held_for_exactly_a_write_transaction(url: str, ending: str) -> None:
    engine = make_engine(url)
    connection = engine.connect()
    token = sqlite_begin.set("DEFERRED")
    try:
        connection.execute(text("SELECT count(*) FROM t"))
        assert not _queue_is_held(url)  # readers do not queue
        connection.rollback()
    finally:
        sqlite_begin.reset(token)
    connection.execute(text("INSERT INTO t VALUES (1)"))
    assert _queue_is_held(url)
    getattr(connection, ending)()
    assert not _queue_is_held(url)
    connection.close()
    engine.dispose()


def _backend_pid(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT pg_backend_pid()")).scalar_one()


def _cut(database_url: str, pid: int) -> None:
    """End one server connection, as a database restart or a network cut would."""
    other = make_engine(database_url)
    with other.connect() as connection:
        assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
    other.dispose()


@postgresql_only
def test_an_idle_connection_whose_server_went_away_is_replaced_unseen(database_url, monkeypatch):
    engine = make_engine(database_url)
    first = _backend_pid(engine)
    _cut(database_url, first)
    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 0.0)  # every pooled connection counts as idle
    assert _backend_pid(engine) != first  # no error: tested, found dead, replaced
    engine.dispose()


@postgresql_only
def test_a_connection_used_a_moment_ago_is_not_tested_and_one_failure_renews_the_pool(database_url, monkeypatch):
    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 3600.0)
    engine = make_engine(database_url)
    first = _backend_pid(engine)
    _cut(database_url, first)
    with pytest.raises(OperationalError):
        _backend_pid(engine)  # not tested first: the request that meets the cut fails
    assert _backend_pid(engine) != first  # and the pool has been renewed
    engine.dispose()


@pytest.mark.parametrize("which", ["single_write_engine", "the app's engine"])
def test_what_single_write_writes_is_kept_whichever_engine_it_is_given(database_url, which):
    engine = make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE w (x INTEGER)"))
    writer = database.single_write_engine(engine) if which == "single_write_engine" else engine
    with database.single_write(writer) as connection:
        connection.execute(text("SELECT count(*) FROM w")).scalar_one()
        connection.execute(text("INSERT INTO w VALUES (1)"))
    writer.dispose()
    engine.dispose()
    with make_engine(database_url).connect() as other:
        assert other.execute(text("SELECT count(*) FROM w")).scalar_one() == 1


@postgresql_only
def test_single_write_on_a_server_autocommits_each_statement(database_url):
    engine = make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE w (x INTEGER)"))
    writer = database.single_write_engine(engine)
    with database.single_write(writer) as connection, make_engine(database_url).connect() as other:
        assert connection.connection.dbapi_connection.autocommit is True
        connection.execute(text("INSERT INTO w VALUES (1)"))
        assert other.execute(text("SELECT count(*) FROM w")).scalar_one() == 1  # committed already
    writer.dispose()
    engine.dispose()
