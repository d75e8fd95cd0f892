"""CPU time of one Start inside the app, without a server: signed-in candidates' "Start" POSTs
for a practitioner mock of 30 questions (the request of bench/stampede.py), run one after the
other through `app.wsgi_app` in this process.

    .venv/bin/python bench/bench_start_inprocess.py                   # SQLite, 150 candidates
    .venv/bin/python bench/bench_start_inprocess.py --db postgresql
    .venv/bin/python bench/bench_start_inprocess.py --profile 40      # and cProfile's top 40 of the second half

The first half of the candidates is timed (the first start of the process reads the pool; the
others find it kept), the second half is profiled when asked. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_save_inprocess import environ_maker, print_profile  # noqa: E402
from load import PASSWORD, new_database, prepare_database  # noqa: E402

SHIPPED_BANKS = ROOT / "question_banks"
TEST_KEY = "practitioner-mock-a"


def ready_starts(app, count: int) -> list:  # type: ignore[no-untyped-def]
    """Sign `count` candidates in, read the start page; each one's Start POST as an environ maker."""
    makers = []
    for n in range(count):
        client = app.test_client()

        def csrf(page: str) -> str:
            return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)  # type: ignore[union-attr]

        page = client.get("/sign-in").get_data(as_text=True)
        client.post("/sign-in", data={"email": f"load{n}@example.org", "password": PASSWORD, "csrf_token": csrf(page)})
        token = csrf(client.get(f"/tests/{TEST_KEY}").get_data(as_text=True))
        # From the same address and User-Agent as the sign-in, as a browser's: Flask-Login marks a
        # session whose browser changed as not fresh, a cookie to re-sign that a real start does not cost.
        cookie = "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())  # noqa: SLF001
        makers.append(environ_maker(f"/tests/{TEST_KEY}/start", "POST", {"mode": "timed", "csrf_token": token},
                                    {"Cookie": cookie}, client.environ_base))
    return makers


def run(args: argparse.Namespace) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="quizapp-start-"))
    url, pg = new_database(args.db, workdir, "start")
    try:
        prepare_database(url, args.candidates, workdir, banks=SHIPPED_BANKS)
        os.environ.update(DATABASE_URL=url, SECRET_KEY="bench", QUIZAPP_INSTANCE_PATH=str(workdir / "instance"))
        from quizapp import create_app

        app = create_app()
        starts = ready_starts(app, args.candidates)
        half = len(starts) // 2
        statuses: list[str] = []

        def start_response(status: str, headers: list, exc_info: object = None) -> None:
            statuses.append(status)

        began = time.process_time()
        for make in starts[:half]:
            body = app.wsgi_app(make(), start_response)
            for _chunk in body:
                pass
        micros = (time.process_time() - began) / half * 1e6
        print(f"database: {args.db}; load average before: {os.getloadavg()[0]:.2f}")
        print(f"    a start, CPU per request over {half} candidates: {micros:,.0f} µs   ({statuses[-1]})")
        if args.profile:
            rest = iter(starts[half:])
            print_profile(app.wsgi_app, lambda: next(rest)(), len(starts) - half, args.profile, args.sort)
    finally:
        if pg is not None:
            pg.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--candidates", type=int, default=150)
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="also print cProfile's top N lines")
    parser.add_argument("--sort", default="cumulative", help="cProfile sort key (cumulative, tottime)")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
