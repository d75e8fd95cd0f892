"""Serves GOV.UK Frontend's images and fonts at /assets, where its compiled CSS expects them.

The files are copied from the npm package by `make assets` into quizapp/static/build/assets
(gitignored, never committed).
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint

BUILD_DIR = Path(__file__).resolve().parents[1] / "static" / "build"  # quizapp/static/build

bp = Blueprint("assets", __name__, static_folder=str(BUILD_DIR / "assets"), static_url_path="/assets")
