"""Item analysis of a test from the stored attempts (the data; the formulas are in item_stats).

Which attempts count: ended timed attempts at the test, whether the candidate submitted or the
time ran out (both are marked and stored the same way; leaving out the timed-out ones would
make late questions look easier than they are). Practice attempts never count: candidates see
feedback as they go. By default only each candidate's *first* such attempt counts, since a
second attempt is taken by someone who has seen the feedback; `all_attempts=True` takes them all.

An attempt whose time ran out before the candidate reached its last questions has those
questions marked as not reached (item_stats.not_reached): they are left out of the items' figures
and of alpha, and counted apart, so that a speeded tail does not pass for hard questions.

Scores are the ones stored when each attempt ended (after any `quizapp rescore --apply`), and
items are analysed per item version: an edited item starts its figures afresh.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TextIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from quizapp.domain import item_stats, markup, question_types
from quizapp.data.models import (
    Attempt,
    AttemptQuestion,
    Ending,
    Item,
    ItemVersion,
    Mode,
    Response,
    TestForm,
)


@dataclass
class TestAnalysis:
    __test__ = False  # not a pytest test class

    test: TestForm
    all_attempts: bool
    candidates: int
    analysis: item_stats.Analysis

    @property
    def form(self) -> item_stats.FormStats:
        return self.analysis.form

    @property
    def items(self) -> list[item_stats.ItemStats]:
        return self.analysis.items

    @property
    def flagged(self) -> list[item_stats.ItemStats]:
        return [s for s in self.items if s.flags]


def attempt_ids(session: Session, test: TestForm, all_attempts: bool = False) -> list[int]:
    """The attempts the analysis uses (see the module docstring), oldest first."""
    ended = (
        select(Attempt.id, Attempt.user_id, Attempt.started_at)
        .where(Attempt.test_id == test.id, Attempt.mode == str(Mode.TIMED), Attempt.ended_at.is_not(None),
               Attempt.score.is_not(None))
    )
    if all_attempts:
        return list(session.scalars(ended.with_only_columns(Attempt.id).order_by(Attempt.started_at, Attempt.id)))
    numbered = ended.add_columns(
        func.row_number().over(partition_by=Attempt.user_id, order_by=(Attempt.started_at, Attempt.id)).label("n")
    ).subquery()
    return list(session.scalars(
        select(numbered.c.id).where(numbered.c.n == 1).order_by(numbered.c.started_at, numbered.c.id)
    ))


def fingerprint(session: Session, ids: Sequence[int]) -> tuple[int, int, float]:
    """Changes whenever the analysis would: an attempt added, or re-marked (its score changes)."""
    if not ids:
        return (0, 0, 0.0)
    total = 0.0
    for chunk in _chunks(ids, 500):
        total += session.scalar(select(func.coalesce(func.sum(Attempt.score), 0.0)).where(Attempt.id.in_(chunk))) or 0.0
    return (len(ids), max(ids), round(total, 6))


def load(session: Session, ids: Sequence[int]) -> tuple[list[item_stats.AttemptData], dict[int, item_stats.ItemInfo]]:
    """The attempts' questions, scores and answers, and what the analysis needs of each item version."""
    answers: dict[int, list[item_stats.Answer]] = {attempt_id: [] for attempt_id in ids}
    versions: set[int] = set()
    expired: set[int] = set()
    for chunk in _chunks(ids, 500):
        expired.update(session.scalars(select(Attempt.id).where(Attempt.id.in_(chunk),
                                                                Attempt.ended_how == str(Ending.EXPIRED))))
        rows = session.execute(
            select(AttemptQuestion.attempt_id, AttemptQuestion.position, AttemptQuestion.item_version_id,
                   AttemptQuestion.score, Response.answer)
            .outerjoin(Response, (Response.question_id == AttemptQuestion.id) & Response.complete)  # incomplete: unanswered
            .where(AttemptQuestion.attempt_id.in_(chunk))
            .order_by(AttemptQuestion.attempt_id, AttemptQuestion.position)
        )
        for attempt_id, position, version_id, score, answer in rows:
            versions.add(version_id)
            answers[attempt_id].append(item_stats.Answer(
                version_id=version_id, position=position, score=float(score or 0.0),
                chosen=tuple(answer) if answer is not None else None,
            ))
    attempts = [item_stats.AttemptData(attempt_id, item_stats.not_reached(rows, attempt_id in expired))
                for attempt_id, rows in answers.items() if rows]
    return attempts, item_infos(session, versions)


def item_infos(session: Session, version_ids: Iterable[int]) -> dict[int, item_stats.ItemInfo]:
    infos: dict[int, item_stats.ItemInfo] = {}
    for chunk in _chunks(list(version_ids), 500):
        for version, key in session.execute(
            select(ItemVersion, Item.key).join(Item, Item.id == ItemVersion.item_id)
            .where(ItemVersion.id.in_(chunk)).options(selectinload(ItemVersion.statements))
        ):
            qtype = question_types.of(version.type)
            infos[version.id] = item_stats.ItemInfo(
                version_id=version.id,
                key=key,
                number=version.number,
                type=version.type,
                options=tuple(o["text"] for o in version.options),
                correct=tuple(qtype.correct_answer(version.options)),
                stem=version.stem,
                section=version.section,
                statements=tuple(s.code for s in version.statements),
            )
    return infos


def _chunks(values: Sequence[int], size: int) -> Iterable[Sequence[int]]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


def analyse_test(session: Session, test: TestForm, *, all_attempts: bool = False,
                 min_sample: int = item_stats.DEFAULT_MIN_SAMPLE) -> TestAnalysis:
    ids = attempt_ids(session, test, all_attempts)
    attempts, infos = load(session, ids)
    candidates = len(set(session.scalars(select(Attempt.user_id).where(Attempt.id.in_(ids))))) if ids else 0
    analysis = item_stats.analyse(attempts, infos, min_sample=min_sample)
    return TestAnalysis(test=test, all_attempts=all_attempts, candidates=candidates, analysis=analysis)


SORTS = {
    "item": lambda s: (s.item.key, s.item.number),
    "facility": lambda s: (s.facility is None, s.facility if s.facility is not None else 0.0, s.item.key),
    "discrimination": lambda s: (s.discrimination is None, s.discrimination if s.discrimination is not None else 0.0, s.item.key),
    "flags": lambda s: (-len(s.flags), s.item.key, s.item.number),
    "n": lambda s: (-s.n, s.item.key),
}


def sorted_items(result: TestAnalysis, sort: str) -> list[item_stats.ItemStats]:
    """The items in the order asked for: facility and discrimination lowest first, flags most first."""
    return sorted(result.items, key=SORTS.get(sort, SORTS["flags"]))


# -- CSV ----------------------------------------------------------------------------------------------

CSV_HEADER = [
    "test", "item", "version", "type", "section", "statements", "n", "facility", "facility_90_low",
    "facility_90_high", "sd", "discrimination", "discrimination_90_low", "discrimination_90_high",
    "discriminative_efficiency", "unanswered", "not_reached", "alpha_if_deleted", "flags", "stem",
]


def _round(value: float | None) -> float | str:
    return "" if value is None else round(value, 4)


def csv_rows(result: TestAnalysis) -> list[list[object]]:
    rows = []
    for s in result.items:
        f_low, f_high = s.facility_interval or (None, None)
        d_low, d_high = s.discrimination_interval or (None, None)
        rows.append([
            result.test.key, s.item.key, s.item.number, s.item.type, s.item.section, " ".join(s.item.statements), s.n,
            _round(s.facility), _round(f_low), _round(f_high), _round(s.sd), _round(s.discrimination),
            _round(d_low), _round(d_high), _round(s.efficiency), s.unanswered, s.not_reached, _round(s.alpha_if_deleted),
            "; ".join(flag.message for flag in s.flags), markup.plain(s.item.stem),
        ])
    return rows


def write_csv(results: Iterable[TestAnalysis], stream: TextIO) -> None:
    """One row per item version, every text cell protected against spreadsheet formula injection."""
    writer = csv.writer(stream)
    writer.writerow(CSV_HEADER)
    for result in results:
        for row in csv_rows(result):
            writer.writerow([item_stats.safe_cell(cell) for cell in row])
