"""Configuration from environment variables, with safe development defaults.

Every setting can be overridden by an environment variable of the same name
(prefixed ``QUIZAPP_`` for the less common ones). ``create_app(test_config)``
applies a mapping on top, which is how the tests point the app at a temporary database.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def default_database_url(instance_path: str) -> str:
    return "sqlite:///" + str(Path(instance_path) / "quizapp.sqlite3")


def load_secret_key(instance_path: str) -> str:
    """SECRET_KEY from the environment, else a random key kept in the instance folder.

    Keeping the generated key on disk means sessions survive a restart in development,
    and no two installations share a key that was committed somewhere.
    """
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = Path(instance_path) / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
        return key


def from_environment(instance_path: str) -> dict:
    """The settings, read from the environment at app creation."""
    return {
        "SECRET_KEY": load_secret_key(instance_path),
        # Old keys still accepted for sessions and autosave tokens while a new SECRET_KEY takes over.
        "SECRET_KEY_FALLBACKS": [k.strip() for k in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if k.strip()],
        "DATABASE_URL": os.environ.get("DATABASE_URL") or default_database_url(instance_path),
        "BANKS_PATH": os.environ.get("QUIZAPP_BANKS_PATH") or str(PROJECT_ROOT / "question_banks"),
        # Seconds after the deadline in which a save is still accepted (network latency).
        "SAVE_GRACE_SECONDS": _env_float("QUIZAPP_SAVE_GRACE_SECONDS", 10.0),
        # Limits per network address (Flask-Limiter syntax) and their shared storage. Failed
        # sign-ins only (a room of candidates behind one address must all get in; each account
        # also has the lockout below), and every sign-up (so one address cannot make accounts
        # without end).
        "SIGNIN_RATE_LIMIT": os.environ.get("QUIZAPP_SIGNIN_RATE_LIMIT", "300 per minute"),
        "SIGNUP_RATE_LIMIT": os.environ.get("QUIZAPP_SIGNUP_RATE_LIMIT", "100 per hour"),
        "RATELIMIT_STORAGE_URI": os.environ.get("QUIZAPP_RATELIMIT_STORAGE_URI", "memory://"),
        # Proxies in front of the app that add X-Forwarded-For (a load balancer: 1). The limits
        # above are then per candidate's address, not the proxy's; 0 ignores the header.
        "TRUSTED_PROXIES": _env_int("QUIZAPP_TRUSTED_PROXIES", 0),
        # Failed sign-ins in a row before an account is locked for LOCKOUT_MINUTES.
        "LOCKOUT_THRESHOLD": _env_int("QUIZAPP_LOCKOUT_THRESHOLD", 10),
        "LOCKOUT_MINUTES": _env_float("QUIZAPP_LOCKOUT_MINUTES", 15.0),
        # A form's CSRF token must outlive the longest attempt plus grace (a test page stays open
        # that long), so by default it lives as long as the session (None), not Flask-WTF's hour.
        "WTF_CSRF_TIME_LIMIT": _env_int("QUIZAPP_CSRF_TIME_LIMIT", 0) or None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _env_bool("QUIZAPP_SECURE_COOKIES", False),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _env_bool("QUIZAPP_SECURE_COOKIES", False),
        "PERMANENT_SESSION_LIFETIME": _env_int("QUIZAPP_SESSION_LIFETIME", 12 * 3600),
        "SERVICE_NAME": os.environ.get("QUIZAPP_SERVICE_NAME", "Social work practice tests"),
        "SQL_ECHO": _env_bool("QUIZAPP_SQL_ECHO", False),
        # Item analysis: flag an item only when at least this many candidates answered it.
        "STATS_MIN_SAMPLE": _env_int("QUIZAPP_STATS_MIN_SAMPLE", 30),
        # The largest request body (the trainer's bank upload is the only large one): 8 MiB.
        "MAX_CONTENT_LENGTH": _env_int("QUIZAPP_MAX_REQUEST_BYTES", 8 * 1024 * 1024),
    }
