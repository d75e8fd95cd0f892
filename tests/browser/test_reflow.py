"""Reflow (WCAG 2.2 SC 1.4.10) where it failed: at 320 px the candidate's tables become lists
that show every column without scrolling, and a table too wide for the page (the employer's
heatmap with its statement column) scrolls inside its own labelled region, by keyboard too, while the
page itself never scrolls sideways."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import url_for
from playwright.sync_api import Browser, Page, expect

from .conftest import DEMO
from .server import LiveServer
from .support import page_scrolls_sideways, serve_axe, sign_in, step

pytestmark = pytest.mark.browser


@pytest.fixture
def open_at(browser: Browser, shipped_server: LiveServer) -> Iterator:
    contexts = []

    def make(role: str, width: int) -> Page:
        context = browser.new_context(base_url=shipped_server.url, viewport={"width": width, "height": 800},
                                      locale="en-GB", timezone_id="Europe/London")
        context.set_default_timeout(10_000)
        serve_axe(context)
        contexts.append(context)
        page = context.new_page()
        sign_in(page, DEMO[role])
        return page

    yield make
    for context in contexts:
        context.close()


def inside_window(page: Page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]


def candidate_url(server: LiveServer, endpoint: str, **args) -> str:
    with server.app.test_request_context():
        return url_for(endpoint, **args)


@pytest.mark.parametrize("where", ["home", "result", "history"])
def test_the_candidates_tables_show_every_column_at_320_px(open_at, shipped_server: LiveServer, where: str) -> None:
    """The score and band of each statement (and a test's time limit and pass mark, an attempt's
    score and result) are on screen at 320 px, each beside its column's name."""
    page = open_at("candidate", 320)
    mine = shipped_server.candidate  # type: ignore[attr-defined]
    url, columns = {
        "home": (candidate_url(shipped_server, "candidate.home"), ["Time limit", "Questions", "Pass mark"]),
        "result": (candidate_url(shipped_server, "candidate.result", attempt_id=mine.timed_result), ["Questions", "Score", "Band"]),
        "history": (candidate_url(shipped_server, "candidate.history"), ["Taken", "Score", "Result"]),
    }[where]
    page.goto(url)
    with step(page, f"read the first row of the {where} table at 320 px"):
        assert not page_scrolls_sideways(page)
        row = page.locator("table tbody tr").first
        for n, column in enumerate(columns, start=1):
            cell = row.locator("td").nth(n if where != "result" else n - 1)
            expect(cell.locator(".app-table__label")).to_have_text(column)
            assert inside_window(page, cell), f"the {column} cell is off-screen: {cell.bounding_box()}"
        # the table keeps its column headers for screen readers (visually hidden here)
        expect(page.get_by_role("columnheader", name=columns[-1]).first).to_be_attached()


def test_the_candidates_tables_are_tables_at_1280_px(open_at, shipped_server: LiveServer) -> None:
    page = open_at("candidate", 1280)
    mine = shipped_server.candidate  # type: ignore[attr-defined]
    page.goto(candidate_url(shipped_server, "candidate.result", attempt_id=mine.timed_result))
    with step(page, "read the statement table at 1280 px"):
        expect(page.get_by_role("columnheader", name="Band")).to_be_visible()
        expect(page.locator(".app-table__label").first).to_be_hidden()


@pytest.mark.parametrize("width", [320])
def test_the_heatmap_scrolls_in_its_own_region(open_at, width: int) -> None:
    page = open_at("employer", width)
    region = page.get_by_role("region", name="Statements by team")
    with step(page, f"scroll the heatmap with the keyboard at {width} px"):
        expect(region).to_have_attribute("tabindex", "0")
        assert not page_scrolls_sideways(page)
        assert region.evaluate("(el) => el.scrollWidth > el.clientWidth"), "the heatmap should be wider than its region here"
        region.focus()
        assert region.evaluate("(el) => getComputedStyle(el).boxShadow") != "none", "the focused region shows no focus"
        for _ in range(60):  # the arrow keys scroll a focused region (in Chromium 40 px a press)
            page.keyboard.press("ArrowRight")
        # the scrolling is animated: wait until it has reached the end
        page.wait_for_function("(el) => el.scrollLeft >= el.scrollWidth - el.clientWidth - 1", arg=region.element_handle())
        last = page.locator(".app-heatmap thead th").last
        region_box, last_box = region.bounding_box(), last.bounding_box()
        assert last_box["x"] + last_box["width"] <= region_box["x"] + region_box["width"] + 1, "the last statement cannot be reached"
        assert not page_scrolls_sideways(page)
        first = page.locator(".app-heatmap tbody th").first  # the statements stay in view
        assert first.bounding_box()["x"] >= region_box["x"] - 1


def test_the_trainers_uploads_fit_at_320_px(open_at, tmp_path) -> None:
    """Found walking through an upload as a trainer: with an upload of two files listed, the
    upload page scrolled sideways at 320 px (the file names never broke). The list scrolls in its
    own region if it must; the page never does."""
    page = open_at("trainer", 320)
    names = []
    for name in ("a-rather-long-bank-file-name.yaml", "another-long-test-file-name.yaml"):
        (tmp_path / name).write_text("bank: x\n")
        names.append(str(tmp_path / name))
    page.goto("/trainer/upload")
    page.get_by_label("YAML files").set_input_files(names)
    page.get_by_role("button", name="Check the files").click()
    expect(page.locator("h1")).to_have_text("Your bank files")
    with step(page, "read the list of uploads at 320 px"):
        assert not page_scrolls_sideways(page)
        page.goto("/trainer/upload")
        expect(page.get_by_role("link", name="a-rather-long-bank-file-name.yaml, another-long-test-file-name.yaml")).to_be_visible()
        assert not page_scrolls_sideways(page)
