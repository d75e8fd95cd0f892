"""The administrator's pages: every organisation and account."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import sso, views  # noqa: E402,F401
