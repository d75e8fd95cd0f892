"""The JSON Schema (docs/bank-format.schema.json) and `quizapp validate` agree on every rule
that one file can be checked against: the same set of broken files is fed to both, and both
refuse each; a few files near the edges are accepted by both.

The schema sees a file as an editor's YAML language server does (YAML 1.2: only true and false
are booleans, so `correct: yes` is the text 'yes'); the validator reads the file as written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from quizapp.banks.validate import load_bank_set

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "docs" / "bank-format.schema.json").read_text(encoding="utf-8"))

FRAMEWORK = """\
framework: fw
title: Framework
level: practitioner
statements:
  - code: P1
    title: Relationships
    summary: Our words.
    resources:
      - title: KSS
        url: https://www.gov.uk/kss
"""
BANK = """\
bank: bank
framework: fw
title: Bank
items:
  - id: i-001
    type: single
    section: knowledge
    statements: [P1]
    difficulty: 2
    stem: What is asked?
    options:
      - text: Right
        correct: true
        feedback: Yes.
      - text: Wrong
    rationale: Because.
"""
TEST = """\
test: mock
title: Mock
framework: fw
time_limit_minutes: 30
pass_mark_percent: 60
sections:
  - section: knowledge
    draw:
      count: 1
"""
BASE = {"framework.yaml": FRAMEWORK, "bank.yaml": BANK, "test.yaml": TEST}


class _Yaml12Loader(yaml.SafeLoader):
    """YAML 1.2's booleans (true/false only), as editors' YAML language servers read files."""


_Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:bool", __import__("re").compile(
    r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def schema_errors(text: str) -> list[str]:
    document = yaml.load(text, Loader=_Yaml12Loader)  # noqa: S506 - a safe loader
    validator = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [error.message for error in validator.iter_errors(document)]


def validator_problems(tmp_path: Path, name: str, text: str) -> list[str]:
    for file, body in {**BASE, name: text}.items():
        (tmp_path / file).write_text(body, encoding="utf-8")
    bank_set = load_bank_set([tmp_path], base=tmp_path)
    return [str(p) for p in bank_set.problems if p.file == name]


def change(name: str, old: str, new: str) -> tuple[str, str]:
    text = BASE[name]
    assert old in text, old
    return name, text.replace(old, new, 1)


BROKEN = {
    "empty-stem": change("bank.yaml", "stem: What is asked?", 'stem: ""'),
    "blank-stem": change("bank.yaml", "stem: What is asked?", 'stem: "   "'),
    "stem-left-empty": change("bank.yaml", "stem: What is asked?", "stem:"),
    "empty-option-text": change("bank.yaml", "text: Wrong", 'text: ""'),
    "correct-yes": change("bank.yaml", "correct: true", "correct: yes"),
    "correct-on": change("bank.yaml", "correct: true", "correct: on"),
    "correct-text": change("bank.yaml", "correct: true", "correct: right"),
    "numeric-item-id": change("bank.yaml", "id: i-001", "id: 123"),
    "bare-number-bank-id": change("bank.yaml", "bank: bank", "bank: 2024"),
    "bare-number-code": change("framework.yaml", "code: P1", "code: 1.10"),
    "bad-id": change("bank.yaml", "id: i-001", "id: -x"),
    "difficulty-4": change("bank.yaml", "difficulty: 2", "difficulty: 4"),
    "difficulty-2.5": change("bank.yaml", "difficulty: 2", "difficulty: 2.5"),
    "difficulty-text": change("bank.yaml", "difficulty: 2", "difficulty: hard"),
    "unknown-key": change("bank.yaml", "rationale: Because.", "rationale: Because.\n    explanation: x"),
    "missing-rationale": change("bank.yaml", "    rationale: Because.\n", ""),
    "unknown-type": change("bank.yaml", "type: single", "type: singel"),
    "unknown-section": change("bank.yaml", "section: knowledge", "section: skills"),
    "two-correct-single": change("bank.yaml", "      - text: Wrong", "      - text: Wrong\n        correct: true"),
    "no-correct-single": change("bank.yaml", "        correct: true\n", ""),
    "partial-single": change("bank.yaml", "rationale: Because.", "rationale: Because.\n    scoring: partial"),
    "raw-html": change("bank.yaml", "stem: What is asked?", "stem: What is <b>asked</b>?"),
    "options-not-a-list": change("bank.yaml", "    options:\n      - text: Right\n        correct: true\n"
                                              "        feedback: Yes.\n      - text: Wrong\n", "    options: Right\n"),
    "no-items": change("bank.yaml", "items:", "items: []\nx:"),
    "statements-empty": change("bank.yaml", "statements: [P1]", "statements: []"),
    "level-not-a-slug": change("framework.yaml", "level: practitioner", "level: Practice Leader"),
    "url-not-http": change("framework.yaml", "url: https://www.gov.uk/kss", "url: www.gov.uk/kss"),
    "pass-mark-150": change("test.yaml", "pass_mark_percent: 60", "pass_mark_percent: 150"),
    "time-limit-0": change("test.yaml", "time_limit_minutes: 30", "time_limit_minutes: 0"),
    "time-limit-text": change("test.yaml", "time_limit_minutes: 30", "time_limit_minutes: half an hour"),
    "draw-two-kinds": change("test.yaml", "      count: 1", "      count: 1\n      scenarios: 1"),
    "draw-count-0": change("test.yaml", "      count: 1", "      count: 0"),
    "also-keyed-a-list": change("bank.yaml", "statements: [P1]", "statements: [P1]\n    also_keyed: [fw2]"),
    "also-keyed-empty": change("bank.yaml", "statements: [P1]", "statements: [P1]\n    also_keyed: {}"),
    "also-keyed-left-empty": change("bank.yaml", "statements: [P1]", "statements: [P1]\n    also_keyed:"),
    "also-keyed-no-codes": change("bank.yaml", "statements: [P1]", "statements: [P1]\n    also_keyed: {fw2: []}"),
    "also-keyed-code-twice": change("bank.yaml", "statements: [P1]",
                                    "statements: [P1]\n    also_keyed: {fw2: [Q1, Q1]}"),
    "also-keyed-one-code": change("bank.yaml", "statements: [P1]", "statements: [P1]\n    also_keyed: {fw2: Q1}"),
    "also-keyed-bare-number": change("bank.yaml", "statements: [P1]",
                                     "statements: [P1]\n    also_keyed: {fw2: [1.10]}"),
    "no-sections": change("test.yaml", "sections:\n  - section: knowledge\n    draw:\n      count: 1\n", "sections: []\n"),
}


@pytest.mark.parametrize(("name", "text"), list(BROKEN.values()), ids=list(BROKEN))
def test_schema_and_validator_both_refuse(tmp_path: Path, name: str, text: str) -> None:
    assert validator_problems(tmp_path, name, text), f"quizapp validate accepts {name}:\n{text}"
    assert schema_errors(text), f"the schema accepts {name}:\n{text}"


ACCEPTED = {
    "difficulty-2.0": change("bank.yaml", "difficulty: 2", "difficulty: 2.0"),
    "text-that-is-a-number": change("bank.yaml", "text: Wrong", "text: 1989"),
    "quoted-numeric-id": change("bank.yaml", "id: i-001", "id: '123'"),
    "correct-false": change("bank.yaml", "      - text: Wrong", "      - text: Wrong\n        correct: false"),
}


@pytest.mark.parametrize(("name", "text"), list(ACCEPTED.values()), ids=list(ACCEPTED))
def test_schema_and_validator_both_accept(tmp_path: Path, name: str, text: str) -> None:
    assert validator_problems(tmp_path, name, text) == []
    assert schema_errors(text) == []


def test_the_base_files_are_valid(tmp_path: Path) -> None:
    for name, text in BASE.items():
        assert validator_problems(tmp_path, name, text) == [] and schema_errors(text) == []
