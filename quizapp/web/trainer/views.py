"""The trainer's workspace (trainers and admins): browse and search the imported content, preview
it as candidates see it, check and import uploaded bank files, item analysis and blueprint
coverage. Thin: the work is in quizapp.services.workspace, preview, bank_upload, item_analysis and
blueprint_coverage."""

from __future__ import annotations

import io
from pathlib import Path

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from quizapp.services import (
    bank_upload,
    blueprint_coverage,
    catalogue,
    item_analysis,
    preview,
    workspace,
)
from quizapp.web import clock
from quizapp.domain import item_stats
from ..auth_session import roles_required
from ..extensions import db
from quizapp.data.models import Framework, Statement, TestForm
from . import bp

TRAINERS = ("trainer", "admin")


@bp.route("/")
@roles_required(*TRAINERS)
def home() -> str:
    frameworks = db.session.execute(
        select(Framework, func.count(Statement.id))
        .outerjoin(Statement, Statement.framework_id == Framework.id)
        .group_by(Framework.id)
        .order_by(Framework.level, Framework.key)
    ).all()
    return render_template(
        "trainer/home.html",
        title="Question banks",
        frameworks=frameworks,
        banks=catalogue.bank_summaries(db.session),
        levels=catalogue.tests_by_level(db.session),
    )


# -- browsing ---------------------------------------------------------------------------------------


@bp.route("/frameworks/<key>")
@roles_required(*TRAINERS)
def framework(key: str) -> str:
    fw = workspace.framework(db.session, key) or abort(404)
    return render_template(
        "trainer/framework.html",
        title=fw.title,
        framework=fw,
        statements=workspace.statement_coverage(db.session, fw),
        banks=workspace.banks_of(db.session, fw),
        tests=workspace.tests_of(db.session, fw),
    )


@bp.route("/banks/<key>")
@roles_required(*TRAINERS)
def bank(key: str) -> str:
    detail = workspace.bank(db.session, key) or abort(404)
    return render_template("trainer/bank.html", title=detail.bank.title, detail=detail)


@bp.route("/scenarios/<key>")
@roles_required(*TRAINERS)
def scenario(key: str) -> str:
    block = workspace.scenario(db.session, key) or abort(404)
    return render_template("trainer/scenario.html", title=f"Case scenario: {block.scenario.title}", block=block)


@bp.route("/items/<key>")
@roles_required(*TRAINERS)
def item(key: str) -> str:
    detail = workspace.item(db.session, key) or abort(404)
    return render_template(
        "trainer/item.html",
        title=f"Item {detail.item.key}",
        detail=detail,
        tests=workspace.tests_with_attempts_at(db.session, [v.version.id for v in detail.versions]),
    )


@bp.route("/tests/<key>")
@roles_required(*TRAINERS)
def test(key: str) -> str:
    form = _test_or_404(key)
    return render_template("trainer/test.html", title=form.title, test=form,
                           summary=catalogue.test_summary(db.session, form))


@bp.route("/search")
@roles_required(*TRAINERS)
def search() -> str:
    args = request.args
    page = args.get("page", "1")
    query = workspace.SearchQuery(
        text=args.get("q", "").strip()[:200],
        item_id=args.get("id", "").strip()[:80],
        statement=args.get("statement", "").strip()[:20],
        section=args.get("section", "") if args.get("section") in workspace.SECTIONS else "",
        type=args.get("type", "") if args.get("type") in workspace.TYPES else "",
        framework=args.get("framework", "").strip()[:80],
        retired=args.get("retired") == "1",
        page=int(page) if page.isdigit() and 0 < int(page) < 10_000 else 1,
    )
    result = None if query.empty else workspace.search(db.session, query)
    return render_template("trainer/search.html", title="Search items", query=query, result=result,
                           frameworks=workspace.framework_keys(db.session))


def _test_or_404(key: str) -> TestForm:
    form = db.session.scalar(select(TestForm).where(TestForm.key == key))
    if form is None:
        abort(404)
    return form


# -- previews ---------------------------------------------------------------------------------------


def _seed() -> tuple[int, bool]:
    """The seed asked for (replaying a draw), or a fresh one; and whether it was asked for."""
    try:
        seed = preview.parse_seed(request.args.get("seed"))
    except ValueError:
        abort(400)
    return (seed, True) if seed is not None else (preview.new_seed(), False)


@bp.route("/items/<key>/preview")
@roles_required(*TRAINERS)
def item_preview(key: str) -> tuple[str, int]:
    number = request.args.get("version", "")
    found = preview.item_version(db.session, key, int(number) if number.isdigit() else None)
    if found is None:
        abort(404)
    item_row, version = found
    seed, _replay = _seed()
    order = preview.parse_order(request.args.get("order"), len(version.options)) or preview.order_for(version, seed)
    question = preview.PreviewQuestion(version, order, section=version.section, item_key=item_row.key)
    answered = "check" in request.args
    shown = preview.answer(question, request.args) if answered else preview.shown(question)
    status = 400 if shown.error else 200
    return render_template(
        "trainer/item_preview.html",
        title=f"Preview of item {item_row.key}",
        item=item_row,
        version=version,
        seed=seed,
        order=",".join(str(i) for i in order),
        shown=shown,
        answered=answered and not shown.error,
        page_errors=[{"text": shown.error, "href": f"#{shown.view.first_input_id}"}] if shown.error else None,
    ), status


@bp.route("/scenarios/<key>/preview")
@roles_required(*TRAINERS)
def scenario_preview(key: str) -> str:
    block = workspace.scenario(db.session, key) or abort(404)
    seed, _replay = _seed()
    questions = preview.scenario_questions([(row.item.key, row.version) for row in block.items], seed,
                                           scenario_key=block.scenario.key)
    return render_template("trainer/form_preview.html", title=f"Preview of case scenario {block.scenario.key}",
                           caption=block.scenario.title, seed=seed, shown=[preview.shown(q) for q in questions],
                           error=None, replay_url=url_for(".scenario_preview", key=key, seed=seed),
                           fresh_url=url_for(".scenario_preview", key=key))


@bp.route("/tests/<key>/preview")
@roles_required(*TRAINERS)
def test_preview(key: str) -> str:
    form = _test_or_404(key)
    seed, _replay = _seed()
    drawn = preview.form_for_test(db.session, form, seed)
    return render_template("trainer/form_preview.html", title=f"Preview of {form.title}", caption=form.key,
                           seed=seed, shown=[preview.shown(q) for q in drawn.questions], error=drawn.error,
                           replay_url=url_for(".test_preview", key=key, seed=seed),
                           fresh_url=url_for(".test_preview", key=key))


# -- item analysis and coverage ---------------------------------------------------------------------


_CACHE: dict[tuple, item_analysis.TestAnalysis] = {}
_CACHE_SIZE = 16


def _analysis(form: TestForm, all_attempts: bool) -> item_analysis.TestAnalysis:
    """The analysis, kept per process until an attempt at the test ends or is re-marked."""
    minimum = int(current_app.config.get("STATS_MIN_SAMPLE", item_stats.DEFAULT_MIN_SAMPLE))
    ids = item_analysis.attempt_ids(db.session, form, all_attempts)
    fingerprint = item_analysis.fingerprint(db.session, ids)
    key = (current_app.config["DATABASE_URL"], form.id, all_attempts, minimum, fingerprint)
    result = _CACHE.get(key)
    if result is None:
        result = item_analysis.analyse_test(db.session, form, all_attempts=all_attempts, min_sample=minimum)
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = result
    result.test = form
    return result


@bp.route("/tests/<key>/statistics")
@roles_required(*TRAINERS)
def statistics(key: str) -> str:
    form = _test_or_404(key)
    all_attempts = request.args.get("attempts") == "all"
    sort = request.args.get("sort", "flags")
    sort = sort if sort in item_analysis.SORTS else "flags"
    result = _analysis(form, all_attempts)
    return render_template("trainer/statistics.html", title=f"Item analysis: {form.title}", test=form, result=result,
                           items=item_analysis.sorted_items(result, sort), sort=sort, all_attempts=all_attempts,
                           interval_level=int(item_stats.INTERVAL_LEVEL * 100), resamples=item_stats.DEFAULT_RESAMPLES)


@bp.route("/tests/<key>/statistics.csv")
@roles_required(*TRAINERS)
def statistics_csv(key: str) -> Response:
    form = _test_or_404(key)
    result = _analysis(form, request.args.get("attempts") == "all")
    out = io.StringIO()
    item_analysis.write_csv([result], out)
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="item-analysis-{form.key}.csv"'})


@bp.route("/tests/<key>/coverage")
@roles_required(*TRAINERS)
def coverage(key: str) -> str:
    form = _test_or_404(key)
    result = blueprint_coverage.for_test(db.session, form)
    titles = {s.code: s.title for s in db.session.scalars(select(Statement))}
    return render_template("trainer/coverage.html", title=f"Blueprint coverage: {form.title}", test=form,
                           coverage=result, statement_titles=titles)


# -- uploads -----------------------------------------------------------------------------------------


def _store() -> bank_upload.UploadStore:
    return bank_upload.UploadStore(Path(current_app.instance_path) / "bank-uploads")


def _banks_dir() -> Path:
    return Path(current_app.config["BANKS_PATH"])


@bp.route("/upload", methods=["GET"])
@roles_required(*TRAINERS)
def upload() -> str:
    return render_template("trainer/upload.html", title="Check and import bank files", banks_dir=_banks_dir().name,
                           max_files=bank_upload.MAX_FILES)


@bp.route("/upload", methods=["POST"])
@roles_required(*TRAINERS)
def upload_post() -> Response | tuple[str, int]:
    files = [(f.filename or "", f.read(bank_upload.MAX_FILE_BYTES + 1)) for f in request.files.getlist("files") if f.filename]
    try:
        stored = _store().save(current_user.id, files, clock.now())
    except bank_upload.UploadError as error:
        return render_template("trainer/upload.html", title="Check and import bank files", banks_dir=_banks_dir().name,
                               max_files=bank_upload.MAX_FILES, error=str(error),
                               page_errors=[{"text": str(error), "href": "#files"}]), 400
    return redirect(url_for(".upload_result", token=stored.token))


def _own_upload(token: str) -> bank_upload.Upload:
    stored = _store().get(token, current_user.id, clock.now())
    if stored is None:
        abort(404)
    return stored


@bp.route("/uploads/<token>")
@roles_required(*TRAINERS)
def upload_result(token: str) -> str:
    stored = _own_upload(token)
    result = bank_upload.check(stored, _banks_dir())
    bank_upload.preview_import(db.session, result)
    return render_template("trainer/upload_result.html", title="Your bank files", upload=stored, result=result,
                           banks_dir=_banks_dir().name)


@bp.route("/uploads/<token>/import", methods=["POST"])
@roles_required(*TRAINERS)
def upload_import(token: str) -> Response | str:
    stored = _own_upload(token)
    result = bank_upload.check(stored, _banks_dir())  # the folder or the database may have changed since
    report = bank_upload.run_import(db.session, result, by=current_user)
    if report is None:
        db.session.rollback()
        return render_template("trainer/upload_result.html", title="Your bank files", upload=stored, result=result,
                               banks_dir=_banks_dir().name, import_failed=True)
    db.session.commit()
    _store().discard(stored)
    flash(f"Imported: {report.summary()}", "success")
    return redirect(url_for(".home"))


@bp.app_template_filter("search_option")
def search_option(value: str, selected: str) -> dict[str, object]:
    """A select option for the search form, selected when it is the current choice."""
    return {"value": value, "text": value, "selected": value == selected}
