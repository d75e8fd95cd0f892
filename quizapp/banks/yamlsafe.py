"""Safe YAML loading that keeps where every key and value came from.

Bank files are written by trainers, so the loader must be safe against hostile or broken
input and must say *where* a problem is. :func:`load_yaml` turns one YAML document into
plain Python values — :class:`LocatedDict`, :class:`LocatedList`, ``str``, ``int``,
``float``, ``bool`` and ``None`` — and records the 1-based line and column of every key
and value. It never raises for bad input: it returns the problems it found.

How it works, and why not ``yaml.compose``
------------------------------------------
The values are built directly from the parser's *event stream* (libyaml's
``CSafeLoader`` when PyYAML has it, else the pure-Python ``SafeLoader``). Composing a node
graph first (``yaml.compose``) was rejected: libyaml's composer recurses in C and crashes
the interpreter (segmentation fault) on a 200 KB file of nested brackets, and libyaml's
parser slows down quadratically with nesting depth. The event stream is produced without
recursion, so the builder can stop at :data:`MAX_DEPTH` after a few hundred events.

This module holds the entry points and the checks made on the text before parsing (size,
UTF-8, characters, tabs); the builder is in yaml_events.py, the located values it builds in
located.py (their names are importable from here too), and the explanations of syntax errors
in yaml_errors.py.

Rules (each is reported as a located problem; the file is then unusable or the value is
replaced by :data:`INVALID` so the validator does not report it twice):

- The file may be at most :data:`MAX_FILE_BYTES` (2 MiB).
- It must be UTF-8 (a leading byte-order mark is allowed); every line holding an
  undecodable byte is reported.
- Control characters that YAML forbids are reported at their position.
- Tab characters in a line's indentation are reported (all of them) before parsing, because
  YAML's own message for them is confusing. A tab after the first visible character is fine.
- None of the three checks above stops the file being read: the text is repaired in a copy
  (undecodable bytes and forbidden characters replaced, each tab-indented line put beside
  its siblings by yaml_tabs.py, or failing that each tab tried as :data:`TAB_WIDTHS` spaces)
  and parsed, so the rest of the file is checked in the same run.
- YAML syntax errors are explained in plain English by yaml_errors.py, at the line to look at,
  with the parser's words as the problem's ``detail``. After an error with a sure fix the fix
  is made in a copy and the copy read again (at most :data:`MAX_REPAIRS` times); after one
  without, the file is unusable.
- A plain text value that a `` #`` on its line cut short (a comment starting mid-value) is a
  warning (``LoadResult.warnings``).
- The file must hold exactly one document, which must not be empty, and whose top level
  must be a mapping.
- Mapping keys are taken as the text written (``on:`` is the key ``'on'``, not ``True``);
  a key that is a list, a mapping or an alias is an error. Duplicate keys are errors
  ("duplicate key 'x' (first at line N)"); the first value is kept.
- Only the standard safe tags are accepted: ``!!str``, ``!!int``, ``!!float``,
  ``!!bool``, ``!!null``, ``!!map``, ``!!seq``; timestamps (``2024-01-31``) stay as the
  text written. Any other tag (``!!python/object/apply:...``, ``!!binary``, ``!!set``,
  ``!custom``) is an error: "tag '!!python/object/apply:os.system' is not allowed".
- Merge keys (``<<``) are **not supported**: they are reported as an error asking the
  author to write the keys out in full.
- Anchors and aliases are supported, and bounded: a file may use at most
  :data:`MAX_ALIASES` aliases, and its fully expanded content (each alias counting as
  every node it repeats) may hold at most :data:`MAX_NODES` nodes. An alias shares the
  anchored value (it is not copied), so a "billion laughs" file stops after a few dozen
  events, in milliseconds. An alias to an unfinished anchor (a recursive structure) is an
  error, as is an alias to an anchor that was never defined.
- Nesting deeper than :data:`MAX_DEPTH` is an error.

For any scalar, the text as written is kept as well (see :meth:`LocatedDict.source_text`),
so the validator can accept ``text: Yes`` as the text ``'Yes'`` rather than ``True``.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from quizapp.banks.located import (
    INVALID,
    LINE_BREAK,
    LoadResult,
    LocatedDict,
    LocatedList,
    line_column,
)
from quizapp.banks.model import Problem
from quizapp.banks.yaml_errors import explain
from quizapp.banks.yaml_events import (
    MAX_ALIASES,
    MAX_DEPTH,
    MAX_NODES,
    Stop,
    build_events,
)
from quizapp.banks.yaml_tabs import indent_as_siblings

__all__ = [  # the loader's public names; the located values and limits live beside it
    "INVALID", "MAX_ALIASES", "MAX_DEPTH", "MAX_FILE_BYTES", "MAX_NODES", "Loader", "LoadResult",
    "LocatedDict", "LocatedList", "line_column", "load_path", "load_yaml",
]

MAX_FILE_BYTES = 2 * 1024 * 1024
"""Largest bank file accepted, in bytes (2 MiB, about 2,000 realistic questions)."""

Loader: type = yaml.CSafeLoader if getattr(yaml, "__with_libyaml__", False) else yaml.SafeLoader
"""The event source: libyaml's when available, else PyYAML's pure-Python one."""

# Characters YAML forbids in a stream (PyYAML's Reader.NON_PRINTABLE).
_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_UNDECODABLE = re.compile("[\udc80-\udcff]")  # bytes smuggled through by surrogateescape


def load_path(path: Path, file: str | None = None) -> LoadResult:
    """Load the bank file at ``path``; problems name it ``file`` (default: ``str(path)``)."""
    label = str(path) if file is None else file
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return LoadResult(None, [Problem(label, 1, 1, f"cannot read file: {exc.strerror or exc}")])
    return load_yaml(data, label)


def load_yaml(data: bytes | str, file: str = "<string>") -> LoadResult:
    """Load one YAML document whose top level is a mapping, keeping locations.

    Never raises for bad input: every problem found is in ``LoadResult.problems``. Problems
    found before parsing (undecodable bytes, forbidden characters, tabs in indentation) do
    not stop the file being read: each is reported, then repaired in a copy that is parsed
    (see :func:`_repair`), so the rest of the file is still checked in the same run.
    """
    if isinstance(data, bytes):
        if len(data) > MAX_FILE_BYTES:
            return LoadResult(None, [Problem(file, 1, 1, _too_large_message())])
        text, problems = _decode(data, file)
        if problems and ("\x00" in text or data[:2] in (b"\xff\xfe", b"\xfe\xff")):
            return LoadResult(None, problems, text)  # UTF-16, or not text at all
    else:
        text = data[1:] if data.startswith("\ufeff") else data
        if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
            return LoadResult(None, [Problem(file, 1, 1, _too_large_message())])
        problems = []
    if problems:  # undecodable bytes, each already reported: read on
        text = _UNDECODABLE.sub("\ufffd", text)
    characters = _check_characters(text, file)
    tabs = _check_tabs(text, file)
    problems += characters + tabs
    if problems:
        if characters:
            text = _NON_PRINTABLE.sub(" ", text)
        if tabs:
            return _repair_tabs(text, file, problems, [p.line for p in tabs])
    value, found, warnings, _, text = _read(text, file)
    return LoadResult(value, sorted(problems + found), text, warnings)


MAX_REPAIRS = 20
"""Most syntax errors reported in one file: after each, the likely fix is made in a copy and
the copy read again (see yaml_errors.py), so that later errors are found in the same run."""


def _read(text: str, file: str) -> tuple[LocatedDict | None, list[Problem], list[Problem],
                                         Problem | None, str]:
    """Read ``text``, reading on past each syntax error that has a sure fix: the top-level
    mapping (None when reading stopped), the problems, the warnings, the syntax error that
    stopped the reading (None if it did not stop), and the text as last read."""
    syntax: list[Problem] = []
    for _ in range(MAX_REPAIRS + 1):
        warnings: list[Problem] = []
        value, found, stopped, repaired = _build(text, file, warnings)
        if stopped is not None and syntax and stopped.line <= syntax[-1].line:
            # an error at or above the last fix's line may be the fix's doing: stop there
            found = [p for p in found if p is not stopped]
            return None, sorted(syntax + found), warnings, syntax[-1], text
        if stopped is None or repaired is None or len(syntax) == MAX_REPAIRS:
            return value, sorted(syntax + found), warnings, stopped, text
        syntax.append(stopped)
        text = repaired
    raise AssertionError("unreachable")  # pragma: no cover


TAB_WIDTHS = (4, 2, 8, 0)
"""The widths tried, in order, for a tab in indentation when the file cannot be read with each
tab-indented line put beside its siblings (see yaml_tabs.py)."""


def _repair_tabs(text: str, file: str, problems: list[Problem], tab_lines: list[int]) -> LoadResult:
    """Read on past tabs in indentation: each tab-indented line is first put beside its
    siblings (:func:`indent_as_siblings`), then, if the file cannot be read so, each tab is
    taken as :data:`TAB_WIDTHS` spaces in turn; the first guess with which the file can be read
    is kept. When none can, the guess that reads furthest is kept, and the syntax error it
    stopped at is reported only when it is away from the tabs (one on or just after a tab's
    line may be the guess's fault, and the tab is already reported)."""
    guesses = [lambda: indent_as_siblings(text)]
    guesses += [lambda width=width: _expand_indentation(text, width) for width in TAB_WIDTHS]
    best: tuple[int, list[Problem], list[Problem], Problem, str] | None = None
    for guess in guesses:
        value, found, warnings, stopped, candidate = _read(guess(), file)
        if stopped is None:
            return LoadResult(value, sorted(problems + found), candidate, warnings)
        if best is None or stopped.line > best[0]:
            best = (stopped.line, found, warnings, stopped, candidate)
    assert best is not None
    line, found, warnings, stopped, candidate = best
    if any(tab <= line <= tab + 1 for tab in tab_lines):
        found = [p for p in found if p is not stopped]
    return LoadResult(None, sorted(problems + found), candidate, warnings)


def _expand_indentation(text: str, width: int) -> str:
    """``text`` with each tab in a line's indentation replaced by spaces, to tab stops of
    ``width`` (0 drops the tabs)."""
    out = []
    for line in text.splitlines(keepends=True):
        content = line.lstrip(" \t")
        indent = line[: len(line) - len(content)]
        if "\t" in indent and content.strip():
            indent = indent.expandtabs(width) if width else indent.replace("\t", "")
        out.append(indent + content)
    return "".join(out)


def _too_large_message() -> str:
    return (
        f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB ({MAX_FILE_BYTES:,} bytes): "
        "split it into smaller files"
    )


def _decode(data: bytes, file: str) -> tuple[str, list[Problem]]:
    """UTF-8 text of ``data`` (without a byte-order mark), or one problem per line that
    holds an undecodable byte."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", "surrogateescape")
    problems: list[Problem] = []
    seen_lines: set[int] = set()
    for match in _UNDECODABLE.finditer(text):
        line, column = line_column(text, match.start())
        if line not in seen_lines:
            seen_lines.add(line)
            byte = ord(match.group()) - 0xDC00
            problems.append(
                Problem(file, line, column,
                        f"file is not valid UTF-8: byte 0x{byte:02x} cannot be decoded "
                        "(save the file as UTF-8)")
            )
    return text, problems


def _check_characters(text: str, file: str) -> list[Problem]:
    """One problem per character YAML does not allow (control characters and the like)."""
    if _NON_PRINTABLE.search(text) is None:
        return []
    return [
        Problem(file, *line_column(text, m.start()),
                f"character U+{ord(m.group()):04X} is not allowed in a YAML file")
        for m in _NON_PRINTABLE.finditer(text)
    ]


def _check_tabs(text: str, file: str) -> list[Problem]:
    """One problem per line whose indentation holds a tab character.

    A line counts when a tab appears before its first visible character; whitespace-only
    lines are left to the parser (they are harmless inside block text).
    """
    if "\t" not in text:
        return []
    problems = []
    for number, line in enumerate(LINE_BREAK.split(text), start=1):
        if "\t" not in line:
            continue
        content = line.lstrip(" \t")
        indent = line[: len(line) - len(content)]
        if content and "\t" in indent:
            problems.append(
                Problem(file, number, indent.index("\t") + 1,
                        "tab character in indentation: indent with spaces only")
            )
    return problems


def _build(text: str, file: str, warnings: list[Problem]) -> tuple[LocatedDict | None, list[Problem], Problem | None, str | None]:
    """Build located values from the event stream of ``text``: the top-level mapping (None
    when the file is unusable), the problems, the syntax error that stopped the parser (None
    if none), and ``text`` with that error's likely fix made (None when there is no sure fix).
    Warnings (text cut short by a comment) are added to ``warnings``."""
    problems: list[Problem] = []
    stopped: Problem | None = None
    repaired: str | None = None
    loader = Loader(text)
    try:
        root = build_events(loader, file, problems, text, warnings)
    except Stop as stop:
        problems.append(Problem(file, stop.line, stop.column, stop.message))
        root = None
    except yaml.MarkedYAMLError as exc:
        stopped, repaired = explain(exc, text, file)
        problems.append(stopped)
        root = None
    except yaml.YAMLError as exc:  # e.g. a ReaderError, which has no mark
        position = getattr(exc, "position", None)
        line, column = line_column(text, position) if isinstance(position, int) else (1, 1)
        stopped = Problem(file, line, column, "YAML cannot read the file from here",
                          f"YAML parser: {exc}")
        problems.append(stopped)
        root = None
    finally:
        loader.dispose()
    problems.sort()
    return root, problems, stopped, repaired
