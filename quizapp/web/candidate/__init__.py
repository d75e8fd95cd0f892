"""The candidate's pages: their tests, attempts and results."""

from flask import Blueprint

bp = Blueprint("candidate", __name__, url_prefix="/tests")

from . import autosave, membership, result_pages, views  # noqa: E402,F401
