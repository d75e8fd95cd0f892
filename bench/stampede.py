"""Start stampede: N signed-in candidates start the same timed mock at once (a training room, or
a whole cohort told "start now"), and every one must get an attempt quickly.

    .venv/bin/python bench/stampede.py                  # SQLite, 500 candidates
    .venv/bin/python bench/stampede.py --db postgresql  # a throwaway PostgreSQL 15
    .venv/bin/python bench/stampede.py --candidates 200 --workers 2

The candidates are signed in and have read the test's start page (for its CSRF token) first. Then
one thread opens a connection per candidate and sends each one's "Start" POST (the request the
start page's button sends, with the candidate's session cookie), all within a few tens of
milliseconds, and waits for the answers. Printed: how long the sending took, the answers'
statuses, the time from the first send to each answer (p50, p95, the last), the CPU the server's
workers used meanwhile, and how many open attempts of the mock the database then holds (one per
candidate, each with all its questions).
The server is gunicorn with --workers sync workers (by default what `quizapp serve` uses,
2 x cores + 1). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import re
import selectors
import socket
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from load import PASSWORD, new_database, percentile, prepare_database, workers_cpu_seconds  # noqa: E402

from tests.live import Client, start_server  # noqa: E402

SHIPPED_BANKS = ROOT / "question_banks"
# What tests.live.Client (urllib) sent when signing in: a browser sends the same User-Agent on every
# request, and Flask-Login marks a session whose browser changed as not fresh (a cookie to re-sign).
USER_AGENT = f"Python-urllib/{urllib.request.__version__}"
TEST_KEY = "practitioner-mock-a"


def ready_candidate(url: str, n: int) -> bytes:
    """Sign candidate n in, read the start page; return the raw HTTP request of their Start click."""
    client = Client(url)
    client.sign_in(f"load{n}@example.org", PASSWORD)
    client.get(f"/tests/{TEST_KEY}")
    body = urlencode({"mode": "timed", "csrf_token": client.token}).encode()
    cookie = "; ".join(f"{c.name}={c.value}" for c in client.jar)
    host = urlsplit(url).netloc
    head = (f"POST /tests/{TEST_KEY}/start HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\n"
            f"User-Agent: {USER_AGENT}\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
            f"Connection: close\r\n\r\n")
    return head.encode() + body


def stampede(url: str, requests: list[bytes]) -> tuple[float, list[tuple[float, str]]]:
    """Send every request on its own connection as fast as one thread can, then read the answers.
    Returns the seconds the sending took and, per request, (seconds from the first send to the
    end of its answer, its status line)."""
    address = urlsplit(url)
    selector = selectors.DefaultSelector()
    began = time.perf_counter()
    for raw in requests:
        sock = socket.create_connection((address.hostname, address.port))
        sock.sendall(raw)  # a few hundred bytes: the kernel takes them at once
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ, bytearray())
    sending = time.perf_counter() - began
    answers: list[tuple[float, str]] = []
    while len(answers) < len(requests):
        for key, _ in selector.select(timeout=60):
            chunk = key.fileobj.recv(65536)  # type: ignore[union-attr]
            if chunk:
                key.data.extend(chunk)
                continue
            selector.unregister(key.fileobj)
            key.fileobj.close()  # type: ignore[union-attr]
            status = bytes(key.data).split(b"\r\n", 1)[0].decode(errors="replace")
            answers.append((time.perf_counter() - began, status))
    return sending, answers


def open_attempts(url: str) -> tuple[int, int, int]:
    """(open attempts at the mock, distinct candidates holding one, fewest questions in one)."""
    import sqlalchemy

    engine = sqlalchemy.create_engine(url)
    with engine.connect() as connection:
        row = connection.exec_driver_sql(
            "SELECT count(*), count(DISTINCT a.user_id), min(q.n) FROM attempts a JOIN tests t ON t.id = a.test_id "
            "JOIN (SELECT attempt_id, count(*) AS n FROM attempt_questions GROUP BY attempt_id) q ON q.attempt_id = a.id "
            f"WHERE t.key = '{TEST_KEY}' AND a.ended_at IS NULL").one()
    engine.dispose()
    return int(row[0]), int(row[1]), int(row[2] or 0)


def run(args: argparse.Namespace) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="quizapp-stampede-"))
    url, pg = new_database(args.db, workdir, "stampede")
    try:
        prepare_database(url, args.candidates, workdir, banks=SHIPPED_BANKS)
        server = start_server(url, workdir, workers=args.workers)
        try:
            with ThreadPoolExecutor(8) as pool:
                requests = list(pool.map(lambda n: ready_candidate(server.url, n), range(args.candidates)))
            time.sleep(1)  # let the sign-ins' work settle
            load_before = os.getloadavg()[0]
            cpu_before, wall_before = workers_cpu_seconds(server.process.pid), time.perf_counter()
            sending, answers = stampede(server.url, requests)
            cpu = workers_cpu_seconds(server.process.pid) - cpu_before
            wall = time.perf_counter() - wall_before
        finally:
            server.stop()
        times = sorted(t for t, _ in answers)
        statuses: dict[str, int] = {}
        for _, status in answers:
            statuses[status] = statuses.get(status, 0) + 1
        attempts, holders, fewest = open_attempts(url)
        print(f"database: {args.db}; gunicorn: {args.workers} sync workers; cores: {os.cpu_count()}; "
              f"load average before: {load_before:.2f}")
        print(f"{args.candidates} signed-in candidates start {TEST_KEY} at once: all sent in {sending * 1000:.0f} ms")
        print(f"    answers: {', '.join(f'{count} x {status}' for status, count in sorted(statuses.items()))}")
        print(f"    from the first send to each answer: p50 {percentile(times, 50):.2f} s, p95 {percentile(times, 95):.2f} s, "
              f"last {times[-1]:.2f} s")
        print(f"    the server's workers used {cpu:.2f} s of CPU in those {wall:.2f} s ({cpu / len(requests) * 1000:.1f} ms a start; "
              f"the cores could give {wall * (os.cpu_count() or 1):.2f} s)")
        print(f"    open attempts of the mock afterwards: {attempts}, held by {holders} candidates, "
              f"each with at least {fewest} questions")
        print(f"    load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    finally:
        if pg is not None:
            pg.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--candidates", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    run(parser.parse_args())


if __name__ == "__main__":
    main()
