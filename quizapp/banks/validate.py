"""Load and validate a set of bank files (frameworks, banks, test blueprints).

:func:`load_bank_set` reads every ``*.yaml`` / ``*.yml`` file under the given paths, checks
each file against the format in docs/bank-format.md, then checks the files together, and returns
a :class:`~quizapp.banks.model.BankSet` holding what is valid and *every* problem found,
each located at the line and column of the offending key or value.

What goes into the BankSet:

- A framework, bank or test is included when its id is valid and not a duplicate, with
  the parts of it that are valid: statements, items, scenarios and sections with a problem
  of their own are left out (their problems are reported).
- An item is left out when anything about it is wrong, including a statement code its
  framework does not have.
- Text fields are stored stripped of leading and trailing whitespace.

Leniency decided here (the contract is silent):

- A text field written as a bare YAML number or boolean (``text: Yes``, ``title: 2024``)
  is taken as the text written (``'Yes'``, not ``True``); the same goes for ids and codes
  (``code: 1.10`` is ``'1.10'``). An empty value (``stem:``) counts as missing.
- Draw availability counts every item that names its section and statements, even one that
  has other problems, so a broken item is reported once rather than again as a shortfall.

No Flask here: this is used by ``quizapp validate`` and by the importer.
"""

from __future__ import annotations

import difflib
import errno
import math
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from quizapp.domain import question_types
from quizapp.banks.model import (
    DEFAULT_BANDS,
    DRAW_KINDS,
    SCORING_RULES,
    SECTIONS,
    Band,
    Bank,
    BankSet,
    Draw,
    Framework,
    Item,
    Option,
    Problem,
    Resource,
    Scenario,
    Section,
    Statement,
    TestBlueprint,
)
from quizapp.banks.yamlsafe import INVALID, LoadResult, LocatedDict, LocatedList, load_path
from quizapp.domain.markup import raw_html

BANK_SUFFIXES = (".yaml", ".yml")

ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}")
"""Framework, bank, scenario, item and test ids."""
CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,19}")
"""Statement codes."""
SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
"""A framework's level: lower-case words joined by hyphens, e.g. practice-supervisor."""

MAX_TIME_LIMIT_MINUTES = 600

KIND_KEYS = ("framework", "bank", "test")
FRAMEWORK_KEYS = frozenset({"framework", "title", "level", "description", "statements"})
STATEMENT_KEYS = frozenset({"code", "title", "summary", "resources"})
RESOURCE_KEYS = frozenset({"title", "url"})
BANK_KEYS = frozenset({"bank", "framework", "title", "description", "items", "scenarios"})
SCENARIO_KEYS = frozenset({"id", "title", "text", "items"})
ITEM_KEYS = frozenset({"id", "type", "section", "statements", "difficulty", "stem", "options",
                       "scoring", "rationale", "references"})
OPTION_KEYS = frozenset({"text", "correct", "feedback"})
TEST_KEYS = frozenset({"test", "title", "framework", "description", "time_limit_minutes",
                       "pass_mark_percent", "sections", "shuffle_options", "bands"})
SECTION_KEYS = frozenset({"section", "title", "framework", "draw"})
DRAW_KEYS = frozenset(DRAW_KINDS)
BAND_KEYS = frozenset({"min_percent", "label"})
_ANY_KEY = FRAMEWORK_KEYS | BANK_KEYS | TEST_KEYS

_KIND_RULE = "a file must have exactly one of 'framework', 'bank' or 'test' at the top level"
_ID_RULE = "letters, digits, '.', '_' or '-', starting with a letter or digit"


# --------------------------------------------------------------------------------------
# Public API


def load_bank_set(paths: Sequence[str | Path], *, base: Path | None = None) -> BankSet:
    """Load and validate every bank file under ``paths`` (directories searched recursively,
    files taken as given). Problems name files relative to ``base`` (default: the current
    directory) when they are inside it. Raises ``FileNotFoundError`` for a missing path;
    every other problem is reported in ``BankSet.problems``, sorted by file, line, column."""
    base_dir = Path(os.path.abspath(base if base is not None else os.getcwd()))
    files = find_bank_files(paths, base_dir)
    state = _SetState()
    for label, path in files:
        state.files.append(label)
        result = load_path(path, label)
        state.problems.extend(result.problems)
        if result.value is not None:
            _FileChecker(label, result, state).check()
    _check_set(state)
    return _assemble(state)


def find_bank_files(paths: Iterable[str | Path], base: Path) -> list[tuple[str, Path]]:
    """(label, path) of each bank file under ``paths``, sorted by label, each once.

    Directories are searched recursively for ``*.yaml`` / ``*.yml``, skipping hidden
    files and directories (names starting with '.'); a file named directly is taken
    whatever its name. A path that does not exist raises ``FileNotFoundError``."""
    found: dict[str, tuple[str, Path]] = {}
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise FileNotFoundError(errno.ENOENT, "bank path does not exist", str(raw))
        candidates = _walk(path) if path.is_dir() else [path]
        for candidate in candidates:
            absolute = os.path.abspath(candidate)
            if absolute not in found:
                found[absolute] = (_label(Path(absolute), base), candidate)
    return sorted(found.values(), key=lambda pair: pair[0])


def _walk(directory: Path) -> list[Path]:
    out = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        out.extend(Path(root, name) for name in sorted(files)
                   if name.endswith(BANK_SUFFIXES) and not name.startswith("."))
    return out


def _label(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


# --------------------------------------------------------------------------------------
# Records: what one file says, kept for the checks across files


@dataclass
class _Ref:
    """A value and where it was written."""

    value: str
    file: str
    line: int
    column: int

    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass
class _ItemRec:
    ref: _Ref | None  # the id
    section: str | None
    codes: list[_Ref]
    item: Item | None  # None when the item has a problem of its own
    scenario: _ScenarioRec | None = None
    ok: bool = True


@dataclass
class _ScenarioRec:
    ref: _Ref | None
    scenario: Scenario | None
    items: list[_ItemRec] = field(default_factory=list)
    ok: bool = True


@dataclass
class _BankRec:
    ref: _Ref
    framework: _Ref | None
    bank: Bank
    items: list[_ItemRec] = field(default_factory=list)  # standalone
    scenarios: list[_ScenarioRec] = field(default_factory=list)


@dataclass
class _FrameworkRec:
    ref: _Ref
    framework: Framework
    codes: list[str]  # every well-formed code, in order, even of a statement with problems


@dataclass
class _SectionRec:
    section: Section | None
    name: str | None
    framework: _Ref | None  # the section's own framework, when given
    draw_kind: str | None
    draw_count: _Ref | None  # the count's location (value is its text)
    draw_number: int
    draw_items: list[_Ref]


@dataclass
class _TestRec:
    ref: _Ref
    framework: _Ref | None
    test: TestBlueprint
    sections: list[_SectionRec]


@dataclass
class _SetState:
    files: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    frameworks: list[_FrameworkRec] = field(default_factory=list)
    banks: list[_BankRec] = field(default_factory=list)
    tests: list[_TestRec] = field(default_factory=list)

    def error(self, ref: _Ref, message: str) -> None:
        self.problems.append(Problem(ref.file, ref.line, ref.column, message))


# --------------------------------------------------------------------------------------
# One file


def _show(value: Any, source: str | None = None) -> str:
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


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _suggest(word: str, choices: Iterable[str]) -> str | None:
    """The nearest choice to ``word``: one that differs only in case, else difflib's best."""
    ordered = sorted(choices)
    folded = word.casefold()
    for choice in ordered:
        if choice.casefold() == folded:
            return choice
    matches = difflib.get_close_matches(word, ordered, n=1, cutoff=0.6)
    return matches[0] if matches else None


class _FileChecker:
    """Checks one loaded file and records what it defines in the set state."""

    def __init__(self, label: str, result: LoadResult, state: _SetState) -> None:
        self.file = label
        self.result = result
        self.state = state
        self.problems = state.problems

    # -- reporting -------------------------------------------------------------------

    def error(self, line: int, column: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, column, message))

    def at_key(self, mapping: LocatedDict, key: str, message: str) -> None:
        self.error(*mapping.key_mark(key), message)

    def at_value(self, mapping: LocatedDict, key: str, message: str) -> None:
        self.error(*mapping.value_mark(key), message)

    def ref(self, mapping: LocatedDict, key: str, value: str) -> _Ref:
        line, column = mapping.value_mark(key)
        return _Ref(value, self.file, line, column)

    # -- generic readers -------------------------------------------------------------

    def keys(self, mapping: LocatedDict, allowed: frozenset[str], noun: str) -> None:
        """Rule: only the keys the contract lists for ``noun`` may appear."""
        for key in mapping:
            if key not in allowed:
                hint = _suggest(key, allowed)
                tail = f"did you mean '{hint}'?" if hint else "allowed: " + ", ".join(sorted(allowed))
                self.at_key(mapping, key, f"unknown key '{key}' in {noun} ({tail})")

    def missing(self, mapping: LocatedDict, key: str, noun: str) -> None:
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
            self.at_value(mapping, key, f"'{key}' must be text, not {_show(value)}")
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
                       f"raw HTML {_show(snippet)} is not allowed in '{key}': use Markdown")

    def identifier(self, mapping: LocatedDict, key: str, noun: str, *,
                   pattern: re.Pattern[str] = ID_RE, max_length: int = 80,
                   what: str = "id", required: bool = True) -> _Ref | None:
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
                                        f"{what}, not {_show(value)}")
            return None
        if pattern.fullmatch(text) is None:
            self.at_value(mapping, key, f"{_show(text)} is not a valid {what}: use {_ID_RULE}, "
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
            self.at_value(mapping, key, f"'{key}' must be one of: {expected}; not {_show(value)}")
            return None
        hint = _suggest(text, choices)
        tail = f"; did you mean '{hint}'?" if hint else ""
        self.at_value(mapping, key, f"unknown {key} {_show(text)} (expected one of: {expected}{tail})")
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
        if type(value) is int and low <= value and (high is None or value <= high):
            return value
        span = f"from {low} to {high}" if high is not None else f"of at least {low}"
        self.at_value(mapping, key, f"'{key}' must be a whole number {span}, "
                                    f"not {_show(value, mapping.source_text(key))}")
        return None

    def number(self, mapping: LocatedDict, key: str, noun: str, low: float, high: float, *,
               low_open: bool = False) -> float | None:
        """Rule: a (finite) number from ``low`` to ``high``; above ``low`` when ``low_open``."""
        if key not in mapping:
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
                                    f"not {_show(value, mapping.source_text(key))}")
        return None

    def boolean(self, mapping: LocatedDict, key: str, default: bool) -> bool | None:
        """Rule: true or false."""
        if key not in mapping:
            return default
        value = mapping[key]
        if value is INVALID:
            return None
        if type(value) is bool:
            return value
        self.at_value(mapping, key, f"'{key}' must be true or false, "
                                    f"not {_show(value, mapping.source_text(key))}")
        return None

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
                                            f"{_show(value, mapping.source_text(key))}")
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
                           f"lines), not {_show(value, values.source_text(index))}")

    def texts(self, values: LocatedList, key: str, pattern: re.Pattern[str] | None = None,
              what: str = "") -> list[_Ref]:
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
                                         f"not {_show(value)}")
            elif pattern is not None and pattern.fullmatch(text) is None:
                self.error(line, column, f"{_show(text)} is not a valid {what}: use {_ID_RULE}, "
                                         f"at most {20 if pattern is CODE_RE else 80} characters")
            else:
                refs.append(_Ref(text if pattern else text.strip(), self.file, line, column))
        return refs

    def no_duplicates(self, refs: list[_Ref], message: str) -> list[_Ref]:
        """Rule: no value twice in one list; ``message`` is formatted with value and line."""
        seen: dict[str, _Ref] = {}
        unique = []
        for ref in refs:
            first = seen.get(ref.value)
            if first is not None:
                self.error(ref.line, ref.column, message.format(value=ref.value, line=first.line))
            else:
                seen[ref.value] = ref
                unique.append(ref)
        return unique

    # -- the file kinds ----------------------------------------------------------------

    def check(self) -> None:
        """Rule: a file is exactly one of framework, bank or test."""
        root = self.result.value
        assert root is not None
        if "bank" in root and "test" in root:
            first, second = sorted(("bank", "test"), key=lambda k: root.key_mark(k))
            self.at_key(root, second, f"{_KIND_RULE}: this one has both '{first}' "
                                      f"(line {root.key_mark(first)[0]}) and '{second}'")
        elif "bank" in root:
            self.bank(root)
        elif "test" in root:
            self.test(root)
        elif "framework" in root:
            self.framework(root)
        else:
            hints = [(key, _suggest(key, KIND_KEYS)) for key in root if key not in _ANY_KEY]
            hints = [(key, hint) for key, hint in hints if hint]
            if hints:
                key, hint = hints[0]
                self.at_key(root, key, f"{_KIND_RULE}: this one has none "
                                       f"(did you mean '{hint}' for '{key}'?)")
            else:
                self.error(*root.mark, f"{_KIND_RULE}: this one has none")

    def framework(self, root: LocatedDict) -> None:
        self.keys(root, FRAMEWORK_KEYS, "framework")
        ref = self.identifier(root, "framework", "framework", what="framework id")
        title = self.text(root, "title", "framework")
        level = self.level(root)
        description = self.text(root, "description", "framework", required=False)
        statements: list[Statement] = []
        codes: list[str] = []
        values = self.sequence(root, "statements", "framework", required=True, non_empty=True)
        seen: dict[str, int] = {}
        for _, entry in self.mappings(values or LocatedList(), "statements", "statement"):
            before = len(self.problems)
            statement = self.statement(entry, seen)
            if statement is not None and len(self.problems) == before:
                statements.append(statement)
            code = entry.get("code")
            code_text = self.scalar_text(entry, "code", code) if "code" in entry else None
            if code_text is not None and CODE_RE.fullmatch(code_text) and code_text not in codes:
                codes.append(code_text)
        if ref is None:
            return
        framework = Framework(key=ref.value, title=title or "", level=level or "",
                              statements=statements, description=description or "",
                              file=self.file, line=ref.line)
        self.state.frameworks.append(_FrameworkRec(ref, framework, codes))

    def level(self, root: LocatedDict) -> str | None:
        """Rule: ``level`` is a slug: lower-case letters and digits, words joined by '-'."""
        level = self.text(root, "level", "framework", markdown=False)
        if level is not None and SLUG_RE.fullmatch(level) is None:
            self.at_value(root, "level", f"'level' must be a slug (lower-case words joined by "
                                         f"'-', e.g. practice-supervisor), not {_show(level)}")
            return None
        return level

    def statement(self, entry: LocatedDict, seen: dict[str, int]) -> Statement | None:
        self.keys(entry, STATEMENT_KEYS, "statement")
        code = self.identifier(entry, "code", "statement", pattern=CODE_RE, max_length=20,
                               what="statement code")
        if code is not None:
            if code.value in seen:
                self.at_value(entry, "code", f"duplicate statement code '{code.value}' "
                                             f"(first at line {seen[code.value]})")
            else:
                seen[code.value] = code.line
        title = self.text(entry, "title", "statement")
        summary = self.text(entry, "summary", "statement")
        resources = []
        values = self.sequence(entry, "resources", "statement", required=False, non_empty=False)
        for _, resource in self.mappings(values or LocatedList(), "resources", "resource"):
            self.keys(resource, RESOURCE_KEYS, "resource")
            r_title = self.text(resource, "title", "resource")
            url = self.url(resource)
            if r_title is not None and url is not None:
                resources.append(Resource(r_title, url))
        if code is None or title is None or summary is None:
            return None
        return Statement(code.value, title, summary, tuple(resources))

    def url(self, resource: LocatedDict) -> str | None:
        """Rule: a resource's url is an http(s) address."""
        url = self.text(resource, "url", "resource", markdown=False)
        if url is None:
            return None
        try:
            parts = urlsplit(url)
            good = parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in url
        except ValueError:
            good = False
        if not good:
            self.at_value(resource, "url", f"'url' must be an http:// or https:// address, not {_show(url)}")
            return None
        return url

    def bank(self, root: LocatedDict) -> None:
        self.keys(root, BANK_KEYS, "bank")
        ref = self.identifier(root, "bank", "bank", what="bank id")
        framework = self.identifier(root, "framework", "bank", what="framework id")
        title = self.text(root, "title", "bank")
        description = self.text(root, "description", "bank", required=False)
        key = ref.value if ref else ""
        fw_key = framework.value if framework else ""
        entries = 0
        item_recs: list[_ItemRec] = []
        items = self.sequence(root, "items", "bank", required=False, non_empty=False)
        if items is not None:
            entries += len(items)
            item_recs = self.items(items, key, fw_key, None)
        scenario_recs: list[_ScenarioRec] = []
        scenarios = self.sequence(root, "scenarios", "bank", required=False, non_empty=False)
        for index, entry in self.mappings(scenarios or LocatedList(), "scenarios", "scenario"):
            scenario = self.scenario(entry, index, key, fw_key)
            entries += max(1, len(scenario.items))  # an empty scenario is reported by itself
            scenario_recs.append(scenario)
        if entries == 0 and (scenarios is None or not scenarios):
            self.at_key(root, "bank", "a bank needs at least one item: add 'items', or "
                                      "'scenarios' with items")
        if ref is None:
            return
        bank = Bank(key=key, framework=fw_key, title=title or "", items=[], scenarios=[],
                    description=description or "", file=self.file, line=ref.line)
        self.state.banks.append(_BankRec(ref, framework, bank, item_recs, scenario_recs))

    def scenario(self, entry: LocatedDict, index: int, bank: str, framework: str) -> _ScenarioRec:
        before = len(self.problems)
        self.keys(entry, SCENARIO_KEYS, "scenario")
        ref = self.identifier(entry, "id", "scenario", what="scenario id")
        title = self.text(entry, "title", "scenario")
        text = self.text(entry, "text", "scenario")
        values = self.sequence(entry, "items", "scenario", required=True, non_empty=True)
        own_problems = len(self.problems) > before
        key = ref.value if ref else ""
        record = _ScenarioRec(ref, None)
        record.items = self.items(values or LocatedList(), bank, framework, record)
        record.ok = not own_problems and ref is not None
        if record.ok:
            record.scenario = Scenario(key=key, title=title or "", text=text or "", items=[],
                                       bank=bank, file=self.file, line=entry.mark[0])
        return record

    def items(self, values: LocatedList, bank: str, framework: str,
              scenario: _ScenarioRec | None) -> list[_ItemRec]:
        return [self.item(entry, index, bank, framework, scenario)
                for index, entry in self.mappings(values, "items", "item")]

    def item(self, entry: LocatedDict, position: int, bank: str, framework: str,
             scenario: _ScenarioRec | None) -> _ItemRec:
        """Check one item: its keys and fields, then its question type's rules."""
        before = len(self.problems)
        self.keys(entry, ITEM_KEYS, "item")
        ref = self.identifier(entry, "id", "item", what="item id")
        type_name = self.choice(entry, "type", "item", question_types.names())
        section = self.choice(entry, "section", "item", SECTIONS)
        codes = self.codes(entry)
        difficulty = self.integer(entry, "difficulty", "item", 1, 3, required=False)
        stem = self.text(entry, "stem", "item")
        options = self.options(entry)
        scoring = self.choice(entry, "scoring", "item", SCORING_RULES, required=False)
        rationale = self.text(entry, "rationale", "item")
        references = self.sequence(entry, "references", "item", required=False, non_empty=False)
        reference_refs = self.texts(references, "references") if references is not None else []
        if type_name is not None and isinstance(entry.get("options"), LocatedList):
            question_type = question_types.get(type_name)
            assert question_type is not None
            for message, where in question_type.validate(entry):
                self.error(*_locate(entry, where), message)
        record = _ItemRec(ref, section, codes, None)
        if len(self.problems) == before:
            record.item = Item(
                key=ref.value, type=type_name, section=section,  # type: ignore[union-attr,arg-type]
                statements=tuple(code.value for code in codes), stem=stem or "",
                options=tuple(options), rationale=rationale or "",
                scoring=scoring or "all-or-nothing", difficulty=difficulty,
                references=tuple(r.value for r in reference_refs), bank=bank,
                framework=framework, scenario=scenario.ref.value if scenario and scenario.ref else None,
                position=position, file=self.file, line=entry.mark[0],
            )
        else:
            record.ok = False
        record.scenario = scenario
        return record

    def codes(self, entry: LocatedDict) -> list[_Ref]:
        """Rule: ``statements`` is a non-empty list of statement codes, none twice."""
        values = self.sequence(entry, "statements", "item", required=True, non_empty=True)
        if values is None:
            return []
        refs = self.texts(values, "statements", CODE_RE, "statement code")
        return self.no_duplicates(refs, "statement '{value}' is listed twice (first at line {line})")

    def options(self, entry: LocatedDict) -> list[Option]:
        """Rule: ``options`` is a list of {text, correct, feedback}; texts unique."""
        values = self.sequence(entry, "options", "item", required=True, non_empty=True)
        options = []
        seen: dict[str, int] = {}
        for _, option in self.mappings(values or LocatedList(), "options", "option"):
            self.keys(option, OPTION_KEYS, "option")
            text = self.text(option, "text", "option")
            correct = self.boolean(option, "correct", False)
            feedback = self.text(option, "feedback", "option", required=False)
            if text is not None:
                if text in seen:
                    self.at_value(option, "text", f"duplicate option text {_show(text)} "
                                                  f"(first at line {seen[text]})")
                else:
                    seen[text] = option.value_mark("text")[0]
            options.append(Option(text or "", bool(correct), feedback or ""))
        return options

    def test(self, root: LocatedDict) -> None:
        self.keys(root, TEST_KEYS, "test")
        ref = self.identifier(root, "test", "test", what="test id")
        title = self.text(root, "title", "test")
        framework = self.identifier(root, "framework", "test", what="framework id")
        description = self.text(root, "description", "test", required=False)
        minutes = self.number(root, "time_limit_minutes", "test", 0, MAX_TIME_LIMIT_MINUTES,
                              low_open=True)
        pass_mark = self.number(root, "pass_mark_percent", "test", 0, 100)
        shuffle = self.boolean(root, "shuffle_options", True)
        bands = self.bands(root)
        values = self.sequence(root, "sections", "test", required=True, non_empty=True)
        fw_key = framework.value if framework else ""
        section_recs = []
        seen: dict[str, int] = {}
        for _, entry in self.mappings(values or LocatedList(), "sections", "section"):
            section_recs.append(self.section(entry, fw_key, seen))
        if ref is None:
            return
        test = TestBlueprint(
            key=ref.value, title=title or "", framework=fw_key,
            time_limit_minutes=minutes or 0.0, pass_mark_percent=pass_mark or 0.0,
            sections=[s.section for s in section_recs if s.section is not None],
            shuffle_options=True if shuffle is None else shuffle, bands=bands,
            description=description or "", file=self.file, line=ref.line,
        )
        self.state.tests.append(_TestRec(ref, framework, test, section_recs))

    def section(self, entry: LocatedDict, test_framework: str, seen: dict[str, int]) -> _SectionRec:
        before = len(self.problems)
        self.keys(entry, SECTION_KEYS, "section")
        name = self.choice(entry, "section", "section", SECTIONS)
        if name is not None:
            if name in seen:
                self.at_value(entry, "section", f"section '{name}' appears twice in this test "
                                                f"(first at line {seen[name]})")
            else:
                seen[name] = entry.value_mark("section")[0]
        title = self.text(entry, "title", "section", required=False)
        framework = self.identifier(entry, "framework", "section", what="framework id",
                                    required=False)
        record = _SectionRec(None, name, framework, None, None, 0, [])
        self.draw(entry, record)
        if len(self.problems) == before and record.draw_kind is not None and name is not None:
            draw = Draw(kind=record.draw_kind,  # type: ignore[arg-type]
                        count=record.draw_number,
                        items=tuple(ref.value for ref in record.draw_items))
            record.section = Section(section=name, draw=draw,
                                     framework=framework.value if framework else test_framework,
                                     title=title or "")
        return record

    def draw(self, entry: LocatedDict, record: _SectionRec) -> None:
        """Rule: ``draw`` is a mapping with exactly one of count, per_statement, scenarios
        (whole numbers >= 1) or items (a non-empty list of item ids, none twice)."""
        if "draw" not in entry:
            self.missing(entry, "draw", "section")
            return
        draw = entry["draw"]
        if draw is INVALID:
            return
        if not isinstance(draw, LocatedDict):
            self.at_value(entry, "draw", f"'draw' must be a mapping with one of: "
                                         f"{', '.join(DRAW_KINDS)}; not {_show(draw, entry.source_text('draw'))}")
            return
        self.keys(draw, DRAW_KEYS, "draw")
        kinds = [key for key in draw if key in DRAW_KEYS]
        if not kinds:
            if not draw:  # unknown keys were reported, with a suggestion, just above
                self.at_key(entry, "draw", f"'draw' needs one of: {', '.join(DRAW_KINDS)}")
            return
        if len(kinds) > 1:
            self.at_key(draw, kinds[1], f"'draw' must have exactly one of {', '.join(DRAW_KINDS)}; "
                                        f"found '{kinds[0]}' and '{kinds[1]}'")
            return
        kind = kinds[0]
        if kind == "items":
            values = self.sequence(draw, "items", "draw", required=True, non_empty=True)
            if values is None:
                return
            refs = self.texts(values, "items", ID_RE, "item id")
            if len(refs) != len(values):
                return
            record.draw_items = self.no_duplicates(
                refs, "item '{value}' is listed twice in this draw (first at line {line})")
        else:
            number = self.integer(draw, kind, "draw", 1, None)
            if number is None:
                return
            record.draw_number = number
            record.draw_count = self.ref(draw, kind, str(number))
        record.draw_kind = kind

    def bands(self, root: LocatedDict) -> tuple[Band, ...]:
        """Rule: bands have min_percent 0..100, strictly decreasing, the last 0, labels unique."""
        default = tuple(Band(m, label) for m, label in DEFAULT_BANDS)
        values = self.sequence(root, "bands", "test", required=False, non_empty=True)
        if values is None:
            return default
        bands = []
        previous: tuple[float, int] | None = None
        labels: dict[str, int] = {}
        minimum: float | None = None
        for _, entry in self.mappings(values, "bands", "band"):
            self.keys(entry, BAND_KEYS, "band")
            minimum = self.number(entry, "min_percent", "band", 0, 100)
            label = self.text(entry, "label", "band")
            if minimum is not None:
                if previous is not None and minimum >= previous[0]:
                    self.at_value(entry, "min_percent",
                                  f"bands must go from the highest min_percent down: {minimum:g} is "
                                  f"not below {previous[0]:g} (line {previous[1]})")
                previous = (minimum, entry.value_mark("min_percent")[0])
            if label is not None:
                if label in labels:
                    self.at_value(entry, "label", f"duplicate band label {_show(label)} "
                                                  f"(first at line {labels[label]})")
                else:
                    labels[label] = entry.value_mark("label")[0]
            if minimum is not None and label is not None:
                bands.append(Band(minimum, label))
        last = values[-1]
        if isinstance(last, LocatedDict) and minimum is not None and minimum != 0:
            self.at_value(last, "min_percent", f"the last band must have min_percent 0, not {minimum:g}")
        return tuple(bands)


def _locate(mapping: LocatedDict, where: tuple[str | int, ...]) -> tuple[int, int]:
    """The (line, column) of a path such as ("options", 2, "correct") inside ``mapping``."""
    mark = mapping.mark
    node: Any = mapping
    for step in where:
        if isinstance(node, LocatedDict) and isinstance(step, str) and step in node.marks:
            mark = node.key_mark(step)
            node = node[step]
        elif isinstance(node, LocatedList) and isinstance(step, int) and 0 <= step < len(node):
            mark = node.element_mark(step)
            node = node[step]
        else:
            break
    return mark


# --------------------------------------------------------------------------------------
# The files together


def _first_wins(state: _SetState, refs: Iterable[tuple[_Ref, Any]], noun: str) -> dict[str, Any]:
    """Rule: ids are unique across all files; each later one is reported, naming the first."""
    first: dict[str, tuple[_Ref, Any]] = {}
    for ref, value in refs:
        earlier = first.get(ref.value)
        if earlier is not None:
            state.error(ref, f"duplicate {noun} id '{ref.value}' (first defined at {earlier[0].where()})")
        else:
            first[ref.value] = (ref, value)
    return {key: value for key, (_, value) in first.items()}


def _known_framework(state: _SetState, ref: _Ref, frameworks: dict[str, _FrameworkRec]) -> bool:
    """Rule: a framework reference names a framework defined in the set."""
    if ref.value in frameworks:
        return True
    hint = _suggest(ref.value, frameworks)
    tail = f" (did you mean '{hint}'?)" if hint else " (none of the files given defines it)"
    state.error(ref, f"unknown framework '{ref.value}'{tail}")
    return False


def _check_set(state: _SetState) -> None:
    frameworks: dict[str, _FrameworkRec] = _first_wins(
        state, ((rec.ref, rec) for rec in state.frameworks), "framework")
    banks: dict[str, _BankRec] = _first_wins(state, ((rec.ref, rec) for rec in state.banks), "bank")
    state.frameworks = list(frameworks.values())
    state.banks = list(banks.values())

    file_order = {name: index for index, name in enumerate(state.files)}
    scenario_refs = [(s.ref, s) for b in state.banks for s in b.scenarios if s.ref is not None]
    scenario_refs.sort(key=lambda pair: (file_order[pair[0].file], pair[0].line))
    scenarios: dict[str, _ScenarioRec] = _first_wins(state, scenario_refs, "scenario")
    for _, scenario in scenario_refs:
        if scenarios.get(scenario.ref.value) is not scenario:  # type: ignore[union-attr]
            scenario.ok = False
    item_refs = [(rec.ref, rec) for bank in state.banks for rec in _bank_items(bank) if rec.ref]
    item_refs.sort(key=lambda pair: (file_order[pair[0].file], pair[0].line))
    items: dict[str, _ItemRec] = _first_wins(state, item_refs, "item")
    for _, rec in item_refs:
        if items.get(rec.ref.value) is not rec:  # type: ignore[union-attr]
            rec.ok = False

    for bank in state.banks:
        if bank.framework is None or not _known_framework(state, bank.framework, frameworks):
            continue
        codes = set(frameworks[bank.framework.value].codes)
        for rec in _bank_items(bank):
            _check_codes(state, rec, codes, bank.framework.value)

    tests: dict[str, _TestRec] = _first_wins(state, ((rec.ref, rec) for rec in state.tests), "test")
    state.tests = list(tests.values())
    pools = _Pools(state.banks, items, scenarios)
    for test in state.tests:
        _check_test(state, test, frameworks, pools)


def _bank_items(bank: _BankRec) -> list[_ItemRec]:
    return bank.items + [rec for scenario in bank.scenarios for rec in scenario.items]


def _check_codes(state: _SetState, rec: _ItemRec, codes: set[str], framework: str) -> None:
    """Rule: an item's statements are codes of its bank's framework."""
    for code in rec.codes:
        if code.value not in codes:
            hint = _suggest(code.value, codes)
            tail = f" (did you mean '{hint}'?)" if hint else ""
            state.error(code, f"unknown statement code '{code.value}' for framework '{framework}'{tail}")
            rec.ok = False


class _Pools:
    """Items available to draws, by framework: every item whose section is known, valid or
    not (see the module docstring), except the second and later items of a duplicate id."""

    def __init__(self, banks: list[_BankRec], items: dict[str, _ItemRec],
                 scenarios: dict[str, _ScenarioRec]) -> None:
        self.standalone: dict[str, list[_ItemRec]] = {}
        self.scenarios: dict[str, list[_ScenarioRec]] = {}
        self.framework_of: dict[str, str] = {}
        for bank in banks:
            framework = bank.bank.framework
            for rec in bank.items:
                # an item whose id is malformed still exists: count it (its id is reported)
                if rec.section and (rec.ref is None or items.get(rec.ref.value) is rec):
                    self.standalone.setdefault(framework, []).append(rec)
            for scenario in bank.scenarios:
                if scenario.ref is not None and scenarios.get(scenario.ref.value) is scenario:
                    self.scenarios.setdefault(framework, []).append(scenario)
            for rec in _bank_items(bank):
                if rec.ref and items.get(rec.ref.value) is rec:
                    self.framework_of[rec.ref.value] = framework
        self.items = items


def _check_test(state: _SetState, test: _TestRec, frameworks: dict[str, _FrameworkRec],
                pools: _Pools) -> None:
    """Rule: the test's frameworks exist and every section's draw can be met."""
    test_fw_ok = test.framework is not None and _known_framework(state, test.framework, frameworks)
    fixed: dict[str, tuple[str, int]] = {}  # item id -> (section, line), over `items` draws
    for section in test.sections:
        if section.framework is not None:
            if not _known_framework(state, section.framework, frameworks):
                continue
            framework = section.framework.value
        elif test_fw_ok:
            framework = test.framework.value  # type: ignore[union-attr]
        else:
            continue
        if section.name is None or section.draw_kind is None:
            continue
        fw = frameworks[framework]
        if section.draw_kind == "count":
            _check_count(state, section, framework, pools)
        elif section.draw_kind == "per_statement":
            _check_per_statement(state, section, fw, pools)
        elif section.draw_kind == "scenarios":
            _check_scenarios(state, section, framework, pools)
        else:
            _check_items(state, section, framework, pools, fixed)


def _check_count(state: _SetState, section: _SectionRec, framework: str, pools: _Pools) -> None:
    """Rule: count <= the standalone items of that section for the framework."""
    n = section.draw_number
    available = sum(1 for rec in pools.standalone.get(framework, ()) if rec.section == section.name)
    if n > available:
        state.error(section.draw_count,  # type: ignore[arg-type]
                    f"section '{section.name}' draws {_plural(n, 'item')} but only {available} "
                    f"standalone {section.name} item{'' if available == 1 else 's'} exist"
                    f"{'s' if available == 1 else ''} for framework '{framework}'")


def _check_per_statement(state: _SetState, section: _SectionRec, fw: _FrameworkRec,
                         pools: _Pools) -> None:
    """Rule: every statement has >= n standalone items of the section, and there are at
    least n x statements distinct such items (checked once every statement has enough)."""
    n = section.draw_number
    counts = dict.fromkeys(fw.codes, 0)
    distinct = 0
    for rec in pools.standalone.get(fw.ref.value, ()):
        if rec.section != section.name:
            continue
        keyed = False
        for code in {c.value for c in rec.codes}:
            if code in counts:
                counts[code] += 1
                keyed = True
        distinct += keyed
    short = [(code, count) for code, count in counts.items() if count < n]
    for code, count in short:
        state.error(section.draw_count,  # type: ignore[arg-type]
                    f"section '{section.name}' draws {_plural(n, 'item')} per statement but statement "
                    f"'{code}' has only {count} standalone {section.name} "
                    f"item{'' if count == 1 else 's'} for framework '{fw.ref.value}'")
    needed = n * len(counts)
    if not short and distinct < needed:
        state.error(section.draw_count,  # type: ignore[arg-type]
                    f"section '{section.name}' draws {_plural(n, 'item')} for each of "
                    f"{len(counts)} statements ({needed} in all) but only {distinct} distinct "
                    f"standalone {section.name} items exist for framework '{fw.ref.value}'")


def _check_scenarios(state: _SetState, section: _SectionRec, framework: str, pools: _Pools) -> None:
    """Rule: scenarios <= the scenarios whose items are all of that section."""
    n = section.draw_number
    eligible = 0
    for scenario in pools.scenarios.get(framework, ()):
        sections = {rec.section for rec in scenario.items}
        if sections == {section.name}:
            eligible += 1
    if n > eligible:
        state.error(section.draw_count,  # type: ignore[arg-type]
                    f"section '{section.name}' draws {_plural(n, 'scenario')} but only {eligible} "
                    f"scenario{'' if eligible == 1 else 's'} with only {section.name} items "
                    f"exist{'s' if eligible == 1 else ''} for framework '{framework}'")


def _check_items(state: _SetState, section: _SectionRec, framework: str, pools: _Pools,
                 fixed: dict[str, tuple[str, int]]) -> None:
    """Rule: each listed item exists, is of the framework and the section, and is not
    already listed by another section of the same test."""
    for ref in section.draw_items:
        rec = pools.items.get(ref.value)
        if rec is None:
            state.error(ref, f"unknown item '{ref.value}' in section '{section.name}'")
            continue
        item_framework = pools.framework_of.get(ref.value)
        if item_framework != framework:
            state.error(ref, f"item '{ref.value}' is from framework '{item_framework}', but section "
                             f"'{section.name}' draws from framework '{framework}'")
        elif rec.section is not None and rec.section != section.name:
            state.error(ref, f"item '{ref.value}' is a {rec.section} item, so it cannot be drawn "
                             f"in section '{section.name}'")
        earlier = fixed.get(ref.value)
        if earlier is not None:
            state.error(ref, f"item '{ref.value}' is already drawn in section '{earlier[0]}' "
                             f"(line {earlier[1]})")
        else:
            fixed[ref.value] = (section.name or "", ref.line)


# --------------------------------------------------------------------------------------
# The result


def _assemble(state: _SetState) -> BankSet:
    """Build the BankSet from what is valid; problems sorted by file, line, column."""
    bank_set = BankSet(files=list(state.files))
    for rec in state.frameworks:
        bank_set.frameworks[rec.ref.value] = rec.framework
    for rec in state.banks:
        bank = rec.bank
        bank.items = [item.item for item in rec.items if item.ok and item.item is not None]
        for scenario_rec in rec.scenarios:
            scenario = scenario_rec.scenario
            if not scenario_rec.ok or scenario is None:
                continue
            scenario.items = [item.item for item in scenario_rec.items
                              if item.ok and item.item is not None]
            bank.scenarios.append(scenario)
        bank_set.banks[rec.ref.value] = bank
    for rec in state.tests:
        bank_set.tests[rec.ref.value] = rec.test
    bank_set.problems = sorted(state.problems)
    return bank_set
