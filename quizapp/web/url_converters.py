"""Whole numbers in URLs (`<int:...>`): row ids and question positions. Bounded to what the
databases' 64-bit integers hold, and ASCII digits only, so that a longer number (or another
script's digits) is a 404 like any id that is not there, never an OverflowError from the
database driver (a 500)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter

MAX_ID = 2**63 - 1


class RowIdConverter(IntegerConverter):
    regex = r"[0-9]+"

    def __init__(self, map: Any, fixed_digits: int = 0, min: int | None = None,  # noqa: A002 (Werkzeug's names)
                 max: int | None = MAX_ID, signed: bool = False) -> None:  # noqa: A002
        super().__init__(map, fixed_digits, min, max, signed)


def init_app(app: Flask) -> None:
    """Before any route is added."""
    app.url_map.converters["int"] = RowIdConverter
