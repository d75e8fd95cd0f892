"""The page crawl: for each role (candidate, trainer, employer, admin) and at two widths (320 px,
the narrowest WCAG 2.2 SC 1.4.10 Reflow asks for, and 1280 px), sign in, start at the role's home
page and visit every page reachable from it by a link or a GET form (same origin, bounded),
checking each page as a person would meet it:

- the page answers (no 4xx or 5xx, no error page);
- the page itself never scrolls sideways (a wide table scrolls inside its own region);
- axe-core finds no WCAG 2.2 A/AA violation;
- no raw Markdown (`**`, `__`, backtick code, `[text](url)`) shows in the page's text;
- no script failed and the CSP refused nothing.

It runs on the shipped question banks (the Markdown a trainer writes is there) with `quizapp demo`
on top, and the demo candidate has a timed mock in progress, a finished timed mock and a finished
practice, so that their pages are crawled too. Pages that only a form's POST button leads to (the
check page and the practice feedback) are added as start points. Sign-out is a POST form and is
never followed; downloads (CSV, Excel) are not pages and are skipped. Each role's crawl must reach the pages
MUST_VISIT names (the account pages, the audit trail, the admin's forms), so a page that drops out of
the menus fails too.

A failure lists every problem found, on which page, then every page visited."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import pytest
from flask import url_for
from playwright.sync_api import Browser, Page
from playwright.sync_api import Error as PlaywrightError

from .conftest import DEMO, ShippedCandidate
from .server import LiveServer
from .support import axe_violations, format_violations, serve_axe, sign_in, watch

pytestmark = pytest.mark.browser

WIDTHS = (320, 1280)
ROLES = ("candidate", "trainer", "employer", "admin")
PER_ENDPOINT = 3  # pages of one kind (one Flask endpoint) visited at most: the rest are alike
MAX_PAGES = 60  # a bound on one crawl, whatever the links

RAW_MARKDOWN = {
    "**strong**": re.compile(r"\*\*\S[^*]*\*\*"),
    "__strong__": re.compile(r"__[^\s_][^_]*__"),
    "`code`": re.compile(r"`[^`\s][^`]*`"),
    "[link](url)": re.compile(r"\[[^\]]+\]\([^)\s]+\)"),
}

# Every same-origin link and every GET form (as the URL its submit button would open) on the page.
TARGETS_JS = """() => {
    const urls = [];
    for (const a of document.querySelectorAll("a[href]")) {
        if (!a.hasAttribute("download")) urls.push([a.href, false]);
    }
    for (const form of document.querySelectorAll("form")) {
        if ((form.getAttribute("method") || "get").toLowerCase() !== "get") continue;
        const url = new URL(form.action || location.href);
        url.search = new URLSearchParams(new FormData(form)).toString();
        urls.push([url.href, true]);
    }
    return urls;
}"""

# The page's text as a person or a screen reader meets it (closed details and visually hidden
# text included), without scripts and styles.
TEXT_JS = """() => {
    const body = document.body.cloneNode(true);
    body.querySelectorAll("script, style, template, noscript").forEach((el) => el.remove());
    return body.textContent;
}"""

# What sticks out past the right edge of the window (the outermost such elements), to say why
# the page scrolls sideways.
OVERFLOW_JS = """() => {
    const width = window.innerWidth;
    const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
        + [...el.classList].slice(0, 2).map((c) => "." + c).join("");
    const out = [];
    for (const el of document.body.querySelectorAll("*")) {
        const right = el.getBoundingClientRect().right + window.scrollX;
        const parent = el.parentElement;
        if (right > width + 1 && !(parent && parent.getBoundingClientRect().right + window.scrollX > width + 1)) {
            out.push(`${name(el)} (${Math.round(right)} px)`);
        }
    }
    return out.slice(0, 5);
}"""


# Pages each role's crawl must reach from the menus (a page that drops out of every menu fails).
MUST_VISIT = {
    "candidate": ["/account/", "/account/name", "/account/email", "/account/password", "/account/your-data",
                  "/account/delete", "/privacy"],
    "trainer": ["/account/"],
    "employer": ["/account/", "/employer/audit"],
    "admin": ["/account/", "/admin/audit", "/admin/accounts/new", "/admin/organisations/new"],
}


def extra_starts(role: str, server: LiveServer) -> list[str]:
    """Pages a person reaches only through a form's button (POST, then a redirect)."""
    if role != "candidate":
        return []
    mine: ShippedCandidate = server.candidate  # type: ignore[attr-defined]
    with server.app.test_request_context():
        return [url_for("candidate.check_answers", attempt_id=mine.open_attempt),  # "Check your answers"
                url_for("candidate.practice_feedback", attempt_id=mine.practice_result, position=1)]  # "Check my answer"


@dataclass
class Crawl:
    server: LiveServer
    page: Page
    visited: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    per_endpoint: dict[str, int] = field(default_factory=dict)
    from_forms: set[str] = field(default_factory=set)  # a GET form's URL: its error message is no defect

    def endpoint(self, path: str) -> str | None:
        try:
            name, _ = self.server.app.url_map.bind("localhost").match(path, method="GET")
        except Exception:  # not a page of the app (404, or POST only)
            return None
        return name

    def wanted(self, url: str, seen: set[str]) -> bool:
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.server.url or url in seen:
            return False
        if parts.path.startswith(("/static/", "/assets/", "/__browser-tests__/")) or parts.path == "/sign-out":
            return False
        endpoint = self.endpoint(parts.path) or parts.path
        if endpoint.endswith(("export", "download", "csv")) or re.search(r"\.(csv|xlsx|yaml|json|xml)$", parts.path):
            self.skipped.append(f"{parts.path} (a download)")
            return False
        if self.per_endpoint.get(endpoint, 0) >= PER_ENDPOINT:
            return False
        self.per_endpoint[endpoint] = self.per_endpoint.get(endpoint, 0) + 1
        return True

    def check(self, url: str) -> list[str]:
        """Open `url`; the links and GET forms on it."""
        page = self.page
        try:
            response = page.goto(url)
        except PlaywrightError as error:
            self.problems.append(f"{url}: could not be opened ({str(error).splitlines()[0]})")
            return []
        shown = urlsplit(page.url)
        label = shown.path + (f"?{shown.query}" if shown.query else "")
        if label in self.visited:  # a redirect to a page already checked
            return []
        self.visited.append(label)
        here = f"{label} at {page.viewport_size['width']} px"
        if response is None or response.status >= 400:
            self.problems.append(f"{here}: HTTP {response.status if response else '?'}")
        if url not in self.from_forms and (page.title().startswith("Error: ") or page.locator(".govuk-error-summary").count()):
            self.problems.append(f"{here}: an error page or message ({page.title()!r})")
        scroll, width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll > width:
            self.problems.append(f"{here}: scrolls sideways ({scroll} px wide in a {width} px window; "
                                 f"past the edge: {', '.join(page.evaluate(OVERFLOW_JS)) or '?'})")
        text = page.evaluate(TEXT_JS)
        for name, pattern in RAW_MARKDOWN.items():
            found = pattern.findall(text)
            if found:
                self.problems.append(f"{here}: raw Markdown {name} in the text, e.g. {found[:3]}")
        violations = axe_violations(page)
        if violations:
            self.problems.append(f"{here}: axe-core found {len(violations)} violation(s):\n" + format_violations(violations))
        problems = getattr(page, "quizapp_problems", [])
        if problems:
            self.problems.append(f"{here}: script problems: {'; '.join(problems)}")
            problems.clear()
        targets = []
        for target, form in page.evaluate(TARGETS_JS):
            target = urlunsplit(urlsplit(target)._replace(fragment=""))
            if form:
                self.from_forms.add(target)
            targets.append(target)
        return targets

    def run(self, starts: list[str]) -> None:
        queue = list(starts)
        seen: set[str] = set()
        for url in starts:
            self.wanted(url, seen)
            seen.add(url)
        while queue and len(self.visited) < MAX_PAGES:
            url = queue.pop(0)
            for target in self.check(url):
                if self.wanted(target, seen):
                    queue.append(target)
                seen.add(target)


@pytest.mark.parametrize("width", WIDTHS, ids=lambda w: f"{w}px")
@pytest.mark.parametrize("role", ROLES)
def test_every_page_reachable_from_the_home_page_passes(browser: Browser, shipped_server: LiveServer,
                                                        role: str, width: int) -> None:
    context = browser.new_context(base_url=shipped_server.url, viewport={"width": width, "height": 800},
                                  locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(10_000)
    serve_axe(context)
    try:
        page = context.new_page()
        watch(page)
        sign_in(page, DEMO[role])
        home = page.url
        crawl = Crawl(shipped_server, page)
        crawl.run([home] + [shipped_server.url + path for path in extra_starts(role, shipped_server)])
    finally:
        context.close()
    pages = "\n".join(f"  {p}" for p in crawl.visited)
    assert len(crawl.visited) >= 3, f"the crawl found almost nothing; it visited:\n{pages}"
    missed = [path for path in MUST_VISIT[role] if path not in crawl.visited]
    assert not missed, f"the crawl never reached {missed} from the menus; it visited:\n{pages}"
    assert not crawl.problems, (
        f"{len(crawl.problems)} problem(s) on the {role}'s pages at {width} px:\n"
        + "\n".join(f"- {p}" for p in crawl.problems)
        + f"\n\npages visited ({len(crawl.visited)}):\n{pages}"
        + (f"\nskipped: {', '.join(crawl.skipped)}" if crawl.skipped else "")
    )
