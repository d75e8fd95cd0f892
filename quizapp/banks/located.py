"""The located values that the safe YAML loader builds (yamlsafe.py, yaml_events.py).

:class:`LocatedDict` and :class:`LocatedList` are a plain ``dict`` and ``list`` that also
remember the 1-based line and column of each key and value, the scalar style, and the text
as written; :data:`INVALID` stands in for a value already reported; :class:`LoadResult` is
what loading one file gives. No YAML parsing here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from quizapp.banks.model import Problem

# YAML line breaks (1.1 counts NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR too).
LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


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
    unusable), every problem, the decoded text as read (for locating things in it), and the
    warnings (things that are allowed but probably not meant)."""

    value: LocatedDict | None
    problems: list[Problem] = field(default_factory=list)
    text: str = ""
    warnings: list[Problem] = field(default_factory=list)

    def line_text(self, line: int) -> str:
        """The text of 1-based ``line`` ('' if out of range)."""
        lines = LINE_BREAK.split(self.text)
        return lines[line - 1] if 0 < line <= len(lines) else ""



def line_column(text: str, index: int) -> tuple[int, int]:
    """1-based (line, column) of character ``index`` in ``text``, counting YAML line breaks."""
    prefix = text[:index]
    line = 1
    line_start = 0
    for match in LINE_BREAK.finditer(prefix):
        line += 1
        line_start = match.end()
    return line, index - line_start + 1
