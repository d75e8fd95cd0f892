"""A bank written back as a bank file (quizapp/banks/convert/yaml_export.py) reads back, through
the validator, as the same bank: every shipped bank, item by item; and a test blueprint written
back as a test file (blueprint_yaml) as the same test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from quizapp.banks.convert.yaml_export import bank_yaml, blueprint_yaml
from quizapp.banks.validate import load_bank_set

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = load_bank_set([ROOT / "question_banks"])


def _fields(item):
    return (item.key, item.type, item.section, item.statements, item.stem, item.options, item.rationale,
            item.scoring, item.difficulty, item.references, item.scenario, item.also_keyed)


@pytest.mark.parametrize("key", sorted(SHIPPED.banks))
def test_every_shipped_bank_reads_back_the_same(key, tmp_path):
    bank = SHIPPED.banks[key]
    shutil.copytree(ROOT / "question_banks" / "frameworks", tmp_path / "frameworks")
    (tmp_path / f"{key}.yaml").write_text(bank_yaml(bank, heading=["Downloaded from quizapp."]), encoding="utf-8")
    again = load_bank_set([tmp_path])
    assert again.problems == [] and again.warnings == []
    back = again.banks[key]
    assert (back.framework, back.title, back.description) == (bank.framework, bank.title, bank.description)
    assert [_fields(i) for i in back.all_items()] == [_fields(i) for i in bank.all_items()]
    assert [(s.key, s.title, s.text) for s in back.scenarios] == [(s.key, s.title, s.text) for s in bank.scenarios]


@pytest.mark.parametrize("key", sorted(SHIPPED.tests))
def test_every_shipped_test_reads_back_the_same(key, tmp_path):
    """Issue 17: a test blueprint written back as a test file is the same test (its content hash
    covers title, framework, description, timing, pass mark, sections, draws, shuffling, bands)."""
    test = SHIPPED.tests[key]
    shutil.copytree(ROOT / "question_banks", tmp_path / "banks", ignore=shutil.ignore_patterns("tests"))
    (tmp_path / "banks" / f"{key}.yaml").write_text(blueprint_yaml(test, heading=["Downloaded."]), encoding="utf-8")
    again = load_bank_set([tmp_path / "banks"])
    assert again.problems == [], again.problems
    assert again.tests[key].content_hash() == test.content_hash()


def test_a_test_file_writes_only_what_differs_from_the_defaults():
    from quizapp.banks import model as bm

    test = bm.TestBlueprint(
        key="t", title="T", framework="fx", time_limit_minutes=7.5, pass_mark_percent=60,
        sections=[bm.Section("knowledge", bm.Draw("count", 4), framework="fx"),
                  bm.Section("reasoning", bm.Draw("items", items=("a", "b")), framework="other", title="Part 2")],
        shuffle_options=False, bands=(bm.Band(80, "Ready"), bm.Band(0, "Not yet")))
    text = blueprint_yaml(test)
    assert "time_limit_minutes: 7.5\npass_mark_percent: 60\n" in text
    assert "draw:\n    count: 4" in text and "framework: other" in text and "framework: fx" not in text.split("sections:")[1]
    assert "shuffle_options: false" in text and "label: Ready" in text
    default = bm.TestBlueprint(key="t", title="T", framework="fx", time_limit_minutes=60, pass_mark_percent=60,
                               sections=[bm.Section("knowledge", bm.Draw("count", 4), framework="fx")])
    assert "shuffle_options" not in blueprint_yaml(default) and "bands" not in blueprint_yaml(default)


def test_also_keyed_reads_back(tmp_path):
    fixtures = ROOT / "tests" / "fixtures"
    shutil.copy(fixtures / "grouped_banks" / "framework.yaml", tmp_path / "grouped.yaml")
    shutil.copy(fixtures / "banks" / "framework.yaml", tmp_path / "framework.yaml")
    text = (fixtures / "banks" / "bank.yaml").read_text(encoding="utf-8")
    (tmp_path / "bank.yaml").write_text(text.replace(
        "    statements: [A]\n", "    statements: [A]\n    also_keyed: {fx-grouped: [G2.1, G1.1]}\n", 1))
    bank = load_bank_set([tmp_path]).banks["fx-bank"]
    assert bank.items[0].also_keyed == {"fx-grouped": ("G2.1", "G1.1")}
    (tmp_path / "bank.yaml").write_text(bank_yaml(bank), encoding="utf-8")
    again = load_bank_set([tmp_path])
    assert again.problems == []
    assert [_fields(i) for i in again.banks["fx-bank"].all_items()] == [_fields(i) for i in bank.all_items()]
