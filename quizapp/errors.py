"""Error pages in the service's own look: 400 (including an expired form), 403, 404, 405, 429, 500;
a form posted after the session ended goes to sign in instead."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
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
