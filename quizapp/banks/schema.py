"""The JSON Schema for bank files (docs/bank-format.schema.json), written from the tables in
bank_format.py, so that editors' hover help and typo checks say what the validator says.

Each :class:`~quizapp.banks.bank_format.Shape` becomes an object under ``$defs`` that allows
only its keys and requires its required ones; each key's type, choices, range and help text
come from its :class:`~quizapp.banks.bank_format.Key`. Rules the validator keeps in code are
stated here where a schema can state them, each beside the name of the code that holds it:
the question types' option rules (``question_types``: counts from each type's
``min_options`` and ``max_options``), a bank holding at least one item
(``validate/items.py``), a draw having exactly one kind (``validate/blueprints.py``), a
framework having exactly one of statements or standards (``validate/frameworks.py``), an
item's ``also_keyed`` naming at least one framework, each with a list of codes, none twice
(``validate/fields.py``; which frameworks and codes exist is checked across files).

Regenerate the committed file with ``make schema`` (``python -m quizapp.banks.schema``);
``tests/banks/test_bank_format.py`` fails when the committed file differs from this output.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from quizapp.banks.bank_format import (
    BY_NAME,
    CODE_RE,
    DATE_RE,
    FILES,
    ID_RE,
    MAX_OPTIONS,
    SHAPES,
    SLUG_RE,
    Key,
    Shape,
    written_number,
)
from quizapp.domain import question_types

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "docs" / "bank-format.schema.json"

DESCRIPTION = (
    "One quizapp YAML file: a framework (top-level key `framework` plus `statements`, or plus "
    "`standards` that group statements), a question bank (top-level key `bank`), a test "
    "blueprint (top-level key `test`) or a crosswalk between two frameworks (top-level key "
    "`crosswalk`). This schema gives editor hover help and catches typos, wrong types and "
    "out-of-range values as you type. It checks one file at a time, so it cannot check rules "
    "that span files or compare list entries with each other: unknown statement codes (in items, "
    "their `also_keyed` and crosswalk links), unknown framework ids, an item's `also_keyed` "
    "naming its own bank's framework, duplicate ids (frameworks, banks, items, "
    "scenarios, tests, crosswalks, statement and standard codes), a framework's `replaces` "
    "naming a known framework and `superseded_on` falling after `effective_from`, whether a "
    "test's draws can be satisfied, unique option texts within an item, a section appearing "
    "twice in a test, bands being strictly decreasing with unique labels and a last band of 0, "
    "and duplicated item ids across fixed `items` draws. Its raw-HTML check is an approximation. "
    "`quizapp validate` checks everything and is the final word; see docs/bank-format.md. This "
    "file is generated from quizapp/banks/bank_format.py: edit that and run `make schema`."
)

_TEXT_TYPES = ["string", "number", "boolean"]  # a bare number or true/false is the text written

SCALARS: dict[str, dict[str, Any]] = {
    "identifier": {
        "type": "string",
        "pattern": f"^{ID_RE.pattern}$",
        "description": "An identifier: 1 to 80 characters, letters, digits, '.', '_' or '-', starting "
                       "with a letter or digit. Never change it once published: it is how results "
                       "stay linked to the question.",
    },
    "statementCode": {
        "type": "string",
        "pattern": f"^{CODE_RE.pattern}$",
        "description": "A statement code such as P8 or PS4: 1 to 20 characters, letters, digits, "
                       "'.', '_' or '-', starting with a letter or digit.",
    },
    "plainText": {
        "type": _TEXT_TYPES,
        "pattern": "\\S",
        "description": "Text that must not be empty or only spaces. (A bare number or true/false "
                       "is read as the text written, as quizapp validate does.)",
    },
    "markdown": {
        "type": _TEXT_TYPES,
        "pattern": "\\S",
        "not": {  # an approximation of quizapp.markup.raw_html, which skips inline code
            "type": "string",
            "anyOf": [
                {"pattern": "</?[A-Za-z][A-Za-z0-9-]*(\\s[^<>]*)?/?>"},
                {"pattern": "<!(--|\\[CDATA\\[|[A-Za-z])"},
                {"pattern": "<\\?"},
            ],
        },
        "description": "Markdown text (paragraphs, *emphasis*, **strong**, lists, `inline code`, "
                       "[links](https://example.org)). Must not be empty. Raw HTML such as <b> or an "
                       "HTML comment is an error. (A bare number or word such as Yes is read as the "
                       "text written. The editor's HTML check is approximate: it also flags a tag "
                       "written inside `inline code`, which quizapp validate allows.)",
    },
    "optionalMarkdown": {
        "anyOf": [{"$ref": "#/$defs/markdown"}, {"type": ["string", "null"], "pattern": "^\\s*$"}],
        "description": "Markdown text (see markdown), or nothing: a key left empty counts as not given.",
    },
}
"""The $defs that key types refer to."""

_REFS = {"id": "identifier", "code": "statementCode", "plain": "plainText", "markdown": "markdown"}
_OPTIONAL_REFS = {"markdown": "optionalMarkdown"}  # the validator takes an empty value as absent

_CORRECT = {"$ref": "#/$defs/correctOption"}

QUESTION_TYPE_RULES: dict[str, tuple[dict[str, Any], str, dict[str, Any]]] = {
    # type: (what its options must hold, how to say it, other keys it restricts); the same
    # rules as each type's validate_answers in quizapp/domain/question_types.py
    "single": (
        {"contains": _CORRECT, "minContains": 1, "maxContains": 1},
        "exactly one with correct: true.",
        {"scoring": {"const": "all-or-nothing",
                     "description": "A single item is always scored all-or-nothing; partial is an error."}},
    ),
    "multiple": (
        {"allOf": [{"contains": _CORRECT, "minContains": 2},
                   {"contains": {"not": _CORRECT}, "minContains": 1}]},
        "two or more with correct: true and at least one without.",
        {},
    ),
    "ordering": (
        {"items": {"properties": {"correct": False}}},
        "listed in the correct order; `correct` must not appear on any option.",
        {},
    ),
}

SHAPE_RULES: dict[str, dict[str, Any]] = {
    "framework": {"oneOf": [  # validate/frameworks.py, FrameworkRules.one_way_of_listing
        {"required": ["statements"]}, {"required": ["standards"]},
    ]},
    "bank": {"anyOf": [  # validate/items.py, BankRules.bank: "a bank needs at least one item"
        {"required": ["items"], "properties": {"items": {"type": "array", "minItems": 1}}},
        {"required": ["scenarios"], "properties": {"scenarios": {"type": "array", "minItems": 1}}},
    ]},
    "draw": {"minProperties": 1, "maxProperties": 1},  # validate/blueprints.py, TestRules.draw
}
"""Rules relating a shape's keys to each other, as the validator's code applies them."""


def key_schema(key: Key) -> dict[str, Any]:
    """The JSON Schema of one key's value."""
    out: dict[str, Any]
    if key.type in _OPTIONAL_REFS and not key.required:
        out = {"$ref": f"#/$defs/{_OPTIONAL_REFS[key.type]}"}
    elif key.type in _REFS:
        out = {"$ref": f"#/$defs/{_REFS[key.type]}"}
    elif key.type == "mapping":
        out = {"$ref": f"#/$defs/{BY_NAME[key.of].schema_name}"}  # type: ignore[index]
    elif key.type == "slug":
        out = {"type": "string", "pattern": f"^{SLUG_RE.pattern}$"}
    elif key.type == "date":
        out = {"type": "string", "pattern": f"^{DATE_RE.pattern}$", "format": "date"}
        if not key.required:  # like optional Markdown, an empty value counts as not given
            out = {"anyOf": [out, {"type": ["string", "null"], "pattern": "^\\s*$"}]}
    elif key.type == "url":
        out = {"type": "string", "pattern": "^https?://[^\\s]+$", "format": "uri"}
    elif key.type == "choice":
        out = {"enum": list(key.choices)}
    elif key.type == "keying":  # validate/fields.py, FieldReader.keying
        out = {"type": "object", "minProperties": 1, "propertyNames": {"$ref": "#/$defs/identifier"},
               "additionalProperties": {"type": "array", "minItems": 1, "uniqueItems": True,
                                        "items": {"$ref": "#/$defs/statementCode"}}}
    elif key.type == "list":  # an optional list that may be empty may also be left empty
        out = {"type": "array" if key.required or key.min_items else ["array", "null"]}
        if key.min_items:
            out["minItems"] = key.min_items
        if key.max_items is not None:
            out["maxItems"] = key.max_items
        if key.unique:
            out["uniqueItems"] = True
    else:  # integer, number, boolean
        out = {"type": key.type}
        if key.low is not None:
            out["exclusiveMinimum" if key.low_open else "minimum"] = written_number(key.low)
        if key.high is not None:
            out["maximum"] = written_number(key.high)
    if key.default is not None:
        out["default"] = key.default
    out["description"] = key.doc
    if key.type == "list":
        entries = BY_NAME[key.of].schema_name if key.of in BY_NAME else _REFS[key.of]  # type: ignore[index]
        out["items"] = {"$ref": f"#/$defs/{entries}"}
    return out


def shape_schema(shape: Shape) -> dict[str, Any]:
    """The JSON Schema of one part of a file: only its keys, its required ones present."""
    out: dict[str, Any] = {"type": "object"}
    if shape.title:
        out["title"] = shape.title
    out["description"] = shape.doc
    out["additionalProperties"] = False
    required = [key.name for key in shape.keys if key.required]
    if required:
        out["required"] = required
    out["properties"] = {key.name: key_schema(key) for key in shape.keys}
    if shape.name == "item":
        out["allOf"] = [_question_type_rule(name) for name in shape["type"].choices]
    out.update(SHAPE_RULES.get(shape.name, {}))
    return out


def _question_type_rule(name: str) -> dict[str, Any]:
    """If an item's type is ``name``, its options follow that question type's rules."""
    question_type = question_types.get(name)
    assert question_type is not None
    options_rule, said, others = QUESTION_TYPE_RULES[name]
    low, high = question_type.min_options, question_type.max_options
    options = {"minItems": low, "maxItems": high, **options_rule,
               "description": f"{low} to {high} options, {said}"}
    return {"if": {"required": ["type"], "properties": {"type": {"const": name}}},
            "then": {"properties": {**others, "options": options}}}


def bank_format_schema() -> dict[str, Any]:
    """The whole JSON Schema (draft 2020-12) for one bank file."""
    defs: dict[str, Any] = dict(SCALARS)
    for shape in SHAPES:
        defs[shape.schema_name] = shape_schema(shape)
    defs["correctOption"] = {
        "type": "object", "required": ["correct"],
        "properties": {"correct": {"const": True, "description": "Marked correct."}},
        "description": "An option marked correct: true.",
    }
    assert max(t.max_options for t in map(question_types.get, question_types.names())) == MAX_OPTIONS
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "quizapp bank file",
        "description": DESCRIPTION,
        "oneOf": [{"$ref": f"#/$defs/{shape.schema_name}"} for shape in FILES],
        "$defs": defs,
    }


def render(schema: dict[str, Any]) -> str:
    """The schema as the committed file holds it: two-space indents, and a mapping or list on
    one line when it holds nothing but plain values (so each key's schema reads as a line)."""
    return _render(schema, 0) + "\n"


def _render(value: Any, depth: int) -> str:
    if not isinstance(value, (dict, list)) or _flat(value):
        return json.dumps(value, ensure_ascii=False)
    pad = "  " * (depth + 1)
    if isinstance(value, dict):
        body = [f"{pad}{json.dumps(k)}: {_render(v, depth + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(body) + "\n" + "  " * depth + "}"
    body = [pad + _render(v, depth + 1) for v in value]
    return "[\n" + ",\n".join(body) + "\n" + "  " * depth + "]"


def _flat(value: dict | list) -> bool:
    """True when ``value`` holds only scalars, lists of scalars and {"$ref": ...} mappings."""
    inner = value.values() if isinstance(value, dict) else value
    for v in inner:
        if isinstance(v, dict) and list(v) != ["$ref"]:
            return False
        if isinstance(v, list) and any(isinstance(x, (dict, list)) for x in v):
            return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the bank files' JSON Schema from "
                                                 "quizapp/banks/bank_format.py.")
    parser.add_argument("path", nargs="?", type=Path, default=SCHEMA_PATH,
                        help="where to write it (default: docs/bank-format.schema.json)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; fail if the file differs from what the tables give")
    args = parser.parse_args(argv)
    text = render(bank_format_schema())
    if args.check:
        same = args.path.exists() and args.path.read_text(encoding="utf-8") == text
        print(f"{args.path}: {'up to date' if same else 'differs from bank_format.py: run make schema'}")
        return 0 if same else 1
    args.path.write_text(text, encoding="utf-8")
    print(f"wrote {args.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
