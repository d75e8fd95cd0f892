"""Importing banks: all-or-nothing, idempotent, versioned, retiring instead of deleting."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from quizapp.banks.validate import load_bank_set
from quizapp.web.extensions import db
from quizapp.services.importer import ImportRefused, import_bank_set
from quizapp.data.models import Attempt, AttemptQuestion, Item, ItemVersion, Scenario, TestForm

from tests.web.candidate.conftest import FIXTURE_BANKS


@pytest.fixture
def banks(tmp_path: Path) -> Path:
    target = tmp_path / "banks"
    shutil.copytree(FIXTURE_BANKS, target)
    return target


def run_import(app, paths, prune=False):
    with app.app_context():
        report = import_bank_set(db.session, load_bank_set(paths), prune=prune)
        db.session.commit()
        return report


def count(app, model, *where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_first_import_adds_everything(app, banks):
    report = run_import(app, [banks])
    assert "framework fx" in report.added and "bank fx-bank" in report.added and "test fx-mock" in report.added
    assert "item fx-s1" in report.added and "scenario fx-sc1" in report.added
    assert count(app, Item) == 6 and count(app, ItemVersion) == 6 and count(app, Scenario) == 1
    with app.app_context():
        test = db.session.scalar(select(TestForm))
        assert test.blueprint["item_count_text"] == "6"
        item = db.session.scalar(select(Item).where(Item.key == "fx-o1"))
        assert [s.code for s in item.current_version.statements] == ["A", "C"]


def test_unchanged_import_changes_nothing(app, banks):
    run_import(app, [banks])
    report = run_import(app, [banks])
    assert report.changes == 0
    assert report.summary().startswith("Nothing to import")
    assert count(app, ItemVersion) == 6


def test_edited_item_gets_a_new_version_and_old_attempts_keep_theirs(app, banks):
    run_import(app, [banks])
    with app.app_context():
        old = db.session.scalar(select(Item).where(Item.key == "fx-s1")).current_version_id
    edit(banks / "bank.yaml", "stem: Single one?", "stem: Single one, reworded?")
    report = run_import(app, [banks])
    assert report.changed == ["item fx-s1 (version 2)"]
    with app.app_context():
        item = db.session.scalar(select(Item).where(Item.key == "fx-s1"))
        assert item.current_version.number == 2 and item.current_version.stem == "Single one, reworded?"
        assert db.session.get(ItemVersion, old).stem == "Single one?"  # still there for past attempts
    # Going back to the old wording re-uses version 1.
    edit(banks / "bank.yaml", "stem: Single one, reworded?", "stem: Single one?")
    report = run_import(app, [banks])
    assert report.changed == ["item fx-s1 (back to version 1)"]
    assert count(app, ItemVersion) == 7


def test_changing_a_vignette_versions_its_items(app, banks):
    run_import(app, [banks])
    edit(banks / "bank.yaml", "A vignette about the Fixture family.", "A longer vignette about the Fixture family.")
    report = run_import(app, [banks])
    assert "scenario fx-sc1" in report.changed
    assert sorted(report.changed[1:]) == ["item fx-sc1-1 (version 2)", "item fx-sc1-2 (version 2)"]


def test_removed_item_is_retired_and_comes_back_restored(app, banks):
    run_import(app, [banks])
    original = (banks / "bank.yaml").read_text()
    start = original.index("  - id: fx-s2")
    end = original.index("  - id: fx-m1")
    (banks / "bank.yaml").write_text(original[:start] + original[end:])
    edit(banks / "test.yaml", "count: 4", "count: 3")
    report = run_import(app, [banks])
    assert report.retired == ["item fx-s2"]
    assert count(app, Item) == 6  # retired, not deleted
    assert count(app, Item, Item.retired_at.is_(None)) == 5
    (banks / "bank.yaml").write_text(original)
    report = run_import(app, [banks])
    assert report.restored == ["item fx-s2"]
    assert count(app, Item, Item.retired_at.is_(None)) == 6


def test_full_import_retires_a_removed_test(app, banks):
    run_import(app, [banks], prune=True)
    (banks / "test.yaml").unlink()
    report = run_import(app, [banks], prune=True)
    assert report.retired == ["test fx-mock"]
    assert count(app, TestForm, TestForm.retired_at.is_(None)) == 0


def test_partial_import_does_not_retire_what_it_does_not_mention(app, banks):
    run_import(app, [banks], prune=True)
    report = run_import(app, [banks / "framework.yaml", banks / "bank.yaml"], prune=False)
    assert report.changes == 0


def test_invalid_set_imports_nothing(app, banks):
    run_import(app, [banks])
    edit(banks / "bank.yaml", "stem: Single one?", "stem: Single one, edited?")
    edit(banks / "bank.yaml", "statements: [B]", "statements: [Z]")  # an error elsewhere in the set
    with app.app_context():
        bank_set = load_bank_set([banks])
        assert bank_set.problems
        with pytest.raises(ImportRefused):
            import_bank_set(db.session, bank_set)
        db.session.rollback()
    assert count(app, ItemVersion) == 6
    with app.app_context():
        assert db.session.scalar(select(Item).where(Item.key == "fx-s1")).current_version.stem == "Single one?"


def test_import_is_one_transaction(app, banks, monkeypatch):
    """A failure half-way (here: simulated in the tests step) leaves nothing behind."""
    import quizapp.services.importer as importer

    def boom(self):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer._Importer, "tests", boom)
    with app.app_context():
        with pytest.raises(RuntimeError):
            import_bank_set(db.session, load_bank_set([banks]))
        db.session.rollback()
    assert count(app, Item) == 0 and count(app, TestForm) == 0


def test_an_item_id_owned_by_another_bank_is_refused(app, banks, tmp_path):
    run_import(app, [banks])
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(banks / "framework.yaml", other / "framework.yaml")
    (other / "bank.yaml").write_text((banks / "bank.yaml").read_text().replace("bank: fx-bank", "bank: fx-other"))
    with app.app_context():
        with pytest.raises(ImportRefused) as refused:
            import_bank_set(db.session, load_bank_set([other]))
        db.session.rollback()
    assert "already belongs to bank 'fx-bank'" in refused.value.problems[0]


def test_past_attempt_keeps_the_version_it_showed(app, banks, client, auth):
    run_import(app, [banks])
    auth.as_role("candidate")
    client.post("/tests/fx-mock/start", data={"mode": "timed"})
    with app.app_context():
        shown = {q.item_version.item.key: q.item_version_id for q in db.session.scalars(select(AttemptQuestion))}
    edit(banks / "bank.yaml", "S1 right because.", "S1 right as explained better.")
    run_import(app, [banks])
    with app.app_context():
        attempt = db.session.scalar(select(Attempt))
        now_shown = {q.item_version.item.key: q.item_version_id for q in attempt.questions}
        assert now_shown == shown
        assert db.session.scalar(select(Item).where(Item.key == "fx-s1")).current_version_id != shown.get("fx-s1", -1)


def test_shipped_banks_import_cleanly(app, runner):
    result = runner.invoke(args=["import"])
    assert result.exit_code == 0, result.output
    assert "added test practitioner-example-mock" in result.output
    again = runner.invoke(args=["import"])
    assert "Nothing to import" in again.output


def test_a_scenario_draw_counts_the_scenarios_keyed_to_its_framework_through_also_keyed():
    """The question count a test shows (and a form is checked against) includes the scenarios of
    other frameworks' banks whose items are all also keyed to the test's framework, as a draw
    takes them; the early career diagnostic drew a 12-question practitioner case study."""
    from quizapp.banks.model import Draw
    from quizapp.services.importer import _item_count_range
    from tests.banks.builders import bank_set, blueprint, item, scenario

    keyed = [item(f"k{n}", section="reasoning", stem=f"Step {n}?") for n in range(3)]
    for it in keyed:
        it.also_keyed = {"other": ("X",)}
    half = [item(f"h{n}", section="reasoning", stem=f"Next {n}?") for n in range(5)]
    half[0].also_keyed = {"other": ("X",)}
    bs = bank_set(scenarios=[scenario("sc1", keyed), scenario("sc2", half)])
    assert _item_count_range(bs, blueprint("t", ("reasoning", Draw("scenarios", 1)), framework="other")) == (3, 3)
    assert _item_count_range(bs, blueprint("t", ("reasoning", Draw("scenarios", 1)))) == (3, 5)
