"""Security headers on every response: a nonce-based Content-Security-Policy and friends."""

from __future__ import annotations

from flask import Flask, Response, g, request


def content_security_policy(nonce: str, form_targets: tuple[str, ...] = ()) -> str:
    """`form_targets`: other origins a form on the page may lead to. A form that starts single
    sign-on is answered with a redirect to the organisation's sign-in provider, and browsers
    apply form-action to the redirect too."""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            " ".join(["form-action 'self'", *form_targets]),
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'",
        ]
    )


FIXED_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


def response_headers(nonce: str, form_targets: tuple[str, ...], secure: bool, html: bool) -> list[tuple[str, str]]:
    """The security headers of a response (the answer autosave's fast path, which Flask's hooks
    never see, sends these too: quizapp.web.candidate.autosave)."""
    wanted = [("Content-Security-Policy", content_security_policy(nonce, form_targets)), *FIXED_HEADERS]
    if secure:
        wanted.append(HSTS)
    if html:
        wanted.append(("Cache-Control", "no-store"))
    return wanted


def init_app(app: Flask) -> None:
    @app.after_request
    def _headers(response: Response) -> Response:
        # Each header is added unless the view set its own (one pass over the headers, not one per header).
        present = {name.lower() for name, _ in response.headers}
        wanted = response_headers(getattr(g, "csp_nonce", None) or "none", tuple(sorted(g.get("form_targets", ()))),
                                  request.is_secure or bool(app.config.get("SESSION_COOKIE_SECURE")),
                                  response.mimetype == "text/html")
        response.headers.extend([(name, value) for name, value in wanted if name.lower() not in present])
        return response
