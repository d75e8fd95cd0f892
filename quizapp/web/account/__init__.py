"""Your account: every role's own page (name, password, signed-in sessions, your data, a linked work account)."""

from flask import Blueprint

bp = Blueprint("account", __name__, url_prefix="/account")

from . import sso, views, your_data  # noqa: E402,F401
