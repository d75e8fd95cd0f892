"""Load driver: realistic candidates against a running gunicorn server, and in the same run the
throughput of a hello-world Flask endpoint under the same gunicorn settings.

    .venv/bin/python bench/load.py                 # SQLite (the default database)
    .venv/bin/python bench/load.py --db postgresql # a throwaway PostgreSQL 15

Phases:
1. hello-world: C clients request GET / as fast as they can for T seconds -> requests/s.
2. quizapp saturation: C candidates save answers as fast as they can for T seconds, each save
   what a question page's script sends (a cookieless POST with the page's save token) ->
   saves/s, and the ratio to (1).
   (1) and (2) alternate for R rounds, so both meet the same spells of noise; the median ratio
   is the figure. Each also reports the workers' CPU time per request.
3. quizapp paced, on a fresh server: 50 candidates arrive over ARRIVAL seconds, sign in, start a mock, view a
   question, save an answer every INTERVAL seconds for D seconds (a realistic pace), view the
   next question now and then, and submit -> p50/p95/p99 latency per request type, and for the
   saves sent once every candidate is in (the steady state the target is about).
Figures are printed; nothing is asserted (machines here are shared and noisy: read the ratios).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
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
import quizapp.accounts as a
a.HASH_METHOD = "scrypt:1024:8:1"  # sign-in cost is not what this benchmark measures
from quizapp import create_app
from quizapp.extensions import db
app = create_app({{"DATABASE_URL": {url!r}}})
with app.app_context():
    org = a.get_or_create_organisation(db.session, "Load Borough")
    for i in range({candidates}):
        a.create_user(db.session, f"load{{i}}@example.org", {PASSWORD!r}, organisation=org)
    db.session.commit()
"""
    subprocess.run([sys.executable, "-c", code], env=env, check=True)


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


def server_cpu_seconds(master_pid: int) -> float:
    """CPU time (user + system) used so far by a gunicorn master's live workers."""
    out = subprocess.run(["pgrep", "-P", str(master_pid)], capture_output=True, text=True, check=False)
    total = 0
    for pid in out.stdout.split():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / os.sysconf("SC_CLK_TCK")


def machine_cpu_seconds() -> float:
    """CPU time used by everything on the machine so far (all cores, from /proc/stat)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    busy = sum(int(v) for v in fields[:7]) - int(fields[3]) - int(fields[4])  # all but idle, iowait and steal
    return busy / os.sysconf("SC_CLK_TCK")


def hammer(make_request, clients: int, seconds: float) -> tuple[int, list[float], int]:
    """Run make_request() in `clients` threads for `seconds`; returns (done, latencies, errors)."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def run(n: int) -> None:
        nonlocal errors
        request = make_request(n)
        while time.monotonic() < stop:
            t0 = time.perf_counter()
            try:
                ok = request()
            except OSError:
                ok = False
            elapsed = time.perf_counter() - t0
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors += 1

    threads = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(latencies), latencies, errors


def signed_in_candidates(url: str, count: int) -> list[tuple[Client, int, list[int]]]:
    out = []
    for i in range(count):
        client = Client(url)
        client.sign_in(f"load{i}@example.org", PASSWORD)
        client.get("/tests/fx-mock")
        reply = client.post("/tests/fx-mock/start", {"mode": "timed"})
        attempt = int(re.search(r"/attempts/(\d+)/", reply.location).group(1))
        singles = []
        for n in range(1, 7):  # the last page read leaves its save token in the client
            if 'type="radio"' in client.get(f"/tests/attempts/{attempt}/questions/{n}").body:
                singles.append(n)
        out.append((client, attempt, singles))
    return out


def run(args: argparse.Namespace) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="quizapp-load-"))
    url, pg = new_database(args.db, workdir, "load")
    print(f"database: {args.db}; gunicorn workers: {args.workers} (sync); clients: {args.clients}; cores: {os.cpu_count()}")
    prepare_database(url, max(args.clients, args.candidates), workdir)

    hello, hello_url = start_hello(args.workers, workdir)
    server = start_server(url, workdir, workers=args.workers)
    try:
        candidates = signed_in_candidates(server.url, args.clients)
        server_ms: list[float] = []

        def saver(n: int):
            client, attempt, singles = candidates[n]
            state = {"seq": 100 + 1000 * len(server_ms)}

            def save() -> bool:
                state["seq"] += 1
                position = singles[state["seq"] % len(singles)]
                reply = client.autosave(f"/tests/attempts/{attempt}/questions/{position}/autosave",
                                        {"answer": str(state["seq"] % 4), "seq": str(state["seq"])})
                server_ms.append(reply.server_ms)
                return reply.status == 200
            return save

        def hello_client(n: int):
            client = Client(hello_url)
            return lambda: client.get("/").status == 200

        def measure(master_pid: int, make_request) -> tuple[float, float, float, list[float], int]:
            cpu_before, machine_before = server_cpu_seconds(master_pid), machine_cpu_seconds()
            done, lat, errors = hammer(make_request, args.clients, args.seconds)
            per_request = 1000 / max(done, 1)
            return (done / args.seconds, (server_cpu_seconds(master_pid) - cpu_before) * per_request,
                    (machine_cpu_seconds() - machine_before) * per_request, lat, errors)

        # Alternate the two, so that both see the same spells of noise from other work on the machine.
        print(f"\n[1, 2] saturated: {args.clients} clients flat out for {args.seconds:g} s, hello-world then "
              f"answer saves, {args.rounds} rounds (one save = one cookieless POST with the save token)")
        print(f"    {'':<6}{'---------- hello-world ----------':>34}  {'---------- answer saves ----------':>34}")
        print(f"    {'round':<6}{'req/s':>7}{'worker':>8}{'machine':>9}{'p95 ms':>8}  {'saves/s':>9}{'worker':>8}{'machine':>9}"
              f"{'p95 ms':>8}{'errors':>8}{'ratio':>7}")
        ratios = []
        for n in range(1, args.rounds + 1):
            hello_rps, hello_cpu, hello_all, hello_lat, hello_errors = measure(hello.pid, hello_client)
            save_rps, save_cpu, save_all, save_lat, save_errors = measure(server.process.pid, saver)
            ratios.append(save_rps / hello_rps)
            print(f"    {n:<6}{hello_rps:>7,.0f}{hello_cpu:>8.2f}{hello_all:>9.2f}{percentile(hello_lat, 95) * 1000:>8.1f}  "
                  f"{save_rps:>9,.0f}{save_cpu:>8.2f}{save_all:>9.2f}{percentile(save_lat, 95) * 1000:>8.1f}"
                  f"{hello_errors + save_errors:>8}{ratios[-1]:>7.2f}")
        print("    (worker, machine: CPU milliseconds per request, user + system, in the server's workers and on the whole")
        print("    machine: the load driver and, for PostgreSQL, the database server run on the same cores)")
        print(f"    time inside the app per save (Server-Timing): p50 {percentile(server_ms, 50):.1f} ms, "
              f"p95 {percentile(server_ms, 95):.1f} ms")
        print(f"    ratio saves / hello-world: median {statistics.median(ratios):.2f}, range {min(ratios):.2f} to "
              f"{max(ratios):.2f} (target >= 0.40)")
    finally:
        server.stop()
        hello.terminate()
        hello.wait()

    # [3] paced, realistic candidates on a fresh server and fresh attempts
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
        # fresh accounts' attempts: the saturation phase left open attempts; use other users
        threads = [threading.Thread(target=candidate, args=(args.clients + n,)) for n in range(args.candidates - args.clients)] \
            if args.candidates > args.clients else []
        if not threads:
            raise SystemExit("--candidates must exceed --clients (phase 3 uses fresh accounts)")
        began = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.monotonic() - began
    finally:
        server.stop()
    total = sum(len(v) for v in timings.values())
    print(f"\n[3] paced: {len(threads)} candidates, one save every ~{args.interval:g} s for {args.duration:g} s "
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
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients in the saturation phases")
    parser.add_argument("--seconds", type=float, default=10, help="length of each saturation phase")
    parser.add_argument("--rounds", type=int, default=3, help="hello-world and save saturation phases, alternated")
    parser.add_argument("--candidates", type=int, default=66, help="accounts; phase 3 uses those beyond --clients")
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between a candidate's saves")
    parser.add_argument("--arrival", type=float, default=10.0, help="seconds over which the paced candidates arrive")
    parser.add_argument("--duration", type=float, default=30, help="seconds each paced candidate keeps saving")
    parser.add_argument("--practice", action="store_true", help=argparse.SUPPRESS)
    run(parser.parse_args())


if __name__ == "__main__":
    main()
