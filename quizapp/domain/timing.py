"""The timer rule, in one place. The server decides; the browser only displays.

- deadline = started + time limit x (1 + extra time percent / 100) + extra minutes
  (a candidate's extra time is a percentage or a number of minutes, never both)
- remaining time = deadline - now, never below zero
- a save is accepted until deadline + grace (network latency), and refused after
- an attempt is over once now >= deadline; the answers saved until then count
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

EXTRA_PERCENT_MAX = 200
EXTRA_MINUTES_MAX = 180


def allowed_seconds(time_limit_seconds: float, extra_time_percent: int = 0, extra_time_minutes: int = 0) -> float:
    """The time a candidate has for a test: the limit with their own extra time."""
    return time_limit_seconds * (1.0 + extra_time_percent / 100.0) + extra_time_minutes * 60.0


def deadline(started: datetime, time_limit_minutes: float, extra_time_percent: int = 0,
             extra_time_minutes: int = 0) -> datetime:
    return started + timedelta(seconds=allowed_seconds(time_limit_minutes * 60.0, extra_time_percent, extra_time_minutes))


@dataclass(frozen=True)
class ExtraTime:
    """A candidate's extra time: a percentage of each test's limit, or a number of minutes."""

    percent: int = 0
    minutes: int = 0

    def __bool__(self) -> bool:
        return bool(self.percent or self.minutes)

    def __str__(self) -> str:
        if self.minutes:
            return f"{self.minutes} minute{'s' if self.minutes != 1 else ''}"
        return f"{self.percent}%"


class ExtraTimeProblem(ValueError):
    """What was typed is not an amount of extra time; the message says what to write."""


_EXTRA = re.compile(r"^\+?\s*(?P<number>\d{1,4})\s*(?P<unit>%|percent|per cent|m|min|mins|minute|minutes)?\.?$")


def read_extra_time(text: str) -> ExtraTime:
    """Extra time as people write it: "25%", "25 %", "+25 percent" and a bare "25" are a
    percentage; "15 min", "+15 mins", "15 minutes" are minutes."""
    found = _EXTRA.match(" ".join(text.strip().lower().split()))
    if found is None:
        raise ExtraTimeProblem("Enter the extra time as a percentage, like 25%, or in minutes, like 15 minutes")
    number, unit = int(found["number"]), found["unit"] or "%"
    if unit.startswith("m"):
        if number > EXTRA_MINUTES_MAX:
            raise ExtraTimeProblem(f"Extra time must be {EXTRA_MINUTES_MAX} minutes or less")
        return ExtraTime(minutes=number)
    if number > EXTRA_PERCENT_MAX:
        raise ExtraTimeProblem(f"Extra time must be between 0% and {EXTRA_PERCENT_MAX}%")
    return ExtraTime(percent=number)


def remaining_seconds(deadline_at: datetime | None, now: datetime) -> float | None:
    """Seconds left, or None for an untimed attempt."""
    if deadline_at is None:
        return None
    return max(0.0, (deadline_at - now).total_seconds())


def has_expired(deadline_at: datetime | None, now: datetime) -> bool:
    return deadline_at is not None and now >= deadline_at


def accepts_saves(deadline_at: datetime | None, now: datetime, grace_seconds: float) -> bool:
    """A save is accepted until the deadline plus the grace period."""
    return deadline_at is None or now <= deadline_at + timedelta(seconds=grace_seconds)


def warning_points() -> tuple[int, ...]:
    """Minutes left at which the page announces the time (10, 5 and 1 minutes)."""
    return (10, 5, 1)
