"""Calibrating items with the Rasch model from stored attempts (`quizapp calibrate`; docs/readiness.md).

Which responses count: each candidate's first ended timed attempt at each test in the scope (a
test, or every test of a framework), as in the item analysis (a second attempt is taken by
someone who has seen the feedback). Each attempt is one person record. Every question on it
counts with the score stored when it ended, in [0, 1]: partial credit is kept as a score fraction
(rasch.py says how), and a question left unanswered scores 0, as it does on the result page.

Items are calibrated per item version (an edited item is a new item to the model), all in one fit
over the scope, so forms are linked through the items they share. Minimums: below
MIN_ATTEMPTS attempts nothing is calibrated; an item version with fewer than MIN_ITEM_RESPONSES
responses, or that everyone got right or everyone got wrong, is left out and listed. Each
calibration is stored as a new version (data/models/calibration.py); nothing is ever updated.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quizapp.domain import rasch
from quizapp.data.models import (
    Attempt,
    AttemptQuestion,
    CalibratedItem,
    Calibration,
    Framework,
    Item,
    ItemVersion,
    Mode,
    TestForm,
)

MIN_ATTEMPTS = 200
MIN_ITEM_RESPONSES = 30


@dataclass
class CalibrationReport:
    scope: str  # "test 'KEY'" or "framework 'KEY'"
    attempts: int
    min_attempts: int
    min_item_responses: int
    calibration: Calibration | None = None
    left_out: list[dict] = field(default_factory=list)

    @property
    def enough(self) -> bool:
        return self.calibration is not None

    def lines(self) -> list[str]:
        if self.calibration is None:
            if self.attempts < self.min_attempts:
                head = (f"Not calibrated: {self.scope} has {self.attempts} ended timed attempts (each candidate's "
                        f"first per test); calibration needs at least {self.min_attempts}.")
            else:
                head = (f"Not calibrated: no item version of {self.scope} has at least {self.min_item_responses} "
                        "responses that are neither all right nor all wrong.")
            return [head, *self._left_out_lines()]
        c = self.calibration
        out = [
            f"Calibration version {c.version} of {self.scope}: {c.attempts} attempts, {c.responses} responses, "
            f"{len(c.items)} item versions",
            f"Ability SD {c.sigma:.2f} logits (SE {c.sigma_se:.2f}); the fit {'converged' if c.converged else 'DID NOT converge'}",
            "Item         version  responses  facility  difficulty    SE  infit  outfit",
        ]
        for row in sorted(c.items, key=lambda r: r.difficulty):
            version = row.item_version
            out.append(f"{version.item.key:<12} v{version.number:<7} {row.responses:>9}  {row.facility:>8.2f}  "
                       f"{row.difficulty:>10.2f}  {row.se:>4.2f}  {row.infit:>5.2f}  {row.outfit:>6.2f}")
        return out + self._left_out_lines()

    def _left_out_lines(self) -> list[str]:
        if not self.left_out:
            return []
        return [f"{len(self.left_out)} item versions left out:"] + [
            f"  {row['key']} v{row['number']}: {row['reason']}" for row in self.left_out
        ]


def scope_attempts(session: Session, test: TestForm | None = None, framework: Framework | None = None) -> list[int]:
    """Each candidate's first ended timed attempt at each test of the scope, oldest first."""
    query = (
        select(Attempt.id, Attempt.started_at,
               func.row_number().over(partition_by=(Attempt.user_id, Attempt.test_id),
                                      order_by=(Attempt.started_at, Attempt.id)).label("n"))
        .join(TestForm, TestForm.id == Attempt.test_id)
        .where(Attempt.mode == str(Mode.TIMED), Attempt.ended_at.is_not(None), Attempt.score.is_not(None))
    )
    if test is not None:
        query = query.where(Attempt.test_id == test.id)
    if framework is not None:
        query = query.where(TestForm.framework_id == framework.id)
    numbered = query.subquery()
    return list(session.scalars(
        select(numbered.c.id).where(numbered.c.n == 1).order_by(numbered.c.started_at, numbered.c.id)
    ))


def _responses(session: Session, ids: list[int]) -> list[tuple[int, int, float]]:
    rows: list[tuple[int, int, float]] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        rows.extend(session.execute(
            select(AttemptQuestion.attempt_id, AttemptQuestion.item_version_id, AttemptQuestion.score)
            .where(AttemptQuestion.attempt_id.in_(chunk))
        ).all())
    return [(a, v, float(s or 0.0)) for a, v, s in rows]


def calibrate(session: Session, now: datetime, test: TestForm | None = None, framework: Framework | None = None,
              min_attempts: int = MIN_ATTEMPTS, min_item_responses: int = MIN_ITEM_RESPONSES) -> CalibrationReport:
    """Fit the Rasch model to the scope's responses and store it as a new version (the caller
    commits), or say why not and store nothing."""
    if (test is None) == (framework is None):
        raise ValueError("calibrate one test or one framework")
    scope = f"test '{test.key}'" if test is not None else f"framework '{framework.key}'"  # type: ignore[union-attr]
    ids = scope_attempts(session, test, framework)
    report = CalibrationReport(scope, len(ids), min_attempts, min_item_responses)
    if len(ids) < min_attempts:
        return report
    rows = _responses(session, ids)
    scores: dict[int, list[float]] = defaultdict(list)
    for _attempt, version_id, score in rows:
        scores[version_id].append(score)
    names = _names(session, scores)
    kept = []
    for version_id, values in sorted(scores.items()):
        key, number = names[version_id]
        reason = None
        if len(values) < min_item_responses:
            reason = f"{len(values)} responses, fewer than {min_item_responses}"
        elif max(values) <= 0.0:
            reason = f"all {len(values)} responses scored 0, so its difficulty cannot be estimated"
        elif min(values) >= 1.0:
            reason = f"all {len(values)} responses scored full marks, so its difficulty cannot be estimated"
        if reason is None:
            kept.append(version_id)
        else:
            report.left_out.append({"item_version_id": version_id, "key": key, "number": number,
                                    "responses": len(values), "reason": reason})
    if not kept:
        return report
    item_index = {v: j for j, v in enumerate(kept)}
    person_index = {a: p for p, a in enumerate(ids)}
    triples = [(person_index[a], item_index[v], s) for a, v, s in rows if v in item_index]
    fitted = rasch.calibrate(rasch.Responses.of(triples, len(ids), len(kept)))
    version = 1 + (session.scalar(
        select(func.max(Calibration.version)).where(
            Calibration.test_id == test.id if test is not None else Calibration.framework_id == framework.id)  # type: ignore[union-attr]
    ) or 0)
    calibration = Calibration(
        test_id=test.id if test is not None else None, framework_id=framework.id if framework is not None else None,
        version=version, created_at=now, attempts=len(ids), responses=len(triples),
        min_attempts=min_attempts, min_item_responses=min_item_responses, sigma=fitted.sigma,
        sigma_se=fitted.sigma_se, log_likelihood=fitted.log_likelihood, converged=fitted.converged,
        left_out=report.left_out,
        items=[
            CalibratedItem(item_version_id=v, difficulty=float(fitted.difficulty[j]), se=float(fitted.se[j]),
                           infit=float(fitted.infit[j]), outfit=float(fitted.outfit[j]),
                           responses=int(fitted.responses[j]), facility=float(fitted.facility[j]))
            for v, j in item_index.items()
        ],
    )
    session.add(calibration)
    session.flush()
    report.calibration = calibration
    return report


def _names(session: Session, version_ids) -> dict[int, tuple[str, int]]:
    names: dict[int, tuple[str, int]] = {}
    ids = list(version_ids)
    for start in range(0, len(ids), 500):
        for version_id, key, number in session.execute(
            select(ItemVersion.id, Item.key, ItemVersion.number).join(Item, Item.id == ItemVersion.item_id)
            .where(ItemVersion.id.in_(ids[start:start + 500]))
        ):
            names[version_id] = (key, number)
    return names


def latest_for_test(session: Session, test: TestForm) -> Calibration | None:
    """The newest calibration that covers the test: of the test itself or of its framework."""
    return session.scalars(
        select(Calibration)
        .where((Calibration.test_id == test.id) | (Calibration.framework_id == test.framework_id))
        .order_by(Calibration.created_at.desc(), Calibration.id.desc())
        .limit(1)
    ).first()


def difficulties(session: Session, calibration: Calibration) -> dict[int, CalibratedItem]:
    """The calibration's items by item version id."""
    return {row.item_version_id: row for row in session.scalars(
        select(CalibratedItem).where(CalibratedItem.calibration_id == calibration.id))}
