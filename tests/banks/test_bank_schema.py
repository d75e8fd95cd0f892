"""The JSON Schema for bank files (docs/bank-format.schema.json).

The schema is what trainers' editors use for hover help and typo detection, so it must
(a) be a valid draft 2020-12 schema, (b) accept every real file under question_banks/,
(c) reject the common mistakes, and (d) accept every complete example in the trainers'
reference, docs/bank-format.md (code blocks whose first line is `# fragment` are partial
snippets and are skipped).
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_PATH = ROOT / "docs" / "bank-format.schema.json"
DOC_PATH = ROOT / "docs" / "bank-format.md"
BANKS_DIR = ROOT / "question_banks"

KIND_KEYS = {"framework": "frameworkFile", "bank": "bankFile", "test": "testFile"}


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator(schema: dict) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def explain(schema: dict, document: object) -> str:
    """Readable errors: the oneOf error alone says little, so re-check against the branch
    the document's top-level key points to (bank before framework, since banks and tests
    also have a `framework` key)."""
    branch = "frameworkFile"
    if isinstance(document, dict):
        for key in ("bank", "test"):
            if key in document:
                branch = KIND_KEYS[key]
                break
    sub = Draft202012Validator({"$defs": schema["$defs"], "$ref": f"#/$defs/{branch}"})
    lines = [
        f"  at /{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}"
        for e in sub.iter_errors(document)
    ]
    return "\n".join(lines) or "  (only the oneOf failed)"


class EditorLoader(yaml.SafeLoader):
    """PyYAML's safe loader without YAML 1.1 timestamps: editors (YAML 1.2) and quizapp's own
    loader read ``effective_from: 2027-04-01`` as the text written, and so must this test."""


EditorLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def bank_files() -> list[Path]:
    return sorted(
        p for p in BANKS_DIR.rglob("*") if p.suffix in {".yaml", ".yml"} and p.is_file()
    )


# --- (a) the schema itself -------------------------------------------------------------


def test_schema_is_valid_draft_2020_12(schema: dict) -> None:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_schema_top_level_description_names_cross_file_limits(schema: dict) -> None:
    text = schema["description"].lower()
    for phrase in ("unknown statement codes", "duplicate ids", "quizapp validate"):
        assert phrase in text


def test_every_property_has_a_description(schema: dict) -> None:
    """Editors show descriptions as hover help. (Sub-schemas inside if/then/anyOf only
    narrow a property that its object definition already describes.)"""
    missing = [
        f"{path}/properties/{name}"
        for path, node in _walk_objects(schema)
        for name, sub in node["properties"].items()
        if not (isinstance(sub, dict) and sub.get("description"))
    ]
    assert not missing, "properties without a description:\n" + "\n".join(missing)


def _walk_objects(node: object, path: str = "#"):
    if isinstance(node, dict):
        if isinstance(node.get("properties"), dict) and node.get("type") == "object":
            yield path, node
        for key, value in node.items():
            yield from _walk_objects(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk_objects(value, f"{path}/{i}")


def test_every_object_forbids_unknown_keys(schema: dict) -> None:
    objects = list(_walk_objects(schema))
    assert len(objects) >= 10
    open_objects = [
        path
        for path, node in objects
        if node.get("additionalProperties") is not False and not path.endswith("correctOption")
    ]
    assert not open_objects, f"objects that allow unknown keys: {open_objects}"


# --- (b) every real bank file ------------------------------------------------------------


def test_there_are_bank_files() -> None:
    names = {p.relative_to(BANKS_DIR).as_posix() for p in bank_files()}
    assert {
        "frameworks/kss-practitioner.yaml",
        "frameworks/kss-practice-supervisor.yaml",
        "frameworks/kss-practice-leader.yaml",
        "practitioner/example.yaml",
        "tests/practitioner-example.yaml",
    } <= names


@pytest.mark.parametrize(
    "path", bank_files(), ids=lambda p: p.relative_to(BANKS_DIR).as_posix()
)
def test_bank_file_validates(path: Path, schema: dict, validator: Draft202012Validator) -> None:
    document = yaml.load(path.read_text(encoding="utf-8"), Loader=EditorLoader)  # noqa: S506
    errors = list(validator.iter_errors(document))
    assert not errors, f"{path} does not match the schema:\n{explain(schema, document)}"


# --- (c) bad documents are rejected ------------------------------------------------------

GOOD_BANK = {
    "bank": "demo-bank",
    "framework": "kss-practitioner",
    "title": "Demo",
    "items": [
        {
            "id": "demo-001",
            "type": "single",
            "section": "knowledge",
            "statements": ["P8"],
            "difficulty": 2,
            "stem": "Which section of the Children Act 1989 sets the threshold for a care order?",
            "options": [
                {"text": "Section 31", "correct": True, "feedback": "Right."},
                {"text": "Section 17", "feedback": "Children in need."},
                {"text": "Section 20", "feedback": "Accommodation."},
                {"text": "Section 47", "feedback": "Enquiries."},
            ],
            "rationale": "Section 31(2) sets the threshold.",
            "references": ["Children Act 1989, s.31(2)"],
        }
    ],
}

GOOD_FRAMEWORK = {
    "framework": "demo-framework",
    "title": "Demo framework",
    "level": "practitioner",
    "statements": [
        {
            "code": "D1",
            "title": "First statement",
            "summary": "What a person must know and do.",
            "resources": [{"title": "Children Act 1989", "url": "https://www.legislation.gov.uk/ukpga/1989/41/contents"}],
        }
    ],
}

GOOD_TEST = {
    "test": "demo-test",
    "title": "Demo test",
    "framework": "kss-practitioner",
    "time_limit_minutes": 15,
    "pass_mark_percent": 60,
    "sections": [{"section": "knowledge", "draw": {"count": 1}}],
}


def _item(doc: dict) -> dict:
    return doc["items"][0]


def _set(path: list, value: object, base: dict = GOOD_BANK) -> dict:
    doc = copy.deepcopy(base)
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return doc


def _delete(path: list, base: dict = GOOD_BANK) -> dict:
    doc = copy.deepcopy(base)
    target = doc
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return doc


def _rename(path: list, new_key: str, base: dict = GOOD_BANK) -> dict:
    doc = copy.deepcopy(base)
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[new_key] = target.pop(path[-1])
    return doc


def _ordering_item_with_correct() -> dict:
    doc = copy.deepcopy(GOOD_BANK)
    item = _item(doc)
    item["type"] = "ordering"
    item["options"] = [{"text": "First"}, {"text": "Second", "correct": True}, {"text": "Third"}]
    return doc


def _multiple_with_one_correct() -> dict:
    doc = copy.deepcopy(GOOD_BANK)
    item = _item(doc)
    item["type"] = "multiple"
    return doc  # the good item has exactly one correct option: too few for multiple


BAD_DOCUMENTS = {
    "unknown key optoins in an item": _rename(["items", 0, "options"], "optoins"),
    "unknown top-level key": _set(["titel"], "Demo"),
    "unknown key in an option": _set(["items", 0, "options", 0, "feedbak"], "x"),
    "correct is a string, not a boolean": _set(["items", 0, "options", 0, "correct"], "yes"),
    "statements is a string, not a list": _set(["items", 0, "statements"], "P8"),
    "difficulty is a string": _set(["items", 0, "difficulty"], "2"),
    "difficulty 4 is out of range": _set(["items", 0, "difficulty"], 4),
    "difficulty 0 is out of range": _set(["items", 0, "difficulty"], 0),
    "bad type enum": _set(["items", 0, "type"], "true-false"),
    "bad section enum": _set(["items", 0, "section"], "applied"),
    "bad scoring enum": _set(["items", 0, "scoring"], "negative"),
    "partial scoring on a single item": _set(["items", 0, "scoring"], "partial"),
    "missing required stem": _delete(["items", 0, "stem"]),
    "missing required rationale": _delete(["items", 0, "rationale"]),
    "missing required bank title": _delete(["title"]),
    "both bank and test at top level": _set(["test"], "demo-test"),
    "neither framework, bank nor test": _delete(["bank"]),
    "empty stem": _set(["items", 0, "stem"], "   "),
    "raw HTML in a stem": _set(["items", 0, "stem"], "Which is <b>right</b>?"),
    "HTML comment in feedback": _set(["items", 0, "options", 1, "feedback"], "<!-- todo -->"),
    "bad item id": _set(["items", 0, "id"], "-starts-with-dash"),
    "statement code too long": _set(["items", 0, "statements"], ["P" + "1" * 20]),
    "duplicate statement codes in an item": _set(["items", 0, "statements"], ["P8", "P8"]),
    "single item with two correct options": _set(["items", 0, "options", 1, "correct"], True),
    "single item with no correct option": _set(["items", 0, "options", 0, "correct"], False),
    "multiple item with one correct option": _multiple_with_one_correct(),
    "ordering item using correct": _ordering_item_with_correct(),
    "bank with no items": _delete(["items"]),
    "test with time limit 0": _set(["time_limit_minutes"], 0, GOOD_TEST),
    "test with time limit over 600": _set(["time_limit_minutes"], 601, GOOD_TEST),
    "test with pass mark over 100": _set(["pass_mark_percent"], 101, GOOD_TEST),
    "test missing sections": _delete(["sections"], GOOD_TEST),
    "draw with two kinds": _set(["sections", 0, "draw"], {"count": 1, "scenarios": 1}, GOOD_TEST),
    "draw with no kind": _set(["sections", 0, "draw"], {}, GOOD_TEST),
    "draw count 0": _set(["sections", 0, "draw"], {"count": 0}, GOOD_TEST),
    "draw with duplicate item ids": _set(
        ["sections", 0, "draw"], {"items": ["demo-001", "demo-001"]}, GOOD_TEST
    ),
    "bad shuffle_options type": _set(["shuffle_options"], "no", GOOD_TEST),
    "band over 100": _set(["bands"], [{"min_percent": 120, "label": "Top"}], GOOD_TEST),
    "framework with no statements": _set(["statements"], [], GOOD_FRAMEWORK),
    "framework level not a slug": _set(["level"], "Practice Leader", GOOD_FRAMEWORK),
    "resource url not http(s)": _set(
        ["statements", 0, "resources", 0, "url"], "ftp://example.org/x", GOOD_FRAMEWORK
    ),
}


@pytest.mark.parametrize("document", [GOOD_BANK, GOOD_FRAMEWORK, GOOD_TEST], ids=["bank", "framework", "test"])
def test_good_documents_are_accepted(document: dict, schema: dict, validator: Draft202012Validator) -> None:
    assert validator.is_valid(document), explain(schema, document)


@pytest.mark.parametrize("document", list(BAD_DOCUMENTS.values()), ids=list(BAD_DOCUMENTS))
def test_bad_document_is_rejected(document: dict, validator: Draft202012Validator) -> None:
    assert not validator.is_valid(document)


def test_markdown_that_only_looks_like_html_is_accepted(validator: Draft202012Validator) -> None:
    for text in ("If a < b and c > d", "See <https://www.gov.uk> for details", "Use 3<4 and 5>2"):
        assert validator.is_valid(_set(["items", 0, "stem"], text)), text


@pytest.mark.parametrize("text", [True, 45, 2.5], ids=["Yes", "45", "2.5"])
def test_bare_scalar_option_text_is_accepted(text: object, validator: Draft202012Validator) -> None:
    """`- text: Yes` or `- text: 45` is read by quizapp validate as the text written, so the
    editor must not underline it (YAML 1.1 loaders turn Yes into true)."""
    assert validator.is_valid(_set(["items", 0, "options", 1, "text"], text))


# --- (d) the examples in docs/bank-format.md ---------------------------------------------

FENCE = re.compile(r"^```yaml[^\n]*\n(.*?)^```", re.DOTALL | re.MULTILINE)


def doc_yaml_blocks() -> list[tuple[int, str]]:
    text = DOC_PATH.read_text(encoding="utf-8")
    blocks = []
    for match in FENCE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        blocks.append((line, match.group(1)))
    return blocks


def test_reference_has_complete_examples_of_each_kind() -> None:
    kinds = set()
    for _, body in doc_yaml_blocks():
        if body.lstrip().startswith("# fragment"):
            continue
        document = yaml.safe_load(body)
        kinds.update(key for key in KIND_KEYS if isinstance(document, dict) and key in document)
    assert {"framework", "bank", "test"} <= kinds


@pytest.mark.parametrize(
    "line,body", [pytest.param(line, body, id=f"line-{line}") for line, body in doc_yaml_blocks()]
)
def test_reference_example_validates(line: int, body: str, schema: dict, validator: Draft202012Validator) -> None:
    if body.lstrip().startswith("# fragment"):
        pytest.skip("partial snippet")
    document = yaml.safe_load(body)
    errors = list(validator.iter_errors(document))
    assert not errors, f"docs/bank-format.md:{line}: example does not match the schema:\n{explain(schema, document)}"


def test_reference_examples_pass_quizapp_validate(tmp_path: Path) -> None:
    """The complete examples form one consistent set: the real validator (cross-file rules
    included) accepts them together."""
    validate = pytest.importorskip("quizapp.banks.validate")
    n = 0
    for line, body in doc_yaml_blocks():
        if body.lstrip().startswith("# fragment"):
            continue
        n += 1
        (tmp_path / f"example-{line}.yaml").write_text(body, encoding="utf-8")
    assert n >= 3
    bank_set = validate.load_bank_set([tmp_path])
    assert not bank_set.problems, "\n".join(str(p) for p in bank_set.problems)
    assert (len(bank_set.frameworks), len(bank_set.banks), len(bank_set.tests)) == (1, 1, 1)
