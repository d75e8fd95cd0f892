"""Which framework results are read against, when there are several to choose from: a
candidate's result page, history and weakest statements, and the employer's cohort page and
exports. No Flask here: the views pass the query string's `framework` and today's date.

An item may be keyed to statements of several frameworks (its bank's own, and `also_keyed`:
docs/bank-format.md), and a result is stored for each of them, so the same answers can be read
against the practitioner KSS or the early career standards. Only frameworks the results are
keyed to are offered, the one current today first (quizapp.domain.standards.current_first,
by each framework's effective_from and superseded_on); the framework asked for is chosen when it
is offered, else the first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.data.models import Framework
from quizapp.domain.standards import CURRENT, current_first, framework_status


@dataclass(frozen=True)
class FrameworkOption:
    id: int
    key: str
    title: str
    status: str  # current, upcoming or superseded (today)

    @property
    def label(self) -> str:
        """How the choice names it: its title, and whether it is in use today."""
        when = {"upcoming": "not yet in force", "superseded": "replaced"}.get(self.status)
        return f"{self.title} ({when})" if when else self.title


@dataclass(frozen=True)
class FrameworkChoice:
    options: tuple[FrameworkOption, ...]  # current first
    chosen: FrameworkOption | None  # None only when there is nothing to read

    @property
    def offered(self) -> bool:
        """Whether there is a choice to show (more than one framework)."""
        return len(self.options) > 1

    @property
    def chosen_id(self) -> int | None:
        return self.chosen.id if self.chosen is not None else None

    @property
    def is_current(self) -> bool:
        return self.chosen is not None and self.chosen.status == CURRENT


def choose(session: Session, framework_ids: Iterable[int], wanted: str | None, today: date) -> FrameworkChoice:
    """The frameworks among `framework_ids`, current first, and the one to read against: the
    framework whose key is `wanted` when it is among them, else the first."""
    ids = sorted(set(framework_ids))
    rows = list(session.scalars(select(Framework).where(Framework.id.in_(ids)).order_by(Framework.key))) if ids else []
    ordered = current_first(rows, today, lambda f: (f.effective_from, f.superseded_on))
    options = tuple(FrameworkOption(f.id, f.key, f.title, framework_status(f.effective_from, f.superseded_on, today))
                    for f in ordered)
    chosen = next((o for o in options if o.key == wanted), options[0] if options else None)
    return FrameworkChoice(options, chosen)
