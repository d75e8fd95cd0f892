"""The trainer's workspace (trainers and admins): browse and search the imported content, preview
it as candidates see it, check and import uploaded bank
files, retire, restore and delete web banks, item analysis and blueprint coverage. Thin: the work
is in quizapp.services.workspace, preview, bank_upload, web_content, item_analysis
and blueprint_coverage. Items and tests are retired and restored in manage.py; banks and tests
are downloaded (Moodle XML, YAML) in downloads.py."""

from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import quote

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from quizapp.services import (
    bank_upload,
    blueprint_coverage,
    catalogue,
    item_analysis,
    ownership,
    pass_marks,
    preview,
    web_content,
    workspace,
)
from quizapp.web import clock
from quizapp.domain import item_stats
from quizapp.domain.standards import framework_status
from ..auth_session import roles_required
from ..url_converters import as_row_id
from ..extensions import db
from quizapp.data.models import Bank, Framework, Statement, TestForm, User, WebUpload
from quizapp.services.calibration import MIN_ATTEMPTS as MIN_CALIBRATION_ATTEMPTS
from . import bp

TRAINERS = ("trainer", "admin")


def _scope() -> ownership.Scope:
    """What the signed-in trainer sees: the service's content and their organisation's (admins: all)."""
    return ownership.scope_of(current_user)


@bp.route("/")
@roles_required(*TRAINERS)
def home() -> str:
    frameworks = db.session.execute(
        select(Framework, func.count(Statement.id))
        .outerjoin(Statement, Statement.framework_id == Framework.id)
        .where(_scope().where(Framework.organisation_id))
        .group_by(Framework.id)
        .order_by(Framework.level, Framework.key)
    ).all()
    today = clock.today()
    return render_template(
        "trainer/home.html",
        title="Question banks",
        frameworks=[(fw, count, framework_status(fw.effective_from, fw.superseded_on, today))
                    for fw, count in frameworks],
        banks=catalogue.bank_summaries(db.session, _scope()),
        levels=catalogue.tests_by_level(db.session, _scope()),
    )


# -- browsing ---------------------------------------------------------------------------------------


@bp.route("/frameworks/<key>")
@roles_required(*TRAINERS)
def framework(key: str) -> str:
    fw = workspace.framework(db.session, key, _scope()) or abort(404)
    return render_template(
        "trainer/framework.html",
        title=fw.title,
        framework=fw,
        status=framework_status(fw.effective_from, fw.superseded_on, clock.today()),
        standards={standard["code"]: standard for standard in fw.standards},
        replaces=workspace.framework(db.session, fw.replaces, _scope()) if fw.replaces else None,
        statements=workspace.statement_coverage(db.session, fw, _scope()),
        banks=workspace.banks_of(db.session, fw, _scope()),
        tests=workspace.tests_of(db.session, fw, _scope()),
    )


@bp.route("/banks/<key>")
@roles_required(*TRAINERS)
def bank(key: str) -> str:
    detail = workspace.bank(db.session, key, _scope()) or abort(404)
    return render_template("trainer/bank.html", title=detail.bank.title, detail=detail,
                           manageable=web_content.manageable(detail.bank, _scope()))


def _managed_bank(key: str) -> Bank:
    found = db.session.scalar(select(Bank).where(Bank.key == key))
    if found is None or not _scope().sees(found.organisation_id):
        abort(404)
    if not web_content.manageable(found, _scope()):
        abort(403)  # the folder's banks change in the folder; another owner's are not yours
    return found


@bp.route("/banks/<key>/retire", methods=["POST"])
@roles_required(*TRAINERS)
def bank_retire(key: str) -> Response:
    found = _managed_bank(key)
    web_content.set_retired(db.session, found, True, clock.now(), current_user)
    db.session.commit()
    flash(f"Bank {found.title} retired: no new attempt draws its questions", "success")
    return redirect(url_for(".bank", key=key))


@bp.route("/banks/<key>/restore", methods=["POST"])
@roles_required(*TRAINERS)
def bank_restore(key: str) -> Response:
    found = _managed_bank(key)
    web_content.set_retired(db.session, found, False, clock.now(), current_user)
    db.session.commit()
    flash(f"Bank {found.title} restored: new attempts draw its questions again", "success")
    return redirect(url_for(".bank", key=key))


@bp.route("/banks/<key>/delete", methods=["GET", "POST"])
@roles_required(*TRAINERS)
def bank_delete(key: str) -> Response | tuple[str, int]:
    found = _managed_bank(key)
    shown = web_content.times_shown(db.session, found)
    if request.method == "POST" and not shown:
        title = found.title
        web_content.delete_bank(db.session, found)
        db.session.commit()
        flash(f"Bank {title} deleted", "success")
        return redirect(url_for(".home"))
    return render_template("trainer/bank_delete.html", title=f"Delete {found.title}", bank=found,
                           shown=shown), 400 if request.method == "POST" else 200


@bp.route("/scenarios/<key>")
@roles_required(*TRAINERS)
def scenario(key: str) -> str:
    block = workspace.scenario(db.session, key, _scope()) or abort(404)
    return render_template("trainer/scenario.html", title=f"Case scenario: {block.scenario.title}", block=block)


@bp.route("/items/<key>")
@roles_required(*TRAINERS)
def item(key: str) -> str:
    detail = workspace.item(db.session, key, _scope()) or abort(404)
    return render_template(
        "trainer/item.html",
        title=f"Item {detail.item.key}",
        detail=detail,
        tests=[t for t in workspace.tests_with_attempts_at(db.session, [v.version.id for v in detail.versions])
               if _scope().sees(t.organisation_id)],
        manageable=web_content.item_manageable(detail.item, _scope()),
    )


@bp.route("/tests/<key>")
@roles_required(*TRAINERS)
def test(key: str) -> str:
    form = _test_or_404(key)
    return render_template("trainer/test.html", title=form.title, test=form,
                           summary=catalogue.test_summary(db.session, form),
                           manageable=web_content.test_manageable(form, _scope()),
                           problem=None if form.retired_at else web_content.draw_problem(db.session, form),
                           sets_standard=ownership.manages(_scope(), form.organisation_id),
                           pass_mark_set=pass_marks.latest(db.session, form.id),
                           stale_cut=pass_marks.stale_cut(db.session, form.id))


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
    result = None if query.empty else workspace.search(db.session, query, _scope())
    return render_template("trainer/search.html", title="Search items", query=query, result=result,
                           frameworks=workspace.framework_keys(db.session, _scope()))


def _test_or_404(key: str) -> TestForm:
    form = workspace.test(db.session, key, _scope())
    if form is None:
        abort(404)  # no such test, or another organisation's
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
    found = preview.item_version(db.session, key, as_row_id(number))
    if found is None or not _scope().sees(found[0].bank.organisation_id):
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
    block = workspace.scenario(db.session, key, _scope()) or abort(404)
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
    calibration, calibrated = item_analysis.latest_calibration(db.session, form)
    return render_template("trainer/statistics.html", title=f"Item analysis: {form.title}", test=form, result=result,
                           calibration=calibration, calibrated=calibrated, min_attempts=MIN_CALIBRATION_ATTEMPTS,
                           items=item_analysis.sorted_items(result, sort), sort=sort, all_attempts=all_attempts,
                           interval_level=int(item_stats.INTERVAL_LEVEL * 100))


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


# -- uploads: drafts, checked, previewed and published ------------------------------------------------


def _banks_dir() -> Path:
    return Path(current_app.config["BANKS_PATH"])


def content_disposition(name: str) -> str:
    """An attachment header keeping the trainer's own file name (RFC 6266, with an ASCII fallback)."""
    fallback = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "bank.yaml"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"


def _upload_page(error: str | None = None, status: int = 200) -> tuple[str, int]:
    return render_template("trainer/upload.html", title="Upload bank files", banks_dir=_banks_dir().name,
                           max_files=bank_upload.MAX_FILES, uploads=bank_upload.uploads_of(db.session, _scope()),
                           error=error, page_errors=[{"text": error, "href": "#files"}] if error else None), status


@bp.route("/upload", methods=["GET"])
@roles_required(*TRAINERS)
def upload() -> tuple[str, int]:
    return _upload_page()


@bp.route("/upload", methods=["POST"])
@roles_required(*TRAINERS)
def upload_post() -> Response | tuple[str, int]:
    files = [(f.filename or "", f.read(bank_upload.MAX_FILE_BYTES + 1)) for f in request.files.getlist("files") if f.filename]
    try:
        stored = bank_upload.save(db.session, current_user, ownership.owner_for(current_user), files, clock.now())
    except bank_upload.UploadError as error:
        db.session.rollback()
        return _upload_page(str(error), 400)
    db.session.commit()
    return redirect(url_for(".upload_result", token=stored.token))


def _own_upload(token: str) -> WebUpload:
    stored = bank_upload.get(db.session, token, _scope())
    if stored is None:
        abort(404)  # no such upload, or another owner's
    return stored


def _result_page(stored: WebUpload, result: bank_upload.UploadCheck, publish_failed: bool = False) -> str:
    people = {u.id: u.name for u in db.session.scalars(
        select(User).where(User.id.in_([i for i in (stored.uploaded_by_id, stored.published_by_id) if i])))}
    return render_template("trainer/upload_result.html", title="Your bank files", upload=stored, result=result,
                           banks_dir=_banks_dir().name, people=people, publish_failed=publish_failed)


@bp.route("/uploads/<token>")
@roles_required(*TRAINERS)
def upload_result(token: str) -> str:
    stored = _own_upload(token)
    return _result_page(stored, bank_upload.check(db.session, stored, _banks_dir()))


@bp.route("/uploads/<token>/publish", methods=["POST"])
@roles_required(*TRAINERS)
def upload_publish(token: str) -> Response | str:
    stored = _own_upload(token)
    result, report = bank_upload.publish(db.session, stored, _banks_dir(), current_user, clock.now())
    if report is None:
        db.session.rollback()
        return _result_page(stored, result, publish_failed=True)
    db.session.commit()
    flash(f"Published: {report.summary()}", "success")
    return redirect(url_for(".upload_result", token=token))


@bp.route("/uploads/<token>/discard", methods=["POST"])
@roles_required(*TRAINERS)
def upload_discard(token: str) -> Response:
    stored = _own_upload(token)
    bank_upload.discard(stored)
    db.session.commit()
    flash("The draft was discarded: nothing from it was published.", "success")
    return redirect(url_for(".upload"))


def _draft_check(token: str) -> tuple[WebUpload, bank_upload.UploadCheck]:
    stored = _own_upload(token)
    result = bank_upload.check(db.session, stored, _banks_dir())
    if result.import_set is None or result.context is None:
        abort(404)  # nothing to preview until the files are valid
    return stored, result


@bp.route("/uploads/<token>/preview")
@roles_required(*TRAINERS)
def draft_preview(token: str) -> str:
    """Every question of a draft's banks, as candidates would see them."""
    stored, result = _draft_check(token)
    seed, _replay = _seed()
    assert result.import_set is not None
    questions = preview.draft_questions(result.import_set, seed)
    return render_template("trainer/form_preview.html", title="Preview of the draft's questions", caption="Draft",
                           seed=seed, shown=[preview.shown(q) for q in questions], error=None, draft=True,
                           draft_url=url_for(".upload_result", token=token),
                           replay_url=url_for(".draft_preview", token=token, seed=seed),
                           fresh_url=url_for(".draft_preview", token=token))


@bp.route("/uploads/<token>/tests/<key>/preview")
@roles_required(*TRAINERS)
def draft_test_preview(token: str, key: str) -> str:
    """A form of a draft test, drawn with a seed as it would be once published."""
    stored, result = _draft_check(token)
    assert result.import_set is not None and result.context is not None
    test = result.import_set.tests.get(key) or abort(404)
    seed, _replay = _seed()
    questions, error = preview.draft_form(result.context, test, seed)
    return render_template("trainer/form_preview.html", title=f"Preview of {test.title}", caption=f"{key} (draft)",
                           seed=seed, shown=[preview.shown(q) for q in questions], error=error, draft=True,
                           draft_url=url_for(".upload_result", token=token),
                           replay_url=url_for(".draft_test_preview", token=token, key=key, seed=seed),
                           fresh_url=url_for(".draft_test_preview", token=token, key=key))


@bp.route("/uploads/<token>/files/<int:number>")
@roles_required(*TRAINERS)
def upload_file(token: str, number: int) -> Response:
    """One uploaded file, as it was sent (YAML, ready to commit)."""
    stored = _own_upload(token)
    if not 1 <= number <= len(stored.files):
        abort(404)
    entry = stored.files[number - 1]
    return Response(entry["text"], mimetype="application/yaml",
                    headers={"Content-Disposition": content_disposition(entry["name"])})


@bp.app_template_filter("search_option")
def search_option(value: str, selected: str) -> dict[str, object]:
    """A select option for the search form, selected when it is the current choice."""
    return {"value": value, "text": value, "selected": value == selected}
