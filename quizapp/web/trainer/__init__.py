"""The trainer's workspace: browse, search and preview the imported content, download it as Moodle
XML, check and import uploaded banks, retire and restore web content, item analysis and blueprint
coverage (trainers and admins)."""

from flask import Blueprint

bp = Blueprint("trainer", __name__, url_prefix="/trainer")

from . import downloads, manage, views  # noqa: E402,F401
