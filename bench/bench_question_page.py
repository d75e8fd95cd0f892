"""CPU time of one question page inside the app, without a server: a signed-in candidate's
GET /tests/attempts/<id>/questions/<n> on a 30-question practitioner mock, run through
`app.wsgi_app` in this process, going round the 30 questions, against the bare hello-world app.

    .venv/bin/python bench/bench_question_page.py                  # SQLite
    .venv/bin/python bench/bench_question_page.py --db postgresql  # a throwaway PostgreSQL 15
    .venv/bin/python bench/bench_question_page.py --profile 30     # and cProfile's top 30 of the page

"first view" is each question's first view in this process (nothing of it rendered yet: what
every candidate meets the first time they see a question); "later views" are the views after.
Each figure is the best of --repeats runs. bench/saturation.py shows what this becomes under
gunicorn and wrk. Nothing is asserted.
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

import hello_app  # noqa: E402
from bench_save_inprocess import cpu_per_request, environ_maker, print_profile  # noqa: E402
from load import PASSWORD, new_database, prepare_database  # noqa: E402

SHIPPED_BANKS = ROOT / "question_banks"
TEST_KEY = "practitioner-mock-a"


def signed_in_attempts(app, count: int) -> tuple[list[int], str]:  # type: ignore[no-untyped-def]
    """Sign in, start `count` attempts (timed mock, then practice...) and return their ids and the cookie."""
    client = app.test_client()

    def csrf(page: str) -> str:
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)  # type: ignore[union-attr]

    page = client.get("/sign-in").get_data(as_text=True)
    client.post("/sign-in", data={"email": "load0@example.org", "password": PASSWORD, "csrf_token": csrf(page)})
    ids = []
    for mode in ("timed", "practice")[:count]:
        page = client.get(f"/tests/{TEST_KEY}").get_data(as_text=True)
        reply = client.post(f"/tests/{TEST_KEY}/start", data={"mode": mode, "csrf_token": csrf(page)})
        ids.append(int(re.search(r"/attempts/(\d+)/", reply.location).group(1)))  # type: ignore[union-attr]
    cookie = "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())  # noqa: SLF001
    return ids, cookie


def renewed_cookie(app, cookie: str, path: str) -> str:  # type: ignore[no-untyped-def]
    """The cookie a browser holds after one view of `path`: the view's Set-Cookie, if it sent one.
    A browser (and bench/wrk/question.lua) keeps the renewed cookie; sending the sign-in's cookie
    for ever would make every view re-sign the session (Flask-Login marks a session signed in by
    another client, here the test client, as no longer fresh, once, which changes it)."""
    sent: list = []
    body = app.wsgi_app(environ_maker(path, headers={"Cookie": cookie})(), lambda status, headers, exc=None: sent.extend(headers))
    b"".join(body)
    renewed = [value.split(";", 1)[0] for name, value in sent if name == "Set-Cookie"]
    return "; ".join(renewed) if renewed else cookie


def run(args: argparse.Namespace) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="quizapp-question-page-"))
    url, pg = new_database(args.db, workdir, "questionpage")
    try:
        prepare_database(url, 1, workdir, banks=SHIPPED_BANKS)
        os.environ.update(DATABASE_URL=url, SECRET_KEY="bench", QUIZAPP_INSTANCE_PATH=str(workdir / "instance"))
        from quizapp import create_app

        app = create_app()
        (attempt, practice), cookie = signed_in_attempts(app, 2)
        cookie = renewed_cookie(app, cookie, f"/tests/attempts/{attempt}/questions/1")
        pages = [environ_maker(f"/tests/attempts/{attempt}/questions/{n}", headers={"Cookie": cookie})
                 for n in range(1, 31)]
        turn = iter(range(10**9))

        def page_environ() -> dict:
            return pages[next(turn) % len(pages)]()

        practice_pages = [environ_maker(f"/tests/attempts/{practice}/questions/{n}", headers={"Cookie": cookie})
                          for n in range(1, 31)]
        first_turn = iter(range(30))

        def first_view() -> dict:
            return practice_pages[next(first_turn)]()

        print(f"database: {args.db}; CPU per request, best of {args.repeats} x {args.requests} requests "
              f"(first views: 30 requests, once)")
        first, status = cpu_per_request(app.wsgi_app, first_view, 30, 1)
        print(f"    {'question page, first view':<34}{first:>7.0f} µs   ({status})")
        for label, wsgi_app, make in (("bare hello-world app", hello_app.app.wsgi_app, environ_maker("/")),
                                      ("question page, later views", app.wsgi_app, page_environ)):
            micros, status = cpu_per_request(wsgi_app, make, args.requests, args.repeats)
            print(f"    {label:<34}{micros:>7.0f} µs   ({status})")
        if args.profile:
            print_profile(app.wsgi_app, page_environ, args.requests, args.profile, args.sort)
    finally:
        if pg is not None:
            pg.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="also print cProfile's top N lines")
    parser.add_argument("--sort", default="cumulative", help="cProfile sort key (cumulative, tottime)")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
