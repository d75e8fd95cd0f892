"""The current time, injectable: tests set app.config["CLOCK"] to a callable returning a UTC datetime."""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from quizapp.data.models._types import utcnow


def now() -> datetime:
    clock = current_app.config.get("CLOCK")
    return clock() if clock is not None else utcnow()
