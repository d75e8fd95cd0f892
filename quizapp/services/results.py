"""What the candidate's pages show, assembled from stored rows: the question being answered,
the check-your-answers list, the result report (per statement and, for a framework grouped
under standards, per standard with its outcomes, read against one of the frameworks the
questions are keyed to: framework_choice.py), and history across attempts. No Flask here:
the views pass these objects to the templates."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from quizapp.domain import question_types, scoring
from quizapp.domain.standards import standard_scores
from . import framework_choice, pass_marks
from .answers import next_seq
from .framework_choice import FrameworkChoice
from .attempts import time_taken_seconds
from quizapp.data.models import (
    Attempt,
    AttemptQuestion,
    Framework,
    ItemVersion,
    Mode,
    Statement,
    StatementResult,
    TestForm,
    User,
)


@dataclass(frozen=True)
class ShownOption:
    index: int  # displayed position (what the form sends)
    authored: int  # index in the YAML (what is stored and marked)
    text: str


@dataclass
class QuestionView:
    type: str
    input: str  # radios | checkboxes | ordering
    stem: str
    instruction: str
    options: list[ShownOption]
    scenario_title: str | None
    scenario_text: str | None
    selected: list[int]  # displayed indices selected (radios/checkboxes)
    positions: dict[int, int]  # displayed index -> chosen position (ordering)
    seq: int
    first_input_id: str


def question_view(attempt: Attempt, question: AttemptQuestion, submitted: dict | None = None) -> QuestionView:
    version = question.item_version
    qtype = question_types.of(version.type)
    shown = [ShownOption(i, authored, version.options[authored]["text"]) for i, authored in enumerate(question.option_order)]
    response = question.response
    selected: list[int] = []
    positions: dict[int, int] = {}
    if submitted is not None:
        selected = list(submitted.get("selected", []))
        positions = dict(submitted.get("positions", {}))
    elif response is not None:  # a whole answer, or an incomplete choice kept to finish
        selected, positions = qtype.shown_choice(question.option_order, response.answer, response.complete)
    instruction = qtype.instruction(version.options)
    return QuestionView(
        type=version.type,
        input=qtype.input,
        stem=stem_without(version.stem, instruction),
        instruction=instruction,
        options=shown,
        scenario_title=version.scenario_title,
        scenario_text=version.scenario_text,
        selected=selected,
        positions=positions,
        seq=next_seq(response.seq if response is not None else None),
        first_input_id="answer" if qtype.input != "ordering" else "position-0",
    )


def stem_without(stem: str, instruction: str) -> str:
    """The stem without a last sentence that only repeats the instruction the page shows as the
    hint ("... accurate? Select 3 answers."), so that it is said once."""
    pattern = r"\s+".join(map(re.escape, instruction.split()))
    trimmed = re.sub(rf"\s*{pattern}\s*$", "", stem)
    return trimmed if trimmed.strip() else stem


@dataclass(frozen=True)
class NavEntry:
    position: int
    answered: bool
    flagged: bool
    current: bool = False
    started: bool = False  # an incomplete choice is kept: not answered yet


def navigation(attempt: Attempt) -> list[NavEntry]:
    return [NavEntry(q.position, q.answer is not None, q.flagged, started=_started(q)) for q in attempt.questions]


def is_started(complete: bool | None, answer: list[int] | None) -> bool:
    """The rule for a kept incomplete choice (some boxes ticked, some positions chosen): started,
    not an answer. `complete` and `answer` are the response's (None without one)."""
    return complete is False and bool(answer)


def _started(question: AttemptQuestion) -> bool:
    response = question.response
    return response is not None and is_started(response.complete, response.answer)


def answer_counts(attempt: Attempt) -> dict[str, int]:
    answered = sum(1 for q in attempt.questions if q.answer is not None)
    return {
        "total": len(attempt.questions),
        "answered": answered,
        "unanswered": len(attempt.questions) - answered,
        "flagged": sum(1 for q in attempt.questions if q.flagged),
    }


def resume_position(attempt: Attempt) -> int:
    """Where a returning candidate lands: the first unanswered question (in practice, the first
    without feedback: a draft is not finished), else the last one."""
    practice = attempt.mode == Mode.PRACTICE
    for q in attempt.questions:
        if q.answer is None or (practice and q.response.final_at is None):
            return q.position
    return len(attempt.questions) or 1


@dataclass(frozen=True)
class CheckRow:
    position: int
    stem: str
    section: str
    answered: bool
    flagged: bool
    answer_text: list[str]
    progress: str = ""  # not answered yet, but started: how far ("1 of 3 selected")


def check_rows(attempt: Attempt) -> list[CheckRow]:
    rows = []
    for q in attempt.questions:
        version = q.item_version
        answer = q.answer
        progress = ""
        if _started(q):
            progress = question_types.of(version.type).incomplete(version.options, q.response.answer).progress
        rows.append(CheckRow(q.position, version.stem, q.section, answer is not None, q.flagged,
                             [version.options[i]["text"] for i in (answer or []) if 0 <= i < len(version.options)],
                             progress))
    return rows


# -- the result ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OptionReview:
    text: str
    correct: bool
    chosen: bool
    feedback: str
    chosen_position: int | None = None  # ordering: where the candidate put it


@dataclass(frozen=True)
class QuestionReview:
    position: int
    type: str
    stem: str
    scenario_title: str | None
    scenario_text: str | None
    statements: list[Statement]
    score: float | None
    answered: bool
    options: list[OptionReview]
    correct_texts: list[str]
    chosen_texts: list[str]
    rationale: str
    references: list[str]

    @property
    def outcome(self) -> str:
        if not self.answered:
            return "Not answered"
        if self.score is None:
            return ""
        if self.score >= 1:
            return "Correct"
        return "Partly correct" if self.score > 0 else "Incorrect"


def review_question(question: AttemptQuestion) -> QuestionReview:
    version = question.item_version
    qtype = question_types.of(version.type)
    answer = question.answer
    correct = qtype.correct_answer(version.options)
    chosen = set(answer or [])
    ordering = qtype.input == "ordering"
    positions = {a: rank for rank, a in enumerate(answer or [], start=1)} if ordering else {}
    options = [
        OptionReview(
            text=o["text"],
            correct=(i in correct) if not ordering else True,
            chosen=i in chosen,
            feedback=o.get("feedback", ""),
            chosen_position=positions.get(i),
        )
        for i, o in enumerate(version.options)
    ]
    score = question.score
    if score is None and answer is not None:
        score = qtype.mark(version.options, version.scoring, answer)
    return QuestionReview(
        position=question.position,
        type=version.type,
        stem=version.stem,
        scenario_title=version.scenario_title,
        scenario_text=version.scenario_text,
        statements=list(version.statements),
        score=score,
        answered=answer is not None,
        options=options,
        correct_texts=[version.options[i]["text"] for i in correct],
        chosen_texts=[version.options[i]["text"] for i in (answer or []) if 0 <= i < len(version.options)],
        rationale=version.rationale,
        references=list(version.references),
    )


@dataclass(frozen=True)
class StatementLine:
    statement: Statement
    items: int
    percent: float
    band: str


@dataclass(frozen=True)
class StandardLine:
    """A standard of a grouped framework, with the result of its statements (outcomes)."""

    code: str
    title: str
    unconfirmed: str
    items: int  # questions on any of its statements, each counted once
    percent: float
    band: str
    statements: list[StatementLine]  # its outcomes that the attempt tested, in framework order


@dataclass
class Report:
    attempt: Attempt
    time_taken_seconds: float | None
    statements: list[StatementLine]  # weakest first, of the chosen framework
    questions: list[QuestionReview] = field(default_factory=list)
    standards: list[StandardLine] = field(default_factory=list)  # empty unless a statement has a standard
    pass_mark_note: str = ""  # how the pass mark was set (services/pass_marks.how_set)
    framework: FrameworkChoice = framework_choice.NO_CHOICE  # what the lines are read against


def report(session: Session, attempt: Attempt, *, today: date | None = None,
           framework: str | None = None) -> Report:
    """The attempt's result read against one framework its questions are keyed to: the one
    whose key is `framework` when offered, else the one current `today` (framework_choice)."""
    lines = session.execute(
        select(StatementResult, Statement)
        .join(Statement, StatementResult.statement_id == Statement.id)
        .where(StatementResult.attempt_id == attempt.id)
        .order_by(StatementResult.percent, Statement.position)
    ).all()
    choice = framework_choice.choose(session, {st.framework_id for _r, st in lines}, framework,
                                     today or date.today())
    lines = [(r, st) for r, st in lines if st.framework_id in choice.shown_ids]
    questions = session.scalars(
        select(AttemptQuestion)
        .where(AttemptQuestion.attempt_id == attempt.id)
        .options(selectinload(AttemptQuestion.item_version).selectinload(ItemVersion.statements),
                 selectinload(AttemptQuestion.response))
        .order_by(AttemptQuestion.position)
    ).all()
    statement_lines = [StatementLine(st, r.items, r.percent, r.band) for r, st in lines]
    reviews = [review_question(q) for q in questions]
    return Report(
        attempt=attempt,
        time_taken_seconds=time_taken_seconds(attempt),
        statements=statement_lines,
        questions=reviews,
        standards=standard_lines(session, attempt, statement_lines, reviews),
        pass_mark_note=pass_marks.how_set(session, attempt) if attempt.mode == "timed" else "",
        framework=choice,
    )


def standard_lines(session: Session, attempt: Attempt, lines: list[StatementLine],
                   reviews: list[QuestionReview]) -> list[StandardLine]:
    """The attempt's result per standard (in each framework's order of standards), each with
    its outcomes' lines (in the framework's order), for the statements grouped under a
    standard. A question counts once for a standard, however many of its outcomes it tests."""
    grouped = [line for line in lines if line.statement.standard_code]
    if not grouped:
        return []

    def key(statement: Statement) -> str:  # standards of two frameworks may share a code
        return f"{statement.framework_id}:{statement.standard_code}" if statement.standard_code else ""

    scores = standard_scores(
        (([str(st.id) for st in review.statements], review.score or 0.0) for review in reviews),
        {str(line.statement.id): key(line.statement) for line in grouped})
    framework_ids = list(dict.fromkeys(line.statement.framework_id for line in grouped))
    frameworks = {f.id: f for f in session.scalars(select(Framework).where(Framework.id.in_(framework_ids)))}
    out = []
    for framework_id in framework_ids:
        for standard in frameworks[framework_id].standards:
            score = scores.get(f"{framework_id}:{standard['code']}")
            if score is None:
                continue
            members = sorted((line for line in grouped if line.statement.framework_id == framework_id
                              and line.statement.standard_code == standard["code"]),
                             key=lambda line: line.statement.position)
            out.append(StandardLine(standard["code"], standard["title"], standard.get("unconfirmed", ""),
                                    score.items, score.percent, scoring.band_for(score.percent, attempt.bands),
                                    members))
    return out


# -- lists and history -----------------------------------------------------------------------------


def attempt_rows(session: Session, user: User) -> list[Attempt]:
    return list(session.scalars(
        select(Attempt).where(Attempt.user_id == user.id, Attempt.ended_at.is_not(None)).order_by(Attempt.started_at.desc())
    ))


def open_attempts(session: Session, user: User) -> list[Attempt]:
    return list(session.scalars(
        select(Attempt).where(Attempt.user_id == user.id, Attempt.ended_at.is_(None)).order_by(Attempt.started_at.desc())
    ))


@dataclass
class StatementTrend:
    statement: Statement
    points: list[tuple[Attempt, float, str]]  # oldest first

    @property
    def latest(self) -> float:
        return self.points[-1][1]


def history_frameworks(session: Session, user: User, today: date, wanted: str | None) -> FrameworkChoice:
    """The frameworks the candidate's ended timed attempts have results against, current first."""
    ids = session.scalars(
        select(Statement.framework_id).distinct()
        .join(StatementResult, StatementResult.statement_id == Statement.id)
        .join(Attempt, Attempt.id == StatementResult.attempt_id)
        .where(Attempt.user_id == user.id, Attempt.ended_at.is_not(None), Attempt.mode == Mode.TIMED))
    return framework_choice.choose(session, ids, wanted, today)


def statement_trends(session: Session, user: User, framework_ids: Collection[int] | None = None) -> list[StatementTrend]:
    """Each statement's percent across the candidate's ended timed attempts, oldest first (of
    the frameworks `framework_ids` when given)."""
    query = (
        select(Statement, Attempt, StatementResult.percent, StatementResult.band)
        .join(StatementResult, StatementResult.statement_id == Statement.id)
        .join(Attempt, Attempt.id == StatementResult.attempt_id)
        .where(Attempt.user_id == user.id, Attempt.ended_at.is_not(None), Attempt.mode == Mode.TIMED)
        .order_by(Statement.framework_id, Statement.position, Attempt.started_at)
    )
    if framework_ids is not None:
        query = query.where(Statement.framework_id.in_(sorted(framework_ids)))
    rows = session.execute(query).all()
    trends: dict[int, StatementTrend] = {}
    for statement, attempt, value, band in rows:
        trends.setdefault(statement.id, StatementTrend(statement, [])).points.append((attempt, value, band))
    return list(trends.values())


def tests_taken(session: Session, user: User) -> dict[int, TestForm]:
    return {t.id: t for t in session.scalars(select(TestForm).join(Attempt, Attempt.test_id == TestForm.id)
                                             .where(Attempt.user_id == user.id))}
