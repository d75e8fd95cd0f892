"""Simulated candidates for the demo, so that the item analysis page has real figures to show.

The model (documented in docs/item-analysis.md, "The demo data"):

- Each simulated candidate has an ability theta ~ N(0, 1).
- Each item has a difficulty b from its `difficulty` key (1 -> -1.5, 2 -> 0, 3 -> +1.5, none -> 0)
  plus N(0, 0.5) noise, and a discrimination a ~ U(0.5, 2.0); both seeded by the item's id.
- A candidate *knows* an item with the two-parameter logistic probability
  P = 1 / (1 + exp(-a (theta - b))). A candidate who knows it answers it right; one who does not
  guesses, choosing options in proportion to seeded "attractiveness" weights (so some
  distractors draw more guesses than others, and on about one item in eight one distractor
  draws none). Ordering items are guessed as a random order. Knowing or guessing this way is
  the 3PL model's "lower asymptote" arising from the guesses rather than a fixed c.
- Three single-choice items (those the most simulated candidates were given) get a *key
  error* pattern: candidates who know the item choose one particular distractor (as if the key
  in the bank were wrong), so the keyed answer is chosen mostly by guessers and that distractor
  mostly by strong candidates.
- About 2% of questions are left unanswered.

With `model="rasch"` the candidates follow the Rasch model exactly instead, for checking the
calibration (docs/readiness.md): the same abilities and difficulties b, every discrimination 1, no
guessing, no key errors and no skips: a candidate answers right with probability
1 / (1 + exp(-(theta - b))) and otherwise gives a wrong answer that scores 0 where the item allows
it. The report then holds the true abilities and difficulties (`truth`).

Each candidate takes one timed attempt through the attempts service (start, save each answer,
submit), so the rows are exactly what a real candidate leaves. Everything is seeded: the same
banks give the same attempts, and running it again adds nothing for candidates who already
have an attempt.
"""

from __future__ import annotations

import math
import random
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quizapp.services import accounts, answers, attempts
from quizapp.domain import question_types
from quizapp.data.models import (
    Attempt,
    AttemptQuestion,
    Framework,
    Item,
    ItemVersion,
    Membership,
    Mode,
    Organisation,
    TestForm,
    User,
)

DIFFICULTY_B = {1: -1.5, 2: 0.0, 3: 1.5}
KEY_ERROR_ITEMS = 3
SKIP_RATE = 0.02
DEAD_DISTRACTOR_RATE = 0.125
EMAIL = "sim-{:03d}@demo.example"


@dataclass(frozen=True)
class ItemModel:
    a: float
    b: float
    weights: tuple[float, ...]  # guessing attractiveness of each option (authored order)
    key_error_option: int | None = None  # the option that candidates who know it choose instead


def item_model(key: str, version: ItemVersion, key_error: bool = False) -> ItemModel:
    rng = random.Random(f"demo-item:{key}")
    b = DIFFICULTY_B.get(version.difficulty or 2, 0.0) + rng.gauss(0, 0.5)
    a = rng.uniform(0.5, 2.0)
    n = len(version.options)
    weights = [rng.uniform(0.3, 1.0) for _ in range(n)]
    distractors = [i for i, o in enumerate(version.options) if not o.get("correct")]
    if version.type != "ordering" and len(distractors) >= 3 and rng.random() < DEAD_DISTRACTOR_RATE:
        weights[rng.choice(distractors)] = 0.0
    wrong = None
    if key_error and distractors:
        wrong = rng.choice(distractors)
        weights[wrong] = max(weights[wrong], 0.3)
    return ItemModel(a=a, b=b, weights=tuple(weights), key_error_option=wrong)


def rasch_answer(rng: random.Random, theta: float, version: ItemVersion, model: ItemModel) -> list[int]:
    """An answer under the Rasch model: right with probability expit(theta - b), else wrong
    (for a multiple-response item as many distractors as it has; an ordering reversed)."""
    key = question_types.of(version.type).correct_answer(version.options)
    if rng.random() < 1 / (1 + math.exp(-(theta - model.b))):
        return sorted(key) if version.type == "multiple" else list(key)
    if version.type == "ordering":
        return list(reversed(key))
    distractors = [i for i, o in enumerate(version.options) if not o.get("correct")]
    if version.type == "single":
        return [_weighted_pick(rng, tuple(model.weights[i] if i in distractors else 0.0
                                          for i in range(len(model.weights))), set())]
    wrong = distractors[:len(key)]
    return sorted(wrong + [k for k in key][:len(key) - len(wrong)])


def p_know(theta: float, model: ItemModel) -> float:
    return 1 / (1 + math.exp(-model.a * (theta - model.b)))


def simulated_answer(rng: random.Random, theta: float, version: ItemVersion, model: ItemModel) -> list[int] | None:
    """An answer in authored option indices (what the attempts service stores), or None (skipped)."""
    if rng.random() < SKIP_RATE:
        return None
    qtype = question_types.of(version.type)
    key = qtype.correct_answer(version.options)
    knows = rng.random() < p_know(theta, model)
    if version.type == "ordering":
        if knows:
            return key
        order = list(range(len(version.options)))
        rng.shuffle(order)
        return order
    if version.type == "single":
        if knows:
            return [model.key_error_option] if model.key_error_option is not None else key
        return [_weighted_pick(rng, model.weights, set())]
    if knows:
        return sorted(key)
    chosen: set[int] = set()
    while len(chosen) < len(key):
        chosen.add(_weighted_pick(rng, model.weights, chosen))
    return sorted(chosen)


def _weighted_pick(rng: random.Random, weights: tuple[float, ...], taken: set[int]) -> int:
    choices = [i for i in range(len(weights)) if i not in taken]
    live = [weights[i] for i in choices]
    if sum(live) <= 0:
        return rng.choice(choices)
    return rng.choices(choices, weights=live)[0]


def demo_test(session: Session, today: date | None = None) -> TestForm | None:
    """The live practitioner test the demo candidates take: one of a framework in force on
    `today` (the KSS before 1 April 2027, not the early career standards), a mock whose form is
    fixed (every candidate gets the same questions, so every item gets every response), else any
    mock, else any practitioner test."""
    tests = session.scalars(
        select(TestForm).join(Framework, Framework.id == TestForm.framework_id)
        .where(TestForm.retired_at.is_(None), Framework.level == "practitioner")
    ).all()

    def preference(test: TestForm) -> tuple[bool, bool, bool, str]:
        fixed = all(s["draw"]["kind"] == "items" for s in test.blueprint["sections"])
        starts = test.framework.effective_from
        not_yet = today is not None and starts is not None and starts > today
        return (not_yet, not fixed, "mock" not in test.key, test.key)

    return min(tests, key=preference, default=None)


@dataclass(frozen=True)
class SimulationReport:
    test: TestForm | None
    candidates: int
    created: int
    # model="rasch": the true values, {"abilities": {attempt id: theta}, "difficulties": {item version id: b}}
    truth: dict[str, dict[int, float]] | None = None

    def line(self) -> str:
        if self.test is None:
            return "No practitioner test is imported, so no simulated attempts were made (run quizapp import first)."
        return (f"{self.candidates} simulated candidates with one timed attempt each at '{self.test.title}' "
                f"({self.created} new)")


def simulate(session: Session, organisation: Organisation, candidates: int, now: datetime,
             seed: str = "demo", model: str = "demo") -> SimulationReport:
    """Give `candidates` simulated candidates in `organisation` one ended timed attempt each at the
    demo test. Idempotent: candidates who already have an ended timed attempt there are skipped.

    Two passes: every new attempt is started (drawn) first, then the key-error items are chosen
    among the single-choice items the most candidates were given (so the pattern has enough
    responses to show), then every attempt is answered and submitted."""
    test = demo_test(session, now.date())
    if test is None:
        return SimulationReport(None, 0, 0)
    emails = [EMAIL.format(i + 1) for i in range(candidates)]
    users = _users(session, organisation, emails)
    done = set(session.scalars(
        select(Attempt.user_id).where(Attempt.test_id == test.id, Attempt.mode == str(Mode.TIMED),
                                      Attempt.ended_at.is_not(None))
    ))
    start = now - timedelta(days=30)
    started: list[tuple[Attempt, random.Random, float]] = []
    for i, email in enumerate(emails):
        user = users[email]
        if user.id in done:
            continue
        rng = random.Random(f"{seed}:candidate:{i}")
        theta = rng.gauss(0, 1)
        began = start + timedelta(minutes=rng.randrange(0, 30 * 24 * 60))
        attempt = attempts.start(session, user, test, Mode.TIMED, began, seed=rng.randrange(2**31))
        started.append((attempt, rng, theta))
    rasch = model == "rasch"
    key_errors = set() if rasch else _key_error_items(session, test)
    models: dict[int, ItemModel] = {}
    limit = timedelta(minutes=test.time_limit_minutes)
    for attempt, rng, theta in started:
        clock = attempt.started_at
        per_question = limit * 0.8 / max(1, len(attempt.questions))
        for question in attempt.questions:
            version = question.item_version
            known = models.get(version.id)
            if known is None:
                key = version.item.key
                known = models[version.id] = item_model(key, version, key in key_errors)
            clock += per_question * rng.uniform(0.5, 1.2)
            answer = (rasch_answer(rng, theta, version, known) if rasch
                      else simulated_answer(rng, theta, version, known))
            if answer is not None:
                answers.save_answer(session, attempt, question, answer, 1, clock, 0.0, explicit=True)
        attempts.finish(session, attempt, min(clock + timedelta(seconds=30), attempt.started_at + limit))
    session.flush()
    truth = None
    if rasch:
        truth = {"abilities": {a.id: theta for a, _rng, theta in started},
                 "difficulties": {version_id: m.b for version_id, m in models.items()}}
    return SimulationReport(test, candidates, len(started), truth)


def _users(session: Session, organisation: Organisation, emails: list[str]) -> dict[str, User]:
    """The simulated candidates, created (in one flush) where missing. Their password is a random
    secret nobody knows, so nobody can sign in as them."""
    users = {u.email: u for u in session.scalars(select(User).where(User.email.in_(emails)))}
    missing = [e for e in emails if e not in users]
    if missing:
        unusable = accounts.hash_password(secrets.token_urlsafe(32))
        new = [User(email=e, name=f"Simulated candidate {emails.index(e) + 1:03d}", password_hash=unusable,
                    role="candidate", session_token=secrets.token_hex(16)) for e in missing]
        session.add_all(new)
        session.flush()
        session.add_all([Membership(user_id=u.id, organisation_id=organisation.id) for u in new])
        session.flush()
        users.update({u.email: u for u in new})
    return users


def _key_error_items(session: Session, test: TestForm) -> set[str]:
    """The item ids given the key-error pattern: the KEY_ERROR_ITEMS single-choice items that
    the most attempts at the test were given (ties by id), so the pattern has enough responses
    to be seen."""
    counts = session.execute(
        select(Item.key, func.count(AttemptQuestion.id))
        .join(ItemVersion, ItemVersion.item_id == Item.id)
        .join(AttemptQuestion, AttemptQuestion.item_version_id == ItemVersion.id)
        .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
        .where(Attempt.test_id == test.id, Attempt.mode == str(Mode.TIMED), ItemVersion.type == "single")
        .group_by(Item.key)
    ).all()
    ranked = sorted(counts, key=lambda row: (-row[1], row[0]))
    return {key for key, _count in ranked[:KEY_ERROR_ITEMS]}
