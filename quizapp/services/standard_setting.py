"""Modified Angoff panels on the database, no Flask: forming a panel on a fixed test form, each
judge's ratings (saved as they go, submitted once per round), moving through the rounds, the
round-1 spread and item facility shown in round 2, the cut score of a finished round, and the
ratings as CSV. The arithmetic is in quizapp.domain.standard_setting; applying a cut score to the
test is in pass_marks.py. See docs/readiness.md.

Who: a panel belongs to its test's owner. Only that owner's trainers (the service's trainers for
a service test, an organisation's for its own) and admins see it (`ownership.manages`); its
judges are that owner's trainers, and only a judge rates, each seeing their own ratings alone
until round 1 is over.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from quizapp.data.models import (
    AngoffJudge,
    AngoffPanel,
    AngoffPanelItem,
    AngoffRating,
    Item,
    ItemVersion,
    Membership,
    TestForm,
    User,
)
from quizapp.domain import item_stats
from quizapp.domain import standard_setting as rules

from . import item_analysis, ownership

MIN_JUDGES = 2
NAME_MAX = 200


class PanelError(Exception):
    """What cannot be done, in words for the trainer."""


class FormErrors(Exception):
    """Fields of a form that are wrong: {field: message}; nothing was written."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


DRAWN_TEST = ("This test draws its questions afresh for each attempt, so it has no fixed form for judges to "
              "rate. Standard setting needs a test whose sections list their items (a fixed mock form).")


# -- forming a panel ------------------------------------------------------------------------------


def form_of(session: Session, test: TestForm) -> list[tuple[Item, ItemVersion]] | None:
    """The fixed form's items with their current versions, in the form's order; None for a drawn
    test. Raises PanelError when an item of the form no longer exists or is retired."""
    keys = rules.fixed_items(test.blueprint)
    if keys is None:
        return None
    items = {item.key: item for item in session.scalars(
        select(Item).where(Item.key.in_(keys)).options(selectinload(Item.current_version)))}
    missing = [key for key in keys if key not in items or items[key].current_version is None
               or items[key].retired_at is not None]
    if missing:
        raise PanelError(f"The form cannot be rated now: {', '.join(missing)} is no longer available.")
    return [(items[key], items[key].current_version) for key in keys]  # type: ignore[misc]


def eligible_judges(session: Session, owner_id: int | None) -> list[User]:
    """The trainers of the test's owner who can sign in: the service's (in no organisation) for a
    service test, the organisation's own for its test."""
    current = select(Membership.user_id, Membership.organisation_id).where(Membership.left_at.is_(None)).subquery()
    query = (select(User).outerjoin(current, current.c.user_id == User.id)
             .where(User.role == "trainer", User.disabled_at.is_(None), User.erased_at.is_(None))
             .order_by(User.name, User.email))
    if owner_id is None:
        query = query.where(current.c.organisation_id.is_(None))
    else:
        query = query.where(current.c.organisation_id == owner_id)
    return list(session.scalars(query))


def create_panel(session: Session, test: TestForm, name: str, judge_ids: list[str], by: User,
                 now: datetime) -> AngoffPanel:
    """Form a panel on the test's fixed form as it is now. Raises PanelError for a drawn test and
    FormErrors for a missing name or too few judges of the test's owner."""
    form = form_of(session, test)
    if form is None:
        raise PanelError(DRAWN_TEST)
    errors: dict[str, str] = {}
    name = name.strip()
    if not name:
        errors["name"] = "Enter a name for the panel, such as the month it meets"
    elif len(name) > NAME_MAX:
        errors["name"] = f"The name must be {NAME_MAX} characters or fewer"
    eligible = {str(user.id): user for user in eligible_judges(session, test.organisation_id)}
    chosen = [eligible[i] for i in dict.fromkeys(judge_ids) if i in eligible]
    if len(chosen) != len(set(judge_ids)):
        errors["judges"] = "Choose judges from the list: each must be a trainer of this test's owner"
    elif len(chosen) < MIN_JUDGES:
        errors["judges"] = f"Choose at least {MIN_JUDGES} judges: the spread of their ratings is part of the result"
    if errors:
        raise FormErrors(errors)
    panel = AngoffPanel(name=name, test_id=test.id, test_hash=test.content_hash, status="round1",
                        created_by_id=by.id, created_at=now)
    panel.items = [AngoffPanelItem(position=n, item_id=item.id, item_version_id=version.id,
                                   max_marks=rules.ITEM_MAX_MARKS)
                   for n, (item, version) in enumerate(form, start=1)]
    panel.judges = [AngoffJudge(user_id=user.id) for user in chosen]
    session.add(panel)
    session.flush()
    return panel


def panels_of(session: Session, test: TestForm) -> list[AngoffPanel]:
    return list(session.scalars(select(AngoffPanel).where(AngoffPanel.test_id == test.id)
                                .order_by(AngoffPanel.created_at.desc(), AngoffPanel.id.desc())))


def panel(session: Session, panel_id: int, scope: ownership.Scope) -> AngoffPanel | None:
    """The panel, when the person with `scope` manages its test (else None: 404)."""
    found = session.scalar(select(AngoffPanel).where(AngoffPanel.id == panel_id)
                           .options(selectinload(AngoffPanel.test), selectinload(AngoffPanel.judges)
                                    .selectinload(AngoffJudge.user)))
    if found is None or not ownership.manages(scope, found.test.organisation_id):
        return None
    return found


def judge_of(found: AngoffPanel, user: User) -> AngoffJudge | None:
    return next((judge for judge in found.judges if judge.user_id == user.id), None)


# -- ratings --------------------------------------------------------------------------------------


def ratings(session: Session, found: AngoffPanel, round_: int) -> dict[int, dict[int, int]]:
    """{judge id: {panel item id: rating}} for a round."""
    out: dict[int, dict[int, int]] = {judge.id: {} for judge in found.judges}
    for judge_id, item_id, value in session.execute(
        select(AngoffRating.judge_id, AngoffRating.panel_item_id, AngoffRating.rating)
        .join(AngoffJudge, AngoffJudge.id == AngoffRating.judge_id)
        .where(AngoffJudge.panel_id == found.id, AngoffRating.round == round_)
    ):
        out.setdefault(judge_id, {})[item_id] = value
    return out


def _open_round(found: AngoffPanel, judge: AngoffJudge) -> int:
    round_ = found.round
    if round_ is None:
        raise PanelError("This panel is closed: its ratings can no longer change.")
    if judge.submitted(round_) is not None:
        raise PanelError(f"You have submitted your round {round_} ratings: they can no longer change.")
    return round_


def save_ratings(session: Session, found: AngoffPanel, judge: AngoffJudge, typed: Mapping[int, str],
                 now: datetime) -> dict[int, str]:
    """Store the judge's ratings for the current round as typed ({panel item id: text}): each valid
    one is saved (a blank one clears that item's rating); each bad one is left as it was stored,
    and returned as {panel item id: message}. Raises PanelError once the judge has submitted."""
    round_ = _open_round(found, judge)
    known = {item.id for item in found.items}
    stored = {row.panel_item_id: row for row in session.scalars(
        select(AngoffRating).where(AngoffRating.judge_id == judge.id, AngoffRating.round == round_))}
    errors: dict[int, str] = {}
    for item_id, text in typed.items():
        if item_id not in known:
            continue
        value, error = rules.parse_rating(text)
        if error is not None:
            errors[item_id] = error
        elif value is None:
            if item_id in stored:
                session.execute(delete(AngoffRating).where(AngoffRating.id == stored[item_id].id))
        elif item_id in stored:
            if stored[item_id].rating != value:
                stored[item_id].rating = value
                stored[item_id].updated_at = now
        else:
            session.add(AngoffRating(judge_id=judge.id, panel_item_id=item_id, round=round_, rating=value,
                                     updated_at=now))
    session.flush()
    return errors


def submit(session: Session, found: AngoffPanel, judge: AngoffJudge, now: datetime) -> None:
    """Submit the judge's ratings for the current round: every item must be rated."""
    round_ = _open_round(found, judge)
    rated = ratings(session, found, round_).get(judge.id, {})
    missing = [item.position for item in found.items if item.id not in rated]
    if missing:
        raise PanelError(f"Rate every question before you submit: {len(missing)} of {len(found.items)} "
                         f"{'is' if len(missing) == 1 else 'are'} not rated yet (question "
                         f"{', '.join(str(n) for n in missing[:10])}{' ...' if len(missing) > 10 else ''}).")
    if round_ == 1:
        judge.round1_submitted_at = now
    else:
        judge.round2_submitted_at = now
    session.flush()


def waiting_for(found: AngoffPanel, round_: int) -> list[AngoffJudge]:
    return [judge for judge in found.judges if judge.submitted(round_) is None]


def advance(session: Session, found: AngoffPanel, now: datetime) -> str:
    """Round 1 to round 2, or round 2 to closed, once every judge has submitted the round. Returns
    the new status; raises PanelError naming who has not submitted."""
    round_ = found.round
    if round_ is None:
        raise PanelError("This panel is already closed.")
    waiting = waiting_for(found, round_)
    if waiting:
        raise PanelError(f"Every judge must submit round {round_} first: waiting for "
                         f"{', '.join(judge_name(j) for j in waiting)}.")
    if round_ == 1:
        found.status, found.round2_at = "round2", now
    else:
        found.status, found.closed_at = "closed", now
    session.flush()
    return found.status


def judge_name(judge: AngoffJudge) -> str:
    return judge.user.name if judge.user is not None else "A judge whose account was deleted"


# -- results --------------------------------------------------------------------------------------


def finished_rounds(found: AngoffPanel) -> list[int]:
    """The rounds that are over (their ratings may be shown to the panel and exported)."""
    return {"round1": [], "round2": [1], "closed": [1, 2]}[found.status]


def cut_score(session: Session, found: AngoffPanel, round_: int) -> rules.CutScore | None:
    """The cut score of a finished round (None while the round is open)."""
    if round_ not in finished_rounds(found):
        return None
    by_judge = ratings(session, found, round_)
    return rules.cut_score({judge: [values[item.id] for item in found.items] for judge, values in by_judge.items()},
                           [item.max_marks for item in found.items])


@dataclass
class RatingRow:
    """One question on a judge's rating page."""

    item: AngoffPanelItem
    typed: str  # what the field shows: as typed, else the stored rating, else (round 2) the round-1 one
    error: str | None = None
    own_round1: int | None = None
    spread: rules.Spread | None = None
    round1_values: list[int] = field(default_factory=list)
    facility: float | None = None
    facility_n: int = 0


@dataclass
class FormFigures:
    """The item analysis of the test's timed attempts, where the panel needs it."""

    facility: dict[int, tuple[float, int]]  # item version id -> (facility, candidates)
    form: item_stats.FormStats | None


def form_figures(session: Session, test: TestForm, min_sample: int = item_stats.DEFAULT_MIN_SAMPLE) -> FormFigures:
    """Facility per item version and the form's SEM from the item analysis. Facility is given for
    versions with at least `min_sample` candidates, as the item analysis flags them."""
    result = item_analysis.analyse_test(session, test, min_sample=min_sample)
    facility = {s.item.version_id: (s.facility, s.n) for s in result.items
                if s.facility is not None and s.n >= min_sample}
    return FormFigures(facility=facility, form=result.form if result.form.attempts else None)


def rating_rows(session: Session, found: AngoffPanel, judge: AngoffJudge, typed: Mapping[int, str] | None = None,
                errors: Mapping[int, str] | None = None, figures: FormFigures | None = None) -> list[RatingRow]:
    """The judge's page for the current round (or, once closed, round 2): their own ratings only,
    and in round 2 the panel's round-1 spread and the item's facility."""
    round_ = found.round or 2
    own = ratings(session, found, round_).get(judge.id, {})
    first = ratings(session, found, 1) if round_ == 2 else {}
    rows = []
    for item in found.items:
        value = own.get(item.id)
        own_first = first.get(judge.id, {}).get(item.id) if first else None
        if typed is not None and item.id in typed:
            shown = typed[item.id]
        elif value is not None:
            shown = str(value)
        else:
            shown = str(own_first) if own_first is not None else ""
        row = RatingRow(item=item, typed=shown, error=(errors or {}).get(item.id), own_round1=own_first)
        if round_ == 2:
            values = sorted(v[item.id] for v in first.values() if item.id in v)
            row.round1_values, row.spread = values, rules.spread(values)
            if figures is not None and item.item_version_id in figures.facility:
                row.facility, row.facility_n = figures.facility[item.item_version_id]
        rows.append(row)
    return rows


CSV_HEADER = ["panel", "test", "judge", "judge_email", "question", "item", "item_version", "round", "rating"]


def export_csv(session: Session, found: AngoffPanel) -> str:
    """Every rating of the rounds that are over, one row each (judge, item, round, rating)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    items = {item.id: item for item in session.scalars(
        select(AngoffPanelItem).where(AngoffPanelItem.panel_id == found.id)
        .options(selectinload(AngoffPanelItem.item), selectinload(AngoffPanelItem.version)))}
    judges = {judge.id: judge for judge in found.judges}
    for round_ in finished_rounds(found):
        for judge_id, values in ratings(session, found, round_).items():
            judge = judges[judge_id]
            for item_id, value in sorted(values.items(), key=lambda pair: items[pair[0]].position):
                item = items[item_id]
                writer.writerow([item_stats.safe_cell(cell) for cell in (
                    found.name, found.test.key, judge_name(judge), judge.user.email if judge.user else "",
                    item.position, item.item.key, item.version.number, round_, value)])
    return out.getvalue()
