"""An item keyed to statements of other frameworks as well as its bank's own (`also_keyed`):
what quizapp validate accepts, each mistake reported precisely at its line and column, and
what the validated item holds (and how it changes the item's version hash)."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizapp.banks.model import item_version_hash
from quizapp.banks.validate import load_bank_set
from tests.banks.test_framework_standards import GROUPED
from tests.banks.test_validate import BASE, BANK, assert_problem, change, check, located

KEYED = change(BANK, "    statements: [P1]\n    difficulty: 2",
               "    statements: [P1]\n    also_keyed:\n      ecs: [S1.1, S2.1]\n    difficulty: 2")
# line 9: "    also_keyed:" (value at column 15), line 10: "      ecs: [S1.1, S2.1]" (key at column 7,
# list at column 12, S1.1 at 13, S2.1 at 19)


def keyed(tmp_path: Path, bank: str = KEYED):
    return check(tmp_path, {**BASE, "ecs.yaml": GROUPED, "bank.yaml": bank})


def test_an_item_keyed_to_another_framework_is_valid(tmp_path: Path) -> None:
    bank_set = keyed(tmp_path)
    assert located(bank_set) == []
    item = next(i for i in bank_set.items() if i.key == "p-001")
    assert item.statements == ("P1",)
    assert item.also_keyed == {"ecs": ("S1.1", "S2.1")}
    others = [i for i in bank_set.items() if i.key != "p-001"]
    assert all(i.also_keyed == {} for i in others)


def test_also_keyed_is_part_of_the_version_hash_and_absent_keeps_the_old_hash(tmp_path: Path) -> None:
    with_key = next(i for i in keyed(tmp_path).items() if i.key == "p-001")
    without = next(i for i in keyed(tmp_path, BANK).items() if i.key == "p-001")
    assert "also_keyed" not in without.content()  # items without it keep the hash they had
    assert with_key.content()["also_keyed"] == {"ecs": ["S1.1", "S2.1"]}
    assert item_version_hash(with_key, None) != item_version_hash(without, None)


def test_also_keyed_works_in_a_scenario_item(tmp_path: Path) -> None:
    bank = change(KEYED, "        statements: [P1]\n", "        statements: [P1]\n        also_keyed: {ecs: [S1.2]}\n")
    bank_set = keyed(tmp_path, bank)
    assert located(bank_set) == []
    assert next(i for i in bank_set.items() if i.key == "r-001").also_keyed == {"ecs": ("S1.2",)}


LINE_10 = "      ecs: [S1.1, S2.1]"
CASES = [
    (LINE_10, "      ecz: [S1.1]", 10, 7, "unknown framework 'ecz' (did you mean 'ecs'?)"),
    (LINE_10, "      ecs: [S1.1, S9.9]", 10, 19, "unknown statement code 'S9.9' for framework 'ecs'"),
    (LINE_10, "      ecs: [S1.1, s2.1]", 10, 19,
     "unknown statement code 's2.1' for framework 'ecs' (did you mean 'S2.1'?)"),
    (LINE_10, "      ecs: [S1]", 10, 13,
     "'S1' is a standard of framework 'ecs', not a statement: key the item to its statements (S1.1, S1.2)"),
    (LINE_10, "      kss-p: [P2]", 10, 7,
     "'kss-p' is the framework of this item's bank: list its codes in 'statements', not in 'also_keyed'"),
    (LINE_10, "      ecs: []", 10, 12, "the list for framework 'ecs' in 'also_keyed' must not be empty"),
    (LINE_10, "      ecs:", 10, 7, "the list for framework 'ecs' in 'also_keyed' must not be empty"),
    (LINE_10, "      ecs: [S1.1, S1.1]", 10, 19,
     "statement 'S1.1' is listed twice for framework 'ecs' (first at line 10)"),
    (LINE_10, "      ecs: S1.1", 10, 12,
     "'ecs' in 'also_keyed' must be a list of statement codes, e.g. [S1.1], not 'S1.1'"),
    (LINE_10, "      ecs: [S 1]", 10, 13, "'S 1' is not a valid statement code"),
    (LINE_10, "      e+cs: [S1.1]", 10, 7, "'e+cs' is not a valid framework id"),
    ("    also_keyed:\n" + LINE_10, "    also_keyed: [ecs]", 9, 17,
     "'also_keyed' must be a mapping from framework ids to lists of their statement codes "
     "(e.g. early-career-standards: [ECS3.1]), not a list"),
    ("    also_keyed:\n" + LINE_10, "    also_keyed: {}", 9, 17,
     "'also_keyed' must not be empty: name another framework and its statement codes, or leave "
     "the key out"),
    ("    also_keyed:\n" + LINE_10, "    also_keyed:", 9, 5,
     "'also_keyed' must not be empty: name another framework and its statement codes, or leave "
     "the key out"),
]


@pytest.mark.parametrize(("old", "new", "line", "column", "fragment"), CASES)
def test_also_keyed_problems(tmp_path: Path, old: str, new: str, line: int, column: int, fragment: str) -> None:
    bank_set = keyed(tmp_path, change(KEYED, old, new))
    assert_problem(bank_set, "bank.yaml", line, column, fragment)
    assert "p-001" not in {i.key for i in bank_set.items()}  # the item is left out, the rest kept
    assert "p-002" in {i.key for i in bank_set.items()}


def test_one_problem_per_mistake(tmp_path: Path) -> None:
    bank_set = keyed(tmp_path, change(KEYED, LINE_10, "      ecs: [S1.1, S9.9]\n      kss-p: [P2]"))
    assert [(p.line, p.column) for p in bank_set.problems] == [(10, 19), (11, 7)]


ECS_BANKS = Path(__file__).resolve().parents[1] / "fixtures" / "ecs_banks"


def test_a_test_of_the_other_framework_can_draw_items_keyed_to_it(tmp_path: Path) -> None:
    assert load_bank_set([ECS_BANKS]).problems == []
    text = (ECS_BANKS / "ecs-mock.yaml").read_text()
    (tmp_path / "ecs-mock.yaml").write_text(text.replace("{scenarios: 1}", "{scenarios: 2}"))
    others = [path for path in ECS_BANKS.iterdir() if path.name != "ecs-mock.yaml"]
    problems = [p.message for p in load_bank_set([*others, tmp_path / "ecs-mock.yaml"]).problems]
    assert problems == ["section 'reasoning' draws 2 scenarios but only 1 scenario with only reasoning "
                        "items exists for framework 'fx-ecs'"]
