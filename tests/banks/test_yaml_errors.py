"""YAML syntax errors come out in plain English, at the line to look at, with the likely fix;
the parser's own words are kept as the problem's detail. After an error that has a sure fix the
file is read on, so later errors in the same file are found in the same run."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizapp.banks import yamlsafe
from quizapp.banks.yamlsafe import load_yaml


@pytest.fixture(autouse=True, params=["libyaml", "pure-python"])
def parser(request, monkeypatch):
    """Every explanation holds for libyaml's parser and PyYAML's own (their words differ)."""
    if request.param == "pure-python":
        monkeypatch.setattr(yamlsafe, "Loader", yaml.SafeLoader)
    elif not getattr(yaml, "__with_libyaml__", False):
        pytest.skip("libyaml is not installed")

# The parser's own phrases: none may be the message itself (they may be the detail).
PARSER_WORDS = ("did not find expected", "could not find expected", "mapping values are not allowed",
                "found unexpected end of stream", "while scanning", "while parsing", "cannot start any token",
                "found unknown escape", "block sequence entries")


@pytest.mark.parametrize(
    ("text", "line", "column", "fragment"),
    [
        pytest.param("items:\n  - id: a\n  type: single\n", 3, 3,
                     "not lined up with the list above it", id="expected-dash-indicator"),
        pytest.param("stem: Which is true: a or b\n", 1, 20,
                     "the text after 'stem:' holds ': '", id="colon-in-text"),
        pytest.param("items:\n  - id: a\n     type: single\n", 3, 10,
                     "indented more than line 2 above it", id="indented-too-far"),
        pytest.param("bank: x\ntitle\nframework: y\n", 2, 1,
                     "this line has no ':' after its key", id="missing-colon"),
        pytest.param("items:\n  - stem: This is a long\n    question about it\n    type: single\n", 3, 5,
                     "seems to continue the text of 'stem' above", id="text-runs-on-at-the-keys-column"),
        pytest.param("title:x\nbank: y\n", 1, 6, "a key needs a space after its ':'", id="no-space-after-colon"),
        pytest.param('title: "unclosed\nframework: x\n', 1, 8,
                     'the quote " opened here is never closed', id="unclosed-double-quote"),
        pytest.param("title: 'unclosed\nframework: x\n", 1, 8,
                     "the quote ' opened here is never closed", id="unclosed-single-quote"),
        pytest.param("statements: [P1, P2\nframework: x\n", 1, 13,
                     "the '[' opened here is not closed", id="unclosed-bracket"),
        pytest.param("x: {a: 1\ny: 2\n", 1, 4, "the '{' opened here is not closed", id="unclosed-brace"),
        pytest.param("bank: [\n", 1, 7, "the '[' opened here is not closed", id="bracket-at-end-of-file"),
        pytest.param("items:\n  - id: a\n    options:\n      - text: x\n     correct: true\n", 5, 6,
                     "lines up with no key above it", id="indentation-matches-nothing"),
        pytest.param("a: b\n- c\n", 2, 1, "a list entry ('- ') cannot start here", id="list-entry-after-value"),
        pytest.param("title: 'It's fine'\n", 1, 12, "text follows the closing quote", id="apostrophe-in-quotes"),
        pytest.param('text: "She said "no" then"\n', 1, 18, "text follows the closing quote",
                     id="quote-in-double-quotes"),
        pytest.param("stem: [Draft] What is x?\n", 1, 15, "a value starting with '[' is read as a list",
                     id="text-starting-with-bracket"),
        pytest.param("title: @home\n", 1, 8, "a value cannot start with '@'", id="at-sign"),
        pytest.param("title: `code`\n", 1, 8, "a value cannot start with '`'", id="backtick"),
        pytest.param("items:\n  - @id: x\n", 2, 5, "a key cannot start with '@'", id="at-sign-in-key"),
        pytest.param("stem: *Important* note\n", 1, 7, "a value starting with '*'", id="markdown-emphasis"),
        pytest.param('title: "C:\\path"\n', 1, 11, "a backslash starts a special character", id="bad-escape"),
        pytest.param("stem: | hi\n", 1, 9, "nothing but a comment may follow '|'", id="text-after-pipe"),
        pytest.param("a: -\n", 1, 4, "'- ' starts a list entry, which cannot follow a key", id="dash-after-key"),
        pytest.param("a: 1\n...\nb: 2\n", 3, 1, "'...' ends the YAML document", id="document-end"),
    ],
)
def test_syntax_error_in_plain_english(text: str, line: int, column: int, fragment: str) -> None:
    problems = load_yaml(text, "f.yaml").problems
    assert problems, text
    first = problems[0]
    assert (first.line, first.column) == (line, column), [str(p) for p in problems]
    assert fragment in first.message, first.message
    assert not any(words in first.message for words in PARSER_WORDS), first.message
    assert first.detail.startswith("YAML parser: "), first.detail


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        pytest.param("a: 1\nb: 2\na: 3\n", "remove or rename one", id="duplicate-key"),
        pytest.param("a: *nowhere\n", "put the text in quotes", id="undefined-alias"),
    ],
)
def test_builder_errors_say_what_to_do(text: str, fragment: str) -> None:
    (problem,) = load_yaml(text).problems
    assert fragment in problem.message


def test_errors_with_a_sure_fix_do_not_stop_the_file_being_read() -> None:
    text = ('bank: x\ntitle: "unclosed\nstem: Which is true: a or b\nstatements: [P1, P2\n'
            "title2: 'ok'\nnote: @home\nd: 1\nd: 2\n")
    result = load_yaml(text, "f.yaml")
    assert [p.line for p in result.problems] == [2, 3, 4, 6, 8]
    assert result.value is not None
    assert result.value["stem"] == "Which is true: a or b"
    assert result.value["statements"] == ["P1", "P2"]


def test_text_that_runs_on_is_read_as_the_author_meant() -> None:
    result = load_yaml("items:\n  - stem: This is a long\n    question about it\n    type: single\n"
                       "    type: again\n", "f.yaml")
    assert [p.line for p in result.problems] == [3, 5]
    assert result.value["items"][0]["stem"] == "This is a long question about it"


def test_an_error_without_a_sure_fix_stops_the_file() -> None:
    result = load_yaml("bank: x\ntitle\nframework: y\nframework: z\n", "f.yaml")
    assert result.value is None
    assert [p.line for p in result.problems] == [2]


@pytest.mark.parametrize(
    ("text", "expected_tabs", "others"),
    [
        pytest.param("bank: x\nitems:\n  - id: a\n\t  stem: q\n    stem: again\n", [4], [5], id="tab-then-duplicate"),
        pytest.param("a:\n\tb: 1\nc: 'x\n", [2], [3], id="tab-then-unclosed-quote"),
        pytest.param("a: \x07bell\nb: 1\nb: 2\n", [1], [3], id="control-character-then-duplicate"),
    ],
)
def test_checks_before_parsing_do_not_hide_the_rest(text: str, expected_tabs: list[int], others: list[int]) -> None:
    """A tab in indentation (or a forbidden character) is reported, and the file is still read."""
    problems = load_yaml(text, "f.yaml").problems
    assert [p.line for p in problems] == expected_tabs + others, [str(p) for p in problems]


def test_undecodable_bytes_do_not_hide_the_rest() -> None:
    problems = load_yaml(b"a: caf\xe9\nb: 1\nb: 2\n", "f.yaml").problems
    assert [(p.line, p.message.split(":")[0]) for p in problems] == [
        (1, "file is not valid UTF-8"), (3, "duplicate key 'b' (first at line 2)")]


@pytest.mark.parametrize(
    ("text", "warned"),
    [
        pytest.param("stem: What does section 31 say? #1 see notes\n", [(1, 33, "'#1 see notes' is left out")],
                     id="prose-then-comment"),
        pytest.param("title: Safeguarding #1\n", [(1, 21, "'#1' is left out")], id="one-word-then-hash"),
        pytest.param("options:\n  - text: Call the police #first\n", [(2, 27, "'#first' is left out")],
                     id="list-entry"),
        pytest.param("items:\n  - pk-001  # P1 single\n", [], id="comment-after-id"),
        pytest.param("difficulty: 2 # harder\n", [], id="comment-after-number"),
        pytest.param('stem: "What is #1?" # fine\n', [], id="quoted"),
        pytest.param("stem: C# and F#\n", [], id="hash-without-space"),
        pytest.param("# a comment\nstem: text\n", [], id="own-line-comment"),
    ],
)
def test_comment_that_cuts_text_is_warned(text: str, warned: list[tuple[int, int, str]]) -> None:
    result = load_yaml(text, "f.yaml")
    assert result.problems == []
    assert [(w.line, w.column) for w in result.warnings] == [(line, column) for line, column, _ in warned]
    for warning, (_, _, fragment) in zip(result.warnings, warned):
        assert fragment in warning.message and "quotes" in warning.message


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=" \t\n-:#'\"[]{}|>*&!@`%,?abc1\\", max_size=80))
def test_any_text_gives_problems_never_an_exception(text: str) -> None:
    """The explanations and the fixes made to read on never raise, and always end."""
    result = load_yaml(text, "f.yaml")
    assert all(p.file == "f.yaml" and p.line >= 1 and p.column >= 1 for p in result.problems)
    if result.value is None:
        assert result.problems
