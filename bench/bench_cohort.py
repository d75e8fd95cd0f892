"""Benchmark the employer's cohort dashboard queries and exports on SQLite.

Builds a temporary SQLite database with the real migrations, then bulk-inserts an organisation
of 5,000 candidates in 25 teams with 4 ended timed attempts each (20,000 attempts, 200,000
statement results over the 10 practitioner statements), plus a second organisation of 1,000
candidates so that the queries have to pick one organisation out. Then times, best and median
of several runs:

  - each dashboard query (headline figures, heatmap by team and within one team, score
    distribution, pass rate over time) for "latest attempt per candidate" and "every attempt";
  - a candidate's page (their attempts and statement profile);
  - the export: the SQL pivot, then writing CSV and Excel;
  - the whole dashboard page and the CSV download through Flask's test client.

Prints, never asserts. Run:  .venv/bin/python bench/bench_cohort.py [--candidates 5000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quizapp.services import accounts, cohort, cohort_export, exports  # noqa: E402
from quizapp.data import migrate as migrations  # noqa: E402
from quizapp.data.db import make_engine, make_sessionmaker  # noqa: E402
from quizapp.data.models import (
    Attempt,
    Framework,
    Membership,
    Organisation,
    Statement,
    StatementResult,
    Team,
    TestForm,
    User,
)

STATEMENTS = 10
ATTEMPTS_EACH = 4
TEAMS = 25
PASS_MARK = 60.0
BANDS = [{"min_percent": 75.0, "label": "Secure"}, {"min_percent": 50.0, "label": "Developing"},
         {"min_percent": 0.0, "label": "Priority for development"}]
START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
EMPLOYER_PASSWORD = "benchmark-password-1"


def build(url: str, candidates: int, others: int, seed: int = 7) -> dict[str, int]:
    rng = random.Random(seed)
    engine = make_engine(url)
    session = make_sessionmaker(engine)()
    framework = Framework(key="kss-practitioner", title="Practitioner KSS", level="practitioner", content_hash="x")
    session.add(framework)
    session.flush()
    statements = [Statement(framework_id=framework.id, code=f"P{n}", position=n, title=f"Statement {n}")
                  for n in range(1, STATEMENTS + 1)]
    session.add_all(statements)
    test = TestForm(key="practitioner-mock", title="Practitioner mock", framework_id=framework.id, time_limit_minutes=60,
                    pass_mark_percent=PASS_MARK, blueprint={"bands": BANDS}, content_hash="x")
    session.add(test)
    org = Organisation(name="Bench County Council")
    other = Organisation(name="Another Council")
    session.add_all([org, other])
    session.flush()
    teams = [Team(organisation_id=org.id, name=f"Team {n:02d}") for n in range(1, TEAMS + 1)]
    session.add_all(teams)
    session.flush()
    employer = accounts.create_user(session, "employer@bench.example", EMPLOYER_PASSWORD, role="employer",
                                    organisation=org, name="Bench Employer")
    statement_ids = [s.id for s in statements]
    next_user = session.scalar(select(User.id).order_by(User.id.desc())) + 1
    next_attempt = 1
    users, memberships, attempts, results = [], [], [], []
    sample_candidate = next_user
    for n in range(candidates + others):
        user_id = next_user + n
        in_org = n < candidates
        users.append({"id": user_id, "email": f"c{n}@bench.example", "name": f"Candidate {n:05d}",
                      "password_hash": "x", "role": "candidate", "session_token": "x", "extra_time_percent": 0,
                      "created_at": START})
        team_id = teams[n % TEAMS].id if in_org and n % 20 else None  # one in twenty in no team
        memberships.append({"user_id": user_id, "organisation_id": org.id if in_org else other.id, "team_id": team_id,
                            "joined_at": START})
        ability = rng.gauss(62, 12)
        for k in range(ATTEMPTS_EACH):
            started = START + timedelta(days=rng.randrange(0, 365), minutes=rng.randrange(0, 600))
            minutes = rng.uniform(20, 60)
            percent = max(0.0, min(100.0, rng.gauss(ability + 3 * k, 8)))
            attempts.append({
                "id": next_attempt, "user_id": user_id, "test_id": test.id, "organisation_id": org.id if in_org else other.id,
                "title": test.title, "mode": "timed", "seed": 1, "started_at": started, "time_limit_seconds": 3600.0,
                "extra_time_percent": 0, "deadline_at": started + timedelta(minutes=60),
                "ended_at": started + timedelta(minutes=minutes), "ended_how": "submitted",
                "score": percent * 0.3, "max_score": 30.0, "percent": percent, "passed": percent >= PASS_MARK,
                "pass_mark_percent": PASS_MARK, "bands": BANDS,
            })
            for statement_id in statement_ids:
                value = max(0.0, min(100.0, rng.gauss(percent, 15)))
                results.append({"attempt_id": next_attempt, "statement_id": statement_id, "items": 3,
                                "score": value * 0.03, "percent": value, "band": "Developing"})
            next_attempt += 1
    for model, rows in ((User, users), (Membership, memberships), (Attempt, attempts), (StatementResult, results)):
        for i in range(0, len(rows), 5000):
            session.execute(insert(model), rows[i:i + 5000])
    session.commit()
    out = {"org": org.id, "test": test.id, "team": teams[0].id, "candidate": sample_candidate, "employer": employer.id}
    session.close()
    engine.dispose()
    return out


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=5000)
    parser.add_argument("--others", type=int, default=1000, help="candidates in a second organisation")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        t0 = time.perf_counter()
        migrations.upgrade(url)
        ids = build(url, args.candidates, args.others)
        print(f"built {args.candidates:,} candidates x {ATTEMPTS_EACH} attempts (+{args.others:,} in another organisation), "
              f"{(args.candidates + args.others) * ATTEMPTS_EACH * STATEMENTS:,} statement results, "
              f"in {time.perf_counter() - t0:.1f} s")
        engine = make_engine(url)
        session = make_sessionmaker(engine)()
        rows: list[tuple[str, float, float, str]] = []

        def run(label: str, fn: Callable[[], object], note: Callable[[object], str] = lambda _r: "") -> None:
            result = fn()
            best, median = timed(fn, args.repeat)
            rows.append((label, best, median, note(result)))

        for which in ("latest", "all"):
            f = cohort.CohortFilter(organisation_id=ids["org"], test_id=ids["test"], which=which)
            team = cohort.CohortFilter(organisation_id=ids["org"], test_id=ids["test"], which=which, team_id=ids["team"])
            run(f"headline ({which})", lambda f=f: cohort.headline(session, f),
                lambda h: f"{h.candidates:,} candidates, {h.attempts:,} attempts")  # type: ignore[attr-defined]
            run(f"heatmap by team ({which})", lambda f=f: cohort.heatmap(session, f),
                lambda h: f"{len(h.rows)} rows x {len(h.statements)} statements")  # type: ignore[attr-defined]
            run(f"heatmap in one team ({which})", lambda t=team: cohort.heatmap(session, t),
                lambda h: f"{len(h.rows)} rows")  # type: ignore[attr-defined]
            run(f"distribution ({which})", lambda f=f: cohort.distribution(session, f))
            run(f"pass rate over time ({which})", lambda f=f: cohort.pass_rate_over_time(session, f),
                lambda p: f"{len(p)} months")  # type: ignore[arg-type]
            run(f"export query ({which})", lambda f=f: cohort_export.export_table(session, f),
                lambda t: f"{len(t.rows):,} rows")  # type: ignore[attr-defined]
            table = cohort_export.export_table(session, f)
            run(f"  write CSV ({which})", lambda t=table: exports.csv_bytes(t), lambda b: f"{len(b) / 1e6:.1f} MB")  # type: ignore[arg-type]
            run(f"  write Excel ({which})", lambda t=table: exports.xlsx_bytes(t), lambda b: f"{len(b) / 1e6:.1f} MB")  # type: ignore[arg-type]
        person = cohort.CohortFilter(organisation_id=ids["org"], candidate_id=ids["candidate"], which="all")
        run("candidate page queries", lambda: (cohort.attempt_lines(session, person), cohort.statement_profile(session, person)))
        session.close()
        engine.dispose()
        rows.extend(_pages(url, ids, args.repeat))
    width = max(len(r[0]) for r in rows)
    print(f"{'':{width}}  {'best':>8}  {'median':>8}")
    for label, best, median, note in rows:
        print(f"{label:{width}}  {best * 1000:6.0f}ms  {median * 1000:6.0f}ms  {note}")


def _pages(url: str, ids: dict[str, int], repeat: int) -> list[tuple[str, float, float, str]]:
    """The whole dashboard page and the downloads, through Flask (rendering included)."""
    import os

    from quizapp import create_app

    with tempfile.TemporaryDirectory() as instance:
        os.environ["QUIZAPP_INSTANCE_PATH"] = instance
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
        client = app.test_client()
        response = client.post("/sign-in", data={"email": "employer@bench.example", "password": EMPLOYER_PASSWORD})
        assert response.status_code == 302, response.status_code
        out = []
        for label, path in [
            ("page: dashboard (latest)", "/employer/?test=practitioner-mock&which=latest"),
            ("page: dashboard (all)", "/employer/?test=practitioner-mock&which=all"),
            ("page: dashboard in one team", f"/employer/?test=practitioner-mock&team={ids['team']}"),
            ("page: candidate", f"/employer/candidates/{ids['candidate']}"),
            ("download: CSV (all)", "/employer/export.csv?test=practitioner-mock&which=all"),
            ("download: Excel (all)", "/employer/export.xlsx?test=practitioner-mock&which=all"),
        ]:
            first = client.get(path)
            if first.status_code != 200:
                out.append((label, 0.0, 0.0, f"status {first.status_code}"))
                continue
            best, median = timed(lambda p=path: client.get(p), repeat)
            out.append((label, best, median, f"{len(first.data) / 1e3:,.0f} kB"))
        app.extensions["quizapp_db"].engine.dispose()
    return out


if __name__ == "__main__":
    main()
