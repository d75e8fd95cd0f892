"""Load and validate a set of bank files (frameworks, banks, test blueprints, crosswalks).

:func:`load_bank_set` reads every ``*.yaml`` / ``*.yml`` file under the given paths, checks
each file against the format in docs/bank-format.md, then checks the files together, and returns
a :class:`~quizapp.banks.model.BankSet` holding what is valid and *every* problem found,
each located at the line and column of the offending key or value (and every warning: a
crosswalk pair given twice).

What goes into the BankSet:

- A framework, bank or test is included when its id is valid and not a duplicate, with
  the parts of it that are valid: statements, items, scenarios and sections with a problem
  of their own are left out (their problems are reported).
- An item is left out when anything about it is wrong, including a statement code its
  framework does not have.
- Text fields are stored stripped of leading and trailing whitespace.

Leniency decided here (the contract is silent):

- A text field written as a bare YAML number or boolean (``text: Yes``, ``title: 2024``)
  is taken as the text written (``'Yes'``, not ``True``). An id or code written so
  (``id: 123``, ``code: 1.10``) is an error asking for quotes, because other YAML tools (the
  editor's schema check among them) read it as a number; ``true``/``false`` keys must be
  written so (``correct: yes`` is an error); a whole number written ``2.0`` is the number 2.
  These agree with docs/bank-format.schema.json (tests/banks/test_schema_agrees.py). An
  empty value (``stem:``) counts as missing.
- Draw availability counts every item that names its section and statements, even one that
  has other problems, so a broken item is reported once rather than again as a shortfall.
- A file that cannot be read as YAML defines nothing, so while any file cannot be read the
  checks that something exists (a framework named by a bank or test, an item named by a
  draw) and the draw counts are skipped, and the BankSet's ``notes`` say so once, rather
  than reporting "0 items" or "unknown item" for what that file probably holds.

Where each rule lives (this package):

- ``fields.py``: file shape and keys: the generic readers (unknown and missing keys, text,
  ids, choices, numbers, lists) that every part of a file is read with;
- ``files.py``: exactly one of framework, bank, test or crosswalk per file; ``frameworks.py``
  (statements, standards, dates), ``items.py`` (banks, scenarios, items and options),
  ``blueprints.py`` (tests, sections, draws, bands) and ``crosswalks.py`` (crosswalks and
  their links, including their checks across files): the rules for each kind of file;
- ``references.py``: the checks across files (unique ids, known frameworks and statement
  codes, an item's ``also_keyed`` naming other frameworks and their codes); ``draws.py``: whether every test's draws can be met;
- ``records.py``: what one file's checks record for the checks across files, and the
  BankSet built at the end.

No Flask here: this is used by ``quizapp validate`` and by the importer.
"""

from __future__ import annotations

import errno
import gc
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from quizapp.banks.model import BankSet
from quizapp.banks.validate.crosswalks import check_crosswalks
from quizapp.banks.validate.draws import check_tests
from quizapp.banks.bank_format import ID_RE
from quizapp.banks.validate.files import FileChecker
from quizapp.banks.validate.records import SetState, assemble
from quizapp.banks.validate.references import check_references
from quizapp.banks.yamlsafe import load_path

__all__ = ["BANK_SUFFIXES", "ID_RE", "find_bank_files", "load_bank_set"]

BANK_SUFFIXES = (".yaml", ".yml")


def load_bank_set(paths: Sequence[str | Path], *, base: Path | None = None) -> BankSet:
    """Load and validate every bank file under ``paths`` (directories searched recursively,
    files taken as given). Problems name files relative to ``base`` (default: the current
    directory) when they are inside it. Raises ``FileNotFoundError`` for a missing path;
    every other problem is reported in ``BankSet.problems``, sorted by file, line, column."""
    base_dir = Path(os.path.abspath(base if base is not None else os.getcwd()))
    files = find_bank_files(paths, base_dir)
    state = SetState()
    with _no_cycle_collection():
        for label, path in files:
            state.files.append(label)
            result = load_path(path, label)
            state.problems.extend(result.problems)
            state.warnings.extend(result.warnings)
            if result.value is not None:
                FileChecker(label, result, state).check()
            elif result.problems:
                state.unreadable.append(label)
        _check_set(state)
        return assemble(state)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector while a set is loaded, then restore it as it was.

    Loading creates millions of objects that all stay alive until the BankSet is built, so
    each full collection walks them all and frees nothing. Measured with
    bench/bench_validate.py's 10,000 generated items and a BankSet of the same size already
    in memory: 2.79 s of CPU with the collector running, 1.77 s with it paused. Reference
    counting still frees everything that is not in a cycle; the few cycles (an item's record
    and its scenario's) are collected once the collector runs again."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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


def _check_set(state: SetState) -> None:
    """The checks across files: references first, then whether the tests' draws can be met,
    then the crosswalks' links."""
    frameworks, items, scenarios = check_references(state)
    check_tests(state, frameworks, items, scenarios)
    check_crosswalks(state, frameworks)
