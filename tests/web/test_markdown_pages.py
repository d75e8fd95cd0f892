"""Bank Markdown wherever a stem or an option is shown: every page renders the subset (a stem's
`**strong**` is <strong>strong</strong>) or gives plain text derived from it where a short
text is needed (a truncated stem in a list), and never shows the markup characters themselves.
Exports (the item analysis CSV, `quizapp stats --csv`) get plain text.

The fixture banks are copied with Markdown added to every stem and option: the stems say
"**strongly** `coded`" and the options "*gently*", so each page is checked on the same words."""

from __future__ import annotations

import csv
import io
import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from flask import url_for
from sqlalchemy import select

from quizapp.web.extensions import db
from quizapp.data.models import Mode, Organisation, User

from tests.web.candidate.conftest import FIXTURE_BANKS, clock  # noqa: F401 (the movable clock fixture)
from tests.helpers import check_page, text_of
from tests.web.trainer.conftest import START, take

STEM_MARKUP = "Said **strongly** with `coded` words: "
OPTION_MARKUP = " said *gently*"
RAW = re.compile(r"\*\*|`|__|\]\(")  # what the subset's markup looks like when shown raw


def with_markdown(source: Path, target: Path) -> Path:
    """The fixture banks, with Markdown in every stem and option text."""
    shutil.copytree(source, target)
    bank = target / "bank.yaml"
    text = bank.read_text()
    text = re.sub(r"stem: (.+)", lambda m: f'stem: "{STEM_MARKUP}{m.group(1)}"', text)
    text = re.sub(r"\{text: ([^,}]+)", lambda m: f'{{text: "{m.group(1)}{OPTION_MARKUP}"', text)
    bank.write_text(text)
    return target


@pytest.fixture
def marked(app, runner, users, clock, tmp_path):  # noqa: F811 (the clock fixture)
    """The marked-up banks imported; the candidate has a finished timed mock, a finished practice
    and a timed mock in progress (at the clock's time)."""
    banks = with_markdown(FIXTURE_BANKS, tmp_path / "banks")
    result = runner.invoke(args=["import", str(banks)])
    assert result.exit_code == 0, result.output
    email = users["candidate"]["email"]
    with app.app_context():
        timed = take(email, 0.5, seed=1)
        practice = take(email, 0.5, seed=2, mode=Mode.PRACTICE, minutes=10)
        clock.now = START + timedelta(minutes=30)
        open_attempt = take(email, 0.5, seed=3, minutes=30, finish=None)
        org = db.session.scalar(select(Organisation).where(Organisation.name == "Org A")).id
        candidate = db.session.scalar(select(User).where(User.email == email)).id
    return {"timed": timed, "practice": practice, "open": open_attempt, "org": org, "candidate": candidate}


PAGES = {
    "candidate": [
        ("candidate.check_answers", lambda m: {"attempt_id": m["open"]}),
        *[("candidate.question", lambda m, n=n: {"attempt_id": m["open"], "position": n}) for n in range(1, 7)],
        ("candidate.result", lambda m: {"attempt_id": m["timed"]}),
        ("candidate.result", lambda m: {"attempt_id": m["practice"]}),
        ("candidate.practice_feedback", lambda m: {"attempt_id": m["practice"], "position": 1}),
        ("candidate.history", lambda m: {}),
        ("candidate.home", lambda m: {}),
    ],
    "trainer": [
        ("trainer.bank", lambda m: {"key": "fx-bank"}),
        ("trainer.scenario", lambda m: {"key": "fx-sc1"}),
        *[("trainer.item", lambda m, k=k: {"key": k}) for k in ("fx-s1", "fx-m1", "fx-o1")],
        ("trainer.search", lambda m: {"framework": "fx"}),
        ("trainer.search", lambda m: {"q": "strongly"}),
        ("trainer.statistics", lambda m: {"key": "fx-mock"}),
        *[("trainer.item_preview", lambda m, k=k: {"key": k}) for k in ("fx-s1", "fx-m1", "fx-o1")],
        ("trainer.scenario_preview", lambda m: {"key": "fx-sc1"}),
        ("trainer.test_preview", lambda m: {"key": "fx-mock"}),
    ],
    "employer": [
        ("employer.home", lambda m: {}),
        ("employer.candidates", lambda m: {}),
        ("employer.candidate", lambda m: {"user_id": m["candidate"]}),
    ],
    "admin": [
        ("admin.home", lambda m: {}),
        ("admin.organisation", lambda m: {"organisation_id": m["org"]}),
    ],
}
CASES = [(role, endpoint, args) for role, pages in PAGES.items() for endpoint, args in pages]


@pytest.mark.parametrize(("role", "endpoint", "args"), CASES,
                         ids=[f"{role}-{endpoint.split('.')[1]}-{n}" for n, (role, endpoint, _) in enumerate(CASES)])
def test_no_page_shows_raw_markdown(app, client, auth, marked, role, endpoint, args) -> None:
    auth.as_role(role)
    with app.test_request_context():
        url = url_for(endpoint, **args(marked))
    response = client.get(url)
    check_page(response)
    html = response.get_data(as_text=True)
    text = text_of(response)
    shown = RAW.findall(text)
    assert not shown, f"{url} shows raw Markdown {shown[:5]}: ...{text[text.find(shown[0]) - 80:][:200]}..."
    if "strongly" in text:  # a stem is on the page: rendered, or as plain text
        assert "<strong>strongly</strong>" in html or "Said strongly with coded words" in text, url
    if "gently" in text and "said gently" not in text:  # an option is on the page, rendered
        assert "<em>gently</em>" in html, url


def test_every_stem_and_option_kind_is_checked(app, client, auth, marked) -> None:
    """The pages above do show stems and options (rendered and plain), so the test can fail."""
    auth.as_role("candidate")
    with app.test_request_context():
        check, result = (url_for("candidate.check_answers", attempt_id=marked["open"]),
                         url_for("candidate.result", attempt_id=marked["timed"]))
    assert "Said strongly with coded words: Single" in text_of(client.get(check))
    page = client.get(result).get_data(as_text=True)
    assert "<strong>strongly</strong> with <code>coded</code>" in page
    assert "<em>gently</em>" in page


def test_the_question_page_renders_ordering_options(app, client, auth, marked) -> None:
    """An ordering question's options are the labels of their position drop-downs."""
    auth.as_role("candidate")
    with app.test_request_context():
        pages = [client.get(url_for("candidate.question", attempt_id=marked["open"], position=n)) for n in range(1, 7)]
    ordering = [p for p in pages if "Choose a position" in p.get_data(as_text=True)]
    assert ordering, "the attempt has an ordering question"
    assert "O1 first said <em>gently</em>" in ordering[0].get_data(as_text=True)


def test_the_item_analysis_csv_has_plain_stems(app, client, auth, marked) -> None:
    auth.as_role("trainer")
    response = client.get("/trainer/tests/fx-mock/statistics.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert rows and all(row["stem"].startswith("Said strongly with coded words: ") for row in rows), rows[:2]
    assert not any(RAW.search(row["stem"]) for row in rows)


def test_quizapp_stats_csv_has_plain_stems(marked, runner, tmp_path) -> None:
    out = tmp_path / "stats.csv"
    result = runner.invoke(args=["stats", "--test", "fx-mock", "--csv", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open()))
    assert rows and all(row["stem"].startswith("Said strongly with coded words: ") for row in rows)
