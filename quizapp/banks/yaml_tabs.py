"""Where a line indented with a tab belongs, so that a file with tabs is read on as meant.

yamlsafe.py reports every tab in a line's indentation before parsing, then reads the file on
with each such line indented with spaces. How many spaces a tab stood for depends on the
editor, so :func:`indent_as_siblings` does not assume a width: it puts the line beside its
siblings, the lines that the file's other lines show it belongs with.

- A list entry (``- ...``) joins a list still open above it: the one whose entries start with
  the same key (``- text:`` beside ``- text:``, ``- id:`` beside ``- id:``) when the file
  has such an entry, else the nearest one.
- A key (``name: ...``) joins a mapping still open above it that does not hold that key yet:
  the one at the column where the same key is written elsewhere in the file (an item's
  ``statements:`` where the other items have theirs) when there is one, else the one nearest
  the tab taken as four spaces.
- Below a line that opens a block (``options:`` with nothing after it) the line may start
  that block: it goes where the same key or entry is written elsewhere, else where the next
  line is, else at the tab taken as four spaces.
- A line whose tab-indentation is that of the tab-indented line above with more after it goes
  as much deeper than that line (``\t- text: y`` then ``\t  correct: false``).
- A line inside block text (after ``|`` or ``>``) stays in that text; any other line (text
  running on from the line above) goes deeper than the innermost open list or mapping.

So an option indented with a tab is read as an option of its list, not as a stray item that
"misses" every required key. This is a guess, and yamlsafe.py still checks it: when the file
cannot be read with these indentations, fixed tab widths are tried instead. Only spaces in
indentation change, so every line keeps its number.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

__all__ = ["indent_as_siblings"]

_DASH = re.compile(r"-(?: +|$)")
_KEY = re.compile(r"""('[^']*'|"(?:[^"\\]|\\.)*"|[^\s#'"\[\]{},&*!|>%@`?:][^#]*?)[ \t]*:(?:[ \t]+|$)""")
_BLOCK = re.compile(r"[|>][-+0-9]*[ \t]*(?:#.*)?$")
_NEW_BLOCK_DEPTH = 8  # how far below a block's opener a new block's column is looked for


@dataclass
class _Line:
    """What one line holds: its indentation, the columns of its list dashes, its key (if it
    starts a mapping entry) and that key's column, and what it opens."""
    indent: int
    dashes: list[int] = field(default_factory=list)
    key: str | None = None
    key_column: int = 0
    opens: int | None = None  # a block below this line holds lines deeper than this column
    block_text: bool = False  # the line's value is block text ('|' or '>')


@dataclass
class _Open:
    column: int
    is_list: bool
    keys: set[str] = field(default_factory=set)


def _parse(indent: int, content: str) -> _Line:
    line = _Line(indent)
    column, rest = indent, content
    while (dash := _DASH.match(rest)) is not None:
        line.dashes.append(column)
        column += dash.end()
        rest = rest[dash.end():]
    key = _KEY.match(rest)
    value = rest
    if key is not None:
        line.key, line.key_column = key.group(1), column
        value = rest[key.end():]
    value = value.strip()
    if _BLOCK.match(value):
        line.block_text = True
    elif key is not None and (not value or value.startswith("#")):
        line.opens = column
    elif line.dashes and not rest.strip():
        line.opens = line.dashes[-1]
    return line


def _split(line: str) -> tuple[str, str, str]:
    """(indentation, content, line break) of one line."""
    body = line.rstrip("\r\n\x85\u2028\u2029")
    content = body.lstrip(" \t")
    return body[: len(body) - len(content)], content, line[len(body):]


def indent_as_siblings(text: str) -> str:
    """``text`` with each line whose indentation holds a tab indented with spaces instead, to
    the column of the siblings the file's other lines show it has (see the module's notes)."""
    lines = text.splitlines(keepends=True)
    parsed: list[_Line | None] = []
    index: dict[tuple[str, int], dict[int, list[int]]] = {}  # (key, dashes) -> column -> lines
    for number, raw in enumerate(lines):
        indent, content, _ = _split(raw)
        if not content or content.startswith("#") or "\t" in indent:
            parsed.append(None)
            continue
        line = _parse(len(indent), content)
        parsed.append(line)
        if line.key is not None:
            column = line.dashes[0] if line.dashes else line.key_column
            index.setdefault((line.key, len(line.dashes)), {}).setdefault(column, []).append(number)
    following: list[int | None] = [None] * (len(lines) + 1)  # indentation of the next line read
    for number in range(len(lines) - 1, -1, -1):
        after = parsed[number]
        following[number] = after.indent if after is not None else following[number + 1]
    out: list[str] = []
    stack: list[_Open] = []
    previous: _Line | None = None
    tabbed_above: tuple[str, int] | None = None  # the line above, when it had a tab: (indent, column)
    block: tuple[int, int | None] | None = None  # (column the text is deeper than, its indent)
    for number, raw in enumerate(lines):
        indent, content, end = _split(raw)
        if not content or content.startswith("#"):
            out.append(raw)
            continue
        tabbed = "\t" in indent
        width = len(indent.expandtabs(4))
        if block is not None:
            owner, body = block
            if tabbed and (width > owner or not (_DASH.match(content) or _KEY.match(content))):
                out.append(" " * max(width, body if body is not None else owner + 2) + content + end)
                continue
            if not tabbed and len(indent) > owner:
                block = (owner, body if body is not None else len(indent))
                out.append(raw)
                continue
            block = None
        line = parsed[number]
        if tabbed:
            line = _parse(0, content)
            column = _guess(line, number, width, stack, previous, following[number + 1], index)
            if tabbed_above is not None and indent.startswith(tabbed_above[0]) and indent != tabbed_above[0]:
                deeper = tabbed_above[1] + len(indent[len(tabbed_above[0]):].expandtabs(4))
                if _fits(line, deeper, stack, previous):
                    column = deeper  # lined up under the tab-indented line above, as the author wrote it
            tabbed_above = (indent, column)
            line = _parse(column, content)
            raw = " " * column + content + end
        assert line is not None
        _enter(stack, line)
        if line.block_text:
            block = (line.key_column if line.key is not None else line.indent, None)
        if not tabbed:
            tabbed_above = None
        previous = line
        out.append(raw)
    return "".join(out)


def _enter(stack: list[_Open], line: _Line) -> None:
    """Update the lists and mappings open after ``line``."""
    while stack and stack[-1].column > line.indent:
        stack.pop()
    for column in line.dashes:
        _open(stack, column, True)
    if line.key is not None:
        _open(stack, line.key_column, False).keys.add(line.key)


def _open(stack: list[_Open], column: int, is_list: bool) -> _Open:
    while stack and stack[-1].column > column:
        stack.pop()
    if stack and stack[-1].column == column:
        if stack[-1].is_list == is_list:
            return stack[-1]
        if not is_list and len(stack) > 1 and stack[-2].column == column and not stack[-2].is_list:
            stack.pop()  # a key after a list written flush with its own key ends that list
            return stack[-1]
    stack.append(_Open(column, is_list))
    return stack[-1]


def _fits(line: _Line, column: int, stack: list[_Open], previous: _Line | None) -> bool:
    """Whether tab-indented ``line`` can sit at ``column``: in a list or mapping open there
    (a mapping that does not hold its key yet), or in a block the line above opens."""
    if previous is not None and previous.opens is not None and column > previous.opens:
        return True
    return any(o.column == column and o.is_list == bool(line.dashes)
               and (line.dashes or line.key not in o.keys) for o in stack)


def _guess(line: _Line, number: int, width: int, stack: list[_Open], previous: _Line | None,
           following: int | None, index: dict[tuple[str, int], dict[int, list[int]]]) -> int:
    """The column for tab-indented ``line`` (parsed as if at column 0), the file's line
    ``number`` (0-based), whose tab taken as four spaces gives ``width``; ``following`` is the
    indentation of the next line without a tab."""
    opener = previous.opens if previous is not None else None
    if line.dashes:
        columns = [o.column for o in reversed(stack) if o.is_list]
    elif line.key is not None:
        columns = [o.column for o in reversed(stack) if not o.is_list and line.key not in o.keys]
    else:  # text running on from the line above goes deeper than what is open
        deepest = stack[-1].column if stack else -1
        return width if width > deepest else deepest + 2
    start = opener + (0 if line.dashes else 1) if opener is not None else 0  # '- ' may sit under its key
    fresh = range(start, start + _NEW_BLOCK_DEPTH) if opener is not None else range(0)
    if line.key is not None:
        seen = index.get((line.key, len(line.dashes)), {})
        best: tuple[int, int] | None = None
        for column in {*columns, *fresh}:
            at = seen.get(column)
            if at:
                i = bisect_left(at, number)
                near = min(abs(at[j] - number) for j in (i - 1, i) if 0 <= j < len(at))
                if best is None or (near, column) < best:
                    best = (near, column)
        if best is not None:
            return best[1]
    if opener is not None:
        if following is not None and following > opener:
            return following
        if width > opener:
            return width
    if not columns:
        return width
    if line.dashes:
        return columns[0]  # the nearest list still open
    return max((c for c in columns if c <= width), default=min(columns))
