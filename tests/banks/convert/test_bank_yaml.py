"""The bank file the converters write: it validates with its framework, placeholders are named by
the validator, and every string survives the trip through YAML."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from quizapp.banks.validate import load_bank_set
from quizapp.banks.convert import bank_yaml, gift, moodle_xml
from quizapp.banks.convert.model import Conversion, Option, Question

from tests.banks.convert.conftest import FRAMEWORK, MOODLE


@pytest.mark.parametrize(("module", "name"), [(moodle_xml, "questions.xml"), (gift, "questions.gift")])
def test_the_output_validates_with_a_framework(tmp_path: Path, module, name):
    conversion = module.convert((MOODLE / name).read_bytes(), name)
    options = bank_yaml.BankOptions(bank="converted", title="Converted", framework="fx", statement="A")
    path = tmp_path / "converted.yaml"
    path.write_text(bank_yaml.to_yaml(conversion, options), encoding="utf-8")
    bank_set = load_bank_set([path, FRAMEWORK], base=tmp_path)
    assert bank_set.problems == []
    items = bank_set.banks["converted"].items
    assert [i.key for i in items] == [f"converted-{n:03d}" for n in range(1, len(conversion.questions) + 1)]
    for item, question in zip(items, conversion.questions, strict=True):
        assert item.stem == question.stem
        assert [o.text for o in item.options] == [o.text for o in question.options]
        assert [o.feedback for o in item.options] == [o.feedback for o in question.options]
        assert item.rationale == (question.rationale or bank_yaml.TODO_RATIONALE)
        assert item.type == question.type and item.scoring == question.scoring
        assert item.statements == ("A",) and item.section == "knowledge"


def test_without_a_framework_the_placeholders_are_named_by_the_validator(tmp_path: Path):
    conversion = gift.convert(b"::Q:: Stem? {=a ~b}")
    text = bank_yaml.to_yaml(conversion, bank_yaml.BankOptions(bank="b", title="T"))
    assert "# Replace each CHANGE-ME" in text
    path = tmp_path / "b.yaml"
    path.write_text(text, encoding="utf-8")
    problems = [p.message for p in load_bank_set([path, FRAMEWORK], base=tmp_path).problems]
    assert len(problems) == 1 and problems[0].startswith("unknown framework 'CHANGE-ME'")


def test_comments_name_the_source_category_and_checks():
    conversion = moodle_xml.convert((MOODLE / "questions.xml").read_bytes(), "questions.xml")
    text = bank_yaml.to_yaml(conversion, bank_yaml.BankOptions(bank="b", title="T", framework="fx", statement="A",
                                                               section="reasoning", id_prefix="mx"))
    assert "#   $course$/top/Law" in text
    assert "  # Category: $course$/top/Law\n  # From question 3: Threshold for care orders\n" in text
    assert "  # CHECK: hints were dropped (quizapp has none)\n" in text
    assert "  - id: mx-003\n    type: single\n    section: reasoning\n" in text


def test_nothing_converted():
    text = bank_yaml.to_yaml(Conversion("x.gift", "GIFT"), bank_yaml.BankOptions(bank="b", title="T"))
    assert text.endswith("items: []  # nothing could be converted: see the report\n")


@pytest.mark.parametrize(
    ("text", "written"),
    [("Police", "Police"), ("Yes", '"Yes"'), ("true", '"true"'), ("45", '"45"'), ("a: b", '"a: b"'),
     ("a #b", '"a #b"'), ("- x", '"- x"'), ("*x*", '"*x*"'), ("", '""'), (" x", '" x"'),
     ('say "hi"', 'say "hi"'), ("C:\\path", "C:\\path"), ("null", '"null"'), ("x:", '"x:"')],
)
def test_scalars(text, written):
    assert bank_yaml.scalar(text) == written
    assert yaml.safe_load(f"k: {written}")["k"] == text


@given(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x85\u2028\u2029\ufeff"), max_size=40))
def test_any_single_line_string_round_trips(text):
    text = text.replace("\n", " ").replace("\r", " ")
    written = bank_yaml.scalar(text)
    assert yaml.safe_load(f"key: {written}")["key"] == text


def test_multi_line_text_is_a_literal_block():
    question = Question("n", "single", "Line one\\\nline two\n\n- a\n- b",
                        [Option("a", True, "Multi\nline"), Option("b")], "R")
    text = bank_yaml.to_yaml(Conversion("x", "GIFT", [question]), bank_yaml.BankOptions(bank="b", title="T"))
    assert "    stem: |\n      Line one\\\n      line two\n\n      - a\n      - b\n" in text
    data = yaml.safe_load(text)
    assert data["items"][0]["stem"].rstrip("\n") == question.stem
    assert data["items"][0]["options"][0]["feedback"].rstrip("\n") == "Multi\nline"


@pytest.mark.parametrize(("name", "expected"), [("My Moodle export (2024).xml", "my-moodle-export-2024-.xml"),
                                                ("---", "converted"), ("Sauvegarde_été", "sauvegarde_-t")])
def test_slug(name, expected):
    assert bank_yaml.slug(name) == expected
