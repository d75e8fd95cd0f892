"""quizapp.db: SQLite writers queue on an flock beside the database, held from BEGIN IMMEDIATE
to the end of the transaction, released by commit, rollback, or the holder's death."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from quizapp.db import make_engine, sqlite_begin

pytestmark = pytest.mark.skipif(os.environ.get("QUIZAPP_TEST_DB") == "postgresql",
                                reason="the writers' queue is SQLite's")


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


def test_a_killed_writer_frees_the_queue(url: str, tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", (
            "import sys, time; sys.path.insert(0, sys.argv[2]);"
            "from sqlalchemy import text; from quizapp.db import make_engine;"
            "c = make_engine(sys.argv[1]).connect(); c.execute(text('INSERT INTO t VALUES (9)'));"
            "print('holding', flush=True); time.sleep(600)"
        ), url, str(Path(__file__).resolve().parent.parent)],
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
