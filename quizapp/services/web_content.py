"""Retiring, restoring and deleting banks published from the browser (origin "web"). No Flask.

Only the owner's trainers (and admins) manage an organisation's web banks; the service's web
banks are managed by the service's trainers and admins. Banks from `question_banks/` are never
managed here: they change in the folder. A retired bank is drawn for nobody (its items stay, as
do the attempts that showed them); restoring it makes it drawable again. A bank can be deleted
only if no attempt ever showed one of its items: results never lose the questions they were
given.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from quizapp.data.models import AttemptQuestion, Bank, Item, ItemVersion, Scenario, item_version_statements

from . import pools
from .ownership import Scope


def manageable(bank: Bank, scope: Scope) -> bool:
    """Whether this viewer may retire, restore or delete the bank."""
    if bank.origin != "web":
        return False
    return scope.everything or bank.organisation_id == scope.organisation_id


def times_shown(session: Session, bank: Bank) -> int:
    """How many times an attempt was given one of the bank's items."""
    return session.scalar(
        select(func.count(AttemptQuestion.id))
        .join(ItemVersion, ItemVersion.id == AttemptQuestion.item_version_id)
        .join(Item, Item.id == ItemVersion.item_id)
        .where(Item.bank_id == bank.id)
    ) or 0


def retire(bank: Bank, now: datetime) -> None:
    if bank.retired_at is None:
        bank.retired_at = now


def restore(bank: Bank) -> None:
    bank.retired_at = None


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
