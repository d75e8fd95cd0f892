"""Configuration from environment variables, with safe development defaults.

Every setting can be overridden by an environment variable of the same name
(prefixed ``QUIZAPP_`` for the less common ones). ``create_app(test_config)``
applies a mapping on top, which is how the tests point the app at a temporary database.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, urlsplit

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


SMTP_TLS_MODES = ("starttls", "ssl", "none")
SMTP_DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
SMTP_SCHEMES = {"smtp": "none", "smtp+starttls": "starttls", "smtps": "ssl"}


class ConfigError(ValueError):
    """A setting in the environment cannot be used; the message says which and why."""


def mail_settings(environ: Mapping[str, str], instance_path: str, service_name: str) -> dict:
    """Flask-Mailman's settings from the environment.

    `QUIZAPP_SMTP_URL` (smtp://, smtp+starttls:// or smtps://, with user and password if the
    server wants them, URL-encoded) or `QUIZAPP_SMTP_HOST` with `QUIZAPP_SMTP_PORT`,
    `QUIZAPP_SMTP_USER`, `QUIZAPP_SMTP_PASSWORD` and `QUIZAPP_SMTP_TLS` (starttls, the default;
    ssl; none). With neither, each message is written to the outbox folder
    (`QUIZAPP_MAIL_OUTBOX`, default instance/outbox) as an .eml file: development needs no server.
    """
    url = (environ.get("QUIZAPP_SMTP_URL") or "").strip()
    host = (environ.get("QUIZAPP_SMTP_HOST") or "").strip()
    settings: dict = {
        "MAIL_DEFAULT_SENDER": environ.get("QUIZAPP_MAIL_FROM") or f"{service_name} <no-reply@localhost>",
        "MAIL_TIMEOUT": float(environ.get("QUIZAPP_SMTP_TIMEOUT") or 10),
        "MAIL_OUTBOX": environ.get("QUIZAPP_MAIL_OUTBOX") or str(Path(instance_path) / "outbox"),
    }
    if url:
        parts = urlsplit(url)
        if parts.scheme not in SMTP_SCHEMES or not parts.hostname:
            raise ConfigError("QUIZAPP_SMTP_URL must look like smtp+starttls://user:password@host:587 "
                              "(or smtps:// for TLS from the start, smtp:// for none)")
        tls = SMTP_SCHEMES[parts.scheme]
        host, port = parts.hostname, parts.port
        user = unquote(parts.username) if parts.username else None
        password = unquote(parts.password) if parts.password else None
    elif host:
        tls = (environ.get("QUIZAPP_SMTP_TLS") or "starttls").strip().lower()
        if tls not in SMTP_TLS_MODES:
            raise ConfigError(f"QUIZAPP_SMTP_TLS must be one of {', '.join(SMTP_TLS_MODES)}")
        port_text = (environ.get("QUIZAPP_SMTP_PORT") or "").strip()
        port = int(port_text) if port_text else None
        user = environ.get("QUIZAPP_SMTP_USER") or None
        password = environ.get("QUIZAPP_SMTP_PASSWORD") or None
    else:
        return {**settings, "MAIL_BACKEND": "quizapp.web.mail.OutboxEmailBackend"}
    return {
        **settings,
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": host,
        "MAIL_PORT": port or SMTP_DEFAULT_PORTS[tls],
        "MAIL_USERNAME": user,
        "MAIL_PASSWORD": password,
        "MAIL_USE_TLS": tls == "starttls",
        "MAIL_USE_SSL": tls == "ssl",
    }


def from_environment(instance_path: str) -> dict:
    """The settings, read from the environment at app creation."""
    service_name = os.environ.get("QUIZAPP_SERVICE_NAME", "Social work practice tests")
    return {
        **mail_settings(os.environ, instance_path, service_name),
        # The address people reach the service at (https://practice.example.org), used for the
        # links in emails. Set it in production: without it the links use the address of the
        # request that sent the email, which a client can choose (the Host header).
        "BASE_URL": (os.environ.get("QUIZAPP_BASE_URL") or "").rstrip("/") or None,
        # How long the links in emails work.
        "VERIFY_LINK_HOURS": _env_int("QUIZAPP_VERIFY_LINK_HOURS", 24),
        "RESET_LINK_MINUTES": _env_int("QUIZAPP_RESET_LINK_MINUTES", 60),
        # Emails about one address (sign-up, password reset, new verification link): at most this
        # many, so that nobody can fill a stranger's inbox through the service.
        "MAIL_PER_ADDRESS_LIMIT": os.environ.get("QUIZAPP_MAIL_PER_ADDRESS_LIMIT", "5 per hour"),
        # Password reset requests per network address.
        "RESET_RATE_LIMIT": os.environ.get("QUIZAPP_RESET_RATE_LIMIT", "100 per hour"),
        "SECRET_KEY": load_secret_key(instance_path),
        # Old keys still accepted for sessions and autosave tokens while a new SECRET_KEY takes over.
        "SECRET_KEY_FALLBACKS": [k.strip() for k in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if k.strip()],
        "DATABASE_URL": os.environ.get("DATABASE_URL") or default_database_url(instance_path),
        "BANKS_PATH": os.environ.get("QUIZAPP_BANKS_PATH") or str(PROJECT_ROOT / "question_banks"),
        # Seconds after the deadline in which a save is still accepted (network latency).
        "SAVE_GRACE_SECONDS": _env_float("QUIZAPP_SAVE_GRACE_SECONDS", 10.0),
        # The answer autosave answered in front of Flask (quizapp/web/candidate/autosave.py); 0 sends
        # it through Flask like every other request (the same replies, slower).
        "AUTOSAVE_FAST_PATH": _env_bool("QUIZAPP_AUTOSAVE_FAST_PATH", True),
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
        "SERVICE_NAME": service_name,
        "SQL_ECHO": _env_bool("QUIZAPP_SQL_ECHO", False),
        # The retention period the privacy notice states: run `quizapp purge --older-than` this
        # many days every day (docs/deployment.md), so that it is true.
        "RETENTION_DAYS": _env_int("QUIZAPP_RETENTION_DAYS", 730),
        # Item analysis: flag an item only when at least this many candidates answered it.
        "STATS_MIN_SAMPLE": _env_int("QUIZAPP_STATS_MIN_SAMPLE", 30),
        # The largest request body (the trainer's bank upload is the only large one): 8 MiB.
        "MAX_CONTENT_LENGTH": _env_int("QUIZAPP_MAX_REQUEST_BYTES", 8 * 1024 * 1024),
    }
