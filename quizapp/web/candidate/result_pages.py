"""The candidate's results: one attempt's result page, and their results over time (history,
readiness, each statement across their timed mocks), each read against the framework chosen.
Thin: the work is in quizapp.services.results, readiness and attempts."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from quizapp.data.models import Mode
from quizapp.services import attempts, readiness, results
from quizapp.web import clock

from ..auth_session import roles_required
from ..extensions import db
from . import bp
from .forms import ActionForm
from .views import _own_attempt


@bp.route("/attempts/<int:attempt_id>/result")
@roles_required("candidate")
def result(attempt_id: int) -> str | Response:
    attempt = _own_attempt(attempt_id)
    if attempt.ended_at is None:
        return redirect(url_for(".question", attempt_id=attempt.id, position=results.resume_position(attempt)))
    return render_template(
        "candidate/result.html",
        title="Your result" if attempt.mode == Mode.TIMED else "Your practice result",
        attempt=attempt,
        report=results.report(db.session, attempt, today=clock.today(), framework=request.args.get("framework")),
        form=ActionForm(),
    )


@bp.route("/history")
@roles_required("candidate")
def history() -> str:
    choice = results.history_frameworks(db.session, current_user, clock.today(), request.args.get("framework"))
    return render_template(
        "candidate/history.html",
        title="Your results over time",
        attempts=results.attempt_rows(db.session, current_user),
        choice=choice,
        trends=results.statement_trends(db.session, current_user, choice.shown_ids),
        weakest=attempts.weakest_statements(db.session, current_user, framework_ids=choice.shown_ids),
        readiness=[readiness.for_candidate(db.session, current_user.id, test)
                   for test in readiness.candidate_tests(db.session, current_user.id)],
        form=ActionForm(),
    )
