"""The current time, injectable: tests set app.config["CLOCK"] to a callable returning a UTC datetime;
and today's date in England by that clock."""

from __future__ import annotations

from datetime import date, datetime
from quizapp.domain.uk_time import uk_date

from flask import current_app

from quizapp.data.models._types import utcnow


def now() -> datetime:
    clock = current_app.config.get("CLOCK")
    return clock() if clock is not None else utcnow()


def today() -> date:
    """Today's date in England (Europe/London) by the server's clock: the day that decides which
    framework is current."""
    return uk_date(now())
