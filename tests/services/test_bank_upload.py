"""Saving an upload as a draft: names kept as the trainer gave them, deduplicated, tokens
checked, owners honoured, unacceptable uploads refused with a message."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from quizapp.services import accounts, bank_upload, ownership
from quizapp.web.extensions import db

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def trainer(app, users):
    with app.app_context():
        yield accounts.find_user(db.session, users["trainer"]["email"])


def test_names_are_kept_without_folders_and_deduplicated(trainer):
    saved = bank_upload.save(db.session, trainer, None, [("../../etc/My bank.yaml", b"bank: x\n"),
                                                         ("My bank.yaml", b"bank: y\n"), ("My bank.yaml", b"z")], NOW)
    assert [f["name"] for f in saved.files] == ["My bank.yaml", "My bank-2.yaml", "My bank-3.yaml"]
    assert saved.files[0]["text"] == "bank: x\n" and saved.status == "draft"
    assert bank_upload.get(db.session, saved.token, ownership.scope_of(trainer)) is saved


@pytest.mark.parametrize("token", ["../../etc", "short", "x" * 100, "bad token with spaces!!!!!!!"])
def test_malformed_tokens_are_never_looked_up(trainer, token):
    assert bank_upload.get(db.session, token, ownership.scope_of(trainer)) is None


def test_another_owners_upload_is_not_found(trainer):
    saved = bank_upload.save(db.session, trainer, None, [("a.yaml", b"x")], NOW)
    other = ownership.Scope(everything=False, organisation_id=12345)
    assert bank_upload.get(db.session, saved.token, other) is None


@pytest.mark.parametrize(
    ("files", "message"),
    [([], "Choose one or more"),
     ([("a.txt", b"x")], "is not a YAML file"),
     ([("a.yaml", b"x" * (bank_upload.MAX_FILE_BYTES + 1))], "larger than 2 MiB"),
     ([("a.yaml", b"\xff\xfe")], "is not UTF-8 text"),
     ([(f"f{i}.yaml", b"x") for i in range(bank_upload.MAX_FILES + 1)], "at most 20 files")],
)
def test_unacceptable(trainer, files, message):
    with pytest.raises(bank_upload.UploadError, match=message):
        bank_upload.save(db.session, trainer, None, files, NOW)
