"""One source for the bank format: the tables in quizapp/banks/bank_format.py, the validator that
reads them and the JSON Schema written from them (docs/bank-format.schema.json) cannot drift.

- The committed schema is exactly what the tables give (``make schema`` rewrites it).
- For every key of every part of a file, a consistent set of files is broken in that one
  place (key removed, left empty, value of the wrong type or out of range, duplicates in a
  list, an unknown key beside it), and ``quizapp validate`` and the schema must agree on whether the
  broken file is valid.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from quizapp.banks import schema as schema_mod
from quizapp.banks.bank_format import BY_NAME, FILES, SHAPES, TYPES, Key, written_number
from quizapp.banks.model import DRAW_KINDS
from quizapp.banks.validate import load_bank_set
from quizapp.domain import question_types


def test_committed_schema_is_what_the_tables_give() -> None:
    committed = schema_mod.SCHEMA_PATH.read_text(encoding="utf-8")
    assert committed == schema_mod.render(schema_mod.bank_format_schema()), (
        "docs/bank-format.schema.json differs from quizapp/banks/bank_format.py: run make schema")


def test_schema_check_command_fails_on_a_stale_file(tmp_path: Path, capsys) -> None:
    stale = tmp_path / "schema.json"
    stale.write_text("{}\n", encoding="utf-8")
    assert schema_mod.main([str(stale), "--check"]) == 1
    assert "run make schema" in capsys.readouterr().out
    assert schema_mod.main([str(stale)]) == 0
    assert schema_mod.main([str(stale), "--check"]) == 0


def test_help_text_says_required_exactly_when_the_key_is_required() -> None:
    wrong = [f"{shape.name}.{key.name}" for shape in SHAPES if shape.name != "draw"
             for key in shape.keys if key.doc.startswith("Required") != key.required]
    assert not wrong


def test_tables_name_what_the_rest_of_the_code_knows() -> None:
    assert [key.name for key in BY_NAME["draw"].keys] == list(DRAW_KINDS)
    assert BY_NAME["item"]["type"].choices == tuple(question_types.names())
    assert set(schema_mod.QUESTION_TYPE_RULES) == set(question_types.names())
    for shape in SHAPES:
        for key in shape.keys:
            entries = set(BY_NAME) | (set(TYPES) - {"list", "mapping"} if key.type == "list" else set())
            assert (key.of in entries) if key.type in ("list", "mapping") else key.of is None, (shape.name, key.name)


# --- the validator and the schema agree, key by key --------------------------------------

FRAMEWORK = {
    "framework": "fw-demo", "title": "Demo framework", "level": "practitioner",
    "statements": [
        {"code": "D1", "title": "First", "summary": "What to know.",
         "resources": [{"title": "Children Act 1989", "url": "https://www.legislation.gov.uk/ukpga/1989/41"}]},
        {"code": "D2", "title": "Second", "summary": "What else to know."},
    ],
}


GROUPED = {
    "framework": "fw-grouped", "title": "Grouped framework", "level": "practitioner",
    "description": "Statements under standards.", "effective_from": "2027-04-01",
    "superseded_on": "2030-04-01", "replaces": "fw-demo", "source_note": "Titles checked.",
    "standards": [
        {"code": "G1", "title": "First standard", "summary": "About it.", "unconfirmed": "Order.",
         "statements": [{"code": "G1.1", "title": "An outcome", "summary": "What to do.",
                         "unconfirmed": "Wording.",
                         "resources": [{"title": "Equality Act 2010",
                                        "url": "https://www.legislation.gov.uk/ukpga/2010/15"}]}]},
    ],
}


WALK = {
    "crosswalk": "walk-demo", "title": "Demo to grouped", "from": "fw-demo", "to": "fw-grouped",
    "description": "For tests.", "links": [{"from": "D1", "to": "G1.1", "reason": "They overlap."}],
}


def _item(key: str, section: str) -> dict[str, Any]:
    return {
        "id": key, "type": "single", "section": section, "statements": ["D1", "D2"],
        "also_keyed": {"fw-grouped": ["G1.1"]}, "difficulty": 2,
        "stem": "Which is right?",
        "options": [{"text": "This one", "correct": True, "feedback": "Yes."},
                    {"text": "That one", "feedback": "No."}, {"text": "Neither", "correct": False}],
        "scoring": "all-or-nothing", "rationale": "Because.", "references": ["Children Act 1989, s.47"],
    }


BANK = {
    "bank": "bank-demo", "framework": "fw-demo", "title": "Demo bank", "description": "For tests.",
    "items": [_item("k-1", "knowledge"), _item("k-2", "knowledge")],
    "scenarios": [{"id": "sc-1", "title": "A family", "text": "A vignette.",
                   "items": [_item("r-1", "reasoning")]}],
}

TEST = {
    "test": "test-demo", "title": "Demo test", "framework": "fw-demo", "description": "A mock.",
    "time_limit_minutes": 20, "pass_mark_percent": 60, "shuffle_options": False,
    "sections": [{"section": "knowledge", "title": "Part 1", "framework": "fw-demo", "draw": {"count": 1}},
                 {"section": "reasoning", "draw": {"scenarios": 1}}],
    "bands": [{"min_percent": 70, "label": "Secure"}, {"min_percent": 0, "label": "Developing"}],
}

FIXED = {"test": "test-fixed", "title": "Fixed", "framework": "fw-demo", "time_limit_minutes": 5,
         "pass_mark_percent": 50, "sections": [{"section": "knowledge", "draw": {"items": ["k-1", "k-2"]}}]}

FILE_SET = {"framework.yaml": FRAMEWORK, "bank.yaml": BANK, "test.yaml": TEST, "fixed.yaml": FIXED,
            "grouped.yaml": GROUPED, "walk.yaml": WALK}

WHERE = [  # (file, path to a part, the shape of that part)
    ("framework.yaml", (), "framework"), ("framework.yaml", ("statements", 0), "statement"),
    ("framework.yaml", ("statements", 0, "resources", 0), "resource"),
    ("grouped.yaml", (), "framework"), ("grouped.yaml", ("standards", 0), "standard"),
    ("grouped.yaml", ("standards", 0, "statements", 0), "statement"),
    ("walk.yaml", (), "crosswalk"), ("walk.yaml", ("links", 0), "link"),
    ("bank.yaml", (), "bank"), ("bank.yaml", ("items", 0), "item"),
    ("bank.yaml", ("items", 0, "options", 0), "option"), ("bank.yaml", ("scenarios", 0), "scenario"),
    ("test.yaml", (), "test"), ("test.yaml", ("sections", 0), "section"),
    ("test.yaml", ("sections", 0, "draw"), "draw"), ("test.yaml", ("sections", 1, "draw"), "draw"),
    ("test.yaml", ("bands", 0), "band"), ("fixed.yaml", ("sections", 0, "draw"), "draw"),
]


def _probes(key: Key, value: Any) -> list[tuple[str, Any]]:
    """Values that break ``key``'s declaration, and empty ones (an empty optional value counts
    as not given, so the two must agree on those too)."""
    by_type: dict[str, list[Any]] = {
        "id": ["-starts-with-a-dash", ["a-list"]], "code": ["D 1", {"a": "mapping"}],
        "markdown": ["Has <b>raw HTML</b>", "   ", ["a-list"]], "slug": ["Not A Slug", ["a-list"]],
        "url": ["ftp://example.org/x", "not a web address"], "choice": ["nonsense", ["a-list"]],
        "integer": ["two", 2.5], "number": ["sixty", [60]], "boolean": ["yes", 1],
        "date": ["1 April 2027", "2027-02-30", "2027-13-01", 20270401],
        "list": ["not a list", {"a": "mapping"}], "mapping": ["not a mapping", ["a-list"]],
        "keying": ["not a mapping", ["fw-grouped"], {}, {"fw-grouped": []}, {"fw-grouped": None},
                   {"fw-grouped": "G1.1"}, {"fw-grouped": ["G1.1", "G1.1"]}, {"fw-grouped": ["G 1"]},
                   {"-fw": ["G1.1"]}, {"fw-grouped": [{"a": "mapping"}]}],
    }
    wrong = [(f"{key.type} {bad!r}", bad) for bad in by_type[key.type]] + [("empty", None)]
    if key.low is not None:
        wrong.append(("below the range", key.low if key.low_open else key.low - 1))
    if key.high is not None:
        wrong.append(("above the range", key.high + 1))
    if key.type == "list" and key.min_items:
        wrong.append(("too few entries", value[: key.min_items - 1]))
    if key.type == "list" and key.unique:
        wrong.append(("an entry twice", [*value, value[0]]))
    return wrong


def _cases() -> list[Any]:
    cases = []
    for file, path, shape_name in WHERE:
        part = _at(FILE_SET[file], path)
        where = f"{file}:{'.'.join(map(str, path)) or 'top'}"
        cases.append(pytest.param(file, path, "zz_unknown", "x", id=f"{where}:unknown key"))
        for key in BY_NAME[shape_name].keys:
            if key.name not in part:
                continue
            cases.append(pytest.param(file, path, key.name, _DELETE, id=f"{where}.{key.name}:removed"))
            for label, bad in _probes(key, part[key.name]):
                cases.append(pytest.param(file, path, key.name, bad, id=f"{where}.{key.name}:{label}"))
    return cases


_DELETE = object()


def _at(document: Any, path: tuple) -> Any:
    for step in path:
        document = document[step]
    return document


@pytest.fixture(scope="module")
def schema_validator() -> Draft202012Validator:
    return Draft202012Validator(schema_mod.bank_format_schema())


def _write(folder: Path, documents: dict[str, Any]) -> None:
    for name, document in documents.items():
        (folder / name).write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")


def test_the_consistent_set_is_valid_to_both(tmp_path: Path, schema_validator: Draft202012Validator) -> None:
    _write(tmp_path, FILE_SET)
    assert not load_bank_set([tmp_path], base=tmp_path).problems
    for document in FILE_SET.values():
        assert schema_validator.is_valid(document)


def test_every_shape_and_file_kind_is_exercised() -> None:
    assert {shape for _, _, shape in WHERE} == {shape.name for shape in SHAPES}
    assert {shape.name for shape in FILES} <= {shape for _, path, shape in WHERE if not path}


@pytest.mark.parametrize("file,path,key,value", _cases())
def test_validator_and_schema_agree(file: str, path: tuple, key: str, value: Any, tmp_path: Path,
                                    schema_validator: Draft202012Validator) -> None:
    documents = copy.deepcopy(FILE_SET)
    part = _at(documents[file], path)
    if value is _DELETE:
        del part[key]
    else:
        part[key] = value
    _write(tmp_path, documents)
    problems = [p for p in load_bank_set([tmp_path], base=tmp_path).problems if p.file == file]
    schema_errors = [e.message for e in schema_validator.iter_errors(documents[file])]
    assert bool(problems) == bool(schema_errors), (
        f"validate: {[str(p) for p in problems] or 'valid'}; schema: {schema_errors or 'valid'}")


@pytest.mark.parametrize(("value", "written"), [(30.0, "30"), (30, "30"), (62.5, "62.5"), (0.0, "0"), (-1.0, "-1")])
def test_a_whole_number_is_written_without_a_decimal_point(value: float, written: str) -> None:
    assert str(written_number(value)) == written
