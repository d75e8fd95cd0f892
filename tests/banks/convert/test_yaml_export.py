"""A bank written back as a bank file (quizapp/banks/convert/yaml_export.py) reads back, through
the validator, as the same bank: every shipped bank, item by item."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from quizapp.banks.convert.yaml_export import bank_yaml
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
