"""CPU time of one answer autosave inside the app, without a server: the request a question page's
script sends, run through `app.wsgi_app` in this process, against the bare hello-world app and
quizapp's `/healthz` (every app hook, no view) measured the same way.

    .venv/bin/python bench/bench_save_inprocess.py                  # SQLite
    .venv/bin/python bench/bench_save_inprocess.py --db postgresql  # a throwaway PostgreSQL 15
    .venv/bin/python bench/bench_save_inprocess.py --profile 30     # and cProfile's top 30 of the save

Each figure is the best of --repeats runs of --requests requests (process CPU time per request),
so it shows the code's cost with the least noise this machine allows; bench/load.py shows what
that becomes under gunicorn and load. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import hello_app  # noqa: E402
from load import PASSWORD, new_database, prepare_database  # noqa: E402
from werkzeug.test import EnvironBuilder  # noqa: E402



def environ_maker(path: str, method: str = "GET", data: dict | None = None,
                  headers: dict | None = None, environ_base: dict | None = None) -> Callable[[], dict]:
    environ = EnvironBuilder(path=path, method=method, data=data, headers=headers,
                             environ_base=environ_base).get_environ()
    body = environ["wsgi.input"].read()
    return lambda: {**environ, "wsgi.input": io.BytesIO(body)}


def cpu_per_request(wsgi_app: Callable, make_environ: Callable[[], dict], requests: int, repeats: int) -> tuple[float, str]:
    """Best CPU microseconds per request over `repeats` runs, and the last status."""
    best, statuses = float("inf"), []

    def start_response(status: str, headers: list, exc_info: object = None) -> None:
        statuses.append(status)

    for _ in range(repeats):
        began = time.process_time()
        for _ in range(requests):
            body = wsgi_app(make_environ(), start_response)
            for _chunk in body:
                pass
            getattr(body, "close", lambda: None)()
        best = min(best, (time.process_time() - began) / requests)
    return best * 1e6, statuses[-1]


def print_profile(wsgi_app: Callable, make_environ: Callable[[], dict], requests: int, top: int,
                  sort: str = "cumulative") -> None:
    """cProfile's top `top` lines for `requests` requests made as cpu_per_request makes them."""
    profile = cProfile.Profile()
    profile.enable()
    cpu_per_request(wsgi_app, make_environ, requests, 1)
    profile.disable()
    pstats.Stats(profile).sort_stats(sort).print_stats(top)


def signed_in_attempt(app) -> tuple[int, int, str]:  # type: ignore[no-untyped-def]
    """Sign in, start the fixture mock, and return (attempt, a single-choice position, its save token)."""
    client = app.test_client()

    def csrf(page: str) -> str:
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)  # type: ignore[union-attr]

    page = client.get("/sign-in").get_data(as_text=True)
    client.post("/sign-in", data={"email": "load0@example.org", "password": PASSWORD, "csrf_token": csrf(page)})
    page = client.get("/tests/fx-mock").get_data(as_text=True)
    reply = client.post("/tests/fx-mock/start", data={"mode": "timed", "csrf_token": csrf(page)})
    attempt = int(re.search(r"/attempts/(\d+)/", reply.location).group(1))  # type: ignore[union-attr]
    for position in range(1, 7):
        page = client.get(f"/tests/attempts/{attempt}/questions/{position}").get_data(as_text=True)
        if 'type="radio"' in page:
            return attempt, position, re.search(r'data-save-token="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    raise RuntimeError("no single-choice question in the first six")


def run(args: argparse.Namespace) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="quizapp-inprocess-"))
    url, pg = new_database(args.db, workdir, "inprocess")
    try:
        prepare_database(url, 1, workdir)
        os.environ.update(DATABASE_URL=url, SECRET_KEY="bench", QUIZAPP_INSTANCE_PATH=str(workdir / "instance"))
        from quizapp import create_app

        app = create_app()
        attempt, position, token = signed_in_attempt(app)
        # Built before the clock starts: each save a new sequence number (an older one would be stale).
        saves = iter([environ_maker(f"/tests/attempts/{attempt}/questions/{position}/autosave", "POST",
                                    {"answer": str(n % 4), "seq": str(n)}, {"X-Save-Token": token})
                      for n in range(1000, 1000 + args.requests * (args.repeats + 1))])

        def save_environ() -> dict:
            return next(saves)()

        print(f"database: {args.db}; CPU per request, best of {args.repeats} x {args.requests} requests")
        for label, wsgi_app, make in (("bare hello-world app", hello_app.app.wsgi_app, environ_maker("/")),
                                      ("quizapp /healthz", app.wsgi_app, environ_maker("/healthz")),
                                      ("quizapp answer autosave", app.wsgi_app, save_environ)):
            micros, status = cpu_per_request(wsgi_app, make, args.requests, args.repeats)
            print(f"    {label:<26}{micros:>7.0f} µs   ({status})")
        if args.profile:
            print_profile(app.wsgi_app, save_environ, args.requests, args.profile)
    finally:
        if pg is not None:
            pg.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="also print cProfile's top N lines for the save")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
