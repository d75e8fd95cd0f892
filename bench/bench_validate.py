"""Benchmark the bank validator against plain PyYAML loading of the same files.

Generates synthetic, valid banks in a temporary folder (one framework, banks of items with
realistic text lengths written as ``|`` blocks, some scenarios, one test), then times:

  (a) ``load_bank_set`` on the folder: reading, parsing, every check, building the BankSet;
  (b) ``yaml.load(..., Loader=yaml.SafeLoader)`` (pure Python) on each file;
  (c) ``yaml.load(..., Loader=yaml.CSafeLoader)`` (libyaml) on each file;

each repeated a few times (best and median wall-clock seconds, and the best CPU seconds of
this process, which other work on a shared machine disturbs less), and prints the ratios of
(a) to (b) and to (c). Prints, never asserts.
Run:  .venv/bin/python bench/bench_validate.py [--items 10000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quizapp.banks.validate import load_bank_set  # noqa: E402
from quizapp.banks.yamlsafe import LocatedDict, load_yaml  # noqa: E402

WORDS = (
    "the child family social worker assessment plan risk safeguarding parent carer school "
    "health visitor police strategy meeting section threshold evidence analysis consent "
    "relationship professional curiosity neglect harm review supervision decision record "
    "voice wishes feelings chronology multi-agency referral conference protection support"
).split()
STATEMENTS = [f"P{n}" for n in range(1, 11)]
ITEMS_PER_FILE = 500
SCENARIO_SHARE = 0.2  # fraction of items that sit in scenarios
ITEMS_PER_SCENARIO = 5
# The generated test draws 2 knowledge items for each of the 10 statements and 4 scenarios: fewer
# items than this and the bank set has problems (the import refuses it).
MIN_ITEMS = 100


def item_count(text: str) -> int:
    """argparse type of --items: a whole number, at least MIN_ITEMS."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if n < MIN_ITEMS:
        raise argparse.ArgumentTypeError(f"at least {MIN_ITEMS}: the generated test draws 2 knowledge items "
                                         f"for each of {len(STATEMENTS)} statements and 4 scenarios")
    return n


def words(rng: random.Random, n: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(n))
    return text[0].upper() + text[1:] + "."


def block(rng: random.Random, n: int, indent: int) -> str:
    """A ``|`` block of about ``n`` words, wrapped at about 90 characters."""
    pad = " " * indent
    lines, line = [], []
    for word in words(rng, n).split():
        line.append(word)
        if sum(len(w) + 1 for w in line) > 90:
            lines.append(pad + " ".join(line))
            line = []
    if line:
        lines.append(pad + " ".join(line))
    return "|\n" + "\n".join(lines) + "\n"


def item_yaml(rng: random.Random, key: str, section: str, indent: int) -> str:
    pad = " " * indent
    kind = rng.choice(["single", "single", "multiple", "ordering"])
    n_options = 4 if kind != "ordering" else 5
    correct = {"single": {0}, "multiple": {0, 2}, "ordering": set()}[kind]
    codes = rng.sample(STATEMENTS, rng.choice([1, 1, 2]))
    out = [
        f"{pad}- id: {key}\n",
        f"{pad}  type: {kind}\n",
        f"{pad}  section: {section}\n",
        f"{pad}  statements: [{', '.join(codes)}]\n",
        f"{pad}  difficulty: {rng.randint(1, 3)}\n",
        f"{pad}  stem: {block(rng, rng.randint(40, 80), indent + 4)}",
        f"{pad}  options:\n",
    ]
    for index in range(n_options):
        out.append(f"{pad}    - text: {words(rng, rng.randint(6, 14))}\n")
        if index in correct:
            out.append(f"{pad}      correct: true\n")
        out.append(f"{pad}      feedback: {block(rng, rng.randint(20, 30), indent + 8)}")
    if kind == "multiple":
        out.append(f"{pad}  scoring: partial\n")
    out.append(f"{pad}  rationale: {block(rng, rng.randint(50, 90), indent + 4)}")
    out.append(f'{pad}  references: ["Children Act 1989, s.47", "Working Together 2023, chapter 3"]\n')
    return "".join(out)


def generate(root: Path, n_items: int, seed: int = 1) -> None:
    """Write the framework, ceil(n / 500) bank files and a test under ``root``."""
    rng = random.Random(seed)
    framework = ["framework: kss-bench\ntitle: Benchmark framework\nlevel: practitioner\nstatements:\n"]
    for code in STATEMENTS:
        framework.append(f"  - code: {code}\n    title: {words(rng, 5)}\n    summary: {words(rng, 30)}\n")
    (root / "framework.yaml").write_text("".join(framework), encoding="utf-8")
    made = 0
    file_number = 0
    while made < n_items:
        file_number += 1
        count = min(ITEMS_PER_FILE, n_items - made)
        n_scenario_items = int(count * SCENARIO_SHARE) // ITEMS_PER_SCENARIO * ITEMS_PER_SCENARIO
        parts = [f"bank: bench-{file_number:03d}\nframework: kss-bench\ntitle: Bank {file_number}\n",
                 "items:\n"]
        for _ in range(count - n_scenario_items):
            made += 1
            parts.append(item_yaml(rng, f"k-{made:06d}", "knowledge", 2))
        if n_scenario_items:
            parts.append("scenarios:\n")
            for s in range(n_scenario_items // ITEMS_PER_SCENARIO):
                parts.append(f"  - id: sc-{file_number:03d}-{s:03d}\n    title: {words(rng, 4)}\n")
                parts.append(f"    text: {block(rng, rng.randint(200, 450), 6)}    items:\n")
                for _ in range(ITEMS_PER_SCENARIO):
                    made += 1
                    parts.append(item_yaml(rng, f"r-{made:06d}", "reasoning", 6))
        (root / f"bank-{file_number:03d}.yaml").write_text("".join(parts), encoding="utf-8")
    (root / "test.yaml").write_text(
        "test: bench-mock\ntitle: Benchmark mock\nframework: kss-bench\ntime_limit_minutes: 60\n"
        "pass_mark_percent: 60\nsections:\n  - section: knowledge\n    draw: {per_statement: 2}\n"
        "  - section: reasoning\n    draw: {scenarios: 4}\n", encoding="utf-8")


def timed(fn: Callable[[], object], repeats: int) -> tuple[float, float, float]:
    """Best and median wall-clock seconds, and best CPU seconds of this process."""
    times, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return min(times), statistics.median(times), min(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=item_count, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-banks-") as tmp:
        root = Path(tmp)
        generate(root, args.items)
        files = sorted(root.glob("*.yaml"))
        blobs = [f.read_bytes() for f in files]
        size = sum(len(b) for b in blobs)

        bank_set = load_bank_set([root], base=root)
        print(f"libyaml available: {yaml.__with_libyaml__}; PyYAML {yaml.__version__}; "
              f"Python {sys.version.split()[0]}")
        print(f"generated: {len(files)} files, {size / 1e6:.1f} MB")
        print(f"validator: {bank_set.summary()}")
        for problem in bank_set.problems[:5]:
            print(f"  unexpected problem: {problem}")

        def validate() -> None:
            load_bank_set([root], base=root)

        def located_parse_only() -> None:
            for data in blobs:
                load_yaml(data)

        def pure_python() -> None:
            for data in blobs:
                yaml.load(data, Loader=yaml.SafeLoader)  # noqa: S506 - SafeLoader is safe

        def libyaml() -> None:
            for data in blobs:
                yaml.load(data, Loader=yaml.CSafeLoader)  # noqa: S506 - CSafeLoader is safe

        rows = [
            ("(a) load_bank_set (read + parse + validate)", validate),
            ("    of which: yamlsafe.load_yaml only", located_parse_only),
            ("(b) yaml.load, SafeLoader (pure Python)", pure_python),
            ("(c) yaml.load, CSafeLoader (libyaml)", libyaml),
        ]
        results, cpu = {}, {}
        print(f"\n{'':46} {'best':>8} {'median':>8} {'CPU':>8}   (seconds, {args.repeats} runs)")
        for label, fn in rows:
            best, median, best_cpu = timed(fn, args.repeats)
            results[label[:3]], cpu[label[:3]] = best, best_cpu
            print(f"{label:46} {best:8.3f} {median:8.3f} {best_cpu:8.3f}")
        ratio = results["(a)"] / results["(b)"]
        print(f"\nratio validate / pure-Python load: {ratio:.3f} "
              f"(validation is {1 / ratio:.1f}x faster than just loading with SafeLoader)")
        print(f"ratio validate / libyaml load:     {results['(a)'] / results['(c)']:.2f} "
              f"(CPU time: {cpu['(a)'] / cpu['(c)']:.2f})")
        print(f"validated items per second:        {args.items / results['(a)']:,.0f}")
        assert isinstance(load_yaml(blobs[0]).value, LocatedDict)


if __name__ == "__main__":
    main()
