"""What the trainer's workspace shows: frameworks, banks, scenarios and items with their versions,
and the item search. Read-only SQL (SQLAlchemy 2.0 select()); no Flask. Every query takes the
viewer's `Scope` (quizapp.services.ownership): another organisation's content is never found."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Text, cast, func, or_, select
from sqlalchemy.orm import Session, selectinload

from quizapp.services.ownership import Scope

from quizapp.data.models import (
    Attempt,
    AttemptQuestion,
    Bank,
    Framework,
    Item,
    ItemVersion,
    Scenario,
    Statement,
    TestForm,
    item_version_statements,
)

PAGE_SIZE = 50
SECTIONS = ("knowledge", "reasoning")
TYPES = ("single", "multiple", "ordering")


@dataclass(frozen=True)
class ItemRow:
    item: Item
    version: ItemVersion
    bank_key: str
    scenario_key: str | None

    @property
    def statements(self) -> list[str]:
        return [s.code for s in self.version.statements]


def _item_rows(session: Session, statement) -> list[ItemRow]:  # type: ignore[no-untyped-def]
    rows = session.execute(
        statement.options(selectinload(ItemVersion.statements))
    ).all()
    return [ItemRow(item, version, bank_key, scenario_key) for item, version, bank_key, scenario_key in rows]


def _item_select():  # type: ignore[no-untyped-def]
    return (
        select(Item, ItemVersion, Bank.key, Scenario.key)
        .join(ItemVersion, Item.current_version_id == ItemVersion.id)
        .join(Bank, Item.bank_id == Bank.id)
        .outerjoin(Scenario, Item.scenario_id == Scenario.id)
    )


# -- frameworks -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementCoverage:
    statement: Statement
    knowledge: int  # live standalone knowledge items keyed to it
    reasoning: int  # live reasoning items (in scenarios or not)
    total: int


def framework(session: Session, key: str, scope: Scope) -> Framework | None:
    """The framework, if `scope` sees it (another organisation's is None, as if it did not exist)."""
    return session.scalar(select(Framework).where(Framework.key == key, scope.where(Framework.organisation_id))
                          .options(selectinload(Framework.statements)))


def statement_coverage(session: Session, fw: Framework, scope: Scope) -> list[StatementCoverage]:
    """Live items keyed to each statement of the framework, by section, in the banks `scope` sees."""
    counts = session.execute(
        select(Statement.id, ItemVersion.section, func.count(Item.id))
        .join(item_version_statements, item_version_statements.c.statement_id == Statement.id)
        .join(ItemVersion, ItemVersion.id == item_version_statements.c.item_version_id)
        .join(Item, Item.current_version_id == ItemVersion.id)
        .join(Bank, Bank.id == Item.bank_id)
        .where(Statement.framework_id == fw.id, Item.retired_at.is_(None), Bank.retired_at.is_(None),
               scope.where(Bank.organisation_id))
        .group_by(Statement.id, ItemVersion.section)
    ).all()
    by_statement: dict[int, dict[str, int]] = {}
    for statement_id, section, count in counts:
        by_statement.setdefault(statement_id, {})[section] = count
    out = []
    for statement in fw.statements:
        sections = by_statement.get(statement.id, {})
        out.append(StatementCoverage(statement, sections.get("knowledge", 0), sections.get("reasoning", 0),
                                     sum(sections.values())))
    return out


def banks_of(session: Session, fw: Framework, scope: Scope) -> list[Bank]:
    return list(session.scalars(select(Bank).where(Bank.framework_id == fw.id, scope.where(Bank.organisation_id))
                                .order_by(Bank.key)))


def tests_of(session: Session, fw: Framework, scope: Scope) -> list[TestForm]:
    return list(session.scalars(select(TestForm).where(TestForm.framework_id == fw.id,
                                                       scope.where(TestForm.organisation_id))
                                .order_by(TestForm.key)))


# -- banks and scenarios ----------------------------------------------------------------------------


@dataclass
class ScenarioBlock:
    scenario: Scenario
    items: list[ItemRow] = field(default_factory=list)


@dataclass
class BankDetail:
    bank: Bank
    standalone: list[ItemRow]
    scenarios: list[ScenarioBlock]


def bank(session: Session, key: str, scope: Scope) -> BankDetail | None:
    row = session.scalar(select(Bank).where(Bank.key == key, scope.where(Bank.organisation_id)))
    if row is None:
        return None
    items = _item_rows(session, _item_select().where(Item.bank_id == row.id).order_by(Item.position, Item.key))
    scenarios = session.scalars(select(Scenario).where(Scenario.bank_id == row.id).order_by(Scenario.position)).all()
    blocks = {s.id: ScenarioBlock(s) for s in scenarios}
    standalone = []
    for item_row in items:
        if item_row.item.scenario_id is None:
            standalone.append(item_row)
        elif item_row.item.scenario_id in blocks:
            blocks[item_row.item.scenario_id].items.append(item_row)
    return BankDetail(row, standalone, list(blocks.values()))


def scenario(session: Session, key: str, scope: Scope) -> ScenarioBlock | None:
    row = session.scalar(select(Scenario).join(Bank, Bank.id == Scenario.bank_id)
                         .where(Scenario.key == key, scope.where(Bank.organisation_id)))
    if row is None:
        return None
    items = _item_rows(session, _item_select().where(Item.scenario_id == row.id).order_by(Item.position))
    return ScenarioBlock(row, items)


# -- items -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VersionRow:
    version: ItemVersion
    current: bool
    shown: int  # questions of attempts that showed this version


@dataclass
class ItemDetail:
    item: Item
    bank: Bank
    scenario: Scenario | None
    versions: list[VersionRow]

    @property
    def current(self) -> ItemVersion | None:
        return self.item.current_version


def item(session: Session, key: str, scope: Scope) -> ItemDetail | None:
    row = session.scalar(
        select(Item).join(Bank, Bank.id == Item.bank_id).where(Item.key == key, scope.where(Bank.organisation_id))
        .options(selectinload(Item.versions).selectinload(ItemVersion.statements), selectinload(Item.bank))
    )
    if row is None:
        return None
    shown = dict(session.execute(
        select(AttemptQuestion.item_version_id, func.count(AttemptQuestion.id))
        .join(ItemVersion, ItemVersion.id == AttemptQuestion.item_version_id)
        .where(ItemVersion.item_id == row.id)
        .group_by(AttemptQuestion.item_version_id)
    ).all())
    versions = [VersionRow(v, v.id == row.current_version_id, shown.get(v.id, 0)) for v in reversed(row.versions)]
    return ItemDetail(row, row.bank, row.scenario, versions)


def tests_with_attempts_at(session: Session, version_ids: list[int]) -> list[TestForm]:
    """The tests whose attempts showed any of these versions (for links to their statistics)."""
    if not version_ids:
        return []
    return list(session.scalars(
        select(TestForm).where(TestForm.id.in_(
            select(Attempt.test_id).join(AttemptQuestion, AttemptQuestion.attempt_id == Attempt.id)
            .where(AttemptQuestion.item_version_id.in_(version_ids))
        )).order_by(TestForm.key)
    ))


# -- search ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    item_id: str = ""
    statement: str = ""
    section: str = ""
    type: str = ""
    framework: str = ""
    retired: bool = False
    page: int = 1

    @property
    def empty(self) -> bool:
        return not (self.text or self.item_id or self.statement or self.section or self.type or self.framework)


@dataclass
class SearchResult:
    query: SearchQuery
    rows: list[ItemRow]
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def _like(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search(session: Session, query: SearchQuery, scope: Scope) -> SearchResult:
    """Items whose current version matches every field given: text in the stem, options,
    rationale or references; part of the id; a statement code; a section; a type; a framework.
    Only in the banks `scope` sees."""
    statement = _item_select().where(scope.where(Bank.organisation_id))
    if query.text:
        like = _like(query.text)
        statement = statement.where(or_(
            ItemVersion.stem.ilike(like, escape="\\"),
            ItemVersion.rationale.ilike(like, escape="\\"),
            cast(ItemVersion.options, Text).ilike(like, escape="\\"),
            cast(ItemVersion.references, Text).ilike(like, escape="\\"),
            ItemVersion.scenario_text.ilike(like, escape="\\"),
        ))
    if query.item_id:
        statement = statement.where(Item.key.ilike(_like(query.item_id), escape="\\"))
    if query.statement:
        statement = statement.where(ItemVersion.id.in_(
            select(item_version_statements.c.item_version_id)
            .join(Statement, Statement.id == item_version_statements.c.statement_id)
            .where(func.lower(Statement.code) == query.statement.lower())
        ))
    if query.section:
        statement = statement.where(ItemVersion.section == query.section)
    if query.type:
        statement = statement.where(ItemVersion.type == query.type)
    if query.framework:
        statement = statement.where(Bank.framework_id.in_(select(Framework.id).where(Framework.key == query.framework)))
    if not query.retired:
        statement = statement.where(Item.retired_at.is_(None))
    total = session.scalar(select(func.count()).select_from(statement.with_only_columns(Item.id).subquery())) or 0
    page = max(1, query.page)
    rows = _item_rows(session, statement.order_by(Item.key).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))
    return SearchResult(query, rows, total)


def framework_keys(session: Session, scope: Scope) -> list[str]:
    return list(session.scalars(select(Framework.key).where(scope.where(Framework.organisation_id))
                                .order_by(Framework.key)))


def test(session: Session, key: str, scope: Scope) -> TestForm | None:
    """The test, if `scope` sees it."""
    return session.scalar(select(TestForm).where(TestForm.key == key, scope.where(TestForm.organisation_id)))
