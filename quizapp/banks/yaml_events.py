"""The builder of located values from the YAML parser's event stream, in one pass without
recursion, with the limits that keep hostile files cheap: nesting depth, node count (each
alias counting as everything it repeats), alias count; and the scalar rules (safe tags only,
keys as the text written, no merge keys, no duplicate keys). See yamlsafe.py for the rules
in full and why events rather than ``yaml.compose``.
"""

from __future__ import annotations

import re
from typing import Any

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

from quizapp.banks.located import INVALID, LINE_BREAK, LocatedDict, LocatedList
from quizapp.banks.model import Problem

MAX_NODES = 200_000
"""Most nodes (scalars, lists, mappings) one file may expand to, counting each alias as
all the nodes it repeats. A realistic 2 MiB bank holds well under 100,000."""

MAX_ALIASES = 100
"""Most aliases (``*name``) one file may use."""

MAX_DEPTH = 50
"""Deepest nesting of lists and mappings accepted (bank files need about 7)."""

_YAML_TAG = "tag:yaml.org,2002:"
_STR = _YAML_TAG + "str"
_MAP_TAGS = frozenset({None, "!", _YAML_TAG + "map"})
_SEQ_TAGS = frozenset({None, "!", _YAML_TAG + "seq"})
_TEXT_TAGS = frozenset({_STR, _YAML_TAG + "timestamp", _YAML_TAG + "value", _YAML_TAG + "yaml"})
_CONSTRUCTED_TAGS = frozenset(
    {_YAML_TAG + "int", _YAML_TAG + "float", _YAML_TAG + "bool", _YAML_TAG + "null"}
)


class Stop(Exception):
    """Ends the build at a problem after which nothing else can be trusted."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.line, self.column, self.message = line, column, message



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


_COMMENT_AFTER = re.compile(r"([ \t]+)#")


def _cut_by_comment(text: str, event: ScalarEvent, value: Any) -> str | None:
    """The warning for a plain text value that a ' #' on its line cut short, or None. A
    comment after an id or a number (``- pk-001  # P1``) is taken as meant; one after text
    with spaces in it, or one space after a single word, probably is not."""
    end = event.end_mark.index
    found = _COMMENT_AFTER.match(text, end)
    if found is None or type(value) is not str or (" " not in value and found.group(1) != " "):
        return None
    line_end = LINE_BREAK.search(text, end)
    cut = text[found.start(1) + len(found.group(1)): line_end.start() if line_end else len(text)]
    shown = cut if len(cut) <= 30 else cut[:27] + "..."
    return (f"' #' starts a comment in YAML, so the text before it ends there and '{shown}' "
            "is left out: put the whole text in quotes to keep it (a comment that is meant as "
            "one can go on a line of its own)")


def build_events(loader: Any, file: str, problems: list[Problem], text: str = "",
                 warnings: list[Problem] | None = None) -> LocatedDict | None:
    """The builder proper: one pass over the events, no recursion. ``text`` is what the
    loader reads; when ``warnings`` is given, text values cut short by a comment are
    warned about there."""
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
            if warnings is not None and not event.style and text[event.end_mark.index:
                                                                     event.end_mark.index + 1] in " \t":
                cut = _cut_by_comment(text, event, value)
                if cut:  # at the '#'
                    end = event.end_mark
                    hash_at = text.index("#", end.index) - end.index
                    warnings.append(Problem(file, end.line + 1, end.column + hash_at + 1, cut))
            if not stack:
                root, root_mark = value, (line, column)
            else:
                _attach(stack[-1], value, line, column, event.style or None, event.value)
        elif cls is MappingStartEvent or cls is SequenceStartEvent:
            nodes += 1
            mark = event.start_mark
            line, column = mark.line + 1, mark.column + 1
            if nodes > MAX_NODES:
                raise Stop(line, column, _expansion_message())
            if len(stack) >= MAX_DEPTH:
                raise Stop(line, column, f"lists and mappings are nested more than {MAX_DEPTH} deep")
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
                raise Stop(line, column, f"too many aliases: a file may use at most {MAX_ALIASES}")
            name = event.anchor
            if name in open_anchors:
                raise Stop(line, column, f"alias '*{name}' refers to a value that contains it")
            found = anchors.get(name)
            if found is None:
                report(line, column, f"alias '*{name}' has no matching anchor '&{name}': a value "
                                     "starting with '*' refers to an anchor; if it is text (such as "
                                     "Markdown *emphasis*), put the text in quotes")
                value, size = INVALID, 1
            else:
                value, size = found
            nodes += size
            if nodes > MAX_NODES:
                raise Stop(line, column, _expansion_message())
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
            raise Stop(1, 1, f"unexpected YAML event {cls.__name__}")

    event = get_event()
    if isinstance(event, DocumentStartEvent):
        mark = event.start_mark
        raise Stop(mark.line + 1, mark.column + 1,
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
        report(line, column, f"duplicate key '{key}' (first at line {first}): a key may appear once "
                             "in each mapping, so remove or rename one (if this line starts a new "
                             "entry of a list, begin it with '- ')")
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
