"""Frameworks whose statements are grouped under standards, as pure rules: rolling item scores
up to the standards (each item counted once for a standard, however many of its outcomes it is
keyed to), and which framework is current on a given day (from its effective_from and
superseded_on dates; docs/bank-format.md, section 6)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

CURRENT = "current"
UPCOMING = "upcoming"  # effective_from is still to come
SUPERSEDED = "superseded"  # superseded_on has passed
STATUSES = (CURRENT, UPCOMING, SUPERSEDED)


@dataclass(frozen=True)
class StandardScore:
    code: str
    items: int  # questions giving evidence on any of the standard's statements, each once
    score: float  # the sum of those questions' scores

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.items if self.items else 0.0


def standard_scores(scored_items: Iterable[tuple[Sequence[str], float]],
                    standard_of: Mapping[str, str]) -> dict[str, StandardScore]:
    """Per standard: the sum of the scores of the items keyed to any of its statements, over the
    number of those items. An item keyed to two statements of one standard counts once for it
    (so a standard's percent is not weighted towards items keyed twice); statements with no
    standard ('' or absent from ``standard_of``) are left out. Standards appear in the order
    their first item does."""
    totals: dict[str, list[float]] = {}
    for codes, score in scored_items:
        for standard in dict.fromkeys(standard_of.get(code, "") for code in codes):
            if not standard:
                continue
            entry = totals.setdefault(standard, [0, 0.0])
            entry[0] += 1
            entry[1] += score
    return {code: StandardScore(code, int(n), s) for code, (n, s) in totals.items()}


def framework_status(effective_from: date | None, superseded_on: date | None, today: date) -> str:
    """``upcoming`` before effective_from, ``superseded`` on and after superseded_on, else
    ``current`` (a framework with neither date is always current)."""
    if effective_from is not None and today < effective_from:
        return UPCOMING
    if superseded_on is not None and today >= superseded_on:
        return SUPERSEDED
    return CURRENT


T = TypeVar("T")


def current_first(frameworks: Sequence[T], today: date,
                  dates: Callable[[T], tuple[date | None, date | None]]) -> list[T]:
    """``frameworks`` with the current ones first, then those still to come, then those
    superseded; the given order is kept within each."""
    rank = {status: index for index, status in enumerate(STATUSES)}
    return sorted(frameworks, key=lambda f: rank[framework_status(*dates(f), today)])
