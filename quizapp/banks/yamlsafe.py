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

Rules (each is reported as a located problem; the file is then unusable or the value is
replaced by :data:`INVALID` so the validator does not report it twice):

- The file may be at most :data:`MAX_FILE_BYTES` (2 MiB).
- It must be UTF-8 (a leading byte-order mark is allowed); every line holding an
  undecodable byte is reported.
- Control characters that YAML forbids are reported at their position.
- Tab characters in a line's indentation are reported (all of them) before parsing, because
  YAML's own message for them is confusing. A tab after the first visible character is fine.
- YAML syntax errors are reported at the parser's line and column.
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode

from quizapp.banks.model import Problem

MAX_FILE_BYTES = 2 * 1024 * 1024
"""Largest bank file accepted, in bytes (2 MiB, about 2,000 realistic questions)."""

MAX_NODES = 200_000
"""Most nodes (scalars, lists, mappings) one file may expand to, counting each alias as
all the nodes it repeats. A realistic 2 MiB bank holds well under 100,000."""

MAX_ALIASES = 100
"""Most aliases (``*name``) one file may use."""

MAX_DEPTH = 50
"""Deepest nesting of lists and mappings accepted (bank files need about 7)."""

Loader: type = yaml.CSafeLoader if getattr(yaml, "__with_libyaml__", False) else yaml.SafeLoader
"""The event source: libyaml's when available, else PyYAML's pure-Python one."""

_YAML_TAG = "tag:yaml.org,2002:"
_STR = _YAML_TAG + "str"
_MAP_TAGS = frozenset({None, "!", _YAML_TAG + "map"})
_SEQ_TAGS = frozenset({None, "!", _YAML_TAG + "seq"})
_TEXT_TAGS = frozenset({_STR, _YAML_TAG + "timestamp", _YAML_TAG + "value", _YAML_TAG + "yaml"})
_CONSTRUCTED_TAGS = frozenset(
    {_YAML_TAG + "int", _YAML_TAG + "float", _YAML_TAG + "bool", _YAML_TAG + "null"}
)

# YAML line breaks (1.1 counts NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR too).
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
# Characters YAML forbids in a stream (PyYAML's Reader.NON_PRINTABLE).
_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_UNDECODABLE = re.compile("[\udc80-\udcff]")  # bytes smuggled through by surrogateescape


class _Invalid:
    """The type of :data:`INVALID`."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "INVALID"

    def __bool__(self) -> bool:
        return False


INVALID: Any = _Invalid()
"""Stands in for a value that was already reported (e.g. a refused tag)."""


class LocatedDict(dict):
    """A mapping that remembers where its keys and values are.

    ``mark`` is the (line, column) where the mapping starts (its first key for a block
    mapping). ``marks[key]`` is ``(key_line, key_column, value_line, value_column,
    value_style, value_source)``: all 1-based; the style is YAML's scalar style
    (``None`` plain, ``'|'`` literal, ``'>'`` folded, ``'"'``, ``"'"``) or ``None`` for a
    collection; the source is the scalar's text as written, or ``None``.
    """

    __slots__ = ("mark", "marks")

    def __init__(self, mark: tuple[int, int] = (1, 1)) -> None:
        super().__init__()
        self.mark = mark
        self.marks: dict[str, tuple[int, int, int, int, str | None, str | None]] = {}

    def key_mark(self, key: str) -> tuple[int, int]:
        """(line, column) of ``key``; the mapping's own mark if the key is absent."""
        m = self.marks.get(key)
        return (m[0], m[1]) if m else self.mark

    def value_mark(self, key: str) -> tuple[int, int]:
        """(line, column) of the value of ``key``; the mapping's own mark if absent."""
        m = self.marks.get(key)
        return (m[2], m[3]) if m else self.mark

    def value_style(self, key: str) -> str | None:
        m = self.marks.get(key)
        return m[4] if m else None

    def source_text(self, key: str) -> str | None:
        """The value of ``key`` as written, when it is a scalar (``'Yes'`` for ``True``)."""
        m = self.marks.get(key)
        return m[5] if m else None


class LocatedList(list):
    """A list that remembers where it and each element are.

    ``mark`` is the (line, column) where the list starts; ``marks[i]`` is
    ``(line, column, style, source)`` of element ``i`` (see :class:`LocatedDict`).
    """

    __slots__ = ("mark", "marks")

    def __init__(self, mark: tuple[int, int] = (1, 1)) -> None:
        super().__init__()
        self.mark = mark
        self.marks: list[tuple[int, int, str | None, str | None]] = []

    def element_mark(self, index: int) -> tuple[int, int]:
        m = self.marks[index]
        return (m[0], m[1])

    def element_style(self, index: int) -> str | None:
        return self.marks[index][2]

    def source_text(self, index: int) -> str | None:
        return self.marks[index][3]


@dataclass
class LoadResult:
    """What :func:`load_yaml` found: the top-level mapping (``None`` when the file is
    unusable), every problem, and the decoded text (for locating things in it)."""

    value: LocatedDict | None
    problems: list[Problem] = field(default_factory=list)
    text: str = ""

    def line_text(self, line: int) -> str:
        """The text of 1-based ``line`` ('' if out of range)."""
        lines = _LINE_BREAK.split(self.text)
        return lines[line - 1] if 0 < line <= len(lines) else ""


class _Stop(Exception):
    """Ends the build at a problem after which nothing else can be trusted."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.line, self.column, self.message = line, column, message


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

    Never raises for bad input: every problem found is in ``LoadResult.problems``.
    """
    if isinstance(data, bytes):
        if len(data) > MAX_FILE_BYTES:
            return LoadResult(None, [Problem(file, 1, 1, _too_large_message())])
        text, problems = _decode(data, file)
        if problems:
            return LoadResult(None, problems, text)
    else:
        text = data[1:] if data.startswith("\ufeff") else data
        if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
            return LoadResult(None, [Problem(file, 1, 1, _too_large_message())])
    problems = _check_characters(text, file) or _check_tabs(text, file)
    if problems:
        return LoadResult(None, problems, text)
    value, problems = _build(text, file)
    return LoadResult(value, problems, text)


def _too_large_message() -> str:
    return (
        f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB ({MAX_FILE_BYTES:,} bytes): "
        "split it into smaller files"
    )


def line_column(text: str, index: int) -> tuple[int, int]:
    """1-based (line, column) of character ``index`` in ``text``, counting YAML line breaks."""
    prefix = text[:index]
    line = 1
    line_start = 0
    for match in _LINE_BREAK.finditer(prefix):
        line += 1
        line_start = match.end()
    return line, index - line_start + 1


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
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
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


def _display_tag(tag: str) -> str:
    return "!!" + tag[len(_YAML_TAG):] if tag.startswith(_YAML_TAG) else tag


_constructor = SafeConstructor()
# Called directly, not through construct_object(), which caches every node it sees.
_CONSTRUCTORS = {tag: SafeConstructor.yaml_constructors[tag] for tag in _CONSTRUCTED_TAGS}


def _scalar_value(event: ScalarEvent, resolvers: dict, wildcard: list) -> Any:
    """The Python value of a scalar event, per YAML 1.1's safe schema; raises
    :class:`_TagRefused` / :class:`_BadScalar` for values that must be reported."""
    tag = event.tag
    value = event.value
    if tag is None or tag == "!":
        if not event.implicit[0]:  # quoted, or a block scalar
            return value
        for candidate, regexp in resolvers.get(value[:1], wildcard):
            if regexp.match(value):
                tag = candidate
                break
        else:
            return value
    if tag in _TEXT_TAGS:
        return value
    if tag not in _CONSTRUCTED_TAGS:
        raise _TagRefused(tag)
    try:
        return _CONSTRUCTORS[tag](_constructor, ScalarNode(tag, value))
    except (ValueError, KeyError, ConstructorError, ArithmeticError) as exc:
        raise _BadScalar(tag, value) from exc


class _TagRefused(Exception):
    def __init__(self, tag: str) -> None:
        super().__init__(tag)
        self.tag = tag


class _BadScalar(Exception):
    def __init__(self, tag: str, value: str) -> None:
        super().__init__(tag)
        self.tag, self.value = tag, value


def _tag_message(tag: str) -> str:
    return f"tag '{_display_tag(tag)}' is not allowed"


# Frame layout (a plain list, for speed): container, is_mapping, key state,
# key line, key column, anchor name, node count at start, value given to the parent
# (the container, or INVALID when its tag was refused).
_EXPECT_KEY = object()
_DROP = object()


def _build(text: str, file: str) -> tuple[LocatedDict | None, list[Problem]]:
    """Build located values from the event stream of ``text``."""
    problems: list[Problem] = []
    loader = Loader(text)
    try:
        root = _build_events(loader, file, problems)
    except _Stop as stop:
        problems.append(Problem(file, stop.line, stop.column, stop.message))
        root = None
    except yaml.MarkedYAMLError as exc:
        problems.append(_syntax_problem(exc, text, file))
        root = None
    except yaml.YAMLError as exc:  # e.g. a ReaderError, which has no mark
        position = getattr(exc, "position", None)
        line, column = line_column(text, position) if isinstance(position, int) else (1, 1)
        problems.append(Problem(file, line, column, f"YAML error: {exc}"))
        root = None
    finally:
        loader.dispose()
    problems.sort()
    return root, problems


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, file: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    message = f"YAML syntax error: {exc.problem or exc.context or 'invalid YAML'}"
    if exc.problem and exc.context:
        where = ""
        if exc.context_mark is not None and exc.context_mark.line + 1 != line:
            where = f" at line {exc.context_mark.line + 1}"
        message += f" ({exc.context}{where})"
    return Problem(file, line, column, message)


def _build_events(loader: Any, file: str, problems: list[Problem]) -> LocatedDict | None:
    """The builder proper: one pass over the events, no recursion."""
    get_event = loader.get_event
    resolvers = loader.yaml_implicit_resolvers
    wildcard = resolvers.get(None, [])
    if wildcard:  # make ``resolvers.get(first, wildcard)`` include the wildcard ones
        resolvers = {k: v + wildcard for k, v in resolvers.items()}

    def report(line: int, column: int, message: str) -> None:
        problems.append(Problem(file, line, column, message))

    get_event()  # StreamStartEvent
    event = get_event()
    if isinstance(event, StreamEndEvent):
        report(1, 1, "file is empty")
        return None
    assert isinstance(event, DocumentStartEvent)

    stack: list[list[Any]] = []
    anchors: dict[str, tuple[Any, int]] = {}
    open_anchors: set[str] = set()
    nodes = 0
    aliases = 0
    root: Any = _DROP
    root_mark = (1, 1)

    while True:
        event = get_event()
        cls = event.__class__
        if cls is ScalarEvent:
            nodes += 1
            mark = event.start_mark
            line, column = mark.line + 1, mark.column + 1
            if stack:
                frame = stack[-1]
                if frame[1] and frame[2] is _EXPECT_KEY:
                    _take_key(frame, event, line, column, report)
                    continue
            try:
                value = _scalar_value(event, resolvers, wildcard)
            except _TagRefused as refused:
                report(line, column, _tag_message(refused.tag))
                value = INVALID
            except _BadScalar as bad:
                report(line, column, f"'{bad.value}' is not a valid {_display_tag(bad.tag)} value")
                value = INVALID
            if event.anchor is not None:
                anchors[event.anchor] = (value, 1)
            if not stack:
                root, root_mark = value, (line, column)
            else:
                _attach(stack[-1], value, line, column, event.style or None, event.value)
        elif cls is MappingStartEvent or cls is SequenceStartEvent:
            nodes += 1
            mark = event.start_mark
            line, column = mark.line + 1, mark.column + 1
            if nodes > MAX_NODES:
                raise _Stop(line, column, _expansion_message())
            if len(stack) >= MAX_DEPTH:
                raise _Stop(line, column, f"lists and mappings are nested more than {MAX_DEPTH} deep")
            is_map = cls is MappingStartEvent
            container: Any = LocatedDict((line, column)) if is_map else LocatedList((line, column))
            value = container
            if event.tag not in (_MAP_TAGS if is_map else _SEQ_TAGS):
                report(line, column, _tag_message(event.tag))
                value = INVALID
            if event.anchor is not None:
                open_anchors.add(event.anchor)
            if not stack:
                root, root_mark = value, (line, column)
            else:
                frame = stack[-1]
                if frame[1] and frame[2] is _EXPECT_KEY:
                    kind = "mapping" if is_map else "list"
                    report(line, column, f"a key must be plain text, not a {kind}")
                    frame[2] = _DROP
                    frame[3], frame[4] = line, column
                else:
                    _attach(frame, value, line, column, None, None)
            stack.append([container, is_map, _EXPECT_KEY, 0, 0, event.anchor, nodes, value])
        elif cls is MappingEndEvent or cls is SequenceEndEvent:
            frame = stack.pop()
            anchor = frame[5]
            if anchor is not None:
                open_anchors.discard(anchor)
                anchors[anchor] = (frame[7], nodes - frame[6] + 1)
        elif cls is AliasEvent:
            mark = event.start_mark
            line, column = mark.line + 1, mark.column + 1
            aliases += 1
            if aliases > MAX_ALIASES:
                raise _Stop(line, column, f"too many aliases: a file may use at most {MAX_ALIASES}")
            name = event.anchor
            if name in open_anchors:
                raise _Stop(line, column, f"alias '*{name}' refers to a value that contains it")
            found = anchors.get(name)
            if found is None:
                report(line, column, f"alias '*{name}' has no matching anchor '&{name}'")
                value, size = INVALID, 1
            else:
                value, size = found
            nodes += size
            if nodes > MAX_NODES:
                raise _Stop(line, column, _expansion_message())
            if not stack:
                root, root_mark = value, (line, column)
            else:
                frame = stack[-1]
                if frame[1] and frame[2] is _EXPECT_KEY:
                    report(line, column, "a key must be plain text, not an alias")
                    frame[2] = _DROP
                    frame[3], frame[4] = line, column
                else:
                    _attach(frame, value, line, column, None, None)
        elif cls is DocumentEndEvent:
            break
        else:  # pragma: no cover - the parser emits nothing else inside a document
            raise _Stop(1, 1, f"unexpected YAML event {cls.__name__}")

    event = get_event()
    if isinstance(event, DocumentStartEvent):
        mark = event.start_mark
        raise _Stop(mark.line + 1, mark.column + 1,
                    "more than one YAML document in the file: a bank file is one document "
                    "(remove this '---' or split the file)")
    return _top_level(root, root_mark, report)


def _expansion_message() -> str:
    return (f"document expands to more than {MAX_NODES:,} nodes (too many aliases, or the file "
            "is too large): split it into smaller files")


def _take_key(frame: list[Any], event: ScalarEvent, line: int, column: int, report: Any) -> None:
    """Record a scalar in key position: the key text as written."""
    key = event.value
    container: LocatedDict = frame[0]
    frame[3], frame[4] = line, column
    if event.tag is not None and event.tag != "!" and event.tag not in _TEXT_TAGS \
            and event.tag not in _CONSTRUCTED_TAGS:
        report(line, column, _tag_message(event.tag))
        frame[2] = _DROP
    elif key == "<<" and event.implicit[0]:
        report(line, column, "merge keys ('<<') are not supported: write the keys out in full")
        frame[2] = _DROP
    elif key in container.marks:
        first = container.marks[key][0]
        report(line, column, f"duplicate key '{key}' (first at line {first})")
        frame[2] = _DROP
    else:
        frame[2] = key


def _attach(frame: list[Any], value: Any, line: int, column: int,
            style: str | None, source: str | None) -> None:
    """Put ``value`` into the container of ``frame`` (as the pending key's value)."""
    container = frame[0]
    if not frame[1]:
        container.append(value)
        container.marks.append((line, column, style, source))
        return
    key = frame[2]
    frame[2] = _EXPECT_KEY
    if key is _DROP:
        return
    container[key] = value
    container.marks[key] = (frame[3], frame[4], line, column, style, source)


def _top_level(root: Any, mark: tuple[int, int], report: Any) -> LocatedDict | None:
    """The top level must be a non-empty mapping."""
    if isinstance(root, LocatedDict):
        return root
    if root is None or root == "":
        report(1, 1, "file is empty")
    elif root is INVALID:
        pass  # already reported
    else:
        kind = "a list" if isinstance(root, list) else "a single value"
        report(*mark, f"the top level must be a mapping (lines of 'key: value'), not {kind}")
    return None
