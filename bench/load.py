"""Load driver for paced, whole-journey runs: realistic candidates against a running gunicorn
server, each signing in, starting a mock, saving answers at a person's pace, viewing questions and
submitting; latency per request type.

    .venv/bin/python bench/load.py                 # SQLite (the default database)
    .venv/bin/python bench/load.py --db postgresql # a throwaway PostgreSQL 15

50 candidates arrive over ARRIVAL seconds, sign in, start a mock, view a question, save an answer
every INTERVAL seconds for D seconds, view another question now and then, and submit ->
p50/p95/p99 latency per request type, and for the saves sent once every candidate is in (the
steady state). Figures are printed; nothing is asserted.

Saturation (how many requests a second the server can take, as a ratio of hello-world's) is
measured with wrk by bench/saturation.py: this Python driver tops out near half of what gunicorn
serves on this machine, so ratios taken with it read high. The helpers here (databases, accounts,
the hello-world server) are shared by the other benchmarks.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.live import Client, start_server  # noqa: E402
from tests.pg import ThrowawayPostgres, free_port  # noqa: E402

BIN = Path(sys.executable).parent
FIXTURE_BANKS = ROOT / "tests" / "fixtures" / "banks"
PASSWORD = "load test password"


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def new_database(kind: str, workdir: Path, name: str) -> tuple[str, ThrowawayPostgres | None]:
    """An empty database `name`: a SQLite file in `workdir`, or on a throwaway PostgreSQL 15
    started here (returned too, for the caller to stop)."""
    if kind != "postgresql":
        return f"sqlite:///{workdir / (name + '.sqlite3')}", None
    import sqlalchemy

    pg = ThrowawayPostgres(Path(tempfile.mkdtemp(prefix=f"quizapp-{name}-pg-")) / "pg")
    pg.start()
    admin = sqlalchemy.create_engine(pg.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    admin.dispose()
    return pg.url(name), pg


def prepare_database(url: str, candidates: int, workdir: Path, banks: Path = FIXTURE_BANKS) -> None:
    env = {**os.environ, "DATABASE_URL": url, "QUIZAPP_INSTANCE_PATH": str(workdir / "instance")}
    subprocess.run([str(BIN / "quizapp"), "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([str(BIN / "quizapp"), "import", "--quiet", str(banks)], env=env, check=True, capture_output=True)
    code = f"""
import quizapp.services.accounts as a
a.HASH_METHOD = "scrypt:1024:8:1"  # sign-in cost is not what this benchmark measures
from quizapp import create_app
from quizapp.web.extensions import db
app = create_app({{"DATABASE_URL": {url!r}}})
with app.app_context():
    org = a.get_or_create_organisation(db.session, "Load Borough")
    for i in range({candidates}):
        a.create_user(db.session, f"load{{i}}@example.org", {PASSWORD!r}, organisation=org)
    db.session.commit()
"""
    subprocess.run([sys.executable, "-c", code], env=env, check=True)


def workers_cpu_seconds(master_pid: int) -> float:
    """CPU time (user + system) used so far by a gunicorn master's workers (from /proc)."""
    out = subprocess.run(["pgrep", "-P", str(master_pid)], capture_output=True, text=True, check=False)
    total = 0
    for pid in out.stdout.split():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def start_hello(workers: int, workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen([str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
                                "--chdir", str(ROOT / "bench"), "hello_app:app"],
                               stdout=(workdir / "hello.log").open("wb"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    client = Client(url)
    for _ in range(100):
        try:
            if client.get("/healthz").status == 200:
                return process, url
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("hello server did not start")


def run(args: argparse.Namespace) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="quizapp-load-"))
    url, pg = new_database(args.db, workdir, "load")
    print(f"database: {args.db}; gunicorn workers: {args.workers} (sync); cores: {os.cpu_count()}")
    prepare_database(url, args.candidates, workdir)

    # paced, realistic candidates
    server = start_server(url, workdir, workers=args.workers)
    timings: dict[str, list[float]] = defaultdict(list)
    errors_by_type: dict[str, int] = defaultdict(int)
    lock = threading.Lock()
    save_times: list[tuple[float, float]] = []  # (when sent, seconds taken)
    started: list[float] = []  # when each candidate had started and seen question 1

    def timed(kind: str, fn):
        t0 = time.perf_counter()
        try:
            ok = fn()
        except OSError:
            ok = False
        with lock:
            if ok:
                timings[kind].append(time.perf_counter() - t0)
                if kind == "save answer":
                    save_times.append((t0, time.perf_counter() - t0))
            else:
                errors_by_type[kind] += 1

    def candidate(n: int) -> None:
        rng = random.Random(n)
        client = Client(server.url)
        time.sleep(rng.random() * args.arrival)  # arrivals spread over --arrival seconds
        timed("sign in", lambda: (client.get("/sign-in"), client.post("/sign-in", {"email": f"load{n}@example.org", "password": PASSWORD}))[1].status == 302)
        client.get("/tests/fx-mock")
        box: dict[str, object] = {}

        def start() -> bool:
            reply = client.post("/tests/fx-mock/start", {"mode": "practice" if args.practice else "timed"})
            box["attempt"] = int(re.search(r"/attempts/(\d+)/", reply.location).group(1)) if reply.status == 302 else None
            return reply.status == 302
        timed("start", start)
        attempt = box.get("attempt")
        if attempt is None:
            return
        timed("view question", lambda: client.get(f"/tests/attempts/{attempt}/questions/1").status == 200)
        with lock:
            started.append(time.perf_counter())
        stop = time.monotonic() + args.duration
        seq = 0
        while time.monotonic() < stop:
            seq += 1
            timed("save answer", lambda: client.autosave(f"/tests/attempts/{attempt}/questions/1/autosave",
                                                         {"answer": str(seq % 4), "seq": str(seq)}).status == 200)
            if seq % 5 == 0:
                timed("view question", lambda: client.get(f"/tests/attempts/{attempt}/questions/{1 + seq % 6}").status == 200)
            time.sleep(max(0.0, args.interval * (0.75 + rng.random() * 0.5)))
        client.get(f"/tests/attempts/{attempt}/submit")
        timed("submit", lambda: client.post(f"/tests/attempts/{attempt}/submit").status == 302)
        timed("view result", lambda: client.get(f"/tests/attempts/{attempt}/result").status == 200)

    try:
        threads = [threading.Thread(target=candidate, args=(n,)) for n in range(args.candidates)]
        began = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.monotonic() - began
    finally:
        server.stop()
    total = sum(len(v) for v in timings.values())
    print(f"paced: {len(threads)} candidates, one save every ~{args.interval:g} s for {args.duration:g} s "
          f"({total} requests in {wall:.0f} s, {total / wall:.1f} requests/s)")
    print(f"    {'request':<14}{'count':>7}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    everyone_started = max(started) if started else float("inf")
    steady = [taken for sent, taken in save_times if sent > everyone_started]
    rows = [(kind, timings.get(kind, [])) for kind in ("sign in", "start", "view question", "save answer")]
    rows.append(("  once all in", steady))
    rows += [(kind, timings.get(kind, [])) for kind in ("submit", "view result")]
    for kind, values in rows:
        errors = errors_by_type.get(kind, 0) if not kind.startswith(" ") else ""
        print(f"    {kind:<14}{len(values):>7}{errors:>8}{percentile(values, 50)*1000:>9.1f}"
              f"{percentile(values, 95)*1000:>9.1f}{percentile(values, 99)*1000:>9.1f}")
    print("    ('once all in': the saves sent after every candidate had signed in, started and seen a question)")
    if pg is not None:
        pg.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--candidates", type=int, default=50)
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between a candidate's saves")
    parser.add_argument("--arrival", type=float, default=10.0, help="seconds over which the paced candidates arrive")
    parser.add_argument("--duration", type=float, default=30, help="seconds each paced candidate keeps saving")
    parser.add_argument("--practice", action="store_true", help=argparse.SUPPRESS)
    run(parser.parse_args())


if __name__ == "__main__":
    main()
