"""How many questions would two mock forms share if they were random draws instead of the
fixed, disjoint lists in question_banks/tests/? Prints figures; asserts nothing.

    .venv/bin/python bench/bench_form_overlap.py

For each level, two forms in the mock's shape (18 knowledge items by `count`, 2 scenarios)
are drawn with `quizapp.domain.assembly.assemble` from a pool built from the shipped banks, for many
seed pairs, and the mean number of shared items is printed beside the fixed forms' overlap.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quizapp.domain.assembly import DrawSpec  # noqa: E402
from quizapp.banks.forms import draw_specs, mean_random_overlap, pool_from_bank_set, shared_items  # noqa: E402
from quizapp.banks.validate import load_bank_set  # noqa: E402

LEVELS = (
    ("practitioner", "kss-practitioner", "kss-practitioner"),
    ("supervisor", "kss-practitioner", "kss-practice-supervisor"),
    ("leader", "kss-practice-leader", "kss-practice-leader"),
    ("ecs", "early-career-standards", "early-career-standards"),  # items keyed in banks or through also_keyed
)
PAIRS = 500


def main() -> None:
    bank_set = load_bank_set([ROOT / "question_banks"], base=ROOT)
    pool = pool_from_bank_set(bank_set)
    print(f"{'level':<14}{'random: knowledge':>18}{'reasoning':>11}{'all (of 30)':>13}{'fixed forms':>13}")
    for prefix, knowledge_fw, reasoning_fw in LEVELS:
        specs = [DrawSpec("knowledge", knowledge_fw, "count", 18), DrawSpec("reasoning", reasoning_fw, "scenarios", 2)]
        knowledge = mean_random_overlap(pool, specs[:1], pairs=PAIRS)
        reasoning = mean_random_overlap(pool, specs[1:], pairs=PAIRS)
        both = mean_random_overlap(pool, specs, pairs=PAIRS)
        fixed = [
            [key for spec in draw_specs(bank_set.tests[f"{prefix}-mock-{x}"]) for key in spec.items] for x in "ab"
        ]
        print(f"{prefix:<14}{knowledge:>18.1f}{reasoning:>11.1f}{both:>13.1f}{shared_items(*fixed):>13}")


if __name__ == "__main__":
    main()
