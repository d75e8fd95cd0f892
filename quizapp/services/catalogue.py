"""Read-only queries over imported content: what tests exist, by level, with their sizes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quizapp.data.models import Bank, Framework, Item, TestForm
from quizapp.services.ownership import Scope

LEVEL_ORDER = {"practitioner": 0, "practice-supervisor": 1, "practice-leader": 2}
LEVEL_TITLES = {
    "practitioner": "Practitioner",
    "practice-supervisor": "Practice supervisor",
    "practice-leader": "Practice leader",
}


def level_title(level: str) -> str:
    return LEVEL_TITLES.get(level, level.replace("-", " ").capitalize())


@dataclass(frozen=True)
class LevelTests:
    level: str
    title: str
    tests: list[TestForm]


def tests_by_level(session: Session, scope: Scope) -> list[LevelTests]:
    """The live tests `scope` sees (the service's, and its organisation's), by level."""
    rows = session.execute(
        select(TestForm, Framework.level)
        .join(Framework, TestForm.framework_id == Framework.id)
        .where(TestForm.retired_at.is_(None), scope.where(TestForm.organisation_id))
        .order_by(TestForm.title)
    ).all()
    grouped: dict[str, list[TestForm]] = {}
    for test, level in rows:
        grouped.setdefault(level, []).append(test)
    return [
        LevelTests(level, level_title(level), tests)
        for level, tests in sorted(grouped.items(), key=lambda kv: (LEVEL_ORDER.get(kv[0], 99), kv[0]))
    ]


@dataclass(frozen=True)
class BankSummary:
    bank: Bank
    items: int
    retired: int


def bank_summaries(session: Session, scope: Scope) -> list[BankSummary]:
    rows = session.execute(
        select(
            Bank,
            func.count(Item.id).filter(Item.retired_at.is_(None)),
            func.count(Item.id).filter(Item.retired_at.is_not(None)),
        )
        .outerjoin(Item, Item.bank_id == Bank.id)
        .where(scope.where(Bank.organisation_id))
        .group_by(Bank.id)
        .order_by(Bank.key)
    ).all()
    return [BankSummary(bank, live_count, retired_count) for bank, live_count, retired_count in rows]


@dataclass(frozen=True)
class TestSummary:
    questions: str
    sections: list[dict[str, object]]
    statements: list[str]


def test_summary(session: Session, test: TestForm) -> TestSummary:
    """What a form of this test contains, for the start page: the statements of every framework
    its sections draw from (a supervisor mock's first part is on the practitioner statements)."""
    from quizapp.data.models import Framework, Statement

    keys = list(dict.fromkeys(section.get("framework") for section in test.blueprint.get("sections", [])))
    frameworks = {f.key: f for f in session.scalars(select(Framework).where(Framework.key.in_([k for k in keys if k])))}
    ids = [frameworks[k].id for k in keys if k in frameworks] or [test.framework_id]
    lines = []
    for framework_id in ids:
        lines += [f"{code} {title}" for code, title in session.execute(
            select(Statement.code, Statement.title)
            .where(Statement.framework_id == framework_id, Statement.retired_at.is_(None))
            .order_by(Statement.position)
        )]
    return TestSummary(
        questions=test.blueprint.get("item_count_text", ""),
        sections=list(test.blueprint.get("sections", [])),
        statements=lines,
    )
