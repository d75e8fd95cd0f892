"""Applying a panel's cut score to its test, no Flask: the preview of whose pass or fail it would
change, the apply step that versions the test's pass mark (`PassMarkChange`), its history, and
what the result page says about how a pass mark was set. See docs/readiness.md.

What changes: the test's `pass_mark_percent`, which every attempt started afterwards copies when it
starts. Finished attempts are **not** re-decided: each keeps the pass mark it was started under
(stored on the attempt) and the result its candidate was shown; the preview lists, for the
trainer, which of them would have been decided the other way under the new mark. (A rescore is for
a mistake in marking, which is put right for everyone; a new pass mark is a new standard, which
applies from the day it is set.) An attempt open when the mark changes finishes under its own.

A later `quizapp import` keeps an applied pass mark: the file's `pass_mark_percent` is ignored for
a test with an applied cut score, and the import report says so (`kept_pass_mark`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from quizapp.domain.uk_time import UK

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quizapp.data.models import AngoffPanel, Attempt, Mode, PassMarkChange, TestForm, User
from quizapp.domain import standard_setting as rules

from . import audit
from . import standard_setting as panels



@dataclass
class ApplyPreview:
    test: TestForm
    cut: rules.CutScore
    old_percent: float
    new_percent: float
    finished: int  # finished timed attempts at the test
    changes: list[tuple[Attempt, rules.DecisionChange]]
    problem: str | None  # why it cannot be applied, if it cannot

    @property
    def description_names_old_mark(self) -> bool:
        """Whether the test's description for candidates quotes the pass mark it would replace
        (the shipped mocks' say "The pass mark is 60%."): it needs editing in the test's file."""
        return f"{self.old_percent:g}%" in (self.test.description or "")

    @property
    def newly_passing(self) -> int:
        return sum(1 for _, change in self.changes if change.passed_after)

    @property
    def newly_failing(self) -> int:
        return sum(1 for _, change in self.changes if not change.passed_after)


def form_changed(session: Session, panel: AngoffPanel) -> str | None:
    """Why the test's form is no longer the one the panel rated (None when it is)."""
    try:
        form = panels.form_of(session, panel.test)
    except panels.PanelError as error:
        return str(error)
    if form is None:
        return "The test no longer has a fixed form."
    now = [(item.id, version.id) for item, version in form]
    rated = [(item.item_id, item.item_version_id) for item in panel.items]
    if now != rated:
        return ("The test's form has changed since the panel rated it (its questions or their wording): a cut "
                "score belongs to the form it was set on. Form a new panel for the form as it is now.")
    return None


def preview(session: Session, panel: AngoffPanel) -> ApplyPreview | None:
    """What applying the panel's final cut score would do (None before the panel is closed)."""
    cut = panels.cut_score(session, panel, 2)
    if cut is None:
        return None
    test = panel.test
    finished = list(session.scalars(
        select(Attempt).where(Attempt.test_id == test.id, Attempt.mode == str(Mode.TIMED),
                              Attempt.ended_at.is_not(None), Attempt.percent.is_not(None))
        .order_by(Attempt.started_at, Attempt.id)))
    decided = [rules.Decided(a.id, a.percent or 0.0, a.pass_mark_percent if a.pass_mark_percent is not None
                             else test.pass_mark_percent) for a in finished]
    by_id = {a.id: a for a in finished}
    changes = [(by_id[c.attempt_id], c) for c in rules.changed_decisions(decided, cut.rounded_percent)]
    problem = None
    if test.retired_at is not None:
        problem = "This test is retired: restore it before changing its pass mark."
    else:
        problem = form_changed(session, panel)
    return ApplyPreview(test=test, cut=cut, old_percent=test.pass_mark_percent, new_percent=cut.rounded_percent,
                        finished=len(finished), changes=changes, problem=problem)


def already_applied(session: Session, panel: AngoffPanel) -> bool:
    """Whether the test's pass mark in force is this panel's cut score (applying it again would
    change nothing)."""
    current = latest(session, panel.test_id)
    return current is not None and current.panel_id == panel.id


def apply(session: Session, panel: AngoffPanel, by: User, now: datetime) -> PassMarkChange:
    """Make the panel's cut score the test's pass mark for attempts started from now on, as a new
    version in `pass_mark_changes` (and in the audit trail). Raises PanelError when it cannot."""
    shown = preview(session, panel)
    if shown is None:
        raise panels.PanelError("Close the panel first: its cut score comes from both rounds.")
    if shown.problem is not None:
        raise panels.PanelError(shown.problem)
    if already_applied(session, panel):
        raise panels.PanelError("This panel's cut score is already the test's pass mark.")
    test = session.scalar(select(TestForm).where(TestForm.id == panel.test_id).with_for_update())
    assert test is not None
    version = (session.scalar(select(func.max(PassMarkChange.version)).where(PassMarkChange.test_id == test.id))
               or 0) + 1
    change = PassMarkChange(test_id=test.id, version=version, panel_id=panel.id, panel_name=panel.name,
                            judges=shown.cut.judges, old_percent=test.pass_mark_percent,
                            new_percent=shown.new_percent, applied_by_id=by.id, applied_at=now)
    session.add(change)
    test.pass_mark_percent = shown.new_percent
    test.updated_at = now
    session.flush()
    audit.record(session, "pass_mark.applied", actor=by, organisation=test.organisation_id, now=now,
                 test=test.key, panel=panel.id, version=version, percent_before=change.old_percent,
                 percent=change.new_percent, judges=change.judges)
    return change


def history(session: Session, test_id: int) -> list[PassMarkChange]:
    """Every pass mark applied to the test, newest first."""
    return list(session.scalars(select(PassMarkChange).where(PassMarkChange.test_id == test_id)
                                .order_by(PassMarkChange.version.desc())))


def latest(session: Session, test_id: int, at: datetime | None = None) -> PassMarkChange | None:
    """The pass mark in force (at a moment, if given): the newest one applied by then."""
    query = select(PassMarkChange).where(PassMarkChange.test_id == test_id)
    if at is not None:
        query = query.where(PassMarkChange.applied_at <= at)
    return session.scalar(query.order_by(PassMarkChange.version.desc()).limit(1))


def stale_cut(session: Session, test_id: int) -> str | None:
    """Why the pass mark in force, set by a panel, no longer fits the test's form (None when it
    fits, or when no panel set it)."""
    current = latest(session, test_id)
    panel = session.get(AngoffPanel, current.panel_id) if current is not None and current.panel_id else None
    return form_changed(session, panel) if panel is not None else None


def how_set(session: Session, attempt: Attempt) -> str:
    """How the pass mark this attempt was decided against was set, in words for the candidate."""
    if attempt.test_id is None or attempt.pass_mark_percent is None:
        return ""
    change = latest(session, attempt.test_id, attempt.started_at)
    if change is not None and abs(change.new_percent - attempt.pass_mark_percent) < 1e-9:
        day = change.applied_at.astimezone(UK)
        return (f"The pass mark was set by a panel of {change.judges} trainers on "
                f"{day.day} {day:%B %Y} (modified Angoff standard setting).")
    test = attempt.test
    if test is not None and test.organisation_id is not None:
        return "The pass mark was set by the organisation that wrote this test."
    return "The pass mark was set by this service; the DfE has not published the real assessment's pass mark."
