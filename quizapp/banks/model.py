"""The in-memory form of a validated set of bank files.

These dataclasses are what the validator produces and what the importer, the test
assembler and the trainer pages consume. They are plain data: no Flask, no database.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

SECTIONS = ("knowledge", "reasoning")
SCORING_RULES = ("all-or-nothing", "partial")
DRAW_KINDS = ("count", "per_statement", "scenarios", "items")

DEFAULT_BANDS: tuple[tuple[float, str], ...] = (
    (75.0, "Secure"),
    (50.0, "Developing"),
    (0.0, "Priority for development"),
)


@dataclass(frozen=True, order=True)
class Problem:
    """One validation error, located in a file. ``detail`` is an optional second line for
    experts (a YAML parser's own words); it takes no part in ordering or equality."""

    file: str
    line: int
    column: int
    message: str
    detail: str = field(default="", compare=False)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


@dataclass(frozen=True)
class Resource:
    title: str
    url: str


@dataclass(frozen=True)
class Statement:
    code: str
    title: str
    summary: str
    resources: tuple[Resource, ...] = ()
    standard: str = ""  # the code of the standard it is grouped under ('' in a flat framework)
    unconfirmed: str = ""  # what about it could not be checked against the published document


@dataclass(frozen=True)
class Standard:
    """A heading that groups statements (a framework with ``standards:``)."""

    code: str
    title: str
    statements: tuple[str, ...]  # its statements' codes, in order
    summary: str = ""
    unconfirmed: str = ""


@dataclass
class Framework:
    key: str
    title: str
    level: str
    statements: list[Statement]  # every statement, in order (under their standards when grouped)
    description: str = ""
    file: str = ""
    line: int = 0
    standards: list[Standard] = field(default_factory=list)  # empty: a flat framework
    effective_from: date | None = None
    superseded_on: date | None = None
    replaces: str = ""
    source_note: str = ""

    def statement(self, code: str) -> Statement | None:
        for statement in self.statements:
            if statement.code == code:
                return statement
        return None

    def content_hash(self) -> str:
        """The hash of what the importer stores; the keys added with standards and dates count
        only when given, so a flat framework keeps the hash it had before they existed."""
        content: dict = {
            "title": self.title,
            "level": self.level,
            "description": self.description,
            "statements": [_statement_content(s) for s in self.statements],
        }
        extra = {
            "standards": [[g.code, g.title, g.summary, g.unconfirmed, list(g.statements)]
                          for g in self.standards],
            "effective_from": self.effective_from.isoformat() if self.effective_from else "",
            "superseded_on": self.superseded_on.isoformat() if self.superseded_on else "",
            "replaces": self.replaces,
            "source_note": self.source_note,
        }
        content.update({key: value for key, value in extra.items() if value})
        return _hash(content)


def _statement_content(s: Statement) -> dict:
    out = {"code": s.code, "title": s.title, "summary": s.summary,
           "resources": [[r.title, r.url] for r in s.resources]}
    if s.standard:
        out["standard"] = s.standard
    if s.unconfirmed:
        out["unconfirmed"] = s.unconfirmed
    return out


@dataclass(frozen=True)
class Option:
    text: str
    correct: bool = False
    feedback: str = ""


@dataclass
class Item:
    key: str
    type: str
    section: str
    statements: tuple[str, ...]
    stem: str
    options: tuple[Option, ...]
    rationale: str
    scoring: str = "all-or-nothing"
    difficulty: int | None = None
    references: tuple[str, ...] = ()
    bank: str = ""
    framework: str = ""
    scenario: str | None = None  # scenario id when the item belongs to a scenario
    position: int = 0  # 0-based position in its bank's items list or in its scenario
    file: str = ""
    line: int = 0
    also_keyed: dict[str, tuple[str, ...]] = field(default_factory=dict)  # other frameworks' codes

    def content(self) -> dict:
        """Everything a candidate sees or is marked on, and what its results count towards:
        the basis of the version hash. ``also_keyed`` counts only when given, so an item
        without it keeps the hash it had before the key existed."""
        content = {
            "type": self.type,
            "section": self.section,
            "statements": list(self.statements),
            "difficulty": self.difficulty,
            "stem": self.stem,
            "options": [
                {"text": o.text, "correct": o.correct, "feedback": o.feedback}
                for o in self.options
            ],
            "scoring": self.scoring,
            "rationale": self.rationale,
            "references": list(self.references),
        }
        if self.also_keyed:
            content["also_keyed"] = {key: list(codes) for key, codes in self.also_keyed.items()}
        return content

    def keyed_to(self, framework: str) -> tuple[str, ...]:
        """The codes of ``framework`` this item is keyed to: its own ``statements`` when it is
        its bank's framework, else what ``also_keyed`` names (nothing when it names none)."""
        return self.statements if framework == self.framework else self.also_keyed.get(framework, ())


@dataclass
class Scenario:
    key: str
    title: str
    text: str
    items: list[Item]
    bank: str = ""
    file: str = ""
    line: int = 0

    def content_hash(self) -> str:
        return _hash({"title": self.title, "text": self.text})


@dataclass
class Bank:
    key: str
    framework: str
    title: str
    items: list[Item]  # standalone items
    scenarios: list[Scenario]
    description: str = ""
    file: str = ""
    line: int = 0

    def all_items(self) -> list[Item]:
        out = list(self.items)
        for scenario in self.scenarios:
            out.extend(scenario.items)
        return out


@dataclass(frozen=True)
class Draw:
    kind: Literal["count", "per_statement", "scenarios", "items"]
    count: int = 0  # for count / per_statement / scenarios
    items: tuple[str, ...] = ()  # for items


@dataclass(frozen=True)
class Section:
    section: str
    draw: Draw
    framework: str  # resolved: the section's own framework or the test's
    title: str = ""


@dataclass(frozen=True)
class Band:
    min_percent: float
    label: str


@dataclass
class TestBlueprint:
    __test__ = False  # not a pytest test class

    key: str
    title: str
    framework: str
    time_limit_minutes: float
    pass_mark_percent: float
    sections: list[Section]
    shuffle_options: bool = True
    bands: tuple[Band, ...] = tuple(Band(m, label) for m, label in DEFAULT_BANDS)
    description: str = ""
    file: str = ""
    line: int = 0

    def to_json(self) -> dict:
        return {
            "sections": [
                {
                    "section": s.section,
                    "title": s.title,
                    "framework": s.framework,
                    "draw": {"kind": s.draw.kind, "count": s.draw.count, "items": list(s.draw.items)},
                }
                for s in self.sections
            ],
            "shuffle_options": self.shuffle_options,
            "bands": [{"min_percent": b.min_percent, "label": b.label} for b in self.bands],
        }

    def content_hash(self) -> str:
        return _hash(
            {
                "title": self.title,
                "framework": self.framework,
                "description": self.description,
                "time_limit_minutes": self.time_limit_minutes,
                "pass_mark_percent": self.pass_mark_percent,
                **self.to_json(),
            }
        )


@dataclass(frozen=True)
class CrosswalkLink:
    source: str  # a statement code of the crosswalk's `from` framework
    target: str  # a statement code of its `to` framework
    reason: str
    line: int = 0


@dataclass
class Crosswalk:
    """Links between the statements of two frameworks, many to many, each with its reason."""

    key: str
    title: str
    source: str  # the `from` framework's id
    target: str  # the `to` framework's id
    links: list[CrosswalkLink]
    description: str = ""
    file: str = ""
    line: int = 0

    def targets(self, code: str) -> list[str]:
        """The `to` codes linked to the `from` statement ``code``, in file order."""
        return [link.target for link in self.links if link.source == code]

    def sources(self, code: str) -> list[str]:
        """The `from` codes linked to the `to` statement ``code``, in file order."""
        return [link.source for link in self.links if link.target == code]


@dataclass
class BankSet:
    """Everything found under the bank paths, plus every problem found (and every warning:
    something worth a look that does not make the set invalid)."""

    frameworks: dict[str, Framework] = field(default_factory=dict)
    banks: dict[str, Bank] = field(default_factory=dict)
    tests: dict[str, TestBlueprint] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    crosswalks: dict[str, Crosswalk] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)  # allowed, but probably not meant
    notes: list[str] = field(default_factory=list)  # checks that could not be made, and why

    @property
    def ok(self) -> bool:
        return not self.problems

    def items(self) -> list[Item]:
        return [item for bank in self.banks.values() for item in bank.all_items()]

    def scenarios(self) -> list[Scenario]:
        return [s for bank in self.banks.values() for s in bank.scenarios]

    def summary(self) -> str:
        """One line of counts; crosswalks and warnings are named only when there are some."""
        crosswalks = f", {len(self.crosswalks)} crosswalks" if self.crosswalks else ""
        warnings = (f", {len(self.warnings)} warning{'s' if len(self.warnings) != 1 else ''}"
                    if self.warnings else "")
        return (
            f"{len(self.files)} files, {len(self.frameworks)} frameworks, {len(self.banks)} banks, "
            f"{len(self.scenarios())} scenarios, {len(self.items())} items, {len(self.tests)} tests"
            f"{crosswalks}: {len(self.problems)} error{'s' if len(self.problems) != 1 else ''}{warnings}"
        )


def _hash(data: object) -> str:
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def item_version_hash(item: Item, scenario: Scenario | None) -> str:
    """An item's version hash: its own content, plus its scenario's vignette when it has one,
    because the same question reads differently under a different vignette."""
    content = item.content()
    if scenario is not None:
        content["scenario"] = {"title": scenario.title, "text": scenario.text}
    return _hash(content)
