"""Import of generated banks into a fresh database: first import, a no-change re-import, and a
re-import after editing 5% of the items (new versions).

    .venv/bin/python bench/bench_import.py [--items 10000] [--db sqlite|postgresql]

Prints figures; asserts nothing. Uses the same synthetic banks as bench_validate.py.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_validate import generate, item_count  # noqa: E402
from quizapp.data import migrate  # noqa: E402
from quizapp.banks.validate import load_bank_set  # noqa: E402
from quizapp.data.db import make_engine, session_scope  # noqa: E402
from quizapp.services.importer import import_bank_set  # noqa: E402


def run_import(engine, folder: Path) -> tuple[float, float, str]:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    bank_set = load_bank_set([folder])
    t1 = time.perf_counter()
    with session_scope(engine) as session:
        report = import_bank_set(session, bank_set, prune=True)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, report.summary()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=item_count, default=10_000)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="quizapp-bench-import-"))
    banks = work / "banks"
    banks.mkdir()
    generate(banks, args.items)
    server = None
    if args.db == "postgresql":
        from tests.pg import ThrowawayPostgres

        server = ThrowawayPostgres(Path(tempfile.mkdtemp(prefix="quizapp-bench-pg-")) / "pg")
        server.start()
        url = server.url()
    else:
        url = f"sqlite:///{work / 'import.sqlite3'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    print(f"{args.items} generated items, database {args.db}")
    for label in ("first import", "re-import, nothing changed"):
        validate_s, import_s, summary = run_import(engine, banks)
        print(f"{label:<34} validate {validate_s:6.2f} s   import {import_s:6.2f} s   ({summary})")
    edited = 0
    for path in sorted(banks.rglob("*.yaml")):
        text = path.read_text()
        count = text.count("    stem: |")
        if count:
            # change the first stem line of about 5% of the items in this file
            parts = text.split("    stem: |\n")
            for i in range(1, len(parts), 20):
                parts[i] = parts[i].replace("\n", " (edited)\n", 1)
                edited += 1
            path.write_text("    stem: |\n".join(parts))
    validate_s, import_s, summary = run_import(engine, banks)
    print(f"{'re-import, ' + str(edited) + ' items edited':<34} validate {validate_s:6.2f} s   import {import_s:6.2f} s   ({summary})")
    engine.dispose()
    if server is not None:
        server.stop()


if __name__ == "__main__":
    main()
