"""Uploading bank files: kept as a draft, checked with the banks folder, what publishing would
change previewed, then published all or nothing (tests/trainer/test_org_content.py has ownership
and placeholders)."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from quizapp.web.extensions import db
from quizapp.data.models import Item

from tests.web.candidate.conftest import FIXTURE_BANKS
from tests.helpers import check_page, text_of

BANK = (FIXTURE_BANKS / "bank.yaml").read_text()
NEW_BANK = """bank: fx-extra
framework: fx
title: Extra fixture bank
items:
  - id: fx-x1
    type: single
    section: knowledge
    statements: [A]
    stem: An extra question?
    options:
      - {text: Right, correct: true}
      - {text: Wrong}
    rationale: Because.
"""


@pytest.fixture
def trainer(fx, auth, users):
    fx.config["BANKS_PATH"] = str(FIXTURE_BANKS)
    auth.as_role("trainer")
    return auth.client


def upload(client, *files: tuple[str, str]):
    data = {"files": [(io.BytesIO(text.encode()), name) for name, text in files]}
    return client.post("/trainer/upload", data=data, content_type="multipart/form-data")


def test_the_upload_page_says_how_files_are_checked(trainer):
    response = trainer.get("/trainer/upload")
    check_page(response, title="Upload bank files")
    assert "checked together with the banks folder" in text_of(response)
    assert "kept as a draft" in text_of(response)


def test_a_changed_web_bank_is_previewed_then_published(fx, trainer):
    first = upload(trainer, ("extra.yaml", NEW_BANK)).headers["Location"]
    assert trainer.post(first + "/publish").status_code == 302
    edited = NEW_BANK.replace("stem: An extra question?", "stem: An extra question, edited?")
    response = upload(trainer, ("extra.yaml", edited))
    assert response.status_code == 302
    result = trainer.get(response.headers["Location"])
    check_page(result, title="Your bank files")
    text = text_of(result)
    assert "What publishing would change changed item fx-x1 (version 2)" in text
    assert "0 added, 1 changed, 0 restored, 0 retired" in text
    with fx.app_context():  # the preview changed nothing
        assert db.session.scalar(select(Item).where(Item.key == "fx-x1")).current_version.number == 1
    done = trainer.post(response.headers["Location"] + "/publish")
    assert done.status_code == 302 and done.headers["Location"].endswith(response.headers["Location"])
    assert "Published: 0 added, 1 changed" in text_of(trainer.get(done.headers["Location"]))
    with fx.app_context():
        assert db.session.scalar(select(Item).where(Item.key == "fx-x1")).current_version.number == 2
    assert trainer.post(response.headers["Location"] + "/publish").status_code == 200  # published once only


def test_a_new_bank_refers_to_the_folders_framework(fx, trainer):
    response = upload(trainer, ("extra.yml", NEW_BANK))
    text = text_of(trainer.get(response.headers["Location"]))
    assert "added bank fx-extra" in text and "added item fx-x1" in text
    assert "in place of" not in text
    trainer.post(response.headers["Location"] + "/publish")
    with fx.app_context():
        assert db.session.scalar(select(Item).where(Item.key == "fx-x1")) is not None


def test_unchanged_files_import_nothing(trainer):
    trainer.post(upload(trainer, ("extra.yaml", NEW_BANK)).headers["Location"] + "/publish")
    response = upload(trainer, ("extra.yaml", NEW_BANK))
    text = text_of(trainer.get(response.headers["Location"]))
    assert "Nothing to import: the database already matches these files." in text
    assert "Publish these changes" not in text


def test_problems_are_listed_with_their_lines(fx, trainer):
    broken = NEW_BANK.replace("    stem: An extra question?\n", "    stem: An extra question?\n    optoins: []\n")
    response = upload(trainer, ("extra.yaml", broken))
    result = trainer.get(response.headers["Location"])
    check_page(result)
    text = text_of(result)
    html = result.get_data(as_text=True)
    assert "extra.yaml:10:5" in text
    assert "unknown key &#39;optoins&#39; in item" in text
    assert "   10 &gt;     optoins: []" in html or "   10 >     optoins: []" in html
    assert "    9       stem: An extra question?" in html
    assert "Publish these changes" not in text
    refused = trainer.post(response.headers["Location"] + "/publish")
    check_page(refused)
    assert "Nothing was published" in text_of(refused)
    with fx.app_context():
        assert db.session.scalar(select(Item).where(Item.key == "fx-x1")) is None


def test_a_problem_the_upload_causes_in_the_folder(trainer):
    start, end = BANK.index("  - id: fx-o1"), BANK.index("scenarios:")
    response = upload(trainer, ("bank.yaml", BANK[:start] + BANK[end:]))
    text = text_of(trainer.get(response.headers["Location"]))
    assert "section &#39;knowledge&#39; draws 4 items but only 3" in text
    assert "banks/test.yaml" in text and "not in this upload" in text


@pytest.mark.parametrize(
    ("files", "message"),
    [([], "Choose one or more YAML files to upload"), ([("notes.txt", "hello")], "'notes.txt' is not a YAML file")],
)
def test_unacceptable_uploads(trainer, files, message):
    response = upload(trainer, *files)
    page = check_page(response, status=400)
    assert message.replace("'", "&#39;") in text_of(response)
    assert page.error_links == ["files"]


def test_the_request_size_is_limited(fx, trainer):
    fx.config["MAX_CONTENT_LENGTH"] = 1000
    response = upload(trainer, ("big.yaml", "# " + "x" * 2000))
    assert response.status_code == 413


def test_only_the_owners_trainers_can_use_a_token(fx, trainer, auth):
    location = upload(trainer, ("extra.yaml", NEW_BANK)).headers["Location"]
    auth.sign_out()
    auth.as_role("candidate")
    assert trainer.get(location).status_code == 403
    assert trainer.post(location + "/publish").status_code == 403


def test_a_draft_is_kept_until_discarded(fx, trainer, clock):
    location = upload(trainer, ("extra.yaml", NEW_BANK)).headers["Location"]
    clock.advance(hours=30)
    check_page(trainer.get(location))
    assert "extra.yaml" in text_of(trainer.get("/trainer/upload"))
    assert trainer.post(location + "/discard").status_code == 302
    text = text_of(trainer.get(location))
    assert "Discarded" in text and "Publish these changes" not in text
    assert trainer.post(location + "/publish").status_code == 200
    with fx.app_context():
        assert db.session.scalar(select(Item).where(Item.key == "fx-x1")) is None


def test_two_files_with_one_name_are_both_kept(trainer):
    other = NEW_BANK.replace("fx-extra", "fx-extra-2").replace("fx-x1", "fx-x2")
    text = text_of(trainer.get(upload(trainer, ("extra.yaml", NEW_BANK), ("extra.yaml", other)).headers["Location"]))
    assert "extra.yaml" in text and "extra-2.yaml" in text and "added item fx-x2" in text
