"""File shape and keys: the readers every part of a bank file is checked with.

:meth:`FieldReader.read_shape` checks a part (an item, an option, a section...) against its
declaration in quizapp/banks/bank_format.py: no unknown keys (with a suggestion), the
required ones present, each value of its declared type. Beneath it are the generic readers,
one per type: text and Markdown without raw HTML, ids and codes, choices, whole numbers and
numbers in a range, true/false, slugs, web addresses, lists, lists of mappings, lists of
short texts, no duplicates in a list.

Each reader reports what is wrong at the line and column of the key or value, and returns
the value it read (None when it was wrong). :class:`FieldReader` is the base class of the
rules for each kind of file (frameworks.py, items.py, blueprints.py).
"""

from __future__ import annotations

import difflib
import math
import re
from datetime import date
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

from quizapp.banks.bank_format import CODE_RE, DATE_RE, FILES, ID_RE, SLUG_RE, Key, Shape
from quizapp.banks.model import Problem
from quizapp.banks.validate.records import Ref, SetState
from quizapp.banks.yamlsafe import INVALID, LoadResult, LocatedDict, LocatedList
from quizapp.domain.markup import raw_html

KIND_KEYS = tuple(shape.name for shape in FILES)  # ("framework", "bank", "test", "crosswalk")
ANY_KEY = frozenset().union(*(shape.names for shape in FILES))

KIND_RULE = ("a file must have exactly one of 'framework', 'bank', 'test' or 'crosswalk' at the top "
             "level")
ID_RULE = "letters, digits, '.', '_' or '-', starting with a letter or digit"


def show(value: Any, source: str | None = None) -> str:
    """How a message quotes a value the author wrote."""
    if isinstance(value, LocatedDict):
        return "a mapping"
    if isinstance(value, LocatedList):
        return "a list"
    if value is None:
        return "empty"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"'{shown}'"
    return source if source is not None else repr(value)


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def suggest(word: str, choices: Iterable[str]) -> str | None:
    """The nearest choice to ``word``: one that differs only in case, else difflib's best."""
    ordered = sorted(choices)
    folded = word.casefold()
    for choice in ordered:
        if choice.casefold() == folded:
            return choice
    matches = difflib.get_close_matches(word, ordered, n=1, cutoff=0.6)
    return matches[0] if matches else None


# Keys people bring from Moodle and other quiz tools, with the key that means the same here and
# a word on why (an unknown key otherwise gets difflib's nearest, which for these is no help).
KEYS_FROM_OTHER_TOOLS: dict[str, tuple[str, str]] = {
    "question": ("stem", "here the question's text is its 'stem'"),
    "questiontext": ("stem", "here the question's text is its 'stem'"),
    "answers": ("options", "here the answers to choose from are 'options'"),
    "answer": ("options", "here the answers to choose from are 'options'"),
    "choices": ("options", "here the answers to choose from are 'options'"),
    "explanation": ("rationale", "here the explanation shown after answering is its 'rationale'"),
    "generalfeedback": ("rationale", "here the explanation shown after answering is its 'rationale'"),
    "general_feedback": ("rationale", "here the explanation shown after answering is its 'rationale'"),
    "order": ("options", "an ordering item lists its 'options' in the correct order"),
    "outcomes": ("statements", "here a standard's outcomes are its 'statements'"),
}


def hinted_key(key: str, allowed: frozenset[str]) -> str | None:
    """The allowed key an unknown ``key`` most likely stands for, if any."""
    known = KEYS_FROM_OTHER_TOOLS.get(str(key).casefold())
    if known and known[0] in allowed:
        return known[0]
    return suggest(key, allowed)


def unknown_key_hint(key: str, allowed: frozenset[str]) -> str:
    """What to say of an unknown key: the key that means the same here, or the nearest, or the
    keys allowed."""
    known = KEYS_FROM_OTHER_TOOLS.get(str(key).casefold())
    if known and known[0] in allowed:
        return f"did you mean '{known[0]}'? {known[1]}"
    hint = suggest(key, allowed)
    return f"did you mean '{hint}'?" if hint else "allowed: " + ", ".join(sorted(allowed))


def _bare_message(key: str, what: str, text: str) -> str:
    """An id or code written as a bare number or true/false: YAML tools read those as numbers
    (1.10 becomes 1.1), so it must be quoted to be the same everywhere."""
    return (f"{what} {text} is written as a bare {'number' if text[:1].isdigit() else 'word'}, "
            f"which YAML tools read as a number or true/false rather than text: put it in quotes "
            f"('{text}')")


class FieldReader:
    """Reads and checks the values of one loaded file, reporting each problem in it."""

    def __init__(self, label: str, result: LoadResult, state: SetState) -> None:
        self.file = label
        self.result = result
        self.state = state
        self.problems = state.problems
        # Per mapping (by id): the keys its unknown keys were taken to stand for ("did you mean").
        self.hinted: dict[int, set[str | None]] = {}

    # -- reporting -------------------------------------------------------------------

    def error(self, line: int, column: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, column, message))

    def at_key(self, mapping: LocatedDict, key: str, message: str) -> None:
        self.error(*mapping.key_mark(key), message)

    def at_value(self, mapping: LocatedDict, key: str, message: str) -> None:
        self.error(*mapping.value_mark(key), message)

    def ref(self, mapping: LocatedDict, key: str, value: str) -> Ref:
        line, column = mapping.value_mark(key)
        return Ref(value, self.file, line, column)

    # -- reading a part of the file as bank_format.py declares it ----------------------

    def read_shape(self, mapping: LocatedDict, shape: Shape) -> dict[str, Any]:
        """Rule: ``mapping`` has only ``shape``'s keys, each as declared. Returns each key's
        value as :meth:`read` gives it (a mapping-typed key, and an item's ``also_keyed``, are
        left to the caller)."""
        self.keys(mapping, shape.names, shape.name)
        return {key.name: self.read(mapping, key, shape.name)
                for key in shape.keys if key.type not in ("mapping", "keying")}

    def read(self, mapping: LocatedDict, key: Key, noun: str) -> Any:
        """The value of ``key`` in ``mapping`` (a part of the file that messages call ``noun``),
        checked against its declaration: None when it is wrong (reported) or absent; ids and
        codes as a :class:`Ref`, text stripped ('' when optional and absent), a list as the
        :class:`LocatedList` (its entries are the caller's to check)."""
        kind, name, required = key.type, key.name, key.required
        if kind == "markdown":
            return self.text(mapping, name, noun, required=required)
        if kind == "id":  # messages say "item id" for an item's id, "framework id" for framework
            what = f"{noun if name == 'id' else name} id"
            return self.identifier(mapping, name, noun, what=what, required=required)
        if kind == "code":
            return self.identifier(mapping, name, noun, pattern=CODE_RE, max_length=20,
                                   what="statement code", required=required)
        if kind == "choice":
            return self.choice(mapping, name, noun, key.choices, required=required)
        if kind == "list":
            return self.sequence(mapping, name, noun, required=required, non_empty=key.min_items > 0)
        if kind == "integer":
            return self.integer(mapping, name, noun, int(key.low or 0),
                                None if key.high is None else int(key.high), required=required)
        if kind == "number":
            return self.number(mapping, name, noun, key.low or 0, key.high,  # type: ignore[arg-type]
                               low_open=key.low_open, required=required)
        if kind == "boolean":
            return self.boolean(mapping, name, key.default)
        if kind == "slug":
            return self.slug(mapping, name, noun, required=required)
        if kind == "url":
            return self.url(mapping, name, noun, required=required)
        if kind == "date":
            return self.date(mapping, name, noun, required=required)
        raise ValueError(f"no reader for {kind!r} (key {name!r} of {noun})")

    def entries(self, values: LocatedList | None, key: Key) -> Iterable[tuple[int, LocatedDict]]:
        """Each mapping in the list read for ``key`` (nothing when it was absent or wrong)."""
        return self.mappings(values or LocatedList(), key.name, key.of or "")

    # -- generic readers -------------------------------------------------------------

    def keys(self, mapping: LocatedDict, allowed: frozenset[str], noun: str) -> None:
        """Rule: only the keys the contract lists for ``noun`` may appear."""
        for key in mapping:
            if key not in allowed:
                self.at_key(mapping, key, f"unknown key '{key}' in {noun} ({unknown_key_hint(key, allowed)})")
                self.hinted.setdefault(id(mapping), set()).add(hinted_key(key, allowed))

    def missing(self, mapping: LocatedDict, key: str, noun: str) -> None:
        """Rule: a required key is present. Not said again when an unknown key of the same
        mapping was already reported with "did you mean" this key (`question` for `stem`)."""
        if key in self.hinted.get(id(mapping), ()):
            return
        self.error(*mapping.mark, f"missing required key '{key}' in {noun}")

    def scalar_text(self, mapping: LocatedDict, key: str, value: Any) -> str | None:
        """``value`` as text: a string, or a bare number/boolean as written; None if not."""
        if type(value) is str:
            return value
        if value is None or value is INVALID or isinstance(value, (dict, list)):
            return None
        return mapping.source_text(key)

    def text(self, mapping: LocatedDict, key: str, noun: str, *, required: bool = True,
             markdown: bool = True) -> str | None:
        """Rule: a text field is non-empty text (Markdown without raw HTML when
        ``markdown``). Returns the stripped text, '' when optional and absent."""
        if key not in mapping:
            if required:
                self.missing(mapping, key, noun)
                return None
            return ""
        value = mapping[key]
        if value is INVALID:
            return None
        text = self.scalar_text(mapping, key, value)
        if text is None:
            if value is None:
                if required:
                    self.at_key(mapping, key, f"'{key}' must not be empty")
                    return None
                return ""
            self.at_value(mapping, key, f"'{key}' must be text, not {show(value)}")
            return None
        stripped = text.strip()
        if not stripped:
            if required:
                self.at_value(mapping, key, f"'{key}' must not be empty")
                return None
            return ""
        if markdown and "<" in text:
            self.check_html(mapping, key, text)
        return stripped

    def check_html(self, mapping: LocatedDict, key: str, text: str) -> None:
        """Rule: no raw HTML in a text field; reported at the line where it appears."""
        found = raw_html(text)
        if not found:
            return
        line, column = mapping.value_mark(key)
        literal = mapping.value_style(key) in ("|", ">")
        reported: set[int] = set()
        for offset, snippet in found:
            if offset in reported:
                continue
            reported.add(offset)
            if literal:
                at_line = line + 1 + offset
                source = self.result.line_text(at_line)
                at_column = len(source) - len(source.lstrip(" ")) + 1
            else:
                at_line, at_column = line, column
            self.error(at_line, at_column,
                       f"raw HTML {show(snippet)} is not allowed in '{key}': use Markdown")

    def identifier(self, mapping: LocatedDict, key: str, noun: str, *,
                   pattern: re.Pattern[str] = ID_RE, max_length: int = 80,
                   what: str = "id", required: bool = True) -> Ref | None:
        """Rule: ids match ``^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$`` (codes: at most 20)."""
        if key not in mapping:
            if required:
                self.missing(mapping, key, noun)
            return None
        value = mapping[key]
        if value is INVALID:
            return None
        text = self.scalar_text(mapping, key, value)
        if text is None:
            self.at_value(mapping, key, f"'{key}' must be {'an' if what[0] in 'aeiou' else 'a'} "
                                        f"{what}, not {show(value)}")
            return None
        if type(value) is not str and pattern.fullmatch(text) is not None:
            self.at_value(mapping, key, _bare_message(key, what, text))
            return None
        if pattern.fullmatch(text) is None:
            self.at_value(mapping, key, f"{show(text)} is not a valid {what}: use {ID_RULE}, "
                                        f"at most {max_length} characters")
            return None
        return self.ref(mapping, key, text)

    def choice(self, mapping: LocatedDict, key: str, noun: str, choices: Sequence[str], *,
               required: bool = True) -> str | None:
        """Rule: the value is one of ``choices``."""
        if key not in mapping:
            if required:
                self.missing(mapping, key, noun)
            return None
        value = mapping[key]
        if value is INVALID:
            return None
        text = self.scalar_text(mapping, key, value)
        if text in choices:
            return text
        expected = ", ".join(choices)
        if text is None:
            self.at_value(mapping, key, f"'{key}' must be one of: {expected}; not {show(value)}")
            return None
        hint = suggest(text, choices)
        tail = f"; did you mean '{hint}'?" if hint else ""
        self.at_value(mapping, key, f"unknown {key} {show(text)} (expected one of: {expected}{tail})")
        return None

    def integer(self, mapping: LocatedDict, key: str, noun: str, low: int, high: int | None,
                *, required: bool = True) -> int | None:
        """Rule: a whole number from ``low`` to ``high`` (no upper bound when None)."""
        if key not in mapping:
            if required:
                self.missing(mapping, key, noun)
            return None
        value = mapping[key]
        if value is INVALID:
            return None
        if type(value) is float and value.is_integer():  # 2.0 is the whole number 2
            value = int(value)
        if type(value) is int and low <= value and (high is None or value <= high):
            return value
        span = f"from {low} to {high}" if high is not None else f"of at least {low}"
        self.at_value(mapping, key, f"'{key}' must be a whole number {span}, "
                                    f"not {show(value, mapping.source_text(key))}")
        return None

    def number(self, mapping: LocatedDict, key: str, noun: str, low: float, high: float, *,
               low_open: bool = False, required: bool = True) -> float | None:
        """Rule: a (finite) number from ``low`` to ``high``; above ``low`` when ``low_open``."""
        if key not in mapping:
            if required:
                self.missing(mapping, key, noun)
            return None
        value = mapping[key]
        if value is INVALID:
            return None
        if type(value) in (int, float) and math.isfinite(value) and \
                (value > low if low_open else value >= low) and value <= high:
            return float(value)
        span = (f"greater than {low:g} and at most {high:g}" if low_open
                else f"from {low:g} to {high:g}")
        self.at_value(mapping, key, f"'{key}' must be a number {span}, "
                                    f"not {show(value, mapping.source_text(key))}")
        return None

    def boolean(self, mapping: LocatedDict, key: str, default: bool) -> bool | None:
        """Rule: true or false, written so (``yes``, ``on`` and the like are refused)."""
        if key not in mapping:
            return default
        value = mapping[key]
        if value is INVALID:
            return None
        source = mapping.source_text(key)
        if type(value) is bool and (source or "").lower() in ("true", "false"):
            return value
        tail = (": write true or false (yes, no, on and off mean true and false to some YAML "
                "tools and text to others)" if type(value) is bool else "")
        self.at_value(mapping, key, f"'{key}' must be true or false, not {show(value, source)}{tail}")
        return None

    def slug(self, mapping: LocatedDict, key: str, noun: str, *, required: bool = True) -> str | None:
        """Rule: a slug: lower-case letters and digits, words joined by '-'."""
        text = self.text(mapping, key, noun, required=required, markdown=False)
        if text and SLUG_RE.fullmatch(text) is None:
            self.at_value(mapping, key, f"'{key}' must be a slug (lower-case words joined by "
                                        f"'-', e.g. practice-supervisor), not {show(text)}")
            return None
        return text

    def url(self, mapping: LocatedDict, key: str, noun: str, *, required: bool = True) -> str | None:
        """Rule: an http(s) address."""
        url = self.text(mapping, key, noun, required=required, markdown=False)
        if not url:
            return url
        try:
            parts = urlsplit(url)
            good = parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in url
        except ValueError:
            good = False
        if not good:
            self.at_value(mapping, key, f"'{key}' must be an http:// or https:// address, not {show(url)}")
            return None
        return url

    def date(self, mapping: LocatedDict, key: str, noun: str, *, required: bool = True) -> date | None:
        """Rule: a calendar date that exists, written YYYY-MM-DD (YAML leaves it as text)."""
        text = self.text(mapping, key, noun, required=required, markdown=False)
        if not text:
            return None
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
            self.at_value(mapping, key, f"'{key}' must be a date written YYYY-MM-DD, e.g. "
                                        f"2027-04-01, not {show(text)}")
            return None
        try:
            value = date.fromisoformat(text)
        except ValueError:
            value = None
        if value is None or DATE_RE.fullmatch(text) is None:
            self.at_value(mapping, key, f"'{key}' is not a date that exists: {show(text)}")
            return None
        return value

    def sequence(self, mapping: LocatedDict, key: str, noun: str, *, required: bool,
                 non_empty: bool) -> LocatedList | None:
        """Rule: the value is a list (non-empty when ``non_empty``). None when absent."""
        if key not in mapping:
            if required:
                self.missing(mapping, key, noun)
            return None
        value = mapping[key]
        if value is INVALID:
            return None
        if value is None and not required and not non_empty:
            return None
        if not isinstance(value, LocatedList):
            if value is None:
                self.at_key(mapping, key, f"'{key}' must not be empty")
            else:
                self.at_value(mapping, key, f"'{key}' must be a list, not "
                                            f"{show(value, mapping.source_text(key))}")
            return None
        if non_empty and not value:
            self.at_value(mapping, key, f"'{key}' must not be empty")
            return None
        return value

    def mappings(self, values: LocatedList, key: str, noun: str) -> Iterable[tuple[int, LocatedDict]]:
        """Each entry of a list that must hold mappings; other entries are reported."""
        for index, value in enumerate(values):
            if isinstance(value, LocatedDict):
                yield index, value
            elif value is not INVALID:
                self.error(*values.element_mark(index),
                           f"each entry of '{key}' must be a mapping (the {noun}'s 'key: value' "
                           f"lines), not {show(value, values.source_text(index))}")

    def texts(self, values: LocatedList, key: str, pattern: re.Pattern[str] | None = None,
              what: str = "") -> list[Ref]:
        """Each entry of a list of short texts (ids, codes, references), as refs;
        entries that are not text, or that do not match ``pattern``, are reported."""
        refs = []
        for index, value in enumerate(values):
            if value is INVALID:
                continue
            line, column = values.element_mark(index)
            text = value if type(value) is str else (
                None if value is None or isinstance(value, (dict, list)) else values.source_text(index))
            if text is None or not text.strip():
                self.error(line, column, f"each entry of '{key}' must be non-empty text, "
                                         f"not {show(value)}")
            elif pattern is not None and type(value) is not str and pattern.fullmatch(text):
                self.error(line, column, _bare_message(key, what, text))
            elif pattern is not None and pattern.fullmatch(text) is None:
                self.error(line, column, f"{show(text)} is not a valid {what}: use {ID_RULE}, "
                                         f"at most {20 if pattern is CODE_RE else 80} characters")
            else:
                refs.append(Ref(text if pattern else text.strip(), self.file, line, column))
        return refs

    def no_duplicates(self, refs: list[Ref], message: str) -> list[Ref]:
        """Rule: no value twice in one list; ``message`` is formatted with value and line."""
        seen: dict[str, Ref] = {}
        unique = []
        for ref in refs:
            first = seen.get(ref.value)
            if first is not None:
                self.error(ref.line, ref.column, message.format(value=ref.value, line=first.line))
            else:
                seen[ref.value] = ref
                unique.append(ref)
        return unique

