"""YAML syntax errors explained in plain English, with the likely fix, at the line to look at.

The YAML parser (libyaml, or PyYAML's pure-Python one) stops at the first syntax error with a
terse message such as "did not find expected '-' indicator" and marks where it noticed the
problem, which is often a line after the mistake. :func:`explain` turns that error into a
:class:`~quizapp.banks.model.Problem` that says what YAML read, what the author probably
meant and how to write it, placed at the line where the mistake most likely is. The parser's
own words are kept as the problem's ``detail``, for people who know YAML.

Each explanation is chosen from the parser's message (both parsers' wordings are matched) and
from the text around the mark: for instance "mapping values are not allowed" after ``stem:``
on the same line means the text holds ``: ``, while the same message at a line's first key
means that line is indented too far. Anything not recognised gets a general explanation.
No Flask and no YAML parsing here.
"""

from __future__ import annotations

import re

import yaml

from quizapp.banks.located import LINE_BREAK
from quizapp.banks.model import Problem

_KEY = re.compile(r"^(\s*)(?:-\s+)*([^\s#'\"][^:#]*?|\"[^\"]*\"|'[^']*'):(\s|$)")
_QUOTE_FIX = "write the whole text inside quotes, or start a block with '|' and put the text on the lines below"


def explain(exc: yaml.MarkedYAMLError, text: str, file: str) -> tuple[Problem, str | None]:
    """The plain-English problem for a syntax error the parser raised while reading ``text``,
    and ``text`` with the likely fix made (None when no fix is sure enough to read on: see
    :func:`_repair`)."""
    lines = LINE_BREAK.split(text)
    problem, context = exc.problem or "", exc.context or ""
    pm, cm = exc.problem_mark, exc.context_mark
    at = (pm.line + 1, pm.column + 1) if pm is not None else (
        (cm.line + 1, cm.column + 1) if cm is not None else (1, 1))
    since = (cm.line + 1, cm.column + 1) if cm is not None else at
    detail = "YAML parser: " + (problem or context or "invalid YAML")
    if problem and context:
        detail += f" ({context}" + (f" at line {since[0]}" if since[0] != at[0] else "") + ")"
    line, column, message = _explain(problem, context, at, since, lines)
    return Problem(file, line, column, message, detail), _repair(problem, context, at, since, text)


def _repair(problem: str, context: str, at: tuple[int, int], since: tuple[int, int],
            text: str) -> str | None:
    """``text`` with the likely fix for the error made, so that the rest of the file can be
    read in the same run; None when the fix is a guess that could itself cause errors (a
    missing ':', a line that lines up with nothing). The fixes keep every line where it was:
    an unclosed quote is closed at the end of its line; a value that YAML cannot read as
    plain text (a ': ' inside it, text after a closing quote or bracket, a first character
    such as '@' or '*') is put in single quotes; a backslash that starts no escape is doubled;
    a missing space after a key's ':' is added."""
    lines = text.splitlines(keepends=True)

    def line_of(number: int) -> tuple[str, str]:
        raw = lines[number - 1] if 0 < number <= len(lines) else ""
        body = raw.rstrip("\r\n\x85\u2028\u2029")
        return body, raw[len(body):]

    def replaced(number: int, body: str) -> str:
        _, end = line_of(number)
        return "".join(lines[: number - 1]) + body + end + "".join(lines[number:])

    def quoted_value(number: int) -> str | None:
        body, _ = line_of(number)
        key = _KEY.match(body)
        if key is None:
            return None
        value = body[len(key.group(0)):].strip()
        if not value:
            return None
        return replaced(number, body[: len(key.group(0))].rstrip() + " '" + value.replace("'", "''") + "'")

    if "quoted scalar" in context and "end of stream" in problem:
        body, _ = line_of(since[0])
        quote = body[since[1] - 1: since[1]]
        return replaced(since[0], body.rstrip() + quote) if quote in ("'", '"') else None
    if "escape" in problem:
        body, _ = line_of(at[0])
        slash = body.rfind("\\", 0, at[1])
        return replaced(at[0], body[:slash] + "\\" + body[slash:]) if slash >= 0 else None
    if "alias" in context or "anchor" in context:
        return quoted_value(since[0])
    if ("flow sequence" in context or "flow mapping" in context) and "flow node" not in context:
        body, _ = line_of(since[0])
        opener = body[since[1] - 1: since[1]]
        close = {"[": "]", "{": "}"}.get(opener)
        if close and body.count(opener) > body.count(close):
            return replaced(since[0], body.rstrip() + close)
        return None
    if "cannot start any token" in problem:
        body, _ = line_of(at[0])
        key = _KEY.match(body)
        if key is None or len(key.group(0)) > at[1] - 1 or body[at[1] - 1: at[1]] in ("", "\t"):
            return None  # not in a value: no sure fix
        return quoted_value(at[0])
    if "simple key" in context and "':'" in problem:
        continued = _continued_key(LINE_BREAK.split(text), since[0])
        if continued is None:
            return None
        body, _ = line_of(since[0])
        return replaced(since[0], " " * (continued[1] + 2) + body.lstrip(" "))
    if "mapping values are not allowed" in problem:
        body, _ = line_of(at[0])
        key = _KEY.match(body)
        if key is not None and len(key.group(0)) <= at[1] - 1:
            return quoted_value(at[0])
        number = _previous(LINE_BREAK.split(text), at[0])
        above, _ = line_of(number)
        if number and _indent(body) <= _key_column(above) and _KEY.match(above) is None \
                and ":" in above:
            colon = above.index(":")
            return replaced(number, above[: colon + 1] + " " + above[colon + 1:])
        return None
    if "block mapping" in context and ("expected key" in problem or "block end" in problem):
        body, _ = line_of(at[0])
        if at[1] - 1 > _indent(body):
            return quoted_value(at[0])
    return None


def _line(lines: list[str], number: int) -> str:
    return lines[number - 1] if 0 < number <= len(lines) else ""


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _key_column(line: str) -> int:
    """0-based column where the line's key starts (after any '- ' list markers)."""
    match = re.match(r"^[ ]*(?:-[ ]+)*", line)
    return match.end() if match else 0


def _previous(lines: list[str], number: int) -> int:
    """The number of the nearest line above ``number`` with something on it (0 if none)."""
    for n in range(number - 1, 0, -1):
        stripped = _line(lines, n).strip()
        if stripped and not stripped.startswith("#"):
            return n
    return 0


def _spaces(n: int) -> str:
    return "no spaces" if n == 0 else ("1 space" if n == 1 else f"{n} spaces")


def _explain(problem: str, context: str, at: tuple[int, int], since: tuple[int, int],
             lines: list[str]) -> tuple[int, int, str]:
    """(line, column, message) for one parser error; ``at`` is where the parser stopped and
    ``since`` where the construct it was reading began."""
    source = _line(lines, at[0])
    char = source[at[1] - 1] if 0 < at[1] <= len(source) else ""
    if "quoted scalar" in context and "end of stream" in problem:
        quote = _line(lines, since[0])[since[1] - 1:since[1]] or '"'
        return (*since, f"the quote {quote} opened here is never closed, so everything after it "
                        f"was read as one text: add the closing {quote} at the end of the text"
                + (" (inside double quotes write a \" as \\\")" if quote == '"'
                   else " (inside single quotes write an apostrophe as '')"))
    if "escape" in problem:  # at the backslash (PyYAML marks the character after it)
        slash = source.rfind("\\", 0, at[1])
        at = (at[0], slash + 1) if slash >= 0 else at
        return (*at, "inside double quotes a backslash starts a special character, and this one "
                     "is not one YAML knows: write \\\\ for a backslash, or use single quotes "
                     "around the text instead")
    if "nesting depth" in problem:
        return (*at, "lists and mappings are nested more than YAML allows here: "
                     "look for brackets that are never closed")
    if "node content" in problem and not char:  # the file ended inside '[...' or '{...'
        for number in range(min(at[0], len(lines)), 0, -1):
            found = max(_line(lines, number).rfind("["), _line(lines, number).rfind("{"))
            if found >= 0:
                context = "flow sequence" if _line(lines, number)[found] == "[" else "flow mapping"
                since = (number, found + 1)
                break
        else:
            return (*at, "the file ends where YAML expected a value: look for a '[' or '{' "
                         "that is never closed")
    if "sequence entries are not allowed" in problem:
        return (*at, "'- ' starts a list entry, which cannot follow a key on the same line: put "
                     "the entries on the lines below, indented under the key, or if this is "
                     f"text, {_QUOTE_FIX}")
    if "flow sequence" in context or "flow mapping" in context:
        bracket, close = ("[", "]") if "sequence" in context else ("{", "}")
        return (*since, f"the '{bracket}' opened here is not closed where YAML expected: "
                        f"a value starting with '{bracket}' is read as a "
                        f"{'list' if bracket == '[' else 'mapping'} written on one line, which "
                        f"needs a closing '{close}' with its entries separated by commas; if this "
                        f"is text that starts with '{bracket}', {_QUOTE_FIX}")
    if "alias" in context or "anchor" in context:
        sign = "*" if "alias" in context else "&"
        return (*since, f"a value starting with '{sign}' is read as YAML's "
                        f"{'reference to an anchor' if sign == '*' else 'anchor name'} "
                        f"(for example Markdown *emphasis* at the start of the text): {_QUOTE_FIX}")
    if "block scalar" in context:
        return (*at, "nothing but a comment may follow '|' or '>' on its line: start the text on "
                     "the next line, indented further than the key")
    if "cannot start any token" in problem:
        if char == "\t":
            return (*at, "tab character: YAML does not allow tabs here: use spaces")
        shown = char or "this character"
        if at[1] - 1 <= _key_column(source):
            return (*at, f"a key cannot start with '{shown}' in YAML (it is kept for other uses): "
                         "remove it, or put the key in quotes")
        return (*at, f"a value cannot start with '{shown}' in YAML (it is kept for other uses): "
                     f"{_QUOTE_FIX}")
    if "simple key" in context and "':'" in problem:
        continued = _continued_key(lines, since[0])
        if continued is not None:
            return (*since, f"this line seems to continue the text of '{continued[0]}' above, but "
                            f"it starts no further in than that key, so YAML reads it as a new key "
                            f"without its ':': indent it further than '{continued[0]}' (or put the "
                            f"whole text in a block with '|')")
        return (*since, "this line has no ':' after its key, so YAML cannot tell where the key "
                        "ends: write 'key: value' (a colon then a space); if the line continues "
                        "the text above, indent it further than that text's key, or put that "
                        "text in a block ('|')")
    if "mapping values are not allowed" in problem:
        return _colon_in_text(at, lines)
    if "'-' indicator" in problem or ("block collection" in context and "block end" in problem):
        entries = _line(lines, since[0])
        dash = entries.find("-", since[1] - 1) if since[1] - 1 < len(entries) else since[1] - 1
        dash = since[1] - 1 if dash < 0 else dash
        return (at[0], at[1], f"this line is not lined up with the list above it (its entries start "
                              f"'- ' with {_spaces(dash)} before the dash, from line {since[0]}): "
                              f"if it is a new entry, start it with '- ' lined up with the others; "
                              f"if it belongs to the entry above, indent it like that entry's "
                              f"other keys ({_spaces(_key_column(entries))})")
    if "block mapping" in context and ("expected key" in problem or "block end" in problem):
        return _after_value(at, since, lines)
    if "document start" in problem:
        return (*at, "'...' ends the YAML document, so nothing may follow it: remove the '...' "
                     "line (a bank file is one document)")
    if "node content" in problem:
        return (*at, f"YAML expected a value here but found '{char}': {_QUOTE_FIX}")
    return (*at, "YAML cannot read the file from here: look for a missing ':' after a key, "
                 "indentation that does not line up, or text that should be in quotes")


def _continued_key(lines: list[str], number: int) -> tuple[str, int] | None:
    """(key, its column) when line ``number`` looks like prose that runs on from the plain
    text value of the key on the line above (several words, no ':'), else None."""
    source = _line(lines, number)
    previous = _previous(lines, number)
    above = _line(lines, previous)
    key = _KEY.match(above)
    if not previous or key is None or " " not in source.strip() or ":" in source:
        return None
    value = above[len(key.group(0)):].strip()
    if not value or value[0] in "|>\"'[{&*!#" or _indent(source) > _key_column(above):
        return None
    return key.group(2).strip(), _key_column(above)


def _colon_in_text(at: tuple[int, int], lines: list[str]) -> tuple[int, int, str]:
    """'mapping values are not allowed': a ': ' where YAML does not expect a key."""
    source = _line(lines, at[0])
    before = source[: at[1] - 1]
    key = _KEY.match(source)
    if key is not None and len(key.group(0)) <= len(before):
        name = key.group(2).strip()
        return (*at, f"the text after '{name}:' holds ': ' (a colon then a space), which YAML "
                     f"reads as the start of another key: {_QUOTE_FIX}")
    previous = _previous(lines, at[0])
    above = _line(lines, previous)
    if previous and _indent(source) > _key_column(above):
        return (*at, f"this line is indented more than line {previous} above it ("
                     f"{_spaces(_indent(source))}, not {_spaces(_key_column(above))}), so YAML "
                     f"reads it as more of that line's value: line this key up with the keys "
                     f"it belongs with")
    if previous and _KEY.match(above) is None and ":" in above:
        colon = above.index(":")
        return (previous, colon + 1, "a key needs a space after its ':' ('title: text', not "
                                     "'title:text'): add the space")
    return (*at, "YAML read this line as more of the value above it: check that the line above "
                 "is a complete 'key: value', and that this line is indented like its neighbours")


def _after_value(at: tuple[int, int], since: tuple[int, int], lines: list[str]) -> tuple[int, int, str]:
    """'did not find expected key' in a block mapping: something after a value, or a line
    indented so that it belongs to no mapping above."""
    source = _line(lines, at[0])
    first = _indent(source)
    if at[1] - 1 > first:  # mid-line: text after a complete value
        key = _KEY.match(source)
        value = source[len(key.group(0)):].lstrip() if key else source[first:]
        opener = value[:1]
        if opener in "\"'":
            closer = "closing quote" if opener == '"' else "closing quote (or an apostrophe)"
            return (*at, f"text follows the {closer} of a quoted value: YAML ends a quoted value "
                         f"at its closing quote. Write the whole text inside one pair of quotes "
                         + ("(a \" inside double quotes is written \\\")" if opener == '"'
                            else "(an apostrophe inside single quotes is written '')")
                         + ", or start a block with '|' and put the text on the lines below")
        if opener in "[{":
            return (*at, f"a value starting with '{opener}' is read as a "
                         f"{'list' if opener == '[' else 'mapping'} written on one line, so the "
                         f"text after its closing bracket is not allowed: {_QUOTE_FIX}")
        return (*at, f"YAML did not expect more text here: {_QUOTE_FIX}")
    mapping_keys = since[1] - 1
    if source.lstrip().startswith("-"):
        return (*at, "a list entry ('- ') cannot start here: to give a key a list, leave the "
                     "key's value empty and indent the entries under it, further than the key")
    return (*at, f"this line is indented {_spaces(first)}, which lines up with no key above it: "
                 f"the keys of the mapping that starts at line {since[0]} are indented "
                 f"{_spaces(mapping_keys)}; indent this line like the keys it belongs with")
