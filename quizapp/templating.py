"""Template globals and filters: the service name, the CSP nonce, Markdown, navigation by role."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app, g, request, url_for
from flask_login import current_user
from markupsafe import Markup


def csp_nonce() -> str:
    return getattr(g, "csp_nonce", "")


def markdown_filter(text: str | None) -> Markup:
    """Render the safe Markdown subset (any raw HTML is escaped, never passed through)."""
    from . import markup

    return Markup(markup.render(text or ""))


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.strftime("%-d %B %Y at %-I:%M%p").replace("AM", "am").replace("PM", "pm") + " UTC"


def format_minutes(minutes: float | None) -> str:
    if minutes is None:
        return "no time limit"
    seconds = round(minutes * 60)
    if seconds % 60:
        return f"{seconds // 60} minutes {seconds % 60} seconds" if seconds >= 60 else f"{seconds} seconds"
    whole = seconds // 60
    return "1 minute" if whole == 1 else f"{whole} minutes"


NAV_BY_ROLE: dict[str, list[tuple[str, str]]] = {
    "candidate": [("Your tests", "candidate.home")],
    "trainer": [("Question banks", "trainer.home")],
    "employer": [("Your organisation", "employer.home")],
    "admin": [("Users and organisations", "admin.home"), ("Question banks", "trainer.home")],
}


def nav_items() -> list[dict[str, object]]:
    if not current_user.is_authenticated:
        return []
    items = []
    for text, endpoint in NAV_BY_ROLE.get(current_user.role, []):
        if endpoint not in current_app.view_functions:
            continue
        blueprint = endpoint.split(".")[0]
        items.append({"text": text, "href": url_for(endpoint), "active": request.blueprint == blueprint})
    return items


def init_app(app: Flask) -> None:
    app.add_template_global(csp_nonce)
    app.add_template_filter(markdown_filter, "markdown")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_minutes, "minutes")

    @app.context_processor
    def _globals() -> dict[str, object]:
        return {"service_name": app.config["SERVICE_NAME"], "nav_items": nav_items()}
