"""Whole numbers in URLs (`<int:...>`): row ids and question positions. Bounded to what an id
column holds (SQLAlchemy's Integer: 32 bits on PostgreSQL), and ASCII digits only, so that a
larger number (or another script's digits) is a 404 like any id that is not there, never a
database error (PostgreSQL's "integer out of range", SQLite's OverflowError: a 500)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


class RowIdConverter(IntegerConverter):
    regex = r"[0-9]+"

    def __init__(self, map: Any, fixed_digits: int = 0, min: int | None = None,  # noqa: A002 (Werkzeug's names)
                 max: int | None = MAX_ID, signed: bool = False) -> None:  # noqa: A002
        super().__init__(map, fixed_digits, min, max, signed)


def init_app(app: Flask) -> None:
    """Before any route is added."""
    app.url_map.converters["int"] = RowIdConverter


def as_row_id(text: str | None) -> int | None:
    """A row id typed in a form or a query ("12"), or None if `text` is not one (not ASCII
    digits, or larger than any id): what the database is then asked for is always an id it can
    hold, so a made-up number finds nothing rather than failing."""
    if not text or not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    number = int(text)
    return number if number <= MAX_ID else None
