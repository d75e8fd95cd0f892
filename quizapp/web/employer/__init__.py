"""The employer's pages: their own organisation's people and results, nobody else's."""

from flask import Blueprint

bp = Blueprint("employer", __name__, url_prefix="/employer")

from . import views  # noqa: E402,F401
