"""Importing items keyed to other frameworks (`also_keyed`): their statements of every framework
are stored with the version, and changing what an item is also keyed to makes a new version, as
any other change to what it counts towards does."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from quizapp.banks.validate import load_bank_set
from quizapp.data.models import Bank, Item
from quizapp.services.content_export import bank_file
from quizapp.web.extensions import db
from tests.services.test_importer import edit, run_import
from tests.web.candidate.conftest import FIXTURE_BANKS

GROUPED_FRAMEWORK = Path(__file__).resolve().parents[1] / "fixtures" / "grouped_banks" / "framework.yaml"
KEYED = "    statements: [A]\n    also_keyed: {fx-grouped: [G1.1, G2.1]}\n    stem: Single one?"


@pytest.fixture
def banks(tmp_path: Path) -> Path:
    target = tmp_path / "banks"
    shutil.copytree(FIXTURE_BANKS, target)
    shutil.copy(GROUPED_FRAMEWORK, target / "grouped.yaml")
    edit(target / "bank.yaml", "    statements: [A]\n    stem: Single one?", KEYED)
    return target


def keyed(app, key: str = "fx-s1") -> tuple[int, list[tuple[str, str]]]:
    with app.app_context():
        version = db.session.scalar(select(Item).where(Item.key == key)).current_version
        return version.number, sorted((s.framework.key, s.code) for s in version.statements)


def test_statements_of_every_framework_are_stored(app, banks) -> None:
    report = run_import(app, [banks])
    assert "item fx-s1" in report.added
    assert keyed(app) == (1, [("fx", "A"), ("fx-grouped", "G1.1"), ("fx-grouped", "G2.1")])
    assert keyed(app, "fx-s2") == (1, [("fx", "B")])
    assert not run_import(app, [banks]).changes  # the same files again: nothing written


def test_changing_also_keyed_is_a_new_version_and_going_back_reuses_the_old(app, banks) -> None:
    run_import(app, [banks])
    edit(banks / "bank.yaml", "[G1.1, G2.1]", "[G1.2]")
    assert run_import(app, [banks]).changed == ["item fx-s1 (version 2)"]
    assert keyed(app) == (2, [("fx", "A"), ("fx-grouped", "G1.2")])
    edit(banks / "bank.yaml", "[G1.2]", "[G1.1, G2.1]")
    assert run_import(app, [banks]).changed == ["item fx-s1 (back to version 1)"]
    edit(banks / "bank.yaml", KEYED, "    statements: [A]\n    stem: Single one?")
    assert run_import(app, [banks]).changed == ["item fx-s1 (version 3)"]
    assert keyed(app) == (3, [("fx", "A")])


def test_the_downloaded_bank_file_keeps_also_keyed(app, banks, tmp_path: Path) -> None:
    run_import(app, [banks])
    with app.app_context():
        text = bank_file(db.session, db.session.scalar(select(Bank).where(Bank.key == "fx-bank")))
    (banks / "bank.yaml").write_text(text, encoding="utf-8")
    item = next(i for i in load_bank_set([banks]).items() if i.key == "fx-s1")
    assert (item.statements, item.also_keyed) == (("A",), {"fx-grouped": ("G1.1", "G2.1")})
    assert not run_import(app, [banks]).changes  # the download imports back as it was
