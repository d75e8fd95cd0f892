"""The employer's cohort page read on a laptop (1280 px), a tablet (768 px) and on paper (A4
landscape), with the shipped banks and the demo's simulated candidates: every statement can be read
without scrolling or hovering, the names stay in view when a wide table scrolls, the bands have a
legend in words, and printing keeps the whole heatmap and the charts, without the filters, the
navigation or link addresses."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import re

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

from quizapp.data.models import Organisation
from quizapp.services import cohort, framework_choice
from quizapp.services.demo import DEMO_ORGANISATION, DEMO_TEAMS
from quizapp.web.extensions import db

from .conftest import DEMO
from .support import SCREENSHOTS, screenshot, sign_in, step

pytestmark = pytest.mark.browser

MM = 96 / 25.4  # CSS pixels in a millimetre
A4_LANDSCAPE = {"width": round(297 * MM), "height": round(210 * MM)}


def shown_heatmap(app) -> cohort.Heatmap:
    """What the unfiltered cohort page of the demo organisation shows, read from the service."""
    with app.app_context():
        organisation_id = db.session.scalar(select(Organisation.id).where(Organisation.name == DEMO_ORGANISATION))
        f = cohort.CohortFilter(organisation_id=organisation_id)
        # the page reads the statements of the framework current today (issue 18: items keyed to two)
        choice = framework_choice.choose(db.session, cohort.result_frameworks(db.session, f), None, date.today())
        return cohort.heatmap(db.session, replace(f, framework_ids=choice.shown_ids))


def inside(box: dict, frame: dict) -> bool:
    return (box["x"] >= frame["x"] - 1 and box["x"] + box["width"] <= frame["x"] + frame["width"] + 1
            and box["width"] > 0 and box["height"] > 0)


def statement_readable(region: Locator, statement: cohort.StatementColumn) -> bool:
    """The statement's title is on screen as text (not only in a tooltip or for screen readers) and
    inside the table's visible area, as is its whole-cohort cell."""
    frame = region.bounding_box()
    title = region.get_by_text(statement.title, exact=True)
    if title.count() != 1 or not title.is_visible():
        return False
    box = title.bounding_box()  # (a visually hidden title is a 1 px box)
    return box is not None and frame is not None and box["width"] > 40 and box["height"] > 10 and inside(box, frame)


def open_cohort_page(open_page, shipped_server, viewport: dict) -> Page:
    page = open_page(base_url=shipped_server.url, viewport=viewport)
    sign_in(page, DEMO["employer"])
    page.goto("/employer/")
    expect(page.locator("h1")).to_have_text("Cohort results")
    return page


@pytest.mark.parametrize("width", [1280, 768])
def test_every_statement_reads_on_screen(open_page, shipped_server, audit, width) -> None:
    heatmap = shown_heatmap(shipped_server.app)
    assert len(heatmap.statements) >= 8, "the demo should show the shipped banks' statements"
    page = open_cohort_page(open_page, shipped_server, {"width": width, "height": 900})
    region = page.locator(".app-table-scroll").filter(has=page.locator("table.app-heatmap"))

    with step(page, f"at {width} px every statement's title and whole-cohort result show without scrolling"):
        readable = [s.code for s in heatmap.statements if statement_readable(region, s)]
        assert readable == [s.code for s in heatmap.statements], \
            f"{len(readable)} of {len(heatmap.statements)} statements readable at {width} px: {readable}"
        for team in DEMO_TEAMS:
            link = region.get_by_role("link", name=team)
            expect(link).to_be_visible()
            assert inside(link.bounding_box(), region.bounding_box()), f"{team} is off the side at {width} px"

    with step(page, "a team's candidates, a column each: scrolled to the far side, the statements stay in view"):
        region.get_by_role("link", name=DEMO_TEAMS[0]).click()
        expect(page.locator("#heatmap-heading")).to_contain_text(f"Statements by candidate in {DEMO_TEAMS[0]}")  # then the framework (issue 18)
        region = page.locator(".app-table-scroll").filter(has=page.locator("table.app-heatmap"))
        assert region.evaluate("(el) => el.scrollWidth > el.clientWidth"), "a column per candidate should not fit"
        region.evaluate("(el) => { el.scrollLeft = el.scrollWidth; }")
        last = region.locator("thead th").last
        assert inside(last.bounding_box(), region.bounding_box()), "the last candidate cannot be reached"
        for statement in heatmap.statements:
            assert statement_readable(region, statement), f"{statement.code}'s title scrolled away"
        page.go_back()

    with step(page, "the legend says what each band means in words"):
        legend = page.locator("#heatmap-legend")
        expect(legend).to_be_visible()
        for band in heatmap.bands:
            expect(legend).to_contain_text(str(band["label"]))
            expect(legend).to_contain_text(f"{float(band['min_percent']):g}%")
        audit(page, "cohort results" + ("" if width == 1280 else f" at {width} px"))
        region.evaluate("(el) => { el.scrollLeft = 0; }")
        page.locator("#heatmap-heading").scroll_into_view_if_needed()
        screenshot(page, f"employer-cohort-heatmap-{width}")


def test_the_cohort_page_prints_on_a4_landscape(open_page, shipped_server) -> None:
    heatmap = shown_heatmap(shipped_server.app)
    page = open_cohort_page(open_page, shipped_server, A4_LANDSCAPE)
    page.emulate_media(media="print")

    with step(page, "printed: every statement is on the paper, nothing cut off at the side"):
        table = page.locator("table.app-heatmap")
        paper = {"x": 0, "width": A4_LANDSCAPE["width"]}
        for statement in heatmap.statements:
            title = table.get_by_text(statement.title, exact=True)
            expect(title).to_be_visible()
            assert inside(title.bounding_box(), paper), f"{statement.code} is cut off the printed page"
        box = table.bounding_box()
        assert box["x"] + box["width"] <= A4_LANDSCAPE["width"], "the printed heatmap is wider than the paper"
        overflowing = page.evaluate(
            "() => [...document.querySelectorAll('.app-table-scroll')].filter((el) => el.scrollWidth > el.clientWidth + 1).length")
        assert overflowing == 0, f"{overflowing} table(s) would be cut off at the side of the paper"
        for chart in page.locator("svg.app-chart").all():
            expect(chart).to_be_visible()
            assert inside(chart.bounding_box(), paper)

    with step(page, "printed: no navigation, no forms, no link addresses"):
        expect(page.locator("form.app-filters")).to_be_hidden()
        expect(page.locator(".app-header nav, .govuk-service-navigation, header nav").first).to_be_hidden()
        expect(page.locator(".govuk-footer")).to_be_hidden()
        printed_after = page.evaluate(
            "() => [...document.querySelectorAll('a')].map((a) => getComputedStyle(a, '::after').content)"
            ".filter((c) => c && c !== 'none' && c !== 'normal')")
        assert not [c for c in printed_after if "http" in c or "(" in c], f"links print their addresses: {printed_after[:3]}"
        assert "(http" not in page.locator("body").inner_text()

    with step(page, "the PDF: a few A4 landscape pages"):
        pdf = page.pdf(format="A4", landscape=True, print_background=True)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        (SCREENSHOTS / "employer-cohort-printed.pdf").write_bytes(pdf)
        pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
        assert 1 <= pages <= 4, f"the cohort page prints on {pages} pages"
