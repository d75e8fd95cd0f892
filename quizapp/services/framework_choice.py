"""Which framework results are read against, when there are several to choose from: a
candidate's result page, history and weakest statements, and the employer's cohort page and
exports. No Flask here: the views pass the query string's `framework` and today's date.

An item may be keyed to statements of several frameworks (its bank's own, and `also_keyed`:
docs/bank-format.md), and a result is stored for each of them, so the same answers can be read
against the practitioner KSS or the early career standards. Only frameworks the results are
keyed to are offered, and only as alternatives to each other when they are of the same level:
the one current today first (quizapp.domain.standards.current_first, by each framework's
effective_from and superseded_on); the framework asked for is chosen when it is offered, else
the first. Results of frameworks of other levels (a supervisor mock beside a practitioner one)
are shown beside it, as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.data.models import Framework
from quizapp.domain.standards import current_first, framework_status


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
    options: tuple[FrameworkOption, ...]  # the alternatives to choose between, current first
    chosen: FrameworkOption | None  # the one of them chosen (None when there is no choice)
    shown_ids: frozenset[int] = frozenset()  # the frameworks whose results are shown

    @property
    def offered(self) -> bool:
        """Whether there is a choice to show (two or more frameworks of one level)."""
        return len(self.options) > 1

    @property
    def chosen_key(self) -> str:
        return self.chosen.key if self.chosen is not None else ""


NO_CHOICE = FrameworkChoice((), None)


def choose(session: Session, framework_ids: Iterable[int], wanted: str | None, today: date) -> FrameworkChoice:
    """Among `framework_ids`, frameworks of the same level are alternatives (the practitioner
    KSS and the early career standards): of each such level one is shown, the one whose key is
    `wanted` when it is there, else the one current `today`. Frameworks of other levels are all
    shown. The options offered are the alternatives of the first level that has any."""
    ids = sorted(set(framework_ids))
    rows = list(session.scalars(select(Framework).where(Framework.id.in_(ids)).order_by(Framework.key))) if ids else []
    ordered = current_first(rows, today, lambda f: (f.effective_from, f.superseded_on))
    by_level: dict[str, list[FrameworkOption]] = {}
    for f in ordered:
        status = framework_status(f.effective_from, f.superseded_on, today)
        by_level.setdefault(f.level, []).append(FrameworkOption(f.id, f.key, f.title, status))
    shown: set[int] = set()
    options: tuple[FrameworkOption, ...] = ()
    chosen = None
    for alternatives in by_level.values():
        pick = next((o for o in alternatives if o.key == wanted), alternatives[0])
        shown.add(pick.id)
        if len(alternatives) > 1 and not options:
            options, chosen = tuple(alternatives), pick
    if chosen is None and len(rows) == 1:
        chosen = next(iter(by_level.values()))[0]
    return FrameworkChoice(options, chosen, frozenset(shown))
