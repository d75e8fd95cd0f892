"""Dates as people type them into a filter, read the UK way (day before month). Pure: no Flask.

One piece of text is read as the days it covers, first to last:
- a day: "1/12/2026", "01/12/2026", "1-12-2026", "1 12 2026", "1 Dec 2026", "1st December 2026",
  "December 1, 2026" and ISO "2026-12-01";
- a month: "Dec 2026", "December 2026", "12/2026" and ISO "2026-12";
- a year: "2026".
A filter's *from* bound takes the first day, its *to* bound the last: from "Dec 2026" to "Dec 2026"
is the whole of December. A range with a bad or reversed bound is refused whole, so that half of
it is never applied.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

MONTHS = {name: n for n, name in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                             "nov", "dec"), start=1)}
MAX_TEXT = 40  # longer than any date written out in full
EXAMPLES = "like 1/12/2026, 1 Dec 2026 or Dec 2026"


class DateProblem(ValueError):
    """Text that is not a date; the message names the field by its label and says what to write."""


@dataclass(frozen=True)
class Span:
    """The days a piece of text covers, both ends included."""

    first: date
    last: date


@dataclass(frozen=True)
class Range:
    """A filter's dates after reading: both bounds, or (with errors) neither."""

    start: date | None = None  # the first day included
    end: date | None = None  # the last day included
    errors: tuple[tuple[str, str], ...] = ()  # (field name, message), in the order of the fields


def _month(word: str) -> int | None:
    """A month written as a word: "Dec", "dec.", "December", "Sept"."""
    word = word.lower().rstrip(".")
    if len(word) < 3 or not word.isalpha():
        return None
    number = MONTHS.get(word[:3])
    if number is None or not calendar.month_name[number].lower().startswith(word):
        return None  # "Mayday" is not May
    return number


def _number(token: str) -> int | None:
    token = re.sub(r"(?<=\d)(st|nd|rd|th)$", "", token.lower())
    return int(token) if token.isdigit() else None


def _year(token: str, label: str) -> int:
    if not token.isdigit():
        raise DateProblem(f"{label} must be a real date, {EXAMPLES}")
    if len(token) != 4:
        raise DateProblem(f"{label} must include a year with 4 numbers")
    return int(token)


def _day(year: int, month: int | None, day: int | None, label: str) -> Span:
    try:
        found = date(year, month or 0, day or 0)
    except ValueError:
        raise DateProblem(f"{label} must be a real date") from None
    return Span(found, found)


def _whole_month(year: int, month: int | None, label: str) -> Span:
    if month is None or not 1 <= month <= 12:
        raise DateProblem(f"{label} must be a real date")
    return Span(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))


def read(text: str, label: str) -> Span | None:
    """The days `text` covers, or None when it is empty; DateProblem when it is not a date."""
    text = text.strip()
    if not text:
        return None
    if len(text) > MAX_TEXT:
        raise DateProblem(f"{label} must be a date, {EXAMPLES}")
    tokens = [t for t in re.split(r"[\s/\-.,]+", text) if t]
    words = [_month(t) for t in tokens]
    if any(not t.isdigit() and _number(t) is None and w is None for t, w in zip(tokens, words)):
        raise DateProblem(f"{label} must be a date, {EXAMPLES}")
    if len(tokens) == 3:
        if len(tokens[0]) == 4 and tokens[0].isdigit():  # ISO: 2026-12-01
            return _day(int(tokens[0]), _number(tokens[1]), _number(tokens[2]), label)
        if words[1] is not None:  # 1 Dec 2026
            return _day(_year(tokens[2], label), words[1], _number(tokens[0]), label)
        if words[0] is not None:  # December 1, 2026
            return _day(_year(tokens[2], label), words[0], _number(tokens[1]), label)
        return _day(_year(tokens[2], label), _number(tokens[1]), _number(tokens[0]), label)  # 1/12/2026
    if len(tokens) == 2:
        if len(tokens[0]) == 4 and tokens[0].isdigit():  # ISO: 2026-12
            return _whole_month(int(tokens[0]), _number(tokens[1]), label)
        month = words[0] if words[0] is not None else _number(tokens[0])  # Dec 2026, 12/2026
        return _whole_month(_year(tokens[1], label), month, label)
    if len(tokens) == 1 and tokens[0].isdigit():
        year = _year(tokens[0], label)
        return Span(date(year, 1, 1), date(year, 12, 31))
    raise DateProblem(f"{label} must be a date, {EXAMPLES}")


def from_parts(day: str, month: str, year: str, label: str) -> str:
    """The text of a date given in three boxes (day, month, year), as older links give it: a missing
    day means the whole month; a missing month or year is a DateProblem."""
    day, month, year = day.strip(), month.strip(), year.strip()
    if not (day or month or year):
        return ""
    if not month:
        raise DateProblem(f"{label} must include a month")
    if not year:
        raise DateProblem(f"{label} must include a year")
    return " ".join(p for p in (day, month, year) if p)


def read_range(start: str, end: str, labels: tuple[str, str] = ("Date from", "Date to"),
               names: tuple[str, str] = ("from", "to")) -> Range:
    """Both bounds of a filter, or neither: a bad bound, or an end before the start, is an error and
    applies no date at all."""
    errors: list[tuple[str, str]] = []
    spans: list[Span | None] = []
    for text, label, name in zip((start, end), labels, names):
        try:
            spans.append(read(text, label))
        except DateProblem as problem:
            errors.append((name, str(problem)))
            spans.append(None)
    first = spans[0].first if spans[0] else None
    last = spans[1].last if spans[1] else None
    if not errors and first and last and last < first:
        errors.append((names[1], f"{labels[1]} must be the same as or after {labels[0].lower()}"))
    if errors:
        return Range(errors=tuple(errors))
    return Range(first, last)
