"""Retiring, restoring and deleting content published from the browser (origin "web"): banks,
single items and tests. No Flask.

Only the owner's trainers (and admins) manage an organisation's web content; the service's web
content is managed by the service's trainers and admins. Content from `question_banks/` is never
managed here: it changes in the folder. A retired bank or item is drawn for nobody (it stays, as
do the attempts that showed it); a retired test is listed to nobody and cannot be started;
restoring makes them drawable (or listed) again. Each retire and restore is an audit event
(`content.retired`, `content.restored`) with who did it. A test whose banks no longer hold
enough live items says so (`draw_problem`): its candidates are told it cannot be started for
now, and trainers are told which section falls short. A bank can be deleted only if no attempt
ever showed one of its items: results never lose the questions they were given.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from quizapp.data.models import (
    AttemptQuestion,
    Bank,
    Framework,
    Item,
    ItemVersion,
    Scenario,
    TestForm,
    User,
    item_version_statements,
)
from quizapp.domain.assembly import DrawError, Pool, assemble

from . import audit, pools
from .ownership import Scope


def manageable(bank: Bank, scope: Scope) -> bool:
    """Whether this viewer may retire, restore or delete the bank."""
    if bank.origin != "web":
        return False
    return scope.everything or bank.organisation_id == scope.organisation_id


def item_manageable(item: Item, scope: Scope) -> bool:
    """Whether this viewer may retire or restore the item (it is in a web bank they manage)."""
    return manageable(item.bank, scope)


def test_manageable(test: TestForm, scope: Scope) -> bool:
    """Whether this viewer may retire or restore the test."""
    if test.origin != "web":
        return False
    return scope.everything or test.organisation_id == scope.organisation_id


def _describe(thing: Bank | Item | TestForm) -> tuple[str, int | None]:
    if isinstance(thing, Item):
        return "item", thing.bank.organisation_id
    return ("bank" if isinstance(thing, Bank) else "test"), thing.organisation_id


def set_retired(session: Session, thing: Bank | Item | TestForm, retired: bool, now: datetime,
                by: User | None = None) -> bool:
    """Retire (or restore) a bank, an item or a test, recording who did it; every process reads
    its kept pools again. False if it already was so (nothing is written)."""
    if (thing.retired_at is not None) == retired:
        return False
    thing.retired_at = now if retired else None
    kind, owner = _describe(thing)
    audit.record(session, "content.retired" if retired else "content.restored", actor=by, organisation=owner,
                 now=now, kind=kind, key=thing.key)
    changed(session)
    return True


def draw_problem(session: Session, test: TestForm, without: frozenset[str] = frozenset()) -> str | None:
    """Why a form of the test cannot be drawn from the live items now (or with the items
    `without` retired too), naming the section that falls short; None when it can."""
    from .attempts import draw_specs, load_pool

    specs = draw_specs(test)
    pool = load_pool(session, {s.framework for s in specs}, test.organisation_id)
    if without:
        pool = Pool([i for i in pool.items if i.key not in without], pool.statements)
    shuffle = bool(test.blueprint.get("shuffle_options", True))
    for n in range(1, len(specs) + 1):
        try:
            assemble(pool, specs[:n], 0, shuffle)
        except DrawError as error:
            section = test.blueprint["sections"][n - 1]
            name = section.get("title") or section["section"]
            return f"section {n} ({name}) {error}"
    return None


def tests_short_without(session: Session, item: Item, scope: Scope) -> tuple[list[tuple[TestForm, str]], int]:
    """The live tests that could start now but could not with this item retired, and why: those
    `scope` sees, and how many others (organisations' tests drawing on a service bank, never named)."""
    bank = item.bank
    query = (select(TestForm).where(TestForm.retired_at.is_(None)).order_by(TestForm.key))
    if bank.organisation_id is not None:
        query = query.where(TestForm.organisation_id == bank.organisation_id)
    version = item.current_version
    frameworks = {session.scalar(select(Framework.key).where(Framework.id == bank.framework_id))}
    frameworks |= {s.framework.key for s in (version.statements if version is not None else ())}  # also_keyed
    out, others = [], 0
    for test in session.scalars(query):
        if not any(s["framework"] in frameworks for s in test.blueprint["sections"]):
            continue
        if draw_problem(session, test) is None:
            problem = draw_problem(session, test, frozenset({item.key}))
            if problem is not None:
                if scope.sees(test.organisation_id):
                    out.append((test, problem))
                else:
                    others += 1
    return out, others


def times_shown(session: Session, bank: Bank) -> int:
    """How many times an attempt was given one of the bank's items."""
    return session.scalar(
        select(func.count(AttemptQuestion.id))
        .join(ItemVersion, ItemVersion.id == AttemptQuestion.item_version_id)
        .join(Item, Item.id == ItemVersion.item_id)
        .where(Item.bank_id == bank.id)
    ) or 0


def changed(session: Session) -> None:
    """After a retire, restore or delete: every process reads its kept pools again."""
    pools.bump(session)


class DeleteRefused(Exception):
    """The bank's items were given in attempts; the message says so."""


def delete_bank(session: Session, bank: Bank) -> None:
    """Delete the bank with its items, their versions and its scenarios (the caller commits)."""
    if times_shown(session, bank):
        raise DeleteRefused("Candidates have been given questions from this bank, so it cannot be deleted: "
                            "retire it instead (their results keep the questions they were given)")
    item_ids = select(Item.id).where(Item.bank_id == bank.id).scalar_subquery()
    version_ids = select(ItemVersion.id).where(ItemVersion.item_id.in_(item_ids)).scalar_subquery()
    session.execute(update(Item).where(Item.bank_id == bank.id).values(current_version_id=None)
                    .execution_options(synchronize_session=False))
    session.execute(delete(item_version_statements).where(item_version_statements.c.item_version_id.in_(version_ids)))
    session.execute(delete(ItemVersion).where(ItemVersion.item_id.in_(item_ids)).execution_options(synchronize_session=False))
    session.execute(delete(Item).where(Item.bank_id == bank.id).execution_options(synchronize_session=False))
    session.execute(delete(Scenario).where(Scenario.bank_id == bank.id).execution_options(synchronize_session=False))
    session.delete(bank)
    session.flush()
    changed(session)
