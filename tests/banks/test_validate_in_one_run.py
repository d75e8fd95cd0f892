"""Every independent error in one run: a draft with eight mistakes gets all eight; a file that
cannot be read causes no knock-on errors in the files that use it, and says once which checks
were skipped; warnings and the parser's own words reach `quizapp validate`'s output."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from quizapp.banks.validate import load_bank_set
from quizapp.cli.validate import run_validate
from tests.banks.test_validate import BASE, FRAMEWORK, write_files

# Eight independent mistakes, one per numbered comment's line (the draft of a new trainer).
DRAFT = """\
bank: draft
framework: kss-p
title: Draft bank
items:
  - id: d-001
    type: single
    section: knowledge
    statements: [P1]
    stem: What does section 31 say? #1 mistake one
    options:
      - text: One
        correct: yes
      - text: Two
    rationale: Because.
  - id: d-002
    type: single
    section: knowledge
\tstatements: [P9]
    stem: Which is true: a or b
    difficulty: 4
    options:
      - text: "Unclosed
        correct: true
      - text: Four
    explanation: Because.
"""
DRAFT_TEST = """\
test: draft-mock
title: Draft mock
framework: kss-p
time_limit_minutes: 10
sections:
  - section: knowledge
    draw:
      items: [d-001, d-002]
"""
EXPECTED = [
    ("draft.yaml", 9, "warning", "'#1 mistake one' is left out"),
    ("draft.yaml", 12, "error", "'correct' must be true or false, not yes"),
    ("draft.yaml", 18, "error", "tab character in indentation"),
    ("draft.yaml", 18, "error", "unknown statement code 'P9'"),
    ("draft.yaml", 19, "error", "the text after 'stem:' holds ': '"),
    ("draft.yaml", 20, "error", "'difficulty' must be a whole number from 1 to 3, not 4"),
    ("draft.yaml", 22, "error", 'the quote " opened here is never closed'),
    ("draft.yaml", 25, "error", "unknown key 'explanation' in item (did you mean 'rationale'?"),
    ("mock.yaml", 1, "error", "missing required key 'pass_mark_percent' in test"),
]


def test_a_draft_with_eight_mistakes_gets_them_all_in_one_run(tmp_path: Path) -> None:
    write_files(tmp_path, {"fw.yaml": FRAMEWORK, "draft.yaml": DRAFT, "mock.yaml": DRAFT_TEST})
    bank_set = load_bank_set([tmp_path], base=tmp_path)
    found = sorted([(p.file, p.line, "error", p.message) for p in bank_set.problems]
                   + [(w.file, w.line, "warning", w.message) for w in bank_set.warnings])
    assert len(found) == len(EXPECTED), "\n".join(map(str, found))
    for (file, line, kind, message), (e_file, e_line, e_kind, fragment) in zip(found, EXPECTED):
        assert (file, line, kind) == (e_file, e_line, e_kind), found
        assert fragment in message, (message, fragment)
    assert bank_set.notes == []


UNREADABLE = "bank: core\nframework: kss-p\ntitle\nitems: []\n"  # a key without ':' (no sure fix)


@pytest.mark.parametrize(
    ("files", "unreadable"),
    [
        pytest.param({"bank.yaml": UNREADABLE}, "bank.yaml", id="bank-the-test-draws-from"),
        pytest.param({"fw.yaml": "framework: kss-p\ntitle\n"}, "fw.yaml", id="framework-the-others-name"),
        pytest.param({"fixed.yaml": DRAFT_TEST.replace("time_limit_minutes: 10", "time_limit_minutes: 10\n"
                                                       "pass_mark_percent: 60").replace("d-001, d-002", "p-001"),
                      "bank.yaml": UNREADABLE}, "bank.yaml", id="bank-of-a-fixed-item"),
    ],
)
def test_a_file_that_cannot_be_read_causes_no_knock_on_errors(
        tmp_path: Path, files: dict[str, str], unreadable: str) -> None:
    write_files(tmp_path, {**BASE, **files})
    bank_set = load_bank_set([tmp_path], base=tmp_path)
    assert {p.file for p in bank_set.problems} == {unreadable}, [str(p) for p in bank_set.problems]
    assert len(bank_set.problems) == 1
    (note,) = bank_set.notes
    assert f"because {unreadable} could not be read" in note


def test_checks_across_files_still_run_when_every_file_can_be_read(tmp_path: Path) -> None:
    """The draft's fixed items exist once it can be read (tab and quote errors have sure fixes)."""
    write_files(tmp_path, {"fw.yaml": FRAMEWORK, "draft.yaml": DRAFT, "mock.yaml": DRAFT_TEST,
                           "other.yaml": DRAFT_TEST.replace("draft-mock", "other").replace("d-002", "d-404")})
    bank_set = load_bank_set([tmp_path], base=tmp_path)
    assert any(p.file == "other.yaml" and "unknown item 'd-404'" in p.message for p in bank_set.problems)


def test_cli_prints_warnings_details_and_notes(tmp_path: Path) -> None:
    write_files(tmp_path, {**BASE, "bank.yaml": UNREADABLE,
                           "extra.yaml": "framework: other\ntitle: Other #2\nlevel: practitioner\n"
                                         "statements:\n  - {code: O1, title: T, summary: S}\n"})
    out, err = io.StringIO(), io.StringIO()
    assert run_validate([tmp_path], out, err, base=tmp_path) == 1
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("bank.yaml:3:1: this line has no ':' after its key")
    assert lines[1] == "    YAML parser: could not find expected ':' (while scanning a simple key at line 3)"
    assert lines[2].startswith("extra.yaml:2:14: warning: ' #' starts a comment")
    assert lines[3].startswith("note: some checks across files were skipped because bank.yaml could not be read")
    assert lines[4].endswith(": 1 error, 1 warning")


# A Moodle user's first draft: Moodle's keys, and an option indented with a tab.
MOODLE_DRAFT = """\
bank: moodle-draft
framework: kss-p
title: Moodle draft
items:
  - id: m-001
    type: single
    section: knowledge
    statements: [P1]
    question: What?
    answers:
      - text: x
        correct: true
\t- text: y
    rationale: Because.
"""


def test_moodle_keys_and_a_tab_are_said_once_each_without_knock_on_errors(tmp_path: Path) -> None:
    """Walking through an upload as a trainer: 15 problems for 3 mistakes. 'question' already says
    "did you mean 'stem'", so 'stem' is not also reported missing; the tab line is read as the
    second answer (beside its sibling), so no stray item "misses" every required key."""
    write_files(tmp_path, {"fw.yaml": FRAMEWORK, "draft.yaml": MOODLE_DRAFT})
    bank_set = load_bank_set([tmp_path], base=tmp_path)
    found = [(p.line, p.message.split(" (")[0]) for p in bank_set.problems]
    assert found == [(9, "unknown key 'question' in item"), (10, "unknown key 'answers' in item"),
                     (13, "tab character in indentation: indent with spaces only")]
