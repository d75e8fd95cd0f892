"""Every benchmark under bench/ runs to its end, at a small size: docs/performance.md quotes their
commands and figures, and `make bench` runs them, so a benchmark that no longer runs (the app
changed under it, or a size it cannot handle) must fail here, not on the day someone measures.
Nothing about the figures is asserted: only that each script finishes and prints its summary.

The list is checked against the folder and against `make bench`, so a new benchmark needs a line
here. SQLite only (each script starts its own PostgreSQL with --db postgresql; the scripts' code
is the same), and once, in the SQLite run of make test."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"

# script -> (small arguments, a line fragment its summary prints)
RUNS: dict[str, tuple[list[str], str]] = {
    "bench_validate.py": (["--items", "100", "--repeats", "1"], "validated items per second"),
    "bench_import.py": (["--items", "100"], "re-import, "),
    "bench_item_analysis.py": (["--candidates", "20"], "coverage of"),
    "bench_cohort.py": (["--candidates", "20", "--others", "10", "--repeat", "1"], "download: Excel (all)"),
    "bench_form_overlap.py": ([], "ecs"),
    "bench_question_page.py": (["--requests", "10", "--repeats", "1"], "question page, later views"),
    "bench_save_inprocess.py": (["--requests", "10", "--repeats", "1"], "quizapp answer autosave"),
    "bench_start_inprocess.py": (["--candidates", "4"], "a start, CPU per request"),
    "saturation.py": (["--seconds", "1", "--rounds", "1"], "autosave: median"),
    "stampede.py": (["--candidates", "5", "--workers", "1"], "open attempts of the mock afterwards: 5, held by 5"),
    "load.py": (["--candidates", "3", "--duration", "2", "--arrival", "1", "--interval", "0.5"], "view result"),
    "readiness_calibration.py": (["--calibration", "100", "--predictions", "100"], "Plots:"),
}
NOT_BENCHMARKS = {"__init__.py", "hello_app.py"}  # the hello-world app the saturation runs serve

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.environ.get("QUIZAPP_TEST_DB", "sqlite") != "sqlite",
                       reason="the benchmarks choose their database themselves: runs once, in the SQLite run"),
]


def test_every_benchmark_is_run_here_and_by_make_bench() -> None:
    scripts = {path.name for path in BENCH.glob("*.py")} - NOT_BENCHMARKS
    assert scripts == set(RUNS)
    makefile = (ROOT / "Makefile").read_text()
    in_make_bench = set(re.findall(r"bench/([a-z_]+\.py)", makefile.split("\nbench:", 1)[1].split("\n\n", 1)[0]))
    # form overlap and readiness calibration are studies, quoted in docs/, not part of `make bench`
    assert in_make_bench == set(RUNS) - {"bench_form_overlap.py", "readiness_calibration.py"}


@pytest.mark.parametrize("script", sorted(RUNS))
def test_the_benchmark_runs_to_its_end(script: str, tmp_path: Path) -> None:
    if script == "saturation.py" and shutil.which("wrk") is None:
        pytest.fail("Debian's wrk is missing: run `make wrk` (make test installs it)")
    arguments, summary = RUNS[script]
    if script == "readiness_calibration.py":
        arguments = [*arguments, "--plots", str(tmp_path)]
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    done = subprocess.run([sys.executable, str(BENCH / script), *arguments], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    assert summary in done.stdout, done.stdout[-2000:]
    assert "Traceback" not in done.stderr, done.stderr[-4000:]


def test_too_few_generated_items_is_a_usage_error_not_a_traceback(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(BENCH / "bench_import.py"), "--items", "20"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2
    assert "argument --items: at least 100" in done.stderr and "Traceback" not in done.stderr
