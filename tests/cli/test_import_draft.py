"""`quizapp import --draft`: the folder's files kept as a draft that is never drawn for
candidates until a trainer publishes it in the browser (issue 17), published as folder content
with the changes it makes and who published it."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import func, select

from quizapp.data.models import Attempt, Bank, Item, WebUpload
from quizapp.web.extensions import db
from tests.helpers import text_of
from tests.web.candidate.conftest import FIXTURE_BANKS
from tests.web.trainer.test_org_content import sign_in

NEW_ITEM = """  - id: fx-new
    type: single
    section: knowledge
    statements: [A]
    stem: A brand new question?
    options:
      - {text: New right, correct: true}
      - {text: New wrong}
    rationale: Because it is new.
"""


@pytest.fixture
def folder(app, tmp_path):
    """A copy of the fixture banks as the app's banks folder."""
    copy = tmp_path / "question_banks"
    shutil.copytree(FIXTURE_BANKS, copy)
    app.config["BANKS_PATH"] = str(copy)
    return copy


def draft_token(output: str) -> str:
    line = next(line for line in output.splitlines() if "/trainer/uploads/" in line)
    return line.split("/trainer/uploads/")[1].split()[0]


def current_version(key: str) -> int | None:
    item = db.session.scalar(select(Item).where(Item.key == key))
    return None if item is None else item.current_version.number


def test_a_draft_is_never_drawn_until_a_trainer_publishes_it(app, runner, client, users, folder):
    assert runner.invoke(args=["import"]).exit_code == 0
    bank = folder / "bank.yaml"
    bank.write_text(bank.read_text().replace("stem: Single one?", "stem: Single one, edited?")
                    .replace("items:\n", "items:\n" + NEW_ITEM, 1))
    result = runner.invoke(args=["import", "--draft"])
    assert result.exit_code == 0, result.output
    assert "changed item fx-s1 (version 2)" in result.output and "added item fx-new" in result.output
    assert "Draft saved, not published" in result.output
    token = draft_token(result.output)
    with app.app_context():
        assert current_version("fx-s1") == 1 and current_version("fx-new") is None  # nothing imported
        draft = db.session.scalar(select(WebUpload).where(WebUpload.token == token))
        assert (draft.status, draft.origin, draft.full_sync, draft.organisation_id) == ("draft", "folder", True, None)
    sign_in(client, "candidate@a.example")
    for _ in range(3):
        started = client.post("/tests/fx-mock/start", data={"mode": "practice"})
        attempt = started.headers["Location"].split("/attempts/")[1].split("/")[0]
        with app.app_context():
            shown = db.session.get(Attempt, int(attempt))
            stems = {q.item_version.stem for q in shown.questions}
            assert "Single one?" in stems  # fx-mock draws all four knowledge items: the published ones
            assert not {"Single one, edited?", "A brand new question?"} & stems
            shown.ended_at = shown.started_at
            db.session.commit()
    sign_in(client, "trainer@example.org")
    draft_page = text_of(client.get(f"/trainer/uploads/{token}"))
    assert "changed item fx-s1 (version 2)" in draft_page and "Publish these changes" in draft_page
    assert "quizapp import --draft" in draft_page
    assert client.post(f"/trainer/uploads/{token}/publish").status_code == 302
    with app.app_context():
        assert current_version("fx-s1") == 2 and current_version("fx-new") == 1
        assert db.session.scalar(select(Bank.origin).where(Bank.key == "fx-bank")) == "folder"
        draft = db.session.scalar(select(WebUpload).where(WebUpload.token == token))
        assert draft.status == "published" and draft.published_by_id == users["trainer"]["id"]
    again = runner.invoke(args=["import"])
    assert "Nothing to import" in again.output  # the folder and the database agree


def test_a_full_draft_retires_what_the_folder_no_longer_has_only_once_published(app, runner, client, users, folder):
    assert runner.invoke(args=["import"]).exit_code == 0
    (folder / "test.yaml").unlink()
    result = runner.invoke(args=["import", "--draft"])
    assert "retired test fx-mock" in result.output, result.output
    sign_in(client, "candidate@a.example")
    assert "Fixture mock" in text_of(client.get("/tests/"))
    sign_in(client, "trainer@example.org")
    client.post(f"/trainer/uploads/{draft_token(result.output)}/publish")
    sign_in(client, "candidate@a.example")
    assert "Fixture mock" not in text_of(client.get("/tests/"))


def test_draft_and_dry_run_together_is_a_usage_error(app, runner, folder):
    result = runner.invoke(args=["import", "--draft", "--dry-run"])
    assert result.exit_code == 2 and "cannot be used together" in result.output


@pytest.mark.parametrize("change, code, says", [
    (lambda f: (f / "bank.yaml").write_text("bank: broken\n"), 1, "Nothing was imported"),
    (lambda f: None, 0, "No draft was kept: Nothing to import"),
])
def test_no_draft_is_kept_for_invalid_or_unchanged_files(app, runner, folder, change, code, says):
    assert runner.invoke(args=["import"]).exit_code == 0
    change(folder)
    result = runner.invoke(args=["import", "--draft"])
    assert result.exit_code == code and says in result.output, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(WebUpload.id))) == 0


def test_a_published_folder_draft_never_stands_in_for_the_folder_when_uploads_are_checked(app, runner, client,
                                                                                          users, folder):
    """Later uploads are checked with the banks folder as it is now, not with the texts of a
    folder draft published earlier (which the folder may have moved on from)."""
    from tests.web.trainer.test_org_content import bank_text, upload

    assert runner.invoke(args=["import"]).exit_code == 0
    bank = folder / "bank.yaml"
    bank.write_text(bank.read_text().replace("stem: Single one?", "stem: Single one, edited?"))
    token = draft_token(runner.invoke(args=["import", "--draft"]).output)
    sign_in(client, "trainer@example.org")
    assert client.post(f"/trainer/uploads/{token}/publish").status_code == 302
    bank.write_text(bank.read_text().replace("stem: Single one, edited?", "stem: Single one, edited again?"))
    assert "changed item fx-s1" in runner.invoke(args=["import"]).output
    page = text_of(client.get(upload(client, ("service.yaml", bank_text()))))
    assert "in place of" not in page and "added item east-1" in page
