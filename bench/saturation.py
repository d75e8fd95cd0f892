"""Saturation ratios with wrk: hello-world, the question page and the answer autosave, alternated
in rounds within one run, on the same gunicorn settings, so that all three meet the same spells
of noise on this shared machine. The figure is each endpoint's requests/s as a ratio of the
hello-world requests/s of the same round; the medians over the rounds are printed.

    .venv/bin/python bench/saturation.py                  # SQLite (the default database)
    .venv/bin/python bench/saturation.py --db postgresql  # a throwaway PostgreSQL 15
    .venv/bin/python bench/saturation.py --rounds 7 --seconds 10 --only question

wrk (Debian's `wrk`; `make wrk` installs it) is the load driver: a Python driver on the same
machine tops out near half of what gunicorn serves, so its ratios read high. The Lua scripts in
bench/wrk/ add what a candidate's browser sends: the session cookie (question.lua) and the save
token header with a rising sequence number (autosave.lua). Both servers run gunicorn with
--workers sync workers (2 by default, one per core), and the app serves a practitioner mock of
30 questions from the shipped banks. Nothing is asserted; bench/load.py remains the driver for
paced, whole-journey runs.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from load import PASSWORD, new_database, prepare_database, start_hello, workers_cpu_seconds  # noqa: E402

from tests.live import Client, start_server  # noqa: E402

SHIPPED_BANKS = ROOT / "question_banks"
TEST_KEY = "practitioner-mock-a"  # 30 questions
WRK_DIR = ROOT / "bench" / "wrk"


def measured(master_pid: int, *wrk_args, **wrk_kwargs) -> dict[str, float]:
    """A wrk run, with the server's CPU milliseconds per request (what other work on a shared
    machine disturbs least: the requests/s of a run fall when other processes take the cores)."""
    before = workers_cpu_seconds(master_pid)
    result = wrk(*wrk_args, **wrk_kwargs)
    requests = result["rps"] * wrk_args[1]
    result["cpu_ms"] = (workers_cpu_seconds(master_pid) - before) * 1000 / max(requests, 1)
    return result


def wrk(url: str, seconds: float, connections: int, threads: int, script: str | None = None,
        args: list[str] | None = None) -> dict[str, float]:
    """One wrk run: requests/s, mean latency (ms) and the count of failed responses."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s"]
    if script:
        command += ["-s", str(WRK_DIR / script)]
    command.append(url)
    if args:
        command += ["--", *args]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))  # type: ignore[union-attr]
    latency = re.search(r"Latency\s+([0-9.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": rps,
        "latency_ms": float(latency.group(1)) * scale[latency.group(2)] if latency else float("nan"),
        "failed": (int(bad.group(1)) if bad else 0) + (sum(int(g) for g in socket.groups()) if socket else 0),
    }


def candidate(url: str, n: int) -> tuple[str, int, int, list[int], str]:
    """Sign in candidate `n`, start the mock; returns (cookie header, attempt id, number of
    questions, its single-choice positions, the save token)."""
    client = Client(url)
    client.sign_in(f"load{n}@example.org", PASSWORD)
    client.get(f"/tests/{TEST_KEY}")
    reply = client.post(f"/tests/{TEST_KEY}/start", {"mode": "timed"})
    attempt = int(re.search(r"/attempts/(\d+)/", reply.location).group(1))  # type: ignore[union-attr]
    singles, position = [], 1
    while True:
        page = client.get(f"/tests/attempts/{attempt}/questions/{position}")
        if page.status != 200:
            break
        if 'type="radio"' in page.body:
            singles.append(position)
        position += 1
    cookie = "; ".join(f"{c.name}={c.value}" for c in client.jar)
    return cookie, attempt, position - 1, singles, client.save_token


def run(args: argparse.Namespace) -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: run 'make wrk' (or 'sudo apt-get install -y wrk')")
    workdir = Path(tempfile.mkdtemp(prefix="quizapp-wrk-"))
    url, pg = new_database(args.db, workdir, "wrk")
    try:
        prepare_database(url, args.threads + 1, workdir, banks=SHIPPED_BANKS)
        hello, hello_url = start_hello(args.workers, workdir)
        server = start_server(url, workdir, workers=args.workers)
        try:
            people = [candidate(server.url, n) for n in range(args.threads)]
            cookie, attempt, questions, _singles, _token = people[0]
            endpoints = {
                "question": ("question.lua", [cookie, str(attempt), str(questions)]),
                "autosave": ("autosave.lua", None),
            }
            chosen = [name for name in endpoints if args.only in (None, name)]
            print(f"database: {args.db}; gunicorn: {args.workers} sync workers each; wrk: {args.threads} threads, "
                  f"{args.connections} connections, {args.seconds:g} s a run; cores: {os.cpu_count()}; "
                  f"load average before: {os.getloadavg()[0]:.2f}")
            print(f"question pages: attempt {attempt}, {questions} questions ({TEST_KEY}), taken in turn")
            header = f"    {'round':<6}{'hello req/s':>12}{'cpu':>7}"
            for name in chosen:
                header += f"{name + ' req/s':>18}{'cpu':>7}{'ms':>7}{'failed':>8}{'ratio':>7}"
            print(header)
            ratios: dict[str, list[float]] = {name: [] for name in chosen}
            hellos: list[float] = []
            figures: dict[str, list[float]] = {name: [] for name in chosen}
            cpu: dict[str, list[float]] = {name: [] for name in chosen}
            hello_cpu: list[float] = []
            for n in range(1, args.rounds + 1):
                hello_run = measured(hello.pid, hello_url + "/", args.seconds, args.connections, args.threads)
                hellos.append(hello_run["rps"])
                hello_cpu.append(hello_run["cpu_ms"])
                line = f"    {n:<6}{hello_run['rps']:>12,.0f}{hello_run['cpu_ms']:>7.2f}"
                for name in chosen:
                    script, script_args = endpoints[name]
                    if name == "autosave":  # every save a new, higher sequence number
                        script_args = [str(n * 10_000_000)] + [f"{a}|{token}|{','.join(map(str, singles))}"
                                                               for _c, a, _q, singles, token in people]
                    result = measured(server.process.pid, server.url, args.seconds, args.connections, args.threads,
                                      script, script_args)
                    ratio = result["rps"] / hello_run["rps"]
                    ratios[name].append(ratio)
                    figures[name].append(result["rps"])
                    cpu[name].append(result["cpu_ms"])
                    line += (f"{result['rps']:>18,.0f}{result['cpu_ms']:>7.2f}{result['latency_ms']:>7.1f}"
                             f"{result['failed']:>8.0f}{ratio:>7.3f}")
                print(line, flush=True)
            print("    (cpu: milliseconds of CPU per request in the server's workers; ms: wrk's mean latency)")
            print(f"    hello-world: median {statistics.median(hellos):,.0f} req/s, {statistics.median(hello_cpu):.2f} ms CPU a request")
            for name in chosen:
                print(f"    {name}: median {statistics.median(figures[name]):,.0f} req/s; ratio to hello-world: median "
                      f"{statistics.median(ratios[name]):.3f}, range {min(ratios[name]):.3f} to {max(ratios[name]):.3f}; "
                      f"CPU a request {statistics.median(cpu[name]):.2f} ms (hello-world's / this: "
                      f"{statistics.median(hello_cpu) / statistics.median(cpu[name]):.3f})")
            print(f"    load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
        finally:
            server.stop()
            hello.terminate()
            hello.wait()
    finally:
        if pg is not None:
            pg.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers for each server")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (and candidates for the autosave)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10, help="length of each wrk run")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", choices=["question", "autosave"], help="measure one endpoint (with hello-world)")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
