"""Fixtures for the end-to-end tests in Debian's Chromium (Playwright for Python).

One server per xdist worker (a free loopback port, a temporary SQLite database with the fixture
banks imported), one browser per worker, and a fresh browser context per page a test opens.
A failed test leaves a screenshot of each page it had open in test-artifacts/screenshots/failures/.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from quizapp.web import clock
from quizapp.services.demo import DEMO_PASSWORD
from quizapp.web.extensions import db
from quizapp.data.models import Attempt, Mode
from tests.web.trainer.conftest import START, take

from .server import BROWSER_TESTS, FIXTURE_BANKS, REAL_BANKS, LiveServer
from .support import AXE, FAILURES, Audit, serve_axe, watch

CHROMIUM = Path(os.environ.get("QUIZAPP_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1000, "height": 800}

expect.set_options(timeout=10_000)

_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator:
    report = yield
    if report.when == "call":
        item.stash[_FAILED] = report.failed
    return report


def start_server(tmp_path_factory: pytest.TempPathFactory, banks: list[Path], name: str) -> LiveServer:
    server = LiveServer(tmp_path_factory.mktemp(name), banks, name)
    server.start()
    return server


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app served on a free port (one per xdist worker), with the fixture banks and the
    browser-only tests (fx-short: 12 seconds, fx-long: 12 minutes) imported."""
    live = start_server(tmp_path_factory, [FIXTURE_BANKS, BROWSER_TESTS], "browser-server")
    yield live
    live.stop()


DEMO_CANDIDATES = 36  # at least 30 answers per item, so that the item analysis flags items
RETAKERS = ("sim-001@demo.example", "sim-002@demo.example", "sim-003@demo.example")
RETAKES_DAYS_AGO = (60, 45)  # before every simulated attempt (those start in the last 30 days)
DEMO = {role: {"email": f"{role}@demo.example", "password": DEMO_PASSWORD, "role": role}
        for role in ("candidate", "trainer", "employer", "admin")}


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The fixture banks and `quizapp demo` (what `make run` does): the demo accounts (DEMO) and
    organisation, and DEMO_CANDIDATES simulated candidates with one timed attempt each at fx-mock,
    alternately in the teams North locality and South locality. The three RETAKERS also took
    fx-mock twice before that, all wrong then all right, so that their first, best and latest
    attempts differ. Uploads are checked with the fixture banks folder. One per xdist worker:
    the employer's and the trainer's journeys add to it, never take away."""
    live = LiveServer(tmp_path_factory.mktemp("demo-server"), [FIXTURE_BANKS], "demo-server",
                      env={"QUIZAPP_BANKS_PATH": str(FIXTURE_BANKS)})
    live.cli("demo", "--candidates", str(DEMO_CANDIDATES))
    with live.app.app_context():
        for n, email in enumerate(RETAKERS):
            for right, days in zip((0.0, 1.0), RETAKES_DAYS_AGO):
                began = clock.now() - timedelta(days=days, minutes=n)
                take(email, right, seed=100 + n, minutes=int((began - START).total_seconds() // 60))
    live.start()
    yield live
    live.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"Debian's Chromium is not installed ({CHROMIUM} is missing): run `make chromium`, "
                    "or as root `apt-get update && apt-get install -y chromium`")
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make assets` (npm ci installs axe-core)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser: Browser, server: LiveServer, request: pytest.FixtureRequest) -> Iterator[Callable[..., Page]]:
    """open_page(**context_options) -> a page in a new browser context on the test server
    (1000 x 800, en-GB, Europe/London unless the options say otherwise). Each call is a separate
    browser (cookies, clock, network), closed after the test."""
    contexts = []

    def make(base_url: str | None = None, **options) -> Page:
        options = {"viewport": VIEWPORT, "locale": "en-GB", "timezone_id": "Europe/London", **options}
        context = browser.new_context(base_url=base_url or server.url, **options)
        context.set_default_timeout(10_000)
        serve_axe(context)
        contexts.append(context)
        page = context.new_page()
        watch(page)
        return page

    yield make
    if request.node.stash.get(_FAILED, False):
        FAILURES.mkdir(parents=True, exist_ok=True)
        for n, context in enumerate(contexts):
            for m, page in enumerate(context.pages):
                try:
                    page.screenshot(path=FAILURES / f"{request.node.name}-{n}-{m}.png", full_page=True)
                except Exception:  # a closed page has nothing to show
                    pass
        print("server log (last lines):\n" + "\n".join(server.log().splitlines()[-30:]))
    for context in contexts:
        context.close()


@pytest.fixture
def page(open_page: Callable[..., Page]) -> Page:
    return open_page()


@pytest.fixture
def candidate(server: LiveServer) -> dict:
    """A new candidate account for this test only."""
    return server.new_user("candidate")


@pytest.fixture
def audit() -> Audit:
    return Audit()


SHIPPED_MOCK = "practitioner-mock-a"


@dataclass
class ShippedCandidate:
    open_attempt: int
    timed_result: int
    practice_result: int


@pytest.fixture(scope="session")
def shipped_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The shipped question banks and `quizapp demo` (what `make run` serves), where the demo
    candidate has a finished timed mock, a finished practice and a timed mock in progress."""
    live = LiveServer(tmp_path_factory.mktemp("crawl-server"), [REAL_BANKS], "crawl-server")
    live.cli("demo", "--candidates", "36")
    email = DEMO["candidate"]["email"]
    with live.app.app_context():
        timed = take(email, 0.6, seed=11, test_key=SHIPPED_MOCK)
        practice = take(email, 0.5, seed=12, mode=Mode.PRACTICE, minutes=90, test_key=SHIPPED_MOCK)
        now = int((clock.now() - START).total_seconds() // 60)
        open_id = take(email, 0.4, seed=13, minutes=now, finish=None, test_key=SHIPPED_MOCK)
        stems = [q.item_version.stem for q in db.session.get(Attempt, open_id).questions]
        assert any("**" in stem for stem in stems), "the open attempt should show a stem with Markdown"
    live.candidate = ShippedCandidate(open_id, timed, practice)  # type: ignore[attr-defined]
    live.start()
    yield live
    live.stop()
