"""Faults and races against a real multi-process server (gunicorn), on SQLite and PostgreSQL:
a worker killed with SIGKILL in the middle of a stream of saves, a stampede of starts, submits
at once, saves arriving out of order. These tests really do it; they assert no timings."""

from __future__ import annotations

import os
import random
import re
import signal
import threading
import time
from collections import defaultdict

import pytest
from sqlalchemy import func, select

from quizapp.web.extensions import db
from quizapp.data.models import Attempt, AttemptQuestion, Response, StatementResult

from .web.candidate.conftest import FIXTURE_BANKS
from .helpers import PASSWORD, make_user
from .live import Client, start_server

pytestmark = pytest.mark.slow


@pytest.fixture
def server(app, runner, database_url, tmp_path):
    assert runner.invoke(args=["import", str(FIXTURE_BANKS)]).exit_code == 0
    live = start_server(database_url, tmp_path, workers=3)
    yield live
    live.stop()


def make_candidates(app, n: int) -> list[str]:
    with app.app_context():
        emails = [make_user(f"c{i}@load.example", "candidate", "Load Org")["email"] for i in range(n)]
        db.session.commit()
    return emails


def start_attempt(client: Client) -> int:
    client.get("/tests/fx-mock")
    reply = client.post("/tests/fx-mock/start", {"mode": "timed"})
    assert reply.status == 302, reply.body[:300]
    return int(re.search(r"/attempts/(\d+)/", reply.location).group(1))


def single_questions(app, attempt_id: int) -> dict[int, list[int]]:
    """position -> option order, for the single-answer questions of an attempt."""
    with app.app_context():
        rows = db.session.scalars(select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt_id)).all()
        return {q.position: list(q.option_order) for q in rows if q.item_version.type == "single"}


def test_saves_acknowledged_before_a_worker_is_killed_are_all_kept(app, server):
    emails = make_candidates(app, 10)
    sessions = []
    for email in emails:
        client = Client(server.url)
        client.sign_in(email, PASSWORD)
        attempt_id = start_attempt(client)
        client.get(f"/tests/attempts/{attempt_id}/questions/1")
        sessions.append((client, attempt_id, single_questions(app, attempt_id)))

    acknowledged: dict[tuple[int, int], int] = defaultdict(int)  # (attempt, position) -> highest acked seq
    sent: dict[tuple[int, int, int], int] = {}  # (attempt, position, seq) -> authored answer
    failures: list[str] = []
    lock = threading.Lock()

    def candidate(client: Client, attempt_id: int, singles: dict[int, list[int]]) -> None:
        positions = sorted(singles)
        for seq in range(1, 41):
            position = positions[seq % len(positions)]
            shown = seq % 4
            with lock:
                sent[(attempt_id, position, seq)] = singles[position][shown]
            try:
                reply = client.autosave(f"/tests/attempts/{attempt_id}/questions/{position}/autosave",
                                        {"answer": str(shown), "seq": str(seq)})
            except OSError as error:  # the worker died under this request
                with lock:
                    failures.append(repr(error))
                continue
            if reply.status == 200 and '"status":"saved"' in reply.body.replace(" ", ""):
                with lock:
                    acknowledged[(attempt_id, position)] = max(acknowledged[(attempt_id, position)], seq)
            elif reply.status >= 500:
                with lock:
                    failures.append(f"{reply.status}")

    threads = [threading.Thread(target=candidate, args=s) for s in sessions]
    before = set(server.worker_pids())
    for thread in threads:
        thread.start()
    killed = []
    for _ in range(2):
        time.sleep(0.4)
        victim = random.choice(server.worker_pids())
        os.kill(victim, signal.SIGKILL)
        killed.append(victim)
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert killed and set(server.worker_pids()) != before  # gunicorn replaced the killed workers

    with app.app_context():
        stored = {
            (q.attempt_id, q.position): (r.seq, r.answer)
            for q, r in db.session.execute(select(AttemptQuestion, Response).join(Response, Response.question_id == AttemptQuestion.id))
        }
    assert acknowledged, "no save was acknowledged at all"
    for key, seq in acknowledged.items():
        assert key in stored, f"an acknowledged save of {key} is missing"
        assert stored[key][0] >= seq, f"{key}: stored seq {stored[key][0]} is older than the acknowledged {seq}"
    for (attempt_id, position), (seq, answer) in stored.items():
        # Never half-written: the stored answer is exactly the one sent with the stored seq.
        assert answer == [sent[(attempt_id, position, seq)]]


def test_a_stampede_of_starts_gives_one_attempt_each(app, server):
    emails = make_candidates(app, 60)
    clients = []
    for email in emails:
        client = Client(server.url)
        client.sign_in(email, PASSWORD)
        client.get("/tests/fx-mock")
        clients.append(client)
    barrier = threading.Barrier(len(clients) * 2)
    statuses: list[int] = []
    lock = threading.Lock()

    def start(client: Client) -> None:
        barrier.wait()
        reply = client.post("/tests/fx-mock/start", {"mode": "timed"})
        with lock:
            statuses.append(reply.status)

    threads = [threading.Thread(target=start, args=(c,)) for c in clients for _ in range(2)]  # everyone double-clicks
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert statuses.count(302) == len(threads), statuses
    with app.app_context():
        per_user = db.session.execute(select(Attempt.user_id, func.count(Attempt.id)).group_by(Attempt.user_id)).all()
    assert len(per_user) == len(clients)
    assert all(n == 1 for _user, n in per_user)


def test_submits_at_once_give_one_result(app, server):
    [email] = make_candidates(app, 1)
    clients = []
    for _ in range(6):  # six tabs of the same person
        client = Client(server.url)
        client.sign_in(email, PASSWORD)
        clients.append(client)
    attempt_id = start_attempt(clients[0])
    for client in clients:
        client.get(f"/tests/attempts/{attempt_id}/submit")
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []

    def submit(client: Client) -> None:
        barrier.wait()
        statuses.append(client.post(f"/tests/attempts/{attempt_id}/submit").status)

    threads = [threading.Thread(target=submit, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [302] * len(clients)
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.ended_how == "submitted"
        results = db.session.scalar(select(func.count(StatementResult.id)).where(StatementResult.attempt_id == attempt_id))
    assert results == 3  # one row per statement, not one per submit


def test_saves_out_of_order_across_workers_keep_the_newest(app, server):
    [email] = make_candidates(app, 1)
    client = Client(server.url)
    client.sign_in(email, PASSWORD)
    attempt_id = start_attempt(client)
    client.get(f"/tests/attempts/{attempt_id}/questions/1")
    singles = single_questions(app, attempt_id)
    position = min(singles)
    seqs = list(range(1, 31))
    random.shuffle(seqs)
    clients = [client] * 4
    chunks = [seqs[i::4] for i in range(4)]

    def send(chunk: list[int]) -> None:
        for seq in chunk:
            client.autosave(f"/tests/attempts/{attempt_id}/questions/{position}/autosave", {"answer": str(seq % 4), "seq": str(seq)})

    threads = [threading.Thread(target=send, args=(chunk,)) for chunk in chunks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(clients) == 4
    with app.app_context():
        question = db.session.scalar(select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt_id,
                                                                   AttemptQuestion.position == position))
        assert question.response.seq == 30
        assert question.response.answer == [singles[position][30 % 4]]
