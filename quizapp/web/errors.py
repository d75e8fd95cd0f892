"""Error pages in the service's own look: 400 (including an expired form), 403, 404, 405, 413 (saying the
size limits), 429 (saying how long to wait, for the sign-in and sign-up limits), 500; a form posted
after the session ended goes to sign in instead."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, flash, redirect, render_template, request, url_for
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.wrappers import Response

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


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MiB"


def _too_large_page() -> tuple[str, int]:
    """413: what was too large, and the limits in words (the request limit is
    QUIZAPP_MAX_REQUEST_BYTES; the trainer's upload also has its limits per file)."""
    from quizapp.services.bank_upload import MAX_FILE_BYTES, MAX_FILES

    request_limit = _mib(current_app.config["MAX_CONTENT_LENGTH"])
    if request.blueprint == "trainer":
        return render_error(413, "Your upload is too large", [
            f"Each bank file can be up to {_mib(MAX_FILE_BYTES)}, and you can send up to {MAX_FILES} files at a "
            f"time, {request_limit} in all.",
            "Go back and choose fewer or smaller files. Nothing has been checked or imported.",
        ])
    return render_error(413, "What you sent is too large", [
        f"This service accepts up to {request_limit} in one request (and far less in the text of a form), "
        "and what you sent was larger.",
        "Go back and try again. Nothing you had saved before has been lost.",
    ])


SIGNED_OUT_FLASH = "You were signed out. Sign in to go on where you were: everything you saved is kept."


def _page_of_ours(url: str | None) -> str | None:
    """The path (and query) of `url` if it is a page of this site, else None."""
    parts = urlsplit(url or "")
    if parts.netloc != request.host or not parts.path.startswith("/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf_error(_error: CSRFError) -> tuple[str, int] | Response:
        if not current_user.is_authenticated and request.blueprint != "auth":
            # The session ended while the page was open (it expired, or its cookie was cleared),
            # and the form's token with it: sign in again, then back to the page the form was on.
            flash(SIGNED_OUT_FLASH, "info")
            return redirect(url_for("auth.sign_in", next=_page_of_ours(request.referrer)))
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

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(_error: RequestEntityTooLarge) -> tuple[str, int]:
        return _too_large_page()

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
