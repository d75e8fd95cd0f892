"""Readiness from the stored data: a candidate's predicted chance of passing a fresh form, overall
and per statement, and an organisation's distribution of readiness (docs/readiness.md).

The math is in quizapp/domain/rasch.py and readiness.py; this module finds the latest
calibration covering a test, a candidate's timed responses to its items, and the test's pass mark
and length as stored now (so a pass mark set by a standard-setting panel is the one used).

A candidate's responses: every ended timed attempt of theirs at a test the calibration covers;
when they met an item version more than once, only the first response counts (the later ones
came after its feedback). With no calibration, or fewer than MIN_ANSWERED calibrated questions
answered (MIN_STATEMENT_ANSWERED for a statement), there is no number: the reason instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session, selectinload

from quizapp.domain import rasch, readiness
from quizapp.data.models import (
    Attempt,
    AttemptQuestion,
    Calibration,
    ItemVersion,
    Membership,
    Mode,
    Statement,
    TestForm,
)

from . import calibration as calibrations
from . import cohort

MIN_ANSWERED = 20
MIN_STATEMENT_ANSWERED = 5


@dataclass(frozen=True)
class StatementReadiness:
    statement: Statement
    answered: int
    prediction: readiness.Prediction | None
    missing: str | None  # why there is no prediction


@dataclass
class TestReadiness:
    test: TestForm
    calibration: Calibration | None
    answered: int  # calibrated questions the candidate answered (first responses)
    prediction: readiness.Prediction | None = None
    missing: str | None = None  # why there is no prediction
    statements: list[StatementReadiness] = field(default_factory=list)
    cut_theta: float | None = None
    form_length: int = 0  # questions on a fresh form


def form_length(test: TestForm, calibration: Calibration) -> int:
    """Questions on a form of the test: from its blueprint (the middle of its range when scenario
    draws vary it), else the calibration's mean per attempt."""
    blueprint = test.blueprint or {}
    low, high = blueprint.get("item_count_min"), blueprint.get("item_count_max")
    if low and high:
        return max(1, round((low + high) / 2))
    if test.item_count:
        return test.item_count
    return max(1, round(calibration.responses / max(1, calibration.attempts)))


def fresh_form(session: Session, test: TestForm, calibration: Calibration) -> readiness.FreshForm:
    """A fresh form of the test: its length and pass mark as stored now, drawn from the calibrated pool."""
    pool = tuple(sorted(row.difficulty for row in calibrations.difficulties(session, calibration).values()))
    return readiness.FreshForm(form_length(test, calibration), float(test.pass_mark_percent), pool)


def _scope_tests(calibration: Calibration) -> Select:
    if calibration.test_id is not None:
        return select(TestForm.id).where(TestForm.id == calibration.test_id)
    return select(TestForm.id).where(TestForm.framework_id == calibration.framework_id)


def first_responses(session: Session, user_ids: Iterable[int], calibration: Calibration,
                    where: Sequence[ColumnElement[bool]] = ()) -> dict[int, dict[int, float]]:
    """Per candidate: item version -> score of their first timed response to it, in the
    calibration's scope (every ended timed attempt of theirs that meets `where`, oldest first)."""
    ids = list(user_ids)
    out: dict[int, dict[int, float]] = {u: {} for u in ids}
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(Attempt.user_id, AttemptQuestion.item_version_id, AttemptQuestion.score)
            .join(AttemptQuestion, AttemptQuestion.attempt_id == Attempt.id)
            .where(Attempt.user_id.in_(ids[start:start + 500]), *_in_scope(calibration), *where)
            .order_by(Attempt.started_at, Attempt.id, AttemptQuestion.position)
        )
        for user_id, version_id, score in rows:
            out[user_id].setdefault(version_id, float(score or 0.0))
    return out


def _in_scope(calibration: Calibration) -> list[ColumnElement[bool]]:
    return [Attempt.mode == str(Mode.TIMED), Attempt.ended_at.is_not(None), Attempt.score.is_not(None),
            Attempt.test_id.in_(_scope_tests(calibration))]


def for_candidate(session: Session, user_id: int, test: TestForm) -> TestReadiness:
    """The candidate's readiness for `test`: overall and per statement, or why there is none."""
    calibration = calibrations.latest_for_test(session, test)
    if calibration is None:
        return TestReadiness(test, None, 0, missing=(
            "The questions of this test have not been calibrated yet, so there is no prediction. "
            "That needs many candidates' timed mocks first."))
    items = calibrations.difficulties(session, calibration)
    answered = {v: s for v, s in first_responses(session, [user_id], calibration)[user_id].items() if v in items}
    result = TestReadiness(test, calibration, len(answered))
    if len(answered) < MIN_ANSWERED:
        result.missing = (
            f"You have answered {len(answered)} of the calibrated questions in timed mocks; a prediction needs at "
            f"least {MIN_ANSWERED}. Take another timed mock of this test to get one.")
        return result
    form = fresh_form(session, test, calibration)
    result.cut_theta, result.form_length = form.cut_theta(), form.n_items
    ability = rasch.eap([items[v].difficulty for v in answered], list(answered.values()), calibration.sigma)
    result.prediction = readiness.predict(form, ability)
    result.statements = _per_statement(session, answered, items, form, calibration.sigma)
    return result


def _per_statement(session: Session, answered: dict[int, float], items, form: readiness.FreshForm,
                   sigma: float) -> list[StatementReadiness]:
    versions = session.scalars(
        select(ItemVersion).where(ItemVersion.id.in_(list(answered))).options(selectinload(ItemVersion.statements))
    ).all()
    by_statement: dict[int, tuple[Statement, list[int]]] = {}
    for version in versions:
        for statement in version.statements:
            by_statement.setdefault(statement.id, (statement, []))[1].append(version.id)
    out = []
    for statement, version_ids in by_statement.values():
        if len(version_ids) < MIN_STATEMENT_ANSWERED:
            out.append(StatementReadiness(statement, len(version_ids), None, (
                f"{len(version_ids)} answered; at least {MIN_STATEMENT_ANSWERED} needed")))
            continue
        ability = rasch.eap([items[v].difficulty for v in version_ids], [answered[v] for v in version_ids], sigma)
        out.append(StatementReadiness(statement, len(version_ids), readiness.predict(form, ability), None))
    return sorted(out, key=lambda s: (s.prediction is None, s.prediction.probability if s.prediction else 0.0,
                                      s.statement.position, s.statement.code))


def candidate_tests(session: Session, user_id: int) -> list[TestForm]:
    """The tests the candidate has ended a timed attempt at, by title."""
    return list(session.scalars(
        select(TestForm).where(TestForm.id.in_(
            select(Attempt.test_id).where(Attempt.user_id == user_id, Attempt.mode == str(Mode.TIMED),
                                          Attempt.ended_at.is_not(None))
        )).order_by(TestForm.title)
    ))


@dataclass
class CohortReadiness:
    test: TestForm
    calibration: Calibration | None
    members: int  # candidates in the organisation (or team) with an ended timed attempt at the test's scope
    distribution: readiness.Distribution | None = None
    too_little: int = 0  # candidates with fewer than MIN_ANSWERED calibrated answers
    missing: str | None = None


def for_organisation(session: Session, organisation_id: int, test: TestForm, team_id: int | None = None) -> CohortReadiness:
    """How ready the organisation's current members are for `test`, from the attempts they took in
    it (or in one team; cohort.NO_TEAM: in no team), as counts per band with ranges: nobody's
    answers or individual figures."""
    calibration = calibrations.latest_for_test(session, test)
    if calibration is None:
        return CohortReadiness(test, None, 0, missing="The questions of this test have not been calibrated yet.")
    # As on the rest of the cohort page: current members, and only the attempts they took in this
    # organisation (in the chosen team: results stay with the team they were taken in).
    members = select(Membership.user_id).where(Membership.organisation_id == organisation_id,
                                               Membership.left_at.is_(None))
    where: list[ColumnElement[bool]] = [Attempt.organisation_id == organisation_id]
    if team_id == cohort.NO_TEAM:
        where.append(Attempt.team_id.is_(None))
    elif team_id is not None:
        where.append(Attempt.team_id == team_id)
    user_ids = list(session.scalars(
        select(Attempt.user_id).distinct().where(Attempt.user_id.in_(members), *_in_scope(calibration), *where)
    ))
    items = calibrations.difficulties(session, calibration)
    responses = first_responses(session, user_ids, calibration, where)
    abilities = []
    too_little = 0
    for user_id in user_ids:
        answered = {v: s for v, s in responses[user_id].items() if v in items}
        if len(answered) < MIN_ANSWERED:
            too_little += 1
            continue
        abilities.append(rasch.eap([items[v].difficulty for v in answered], list(answered.values()), calibration.sigma))
    result = CohortReadiness(test, calibration, len(user_ids), too_little=too_little)
    if not abilities:
        result.missing = (f"No candidate has answered at least {MIN_ANSWERED} calibrated questions of this test "
                          "in timed mocks yet.")
        return result
    result.distribution = readiness.distribution(fresh_form(session, test, calibration), abilities)
    return result
