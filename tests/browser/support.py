"""Helpers for the browser tests: steps that name the page when they fail, the page audit
(axe-core, one h1, a unique title, no script errors), screenshots, and answering questions
with the mouse or the keyboard from what the database says is right."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import BrowserContext, Locator, Page, expect
from sqlalchemy import select

from quizapp.web.extensions import db
from quizapp.data.models import Attempt, AttemptQuestion, Response
from tests.web.candidate.conftest import QuestionInfo, answer_form, questions_of

from .server import PASSWORD, ROOT

ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
FAILURES = SCREENSHOTS / "failures"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_URL = "/__browser-tests__/axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SERVICE_NAME = "Social work practice tests"
# What the autosave status says once the server holds the answer ("Saved at 22:51:06", UK time)
SAVED = re.compile(r"^Saved at \d\d:\d\d:\d\d$")

__all__ = ["PASSWORD", "QuestionInfo", "answer_form", "questions_of"]


# -- failures that say where they happened ----------------------------------------------------------


class StepFailed(AssertionError):
    """An assertion that already names its page and step (outer steps pass it on unchanged)."""


def where(page: Page) -> str:
    try:
        title = page.title()
    except PlaywrightError:
        title = "?"
    path = re.sub(r"^https?://[^/]+", "", page.url)
    return f"page {title!r} ({path})"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "page"


def failure_screenshot(page: Page, label: str) -> Path | None:
    FAILURES.mkdir(parents=True, exist_ok=True)
    path = FAILURES / f"{_slug(label)}.png"
    try:
        page.screenshot(path=path, full_page=True)
    except PlaywrightError:
        return None
    return path


@contextmanager
def step(page: Page, what: str) -> Iterator[None]:
    """Run one step of a journey; a failure says on which page and in which step, and leaves
    a screenshot of the page in test-artifacts/screenshots/failures/."""
    try:
        yield
    except StepFailed:
        raise
    except (AssertionError, PlaywrightError) as error:
        place = where(page)
        shot = failure_screenshot(page, what)
        raise StepFailed(f"step {what!r} failed on {place}: {error}\n(screenshot: {shot})") from error


# -- screenshots ------------------------------------------------------------------------------------


def screenshot(page: Page, name: str, folder: Path = SCREENSHOTS, full_page: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=path, full_page=full_page, animations="disabled", caret="hide")
    return path


# -- the page audit ---------------------------------------------------------------------------------


def watch(page: Page) -> None:
    """Keep the page's script errors and Content-Security-Policy refusals for the audit."""
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("console", lambda message: problems.append(f"console: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text else None)
    page.quizapp_problems = problems  # type: ignore[attr-defined]


def serve_axe(context: BrowserContext) -> None:
    context.route(f"**{AXE_URL}", lambda route: route.fulfill(path=AXE, content_type="text/javascript"))


def axe_violations(page: Page) -> list[dict]:
    if page.evaluate("typeof window.axe") == "undefined":
        # The CSP (script-src 'self' plus a nonce) refuses an inline <script>, which is what
        # add_script_tag(path=...) adds, so axe.min.js is served from the page's own origin by
        # a route (serve_axe) rather than turning the CSP off for the tests.
        page.add_script_tag(url=AXE_URL)
    return page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return results.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map((n) => n.target.join(" ")),
            }));
        }""",
        WCAG_TAGS,
    )


def format_violations(violations: list[dict]) -> str:
    return "\n".join(
        f"  - {v['id']} ({v['impact']}): {v['help']}; at {', '.join(v['targets'])}" for v in violations
    )


class Audit:
    """Checks every distinct page of a journey: axe-core finds no WCAG 2.2 A/AA violation,
    the page has one h1, its title starts with the h1 and is not the title of another page,
    and no script failed or was refused by the CSP."""

    def __init__(self) -> None:
        self.titles: dict[str, str] = {}  # title -> page name

    def __call__(self, page: Page, name: str, *, errors: bool = False, state: str = "") -> str:
        """`name` is the page (pages with different names must have different titles);
        `state` says which state of it this is (flagged, showing a warning...)."""
        with step(page, f"audit the {name} page" + (f" ({state})" if state else "")):
            expect(page.locator("h1")).to_have_count(1)
            h1 = " ".join(page.locator("h1").inner_text().split())
            title = page.title()
            assert title.endswith(f" – {SERVICE_NAME}"), f"title {title!r} does not end with the service name"
            main = title.removeprefix("Error: ").rsplit(" – ", 1)[0]
            assert h1.startswith(main), f"title {title!r} does not match the h1 {h1!r}"
            assert title.startswith("Error: ") == errors, f"title {title!r}: 'Error: ' {'missing' if errors else 'unexpected'}"
            owner = self.titles.setdefault(title, name)
            assert owner == name, f"title {title!r} is also the title of the {owner} page"
            problems = getattr(page, "quizapp_problems", [])
            assert not problems, "the page had script problems:\n" + "\n".join(problems)
            violations = axe_violations(page)
            assert not violations, f"axe-core found {len(violations)} violation(s) on the {name} page:\n" + format_violations(violations)
        return title


# -- reading the page and the database --------------------------------------------------------------


def attempt_from_url(page: Page) -> tuple[int, int]:
    match = re.search(r"/attempts/(\d+)/questions/(\d+)", page.url)
    assert match, f"not on a question page: {page.url}"
    return int(match.group(1)), int(match.group(2))


def saved_answers(app, attempt_id: int) -> dict[int, list[int]]:
    """Position -> the stored answer (authored option indices); incomplete choices are not answers."""
    with app.app_context():
        rows = db.session.execute(
            select(AttemptQuestion.position, Response.answer)
            .join(Response, Response.question_id == AttemptQuestion.id)
            .where(AttemptQuestion.attempt_id == attempt_id, Response.complete)
        ).all()
        return {position: list(answer) for position, answer in rows}


def attempt_row(app, attempt_id: int) -> Attempt:
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        db.session.expunge(attempt)
        return attempt


def authored(info: QuestionInfo, right: bool) -> list[int]:
    """The answer `answer_form` gives, as the authored indices the database stores."""
    form = answer_form(info, right)
    if info.type == "ordering":
        by_rank = sorted(form.items(), key=lambda item: int(item[1]))
        return [info.option_order[int(key.removeprefix("position-"))] for key, _ in by_rank]
    values = form["answer"] if isinstance(form["answer"], list) else [form["answer"]]
    return sorted(info.option_order[int(v)] for v in values)


def countdown_seconds(page: Page) -> int:
    """The countdown as shown: "9 minutes 58 seconds", "45 seconds", "12 minutes"."""
    text = page.locator("#app-timer .app-timer__value").inner_text()
    match = re.fullmatch(r"(?:(\d+) minutes?)?\s*(?:(\d+) seconds?)?", text.strip())
    assert match and text.strip(), f"cannot read the countdown {text!r}"
    return int(match.group(1) or 0) * 60 + int(match.group(2) or 0)


# -- signing in and answering -----------------------------------------------------------------------


HOME_HEADINGS = {"candidate": "Your tests", "employer": "Cohort results", "trainer": "Question banks",
                 "admin": "Users and organisations"}


def sign_in(page: Page, user: dict) -> None:
    """Sign in and land on the home page of the user's role."""
    with step(page, f"sign in as {user['email']}"):
        page.goto("/sign-in")
        page.get_by_label("Email address").fill(user["email"])
        page.get_by_label("Password", exact=True).fill(user["password"])
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(HOME_HEADINGS[user.get("role", "candidate")])


def start_test(page: Page, key: str, mode: str = "timed") -> int:
    with step(page, f"start {key}"):
        page.goto(f"/tests/{key}")
        button = "Start timed mock" if mode == "timed" else "Practise without a timer"
        page.get_by_role("button", name=button).click()
        expect(page).to_have_url(re.compile(r"/attempts/\d+/questions/1$"))
    return attempt_from_url(page)[0]


def option_input(page: Page, displayed: int) -> Locator:
    return page.locator(f"input[name='answer'][value='{displayed}']")


def answer_with_mouse(page: Page, info: QuestionInfo, right: bool = True) -> None:
    """Choose the answer by clicking (and choosing positions from the drop-downs)."""
    form = answer_form(info, right)
    if info.type == "ordering":
        for name, rank in form.items():
            page.locator(f"select[name='{name}']").select_option(str(rank))
        return
    chosen = form["answer"] if isinstance(form["answer"], list) else [form["answer"]]
    if info.type == "multiple":
        for displayed in range(info.n):  # clicks only the boxes that change
            option_input(page, displayed).set_checked(str(displayed) in chosen)
        return
    option_input(page, int(chosen[0])).check()


def expect_answer_shown(page: Page, info: QuestionInfo, right: bool = True) -> None:
    """The page shows the answer `answer_form(info, right)` (ticked options or chosen positions)."""
    form = answer_form(info, right)
    if info.type == "ordering":
        for name, rank in form.items():
            expect(page.locator(f"select[name='{name}']")).to_have_value(str(rank))
        return
    chosen = form["answer"] if isinstance(form["answer"], list) else [form["answer"]]
    for displayed in range(info.n):
        expect(option_input(page, displayed)).to_be_checked(checked=str(displayed) in chosen)


def is_focused(locator: Locator) -> bool:
    return locator.evaluate("(el) => el === document.activeElement")


def tab_to(page: Page, locator: Locator, limit: int = 80) -> None:
    """Press Tab until `locator` has the focus (fails if it never gets it)."""
    for presses in range(limit + 1):
        if is_focused(locator):
            return
        if presses < limit:
            page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {locator} in {limit} presses")


def answer_with_keyboard(page: Page, info: QuestionInfo, right: bool = True) -> None:
    """Choose the answer with Tab, Space and the arrow keys only (no Enter: the caller decides)."""
    form = answer_form(info, right)
    if info.type == "single":
        target = int(form["answer"])
        tab_to(page, option_input(page, 0))  # Tab enters an unanswered radio group at its first option
        page.keyboard.press("Space")
        for _ in range(target):
            page.keyboard.press("ArrowDown")  # moves to the next option and chooses it
        expect(option_input(page, target)).to_be_checked()
    elif info.type == "multiple":
        chosen = {int(v) for v in form["answer"]}
        for displayed in range(info.n):
            box = option_input(page, displayed)
            tab_to(page, box, limit=80 if displayed == 0 else 1)  # the next box is one Tab on
            if (displayed in chosen) != box.is_checked():
                page.keyboard.press("Space")
        for displayed in range(info.n):
            expect(option_input(page, displayed)).to_be_checked(checked=displayed in chosen)
    else:
        for name, rank in form.items():
            select = page.locator(f"select[name='{name}']")
            tab_to(page, select)
            for _ in range(int(rank)):  # from "Choose a position", down to the rank
                page.keyboard.press("ArrowDown")
            expect(select).to_have_value(str(rank))


def publish_fixed_form(page: Page, name: str, tag: str, questions: int) -> tuple[str, str]:
    """Upload and publish, as a trainer does in the browser, a bank of `questions` one-right-answer
    items ("<name> question N?", framework fx, statement A) and a fixed-form test of all of them.
    Keys are made of the name's first letter and `tag`: bank "xb-TAG" (items "xb-TAG-1"...),
    test "xt-TAG", titles "<name> bank TAG" and "<name> test TAG". Returns (bank key, test key)."""
    letter = name[0].lower()
    bank_key, test_key = f"{letter}b-{tag}", f"{letter}t-{tag}"
    ids = [f"{bank_key}-{n}" for n in range(1, questions + 1)]
    bank = (f"bank: {bank_key}\nframework: fx\ntitle: {name} bank {tag}\nitems:\n"
            + "".join(f"  - id: {item}\n    type: single\n    section: knowledge\n    statements: [A]\n"
                      f"    stem: {name} question {n}?\n    options:\n      - {{text: Right, correct: true}}\n"
                      "      - {text: Wrong}\n    rationale: Because.\n" for n, item in enumerate(ids, start=1)))
    test = (f"test: {test_key}\ntitle: {name} test {tag}\nframework: fx\ntime_limit_minutes: 10\n"
            f"pass_mark_percent: 50\nsections:\n  - section: knowledge\n    draw: {{items: [{', '.join(ids)}]}}\n")
    with step(page, f"publish the bank {bank_key} and the test {test_key} from the browser"):
        page.goto("/trainer/upload")
        page.get_by_label("YAML files").set_input_files([yaml_file("bank.yaml", bank), yaml_file("test.yaml", test)])
        page.get_by_role("button", name="Check the files").click()
        page.get_by_role("button", name="Publish these changes").click()
        expect(page.locator("main")).to_contain_text("Status: Published")
    return bank_key, test_key


def yaml_file(name: str, text: str) -> dict:
    """A file for Playwright's set_input_files, as a trainer's YAML bank or test file."""
    return {"name": name, "mimeType": "application/yaml", "buffer": text.encode()}


def page_scrolls_sideways(page: Page) -> bool:
    """Whether the page is wider than the window (WCAG 2.2 SC 1.4.10 forbids it at 320 px)."""
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
