"""The upload store: names made safe, tokens checked, owners and expiry honoured."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from quizapp.services import bank_upload

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path):
    return bank_upload.UploadStore(tmp_path / "uploads")


def test_save_and_get(store):
    saved = store.save(7, [("../../etc/bank.yaml", b"bank: x\n"), ("bank.yaml", b"bank: y\n")], NOW)
    assert saved.files == ["etc_bank.yaml", "bank.yaml"]  # no way out of the upload's folder
    assert all(path.parent == saved.directory for path in saved.paths)
    again = store.get(saved.token, 7, NOW + timedelta(minutes=5))
    assert again is not None and again.files == saved.files
    assert [p.read_bytes() for p in again.paths] == [b"bank: x\n", b"bank: y\n"]


def test_names_are_deduplicated(store):
    assert store.save(1, [("bank.yaml", b"x"), ("bank.yaml", b"y"), ("bank.yaml", b"z")], NOW).files == [
        "bank.yaml", "bank-2.yaml", "bank-3.yaml"]


def test_nothing_uploaded(store):
    with pytest.raises(bank_upload.UploadError, match="Choose one or more"):
        store.save(1, [], NOW)


@pytest.mark.parametrize("token", ["../../etc", "short", "x" * 100, "bad token with spaces!!!!!!!"])
def test_malformed_tokens_are_never_looked_up(store, token):
    assert store.get(token, 1, NOW) is None


def test_only_the_owner_and_only_until_it_expires(store):
    saved = store.save(7, [("a.yaml", b"x")], NOW)
    assert store.get(saved.token, 8, NOW) is None
    assert store.get(saved.token, 7, NOW + bank_upload.UPLOAD_LIFETIME) is not None
    assert store.get(saved.token, 7, NOW + bank_upload.UPLOAD_LIFETIME + timedelta(seconds=1)) is None


def test_expired_uploads_are_purged_by_the_next_upload(store):
    old = store.save(7, [("a.yaml", b"x")], NOW)
    store.save(7, [("b.yaml", b"y")], NOW + timedelta(hours=3))
    assert not old.directory.exists()


@pytest.mark.parametrize(
    ("files", "message"),
    [([("a.txt", b"x")], "is not a YAML file"),
     ([("a.yaml", b"x" * (bank_upload.MAX_FILE_BYTES + 1))], "larger than 2 MiB"),
     ([(f"f{i}.yaml", b"x") for i in range(bank_upload.MAX_FILES + 1)], "at most 20 files")],
)
def test_unacceptable(store, files, message):
    with pytest.raises(bank_upload.UploadError, match=message):
        store.save(1, files, NOW)
