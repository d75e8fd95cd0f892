"""The application factory: `create_app()` builds the Flask app (config from the environment,
extensions, templates, the web blueprints, error pages, headers and the CLI commands).

It sits above the layers (docs/architecture.md) because it wires two of them together: the
web (quizapp.web) and the command line (quizapp.cli). `quizapp.create_app` calls it.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path
from typing import Any

from flask import Flask, g
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from quizapp import config
from quizapp.web.extensions import csrf, db, limiter, login_manager

PACKAGE_DIR = Path(__file__).resolve().parent


def _templates_dir() -> Path:
    """The top-level templates/ folder in a checkout, or its copy inside an installed wheel."""
    checkout = PACKAGE_DIR.parent / "templates"
    return checkout if checkout.is_dir() else PACKAGE_DIR / "_templates"


def _remember_which_functions_are_sync(app: Flask) -> None:
    """Flask asks of each hook and the view, on every request, whether it is a coroutine function
    (`Flask.ensure_sync`: about ten `inspect` calls a request, 3 % of a request as light as the
    autosave was when Flask served it). The answer never changes for a function, so it is kept
    (for at most 4,096 functions)."""
    known: dict[Any, Any] = {}
    ask_flask = app.ensure_sync

    def ensure_sync(func: Any) -> Any:
        try:
            return known[func]
        except KeyError:
            answer = ask_flask(func)
            if len(known) < 4096:
                known[func] = answer
            return answer
        except TypeError:  # (unhashable)
            return ask_flask(func)

    app.ensure_sync = ensure_sync  # type: ignore[method-assign]


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=os.environ.get("QUIZAPP_INSTANCE_PATH") or str(PACKAGE_DIR.parent / "instance"),
        instance_relative_config=True,
        static_folder=str(PACKAGE_DIR / "static"),
        static_url_path="/static",
    )
    _remember_which_functions_are_sync(app)
    from quizapp.web import url_converters

    url_converters.init_app(app)
    from quizapp.web.templating import Environment

    app.jinja_environment = Environment  # type: ignore[misc]  # before anything makes app.jinja_env
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(config.from_environment(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(_templates_dir())),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    from govuk_frontend_wtf.main import WTFormsHelpers

    WTFormsHelpers(app)

    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    app.config.setdefault("RATELIMIT_ENABLED", True)
    limiter.init_app(app)

    from quizapp.web import mail

    mail.init_app(app)

    from quizapp.web import csrf_tokens, fragments, templating

    csrf_tokens.init_app(app)
    templating.init_app(app)
    fragments.init_app(app)

    from quizapp.web import assets, errors
    from quizapp.web.account import bp as account_bp
    from quizapp.web.admin import bp as admin_bp
    from quizapp.web.auth import bp as auth_bp
    from quizapp.web.candidate import bp as candidate_bp
    from quizapp.web.employer import bp as employer_bp
    from quizapp.web.main import bp as main_bp
    from quizapp.web.trainer import bp as trainer_bp

    for blueprint in (assets.bp, main_bp, auth_bp, account_bp, candidate_bp, trainer_bp, employer_bp, admin_bp):
        app.register_blueprint(blueprint)
    errors.init_app(app)

    from quizapp.web import auth_session

    auth_session.init_app(app)

    from quizapp.cli.commands import register_commands

    register_commands(app)

    @app.before_request
    def _csp_nonce() -> None:
        g.csp_nonce = secrets.token_urlsafe(16)
        g.started = time.perf_counter()

    @app.after_request
    def _server_timing(response):  # type: ignore[no-untyped-def]
        started = g.get("started")
        if started is not None:
            response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        return response

    from quizapp.web import security_headers

    security_headers.init_app(app)

    from quizapp.web.candidate import autosave

    autosave.install(app)  # the answer autosave in front of Flask (before any proxy fix, which goes outside it)

    if app.config.get("TRUSTED_PROXIES"):
        # The client's address from the proxies' X-Forwarded-For (the rate limits are per address).
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=int(app.config["TRUSTED_PROXIES"]))  # type: ignore[method-assign]

    @app.route("/healthz")
    def healthz() -> tuple[str, int, dict[str, str]]:
        return "ok", 200, {"Content-Type": "text/plain"}

    return app
