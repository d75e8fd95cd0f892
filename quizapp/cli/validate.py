"""The work behind ``quizapp validate``, kept free of click and Flask so it can be tested
with plain string buffers. The click command passes its paths and streams here and exits
with the number returned."""

from __future__ import annotations

import errno
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from quizapp.banks.validate import load_bank_set

EXIT_VALID = 0
EXIT_INVALID = 1


def run_validate(paths: Sequence[str | Path], out: TextIO, err: TextIO,
                 *, base: Path | None = None) -> int:
    """Validate the bank files under ``paths``: print each problem on its own line
    (``FILE:LINE:COLUMN: message``) to ``out``, then each warning
    (``FILE:LINE:COLUMN: warning: message``), then the summary line, and return 0 when the
    set is valid (warnings or not), 1 when it is not. Raises ``FileNotFoundError`` naming the first path
    that does not exist, before printing anything. Warns on ``err`` when no bank file is
    found (the set is then empty, and valid)."""
    for path in paths:
        if not Path(path).exists():
            raise FileNotFoundError(errno.ENOENT, "bank path does not exist", str(path))
    bank_set = load_bank_set(paths, base=base)
    if not bank_set.files:
        shown = ", ".join(str(p) for p in paths) or "(no paths given)"
        print(f"warning: no *.yaml or *.yml files found in {shown}", file=err)
    for problem in bank_set.problems:
        print(problem, file=out)
    for warning in bank_set.warnings:
        print(f"{warning.file}:{warning.line}:{warning.column}: warning: {warning.message}", file=out)
    print(bank_set.summary(), file=out)
    return EXIT_VALID if bank_set.ok else EXIT_INVALID


__all__ = ["EXIT_INVALID", "EXIT_VALID", "run_validate"]
