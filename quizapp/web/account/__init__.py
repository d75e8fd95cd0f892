"""Your account: every role's own page (name, password, signed-in sessions, a linked work account)."""

from flask import Blueprint

bp = Blueprint("account", __name__, url_prefix="/account")

from . import sso, views  # noqa: E402,F401
