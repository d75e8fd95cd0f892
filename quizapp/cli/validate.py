"""The work behind ``quizapp validate``, kept free of click and Flask so it can be tested
with plain string buffers. The click command passes its paths and streams here and exits
with the number returned."""

from __future__ import annotations

import errno
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from quizapp.banks.model import BankSet
from quizapp.banks.validate import load_bank_set

EXIT_VALID = 0
EXIT_INVALID = 1


def run_validate(paths: Sequence[str | Path], out: TextIO, err: TextIO,
                 *, base: Path | None = None) -> int:
    """Validate the bank files under ``paths``: print each problem on its own line
    (``FILE:LINE:COLUMN: message``, ``FILE:LINE:COLUMN: warning: message`` for a warning; a
    YAML parser's own words indented on the line below), in file and line order, to ``out``,
    then any note on checks that were skipped, then the summary line, and return 0 when
    the set is valid, 1 when it is not. Raises ``FileNotFoundError`` naming the first path
    that does not exist, before printing anything. Warns on ``err`` when no bank file is
    found (the set is then empty, and valid)."""
    for path in paths:
        if not Path(path).exists():
            raise FileNotFoundError(errno.ENOENT, "bank path does not exist", str(path))
    bank_set = load_bank_set(paths, base=base)
    if not bank_set.files:
        shown = ", ".join(str(p) for p in paths) or "(no paths given)"
        print(f"warning: no *.yaml or *.yml files found in {shown}", file=err)
    print_findings(bank_set, out)
    print(bank_set.summary(), file=out)
    return EXIT_VALID if bank_set.ok else EXIT_INVALID


def print_findings(bank_set: BankSet, out: TextIO) -> None:
    """Each problem and warning in file and line order (a YAML parser's own words indented on
    the line below), then any note on checks that were skipped: what validate and import print."""
    shown = [(p, "") for p in bank_set.problems] + [(w, "warning: ") for w in bank_set.warnings]
    for problem, kind in sorted(shown, key=lambda pair: pair[0]):
        print(f"{problem.file}:{problem.line}:{problem.column}: {kind}{problem.message}", file=out)
        if problem.detail:
            print(f"    {problem.detail}", file=out)
    for note in bank_set.notes:
        print(f"note: {note}", file=out)


__all__ = ["EXIT_INVALID", "EXIT_VALID", "print_findings", "run_validate"]
