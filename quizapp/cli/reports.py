"""The work behind ``quizapp lint`` and ``quizapp coverage``, kept free of click and Flask
(like :mod:`quizapp.cli.validate`) so it can be tested with string buffers. Each
function loads the bank set, prints its report and returns the exit code.

Both refuse a set that does not validate: they print the validation errors (as ``quizapp
validate`` does) and return 1, because warnings and counts over a half-loaded set mislead.
"""

from __future__ import annotations

import errno
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from quizapp.banks import coverage as coverage_mod
from quizapp.banks import cues as cues_mod
from quizapp.banks import lint as lint_mod
from quizapp.banks.model import BankSet
from quizapp.banks.validate import load_bank_set

EXIT_CLEAN = 0
EXIT_FINDINGS = 1


def run_lint(paths: Sequence[str | Path], out: TextIO, err: TextIO, *, house_style: bool = True,
             strict: bool = False, cues_table: bool = False, base: Path | None = None) -> int:
    """Print every lint warning (``FILE:LINE:COLUMN: warning: message [rule]``; a warning about
    the whole set has no place) and a summary line; with ``cues_table``, then the table of cue
    figures per bank. Return 1 when there is a warning other than a cue (any warning with
    ``strict``) or the set is invalid, else 0."""
    bank_set = _load(paths, out, err, base)
    if bank_set is None:
        return EXIT_FINDINGS
    warnings = lint_mod.lint(bank_set, house_style=house_style)
    for warning in warnings:
        print(warning, file=out)
    print(lint_mod.summary(bank_set, warnings), file=out)
    if cues_table:
        print(file=out)
        out.write(cues_mod.render(cues_mod.cue_report(bank_set)))
    return EXIT_FINDINGS if lint_mod.failing(warnings, strict=strict) else EXIT_CLEAN


def run_coverage(paths: Sequence[str | Path], out: TextIO, err: TextIO, *, base: Path | None = None) -> int:
    """Print the coverage tables, the blueprint draws and the minimum checks; return 0 when
    every minimum is met and every draw can be met, 1 otherwise (or when the set is invalid)."""
    bank_set = _load(paths, out, err, base)
    if bank_set is None:
        return EXIT_FINDINGS
    report = coverage_mod.coverage(bank_set)
    out.write(coverage_mod.render(report))
    return EXIT_CLEAN if report.ok else EXIT_FINDINGS


def _load(paths: Sequence[str | Path], out: TextIO, err: TextIO, base: Path | None) -> BankSet | None:
    for path in paths:
        if not Path(path).exists():
            raise FileNotFoundError(errno.ENOENT, "bank path does not exist", str(path))
    bank_set = load_bank_set(paths, base=base)
    if not bank_set.files:
        shown = ", ".join(str(p) for p in paths) or "(no paths given)"
        print(f"warning: no *.yaml or *.yml files found in {shown}", file=err)
    if bank_set.problems:
        for problem in bank_set.problems:
            print(problem, file=out)
        print(bank_set.summary(), file=out)
        print("The banks are not valid: fix the errors above (quizapp validate) and run again.", file=err)
        return None
    return bank_set


__all__ = ["EXIT_CLEAN", "EXIT_FINDINGS", "run_coverage", "run_lint"]
