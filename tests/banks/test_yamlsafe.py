"""The safe, located YAML loader: values, marks, and every kind of refused input."""

from __future__ import annotations

import textwrap

import pytest
import yaml

from quizapp.banks import yamlsafe
from quizapp.banks.yamlsafe import (
    INVALID,
    MAX_ALIASES,
    MAX_DEPTH,
    MAX_FILE_BYTES,
    LocatedDict,
    LocatedList,
    load_path,
    load_yaml,
)

BILLION_LAUGHS = textwrap.dedent("""\
    a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
    d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
    e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
    f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
    g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
    h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
    i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
""")


def load(text: str | bytes):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return load_yaml(data, "f.yaml")


def located(problems) -> list[tuple[int, int, str]]:
    return [(p.line, p.column, p.message) for p in problems]


# -- values and marks ---------------------------------------------------------------------


def test_values_and_marks_are_kept() -> None:
    result = load(textwrap.dedent("""\
        title: Plain text
        count: 3
        share: 0.25
        flag: true
        empty:
        list:
          - one
          - {text: two}
        block: |
          line one
          line two
    """))
    assert result.problems == []
    root = result.value
    assert isinstance(root, LocatedDict)
    assert root == {
        "title": "Plain text", "count": 3, "share": 0.25, "flag": True, "empty": None,
        "list": ["one", {"text": "two"}], "block": "line one\nline two\n",
    }
    assert root.mark == (1, 1)
    assert root.key_mark("count") == (2, 1)
    assert root.value_mark("count") == (2, 8)
    assert root.value_style("block") == "|"
    items = root["list"]
    assert isinstance(items, LocatedList)
    assert items.mark == (7, 3)
    assert items.element_mark(0) == (7, 5)
    assert items.element_mark(1) == (8, 5)
    assert items[1].value_mark("text") == (8, 12)


def test_scalars_resolve_per_yaml_1_1_and_keep_their_source_text() -> None:
    root = load("a: Yes\nb: 0x1F\nc: 1.10\nd: ~\ne: 2024-01-31\nf: '12'\ng: !!str 12\n").value
    assert root == {"a": True, "b": 31, "c": 1.1, "d": None, "e": "2024-01-31", "f": "12", "g": "12"}
    assert root.source_text("a") == "Yes"
    assert root.source_text("c") == "1.10"


def test_keys_are_the_text_written() -> None:
    root = load("on: 1\n2: two\nnull: 3\n").value
    assert list(root) == ["on", "2", "null"]


def test_aliases_share_the_anchored_value() -> None:
    root = load("a: &x {k: v}\nb: *x\n").value
    assert root["b"] is root["a"]
    assert root.value_mark("b") == (2, 4)


def test_byte_order_mark_and_non_ascii_columns() -> None:
    result = load("\ufefftitle: café\nnext: [é, x]\n".encode("utf-8"))
    assert result.problems == []
    assert result.value["next"].element_mark(1) == (2, 11)


# -- refused input: each problem at its line and column --------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("", [(1, 1, "file is empty")], id="empty"),
        pytest.param("# only a comment\n\n", [(1, 1, "file is empty")], id="comment-only"),
        pytest.param("---\n...\n", [(1, 1, "file is empty")], id="empty-document"),
        pytest.param("- a\n- b\n", [(1, 1, "the top level must be a mapping (lines of 'key: value'), not a list")],
                     id="list-top-level"),
        pytest.param("just text\n", [(1, 1, "the top level must be a mapping (lines of 'key: value'), not a single value")],
                     id="scalar-top-level"),
        pytest.param("a: 1\n---\nb: 2\n", [(2, 1, "more than one YAML document in the file")],
                     id="two-documents"),
        pytest.param("a: 1\nb: 2\na: 3\n", [(3, 1, "duplicate key 'a' (first at line 1)")],
                     id="duplicate-key"),
        pytest.param("x:\n  a: 1\n  a: 2\n", [(3, 3, "duplicate key 'a' (first at line 2)")],
                     id="duplicate-nested-key"),
        pytest.param("a: !!python/object/apply:os.system [echo hi]\n",
                     [(1, 4, "tag '!!python/object/apply:os.system' is not allowed")], id="python-tag"),
        pytest.param("a: !!python/name:os.system\n", [(1, 4, "tag '!!python/name:os.system' is not allowed")],
                     id="python-name"),
        pytest.param("a: !custom x\n", [(1, 4, "tag '!custom' is not allowed")], id="custom-tag"),
        pytest.param("a: !!binary aGVsbG8=\n", [(1, 4, "tag '!!binary' is not allowed")], id="binary"),
        pytest.param("a: !!set {x, y}\n", [(1, 4, "tag '!!set' is not allowed")], id="set"),
        pytest.param("a: !!int ten\n", [(1, 4, "'ten' is not a valid !!int value")], id="bad-int"),
        pytest.param("base: &b {x: 1}\nc:\n  <<: *b\n",
                     [(3, 3, "merge keys ('<<') are not supported: write the keys out in full")], id="merge-key"),
        pytest.param("a: *nowhere\n", [(1, 4, "alias '*nowhere' has no matching anchor '&nowhere'")],
                     id="unknown-alias"),
        pytest.param("a: &x [1, *x]\n", [(1, 11, "alias '*x' refers to a value that contains it")],
                     id="recursive-alias"),
        pytest.param("? [a, b]\n: 1\nc: 2\n", [(1, 3, "a key must be plain text, not a list")], id="list-key"),
        pytest.param("a: [1\n", [(1, 4, "the '[' opened here is not closed")], id="syntax"),
        pytest.param("title: a: b\n", [(1, 9, "the text after 'title:' holds ': '")],
                     id="colon-in-plain-text"),
        pytest.param("a: ok\nb: \x07bell\n", [(2, 4, "character U+0007 is not allowed in a YAML file")],
                     id="control-character"),
        pytest.param("a:\n\tb: 1\n  c: 2\n  \td: 3\n",
                     [(2, 1, "tab character in indentation: indent with spaces only"),
                      (4, 3, "tab character in indentation: indent with spaces only")], id="tabs"),
        pytest.param("a: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n",
                     [(1, 3 + MAX_DEPTH, f"lists and mappings are nested more than {MAX_DEPTH} deep")],
                     id="too-deep"),
        pytest.param(BILLION_LAUGHS, [(6, 12, "document expands to more than 200,000 nodes")],
                     id="billion-laughs"),
        pytest.param("a: &a x\nb: [" + ", ".join(["*a"] * (MAX_ALIASES + 1)) + "]\n",
                     [(2, 5 + 4 * MAX_ALIASES, f"too many aliases: a file may use at most {MAX_ALIASES}")],
                     id="too-many-aliases"),
    ],
)
def test_refused_input_is_located(text: str, expected: list[tuple[int, int, str]]) -> None:
    result = load(text)
    got = located(result.problems)
    assert len(got) == len(expected), got
    for (line, column, message), (e_line, e_column, e_message) in zip(got, expected):
        assert (line, column) == (e_line, e_column), got
        assert message.startswith(e_message), got


def test_refused_tag_does_not_hide_the_rest_of_the_file() -> None:
    result = load("a: !!python/object/apply:os.system [ls]\nb: fine\nb: again\n")
    assert result.value == {"a": INVALID, "b": "fine"}
    assert [p.line for p in result.problems] == [1, 3]


def test_tab_inside_a_line_is_fine() -> None:
    assert load("a: one\ttwo\n").problems == []


@pytest.mark.parametrize("text", [
    "a: " + "[" * 200_000 + "]" * 200_000,  # flow style: libyaml's scanner (PyYAML >= 6.0.4) may stop it first
    "".join(f"{'  ' * depth}- \n" for depth in range(60)),  # block style: the event builder stops it
])
def test_deep_nesting_does_not_crash_the_interpreter(text: str) -> None:
    # yaml.compose() with libyaml segfaults on input like this; the event builder stops early,
    # and newer libyaml refuses very deep flow nesting itself. Either way: one clear problem.
    result = load(text)
    assert len(result.problems) == 1
    message = result.problems[0].message
    assert "nested more than" in message or "nesting depth" in message, message


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"a: 1\nb: caf\xe9\nc: ok\n", [(2, 7)]),
        (b"\xff\xfe", [(1, 1)]),
        (b"a: \x80\nb: ok\nc: \xc3\n", [(1, 4), (3, 4)]),
    ],
    ids=["latin-1", "utf-16-bom", "two-lines"],
)
def test_undecodable_utf8_is_reported_per_line(data: bytes, expected: list[tuple[int, int]]) -> None:
    problems = load(data).problems
    assert [(p.line, p.column) for p in problems] == expected
    assert all(p.message.startswith("file is not valid UTF-8: byte 0x") for p in problems)


def test_file_size_limit(tmp_path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: " + b"x" * MAX_FILE_BYTES + b"\n")
    result = load_path(path, "big.yaml")
    assert result.value is None
    assert located(result.problems) == [
        (1, 1, "file is larger than 2 MiB (2,097,152 bytes): split it into smaller files")
    ]


def test_unreadable_path_is_a_problem(tmp_path) -> None:
    result = load_path(tmp_path, "dir.yaml")  # a directory cannot be read as a file
    assert result.value is None
    assert result.problems[0].message.startswith("cannot read file")


@pytest.mark.parametrize(
    "text",
    [
        "a: !!python/object/apply:os.system [ls]\n",
        "a: 1\na: 2\n",
        "base: &b {x: 1}\nc:\n  <<: *b\n",
        "a: &x [1, *x]\n",
        "- a\n",
        "",
        "a: 1\n---\nb: 2\n",
        BILLION_LAUGHS,
        "title: Plain\nitems: [{id: x, n: 2, ok: yes}]\n",
    ],
)
def test_pure_python_fallback_behaves_the_same(monkeypatch, text: str) -> None:
    with_libyaml = load(text)
    monkeypatch.setattr(yamlsafe, "Loader", yaml.SafeLoader)
    pure = load(text)
    assert pure.value == with_libyaml.value
    assert pure.problems == with_libyaml.problems
