"""Frameworks whose statements are grouped under standards, and the dates that say which
framework is current: what quizapp validate accepts, what it reports (and where), and what the
validated framework holds."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from quizapp.banks.model import Framework, Statement, _hash
from tests.banks.test_validate import BASE, FRAMEWORK, assert_problem, change, check, located

GROUPED = """\
framework: ecs
title: Early career standards
level: practitioner
effective_from: 2027-04-01
replaces: kss-p
source_note: Outcome titles follow the consultation.
standards:
  - code: S1
    title: Anti-discriminatory practice
    summary: Our words.
    statements:
      - code: S1.1
        title: Challenge discrimination
        summary: Words.
      - code: S1.2
        title: Use the law on equality
        summary: Words.
        unconfirmed: title
  - code: S2
    title: Relationships and communication
    unconfirmed: order
    statements:
      - code: S2.1
        title: Build relationships
        summary: Words.
"""
# line 8: "  - code: S1", line 12: "      - code: S1.1", 15: S1.2, 19: "  - code: S2", 23: S2.1;
# 26 lines in all


def grouped(tmp_path: Path, text: str = GROUPED, **files: str):
    return check(tmp_path, {**BASE, "ecs.yaml": text, **files})


def test_a_grouped_framework_is_valid_and_keeps_its_groups(tmp_path: Path) -> None:
    bank_set = grouped(tmp_path)
    assert located(bank_set) == []
    ecs = bank_set.frameworks["ecs"]
    assert [s.code for s in ecs.statements] == ["S1.1", "S1.2", "S2.1"]
    assert [s.standard for s in ecs.statements] == ["S1", "S1", "S2"]
    assert [(g.code, g.title, g.statements) for g in ecs.standards] == [
        ("S1", "Anti-discriminatory practice", ("S1.1", "S1.2")),
        ("S2", "Relationships and communication", ("S2.1",))]
    assert ecs.standards[1].unconfirmed == "order"
    assert ecs.statement("S1.2").unconfirmed == "title"
    assert ecs.effective_from == date(2027, 4, 1)
    assert ecs.superseded_on is None
    assert ecs.replaces == "kss-p"
    assert ecs.source_note == "Outcome titles follow the consultation."


def test_a_flat_framework_is_unchanged(tmp_path: Path) -> None:
    bank_set = grouped(tmp_path)
    flat = bank_set.frameworks["kss-p"]
    assert flat.standards == [] and flat.effective_from is None
    assert [s.standard for s in flat.statements] == ["", ""]


def test_the_content_hash_of_a_flat_framework_does_not_change() -> None:
    """So adding the new keys to the format re-imports none of the shipped KSS frameworks."""
    fw = Framework("f", "T", "practitioner", [Statement("A", "Title", "Summary.")])
    before = {"title": "T", "level": "practitioner", "description": "",
              "statements": [{"code": "A", "title": "Title", "summary": "Summary.", "resources": []}]}
    assert fw.content_hash() == _hash(before)


GROUPED_CASES = [
    ("  - code: S2\n", "  - code: S1\n", 19, 11, "duplicate standard code 'S1' (first at line 8)"),
    ("      - code: S2.1", "      - code: S1.1", 23, 15,
     "duplicate statement code 'S1.1' (first at line 12, under standard 'S1')"),
    ("      - code: S2.1", "      - code: S1", 23, 15,
     "statement code 'S1' is also the code of standard 'S1' (line 8)"),
    ("effective_from: 2027-04-01", "effective_from: 1 April 2027", 4, 17,
     "'effective_from' must be a date written YYYY-MM-DD, e.g. 2027-04-01, not '1 April 2027'"),
    ("effective_from: 2027-04-01", "effective_from: 2027-02-29", 4, 17,
     "'effective_from' is not a date that exists: '2027-02-29'"),
    ("effective_from: 2027-04-01", "effective_from: 2027-04-01\nsuperseded_on: 2027-03-31", 5, 16,
     "'superseded_on' (2027-03-31) must be after 'effective_from' (2027-04-01)"),
    ("replaces: kss-p", "replaces: kss-q", 5, 11, "unknown framework 'kss-q' (did you mean 'kss-p'?)"),
    ("replaces: kss-p", "replaces: ecs", 5, 11, "a framework cannot replace itself"),
    ("    statements:\n      - code: S2.1\n        title: Build relationships\n        summary: Words.\n",
     "    statements: []\n", 22, 17, "'statements' must not be empty"),
    ("    unconfirmed: order", "    unconfirmed: order\n    outcomes: []", 22, 5,
     "unknown key 'outcomes' in standard (did you mean 'statements'? here a standard's outcomes "
     "are its 'statements')"),
]


@pytest.mark.parametrize(("old", "new", "line", "column", "fragment"), GROUPED_CASES)
def test_grouped_framework_problems(tmp_path: Path, old: str, new: str, line: int, column: int,
                                   fragment: str) -> None:
    assert_problem(grouped(tmp_path, change(GROUPED, old, new)), "ecs.yaml", line, column, fragment)


def test_statements_and_standards_are_exclusive(tmp_path: Path) -> None:
    both = GROUPED + "statements:\n  - {code: X1, title: X, summary: X.}\n"
    assert_problem(grouped(tmp_path, both), "ecs.yaml", 26, 1,
                   "a framework has either 'statements' or 'standards' (line 7), not both")


def test_a_framework_needs_statements_or_standards(tmp_path: Path) -> None:
    neither = FRAMEWORK[: FRAMEWORK.index("statements:")]
    bank_set = check(tmp_path, {"fw.yaml": neither})
    assert located(bank_set) == [
        ("fw.yaml", 1, 1, "missing required key 'statements' in framework (or 'standards', to "
                          "group its statements under standards)")]


def test_a_29_february_is_a_date_in_a_leap_year(tmp_path: Path) -> None:
    bank_set = grouped(tmp_path, change(GROUPED, "2027-04-01", "2028-02-29"))
    assert located(bank_set) == []
    assert bank_set.frameworks["ecs"].effective_from == date(2028, 2, 29)


def test_items_are_keyed_to_outcome_codes(tmp_path: Path) -> None:
    bank = """\
bank: ecs-bank
framework: ecs
title: ECS bank
items:
  - id: e-1
    type: single
    section: knowledge
    statements: [S1.2, S2]
    stem: Which?
    options: [{text: A, correct: true}, {text: B}]
    rationale: Because.
"""
    bank_set = grouped(tmp_path, **{"ecs-bank.yaml": bank})
    # a standard's code is not a statement: items are keyed to outcomes
    assert_problem(bank_set, "ecs-bank.yaml", 8, 24, "unknown statement code 'S2' for framework 'ecs'")


ECS_CODES = {
    "ECS1": ["ECS1.1", "ECS1.2", "ECS1.3", "ECS1.4"],
    "ECS2": ["ECS2.1", "ECS2.2", "ECS2.3", "ECS2.4", "ECS2.5"],
    "ECS3": ["ECS3.1", "ECS3.2", "ECS3.3", "ECS3.4", "ECS3.5"],
    "ECS4": ["ECS4.1", "ECS4.2", "ECS4.3", "ECS4.4", "ECS4.5"],
    "ECS5": ["ECS5.1", "ECS5.2", "ECS5.3"],
    "ECS6": ["ECS6.1", "ECS6.2", "ECS6.3", "ECS6.4"],
}


def test_the_shipped_early_career_standards() -> None:
    """Codes are permanent (items are keyed to them); the six standards are the consultation's,
    in its order; every title that could not be checked says so."""
    from quizapp.banks.validate import load_bank_set
    root = Path(__file__).resolve().parents[2] / "question_banks" / "frameworks"
    bank_set = load_bank_set([root], base=root)
    assert bank_set.ok
    ecs, kss = bank_set.frameworks["early-career-standards"], bank_set.frameworks["kss-practitioner"]
    assert {g.code: list(g.statements) for g in ecs.standards} == ECS_CODES
    assert sum(map(len, ECS_CODES.values())) == 26
    assert [g.title for g in ecs.standards] == [
        "Anti-discriminatory practice", "Relationships and communication", "Assessment and planning",
        "Intervention", "Reflection and learning", "Leadership and management"]
    assert all(g.unconfirmed for g in ecs.standards) and all(s.unconfirmed for s in ecs.statements)
    assert ecs.source_note and ecs.level == kss.level == "practitioner"
    assert (ecs.effective_from, ecs.replaces) == (date(2027, 4, 1), "kss-practitioner")
    assert kss.superseded_on == ecs.effective_from
