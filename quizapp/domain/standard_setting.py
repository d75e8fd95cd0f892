"""Standard setting by a modified Angoff panel, as pure functions (docs/readiness.md).

Each judge rates every item of a fixed form: the chance, as a whole percent from 0 to 100, that a
*just-competent* candidate (one who would only just pass the real assessment) answers it right.
For an item that gives partial credit the rating is the share of the item's marks such a
candidate would be expected to earn, so every item counts at its maximum marks.

- A judge's cut is the sum over items of rating / 100 x the item's maximum marks.
- The panel's cut score is the mean of the judges' cuts, as a percent of the form's marks, with the
  sample standard deviation across judges and the standard error of the cut (SD / sqrt(judges)).
- A new pass mark changes the decision of a finished attempt when its percent falls on the other
  side of it (`changed_decisions`, with the same tolerance as `scoring.passed`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import mean, median, stdev
from typing import Any, Hashable

from . import scoring

RATING_MIN = 0
RATING_MAX = 100
ROUNDS = (1, 2)
# Every question type scores from 0 to 1 (quizapp.domain.scoring), so each item is worth one mark;
# an item with partial credit counts at this maximum.
ITEM_MAX_MARKS = 1.0

_WHOLE = re.compile(r"^\s*(\d{1,3})\s*%?\s*$")
_FRACTION = re.compile(r"^\s*0?\.\d+\s*$")


def parse_rating(text: str) -> tuple[int | None, str | None]:
    """A rating as typed: (value, None), (None, None) when left blank, or (None, message)."""
    if not text.strip():
        return None, None
    found = _WHOLE.match(text)
    if found is None:
        if _FRACTION.match(text):
            whole = round(float(text) * 100)
            return None, f"Enter the chance as a whole percent: for {text.strip()}, type {whole}"
        return None, "Enter the chance as a whole number from 0 to 100, such as 65"
    value = int(found.group(1))
    if not RATING_MIN <= value <= RATING_MAX:
        return None, "Enter a chance from 0 to 100 (a percent)"
    return value, None


def fixed_items(blueprint: Mapping[str, Any]) -> list[str] | None:
    """The item ids of a test whose every section lists its items (a fixed form), in the order of
    the form; None for a test that draws any of its questions afresh for each attempt."""
    keys: list[str] = []
    sections = blueprint.get("sections") or []
    if not sections:
        return None
    for section in sections:
        draw = section.get("draw") or {}
        if draw.get("kind") != "items" or not draw.get("items"):
            return None
        keys.extend(draw["items"])
    return keys


@dataclass(frozen=True)
class Spread:
    low: float
    median: float
    high: float
    n: int


def spread(values: Sequence[float]) -> Spread | None:
    """The lowest, median and highest rating of a round (None when nobody rated)."""
    if not values:
        return None
    return Spread(min(values), float(median(values)), max(values), len(values))


@dataclass(frozen=True)
class CutScore:
    judges: int
    max_marks: float
    judge_marks: dict[Hashable, float]
    marks: float  # the mean of the judges' sums
    sd_marks: float | None  # None with one judge

    @property
    def judge_percents(self) -> dict[Hashable, float]:
        return {judge: scoring.percent(marks, self.max_marks) for judge, marks in self.judge_marks.items()}

    @property
    def percent(self) -> float:
        return scoring.percent(self.marks, self.max_marks)

    @property
    def sd_percent(self) -> float | None:
        return None if self.sd_marks is None else scoring.percent(self.sd_marks, self.max_marks)

    @property
    def se_marks(self) -> float | None:
        return None if self.sd_marks is None else self.sd_marks / math.sqrt(self.judges)

    @property
    def se_percent(self) -> float | None:
        return None if self.se_marks is None else scoring.percent(self.se_marks, self.max_marks)

    @property
    def rounded_percent(self) -> float:
        """The pass mark applying it gives: the percent to one decimal place."""
        return round(self.percent, 1)


def cut_score(ratings: Mapping[Hashable, Sequence[float]], max_marks: Sequence[float]) -> CutScore:
    """The panel's cut from each judge's ratings (percent per item, in the order of `max_marks`).
    Raises ValueError without judges, or when a judge has not rated every item."""
    if not ratings:
        raise ValueError("no judges")
    sums: dict[Hashable, float] = {}
    for judge, values in ratings.items():
        if len(values) != len(max_marks):
            raise ValueError(f"judge {judge!r} rated {len(values)} of {len(max_marks)} items")
        sums[judge] = sum(value / 100 * marks for value, marks in zip(values, max_marks, strict=True))
    values = list(sums.values())
    return CutScore(judges=len(values), max_marks=float(sum(max_marks)), judge_marks=sums, marks=mean(values),
                    sd_marks=stdev(values) if len(values) > 1 else None)


@dataclass(frozen=True)
class Decided:
    """A finished attempt: its percent and the pass mark it was decided against."""

    attempt_id: int
    percent: float
    pass_mark: float

    @property
    def passed(self) -> bool:
        return scoring.passed(self.percent, self.pass_mark)


@dataclass(frozen=True)
class DecisionChange:
    attempt_id: int
    percent: float
    passed_before: bool
    passed_after: bool


def changed_decisions(attempts: Sequence[Decided], new_pass_mark: float) -> list[DecisionChange]:
    """The attempts whose pass or fail would be different under `new_pass_mark`."""
    changes = []
    for attempt in attempts:
        after = scoring.passed(attempt.percent, new_pass_mark)
        if after != attempt.passed:
            changes.append(DecisionChange(attempt.attempt_id, attempt.percent, attempt.passed, after))
    return changes
