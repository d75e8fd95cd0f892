"""What the checks of one file record for the checks across files, and the BankSet built
at the end from what is valid.

Each record keeps the values a later check needs with where they were written (:class:`Ref`),
and the model object built from the file (None when that part has a problem of its own).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from quizapp.banks.model import (
    Bank,
    BankSet,
    Crosswalk,
    CrosswalkLink,
    Framework,
    Item,
    Problem,
    Scenario,
    Section,
    TestBlueprint,
)


@dataclass
class Ref:
    """A value and where it was written."""

    value: str
    file: str
    line: int
    column: int

    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass
class ItemRec:
    ref: Ref | None  # the id
    section: str | None
    codes: list[Ref]
    item: Item | None  # None when the item has a problem of its own
    scenario: ScenarioRec | None = None
    ok: bool = True
    also: list[tuple[Ref, list[Ref]]] = field(default_factory=list)  # also_keyed: framework, codes


@dataclass
class ScenarioRec:
    ref: Ref | None
    scenario: Scenario | None
    items: list[ItemRec] = field(default_factory=list)
    ok: bool = True


@dataclass
class BankRec:
    ref: Ref
    framework: Ref | None
    bank: Bank
    items: list[ItemRec] = field(default_factory=list)  # standalone
    scenarios: list[ScenarioRec] = field(default_factory=list)


@dataclass
class FrameworkRec:
    ref: Ref
    framework: Framework
    codes: list[str]  # every well-formed code, in order, even of a statement with problems
    replaces: Ref | None = None  # the framework it takes the place of, when given


@dataclass
class SectionRec:
    section: Section | None
    name: str | None
    framework: Ref | None  # the section's own framework, when given
    draw_kind: str | None
    draw_count: Ref | None  # the count's location (value is its text)
    draw_number: int
    draw_items: list[Ref]


@dataclass
class TestRec:
    ref: Ref
    framework: Ref | None
    test: TestBlueprint
    sections: list[SectionRec]


@dataclass
class LinkRec:
    source: Ref
    target: Ref
    link: CrosswalkLink


@dataclass
class CrosswalkRec:
    ref: Ref
    source: Ref | None  # the `from` framework
    target: Ref | None  # the `to` framework
    crosswalk: Crosswalk
    links: list[LinkRec] = field(default_factory=list)  # the links whose own keys are sound


@dataclass
class SetState:
    files: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # files that could not be read as YAML
    frameworks: list[FrameworkRec] = field(default_factory=list)
    banks: list[BankRec] = field(default_factory=list)
    tests: list[TestRec] = field(default_factory=list)
    crosswalks: list[CrosswalkRec] = field(default_factory=list)

    def error(self, ref: Ref, message: str) -> None:
        self.problems.append(Problem(ref.file, ref.line, ref.column, message))

    def warn(self, ref: Ref, message: str) -> None:
        self.warnings.append(Problem(ref.file, ref.line, ref.column, message))


def bank_items(bank: BankRec) -> list[ItemRec]:
    """A bank's standalone items, then its scenarios' items."""
    return bank.items + [rec for scenario in bank.scenarios for rec in scenario.items]


def assemble(state: SetState) -> BankSet:
    """Build the BankSet from what is valid; problems sorted by file, line, column."""
    bank_set = BankSet(files=list(state.files))
    for rec in state.frameworks:
        bank_set.frameworks[rec.ref.value] = rec.framework
    for rec in state.banks:
        bank = rec.bank
        bank.items = [item.item for item in rec.items if item.ok and item.item is not None]
        for scenario_rec in rec.scenarios:
            scenario = scenario_rec.scenario
            if not scenario_rec.ok or scenario is None:
                continue
            scenario.items = [item.item for item in scenario_rec.items
                              if item.ok and item.item is not None]
            bank.scenarios.append(scenario)
        bank_set.banks[rec.ref.value] = bank
    for rec in state.tests:
        bank_set.tests[rec.ref.value] = rec.test
    for rec in state.crosswalks:
        bank_set.crosswalks[rec.ref.value] = rec.crosswalk
    bank_set.problems = sorted(state.problems)
    bank_set.warnings = sorted(state.warnings)
    if state.unreadable:
        names = ", ".join(state.unreadable)
        bank_set.notes.append(
            f"some checks across files were skipped because {names} could not be read: whether "
            "the frameworks and items named exist, and whether each test's draws can be met. "
            "Fix the errors in that file and validate again")
    return bank_set
