"""Coverage: the level table, the draw-variety verdicts and the minimum checks, on a small bank."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from quizapp.cli.reports import run_coverage
from quizapp.banks.coverage import MINIMUMS, DrawCoverage, LevelMinimum, coverage, render
from quizapp.banks.model import Draw, Framework, Statement
from quizapp.banks.validate import load_bank_set

from .builders import bank_set, blueprint, item, options, scenario


def small_set(tests=()):
    """Statements A, B. Six standalone knowledge items: A has 3 (2 single, 1 ordering), B has 2
    (one multiple 3 of 8, one single of 3 options), and one is keyed to both (multiple 2 of 6).
    Two scenarios: sc1 (2 reasoning items), sc2 (one reasoning, one knowledge item). Keyed to A:
    5 items; to B: 6."""
    knowledge = [
        item("a1", statements=("A",)),
        item("a2", statements=("A",)),
        item("a3", statements=("A",), type="ordering"),
        item("b1", statements=("B",), type="multiple"),
        item("b2", statements=("B",), opts=options(3, (0,))),
        item("ab", statements=("A", "B"), type="multiple", opts=options(6, (0, 1))),
    ]
    sc1 = scenario("sc1", [item("s1", section="reasoning", statements=("A",)),
                           item("s2", section="reasoning", statements=("B",), type="multiple")])
    sc2 = scenario("sc2", [item("t1", section="reasoning", statements=("B",)),
                           item("t2", section="knowledge", statements=("B",))])
    return bank_set(knowledge, scenarios=[sc1, sc2], tests=tests)


def test_level_table_counts_items_by_statement_section_and_type():
    level = coverage(small_set()).level("fw")
    assert level.items == 10
    assert level.reasoning == 3 and level.scenarios == 2
    assert level.cells[("A", "knowledge", "single")] == 2
    assert level.cells[("A", "knowledge", "multiple")] == 1  # "ab" counts for A ...
    assert level.cells[("B", "knowledge", "multiple")] == 2  # ... and for B
    assert level.cells[("B", "reasoning", "single")] == 1
    assert level.totals[("knowledge", "multiple")] == 2  # distinct items
    assert level.per_statement() == {"A": 5, "B": 6}
    assert (level.single_four, level.multiple_eight_three, level.ordering) == (5, 2, 1)


def test_minimum_checks_pass_and_fail():
    minimum = LevelMinimum(items=10, per_statement=7, reasoning=3, scenarios=3, single_four_share=0.5,
                           multiple_eight_three_share=0.25, ordering=1)
    report = coverage(small_set(), {"fw": minimum})
    verdicts = {c.name: c.passed for c in report.checks}
    assert verdicts == {
        "items": True,  # 10 >= 10
        "items per statement": False,  # A has 5 < 7
        "reasoning items": True,
        "scenarios": False,  # 2 < 3
        "single 1 of 4": True,  # 5 of 10 = 50%
        "multiple 3 of 8": False,  # 2 of 10 = 20%
        "ordering items": True,
    }
    assert not report.ok
    assert str(report.check("fw", "scenarios")) == "FAIL fw: scenarios: 2 (minimum 3)"
    assert str(report.check("fw", "single 1 of 4")) == "PASS fw: single 1 of 4: 5 of 10 items (50%; minimum 50%)"


def test_frameworks_without_minimums_are_not_checked():
    report = coverage(small_set(), {})
    assert report.checks == [] and report.ok


def test_the_practitioner_minimums_of_issue_4():
    assert MINIMUMS["kss-practitioner"] == LevelMinimum(150, 12, 48, 8, 0.40, 0.25, 10)


@pytest.mark.parametrize(
    ("draw", "pool", "verdict"),
    [
        (Draw("count", 3), 6, "ok"),  # 6 standalone knowledge items, ratio 2
        (Draw("count", 4), 6, "little variety"),
        (Draw("count", 6), 6, "no variety"),
        (Draw("count", 7), 6, "cannot be met"),
        (Draw("per_statement", 2), 3, "little variety"),  # fewest: B has 3 (b1, b2, ab)
        (Draw("per_statement", 3), 3, "no variety"),
        (Draw("scenarios", 1), 1, "no variety"),  # only sc1 is all reasoning
        (Draw("scenarios", 2), 1, "cannot be met"),
        (Draw("items", items=("a1", "b1")), 2, "fixed"),
    ],
)
def test_draw_variety(draw, pool, verdict):
    section = "reasoning" if draw.kind == "scenarios" else "knowledge"
    report = coverage(small_set([blueprint("t", (section, draw))]), {})
    (line,) = report.draws
    assert (line.pool, line.verdict) == (pool, verdict)
    assert report.ok is (verdict != "cannot be met")


def also_keyed_set(tests=()):
    """small_set's items, a1, a2, b1 and the whole of sc1 also keyed to the framework "other"
    (X, Y), which has no bank of its own."""
    bs = small_set(tests)
    also = {"a1": ("X",), "a2": ("Y",), "b1": ("X", "Y"), "s1": ("X",), "s2": ("Y",)}
    for it in bs.items():
        if it.key in also:
            it.also_keyed = {"other": also[it.key]}
    bs.frameworks["other"] = Framework("other", "Other", "practitioner",
                                       [Statement(c, f"Statement {c}", "Summary.") for c in ("X", "Y")])
    return bs


@pytest.mark.parametrize(
    ("draw", "pool", "detail"),
    [
        (Draw("count", 2), 3, "3 standalone knowledge items over 2 statements"),
        (Draw("per_statement", 1), 2, "fewest knowledge items for one statement: 2 (X)"),
        (Draw("scenarios", 1), 1, "1 scenarios with only reasoning items"),  # sc1, keyed whole
        (Draw("items", items=("a1", "a2")), 2, "2 fixed items over 2 statements, the same on every attempt"),
    ],
)
def test_a_draw_of_another_framework_counts_the_items_keyed_to_it_through_also_keyed(draw, pool, detail):
    section = "reasoning" if draw.kind == "scenarios" else "knowledge"
    test = blueprint("t", (section, draw), framework="other")
    (line,) = coverage(also_keyed_set([test]), {}).draws
    assert (line.pool, line.detail) == (pool, detail)


def test_fixed_scenario_items_are_described():
    report = coverage(small_set([blueprint("t", ("reasoning", Draw("items", items=("s1", "s2"))))]), {})
    assert report.draws[0].detail == "2 fixed items from 1 scenario, the same on every attempt"


def test_ratio_of_an_empty_draw_is_zero():
    assert DrawCoverage("t", "knowledge", "fw", "count", 0, 5).ratio == 0.0


def test_render_has_the_table_the_draws_and_the_checks():
    minimum = LevelMinimum(items=1, per_statement=1, reasoning=1, scenarios=1, ordering=1)
    text = render(coverage(small_set([blueprint("t", ("knowledge", Draw("count", 6)))]), {"fw": minimum}))
    lines = text.splitlines()
    assert lines[0].startswith("fw (practitioner): 10 items, 3 reasoning, 2 scenarios")
    assert lines[1].split() == ["statement", "K:single", "K:multiple", "K:ordering", "R:single", "R:multiple",
                                "R:ordering", "total"]
    assert lines[2].split() == ["A", "2", "1", "1", "1", "0", "0", "5"]
    assert any(line.split()[:6] == ["t", "knowledge", "fw", "count", "6", "6"] and "no variety" in line
               for line in lines)
    assert "FAIL fw: multiple 3 of 8: 2 of 10 items (20%; minimum 25%)" in lines
    assert lines[-1] == "1 frameworks, 1 tests: 7 minimums checked, 1 failed; 0 draws cannot be met, 1 with no variety"


# -- the command -------------------------------------------------------------------------------

FRAMEWORK_YAML = """\
framework: {key}
title: A framework
level: practice-leader
statements:
  - {{code: A, title: First, summary: One.}}
"""
BANK_YAML = """\
bank: b
framework: {key}
title: A bank
items:
  - id: q1
    type: single
    section: knowledge
    statements: [A]
    stem: Which is right?
    options:
      - {{text: The alpha answer, correct: true, feedback: Right.}}
      - {{text: The bravo answer, feedback: No.}}
    rationale: Because.
    references: [Children Act 1989, s.17]
"""


@pytest.mark.parametrize(("key", "code"), [("local-fw", 0), ("kss-practice-leader", 1)])
def test_run_coverage_exit_code_follows_the_minimums(tmp_path: Path, key, code):
    (tmp_path / "framework.yaml").write_text(FRAMEWORK_YAML.format(key=key))
    (tmp_path / "bank.yaml").write_text(BANK_YAML.format(key=key))
    out, err = io.StringIO(), io.StringIO()
    assert run_coverage([tmp_path], out, err, base=tmp_path) == code
    assert ("FAIL kss-practice-leader: items: 1 (minimum 100)" in out.getvalue()) is bool(code)


def test_coverage_command(runner, tmp_path: Path):
    (tmp_path / "framework.yaml").write_text(FRAMEWORK_YAML.format(key="local-fw"))
    (tmp_path / "bank.yaml").write_text(BANK_YAML.format(key="local-fw"))
    result = runner.invoke(args=["coverage", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("local-fw (practice-leader): 1 items")
    assert runner.invoke(args=["coverage", "/no/such/folder"]).exit_code == 2


# -- also_keyed, standards and crosswalks (issue 18) --------------------------------------------

ECS_BANKS = Path(__file__).resolve().parents[1] / "fixtures" / "ecs_banks"
WALK_YAML = """\
crosswalk: fx-walk
title: Fixture crosswalk
from: fx-kss
to: fx-ecs
links:
  - {from: K1, to: E1.1, reason: Both about the first thing.}
  - {from: K3, to: E2.1, reason: Both about the third thing.}
"""


def _ecs_report(tmp_path: Path):
    (tmp_path / "walk.yaml").write_text(WALK_YAML)
    bank_set = load_bank_set([ECS_BANKS, tmp_path / "walk.yaml"])
    assert bank_set.problems == []
    ecs_minimum = LevelMinimum(per_statement=4, per_standard=5, single_four_share=None,
                               multiple_eight_three_share=None, ordering=None)
    return coverage(bank_set, {"fx-ecs": ecs_minimum})


def test_items_keyed_through_also_keyed_count_under_the_other_framework(tmp_path: Path):
    report = _ecs_report(tmp_path)
    ecs = report.level("fx-ecs")
    assert (ecs.items, ecs.also_keyed, ecs.scenarios) == (9, 8, 1)  # fx-ks-2 holds an item not keyed to it
    assert ecs.per_statement() == {"E1.1": 3, "E1.2": 3, "E2.1": 4}
    assert ecs.per_standard == {"E1": 5, "E2": 4}
    assert report.level("fx-kss").items == 10 and report.level("fx-kss").also_keyed == 0
    text = render(report)
    assert "(8 of these items are in banks of another framework and count here through their also_keyed)" in text
    assert "per standard (each item once): E1 5, E2 4" in text
    assert [str(c) for c in report.checks] == [
        "FAIL fx-ecs: items per statement: fewest 3 (E1.1) (minimum 4)",
        "FAIL fx-ecs: items per standard: fewest 4 (E2) (minimum 5)"]


def test_the_crosswalks_coverage_and_how_far_also_keyed_follows_it(tmp_path: Path):
    walk = _ecs_report(tmp_path).crosswalks[0]
    assert (walk.unlinked_source, walk.unlinked_target) == (("K2",), ("E1.2",))
    assert (walk.items, walk.keyed, walk.agree, walk.not_keyed) == (10, 8, 3, 2)
    assert ("  fx-kss items also keyed to fx-ecs: 8 of 10; 3 agree with the crosswalk's proposals, 5 name a "
            "code it does not propose for their statements, 2 not keyed yet") in render(_ecs_report(tmp_path))


def test_the_issue_18_minimums():
    assert MINIMUMS["kss-practice-supervisor"] == LevelMinimum(130, 14, 30, 5, 0.40, 0.25, 10)
    assert MINIMUMS["kss-practice-leader"] == LevelMinimum(100, 14, 24, 4, 0.40, 0.25, 10)
    assert MINIMUMS["early-career-standards"] == LevelMinimum(
        per_statement=4, per_standard=20, single_four_share=None, multiple_eight_three_share=None, ordering=None)
