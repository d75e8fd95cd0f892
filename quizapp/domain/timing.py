"""The timer rule, in one place. The server decides; the browser only displays.

- deadline = started + time limit x (1 + extra time percent / 100)
- remaining time = deadline - now, never below zero
- a save is accepted until deadline + grace (network latency), and refused after
- an attempt is over once now >= deadline; the answers saved until then count
"""

from __future__ import annotations

from datetime import datetime, timedelta


def deadline(started: datetime, time_limit_minutes: float, extra_time_percent: int = 0) -> datetime:
    seconds = time_limit_minutes * 60.0 * (1.0 + extra_time_percent / 100.0)
    return started + timedelta(seconds=seconds)


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
