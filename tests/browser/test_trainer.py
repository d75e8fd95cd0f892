"""The trainer's journey in a real browser, on the demo data (`quizapp demo` on the fixture banks:
the demo_server fixture): browse the workspace (a framework, a bank, an item and its versions),
search items, preview an item, a case scenario and a whole test form (a fresh draw, then the
same draw again from its seed), upload a bank file with mistakes and then a valid one (a draft), preview it and publish
it, read the item analysis with its figures and flags, and download it as CSV. Every distinct
page is audited (axe-core, one h1, a unique title), the upload's error states included."""

from __future__ import annotations

import csv
import io
import re
import uuid

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import func, select

from quizapp.web.extensions import db
from quizapp.services.item_analysis import CSV_HEADER
from quizapp.data.models import Attempt, AttemptQuestion, Item, ItemVersion, TestForm

from .conftest import DEMO, DEMO_CANDIDATES, RETAKERS
from .support import sign_in, step, yaml_file

pytestmark = pytest.mark.browser

ITEMS = ["fx-s1", "fx-s2", "fx-m1", "fx-o1", "fx-sc1-1", "fx-sc1-2"]  # fx-mock's form is every one of them

BROKEN_BANK = """\
bank: fx-broken
framework: fx
title: A bank with mistakes
items:
  - id: fx-b1
    type: single
    section: knowledge
    statements: [Z]
    stem: Which one?
    options:
      - {text: The only option, correct: true}
    rationale: Because.
  - id: fx-b2
    type: sinlge
    section: knowledge
    statements: [A]
    stem: Which other one?
    options:
      - {text: Right, correct: true}
      - {text: Wrong}
    rationale: Because.
"""
# file:line:column, the message, and the line the problem is on
BROKEN_PROBLEMS = [
    ("broken.yaml:8:18", "unknown statement code 'Z' for framework 'fx'", "statements: [Z]"),
    ("broken.yaml:10:5", "a single-choice item needs 2 to 10 options, not 1", "options:"),
    ("broken.yaml:14:11", "unknown type 'sinlge'", "type: sinlge"),
]


def times_shown(app, key: str) -> dict[int, int]:
    """Version number -> how many attempts were given it."""
    with app.app_context():
        rows = db.session.execute(
            select(ItemVersion.number, func.count(AttemptQuestion.id))
            .join(Item, Item.id == ItemVersion.item_id)
            .outerjoin(AttemptQuestion, AttemptQuestion.item_version_id == ItemVersion.id)
            .where(Item.key == key).group_by(ItemVersion.number)
        ).all()
        return dict(rows)


def timed_attempts(app) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count(Attempt.id)).join(TestForm, TestForm.id == Attempt.test_id)
            .where(TestForm.key == "fx-mock", Attempt.mode == "timed", Attempt.ended_at.is_not(None)))


def summary_value(page: Page, key: str) -> Locator:
    row = page.locator(".govuk-summary-list__row", has=page.locator("dt", has_text=re.compile(f"^{key}$")))
    return row.locator("dd")


def drawn_items(page: Page) -> list[str]:
    """The previewed form's questions: item id and the order its options are shown in."""
    return [
        f"{form.locator('input[name=order]').get_attribute('value')} "
        f"{form.get_attribute('action').rsplit('/', 2)[-2]}"
        for form in page.locator(".app-preview-question form").all()
    ]


def test_the_trainers_journey(open_page, demo_server, audit, tmp_path) -> None:
    app = demo_server.app
    page = open_page(base_url=demo_server.url, accept_downloads=True)
    sign_in(page, DEMO["trainer"])

    with step(page, "the workspace: frameworks, banks and tests"):
        main = page.locator("main")
        expect(page.get_by_role("table", name="Frameworks")).to_contain_text("Fixture framework")
        expect(page.get_by_role("table", name="Banks")).to_contain_text("Fixture bank")
        expect(main.get_by_role("link", name="Fixture mock", exact=True)).to_be_visible()
        audit(page, "question banks")

    with step(page, "a framework: its statements and how many live items each has"):
        page.get_by_role("link", name="Fixture framework").click()
        expect(page.locator("h1")).to_have_text("Fixture framework")
        for code in ("A", "B", "C"):
            expect(page.locator("main")).to_contain_text(f"Statement {code}")
        audit(page, "framework")
        page.go_back()

    with step(page, "a bank: its items and its case scenario"):
        page.get_by_role("link", name="Fixture bank").click()
        expect(page.locator("h1")).to_have_text("Fixture bank")
        for key in ITEMS:
            expect(page.get_by_role("link", name=key, exact=True)).to_be_visible()
        audit(page, "bank")

    versions_before = times_shown(app, "fx-s1")
    current = max(versions_before)
    with step(page, "an item: its versions, how often each was shown, and every field"):
        page.get_by_role("link", name="fx-s1", exact=True).click()
        expect(page.locator("h1")).to_have_text("Item fx-s1")
        rows = page.get_by_role("table", name="Versions, newest first").locator("tbody tr")
        expect(rows).to_have_count(len(versions_before))
        expect(rows.first.locator("td").first).to_have_text(f"{current} Current")
        expect(rows.last.locator("td").nth(3)).to_have_text(str(versions_before[1]))
        assert versions_before[1] >= DEMO_CANDIDATES  # every simulated attempt was given it
        expect(page.locator("main")).to_contain_text("Rationale for S1.")
        audit(page, "item")

    with step(page, "preview the item and check a wrong answer"):
        page.get_by_role("link", name="Preview the current version as candidates see it").click()
        expect(page).to_have_title(re.compile("^Preview of item fx-s1 – "))
        expect(page.locator("main")).to_contain_text(re.compile(r"Seed \d+"))
        audit(page, "item preview")
        page.get_by_label("S1 wrong a").check()
        page.get_by_role("button", name="Check this answer").click()
        expect(page.get_by_role("heading", name="The feedback a candidate would get")).to_be_visible()
        expect(page.locator("main")).to_contain_text("S1 wrong a because.")
        expect(page.get_by_label("S1 wrong a")).to_be_checked()
        audit(page, "item preview", state="a checked answer")

    with step(page, "search items by text, then by statement and type"):
        page.goto("/trainer/")
        page.get_by_role("link", name="Search items").click()
        audit(page, "search")
        page.get_by_label("Text").fill("Fixture family")
        page.get_by_role("button", name="Search").click()
        expect(page.locator("#results")).to_have_text("2 items found")
        results = page.get_by_role("table", name=re.compile("^Page 1 of 1"))
        expect(results.locator("tbody tr td:first-child a")).to_have_text(["fx-sc1-1", "fx-sc1-2"])
        audit(page, "search", state="results")
        page.get_by_label("Text").fill("")
        page.get_by_label("Statement code").fill("C")
        page.get_by_label("Type").select_option("multiple")
        page.get_by_role("button", name="Search").click()
        expect(page.locator("#results")).to_have_text("1 item found")
        expect(results.locator("tbody tr td:first-child a")).to_have_text(["fx-m1"])

    with step(page, "a case scenario and its preview"):
        results.get_by_role("link", name="fx-m1").click()
        page.get_by_role("link", name="Fixture bank").first.click()
        page.get_by_role("link", name="Case scenario: The Fixture family").click()
        expect(page.locator("h1")).to_have_text("Case scenario: The Fixture family")
        audit(page, "scenario")
        page.get_by_role("link", name="Preview it as candidates see it").click()
        expect(page.locator("h1")).to_have_text("Preview of case scenario fx-sc1")
        expect(page.locator(".app-scenario").first).to_contain_text("A vignette about the Fixture family.")
        expect(page.locator(".app-preview-question")).to_have_count(2)
        audit(page, "scenario preview")

    with step(page, "preview a whole test form, then the same draw again from its seed"):
        page.goto("/trainer/")
        page.get_by_role("link", name="Preview Fixture mock").click()
        expect(page.locator("h1")).to_have_text("Preview of Fixture mock")
        expect(page.locator(".app-preview-question")).to_have_count(len(ITEMS))
        seed = re.search(r"Seed (\d+)", page.locator(".govuk-inset-text").inner_text()).group(1)
        drawn = drawn_items(page)
        assert sorted(d.split()[1] for d in drawn) == sorted(ITEMS), drawn
        audit(page, "test preview")
        page.get_by_role("link", name="Link to this draw").click()
        expect(page).to_have_url(re.compile(rf"/trainer/tests/fx-mock/preview\?seed={seed}$"))
        expect(page.locator(".govuk-inset-text")).to_contain_text(f"Seed {seed}:")
        assert drawn_items(page) == drawn, "the seed did not replay the draw"
        page.get_by_role("link", name="draw again").click()
        expect(page).to_have_url(re.compile(r"/trainer/tests/fx-mock/preview$"))
        expect(page.locator(".govuk-inset-text")).not_to_contain_text(f"Seed {seed}:")

    with step(page, "check the files with none chosen"):
        page.goto("/trainer/")
        page.get_by_role("link", name="Upload bank files").click()
        expect(page.locator("h1")).to_have_text("Upload bank files")
        audit(page, "upload")
        page.get_by_role("button", name="Check the files").click()
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_be_visible()
        expect(summary).to_be_focused()
        audit(page, "upload", state="no files", errors=True)

    with step(page, "upload a bank file with mistakes: file, line, message and the lines themselves"):
        page.get_by_label("YAML files").set_input_files(yaml_file("broken.yaml", BROKEN_BANK))
        page.get_by_role("button", name="Check the files").click()
        expect(page.locator("h1")).to_have_text("Your bank files")
        expect(page.get_by_role("heading", name=f"{len(BROKEN_PROBLEMS)} problems to fix")).to_be_visible()
        problems = page.locator(".app-problem")
        expect(problems).to_have_count(len(BROKEN_PROBLEMS))
        for problem, (where, message, line) in zip(problems.all(), BROKEN_PROBLEMS):
            expect(problem.locator("code").first).to_have_text(where)
            expect(problem).to_contain_text(message)
            target = problem.locator(".app-source__line--target")
            expect(target).to_have_count(1)
            expect(target).to_contain_text(f"{where.split(':')[1]} > ")
            expect(target).to_contain_text(line)
        expect(page.get_by_role("button", name="Publish these changes")).to_have_count(0)
        audit(page, "upload result", state="problems")

    tag = uuid.uuid4().hex[:8]
    stem = f"A web question {tag}?"
    web_bank = (f"bank: web-{tag}\nframework: fx\ntitle: Web bank {tag}\nitems:\n  - id: web-{tag}\n"
                f"    type: single\n    section: knowledge\n    statements: [A]\n    stem: {stem}\n"
                "    options:\n      - {text: Right, correct: true, feedback: Yes.}\n      - {text: Wrong, feedback: No.}\n"
                "    rationale: Because.\n    references: [Children Act 1989]\n")
    with step(page, "upload a valid bank file: a draft, what publishing would change, a preview, then publish it"):
        page.get_by_role("link", name="Upload bank files").click()
        page.get_by_label("YAML files").set_input_files(yaml_file("web.yaml", web_bank))
        page.get_by_role("button", name="Check the files").click()
        expect(page.locator("h1")).to_have_text("Your bank files")
        main = page.locator("main")
        expect(main).to_contain_text("Status: Draft")
        expect(main).to_contain_text(f"added item web-{tag}")
        expect(main).to_contain_text("2 added, 0 changed, 0 restored, 0 retired")
        audit(page, "upload result", state="what would change")
        page.get_by_role("link", name="every question").click()
        expect(page.locator("main")).to_contain_text(stem)
        audit(page, "draft preview")
        page.get_by_role("link", name="Back to the draft").click()
        page.get_by_role("button", name="Publish these changes").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("Published: 2 added, 0 changed")
        expect(page.locator("main")).to_contain_text("Status: Published")
        audit(page, "upload result", state="published")

    with step(page, "the published item is in the workspace"):
        page.goto(f"/trainer/items/web-{tag}")
        expect(page.locator("main")).to_contain_text(stem)

    with step(page, "the item analysis: the form's figures, every item, and flags"):
        page.goto("/trainer/")
        page.get_by_role("link", name="item analysis of Fixture mock").click()
        expect(page.locator("h1")).to_have_text("Item analysis: Fixture mock")
        expect(summary_value(page, "Attempts")).to_have_text(
            f"{DEMO_CANDIDATES}, by {DEMO_CANDIDATES} candidates; {len(ITEMS)} questions a form")
        for key in ("Mean score", "Median score"):
            expect(summary_value(page, key)).to_have_text(re.compile(r"^\d+\.\d%$"))
        expect(summary_value(page, "Cronbach's alpha")).to_have_text(re.compile(r"^-?\d\.\d\d (\(-?\d\.\d\d to -?\d\.\d\d\) )?\(n = \d+"))
        items = page.get_by_role("table", name="Items", exact=True).locator("tbody tr")
        expect(items).to_have_count(len(ITEMS))
        expect(page.locator(".app-flag").first).to_be_visible()  # at least 30 answers each: flags show
        expect(page.locator("main")).not_to_contain_text("too few responses for flags")
        flagged = items.filter(has=page.locator(".app-flag")).count()
        expect(page.locator("main")).to_contain_text(f"{flagged} of {len(ITEMS)} item versions flagged.")
        audit(page, "item analysis")

    with step(page, "every attempt counts, sorted by facility"):
        page.get_by_role("link", name="Count every attempt").click()
        expect(summary_value(page, "Attempts")).to_have_text(re.compile(
            rf"^{timed_attempts(app)}, by {DEMO_CANDIDATES} candidates;"))
        assert timed_attempts(app) == DEMO_CANDIDATES + 2 * len(RETAKERS)
        page.get_by_role("link", name="facility (hardest first)").click()
        expect(page.locator("main")).to_contain_text("Sort by: flags, facility (hardest first), discrimination")
        expect(page.locator("p", has_text="Sort by:").locator("strong")).to_have_text("facility (hardest first)")
        facilities = [float(t.split()[0]) for t in items.locator("td:nth-child(3)").all_inner_texts()]
        assert facilities == sorted(facilities), facilities
        audit(page, "item analysis", state="every attempt, by facility")

    with step(page, "the test's page and its blueprint coverage"):
        page.get_by_role("link", name="Fixture mock", exact=True).click()
        expect(page.locator("h1")).to_have_text("Fixture mock")
        audit(page, "test")
        page.get_by_role("link", name="Blueprint coverage").click()
        expect(page.locator("h1")).to_have_text("Blueprint coverage: Fixture mock")
        audit(page, "blueprint coverage")
        page.go_back()
        page.go_back()

    with step(page, "download the figures as CSV"):
        with page.expect_download() as info:
            page.get_by_role("link", name="Download the figures as CSV").click()
        download = info.value
        assert download.suggested_filename == "item-analysis-fx-mock.csv"
        path = tmp_path / download.suggested_filename
        download.save_as(path)
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        assert rows[0] == CSV_HEADER
        assert sorted(r[1] for r in rows[1:]) == sorted(ITEMS)
        assert all(int(r[CSV_HEADER.index("n")]) > DEMO_CANDIDATES for r in rows[1:])  # every attempt
