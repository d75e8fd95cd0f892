"""The deployment of docs/deployment.md, for real: two app servers (`quizapp serve`, gunicorn with
two workers each, on different ports) on one PostgreSQL and one Redis. A candidate's requests
alternate between the servers through a whole timed mock, with the form save and the autosave,
and a worker killed with SIGKILL on the way: nothing saved is lost. Failed sign-ins on one server
count on the other (the limiter's storage is the shared Redis).

It starts its own throwaway PostgreSQL and Redis whatever QUIZAPP_TEST_DB says, so it runs once,
in the first run of `make test` (SQLite), and is skipped in the second (PostgreSQL)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from quizapp import create_app
from quizapp.web.extensions import db

from .web.candidate.conftest import FIXTURE_BANKS, answer_form, questions_of, stored_response
from .helpers import PASSWORD, make_user
from .live import Client, LiveServer
from .pg import ThrowawayPostgres, free_port
from .redis_server import ThrowawayRedis

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.environ.get("QUIZAPP_TEST_DB", "sqlite") != "sqlite",
                       reason="starts its own PostgreSQL and Redis: runs once, in the SQLite run of make test"),
]

QUIZAPP = Path(sys.executable).parent / "quizapp"
SIGNIN_LIMIT = 6  # failed sign-ins a minute per address, on both servers together


@dataclass
class Deployment:
    app: Flask  # this process's view of the same database, to set up and read back
    a: LiveServer
    b: LiveServer
    redis: ThrowawayRedis


def _serve(name: str, database_url: str, redis_url: str, base: Path) -> LiveServer:
    port = free_port()
    log = base / f"{name}.log"
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "the same key on every server",
           "QUIZAPP_INSTANCE_PATH": str(base / f"instance-{name}"), "QUIZAPP_RATELIMIT_STORAGE_URI": redis_url,
           "QUIZAPP_SIGNIN_RATE_LIMIT": f"{SIGNIN_LIMIT} per minute"}
    with log.open("wb") as out:
        process = subprocess.Popen([str(QUIZAPP), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
                                   env=env, stdout=out, stderr=subprocess.STDOUT)
    server = LiveServer(process, f"http://127.0.0.1:{port}", log)
    for _ in range(300):  # a bounded wait for it to listen
        try:
            with urllib.request.urlopen(server.url + "/healthz", timeout=5) as response:
                if response.read() == b"ok":
                    return server
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"quizapp serve ({name}) did not start: {log.read_text()[-2000:]}")


@pytest.fixture(scope="module")
def deployment() -> Iterator[Deployment]:
    # Outside pytest's numbered temp folders (another pytest run may rotate those), as conftest does.
    base = Path(tempfile.mkdtemp(prefix="quizapp-two-servers-"))
    postgres = ThrowawayPostgres(base / "pg")
    redis_server = ThrowawayRedis(base / "redis")
    servers: list[LiveServer] = []
    app = None
    with pytest.MonkeyPatch.context() as patch:
        try:
            postgres.start()
            admin = create_engine(postgres.url(), isolation_level="AUTOCOMMIT", poolclass=NullPool)
            with admin.connect() as connection:
                connection.exec_driver_sql("CREATE DATABASE quizapp")
            admin.dispose()
            database_url = postgres.url("quizapp")
            redis_server.start()
            patch.setenv("QUIZAPP_INSTANCE_PATH", str(base / "instance-tests"))
            app = create_app({"TESTING": True, "SECRET_KEY": "the same key on every server",
                              "DATABASE_URL": database_url, "RATELIMIT_ENABLED": False})
            runner = app.test_cli_runner()
            for args in (["db", "upgrade"], ["import", str(FIXTURE_BANKS)]):
                result = runner.invoke(args=args)
                assert result.exit_code == 0, result.output
            servers = [_serve(name, database_url, redis_server.url, base) for name in ("a", "b")]
            yield Deployment(app, servers[0], servers[1], redis_server)
        finally:
            for server in servers:
                server.stop()
            if app is not None:
                app.extensions["quizapp_db"].dispose()
            redis_server.stop()
            postgres.stop()
            shutil.rmtree(base, ignore_errors=True)


def _candidate(app: Flask, email: str) -> str:
    with app.app_context():
        make_user(email, "candidate", "Two Servers Org")
        db.session.commit()
    return email


def _page_seq(html: str) -> str:
    return re.search(r'name="seq" value="(\d+)"', html).group(1)


def _stored(app: Flask, attempt_id: int, position: int):
    with app.app_context():
        response = stored_response(attempt_id, position)
        return None if response is None else (response.seq, response.answer)


def test_a_timed_mock_alternating_between_two_servers_loses_nothing(deployment):
    d = deployment
    email = _candidate(d.app, "journey@two.example")
    client = Client(d.a.url)
    client.sign_in(email, PASSWORD)  # on A

    client.base = d.b.url  # the same cookies: both servers sign with the same key
    client.get("/tests/fx-mock")
    start = client.post("/tests/fx-mock/start", {"mode": "timed"})  # on B
    assert start.status == 302, start.body[:300]
    attempt_id = int(re.search(r"/attempts/(\d+)/", start.location).group(1))
    questions = questions_of(d.app, attempt_id)
    assert len(questions) >= 4

    saved: dict[int, tuple[int, list]] = {}  # position -> what the database held after its last save
    killed = None
    for i, info in enumerate(questions):
        path = f"/tests/attempts/{attempt_id}/questions/{info.position}"
        # Each question is saved twice, on alternate servers, once by the form and once by the
        # autosave (which goes first alternates too); the second save is the right answer.
        for step, (server, right) in enumerate([(d.a if i % 2 == 0 else d.b, False), (d.b if i % 2 == 0 else d.a, True)]):
            client.base = server.url
            page = client.get(path)
            assert page.status == 200, page.body[:300]
            answer = answer_form(info, right=right)
            if (i + step) % 2 == 0:
                reply = client.post(path, {**answer, "seq": _page_seq(page.body), "action": "save"})
                assert reply.status == 302, reply.body[:300]
            else:
                reply = client.autosave(f"{path}/autosave", {**answer, "seq": _page_seq(page.body)})
                assert reply.status == 200 and '"status":"saved"' in reply.body, reply.body[:300]
        saved[info.position] = _stored(d.app, attempt_id, info.position)
        assert saved[info.position] is not None
        if i == len(questions) // 2 - 1:
            # Mid-test: kill -9 a worker of the server that took the last save.
            killed = server.worker_pids()[0]
            os.kill(killed, signal.SIGKILL)
            for position, stored in saved.items():
                assert _stored(d.app, attempt_id, position) == stored, "an answer saved before the kill is gone"
    assert killed is not None

    client.base = d.a.url
    check = client.get(f"/tests/attempts/{attempt_id}/check")
    assert f"You have answered {len(questions)} of {len(questions)} questions" in check.body
    client.base = d.b.url
    client.get(f"/tests/attempts/{attempt_id}/submit")
    client.base = d.a.url
    submitted = client.post(f"/tests/attempts/{attempt_id}/submit")
    assert submitted.status == 302 and submitted.location.endswith(f"/attempts/{attempt_id}/result")
    client.base = d.b.url
    result = client.get(f"/tests/attempts/{attempt_id}/result")
    assert result.status == 200
    assert "You scored 100%" in result.body  # every final (right) answer counted
    for position, stored in saved.items():
        assert _stored(d.app, attempt_id, position) == stored
    # gunicorn replaced the killed worker
    for _ in range(100):
        pids = d.a.worker_pids() + d.b.worker_pids()
        if killed not in pids and len(pids) == 4:
            break
        time.sleep(0.1)
    assert killed not in pids and len(pids) == 4


def test_failed_sign_ins_on_one_server_count_on_the_other(deployment):
    d = deployment
    a, b = Client(d.a.url), Client(d.b.url)
    a.get("/sign-in")
    b.get("/sign-in")
    try:
        half = SIGNIN_LIMIT // 2
        for n in range(half):
            assert a.post("/sign-in", {"email": f"nobody{n}@two.example", "password": "wrong"}).status == 200
        for n in range(SIGNIN_LIMIT - half):
            assert b.post("/sign-in", {"email": f"nobody{n}@two.example", "password": "wrong"}).status == 200
        # A itself saw only half the limit: the rest was counted on B, through Redis.
        refused = a.post("/sign-in", {"email": "nobody@two.example", "password": "wrong"})
        assert refused.status == 429 and "Too many attempts" in refused.body
        assert b.post("/sign-in", {"email": "nobody@two.example", "password": "wrong"}).status == 429
        assert d.redis.client().keys("LIMITS*"), "the limiter kept nothing in Redis"
    finally:
        d.redis.client().flushall()  # the address may sign in again (other tests in this module)
