"""England's clock: the time zone every date and time the service shows, and every day it counts
by (a UK month on the dashboard, "due today", the framework in force), is in: Europe/London, GMT
in winter and BST in summer. Instants are stored in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def uk_date(when: datetime) -> date:
    """The date in England at the instant `when` (a naive value is UTC, as SQLite gives it back)."""
    return (when.replace(tzinfo=UTC) if when.tzinfo is None else when).astimezone(UK).date()
