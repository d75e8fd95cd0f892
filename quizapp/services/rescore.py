"""Re-marking stored attempts under the current rules and keys, shown before it is applied.

Scores are stored when an attempt ends and never change by themselves. When a scoring rule or
an answer key is fixed, `quizapp rescore` lists every attempt whose score would change, and
applies the change only when asked (`--apply`). Re-marking uses the item version the attempt
showed, with its key taken from the *current* version of the same item when the options are
unchanged in text (a key fix), so a corrected key can be applied to past attempts on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from quizapp.services import audit
from quizapp.domain import question_types, scoring
from .attempts import store_scores
from quizapp.data.models import Attempt, AttemptQuestion, Item, ItemVersion, TestForm


@dataclass(frozen=True)
class Change:
    attempt_id: int
    user_email: str
    title: str
    old_percent: float
    new_percent: float
    old_passed: bool | None
    new_passed: bool | None


def _keyed_options(question: AttemptQuestion, current: ItemVersion | None) -> list[dict]:
    shown = question.item_version
    if current is None or current.id == shown.id:
        return shown.options
    if [o["text"] for o in current.options] == [o["text"] for o in shown.options]:
        return current.options  # same options, possibly a corrected key
    return shown.options


def preview(session: Session, attempts: list[Attempt]) -> list[Change]:
    changes = []
    for attempt in attempts:
        questions = session.scalars(
            select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt.id)
            .options(selectinload(AttemptQuestion.item_version).selectinload(ItemVersion.item).selectinload(Item.current_version),
                     selectinload(AttemptQuestion.response))
        ).all()
        total = 0.0
        for q in questions:
            options = _keyed_options(q, q.item_version.item.current_version)
            total += question_types.of(q.item_version.type).mark(options, q.item_version.scoring, q.answer)
        new_percent = scoring.percent(total, len(questions))
        new_passed = scoring.passed(new_percent, attempt.pass_mark_percent) if attempt.pass_mark_percent is not None else None
        if attempt.percent is None or abs(new_percent - attempt.percent) > 1e-9 or new_passed != attempt.passed:
            changes.append(Change(attempt.id, attempt.user.email, attempt.title, attempt.percent or 0.0, new_percent,
                                  attempt.passed, new_passed))
    return changes


def select_attempts(session: Session, attempt_id: int | None = None, test_key: str | None = None) -> list[Attempt]:
    query = select(Attempt).where(Attempt.ended_at.is_not(None)).order_by(Attempt.id)
    if attempt_id is not None:
        query = query.where(Attempt.id == attempt_id)
    if test_key is not None:
        query = query.join(TestForm, Attempt.test_id == TestForm.id).where(TestForm.key == test_key)
    return list(session.scalars(query))


def apply(session: Session, changes: list[Change], by: int | None = None) -> None:
    """Re-mark the changed attempts with the corrected keys and store the new scores (each one
    recorded in the audit trail, with its old and new score)."""
    for change in changes:
        attempt = session.get(Attempt, change.attempt_id)
        if attempt is None:
            continue
        for q in attempt.questions:
            current = q.item_version.item.current_version
            options = _keyed_options(q, current)
            if options is not q.item_version.options and current is not None:
                q.item_version_id = current.id  # the corrected version becomes the one marked
        session.flush()
        session.expire(attempt)
        store_scores(session, attempt)
        audit.record(session, "rescore.applied", actor=by, user=attempt.user_id, organisation=attempt.organisation_id,
                     attempt=attempt.id, percent_before=round(change.old_percent, 1),
                     percent=round(change.new_percent, 1), passed_before=change.old_passed, passed=change.new_passed)
