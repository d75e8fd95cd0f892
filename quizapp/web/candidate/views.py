"""Candidate views: thin wrappers around quizapp.services.attempts, quizapp.services.results and the question types."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import bindparam, select
from werkzeug.wrappers import Response

from quizapp.services import answers, attempts, catalogue, ownership, pools, question_page, results, spacing
from quizapp.web import clock
from quizapp.domain import question_types, timing
from ..auth_session import issue_save_token, light_user, roles_required
from quizapp.data.db import begin_writing, reads_first
from ..extensions import db
from ..templating import extra_time_of
from quizapp.data.models import Attempt, AttemptQuestion, Mode, TestForm
from . import bp
from .forms import ActionForm


# A page's own "time is up" submit is believed only this close to the server's deadline.
TIMEOUT_TOLERANCE_SECONDS = 5.0


def _grace() -> float:
    return float(current_app.config["SAVE_GRACE_SECONDS"])


def _own_attempt(attempt_id: int) -> Attempt:
    """The signed-in candidate's attempt, ended first if its time ran out. Someone else's: 404."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id:
        abort(404)
    if attempt.ended_at is None and timing.has_expired(attempt.deadline_at, clock.now()):
        begin_writing(db.session)
        db.session.refresh(attempt)
        attempts.end_if_expired(db.session, attempt, clock.now())
        db.session.commit()
    return attempt


def _question(attempt: Attempt, position: int) -> AttemptQuestion:
    if not 1 <= position <= len(attempt.questions):
        abort(404)
    return attempt.questions[position - 1]


_LIVE_TEST = select(TestForm).where(TestForm.key == bindparam("key"), TestForm.retired_at.is_(None))


def _live_test(key: str) -> TestForm:
    test = db.session.scalar(_LIVE_TEST, {"key": key})
    if test is None or not ownership.scope_of(current_user).sees(test.organisation_id):
        abort(404)  # another organisation's test is not there for this candidate
    return test


@bp.route("/")
@roles_required("candidate")
def home() -> str:
    return render_template(
        "candidate/home.html",
        title="Your tests",
        levels=catalogue.tests_by_level(db.session, ownership.scope_of(current_user)),
        attempts=results.attempt_rows(db.session, current_user),
        open_attempts=results.open_attempts(db.session, current_user),
        due=spacing.due_summary(db.session, current_user, clock.now()),
    )


@bp.route("/<key>")
@roles_required("candidate")
def start_page(key: str) -> str:
    test = _live_test(key)
    return render_template(
        "candidate/start.html",
        title=test.title,
        test=test,
        form=ActionForm(),
        summary=catalogue.test_summary(db.session, test),
        extra_time=extra_time_of(current_user),
        open_timed=attempts.open_attempt_id(db.session, current_user.id, test.id, Mode.TIMED) is not None,
        open_practice=attempts.open_attempt_id(db.session, current_user.id, test.id, Mode.PRACTICE) is not None,
        grace=_grace(),
    )


@bp.route("/<key>/start", methods=["POST"])
@reads_first
@roles_required("candidate")
def start(key: str) -> Response:
    test = _live_test(key)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    mode = request.form.get("mode", Mode.TIMED)
    now = clock.now()
    try:
        started = attempts.start_or_resume(db.session, current_user, test, mode, now,
                                           before_write=lambda: begin_writing(db.session), pools=_pool_cache())
    except attempts.AttemptError as error:
        flash(str(error), "error")
        return redirect(url_for(".start_page", key=key))
    db.session.commit()
    # A new attempt has nothing answered, so it opens at question 1 without asking the database.
    position = 1 if started.new else question_page.resume_position(db.session, started.attempt_id,
                                                                    mode == Mode.PRACTICE)
    return redirect(url_for(".question", attempt_id=started.attempt_id, position=position))


@bp.route("/practice/weakest", methods=["POST"])
@roles_required("candidate")
def practise_weakest() -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    choice = results.history_frameworks(db.session, current_user, clock.today(), request.form.get("framework"))
    try:
        attempt = attempts.start_weakest_practice(db.session, current_user, clock.now(), framework_ids=choice.shown_ids)
    except attempts.AttemptError as error:
        flash(str(error), "error")
        return redirect(url_for(".history"))
    db.session.commit()
    return redirect(url_for(".question", attempt_id=attempt.id, position=1))


def _question_page(attempt: Attempt | question_page.ShownAttempt,
                   question: AttemptQuestion | question_page.ShownQuestion, error: str | None = None,
                   submitted: list[int] | None = None, status: int = 200,
                   nav: list[results.NavEntry] | None = None) -> tuple[str, int]:
    view = results.question_view(attempt, question, submitted=submitted)
    nav = results.navigation(attempt) if nav is None else nav
    return render_template(
        "candidate/question.html",
        title=f"Question {question.position} of {len(nav)}",
        attempt=attempt,
        question=question,
        view=view,
        error=error,
        page_errors=[{"text": error, "href": f"#{view.first_input_id}"}] if error else None,
        # (no ActionForm: the page's forms take csrf_token() directly, and its errors are page_errors)
        remaining=timing.remaining_seconds(attempt.deadline_at, clock.now()),
        nav=nav,
        save_token=issue_save_token(attempt.id, current_user) if attempt.ended_at is None else "",
    ), status


@bp.route("/attempts/<int:attempt_id>/questions/<int:position>", methods=["GET"])
@roles_required("candidate")
@light_user  # (reads only the user's id and session token, and renders the page header)
def question(attempt_id: int, position: int) -> str | Response | tuple[str, int]:
    # Three statements whatever the number of questions, not one per question (quizapp.services.question_page):
    # the user; the question with its attempt, item version and response, as plain records; the
    # buttons as rows.
    shown = question_page.shown_question(db.session, attempt_id, position)
    if shown is not None and _is_open_to_answer(shown):
        return _question_page(shown.attempt, shown, nav=question_page.navigation(db.session, attempt_id))
    # Anything else (no such question, someone else's attempt, an ended or timed-out attempt, a
    # practice answer with its feedback shown) from the ORM objects, as before.
    question = question_page.question_at(db.session, attempt_id, position)
    attempt = _own_attempt(attempt_id)
    if attempt.ended_at is not None:
        return redirect(url_for(".result", attempt_id=attempt.id))
    if question is None:
        abort(404)
    if _is_final(attempt, question):
        return redirect(url_for(".practice_feedback", attempt_id=attempt.id, position=position))
    return _question_page(attempt, question, nav=question_page.navigation(db.session, attempt.id))


def _is_open_to_answer(shown: question_page.ShownQuestion) -> bool:
    """The signed-in candidate's question, in an attempt that is open and within its time, and
    not a practice answer whose feedback was asked for: the page shows it as it is."""
    attempt = shown.attempt
    return (attempt.user_id == current_user.id and attempt.ended_at is None
            and not timing.has_expired(attempt.deadline_at, clock.now()) and not _is_final(attempt, shown))


def _is_final(attempt: Attempt | question_page.ShownAttempt,
              question: AttemptQuestion | question_page.ShownQuestion) -> bool:
    """A practice answer whose feedback the candidate asked for (locked, shown as feedback)."""
    return attempt.mode == Mode.PRACTICE and question.response is not None and question.response.final_at is not None


@bp.route("/attempts/<int:attempt_id>/questions/<int:position>", methods=["POST"])
@reads_first
@roles_required("candidate")
def save(attempt_id: int, position: int) -> str | Response | tuple[str, int]:
    """The plain-form save (works without JavaScript): save, flag, then go where asked."""
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id:
        abort(404)
    question = _question(attempt, position)
    # A question button sends only `goto`: moving on, not Save and continue.
    action = "goto" if request.form.get("goto") else request.form.get("action", "save")
    qtype = question_types.of(question.item_version.type)
    choice, problem = qtype.read_form(request.form, question.option_order, question.item_version.options)
    seq = answers.parse_seq(request.form.get("seq"))
    if seq is None:
        problem = answers.BAD_SEQ_MESSAGE
    now = clock.now()
    begin_writing(db.session)  # the write lock from here on, with the attempt read again inside it
    db.session.refresh(attempt)
    if attempt.ended_at is None and attempts.end_if_expired(db.session, attempt, now, _grace()):
        db.session.commit()
    if attempt.ended_at is not None:
        flash("Your time ran out before this answer arrived, so it was not saved. Answers saved before the deadline count.", "error")
        return redirect(url_for(".result", attempt_id=attempt.id))
    # Only Save and continue (the candidate asking for feedback) makes a practice answer final.
    final = attempt.mode == Mode.PRACTICE and action == "save"
    if problem is None and choice is not None and not (choice.empty and question.response is None):
        # An incomplete choice is kept too (not an answer), so that moving on never loses it.
        outcome = answers.save_answer(db.session, attempt, question, choice.answer, seq, now, _grace(), explicit=True,
                                       complete=choice.complete, final=final)
        if outcome.status == "closed":
            db.session.rollback()
            flash(outcome.message, "error")
            return redirect(url_for(".result", attempt_id=attempt.id))
        if outcome.status == "locked":
            # A practice answer made final earlier (a double click, the back button): its feedback.
            if question.answer != choice.answer:
                flash(outcome.message, "error")
        elif not outcome.ok:
            problem = outcome.message
    if problem:
        # Nothing is changed: the candidate sees their choice again with the error.
        db.session.rollback()
        return _question_page(attempt, question, error=problem, submitted=qtype.form_state(request.form, question.option_order), status=400)
    if action in ("flag", "unflag"):
        answers.set_flag(question, action == "flag")
    db.session.commit()
    if action == "save" and choice is not None and not choice.complete and not choice.empty:
        # Save and continue with an incomplete choice: kept, and the page says what is missing
        # (the question buttons and Check your answers still move on: docs/scoring.md).
        return _question_page(attempt, question, error=choice.missing, status=400)
    if final and _is_final(attempt, question):
        return redirect(url_for(".practice_feedback", attempt_id=attempt.id, position=position))
    return redirect(_next_url(attempt, position, action))


def _next_url(attempt: Attempt, position: int, action: str) -> str:
    target = request.form.get("goto", "")
    if target.isdigit() and 1 <= int(target) <= len(attempt.questions):
        return url_for(".question", attempt_id=attempt.id, position=int(target))
    if action in ("flag", "unflag"):
        return url_for(".question", attempt_id=attempt.id, position=position)
    if action == "check" or position >= len(attempt.questions):
        return url_for(".check_answers", attempt_id=attempt.id)
    return url_for(".question", attempt_id=attempt.id, position=position + 1)


def _pool_cache() -> pools.PoolCache:
    return current_app.extensions["quizapp_pools"]  # type: ignore[no-any-return]


@bp.record_once
def _make_process_caches(state) -> None:  # type: ignore[no-untyped-def]
    state.app.extensions["quizapp_autosave_targets"] = answers.AutosaveTargets()
    state.app.extensions["quizapp_pools"] = pools.PoolCache()


@bp.route("/attempts/<int:attempt_id>/questions/<int:position>/feedback")
@roles_required("candidate")
def practice_feedback(attempt_id: int, position: int) -> str | Response:
    attempt = _own_attempt(attempt_id)
    question = _question(attempt, position)
    if not _is_final(attempt, question):  # feedback only on an answer the candidate made final
        return redirect(url_for(".question", attempt_id=attempt.id, position=position))
    return render_template(
        "candidate/practice_feedback.html",
        title=f"Question {position} of {len(attempt.questions)}: feedback",
        attempt=attempt,
        question=question,
        review=results.review_question(question),
        form=ActionForm(),
    )


@bp.route("/attempts/<int:attempt_id>/check")
@roles_required("candidate")
def check_answers(attempt_id: int) -> str | Response:
    attempt = _own_attempt(attempt_id)
    if attempt.ended_at is not None:
        return redirect(url_for(".result", attempt_id=attempt.id))
    return render_template(
        "candidate/check.html",
        title="Check your answers",
        attempt=attempt,
        rows=results.check_rows(attempt),
        counts=results.answer_counts(attempt),
        remaining=timing.remaining_seconds(attempt.deadline_at, clock.now()),
        form=ActionForm(),
    )


@bp.route("/attempts/<int:attempt_id>/submit", methods=["GET"])
@roles_required("candidate")
def confirm_submit(attempt_id: int) -> str | Response:
    attempt = _own_attempt(attempt_id)
    if attempt.ended_at is not None:
        return redirect(url_for(".result", attempt_id=attempt.id))
    return render_template(
        "candidate/confirm_submit.html",
        title="Are you sure you want to submit your answers?",
        attempt=attempt,
        counts=results.answer_counts(attempt),
        remaining=timing.remaining_seconds(attempt.deadline_at, clock.now()),
        form=ActionForm(),
    )


@bp.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
@roles_required("candidate")
def submit(attempt_id: int) -> Response:
    """Submitting twice, or again from the back button, gives the one result."""
    if not ActionForm().validate_on_submit():
        abort(400)
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id:
        abort(404)
    if attempt.ended_at is None:
        now = clock.now()
        remaining = timing.remaining_seconds(attempt.deadline_at, now)
        if request.form.get("reason") == "timeout" and remaining is not None and remaining > TIMEOUT_TOLERANCE_SECONDS:
            # The browser's countdown ran ahead of the server's: the test is not over.
            return redirect(url_for(".question", attempt_id=attempt.id, position=results.resume_position(attempt)))
        timed_out = request.form.get("reason") == "timeout" or timing.has_expired(attempt.deadline_at, now)
        attempts.finish(db.session, attempt, now, "expired" if timed_out else "submitted")
        db.session.commit()
    return redirect(url_for(".result", attempt_id=attempt.id))
