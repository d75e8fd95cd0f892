"""Benchmark the trainer's figures on the demo data: the simulation, the item analysis and the
blueprint coverage.

Makes a temporary SQLite database, imports question_banks/, runs `quizapp demo` (the simulated
candidates), then times the item analysis of the demo's mock (1,000 bootstrap resamples per item)
and the coverage of every live test (500 seeded draws each). Prints wall-clock and CPU seconds:
on a busy machine the CPU figure is the one to compare. Prints, never asserts. Run:
  .venv/bin/python bench/bench_item_analysis.py [--candidates 60]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def timed(label: str, work):  # type: ignore[no-untyped-def]
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    print(f"{label:<58} wall {time.perf_counter() - wall:6.2f} s   cpu {time.process_time() - cpu:6.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, default=60)
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    os.environ["QUIZAPP_INSTANCE_PATH"] = folder
    from sqlalchemy import select

    from quizapp.services import blueprint_coverage, item_analysis, simulation
    from quizapp import create_app
    from quizapp.data import migrate
    from quizapp.web.extensions import db
    from quizapp.data.models import TestForm

    url = f"sqlite:///{folder}/bench.sqlite3"
    migrate.upgrade(url)
    app = create_app({"DATABASE_URL": url})
    runner = app.test_cli_runner()
    timed("import question_banks/", lambda: runner.invoke(args=["import", "--quiet"]))
    output = timed(f"quizapp demo --candidates {args.candidates} (first run)",
                   lambda: runner.invoke(args=["demo", "--candidates", str(args.candidates)]).output)
    print("  " + output.strip().splitlines()[-1])
    timed("quizapp demo again (nothing new)", lambda: runner.invoke(args=["demo", "--candidates", str(args.candidates)]))
    with app.app_context():
        test = simulation.demo_test(db.session, date.today())  # the test `quizapp demo` used today
        result = timed(f"item analysis of {test.key}", lambda: item_analysis.analyse_test(db.session, test))
        form = result.form
        print(f"  {form.attempts} attempts x {form.questions} questions: mean {form.mean_percent:.1f}%, "
              f"alpha {form.alpha:.2f}, SEM {form.sem_percent:.1f} points, {len(result.flagged)} of "
              f"{len(result.items)} items flagged")
        for test in db.session.scalars(select(TestForm).where(TestForm.retired_at.is_(None)).order_by(TestForm.key)):
            coverage = timed(f"coverage of {test.key}", lambda test=test: blueprint_coverage.for_test(db.session, test))
            print(f"  two attempts share {coverage.expected_overlap:.1f} of {coverage.form_length_mean:.1f} questions"
                  + (", fixed form" if coverage.fixed else ""))


if __name__ == "__main__":
    main()
