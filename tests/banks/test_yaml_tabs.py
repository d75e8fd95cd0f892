"""A line indented with a tab is read where its siblings are: the tab is reported once, at its
line, and the line joins the list or mapping the lines around it say it belongs to, so no stray
item or mapping is built from a guessed width (and no "missing key" follows from one)."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizapp.banks.validate import load_bank_set
from quizapp.banks.yamlsafe import load_yaml
from tests.banks.test_validate import FRAMEWORK, write_files

TAB = "tab character in indentation: indent with spaces only"

# An option indented with a tab, in a bank indented two spaces a level.
OPTION = """\
items:
  - id: a
    options:
      - text: x
        correct: true
\t- text: y
    rationale: R
"""

# Items written flush with 'items:' (a style many editors produce); the second item's
# 'statements' is indented with a tab.
KEY_IN_ITEM = """\
items:
- id: a
  statements: [P1]
  options:
  - text: x
    correct: true
- id: b
  options:
  - text: y
    correct: true
\tstatements: [P2]
"""

# The same style, with the second item started by a tab.
ITEM = """\
items:
- id: a
  options:
  - text: x
    correct: true
\t- id: b
  stem: S
"""

# The first option of a list written as two lines, both tab-indented, the second lined up under the first.
FIRST_OPTION = """\
items:
  - id: a
    options:
\t- text: x
\t  correct: true
      - text: y
"""

# A key of the top-level mapping, and an option written as two lines, both tab-indented.
TOP_KEY_AND_TWO_LINES = """\
bank: b
\ttitle: T
items:
  - id: a
    options:
      - text: x
        correct: true
\t- text: y
\t  correct: false
"""


@pytest.mark.parametrize(("text", "tab_lines", "expected", "element_line"), [
    pytest.param(OPTION, [6], {"items": [{"id": "a", "options": [{"text": "x", "correct": True}, {"text": "y"}],
                                          "rationale": "R"}]},
                 ("items", 0, "options", 1, 6), id="option-in-options"),
    pytest.param(KEY_IN_ITEM, [11], {"items": [
        {"id": "a", "statements": ["P1"], "options": [{"text": "x", "correct": True}]},
        {"id": "b", "options": [{"text": "y", "correct": True}], "statements": ["P2"]}]},
        ("items", 1, "statements", None, 11), id="key-in-item"),
    pytest.param(ITEM, [6], {"items": [{"id": "a", "options": [{"text": "x", "correct": True}]},
                                       {"id": "b", "stem": "S"}]},
                 ("items", 1, None, None, 6), id="item-in-items"),
    pytest.param(TOP_KEY_AND_TWO_LINES, [2, 8, 9], {"bank": "b", "title": "T", "items": [
        {"id": "a", "options": [{"text": "x", "correct": True}, {"text": "y", "correct": False}]}]},
        ("items", 0, "options", 1, 8), id="top-key-and-an-option-on-two-lines"),
    pytest.param(FIRST_OPTION, [4, 5], {"items": [{"id": "a", "options": [{"text": "x", "correct": True},
                                                                         {"text": "y"}]}]},
                 ("items", 0, "options", 0, 4), id="first-option-on-two-lines"),
])
def test_a_tab_indented_line_is_read_where_its_siblings_are(
        text: str, tab_lines: list[int], expected: dict, element_line: tuple) -> None:
    result = load_yaml(text, "f.yaml")
    assert [(p.line, p.column, p.message) for p in result.problems] == [(line, 1, TAB) for line in tab_lines]
    assert result.value == expected
    outer, index, key, inner, line = element_line
    holder = result.value[outer]
    if key is None:
        assert holder.element_mark(index)[0] == line
    elif inner is None:
        assert holder[index].key_mark(key)[0] == line
    else:
        assert holder[index][key].element_mark(inner)[0] == line


def test_the_tab_problem_keeps_its_column() -> None:
    """Spaces then a tab: the problem points at the tab, as before the line was read on."""
    result = load_yaml(OPTION.replace("\t- text: y", "  \t- text: y"), "f.yaml")
    assert [(p.line, p.column, p.message) for p in result.problems] == [(6, 3, TAB)]
    assert result.value["items"][0]["options"][1] == {"text": "y"}


BANK = """\
bank: tabbed
framework: kss-p
title: Tabbed
items:
  - id: t-001
    type: single
    section: knowledge
    statements: [P1]
    stem: What?
    options:
      - text: x
        correct: true
\t- text: y
    rationale: Because.
  - id: t-002
    type: single
    section: knowledge
\tstatements: [P1]
    stem: Which?
    options:
      - text: x
        correct: true
      - text: y
    rationale: Because.
"""


def test_a_bank_with_tab_indented_lines_has_only_the_tab_problems(tmp_path: Path) -> None:
    """A trainer's only mistakes are two tabs: the upload says so, at those lines, and nothing
    else (no stray item "missing" every required key), and both items are kept."""
    write_files(tmp_path, {"fw.yaml": FRAMEWORK, "bank.yaml": BANK})
    bank_set = load_bank_set([tmp_path], base=tmp_path)
    assert [(p.file, p.line, p.column, p.message) for p in bank_set.problems] == [
        ("bank.yaml", 13, 1, TAB), ("bank.yaml", 18, 1, TAB)]
    items = bank_set.banks["tabbed"].items
    assert [item.key for item in items] == ["t-001", "t-002"]
    assert [len(item.options) for item in items] == [2, 2]
