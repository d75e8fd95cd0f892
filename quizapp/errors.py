"""Error pages in the service's own look: 400 (including an expired form), 403, 404, 405, 429, 500."""

from __future__ import annotations

from flask import Flask, render_template
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

PAGES: dict[int, tuple[str, list[str]]] = {
    400: ("Sorry, there is a problem with that request", ["Go back and try again."]),
    403: ("You do not have permission to see this page", ["If you think you should, speak to the person who runs this service in your organisation."]),
    404: ("Page not found", ["If you typed the web address, check it is correct.", "If you pasted the web address, check you copied the entire address."]),
    405: ("Sorry, there is a problem with that request", ["That page cannot be used in this way."]),
    429: ("Too many attempts", ["You have tried this too many times in a short time. Wait a minute, then try again."]),
    500: ("Sorry, there is a problem with the service", ["Try again later. Any answers you were told were saved are safe."]),
}


def render_error(code: int, title: str | None = None, paragraphs: list[str] | None = None) -> tuple[str, int]:
    default_title, default_paragraphs = PAGES.get(code, PAGES[500])
    return (
        render_template(
            "errors/error.html",
            title=title or default_title,
            paragraphs=paragraphs if paragraphs is not None else default_paragraphs,
        ),
        code,
    )


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf_error(_error: CSRFError) -> tuple[str, int]:
        return render_error(
            400,
            "This form has expired",
            ["For your security, forms stop working after a while or when you sign in again.", "Go back, reload the page and try again. Nothing you had saved before has been lost."],
        )

    @app.errorhandler(RateLimitExceeded)
    def _too_many(error: RateLimitExceeded) -> tuple[str, int]:
        # A limit with its own message (the sign-in and sign-up limits) says what happened and how
        # long to wait; the others get the general page.
        if error.limit.error_message:
            return render_error(429, paragraphs=[error.description or ""])
        return render_error(429)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> tuple[str, int]:
        code = error.code or 500
        if code in PAGES:
            return render_error(code)
        return render_error(code, error.name, [error.description or ""])

    @app.errorhandler(Exception)
    def _unhandled(error: Exception) -> tuple[str, int]:
        app.logger.exception("Unhandled error", exc_info=error)
        return render_error(500)
