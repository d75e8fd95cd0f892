"""The cohort pages, shared by the employer (their own organisation) and the administrator (any
organisation): each blueprint decides which organisation and candidate may be shown, then calls
these with the links that fit it. Thin: parse the request, call quizapp.services.cohort, render."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from flask import Response, abort, render_template, request

from quizapp.web import charts, clock
from quizapp.services import cohort, cohort_export, exports, framework_choice, not_started, organisations, readiness
from ..extensions import db
from quizapp.data.models import Membership, Organisation, TestForm, User
from . import filters


@dataclass(frozen=True)
class Links:
    dashboard: Callable[..., str]  # the dashboard with these query arguments
    export: Callable[..., str]  # (fmt, **query)
    candidate: Callable[[int], str]
    extra_time: Callable[[int], str]
    change_team: Callable[[int], str] | None = None  # where the team form posts (employer only)
    not_started: Callable[..., str] | None = None  # who has not started the chosen test (employer only)


def _filters(organisation: Organisation) -> tuple[cohort.CohortFilter, filters.FilterForm, list[cohort.LevelChoice], list]:
    levels = cohort.choices_of_tests(db.session, organisation.id)
    teams = organisations.teams_of(db.session, organisation.id)
    try:
        f, form = filters.parse(request.args, organisation.id, levels, teams)
    except filters.UnknownTeam:
        abort(404)  # another organisation's team, or no team at all: never a peek
    return f, form, levels, teams


def _framework(f: cohort.CohortFilter, form: filters.FilterForm) -> tuple[cohort.CohortFilter, framework_choice.FrameworkChoice]:
    """The framework the selection's statements are read against (the query's `framework`, else
    the one current today), kept in the form so that links and exports carry it."""
    choice = framework_choice.choose(db.session, cohort.result_frameworks(db.session, f), request.args.get("framework"),
                                     clock.today())
    form.framework = choice.chosen_key if choice.offered else ""
    return replace(f, framework_ids=choice.shown_ids), choice


def dashboard_page(organisation: Organisation, links: Links, title: str, caption: str | None = None) -> str:
    f, form, levels, teams = _filters(organisation)
    f, choice = _framework(f, form)
    bins = cohort.distribution(db.session, f)
    waiting = None  # how many candidates of the selection have no result at the chosen test
    if links.not_started is not None and f.test_id is not None:
        waiting = len(not_started.not_started(db.session, organisation.id, f.test_id, f.team_id))
    periods = cohort.pass_rate_over_time(db.session, f)
    test = db.session.get(TestForm, f.test_id) if f.test_id is not None else None
    ready = readiness.for_organisation(db.session, organisation.id, test, f.team_id) if test is not None else None
    return render_template(
        "employer/dashboard.html",
        title=title,
        caption=caption,
        organisation=organisation,
        filters=form,
        which_choices=cohort.WHICH,
        levels=levels,
        teams=teams,
        headline=cohort.headline(db.session, f),
        heatmap=cohort.heatmap(db.session, f),
        bins=bins,
        periods=periods,
        distribution_chart=charts.score_distribution(bins),
        pass_rate_chart=charts.pass_rate_over_time(periods),
        small_group=cohort.SMALL_GROUP,
        links=links,
        page_errors=form.page_errors,
        not_started_count=waiting,
        readiness=ready,
        framework=choice,
    )


def not_started_page(organisation: Organisation, links: Links) -> str:
    """The candidates of the chosen team (or all) with no result at the chosen test. A test that
    is not one of the list, or another organisation's, is a 404."""
    f, form, _levels, _teams = _filters(organisation)
    if "test" in form.errors:
        abort(404)
    test = db.session.get(TestForm, f.test_id) if f.test_id is not None else None
    if test is not None and test.organisation_id not in (None, organisation.id):
        abort(404)
    people = not_started.not_started(db.session, organisation.id, test.id, f.team_id) if test is not None else []
    return render_template(
        "employer/not_started.html",
        title=f"Not started: {test.title}" if test is not None else "Not started",
        organisation=organisation,
        test=test,
        filters=form,
        people=people,
        links=links,
    )


def export_response(organisation: Organisation, fmt: str) -> Response:
    f, form, _levels, _teams = _filters(organisation)
    f, choice = _framework(f, form)
    table = cohort_export.export_table(db.session, f)
    name = exports.filename(organisation.name, form.selection, clock.now().astimezone(filters.UK).date(), fmt,
                            team=form.team_label, which=form.which, date_from=form.date_from, date_to=form.date_to,
                            framework=form.framework)
    if fmt == "csv":
        data, mimetype = exports.csv_bytes(table), "text/csv"
    else:
        data = exports.xlsx_bytes(table, sheet_title=form.selection)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"  # personal data: never kept in a shared cache
    return response


def candidate_page(organisation: Organisation, candidate: User, membership: Membership, links: Links,
                   history_since: datetime | None) -> str:
    """A candidate's attempts and statement profile (of the framework chosen as on the cohort
    page): their own results only (the filter names them), and only what their organisation may
    see."""
    f = cohort.CohortFilter(organisation_id=organisation.id, candidate_id=candidate.id, which="all")
    f, choice = _framework(f, filters.FilterForm())
    return render_template(
        "employer/candidate.html",
        title=candidate.name,
        organisation=organisation,
        candidate=candidate,
        membership=membership,
        teams=organisations.teams_of(db.session, organisation.id),
        attempts=cohort.attempt_lines(db.session, f),
        profile=cohort.statement_profile(db.session, f),
        bands=cohort.bands_for(db.session, f),
        history=organisations.extra_time_history(db.session, candidate.id, since=history_since),
        links=links,
        framework=choice,
    )
