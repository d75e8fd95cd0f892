"""Standard setting pages (modified Angoff): a test's panels and a new panel's form, a panel's page,
a judge's ratings for the round, moving to the next round, the preview and the applying of the
cut score, and the ratings as CSV. Thin: the work is in quizapp.services.standard_setting and
pass_marks. Only the test owner's trainers and admins see these pages (another owner's panel is
404); only a panel's judges rate. See docs/readiness.md."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from quizapp.data.models import AngoffJudge, AngoffPanel, TestForm
from quizapp.domain import item_stats
from quizapp.services import ownership, pass_marks, workspace
from quizapp.services import standard_setting as panels
from quizapp.web import charts, clock

from ..auth_session import roles_required
from ..extensions import db
from . import bp
from .views import content_disposition

TRAINERS = ("trainer", "admin")


def _scope() -> ownership.Scope:
    return ownership.scope_of(current_user)


def _own_test(key: str) -> TestForm:
    """A test whose standard setting the trainer may do: one of their owner's (else 404)."""
    test = workspace.test(db.session, key, _scope())
    if test is None or not ownership.manages(_scope(), test.organisation_id):
        abort(404)
    return test


def _panel(panel_id: int) -> AngoffPanel:
    return panels.panel(db.session, panel_id, _scope()) or abort(404)


def _figures(test: TestForm) -> panels.FormFigures:
    minimum = int(current_app.config.get("STATS_MIN_SAMPLE", item_stats.DEFAULT_MIN_SAMPLE))
    return panels.form_figures(db.session, test, minimum)


# -- a test's panels ----------------------------------------------------------------------------


def _panels_page(test: TestForm, errors: dict[str, str] | None = None, name: str = "",
                 chosen: list[str] | None = None) -> tuple[str, int]:
    problem = None
    try:
        fixed = panels.form_of(db.session, test)
    except panels.PanelError as error:
        fixed, problem = None, str(error)
    if fixed is None and problem is None:
        problem = panels.DRAWN_TEST
    hrefs = {"name": "#name", "judges": "#judges"}
    return render_template(
        "trainer/panels.html", title=f"Standard setting: {test.title}", test=test, problem=problem,
        questions=len(fixed or []), panels=panels.panels_of(db.session, test),
        judges=panels.eligible_judges(db.session, test.organisation_id), min_judges=panels.MIN_JUDGES,
        history=pass_marks.history(db.session, test.id), errors=errors or {}, name=name, chosen=chosen or [],
        page_errors=[{"text": text, "href": hrefs[field]} for field, text in (errors or {}).items()] or None,
    ), 400 if errors else 200


@bp.route("/tests/<key>/panels")
@roles_required(*TRAINERS)
def panels_page(key: str) -> tuple[str, int]:
    return _panels_page(_own_test(key))


@bp.route("/tests/<key>/panels", methods=["POST"])
@roles_required(*TRAINERS)
def panel_create(key: str) -> Response | tuple[str, int]:
    test = _own_test(key)
    name, chosen = request.form.get("name", "")[:1000], request.form.getlist("judges")
    try:
        created = panels.create_panel(db.session, test, name, chosen, current_user, clock.now())
    except panels.FormErrors as refused:
        db.session.rollback()
        return _panels_page(test, refused.errors, name, chosen)
    except panels.PanelError:
        db.session.rollback()
        return _panels_page(test)[0], 400
    db.session.commit()
    flash(f"Panel {created.name} formed: its judges can rate the questions for round 1", "success")
    return redirect(url_for(".panel_page", panel_id=created.id))


# -- a panel ------------------------------------------------------------------------------------


@bp.route("/panels/<int:panel_id>")
@roles_required(*TRAINERS)
def panel_page(panel_id: int) -> str:
    found = _panel(panel_id)
    counts = {round_: {judge_id: len(values) for judge_id, values in panels.ratings(db.session, found, round_).items()}
              for round_ in (1, 2)}
    cuts = {round_: panels.cut_score(db.session, found, round_) for round_ in panels.finished_rounds(found)}
    figures = _figures(found.test) if cuts else None
    return render_template(
        "trainer/panel.html", title=found.name, panel=found, test=found.test, counts=counts, cuts=cuts,
        form_stats=figures.form if figures else None, me=panels.judge_of(found, current_user),
        waiting=[panels.judge_name(j) for j in panels.waiting_for(found, found.round)] if found.round else [],
        judge_name=panels.judge_name,
        applied=pass_marks.latest(db.session, found.test_id),
    )


def _judge(found: AngoffPanel) -> AngoffJudge:
    judge = panels.judge_of(found, current_user)
    if judge is None:
        abort(403)  # a trainer who is not on this panel: they may see it, not rate it
    return judge


def _ratings_page(found: AngoffPanel, judge: AngoffJudge, typed: dict[int, str] | None = None,
                  errors: dict[int, str] | None = None, problem: str | None = None) -> tuple[str, int]:
    rows = panels.rating_rows(db.session, found, judge, typed, errors,
                              _figures(found.test) if found.round == 2 else None)
    page_errors = [{"text": problem, "href": "#ratings"}] if problem else []
    page_errors += [{"text": f"Question {row.item.position}: {row.error}", "href": f"#rating-{row.item.id}"}
                    for row in rows if row.error]
    round_ = found.round or 2
    return render_template(
        "trainer/panel_ratings.html", title=f"Your ratings, round {round_}: {found.name}", panel=found,
        round=round_, rows=rows, submitted=judge.submitted(round_) is not None or found.round is None,
        page_errors=page_errors or None, dot_plot=charts.dot_plot,
    ), 400 if page_errors else 200


@bp.route("/panels/<int:panel_id>/ratings")
@roles_required(*TRAINERS)
def ratings(panel_id: int) -> tuple[str, int]:
    found = _panel(panel_id)
    return _ratings_page(found, _judge(found))


@bp.route("/panels/<int:panel_id>/ratings", methods=["POST"])
@roles_required(*TRAINERS)
def ratings_save(panel_id: int) -> Response | tuple[str, int]:
    found = _panel(panel_id)
    judge = _judge(found)
    round_ = found.round
    if round_ is None or judge.submitted(round_) is not None or str(round_) != request.form.get("round"):
        # A second click of Submit, or a page left open from a round that is over: nothing changes.
        flash("Your ratings for that round were already submitted: they have not changed.", "success")
        return redirect(url_for(".panel_page", panel_id=found.id))
    typed = {item.id: request.form[f"rating-{item.id}"][:50] for item in found.items
             if f"rating-{item.id}" in request.form}  # a box left empty clears its rating; one not sent changes nothing
    errors = panels.save_ratings(db.session, found, judge, typed, clock.now())
    db.session.commit()
    if errors:
        return _ratings_page(found, judge, typed, errors)
    if request.form.get("action") != "submit":
        flash("Your ratings are saved. You can come back to them until you submit them.", "success")
        return redirect(url_for(".ratings", panel_id=found.id))
    try:
        panels.submit(db.session, found, judge, clock.now())
    except panels.PanelError as error:
        db.session.rollback()
        return _ratings_page(found, judge, problem=str(error))
    db.session.commit()
    flash(f"Your round {round_} ratings are submitted.", "success")
    return redirect(url_for(".panel_page", panel_id=found.id))


@bp.route("/panels/<int:panel_id>/advance", methods=["POST"])
@roles_required(*TRAINERS)
def advance(panel_id: int) -> Response:
    found = _panel(panel_id)
    if request.form.get("status") != found.status:
        return redirect(url_for(".panel_page", panel_id=found.id))  # a second click: it has moved on already
    try:
        status = panels.advance(db.session, found, clock.now())
    except panels.PanelError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for(".panel_page", panel_id=found.id))
    db.session.commit()
    flash("Round 2 has started: each judge now sees the panel's round-1 spread." if status == "round2"
          else "The panel is closed: its cut score is below.", "success")
    return redirect(url_for(".panel_page", panel_id=found.id))


@bp.route("/panels/<int:panel_id>/ratings.csv")
@roles_required(*TRAINERS)
def ratings_csv(panel_id: int) -> Response:
    """Every rating of the rounds that are over (none while round 1 is open)."""
    found = _panel(panel_id)
    return Response(panels.export_csv(db.session, found), mimetype="text/csv",
                    headers={"Content-Disposition": content_disposition(f"angoff-ratings-{found.test.key}-{found.id}.csv")})


# -- applying the cut score ---------------------------------------------------------------------


def _apply_page(found: AngoffPanel, error: str | None = None) -> tuple[str, int]:
    shown = pass_marks.preview(db.session, found)
    if shown is None:
        abort(404)  # no cut score until the panel is closed
    problem = error or shown.problem
    return render_template("trainer/panel_apply.html", title=f"Apply the cut score of {found.name}", panel=found,
                           shown=shown, problem=problem, already=pass_marks.already_applied(db.session, found),
                           page_errors=[{"text": problem, "href": "#apply"}] if error else None), 400 if error else 200


@bp.route("/panels/<int:panel_id>/apply")
@roles_required(*TRAINERS)
def apply_preview(panel_id: int) -> tuple[str, int]:
    return _apply_page(_panel(panel_id))


@bp.route("/panels/<int:panel_id>/apply", methods=["POST"])
@roles_required(*TRAINERS)
def apply(panel_id: int) -> Response | tuple[str, int]:
    found = _panel(panel_id)
    if pass_marks.already_applied(db.session, found):
        flash("This panel's cut score is already the test's pass mark.", "success")  # a second click
        return redirect(url_for(".panel_page", panel_id=found.id))
    try:
        change = pass_marks.apply(db.session, found, current_user, clock.now())
    except panels.PanelError as error:
        db.session.rollback()
        return _apply_page(found, str(error))
    db.session.commit()
    flash(f"The pass mark of {found.test.title} is now {change.new_percent:g}% for attempts started from now on "
          f"(version {change.version}).", "success")
    return redirect(url_for(".panel_page", panel_id=found.id))


@bp.app_template_filter("judge_choice")
def judge_choice(user: object, chosen: list[str]) -> dict[str, object]:
    """A checkbox for a trainer on the new panel's form, ticked when chosen before."""
    value = str(user.id)  # type: ignore[attr-defined]
    return {"value": value, "text": f"{user.name} ({user.email})", "checked": value in chosen}  # type: ignore[attr-defined]
