"""Template globals and filters: the service name, the CSP nonce, Markdown, times, navigation."""

from __future__ import annotations

import functools
from collections.abc import MutableMapping, Sequence
from datetime import date, datetime
from typing import Any
from quizapp.domain.uk_time import UK

from flask import Flask, current_app, g, request, templating, url_for
from flask_login import current_user
from markupsafe import Markup, escape

from quizapp.domain import timing



class Environment(templating.Environment):
    """Flask's Jinja environment, with each template's globals a plain dict made when the template
    is loaded, not a ChainMap over the environment's: every render copies them, and every
    `{% from %}` import subtracts their keys from the context's, which a ChainMap does key by key
    in Python (a tenth of the question page's rendering). Jinja's own advice is not to change
    globals once templates are loaded; the app sets all of its globals while it is made."""

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}


def csp_nonce() -> str:
    return getattr(g, "csp_nonce", "")


def static_url(filename: str) -> str:
    """`url_for('static', filename=...)`, worked out once per file: the same on every page (a
    page asked for five of them, each a URL build)."""
    urls: dict[tuple[str, str], str] = current_app.extensions["quizapp_static_urls"]
    key = (request.script_root, filename)
    url = urls.get(key)
    if url is None:
        url = urls[key] = url_for("static", filename=filename)
    return url


def markdown_filter(text: str | None) -> Markup:
    """Render the safe Markdown subset (any raw HTML is escaped, never passed through)."""
    return Markup(_rendered_markdown(text or "", inline=False))


def markdown_inline_filter(text: str | None) -> Markup:
    """The Markdown subset as phrasing content only (for headings, legends and labels)."""
    return Markup(_rendered_markdown(text or "", inline=True))


@functools.lru_cache(maxsize=2048)
def _rendered_markdown(text: str, inline: bool) -> str:
    """Rendering is a pure function of the text, and the same stems and options are shown again
    and again (every candidate, every page view): kept per process, least recently used first
    out. Parsing was about a tenth of a question page's CPU time."""
    from quizapp.domain import markup

    return markup.render_inline(text) if inline else markup.render(text)


def plain_filter(text: str | None) -> str:
    """The Markdown subset as plain text (no markup characters), for short texts such as a
    truncated stem in a list; the template escapes it like any other text."""
    from quizapp.domain import markup

    return markup.plain(text or "")


def safe_url(url: str | None) -> str:
    """Only http(s) and mailto addresses become links; anything else (javascript:, data:) is
    replaced, whatever the database holds."""
    from quizapp.domain import markup

    return url if url and markup.is_safe_link(url) else "#"


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone(UK)
    return f"{local.day} {local:%B %Y} at {clock_time(value)}"


def format_date(value: date | None) -> str:
    """A calendar date as people write it: 1 April 2027."""
    return f"{value.day} {value:%B %Y}" if value is not None else ""


def clock_time(value: datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone(UK)
    hour = local.hour % 12 or 12
    return f"{hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def clock_time_seconds(value: datetime) -> str:
    """A time of day to the second, in UK time on the 24-hour clock ("22:51:06"): for the
    autosave's "Saved at", which changes every few seconds."""
    return f"{value.astimezone(UK):%H:%M:%S}"


def format_minutes(minutes: float | None) -> str:
    if minutes is None:
        return "no time limit"
    return format_duration(minutes * 60)


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    mins, secs = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if mins:
        parts.append(f"{mins} minute{'s' if mins != 1 else ''}")
    if secs or not parts:
        parts.append(f"{secs} second{'s' if secs != 1 else ''}")
    return " ".join(parts)


def countdown(seconds: float | None) -> str:
    """Remaining time as the page shows it before JavaScript takes over (whole minutes, then seconds)."""
    if seconds is None:
        return ""
    seconds = max(0, int(seconds))
    if seconds >= 60:
        mins = seconds // 60
        return f"{mins} minute{'s' if mins != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"


def option_item(option: object, selected: Sequence[int]) -> dict[str, object]:
    index = option.index  # type: ignore[attr-defined]
    return {"value": str(index), "html": markdown_inline_filter(option.text), "checked": index in selected}  # type: ignore[attr-defined]


def position_item(n: int, chosen: int | None) -> dict[str, object]:
    return {"value": str(n), "text": str(n), "selected": chosen == n}


def band_class(label: str, bands: Sequence[dict[str, object]]) -> str:
    """Tag colour by band rank (the label text is always shown too: never colour alone)."""
    ordered = [str(b["label"]) for b in sorted(bands, key=lambda b: float(b["min_percent"]), reverse=True)]  # type: ignore[arg-type]
    if label not in ordered or len(ordered) < 2:
        return ""
    rank = ordered.index(label)
    if rank == 0:
        return "govuk-tag--green"
    return "govuk-tag--red" if rank == len(ordered) - 1 else "govuk-tag--yellow"


def sparkline(points: Sequence[tuple[object, float, str]]) -> Markup:
    """A small inline SVG of percents over attempts; the numbers are given as text beside it."""
    width, height, pad = 120, 28, 3
    values = [p[1] for p in points]
    if not values:
        return Markup("")
    step = (width - 2 * pad) / max(1, len(values) - 1)
    coords = [(pad + i * step, pad + (100 - v) / 100 * (height - 2 * pad)) for i, v in enumerate(values)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5"/>' for x, y in coords)
    return Markup(
        f'<svg class="app-sparkline" width="{width}" height="{height}" viewBox="0 0 {width} {height}" aria-hidden="true" focusable="false">'
        f'<line x1="0" x2="{width}" y1="{height / 2}" y2="{height / 2}" class="app-sparkline__mid"/>'
        f'<polyline points="{escape(path)}" class="app-sparkline__line"/>{dots}</svg>'
    )


NAV_BY_ROLE: dict[str, list[tuple[str, str]]] = {
    "candidate": [("Your tests", "candidate.home"), ("Your results", "candidate.history"),
                  ("Your organisation", "candidate.organisation")],
    "trainer": [("Question banks", "trainer.home")],
    "employer": [("Cohort results", "employer.home"), ("Candidates", "employer.candidates"), ("Teams", "employer.teams"),
                 ("Invitations", "employer.invitations"), ("Audit trail", "employer.audit")],
    "admin": [("Users and organisations", "admin.home"), ("Question banks", "trainer.home"), ("Audit trail", "admin.audit")],
}


def nav_items() -> list[dict[str, object]]:
    if not current_user.is_authenticated:
        return []
    return [{"text": text, "href": href, "active": request.endpoint == endpoint}
            for text, endpoint, href in _menu(current_user.role)]


def _menu(role: str) -> list[tuple[str, str, str]]:
    """A role's menu as (text, endpoint, URL), its URLs built once per app (on every page, they
    were three URL builds of a page's sixteen)."""
    menus: dict[tuple[str, str], list[tuple[str, str, str]]] = current_app.extensions["quizapp_menus"]
    key = (role, request.script_root)
    menu = menus.get(key)
    if menu is None:
        menu = menus[key] = [(text, endpoint, url_for(endpoint)) for text, endpoint in NAV_BY_ROLE.get(role, [])
                             if endpoint in current_app.view_functions]
    return menu


def extra_time_of(who: object) -> timing.ExtraTime:
    """A candidate's (or an attempt's) extra time: a percentage or a number of minutes."""
    return timing.ExtraTime(getattr(who, "extra_time_percent", 0) or 0, getattr(who, "extra_time_minutes", 0) or 0)


def with_extra_time(limit_seconds: float, who: object) -> float:
    """A time limit in seconds with the candidate's (or the attempt's) own extra time."""
    extra = extra_time_of(who)
    return timing.allowed_seconds(limit_seconds, extra.percent, extra.minutes)


def init_app(app: Flask) -> None:
    from quizapp.web.question_buttons import question_buttons

    app.extensions["quizapp_static_urls"] = {}
    app.extensions["quizapp_menus"] = {}
    app.add_template_global(csp_nonce)
    app.add_template_global(static_url)
    app.add_template_global(question_buttons)
    filters = {
        "markdown": markdown_filter,
        "markdown_inline": markdown_inline_filter,
        "plain": plain_filter,
        "safe_url": safe_url,
        "datetime": format_datetime,
        "date": format_date,
        "clocktime": clock_time,
        "minutes": format_minutes,
        "duration": format_duration,
        "countdown": countdown,
        "option_item": option_item,
        "position_item": position_item,
        "band_class": band_class,
        "sparkline": sparkline,
        "extra_time_of": extra_time_of,
        "with_extra_time": with_extra_time,
    }
    for name, function in filters.items():
        app.add_template_filter(function, name)

    @app.context_processor
    def _globals() -> dict[str, object]:
        return {"service_name": app.config["SERVICE_NAME"], "nav_items": nav_items()}
