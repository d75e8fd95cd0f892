"""Crosswalk files: links between two frameworks' statements, checked by quizapp validate
(unknown frameworks and codes are errors at their line, a pair given twice is a warning)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from quizapp.cli.validate import run_validate
from tests.banks.test_framework_standards import GROUPED
from tests.banks.test_validate import BASE, assert_problem, change, check, located

CROSSWALK = """\
crosswalk: kss-to-ecs
title: KSS to early career standards
from: kss-p
to: ecs
links:
  - from: P1
    to: S2.1
    reason: Both are about relationships.
  - from: P1
    to: S1.1
    reason: Power in relationships.
  - from: P2
    to: S2.1
    reason: Communication builds relationships.
"""
# links at lines 6, 9 and 12


def crosswalk(tmp_path: Path, text: str = CROSSWALK):
    return check(tmp_path, {**BASE, "ecs.yaml": GROUPED, "walk.yaml": text})


def test_a_crosswalk_is_valid_and_many_to_many(tmp_path: Path) -> None:
    bank_set = crosswalk(tmp_path)
    assert located(bank_set) == [] and bank_set.warnings == []
    walk = bank_set.crosswalks["kss-to-ecs"]
    assert (walk.source, walk.target, walk.title) == ("kss-p", "ecs", "KSS to early career standards")
    assert walk.targets("P1") == ["S2.1", "S1.1"]
    assert walk.sources("S2.1") == ["P1", "P2"]
    assert walk.links[0].reason == "Both are about relationships." and walk.links[0].line == 6
    assert bank_set.summary().endswith(", 1 tests, 1 crosswalks: 0 errors")


CROSSWALK_CASES = [
    ("    to: S2.1\n    reason: Both", "    to: S9.9\n    reason: Both", 7, 9,
     "unknown statement code 'S9.9' for framework 'ecs'"),
    ("  - from: P1\n    to: S2.1", "  - from: P7\n    to: S2.1", 6, 11,
     "unknown statement code 'P7' for framework 'kss-p'"),
    ("    to: S2.1\n    reason: Both", "    to: S1\n    reason: Both", 7, 9,
     "unknown statement code 'S1' for framework 'ecs'"),
    ("to: ecs", "to: ecz", 4, 5, "unknown framework 'ecz' (did you mean 'ecs'?)"),
    ("to: ecs", "to: kss-p", 4, 5, "a crosswalk links two different frameworks: 'from' and 'to' are both 'kss-p'"),
    ("    reason: Power in relationships.\n", "", 9, 5, "missing required key 'reason' in link"),
    ("    reason: Power in relationships.", "    why: Power in relationships.", 11, 5, "unknown key 'why' in link"),
]


@pytest.mark.parametrize(("old", "new", "line", "column", "fragment"), CROSSWALK_CASES)
def test_crosswalk_problems(tmp_path: Path, old: str, new: str, line: int, column: int, fragment: str) -> None:
    assert_problem(crosswalk(tmp_path, change(CROSSWALK, old, new)), "walk.yaml", line, column, fragment)


def test_a_pair_given_twice_is_a_warning_not_an_error(tmp_path: Path) -> None:
    twice = CROSSWALK + "  - from: P1\n    to: S2.1\n    reason: Again.\n"
    bank_set = crosswalk(tmp_path, twice)
    assert bank_set.ok
    assert [(w.line, w.column, w.message) for w in bank_set.warnings] == [
        (15, 11, "link P1 -> S2.1 is given twice (first at line 6): keep one")]
    assert len(bank_set.crosswalks["kss-to-ecs"].links) == 3
    out = io.StringIO()
    assert run_validate([tmp_path], out, io.StringIO(), base=tmp_path) == 0
    assert "walk.yaml:15:11: warning: link P1 -> S2.1 is given twice (first at line 6): keep one\n" in out.getvalue()
    assert out.getvalue().rstrip().endswith("1 crosswalks: 0 errors, 1 warning")


def test_duplicate_crosswalk_ids(tmp_path: Path) -> None:
    bank_set = check(tmp_path, {**BASE, "ecs.yaml": GROUPED, "a.yaml": CROSSWALK, "b.yaml": CROSSWALK})
    assert_problem(bank_set, "b.yaml", 1, 12, "duplicate crosswalk id 'kss-to-ecs' (first defined at a.yaml:1)")


def test_the_shipped_crosswalk_links_every_practitioner_statement() -> None:
    from quizapp.banks.validate import load_bank_set
    root = Path(__file__).resolve().parents[2] / "question_banks"
    bank_set = load_bank_set([root], base=root)
    assert bank_set.ok and bank_set.warnings == []
    walk = bank_set.crosswalks["kss-practitioner-to-ecs"]
    kss, ecs = bank_set.frameworks[walk.source], bank_set.frameworks[walk.target]
    assert (kss.key, ecs.key) == ("kss-practitioner", "early-career-standards")
    assert [s.code for s in kss.statements if not walk.targets(s.code)] == []
    assert all(link.reason for link in walk.links)
