"""The bank set validator: every error kind of the contract, at its exact line and column.

Most tests start from a small valid set (a framework, a bank, a test) and change one line.
The line numbers in the comments of the base files below are what the tests assert.
"""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizapp.cli.validate import run_validate
from quizapp.banks.model import BankSet, Draw
from quizapp.banks.validate import find_bank_files, load_bank_set

FRAMEWORK = """\
framework: kss-p
title: Practitioner KSS
level: practitioner
description: For *practitioners*.
statements:
  - code: P1
    title: Relationships
    summary: Our words.
    resources:
      - {title: KSS, url: "https://www.gov.uk/kss"}
  - code: P2
    title: Communication
    summary: More words.
"""
# line 6: "  - code: P1", line 10: the resource, line 11: "  - code: P2"

BANK = """\
bank: core
framework: kss-p
title: Core bank
items:
  - id: p-001
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
        feedback: No.
    rationale: Because.
  - id: p-002
    type: multiple
    section: knowledge
    statements: [P2]
    stem: Pick two.
    options:
      - {text: A, correct: true}
      - {text: B, correct: true}
      - {text: C}
    scoring: partial
    rationale: Because.
  - id: p-003
    type: ordering
    section: knowledge
    statements: [P1, P2]
    stem: Put these in order.
    options: [{text: First}, {text: Second}, {text: Third}]
    rationale: Because.
    references: ["Children Act 1989, s.47"]
scenarios:
  - id: sc-1
    title: The Smith family
    text: |
      A vignette about a family.
    items:
      - id: r-001
        type: single
        section: reasoning
        statements: [P1]
        stem: What next?
        options: [{text: Visit, correct: true}, {text: Wait}]
        rationale: Because.
      - id: r-002
        type: ordering
        section: reasoning
        statements: [P2]
        stem: Order the steps.
        options: [{text: One}, {text: Two}, {text: Three}]
        rationale: Because.
"""
# p-001 is lines 5-17, p-002 18-28, p-003 29-36; scenario sc-1 from line 38, r-001 at 43.

TEST = """\
test: mock-a
title: Mock A
framework: kss-p
time_limit_minutes: 30
pass_mark_percent: 60
sections:
  - section: knowledge
    draw: {count: 3}
  - section: reasoning
    draw: {scenarios: 1}
bands:
  - {min_percent: 75, label: Secure}
  - {min_percent: 0, label: Developing}
"""

BASE = {"fw.yaml": FRAMEWORK, "bank.yaml": BANK, "test.yaml": TEST}


def write_files(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def check(root: Path, files: dict[str, str], **changes: str) -> BankSet:
    """Write ``files`` (with ``changes`` replacing whole files by name, dots as '_') and load."""
    files = dict(files)
    for key, text in changes.items():
        files[key.replace("_yaml", ".yaml")] = text
    write_files(root, files)
    return load_bank_set([root], base=root)


def change(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def located(bank_set: BankSet) -> list[tuple[str, int, int, str]]:
    return [(p.file, p.line, p.column, p.message) for p in bank_set.problems]


def assert_problem(bank_set: BankSet, file: str, line: int, column: int | None, fragment: str) -> None:
    """Some problem is at ``file:line[:column]`` and its message contains ``fragment``."""
    for p in bank_set.problems:
        if (p.file, p.line) == (file, line) and column in (None, p.column) and fragment in p.message:
            return
    pytest.fail(f"no problem {file}:{line}:{column} containing {fragment!r} in:\n"
                + "\n".join(map(str, bank_set.problems)))


# -- the valid set ---------------------------------------------------------------------------


def test_valid_set_has_no_problems_and_the_right_counts(tmp_path: Path) -> None:
    bank_set = check(tmp_path, BASE)
    assert bank_set.problems == []
    assert bank_set.ok
    assert bank_set.summary() == "3 files, 1 frameworks, 1 banks, 1 scenarios, 5 items, 1 tests: 0 errors"
    framework = bank_set.frameworks["kss-p"]
    assert [s.code for s in framework.statements] == ["P1", "P2"]
    assert framework.statements[0].resources[0].url == "https://www.gov.uk/kss"
    assert (framework.file, framework.line, framework.description) == ("fw.yaml", 1, "For *practitioners*.")
    bank = bank_set.banks["core"]
    assert [i.key for i in bank.items] == ["p-001", "p-002", "p-003"]
    first = bank.items[0]
    assert (first.type, first.section, first.statements, first.difficulty) == ("single", "knowledge", ("P1",), 2)
    assert [(o.text, o.correct, o.feedback) for o in first.options] == [("Right", True, "Yes."), ("Wrong", False, "No.")]
    assert (first.bank, first.framework, first.file, first.line, first.position) == ("core", "kss-p", "bank.yaml", 5, 0)
    assert bank.items[1].scoring == "partial"
    assert bank.items[2].references == ("Children Act 1989, s.47",)
    scenario = bank.scenarios[0]
    assert (scenario.key, scenario.text, scenario.line) == ("sc-1", "A vignette about a family.", 38)
    assert [(i.key, i.scenario, i.position) for i in scenario.items] == [("r-001", "sc-1", 0), ("r-002", "sc-1", 1)]
    test = bank_set.tests["mock-a"]
    assert test.time_limit_minutes == 30.0 and test.pass_mark_percent == 60.0 and test.shuffle_options
    assert [(s.section, s.draw, s.framework) for s in test.sections] == [
        ("knowledge", Draw("count", 3), "kss-p"), ("reasoning", Draw("scenarios", 1), "kss-p")]
    assert [(b.min_percent, b.label) for b in test.bands] == [(75.0, "Secure"), (0.0, "Developing")]


def test_defaults_and_fractional_time_limit(tmp_path: Path) -> None:
    test = change(TEST, "time_limit_minutes: 30", "time_limit_minutes: 0.25")
    test = test[: test.index("bands:")] + "shuffle_options: false\n"
    bank_set = check(tmp_path, BASE, test_yaml=test)
    assert bank_set.problems == []
    blueprint = bank_set.tests["mock-a"]
    assert blueprint.time_limit_minutes == 0.25
    assert blueprint.shuffle_options is False
    assert [b.label for b in blueprint.bands] == ["Secure", "Developing", "Priority for development"]


def test_bare_yes_and_numbers_are_taken_as_the_text_written(tmp_path: Path) -> None:
    bank = change(BANK, "- text: Right", "- text: Yes")
    bank = change(bank, "- text: Wrong", "- text: 1.10")
    bank_set = check(tmp_path, BASE, bank_yaml=bank)
    assert bank_set.problems == []
    assert [o.text for o in bank_set.banks["core"].items[0].options] == ["Yes", "1.10"]


def test_the_real_question_banks_are_valid() -> None:
    banks = Path(__file__).resolve().parents[2] / "question_banks"
    if not banks.is_dir():
        pytest.skip("no question_banks folder")
    bank_set = load_bank_set([banks], base=banks)
    assert bank_set.problems == []


# -- one file's problems ----------------------------------------------------------------------

ITEM_CASES = [
    # (old, new, line, column, message fragment)
    ("    options:\n      - text: Right", "    optoins:\n      - text: Right", 11, 5,
     "unknown key 'optoins' in item (did you mean 'options'?)"),
    ("id: p-001", "id: p 001", 5, 9, "'p 001' is not a valid item id"),
    ("type: single", "type: singel", 6, 11,
     "unknown type 'singel' (expected one of: single, multiple, ordering; did you mean 'single'?)"),
    ("section: knowledge", "section: knowlege", 7, 14, "unknown section 'knowlege'"),
    ("statements: [P1]", "statements: [P1, P1]", 8, 22, "statement 'P1' is listed twice (first at line 8)"),
    ("statements: [P1]", "statements: []", 8, 17, "'statements' must not be empty"),
    ("statements: [P1]", "statements: P1", 8, 17, "'statements' must be a list, not 'P1'"),
    ("    statements: [P1]\n    difficulty", "    difficulty", 5, 5, "missing required key 'statements' in item"),
    ("difficulty: 2", "difficulty: 4", 9, 17, "'difficulty' must be a whole number from 1 to 3, not 4"),
    ("difficulty: 2", "difficulty: 1.5", 9, 17, "'difficulty' must be a whole number from 1 to 3, not 1.5"),
    ("difficulty: 2", "difficulty: hard", 9, 17, "not 'hard'"),
    ("stem: What is asked?", "stem: Run <script>alert(1)</script>", 10, 11,
     "raw HTML '<script>' is not allowed in 'stem': use Markdown"),
    ("stem: What is asked?", 'stem: "  "', 10, 11, "'stem' must not be empty"),
    ("stem: What is asked?", "stem:", 10, 5, "'stem' must not be empty"),
    ("stem: What is asked?", "stem: [a, b]", 10, 11, "'stem' must be text, not a list"),
    ("        feedback: No.", "        feedback: No <script>x</script>", 16, 19,
     "raw HTML '<script>' is not allowed in 'feedback'"),
    ("- text: Wrong", "- text: <b>Wrong</b>", 15, 15, "raw HTML '<b>' is not allowed in 'text'"),
    ("rationale: Because.\n  - id: p-002", "rationale: Because <!-- note -->\n  - id: p-002", 17, 16,
     "raw HTML '<!-- note -->' is not allowed in 'rationale'"),
    ("correct: true", "correct: maybe", 13, 18, "'correct' must be true or false, not 'maybe'"),
    ("        feedback: No.", "        correct: true\n        feedback: No.", 11, 5,
     "a single-choice item needs exactly one option with 'correct: true', not 2"),
    ("difficulty: 2", "difficulty: 2\n    scoring: partial", 10, 5,
     "'scoring: partial' is not allowed for a single-choice item"),
    ("difficulty: 2", "difficulty: 2\n    scoring: some", 10, 14, "unknown scoring 'some'"),
    ("- text: Wrong", "- text: Right", 15, 15, "duplicate option text 'Right' (first at line 12)"),
    ("      - text: Wrong\n        feedback: No.", "      - Wrong", 15, 9,
     "each entry of 'options' must be a mapping"),
    ("        feedback: No.", "        feedbak: No.", 16, 9,
     "unknown key 'feedbak' in option (did you mean 'feedback'?)"),
    # the words a Moodle user writes (issue 17): named for what they are here
    ("stem: What is asked?", "question: What is asked?", 10, 5,
     "unknown key 'question' in item (did you mean 'stem'? here the question's text is its 'stem')"),
    ("    options:\n      - text: Right", "    answers:\n      - text: Right", 11, 5,
     "unknown key 'answers' in item (did you mean 'options'? here the answers to choose from are 'options')"),
    ("rationale: Because.\n  - id: p-002", "explanation: Because.\n  - id: p-002", 17, 5,
     "unknown key 'explanation' in item (did you mean 'rationale'? here the explanation shown after answering is its 'rationale')"),
    ("options: [{text: First}, {text: Second}, {text: Third}]", "order: [{text: First}, {text: Second}, {text: Third}]",
     34, 5, "unknown key 'order' in item (did you mean 'options'? an ordering item lists its 'options' in the correct order)"),
    ("- {text: B, correct: true}", "- {text: B}", 23, 5,
     "a multiple-choice item needs at least two options with 'correct: true', not 1"),
    ("options: [{text: First}, {text: Second}, {text: Third}]", "options: [{text: First}, {text: Second}]",
     34, 5, "an ordering item needs 3 to 10 options, not 2"),
    ("{text: Second}", "{text: Second, correct: true}", 34, 45, "'correct' is not used on an ordering item"),
    ('references: ["Children Act 1989, s.47"]', "references: Children Act", 36, 17,
     "'references' must be a list, not 'Children Act'"),
    ('references: ["Children Act 1989, s.47"]', 'references: ["  "]', 36, 18,
     "each entry of 'references' must be non-empty text"),
    ("statements: [P1]", "statements: [P1, P7]", 8, 22, "unknown statement code 'P7' for framework 'kss-p'"),
    ("statements: [P1]", "statements: [P1, p2]", 8, 22,
     "unknown statement code 'p2' for framework 'kss-p' (did you mean 'P2'?)"),
    ("        statements: [P1]", "        statements: [P3]", 46, 22, "unknown statement code 'P3'"),
]


@pytest.mark.parametrize(("old", "new", "line", "column", "fragment"), ITEM_CASES)
def test_item_problems(tmp_path: Path, old: str, new: str, line: int, column: int, fragment: str) -> None:
    bank_set = check(tmp_path, BASE, bank_yaml=change(BANK, old, new))
    assert_problem(bank_set, "bank.yaml", line, column, fragment)


def test_an_invalid_item_is_left_out_but_the_rest_of_its_bank_is_kept(tmp_path: Path) -> None:
    bank_set = check(tmp_path, BASE, bank_yaml=change(BANK, "difficulty: 2", "difficulty: 4"))
    assert len(bank_set.problems) == 1
    assert [i.key for i in bank_set.banks["core"].items] == ["p-002", "p-003"]
    assert bank_set.summary().endswith("4 items, 1 tests: 1 error")


def test_every_problem_is_reported_and_sorted(tmp_path: Path) -> None:
    bank = change(BANK, "difficulty: 2", "difficulty: 4")
    bank = change(bank, "type: multiple", "type: essay")
    bank = change(bank, "stem: Put these in order.", "stem: <b>Order</b>")
    bank = change(bank, "        statements: [P1]", "        statements: [P9]")
    bank_set = check(tmp_path, BASE, bank_yaml=bank)
    assert [(p.line, p.column) for p in bank_set.problems] == [(9, 17), (19, 11), (33, 11), (46, 22)]
    assert bank_set.problems == sorted(bank_set.problems)


def test_raw_html_in_a_block_is_reported_at_its_own_line(tmp_path: Path) -> None:
    bank = change(BANK, "    stem: What is asked?\n", textwrap.dedent("""\
            stem: |
              First line.

              Then <script>alert(1)</script> here.
        """).replace("\n", "\n    ", 3).replace("stem", "    stem", 1))
    bank_set = check(tmp_path, BASE, bank_yaml=bank)
    assert located(bank_set) == [
        ("bank.yaml", 13, 7, "raw HTML '<script>' is not allowed in 'stem': use Markdown")]


def test_an_aged_less_than_sign_is_not_html(tmp_path: Path) -> None:
    bank = change(BANK, "stem: What is asked?", "stem: A child aged < 5 and a parent aged >20?")
    assert check(tmp_path, BASE, bank_yaml=bank).problems == []


def test_a_bank_needs_an_item(tmp_path: Path) -> None:
    bank_set = check(tmp_path, BASE, bank_yaml="bank: empty\nframework: kss-p\ntitle: Empty\n",
                     test_yaml=change(TEST, "{count: 3}", "{count: 1}"))
    assert_problem(bank_set, "bank.yaml", 1, 1, "a bank needs at least one item")


def test_a_scenario_needs_items_and_fields(tmp_path: Path) -> None:
    scenario_part = BANK[BANK.index("scenarios:"):]
    bank = BANK.replace(scenario_part, textwrap.dedent("""\
        scenarios:
          - id: sc-1
            title: The Smith family
            txet: A vignette.
            items: []
    """))
    bank_set = check(tmp_path, BASE, bank_yaml=bank, test_yaml=TEST[: TEST.index("  - section: reasoning")])
    assert_problem(bank_set, "bank.yaml", 40, 5, "unknown key 'txet' in scenario (did you mean 'text'?)")
    assert not [p for p in bank_set.problems if "missing required key 'text'" in p.message]  # said once, as 'txet'
    assert_problem(bank_set, "bank.yaml", 41, 12, "'items' must not be empty")
    assert bank_set.banks["core"].scenarios == []


FRAMEWORK_CASES = [
    ("framework: kss-p", "framework: kss p", 1, 12, "'kss p' is not a valid framework id"),
    ("level: practitioner", "level: Practitioner Level", 3, 8, "'level' must be a slug"),
    ("title: Practitioner KSS", "titel: Practitioner KSS", 2, 1,
     "unknown key 'titel' in framework (did you mean 'title'?)"),
    ("code: P2", "code: P1", 11, 11, "duplicate statement code 'P1' (first at line 6)"),
    ("code: P2", "code: P2-is-much-too-long-to-be-a-code", 11, 11, "is not a valid statement code"),
    ("summary: More words.", "summary: More <em>words</em>.", 13, 14, "raw HTML '<em>' is not allowed in 'summary'"),
    ('url: "https://www.gov.uk/kss"', 'url: "ftp://example.org/kss"', 10, 27,
     "'url' must be an http:// or https:// address, not 'ftp://example.org/kss'"),
    ("{title: KSS, ", "{", 10, 9, "missing required key 'title' in resource"),
]


@pytest.mark.parametrize(("old", "new", "line", "column", "fragment"), FRAMEWORK_CASES)
def test_framework_problems(tmp_path: Path, old: str, new: str, line: int, column: int, fragment: str) -> None:
    bank_set = check(tmp_path, BASE, fw_yaml=change(FRAMEWORK, old, new))
    assert_problem(bank_set, "fw.yaml", line, column, fragment)


@pytest.mark.parametrize(("fixture", "old", "new", "key", "noun"), [
    ("bank", "    options:\n      - text: Right", "    optoins:\n      - text: Right", "options", "item"),
    ("bank", "    stem:", "    question:", "stem", "item"),
    ("fw", "title: Practitioner KSS", "titel: Practitioner KSS", "title", "framework"),
    ("test", "    draw: {scenarios: 1}", "    drew: {scenarios: 1}", "draw", "section"),
])
def test_a_misspelt_required_key_is_said_once_not_also_missing(
        tmp_path: Path, fixture: str, old: str, new: str, key: str, noun: str) -> None:
    """The unknown key already says "did you mean '<key>'"; the key is not reported missing as well."""
    texts = {"bank": ("bank_yaml", BANK), "fw": ("fw_yaml", FRAMEWORK), "test": ("test_yaml", TEST)}
    name, text = texts[fixture]
    bank_set = check(tmp_path, BASE, **{name: change(text, old, new)})
    said = [p.message for p in bank_set.problems]
    assert any(f"did you mean '{key}'?" in m for m in said), said
    assert f"missing required key '{key}' in {noun}" not in said, said


def test_framework_needs_statements(tmp_path: Path) -> None:
    framework = FRAMEWORK[: FRAMEWORK.index("statements:")] + "statements: []\n"
    bank_set = check(tmp_path, {"fw.yaml": framework})
    assert located(bank_set) == [("fw.yaml", 5, 13, "'statements' must not be empty")]


TEST_CASES = [
    ("time_limit_minutes: 30", "time_limit_minutes: 0", 4, 21,
     "'time_limit_minutes' must be a number greater than 0 and at most 600, not 0"),
    ("time_limit_minutes: 30", "time_limit_minutes: -1", 4, 21, "not -1"),
    ("time_limit_minutes: 30", "time_limit_minutes: sixty", 4, 21, "not 'sixty'"),
    ("time_limit_minutes: 30", "time_limit_minutes: 601", 4, 21, "not 601"),
    ("time_limit_minutes: 30", "time_limit_minutes: .nan", 4, 21, "not .nan"),
    ("time_limit_minutes: 30", "time_limit_minutes: true", 4, 21, "not true"),
    ("time_limit_minutes: 30\n", "", 1, 1, "missing required key 'time_limit_minutes' in test"),
    ("pass_mark_percent: 60", "pass_mark_percent: 101", 5, 20,
     "'pass_mark_percent' must be a number from 0 to 100, not 101"),
    ("title: Mock A", "title: Mock <i>A</i>", 2, 8, "raw HTML '<i>' is not allowed in 'title'"),
    ("test: mock-a", "test: mock/a", 1, 7, "'mock/a' is not a valid test id"),
    ("framework: kss-p", "framework: kss-q", 3, 12, "unknown framework 'kss-q' (did you mean 'kss-p'?)"),
    ("  - section: reasoning", "  - section: knowledge", 9, 14,
     "section 'knowledge' appears twice in this test (first at line 7)"),
    ("section: reasoning", "section: reasonning", 9, 14, "unknown section 'reasonning'"),
    ("section: reasoning", "section: reasoning\n    framework: kss-z", 10, 16, "unknown framework 'kss-z'"),
    ("{count: 3}", "{count: 0}", 8, 19, "'count' must be a whole number of at least 1, not 0"),
    ("{count: 3}", "{count: three}", 8, 19, "'count' must be a whole number of at least 1, not 'three'"),
    ("{count: 3}", "{cuont: 3}", 8, 12, "unknown key 'cuont' in draw (did you mean 'count'?)"),
    ("{count: 3}", "{count: 3, items: [p-001]}", 8, 22,
     "'draw' must have exactly one of count, per_statement, scenarios, items; found 'count' and 'items'"),
    ("{count: 3}", "{}", 8, 5, "'draw' needs one of: count, per_statement, scenarios, items"),
    ("{count: 3}", "18", 8, 11, "'draw' must be a mapping with one of"),
    ("{count: 3}", "{items: []}", 8, 19, "'items' must not be empty"),
    ("{count: 3}", "{count: 4}", 8, 19,
     "section 'knowledge' draws 4 items but only 3 standalone knowledge items exist for framework 'kss-p'"),
    ("{count: 3}", "{per_statement: 3}", 8, 27,
     "section 'knowledge' draws 3 items per statement but statement 'P1' has only 2 standalone knowledge "
     "items for framework 'kss-p'"),
    ("{count: 3}", "{per_statement: 3}", 8, 27, "statement 'P2' has only 2 standalone knowledge items"),
    ("{count: 3}", "{per_statement: 2}", 8, 27,
     "section 'knowledge' draws 2 items for each of 2 statements (4 in all) but only 3 distinct "
     "standalone knowledge items exist for framework 'kss-p'"),
    ("{scenarios: 1}", "{scenarios: 2}", 10, 23,
     "section 'reasoning' draws 2 scenarios but only 1 scenario with only reasoning items exists "
     "for framework 'kss-p'"),
    ("{count: 3}", "{items: [p-001, r-001, nope, p-001]}", 8, 27,
     "item 'r-001' is a reasoning item, so it cannot be drawn in section 'knowledge'"),
    ("{count: 3}", "{items: [p-001, r-001, nope, p-001]}", 8, 34, "unknown item 'nope' in section 'knowledge'"),
    ("{count: 3}", "{items: [p-001, r-001, nope, p-001]}", 8, 40,
     "item 'p-001' is listed twice in this draw (first at line 8)"),
    ("{count: 3}", "{items: [p 1]}", 8, 20, "'p 1' is not a valid item id"),
    ("{min_percent: 75, label: Secure}",
     "{min_percent: 50, label: Secure}\n  - {min_percent: 75, label: Good}", 13, 19,
     "bands must go from the highest min_percent down: 75 is not below 50 (line 12)"),
    ("{min_percent: 0, label: Developing}", "{min_percent: 10, label: Developing}", 13, 19,
     "the last band must have min_percent 0, not 10"),
    ("label: Developing", "label: Secure", 13, 29, "duplicate band label 'Secure' (first at line 12)"),
    ("{min_percent: 75, label: Secure}", "{min_percent: 175, label: Secure}", 12, 19,
     "'min_percent' must be a number from 0 to 100, not 175"),
    ("  - {min_percent: 75, label: Secure}\n  - {min_percent: 0, label: Developing}\n", "  []\n", 12, 3,
     "'bands' must not be empty"),
]


@pytest.mark.parametrize(("old", "new", "line", "column", "fragment"), TEST_CASES)
def test_test_problems(tmp_path: Path, old: str, new: str, line: int, column: int, fragment: str) -> None:
    bank_set = check(tmp_path, BASE, test_yaml=change(TEST, old, new))
    assert_problem(bank_set, "test.yaml", line, column, fragment)


def test_shuffle_options_must_be_a_boolean(tmp_path: Path) -> None:
    bank_set = check(tmp_path, BASE, test_yaml=TEST + "shuffle_options: sometimes\n")
    assert located(bank_set) == [
        ("test.yaml", 14, 18, "'shuffle_options' must be true or false, not 'sometimes'")]


def test_an_item_drawn_by_two_fixed_lists(tmp_path: Path) -> None:
    test = change(TEST, "{count: 3}", "{items: [p-001]}")
    test = change(test, "{scenarios: 1}", "{items: [p-001]}")
    bank_set = check(tmp_path, BASE, test_yaml=test)
    assert_problem(bank_set, "test.yaml", 10, 20, "item 'p-001' is already drawn in section 'knowledge' (line 8)")
    assert_problem(bank_set, "test.yaml", 10, 20, "item 'p-001' is a knowledge item")


def test_fixed_items_must_belong_to_the_sections_framework(tmp_path: Path) -> None:
    other_framework = change(FRAMEWORK, "framework: kss-p", "framework: kss-other")
    other_bank = change(BANK[: BANK.index("  - id: p-002")], "bank: core", "bank: other")
    other_bank = change(other_bank, "framework: kss-p", "framework: kss-other")
    other_bank = change(other_bank, "id: p-001", "id: o-001")
    test = change(TEST, "{count: 3}", "{items: [p-001, o-001]}")
    bank_set = check(tmp_path, {**BASE, "fw2.yaml": other_framework, "other.yaml": other_bank}, test_yaml=test)
    assert located(bank_set) == [
        ("test.yaml", 8, 27, "item 'o-001' is from framework 'kss-other', but section 'knowledge' draws "
                             "from framework 'kss-p' (and the item's also_keyed does not name it)")]


def test_section_framework_overrides_the_tests(tmp_path: Path) -> None:
    other_framework = change(FRAMEWORK, "framework: kss-p", "framework: kss-other")
    test = change(TEST, "  - section: reasoning\n", "  - section: reasoning\n    framework: kss-other\n")
    bank_set = check(tmp_path, {**BASE, "fw2.yaml": other_framework}, test_yaml=test)
    assert located(bank_set) == [
        ("test.yaml", 11, 23, "section 'reasoning' draws 1 scenario but only 0 scenarios with only "
                              "reasoning items exist for framework 'kss-other'")]
    assert bank_set.tests["mock-a"].sections[1].framework == "kss-other"


def test_an_items_problems_do_not_also_cause_a_shortfall(tmp_path: Path) -> None:
    bank_set = check(tmp_path, BASE, bank_yaml=change(BANK, "difficulty: 2", "difficulty: 9"))
    assert [p.message.split(",")[0] for p in bank_set.problems] == [
        "'difficulty' must be a whole number from 1 to 3"]


# -- what a file is --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("bank: b\ntitle: T\ntest: t\n", 3, 1,
         "a file must have exactly one of 'framework', 'bank', 'test' or 'crosswalk' at the top level: this one has "
         "both 'bank' (line 1) and 'test'"),
        ("title: T\nitems: []\n", 1, 1,
         "a file must have exactly one of 'framework', 'bank', 'test' or 'crosswalk' at the top level: this one has none"),
        ("bnak: b\ntitle: T\n", 1, 1,
         "a file must have exactly one of 'framework', 'bank', 'test' or 'crosswalk' at the top level: this one has none "
         "(did you mean 'bank' for 'bnak'?)"),
    ],
    ids=["bank-and-test", "none", "misspelt"],
)
def test_file_kind(tmp_path: Path, text: str, line: int, column: int, message: str) -> None:
    bank_set = check(tmp_path, {**BASE, "odd.yaml": text})
    assert located(bank_set) == [("odd.yaml", line, column, message)]


# -- problems from the YAML loader, through load_bank_set ----------------------------------------


@pytest.mark.parametrize(
    ("data", "line", "column", "fragment"),
    [
        (b"", 1, 1, "file is empty"),
        (b"- a\n- b\n", 1, 1, "the top level must be a mapping"),
        (b"bank: x\nframework: kss-p\n\ttitle: T\n", 3, 1, "tab character in indentation"),
        (b"bank: x\ntitle: caf\xe9\n", 2, 11, "file is not valid UTF-8: byte 0xe9"),
        (b"bank: !!python/object/apply:os.system [echo pwned]\n", 1, 7,
         "tag '!!python/object/apply:os.system' is not allowed"),
        (b"bank: x\nbank: y\n", 2, 1, "duplicate key 'bank' (first at line 1)"),
        (b"bank: x\n---\ntest: y\n", 2, 1, "more than one YAML document"),
        (b"bank: [\n", 1, 7, "the '[' opened here is not closed"),
        (textwrap.dedent("""\
            bank: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]
            b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
            c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
            d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
            e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
            f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
            g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
            h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]
        """).encode(), 6, 8, "document expands to more than 200,000 nodes"),
    ],
    ids=["empty", "list", "tab", "utf8", "python-tag", "duplicate-key", "two-documents", "syntax",
         "billion-laughs"],
)
def test_loader_problems_name_the_file_and_spare_the_others(
        tmp_path: Path, data: bytes, line: int, column: int, fragment: str) -> None:
    write_files(tmp_path, BASE)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "bad.yaml").write_bytes(data)
    bank_set = load_bank_set([tmp_path], base=tmp_path)
    assert_problem(bank_set, "sub/bad.yaml", line, column, fragment)
    assert {p.file for p in bank_set.problems} == {"sub/bad.yaml"}
    assert len(bank_set.files) == 4
    assert "kss-p" in bank_set.frameworks and "core" in bank_set.banks and "mock-a" in bank_set.tests


# -- across files ----------------------------------------------------------------------------


def test_duplicate_item_across_two_files_names_both(tmp_path: Path) -> None:
    extra = change(BANK[: BANK.index("  - id: p-002")], "bank: core", "bank: extra")
    bank_set = check(tmp_path, {**BASE, "more/extra.yaml": extra})
    assert located(bank_set) == [
        ("more/extra.yaml", 5, 9, "duplicate item id 'p-001' (first defined at bank.yaml:5)")]
    assert [i.key for i in bank_set.banks["extra"].items] == []
    assert len(bank_set.items()) == 5


@pytest.mark.parametrize(
    ("name", "text", "line", "column", "message"),
    [
        ("zz.yaml", FRAMEWORK, 1, 12, "duplicate framework id 'kss-p' (first defined at fw.yaml:1)"),
        ("zz.yaml", BANK, 1, 7, "duplicate bank id 'core' (first defined at bank.yaml:1)"),
        ("zz.yaml", TEST, 1, 7, "duplicate test id 'mock-a' (first defined at test.yaml:1)"),
        ("zz.yaml", "bank: zz\nframework: kss-p\ntitle: Z\n" + BANK[BANK.index("scenarios:"):].replace(
            "r-00", "z-00"), 5, 9, "duplicate scenario id 'sc-1' (first defined at bank.yaml:38)"),
    ],
    ids=["framework", "bank", "test", "scenario"],
)
def test_duplicate_ids_across_files(tmp_path: Path, name: str, text: str, line: int, column: int,
                                    message: str) -> None:
    bank_set = check(tmp_path, {**BASE, name: text})
    assert located(bank_set) == [(name, line, column, message)]


def test_unknown_framework_of_a_bank(tmp_path: Path) -> None:
    bank_set = check(tmp_path, BASE, bank_yaml=change(BANK, "framework: kss-p", "framework: kss-x"))
    assert_problem(bank_set, "bank.yaml", 2, 12, "unknown framework 'kss-x' (did you mean 'kss-p'?)")


def test_unknown_framework_when_there_is_none_close(tmp_path: Path) -> None:
    bank_set = check(tmp_path, {"bank.yaml": BANK})
    assert located(bank_set) == [
        ("bank.yaml", 2, 12, "unknown framework 'kss-p' (none of the files given defines it)")]


# -- finding files, labels, the command ----------------------------------------------------------


def test_find_bank_files(tmp_path: Path) -> None:
    write_files(tmp_path, {"b/two.yml": "x: 1\n", "a/one.yaml": "x: 1\n", "notes.txt": "",
                           ".git/x.yaml": "", "a/.hidden.yaml": "", "c/deep/three.yaml": "x: 1\n"})
    labels = [label for label, _ in find_bank_files([tmp_path], tmp_path)]
    assert labels == ["a/one.yaml", "b/two.yml", "c/deep/three.yaml"]
    again = find_bank_files([tmp_path / "b", tmp_path, tmp_path / "notes.txt"], tmp_path)
    assert [label for label, _ in again] == ["a/one.yaml", "b/two.yml", "c/deep/three.yaml", "notes.txt"]


def test_labels_outside_base_are_absolute(tmp_path: Path) -> None:
    write_files(tmp_path, {"in/a.yaml": "x: 1\n"})
    bank_set = load_bank_set([tmp_path / "in"], base=tmp_path / "elsewhere")
    assert bank_set.files == [(tmp_path / "in" / "a.yaml").as_posix()]


def test_default_base_is_the_current_directory(tmp_path: Path, monkeypatch) -> None:
    write_files(tmp_path, {"banks/a.yaml": "x: 1\n"})
    monkeypatch.chdir(tmp_path)
    assert load_bank_set(["banks"]).problems[0].file == "banks/a.yaml"


def test_missing_path_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nope"):
        load_bank_set([tmp_path / "nope"])


def test_run_validate_valid(tmp_path: Path, monkeypatch) -> None:
    write_files(tmp_path, BASE)
    monkeypatch.chdir(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    assert run_validate(["."], out, err) == 0
    assert out.getvalue() == "3 files, 1 frameworks, 1 banks, 1 scenarios, 5 items, 1 tests: 0 errors\n"
    assert err.getvalue() == ""


def test_run_validate_invalid(tmp_path: Path, monkeypatch) -> None:
    write_files(tmp_path, {**BASE, "bank.yaml": change(BANK, "difficulty: 2", "difficulty: 4"),
                           "test.yaml": change(TEST, "{count: 3}", "{count: 9}")})
    monkeypatch.chdir(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    assert run_validate([str(tmp_path)], out, err) == 1
    assert out.getvalue().splitlines() == [
        "bank.yaml:9:17: 'difficulty' must be a whole number from 1 to 3, not 4",
        "test.yaml:8:19: section 'knowledge' draws 9 items but only 3 standalone knowledge items exist "
        "for framework 'kss-p'",
        "3 files, 1 frameworks, 1 banks, 1 scenarios, 4 items, 1 tests: 2 errors",
    ]


def test_run_validate_missing_path(tmp_path: Path) -> None:
    out = io.StringIO()
    with pytest.raises(FileNotFoundError) as raised:
        run_validate([tmp_path / "missing"], out, io.StringIO())
    assert raised.value.filename == str(tmp_path / "missing")
    assert out.getvalue() == ""


def test_run_validate_warns_when_no_files(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert run_validate([tmp_path], out, err) == 0
    assert "no *.yaml or *.yml files found" in err.getvalue()


# -- never raises ----------------------------------------------------------------------------

YAMLISH = st.lists(
    st.sampled_from([
        "bank: b\n", "framework: kss-p\n", "test: t\n", "title: T\n", "items:\n", "scenarios:\n",
        "  - id: x\n", "    type: single\n", "    options:\n", "      - text: a\n", "correct: true\n",
        "sections:\n", "  - section: knowledge\n", "    draw: {count: 1}\n", "bands:\n",
        "statements: [P1]\n", "- ", "  ", "\t", "\n", ": ", "&a ", "*a ", "[", "]", "{", "}", ",",
        "'", '"', "|\n", ">\n", "<script>", "!!python/object:os.system ", "!x ", "---\n", "...\n",
        "<<: ", "? ", "#", "%YAML 1.1\n", "é", "\x00", "\ufeff", "1e9", ".nan", "~", "yes",
    ]),
    max_size=40,
).map("".join)


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("fuzz")
    write_files(root, {"fw.yaml": FRAMEWORK})
    return root


def _load_never_raises(root: Path, data: bytes) -> None:
    (root / "fuzz.yaml").write_bytes(data)
    bank_set = load_bank_set([root], base=root)
    assert bank_set.problems == sorted(bank_set.problems)
    assert all(p.line >= 1 and p.column >= 1 and p.message for p in bank_set.problems)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=400))
def test_arbitrary_bytes_never_raise(fuzz_dir: Path, data: bytes) -> None:
    _load_never_raises(fuzz_dir, data)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=YAMLISH | st.text(max_size=200))
def test_yamlish_text_never_raises(fuzz_dir: Path, text: str) -> None:
    _load_never_raises(fuzz_dir, text.encode("utf-8", "surrogatepass"))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(position=st.integers(min_value=0, max_value=len(BANK)), insert=YAMLISH,
       cut=st.integers(min_value=0, max_value=30))
def test_mutated_banks_never_raise(fuzz_dir: Path, position: int, insert: str, cut: int) -> None:
    text = BANK[:position] + insert + BANK[position + cut:]
    _load_never_raises(fuzz_dir, text.encode("utf-8", "surrogatepass"))


@pytest.mark.parametrize("enabled", [True, False], ids=["collector on", "collector off"])
@pytest.mark.parametrize("fails", [False, True], ids=["loads", "raises"])
def test_loading_leaves_the_cycle_collector_as_it_found_it(tmp_path: Path, monkeypatch, enabled: bool,
                                                          fails: bool) -> None:
    """load_bank_set pauses the cycle collector for speed; afterwards it is on or off as before,
    even when loading raises."""
    import gc

    from quizapp.banks import validate

    write_files(tmp_path, {"f.yaml": "framework: f\n"})
    if fails:
        def broken(*args, **kwargs):
            assert not gc.isenabled()
            raise OSError("disk gone")
        monkeypatch.setattr(validate, "load_path", broken)
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        if fails:
            with pytest.raises(OSError):
                load_bank_set([tmp_path], base=tmp_path)
        else:
            load_bank_set([tmp_path], base=tmp_path)
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
