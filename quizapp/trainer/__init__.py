"""The trainer's pages: the imported frameworks, banks and tests."""

from flask import Blueprint

bp = Blueprint("trainer", __name__, url_prefix="/trainer")

from . import views  # noqa: E402,F401
