"""Content that belongs to an organisation, drafts before publishing, and web content kept apart
from the banks folder (issue 17)."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from quizapp.data.models import Attempt, Bank, Item, Organisation, TestForm, WebUpload
from quizapp.web.extensions import db
from tests.helpers import check_page, make_user, text_of
from tests.web.candidate.conftest import FIXTURE_BANKS

ORG_BANK = """bank: eastshire-bank
framework: fx
title: Eastshire questions
items:
{items}
"""
ITEM = """  - id: east-{n}
    type: single
    section: knowledge
    statements: [A]
    stem: Eastshire question {n}?
    options:
      - {{text: Right, correct: true}}
      - {{text: Wrong}}
    rationale: {rationale}
"""
ORG_TEST = """test: eastshire-check
title: Eastshire ASYE check
framework: fx
time_limit_minutes: 10
pass_mark_percent: 50
sections:
  - section: knowledge
    draw: {items: [east-1, east-2]}
"""


def bank_text(rationale: str = "Because it is.", n: int = 2) -> str:
    return ORG_BANK.format(items="".join(ITEM.format(n=i, rationale=rationale) for i in range(1, n + 1)))


@pytest.fixture
def org_trainer(fx, client, users):
    fx.config["BANKS_PATH"] = str(FIXTURE_BANKS)
    with fx.app_context():
        make_user("trainer@a.example", "trainer", "Org A")
        make_user("trainer@b.example", "trainer", "Org B")
        db.session.commit()
    return client


def sign_in(client, email):
    client.post("/sign-out")
    response = client.post("/sign-in", data={"email": email, "password": "correct horse battery"})
    assert response.status_code == 302


def upload(client, *files: tuple[str, str]):
    data = {"files": [(io.BytesIO(text.encode()), name) for name, text in files]}
    response = client.post("/trainer/upload", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def published(client, *files):
    location = upload(client, *files)
    response = client.post(location + "/publish")
    assert response.status_code == 302, text_of(response)
    return location


def test_an_organisations_test_is_listed_only_to_its_members(fx, org_trainer):
    sign_in(org_trainer, "trainer@a.example")
    published(org_trainer, ("eastshire.yaml", bank_text()), ("check.yaml", ORG_TEST))
    sign_in(org_trainer, "candidate@a.example")
    assert "Eastshire ASYE check" in text_of(org_trainer.get("/tests/"))
    for email in ("candidate@b.example",):
        sign_in(org_trainer, email)
        assert "Eastshire ASYE check" not in text_of(org_trainer.get("/tests/"))
        assert "Fixture mock" in text_of(org_trainer.get("/tests/"))  # the service's tests stay for everyone
        check_page(org_trainer.get("/tests/eastshire-check"), status=404)
        assert org_trainer.post("/tests/eastshire-check/start", data={"mode": "timed"}).status_code == 404


@pytest.mark.parametrize("path", ["/trainer/banks/eastshire-bank", "/trainer/items/east-1",
                                  "/trainer/items/east-1/preview", "/trainer/tests/eastshire-check",
                                  "/trainer/tests/eastshire-check/preview", "/trainer/tests/eastshire-check/statistics",
                                  "/trainer/tests/eastshire-check/coverage"])
def test_another_organisations_content_is_404_to_a_trainer(fx, org_trainer, path):
    sign_in(org_trainer, "trainer@a.example")
    location = published(org_trainer, ("eastshire.yaml", bank_text()), ("check.yaml", ORG_TEST))
    assert org_trainer.get(path).status_code == 200
    sign_in(org_trainer, "trainer@b.example")
    check_page(org_trainer.get(path), status=404)
    check_page(org_trainer.get(location), status=404)  # and the upload itself
    assert "east-1" not in text_of(org_trainer.get("/trainer/search?q=Eastshire"))
    assert "eastshire-bank" not in text_of(org_trainer.get("/trainer/"))


def test_a_service_test_never_draws_an_organisations_items(fx, org_trainer, users):
    """The service's fx-mock draws 4 knowledge items from framework fx: an organisation's items
    keyed to fx must never be among them, whoever starts it."""
    sign_in(org_trainer, "trainer@a.example")
    published(org_trainer, ("eastshire.yaml", bank_text(n=6)))
    sign_in(org_trainer, "candidate@a.example")
    for _ in range(5):
        org_trainer.post("/tests/fx-mock/start", data={"mode": "practice"})
        with fx.app_context():
            attempt = db.session.scalars(select(Attempt).order_by(Attempt.id.desc())).first()
            keys = {q.item_version.item.key for q in attempt.questions}
            assert not any(key.startswith("east-") for key in keys)
            attempt.ended_at = attempt.started_at
            db.session.commit()


def test_a_draft_is_never_drawn_and_is_published_with_its_changes(fx, org_trainer):
    sign_in(org_trainer, "trainer@a.example")
    location = upload(org_trainer, ("eastshire.yaml", bank_text()), ("check.yaml", ORG_TEST))
    page = org_trainer.get(location)
    check_page(page, title="Your bank files")
    text = text_of(page)
    assert "Draft" in text and "added item east-1" in text and "Publish these changes" in text
    with fx.app_context():  # nothing of the draft is in the content tables
        assert db.session.scalar(select(Item).where(Item.key == "east-1")) is None
        assert db.session.scalar(select(TestForm).where(TestForm.key == "eastshire-check")) is None
    preview = org_trainer.get(location + "/preview?seed=3")
    check_page(preview)
    assert "Eastshire question 1?" in text_of(preview)
    form = org_trainer.get(location + "/tests/eastshire-check/preview?seed=3")
    check_page(form)
    assert "Eastshire question 2?" in text_of(form)
    sign_in(org_trainer, "candidate@a.example")
    assert "Eastshire ASYE check" not in text_of(org_trainer.get("/tests/"))
    sign_in(org_trainer, "trainer@a.example")
    done = org_trainer.post(location + "/publish")
    assert done.status_code == 302
    after = text_of(org_trainer.get(location))
    assert "Published: 4 added" in after, after
    assert "Trainer" in after and "added bank eastshire-bank" in after
    with fx.app_context():
        row = db.session.scalar(select(WebUpload))
        assert row.status == "published" and row.published_by_id is not None
        bank = db.session.scalar(select(Bank).where(Bank.key == "eastshire-bank"))
        org_a = db.session.scalar(select(Organisation).where(Organisation.name == "Org A"))
        assert (bank.origin, bank.organisation_id) == ("web", org_a.id)


@pytest.mark.parametrize("rationale", ["'TODO: the source had no general feedback. Write why the correct answer is right.'",
                                       "Because CHANGE-ME."])
def test_an_item_with_a_placeholder_cannot_be_published(fx, org_trainer, rationale):
    sign_in(org_trainer, "trainer@a.example")
    location = upload(org_trainer, ("converted.yaml", bank_text(rationale=rationale)))
    text = text_of(org_trainer.get(location))
    assert "converted.yaml:5:1" in text and "item &#39;east-1&#39;" in text
    assert "Publish these changes" not in text
    refused = org_trainer.post(location + "/publish")
    check_page(refused)
    assert "Nothing was published" in text_of(refused)
    with fx.app_context():
        assert db.session.scalar(select(Item).where(Item.key == "east-1")) is None


def test_the_lint_command_reports_a_todo_rationale(fx, runner, tmp_path):
    path = tmp_path / "converted.yaml"
    path.write_text(bank_text(rationale="'TODO: write it'"))
    result = runner.invoke(args=["lint", str(FIXTURE_BANKS / "framework.yaml"), str(path)])
    assert "converted.yaml:5:1: warning: item 'east-1': the rationale still reads TODO" in result.output


def test_a_full_import_leaves_web_content_alone(fx, org_trainer, runner):
    sign_in(org_trainer, "trainer@a.example")
    published(org_trainer, ("eastshire.yaml", bank_text()), ("check.yaml", ORG_TEST))
    result = runner.invoke(args=["import", str(FIXTURE_BANKS)])
    assert result.exit_code == 0, result.output
    assert "east" not in result.output
    with fx.app_context():
        assert db.session.scalar(select(Bank).where(Bank.key == "eastshire-bank")).retired_at is None
        assert db.session.scalar(select(Item).where(Item.key == "east-1")).retired_at is None
        assert db.session.scalar(select(TestForm).where(TestForm.key == "eastshire-check")).retired_at is None


def test_an_upload_may_not_change_the_folders_content(fx, org_trainer):
    sign_in(org_trainer, "trainer@a.example")
    bank = (FIXTURE_BANKS / "bank.yaml").read_text().replace("stem: Single one?", "stem: Single one, edited?")
    text = text_of(org_trainer.get(upload(org_trainer, ("bank.yaml", bank))))
    assert "is already used by the question_banks/ folder" in text
    assert "Publish these changes" not in text


def test_upload_errors_never_name_the_servers_storage(fx, org_trainer):
    sign_in(org_trainer, "trainer@a.example")
    one = bank_text()
    two = one.replace("bank: eastshire-bank", "bank: eastshire-two")  # the same item ids again
    page = org_trainer.get(upload(org_trainer, ("first.yaml", one), ("second.yaml", two)))
    html = page.get_data(as_text=True)
    assert "first.yaml" in html and "second.yaml" in html and "east-1" in html
    for leak in (fx.instance_path, "bank-uploads", "/tmp", "quizapp-check", "your-upload/"):
        assert leak not in html


def test_a_trainer_downloads_what_they_uploaded(fx, org_trainer):
    sign_in(org_trainer, "trainer@a.example")
    location = published(org_trainer, ("Eastshire bank.yaml", bank_text()))
    response = org_trainer.get(location + "/files/1")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == bank_text()
    assert "Eastshire%20bank.yaml" in response.headers["Content-Disposition"]
    assert org_trainer.get(location + "/files/2").status_code == 404


def test_a_web_bank_is_retired_restored_and_deleted_while_never_answered(fx, org_trainer):
    sign_in(org_trainer, "trainer@a.example")
    published(org_trainer, ("eastshire.yaml", bank_text()), ("check.yaml", ORG_TEST))
    page = text_of(org_trainer.get("/trainer/banks/eastshire-bank"))
    assert "Retire this bank" in page and "Published from the browser" in page
    assert org_trainer.post("/trainer/banks/eastshire-bank/retire").status_code == 302
    with fx.app_context():
        assert db.session.scalar(select(Bank).where(Bank.key == "eastshire-bank")).retired_at is not None
    sign_in(org_trainer, "candidate@a.example")
    started = org_trainer.post("/tests/eastshire-check/start", data={"mode": "timed"})
    assert started.status_code == 302 and "/attempts/" not in started.headers["Location"]  # nothing to draw
    sign_in(org_trainer, "trainer@a.example")
    assert org_trainer.post("/trainer/banks/eastshire-bank/restore").status_code == 302
    sign_in(org_trainer, "candidate@a.example")
    assert "/attempts/" in org_trainer.post("/tests/eastshire-check/start", data={"mode": "timed"}).headers["Location"]
    sign_in(org_trainer, "trainer@a.example")
    confirm = org_trainer.get("/trainer/banks/eastshire-bank/delete")
    check_page(confirm, title="Delete Eastshire questions")
    assert "cannot be deleted: retire it instead" in text_of(confirm)
    assert org_trainer.post("/trainer/banks/eastshire-bank/delete").status_code == 400
    with fx.app_context():
        assert db.session.scalar(select(Bank).where(Bank.key == "eastshire-bank")) is not None


def test_a_never_answered_web_bank_is_deleted_after_confirming(fx, org_trainer):
    sign_in(org_trainer, "trainer@a.example")
    published(org_trainer, ("eastshire.yaml", bank_text()))
    confirm = org_trainer.get("/trainer/banks/eastshire-bank/delete")
    check_page(confirm, title="Delete Eastshire questions")
    with fx.app_context():
        assert db.session.scalar(select(Bank).where(Bank.key == "eastshire-bank")) is not None
    assert org_trainer.post("/trainer/banks/eastshire-bank/delete").status_code == 302
    with fx.app_context():
        assert db.session.scalar(select(Bank).where(Bank.key == "eastshire-bank")) is None
        assert db.session.scalar(select(Item).where(Item.key == "east-1")) is None


@pytest.mark.parametrize("who", ["trainer@b.example", "trainer@example.org"])
def test_only_the_owners_trainers_manage_a_web_bank(fx, org_trainer, who):
    sign_in(org_trainer, "trainer@a.example")
    published(org_trainer, ("eastshire.yaml", bank_text()))
    sign_in(org_trainer, who)
    for suffix in ("/retire", "/restore", "/delete"):
        assert org_trainer.post("/trainer/banks/eastshire-bank" + suffix).status_code == 404


def test_the_folders_banks_are_not_managed_in_the_browser(fx, org_trainer):
    sign_in(org_trainer, "trainer@example.org")
    assert "Retire this bank" not in text_of(org_trainer.get("/trainer/banks/fx-bank"))
    assert org_trainer.post("/trainer/banks/fx-bank/retire").status_code == 403


def test_upload_notes_and_warnings_name_the_trainers_files(fx, org_trainer):
    """The note that checks were skipped for a file that cannot be read, and a warning, name the
    files as the trainer named them."""
    sign_in(org_trainer, "trainer@a.example")
    broken = bank_text().replace("bank: eastshire-bank", "bank: eastshire-bank\n: nokey")
    warned = bank_text().replace("bank: eastshire-bank", "bank: eastshire-two").replace("east-", "west-")
    warned = warned.replace("title: ", "title: Eastshire #2 ", 1)
    html = org_trainer.get(upload(org_trainer, ("My draft.yaml", broken), ("Other.yaml", warned))).get_data(as_text=True)
    assert "because My draft.yaml could not be read" in html
    assert "Other.yaml:" in html and "&#39;#2" in html and "is left out" in html
    for leak in (fx.instance_path, "/tmp", "quizapp-check", "your-upload/", "000.yaml", "001.yaml"):
        assert leak not in html


def test_a_one_question_test_says_1_question(fx, org_trainer):
    """Found walking through as a candidate: a test of one question said "1 questions:"."""
    sign_in(org_trainer, "trainer@a.example")
    published(org_trainer, ("eastshire.yaml", bank_text()), ("check.yaml", ORG_TEST.replace("[east-1, east-2]", "[east-1]")))
    sign_in(org_trainer, "candidate@a.example")
    page = org_trainer.get("/tests/eastshire-check")
    check_page(page)
    text = text_of(page)
    assert "1 question:" in text and "1 questions" not in text
    assert "2 questions:" in text_of(org_trainer.get("/tests/fx-mock")) or "6 questions" in text_of(org_trainer.get("/tests/fx-mock"))
