"""A person's own data, to download (UK GDPR: the right of access and to data portability). No Flask.

`everything` is the JSON file: the profile (name, address, role, when the account was made,
confirmed and last signed in, extra time and its history), the organisation history (every
membership, current or ended, with its team), where the account is signed in, every attempt with
its answers, scores, per-statement results and extra time, when each question they practised is
due for review again (spaced practice), and the audit trail's events about the account. `attempts_csv` is one row per question of every attempt, for a spreadsheet.

The key of a question (its correct answer) is given only for an attempt that has ended, as the
result page shows it: a download in the middle of a timed test gives away nothing.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from quizapp.data.models import (
    Attempt,
    AttemptQuestion,
    AuditEvent,
    ExtraTimeChange,
    Item,
    ItemVersion,
    Membership,
    ReviewCard,
    StatementResult,
    User,
    UserSession,
)
from quizapp.domain import markup, question_types

from . import audit
from .exports import safe_text, slug

FORMAT_VERSION = 1
ENDINGS = {"submitted": "submitted", "expired": "time ran out"}


def _when(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


def _attempts(session: Session, user: User) -> list[Attempt]:
    return list(session.scalars(
        select(Attempt).where(Attempt.user_id == user.id).order_by(Attempt.started_at, Attempt.id).options(
            selectinload(Attempt.questions).selectinload(AttemptQuestion.response),
            selectinload(Attempt.questions).selectinload(AttemptQuestion.item_version).selectinload(ItemVersion.item),
            selectinload(Attempt.questions).selectinload(AttemptQuestion.item_version).selectinload(ItemVersion.statements),
            selectinload(Attempt.statement_results).selectinload(StatementResult.statement),
            selectinload(Attempt.test),
        )
    ))


def _texts(version: ItemVersion, indices: list[int]) -> list[str]:
    return [markup.plain(version.options[i]["text"]) for i in indices if 0 <= i < len(version.options)]


def _question(attempt: Attempt, question: AttemptQuestion) -> dict[str, Any]:
    version = question.item_version
    response = question.response
    qtype = question_types.of(version.type)
    out: dict[str, Any] = {
        "number": question.position,
        "item": version.item.key,
        "item_version": version.number,
        "section": question.section,
        "type": version.type,
        "statements": [s.code for s in version.statements],
        "scenario": version.scenario_title,
        "question": markup.plain(version.stem),
        "options_as_shown": _texts(version, list(question.option_order)),
        "your_answer": _texts(version, list(response.answer)) if response is not None else [],
        "answer_complete": bool(response.complete) if response is not None else False,
        "answer_saved_at": _when(response.saved_at) if response is not None else None,
        "flagged_for_review": question.flagged,
        "score": question.score,
    }
    if not attempt.is_open:
        out["correct_answer"] = _texts(version, qtype.correct_answer(version.options))
    return out


def _attempt(attempt: Attempt) -> dict[str, Any]:
    return {
        "id": attempt.id,
        "test": attempt.test.key if attempt.test is not None else None,
        "title": attempt.title,
        "mode": attempt.mode,
        "started_at": _when(attempt.started_at),
        "ended_at": _when(attempt.ended_at),
        "how_it_ended": ENDINGS.get(attempt.ended_how or "", None),
        "time_limit_minutes": round(attempt.time_limit_seconds / 60, 2) if attempt.time_limit_seconds else None,
        "extra_time_percent": attempt.extra_time_percent,
        "extra_time_minutes": attempt.extra_time_minutes,
        "deadline_at": _when(attempt.deadline_at),
        "organisation_at_the_time": attempt.organisation.name if attempt.organisation is not None else None,
        "score": attempt.score,
        "max_score": attempt.max_score,
        "percent": attempt.percent,
        "pass_mark_percent": attempt.pass_mark_percent,
        "passed": attempt.passed,
        "statements": [
            {"code": r.statement.code, "title": r.statement.title, "questions": r.items, "score": r.score,
             "percent": r.percent, "band": r.band}
            for r in sorted(attempt.statement_results, key=lambda r: (r.statement.position, r.statement.code))
        ],
        "questions": [_question(attempt, q) for q in attempt.questions],
    }


def everything(session: Session, user: User, now: datetime) -> dict[str, Any]:
    """All the service holds about `user`, as JSON-ready values."""
    memberships = session.scalars(select(Membership).where(Membership.user_id == user.id)
                                  .order_by(Membership.joined_at, Membership.id)).all()
    extra_time = session.scalars(select(ExtraTimeChange).where(ExtraTimeChange.candidate_id == user.id)
                                 .order_by(ExtraTimeChange.set_at, ExtraTimeChange.id)).all()
    sessions = session.scalars(select(UserSession).where(UserSession.user_id == user.id)
                               .order_by(UserSession.created_at)).all()
    events = session.scalars(select(AuditEvent).where((AuditEvent.user_id == user.id) | (AuditEvent.actor_id == user.id))
                             .order_by(AuditEvent.seq)).all()
    return {
        "about_this_file": "Everything this service holds about you, downloaded on "
                           f"{now.date().isoformat()}. Times are UTC (ISO 8601).",
        "format_version": FORMAT_VERSION,
        "downloaded_at": _when(now),
        "profile": {
            "name": user.name,
            "email": user.email,
            "email_confirmed_at": _when(user.email_verified_at),
            "role": user.role,
            "account_created_at": _when(user.created_at),
            "last_signed_in_at": _when(user.last_signin_at),
            "extra_time_percent": user.extra_time_percent,
            "extra_time_minutes": user.extra_time_minutes,
            "extra_time_history": [
                {"percent": c.percent, "minutes": c.minutes, "set_at": _when(c.set_at),
                 "set_by": c.set_by.name if c.set_by is not None else None}
                for c in extra_time
            ],
        },
        "organisations": [
            {"organisation": m.organisation.name, "team": m.team.name if m.team is not None else None,
             "joined_at": _when(m.joined_at), "left_at": _when(m.left_at)}
            for m in memberships
        ],
        "signed_in_sessions": [{"browser": s.browser, "signed_in_at": _when(s.created_at)} for s in sessions],
        "attempts": [_attempt(a) for a in _attempts(session, user)],
        # Spaced practice (quizapp.services.spacing): when each question they practised is due again.
        "review_schedule": [
            {"question": key, "due_at": _when(card.due), "reviews": card.reviews,
             "last_reviewed_at": _when(card.last_review)}
            for key, card in session.execute(select(Item.key, ReviewCard).join(ReviewCard, ReviewCard.item_id == Item.id)
                                             .where(ReviewCard.user_id == user.id).order_by(ReviewCard.due, Item.key))
        ],
        "audit_events": [
            {"at": _when(e.at), "event": audit.EVENTS.get(e.event, e.event), "by_you": e.actor_id == user.id,
             "details": json.loads(e.details or "{}")}
            for e in events
        ],
    }


def json_bytes(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


CSV_HEADERS = [
    "Attempt", "Test", "Mode", "Started (UTC)", "Ended (UTC)", "How it ended", "Extra time (%)", "Extra time (minutes)",
    "Attempt percent",
    "Passed", "Question", "Item", "Statements", "Question text", "Your answer", "Answer complete", "Correct answer",
    "Question score", "Flagged",
]


def _csv_rows(data: dict[str, Any]) -> Iterator[list[object]]:
    yield CSV_HEADERS
    for a in data["attempts"]:
        passed = "" if a["passed"] is None else "Yes" if a["passed"] else "No"
        for q in a["questions"]:
            yield [a["id"], a["title"], a["mode"], a["started_at"] or "", a["ended_at"] or "", a["how_it_ended"] or "",
                   a["extra_time_percent"], a["extra_time_minutes"], "" if a["percent"] is None else round(a["percent"], 1), passed,
                   q["number"], q["item"], " ".join(q["statements"]), q["question"], " | ".join(q["your_answer"]),
                   "Yes" if q["answer_complete"] else "No", " | ".join(q.get("correct_answer", [])),
                   "" if q["score"] is None else q["score"], "Yes" if q["flagged_for_review"] else "No"]


def attempts_csv(data: dict[str, Any]) -> bytes:
    """One row per question of every attempt (from `everything`), formula-safe, UTF-8 with a BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in _csv_rows(data):
        writer.writerow([safe_text(v) if isinstance(v, str) else v for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def filename(user: User, on: date, extension: str) -> str:
    """e.g. your-data-jo-bloggs-2026-12-06.json and your-attempts-jo-bloggs-2026-12-06.csv."""
    what = "your-data" if extension == "json" else "your-attempts"
    return f"{what}-{slug(user.name)}-{on.isoformat()}.{extension}"


def record_download(session: Session, user: User, what: str, now: datetime) -> None:
    """The audit trail notes that the data was downloaded and in which form; none of the data."""
    audit.record(session, "data.downloaded", actor=user, user=user, now=now, form=what)
