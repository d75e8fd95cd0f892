"""Coverage of a validated bank set: what each level's banks hold, whether each test
blueprint's draws leave room for variety, and whether the minimums of issue 4 are met.

Pure: :func:`coverage` takes a :class:`~quizapp.banks.model.BankSet` and returns a
:class:`CoverageReport`; :func:`render` turns it into the text ``quizapp coverage`` prints.
No files are read here and there is no Flask.

How things are counted (one place, so the table, the checks and the tests agree):

- A *level* is one framework and every item keyed to it: the items of its banks, standalone and
  in scenarios alike, and items of other frameworks' banks whose ``also_keyed`` names it (counted
  under its codes; the table's footnote says how many). A scenario of another framework's bank
  counts when every one of its items is keyed to it. A framework grouped under standards also
  gets the items per standard (each item once).
- The table has one row per statement and a column per section x type. An item keyed to two
  statements is counted in both rows, so the rows can add up to more than the "all" row,
  which counts distinct items.
- *Items per statement* (for the minimums) is the number of items keyed to the statement, in
  any section, scenario items included.
- *Reasoning items* are items with ``section: reasoning``; *scenarios* are the scenarios of the
  framework's banks.
- *Single 1 of 4* is a ``single`` item with exactly 4 options; *multiple 3 of 8* is a
  ``multiple`` item with exactly 8 options of which 3 are correct (the real test's two
  formats). Their shares are of all the level's items.

Blueprint draws, one line per section (the *pool* is what validation checks against):

- ``count N``: standalone items of the section in the framework, against N;
- ``per_statement N``: the fewest standalone items of the section keyed to one statement,
  against N;
- ``scenarios N``: scenarios whose items are all of the section, against N;
- ``items [...]``: a fixed list: the same questions on every attempt (no variety by design).

The variety verdict is the pool divided by the draw: below 1 "cannot be met", exactly 1 "no
variety" (every attempt sees the same questions), below :data:`GOOD_VARIETY` "little
variety", otherwise "ok".

Each crosswalk's coverage (crosswalk_coverage.py): statements of either side with no link, and
how many items' also_keyed agree with its proposals.

The minimums of issues 4 and 18 live in :data:`MINIMUMS`, keyed by framework id; a framework not
listed there gets its table but no checks, and a listed framework that is absent from the set
is not checked (validate the whole folder to check them all).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from quizapp.banks.crosswalk_coverage import CrosswalkCoverage, crosswalk_coverage, render_crosswalk
from quizapp.banks.model import BankSet, Framework, Item, Scenario, Section, TestBlueprint

TYPES = ("single", "multiple", "ordering")
SECTIONS = ("knowledge", "reasoning")
LEVEL_ORDER = ("practitioner", "practice-supervisor", "practice-leader")
"""Levels are reported in this order; other levels follow, by framework id."""
GOOD_VARIETY = 2.0
"""A draw whose pool is at least this many times the draw size has room for variety."""


@dataclass(frozen=True)
class LevelMinimum:
    """The least a level's banks must hold (issue 4, "Question banks for all three levels", raised
    and extended by issue 18). A minimum of 0 or None is not checked."""

    items: int = 0
    per_statement: int = 0
    reasoning: int = 0
    scenarios: int = 0
    single_four_share: float | None = 0.40
    multiple_eight_three_share: float | None = 0.25
    ordering: int | None = 10
    per_standard: int = 0  # a framework grouped under standards: items keyed to any of a standard's outcomes


MINIMUMS: dict[str, LevelMinimum] = {
    "kss-practitioner": LevelMinimum(items=150, per_statement=12, reasoning=48, scenarios=8),
    "kss-practice-supervisor": LevelMinimum(items=130, per_statement=14, reasoning=30, scenarios=5),
    "kss-practice-leader": LevelMinimum(items=100, per_statement=14, reasoning=24, scenarios=4),
    "early-career-standards": LevelMinimum(per_statement=4, per_standard=20, single_four_share=None,
                                           multiple_eight_three_share=None, ordering=None),
}
"""The minimums, keyed by framework id: issue 4's table, with issue 18's raised supervisor and
leader counts and the early career standards (20 items per standard, 4 per outcome)."""


# --------------------------------------------------------------------------------------
# The report


@dataclass
class LevelCoverage:
    """What one framework's banks hold."""

    framework: str
    level: str
    title: str
    statements: list[str]
    cells: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    """(statement, section, type) -> items keyed to the statement."""
    totals: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(section, type) -> distinct items."""
    items: int = 0
    reasoning: int = 0
    scenarios: int = 0
    single_four: int = 0
    multiple_eight_three: int = 0
    ordering: int = 0
    also_keyed: int = 0
    """Items counted here through also_keyed (their bank is of another framework)."""
    standards: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """A grouped framework's standards: code -> its statements' codes."""
    per_standard: dict[str, int] = field(default_factory=dict)
    """Items keyed to any statement of each standard, each item once."""

    def per_statement(self) -> dict[str, int]:
        """Items keyed to each statement, in any section."""
        return {code: sum(n for (c, _, _), n in self.cells.items() if c == code) for code in self.statements}

    def share(self, count: int) -> float:
        return count / self.items if self.items else 0.0


@dataclass(frozen=True)
class DrawCoverage:
    """One section of one test blueprint: how much its draw has to choose from."""

    test: str
    section: str
    framework: str
    kind: str
    draw: int
    """Items (count, items), items per statement (per_statement) or scenarios (scenarios)."""
    pool: int
    """What the draw chooses from, in the same unit (for per_statement: the fewest per statement)."""
    detail: str = ""

    @property
    def ratio(self) -> float:
        return self.pool / self.draw if self.draw else 0.0

    @property
    def verdict(self) -> str:
        if self.kind == "items":
            return "fixed"
        if self.pool < self.draw:
            return "cannot be met"
        if self.pool == self.draw:
            return "no variety"
        return "little variety" if self.ratio < GOOD_VARIETY else "ok"


@dataclass(frozen=True)
class MinimumCheck:
    """One line of the minimum table: PASS or FAIL."""

    framework: str
    name: str
    actual: float
    required: float
    shown: str

    @property
    def passed(self) -> bool:
        return self.actual >= self.required

    def __str__(self) -> str:
        return f"{'PASS' if self.passed else 'FAIL'} {self.framework}: {self.name}: {self.shown}"


@dataclass
class CoverageReport:
    levels: list[LevelCoverage]
    draws: list[DrawCoverage]
    checks: list[MinimumCheck]
    tests: list[TestBlueprint] = field(default_factory=list)
    crosswalks: list[CrosswalkCoverage] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Every minimum met and every draw can be met."""
        return all(c.passed for c in self.checks) and all(d.verdict != "cannot be met" for d in self.draws)

    def level(self, framework: str) -> LevelCoverage:
        return next(level for level in self.levels if level.framework == framework)

    def check(self, framework: str, name: str) -> MinimumCheck:
        return next(c for c in self.checks if c.framework == framework and c.name == name)


# --------------------------------------------------------------------------------------
# Building it


def coverage(bank_set: BankSet, minimums: dict[str, LevelMinimum] | None = None) -> CoverageReport:
    """The coverage report of ``bank_set`` against ``minimums`` (default :data:`MINIMUMS`)."""
    minimums = MINIMUMS if minimums is None else minimums
    frameworks = sorted(bank_set.frameworks.values(), key=_level_order)
    levels = [level_coverage(bank_set, fw) for fw in frameworks]
    draws = [d for test in bank_set.tests.values() for d in blueprint_draws(bank_set, test)]
    checks = [c for level in levels if level.framework in minimums
              for c in minimum_checks(level, minimums[level.framework])]
    walks = [crosswalk_coverage(bank_set, walk) for walk in bank_set.crosswalks.values()]
    return CoverageReport(levels, draws, checks, list(bank_set.tests.values()), walks)


def level_coverage(bank_set: BankSet, framework: Framework) -> LevelCoverage:
    """The table and totals of one framework's items."""
    level = LevelCoverage(framework.key, framework.level, framework.title, [s.code for s in framework.statements],
                          standards={g.code: g.statements for g in framework.standards})
    level.per_standard = dict.fromkeys(level.standards, 0)
    for item in _items_of(bank_set, framework.key):
        level.items += 1
        for code, members in level.standards.items():
            level.per_standard[code] += any(c in members for c in item.statements)
        level.totals[(item.section, item.type)] += 1
        for code in dict.fromkeys(item.statements):
            level.cells[(code, item.section, item.type)] += 1
        level.reasoning += item.section == "reasoning"
        level.single_four += is_single_four(item)
        level.multiple_eight_three += is_multiple_eight_three(item)
        level.ordering += item.type == "ordering"
    level.scenarios = len(_scenarios_of(bank_set, framework.key))
    level.also_keyed = sum(1 for bank in bank_set.banks.values() if bank.framework != framework.key
                           for i in bank.all_items() if i.keyed_to(framework.key))
    return level


def is_single_four(item: Item) -> bool:
    return item.type == "single" and len(item.options) == 4


def is_multiple_eight_three(item: Item) -> bool:
    return item.type == "multiple" and len(item.options) == 8 and sum(o.correct for o in item.options) == 3


def minimum_checks(level: LevelCoverage, minimum: LevelMinimum) -> list[MinimumCheck]:
    """The issue 4 checks of one level, in the order of the issue's table."""
    per_statement = level.per_statement()
    fewest = min(per_statement, key=lambda code: (per_statement[code], level.statements.index(code)), default=None)
    fewest_n = per_statement[fewest] if fewest is not None else 0
    fw = level.framework

    def share(name: str, count: int, required: float) -> MinimumCheck:
        actual = level.share(count)
        return MinimumCheck(fw, name, actual, required,
                            f"{count} of {level.items} items ({actual:.0%}; minimum {required:.0%})")

    standard = min(level.per_standard, key=lambda code: (level.per_standard[code], list(level.standards).index(code)),
                   default=None)
    standard_n = level.per_standard[standard] if standard is not None else 0
    checks = [
        MinimumCheck(fw, "items", level.items, minimum.items, f"{level.items} (minimum {minimum.items})")
        if minimum.items else None,
        MinimumCheck(fw, "items per statement", fewest_n, minimum.per_statement,
                     f"fewest {fewest_n}{f' ({fewest})' if fewest else ''} (minimum {minimum.per_statement})")
        if minimum.per_statement else None,
        MinimumCheck(fw, "items per standard", standard_n, minimum.per_standard,
                     f"fewest {standard_n}{f' ({standard})' if standard else ''} (minimum {minimum.per_standard})")
        if minimum.per_standard else None,
        MinimumCheck(fw, "reasoning items", level.reasoning, minimum.reasoning,
                     f"{level.reasoning} (minimum {minimum.reasoning})") if minimum.reasoning else None,
        MinimumCheck(fw, "scenarios", level.scenarios, minimum.scenarios,
                     f"{level.scenarios} (minimum {minimum.scenarios})") if minimum.scenarios else None,
        share("single 1 of 4", level.single_four, minimum.single_four_share)
        if minimum.single_four_share is not None else None,
        share("multiple 3 of 8", level.multiple_eight_three, minimum.multiple_eight_three_share)
        if minimum.multiple_eight_three_share is not None else None,
        MinimumCheck(fw, "ordering items", level.ordering, minimum.ordering,
                     f"{level.ordering} (minimum {minimum.ordering})") if minimum.ordering is not None else None,
    ]
    return [check for check in checks if check is not None]


def blueprint_draws(bank_set: BankSet, test: TestBlueprint) -> list[DrawCoverage]:
    """One :class:`DrawCoverage` per section of ``test``."""
    return [section_draw(bank_set, test.key, section) for section in test.sections]


def section_draw(bank_set: BankSet, test: str, section: Section) -> DrawCoverage:
    """A section draws the items keyed to its framework: in its banks or through ``also_keyed``
    (a scenario when every one of its items is), as :mod:`quizapp.domain.assembly` does."""
    framework, name, draw = section.framework, section.section, section.draw
    standalone = [i for i in _keyed_items(bank_set, framework) if i.scenario is None and i.section == name]
    if draw.kind == "count":
        keyed = {code for item in standalone for code in item.keyed_to(framework)}
        return DrawCoverage(test, name, framework, "count", draw.count, len(standalone),
                            f"{len(standalone)} standalone {name} items over {len(keyed)} statements")
    if draw.kind == "per_statement":
        fw = bank_set.frameworks.get(framework)
        codes = [s.code for s in fw.statements] if fw else []
        counts = {code: sum(code in i.keyed_to(framework) for i in standalone) for code in codes}
        fewest = min(counts, key=lambda code: (counts[code], codes.index(code)), default="")
        pool = counts.get(fewest, 0)
        return DrawCoverage(test, name, framework, "per_statement", draw.count, pool,
                            f"fewest {name} items for one statement: {pool} ({fewest})")
    if draw.kind == "scenarios":
        eligible = [s for s in bank_set.scenarios() if s.items and {i.section for i in s.items} == {name}
                    and all(i.keyed_to(framework) for i in s.items)]
        return DrawCoverage(test, name, framework, "scenarios", draw.count, len(eligible),
                            f"{len(eligible)} scenarios with only {name} items")
    by_key = {i.key: as_framework(i, framework) for i in bank_set.items()}
    listed = [by_key[k] for k in draw.items if k in by_key]
    scenarios = {i.scenario for i in listed if i.scenario}
    statements = {code for i in listed for code in i.keyed_to(framework)}
    source = (f"from {len(scenarios)} scenario{'s' if len(scenarios) != 1 else ''}" if scenarios
              else f"over {len(statements)} statement{'s' if len(statements) != 1 else ''}")
    return DrawCoverage(test, name, framework, "items", len(draw.items), len(draw.items),
                        f"{len(draw.items)} fixed items {source}, the same on every attempt")


def _level_order(framework: Framework) -> tuple[int, str]:
    known = framework.level in LEVEL_ORDER
    return (LEVEL_ORDER.index(framework.level) if known else len(LEVEL_ORDER), framework.key)


def _items_of(bank_set: BankSet, framework: str) -> list[Item]:
    """The items keyed to `framework`, in its banks or through also_keyed, each seen from it
    (its statements are that framework's codes)."""
    return [as_framework(i, framework) for bank in bank_set.banks.values() for i in bank.all_items()
            if i.keyed_to(framework)]


def as_framework(item: Item, framework: str) -> Item:
    return item if item.framework == framework else replace(item, statements=item.keyed_to(framework))


def _keyed_items(bank_set: BankSet, framework: str) -> list[Item]:
    """Every item keyed to ``framework``: in its banks, or through ``also_keyed``."""
    return [i for i in bank_set.items() if i.keyed_to(framework)]


def _scenarios_of(bank_set: BankSet, framework: str) -> list[Scenario]:
    """The scenarios of `framework`'s banks, and of other banks when every item is keyed to it."""
    return [s for bank in bank_set.banks.values() for s in bank.scenarios
            if bank.framework == framework or (s.items and all(i.keyed_to(framework) for i in s.items))]


# --------------------------------------------------------------------------------------
# Rendering


def render(report: CoverageReport) -> str:
    """The text of ``quizapp coverage``: a table per level, the draws per test, the checks."""
    lines: list[str] = []
    for level in report.levels:
        lines += render_level(level) + [""]
    if report.tests:
        lines.append("Test blueprints (pool against draw):")
        lines += render_draws(report.draws) + [""]
    if report.crosswalks:
        lines.append("Crosswalks (the crosswalk proposes; each item's also_keyed decides):")
        for walk in report.crosswalks:
            lines += render_crosswalk(walk)
        lines.append("")
    if report.checks:
        lines.append("Minimums (issues 4 and 18):")
        lines += [str(check) for check in report.checks] + [""]
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


def render_level(level: LevelCoverage) -> list[str]:
    columns = [(section, kind) for section in SECTIONS for kind in TYPES]
    header = ["statement"] + [f"{section[0].upper()}:{kind}" for section, kind in columns] + ["total"]
    rows = [header]
    per_statement = level.per_statement()
    for code in level.statements:
        rows.append([code] + [str(level.cells[(code, s, t)]) for s, t in columns] + [str(per_statement[code])])
    rows.append(["all items"] + [str(level.totals[c]) for c in columns] + [str(level.items)])
    title = (f"{level.framework} ({level.level}): {level.items} items, {level.reasoning} reasoning, "
             f"{level.scenarios} scenarios; single 1 of 4: {level.single_four}, multiple 3 of 8: "
             f"{level.multiple_eight_three}, ordering: {level.ordering}")
    notes = ["(K = knowledge, R = reasoning; an item keyed to two statements counts in both rows)"]
    if level.also_keyed:
        notes.append(f"({level.also_keyed} of these items are in banks of another framework and count here "
                     f"through their also_keyed)")
    if level.standards:
        notes.append("per standard (each item once): "
                     + ", ".join(f"{code} {n}" for code, n in level.per_standard.items()))
    return [title, *_table(rows), *notes]


def render_draws(draws: Iterable[DrawCoverage]) -> list[str]:
    rows = [["test", "section", "framework", "draw", "pool", "variety", "detail"]]
    for d in draws:
        pool = f"{d.pool} ({d.ratio:.1f}x)" if d.kind != "items" else "-"
        rows.append([d.test, d.section, d.framework, f"{d.kind} {d.draw}", pool, d.verdict, d.detail])
    return _table(rows)


def summary(report: CoverageReport) -> str:
    failed = sum(not c.passed for c in report.checks)
    unmet = sum(d.verdict == "cannot be met" for d in report.draws)
    no_variety = sum(d.verdict == "no variety" for d in report.draws)
    return (f"{len(report.levels)} frameworks, {len(report.tests)} tests: {len(report.checks)} minimums checked, "
            f"{failed} failed; {unmet} draws cannot be met, {no_variety} with no variety")


_NUMBER_CELL = re.compile(r"\d+(?: \(\d+\.\dx\))?")
"""A cell that is a count, or a pool with its ratio ("128 (16.0x)"): right-aligned."""


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    out = []
    for row in rows:
        cells = [cell.rjust(w) if i and _NUMBER_CELL.fullmatch(cell) else cell.ljust(w)
                 for i, (cell, w) in enumerate(zip(row, widths, strict=True))]
        out.append("  ".join(cells).rstrip())
    return out


__all__ = [
    "MINIMUMS",
    "CoverageReport",
    "DrawCoverage",
    "LevelCoverage",
    "LevelMinimum",
    "MinimumCheck",
    "coverage",
    "render",
]
