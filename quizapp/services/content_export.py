"""A bank or a test as the trainer downloads it, in Moodle XML or as a bank or test file (YAML):
the current version of each live item read from the database into the bank dataclasses, then
written by quizapp.banks.convert.moodle_export or quizapp.banks.convert.yaml_export. No Flask here.

A bank exports its live items and scenarios (retired ones are left out, and the file says how
many). A test exports what its sections can draw: the live items of its frameworks in the
service's banks and its owner's, also_keyed ones included (as a start draws them:
quizapp.services.attempts), only the
section each draw takes (standalone items for counts and per-statement draws, whole scenarios
for scenario draws, the listed items for fixed draws), with each section's draw described in a
comment so that a Moodle quiz can be built the same way from the categories.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from quizapp.banks import model as bm
from quizapp.banks.convert.moodle_export import to_moodle_xml
from quizapp.banks.convert.yaml_export import bank_yaml, blueprint_yaml
from quizapp.data.models import Bank, Framework, Item, ItemVersion, Scenario, Statement, TestForm, item_version_statements


def _framework(row: Framework) -> bm.Framework:
    return bm.Framework(key=row.key, title=row.title, level=row.level, description=row.description,
                        statements=[bm.Statement(s.code, s.title, s.summary) for s in row.statements])


def _item(row: Item, framework: str) -> bm.Item:
    """The item's current version; its statements of other frameworks than its bank's go back
    into `also_keyed`, framework by framework."""
    version: ItemVersion = row.current_version  # type: ignore[assignment]
    also: dict[str, list[str]] = {}
    for statement in version.statements:
        if statement.framework.key != framework:
            also.setdefault(statement.framework.key, []).append(statement.code)
    return bm.Item(
        key=row.key, type=version.type, section=version.section,
        statements=tuple(s.code for s in version.statements if s.framework.key == framework),
        also_keyed={key: tuple(codes) for key, codes in also.items()}, stem=version.stem,
        options=tuple(bm.Option(o["text"], bool(o.get("correct")), o.get("feedback") or "") for o in version.options),
        rationale=version.rationale, scoring=version.scoring, difficulty=version.difficulty,
        references=tuple(version.references or ()), framework=framework,
    )


def _banks(session: Session, banks: list[Bank], keep=None) -> list[bm.Bank]:  # type: ignore[no-untyped-def]
    """The banks with their live items (those `keep(item)` accepts, if given), in authored order."""
    items = session.scalars(
        select(Item).where(Item.bank_id.in_([b.id for b in banks]), Item.retired_at.is_(None),
                           Item.current_version_id.is_not(None))
        .order_by(Item.position, Item.key)
        .options(selectinload(Item.current_version).selectinload(ItemVersion.statements))
    ).all()
    scenarios = session.scalars(
        select(Scenario).where(Scenario.bank_id.in_([b.id for b in banks]), Scenario.retired_at.is_(None))
        .order_by(Scenario.position)
    ).all()
    out = []
    for bank in banks:
        framework = bank.framework.key
        standalone = [_item(i, framework) for i in items if i.bank_id == bank.id and i.scenario_id is None]
        blocks = []
        for scenario in (s for s in scenarios if s.bank_id == bank.id):
            members = [_item(i, framework) for i in items if i.scenario_id == scenario.id]
            for member in members:
                member.scenario = scenario.key
            blocks.append(bm.Scenario(scenario.key, scenario.title, scenario.text, members, bank=bank.key))
        if keep is not None:
            standalone = [i for i in standalone if keep(i)]
            blocks = [s for s in blocks if s.items and all(keep(i) for i in s.items)]
        if standalone or any(s.items for s in blocks):
            out.append(bm.Bank(bank.key, framework, bank.title, standalone, [s for s in blocks if s.items],
                               description=bank.description))
    return out


def _frameworks(session: Session, keys: set[str]) -> dict[str, bm.Framework]:
    rows = session.scalars(select(Framework).where(Framework.key.in_(sorted(keys)))
                           .options(selectinload(Framework.statements)))
    return {row.key: _framework(row) for row in rows}


def bank_xml(session: Session, bank: Bank) -> str:
    """The bank's live items as Moodle XML."""
    exported = _banks(session, [bank])
    retired = session.scalar(select(Item.id).where(Item.bank_id == bank.id, Item.retired_at.is_not(None)).limit(1))
    notes = [f"Bank {bank.key} ({bank.title}), the current version of each live item."]
    if bank.retired_at is not None:
        notes.append("This bank is retired in quizapp: no new attempt draws it.")
    if retired is not None:
        notes.append("Retired items are left out.")
    return to_moodle_xml(exported, title=bank.title, frameworks=_frameworks(session, {bank.framework.key}), notes=notes)


def bank_file(session: Session, bank: Bank) -> str:
    """The bank's live items as a bank file (YAML), ready to commit to question_banks/."""
    exported = _banks(session, [bank]) or [bm.Bank(bank.key, bank.framework.key, bank.title, [], [],
                                                    description=bank.description)]
    retired = session.scalar(select(Item.id).where(Item.bank_id == bank.id, Item.retired_at.is_not(None)).limit(1))
    heading = [f"Bank {bank.key}, downloaded from quizapp: the current version of each live item."]
    if retired is not None:
        heading.append("Retired items are left out.")
    return bank_yaml(exported[0], heading=heading)


def test_file(test: TestForm) -> str:
    """The test's current blueprint as a test file (YAML), ready to commit to question_banks/tests/."""
    sections = [
        bm.Section(section=s["section"], title=s.get("title") or "", framework=s["framework"],
                   draw=bm.Draw(kind=s["draw"]["kind"], count=int(s["draw"].get("count") or 0),
                                items=tuple(s["draw"].get("items") or ())))
        for s in test.blueprint["sections"]
    ]
    bands = tuple(bm.Band(float(b["min_percent"]), b["label"]) for b in test.blueprint.get("bands") or ())
    blueprint = bm.TestBlueprint(
        key=test.key, title=test.title, framework=test.framework.key, description=test.description,
        time_limit_minutes=test.time_limit_minutes, pass_mark_percent=test.pass_mark_percent,
        sections=sections, shuffle_options=bool(test.blueprint.get("shuffle_options", True)),
        **({"bands": bands} if bands else {}),
    )
    heading = [f"Test {test.key}, downloaded from quizapp: its current blueprint."]
    if test.retired_at is not None:
        heading.append("This test is retired: candidates cannot start it.")
    return blueprint_yaml(blueprint, heading=heading)


_DRAWS = {
    "count": "{count} {section} items, spread across the statements",
    "per_statement": "{count} {section} items for each statement",
    "scenarios": "{count} whole case scenario(s) with their {section} questions",
    "items": "the fixed {section} items {items}",
}


def test_xml(session: Session, test: TestForm) -> str:
    """What the test's sections can draw, as Moodle XML, with each draw described at the top."""
    sections = test.blueprint["sections"]
    frameworks = {s["framework"] for s in sections}
    keyed = (select(Item.bank_id)  # banks with an item whose current version is also keyed to them
             .join(item_version_statements, item_version_statements.c.item_version_id == Item.current_version_id)
             .join(Statement, Statement.id == item_version_statements.c.statement_id)
             .join(Framework, Framework.id == Statement.framework_id)
             .where(Framework.key.in_(sorted(frameworks))))
    banks = list(session.scalars(
        select(Bank).join(Framework, Framework.id == Bank.framework_id)
        .where(or_(Framework.key.in_(sorted(frameworks)), Bank.id.in_(keyed)), Bank.retired_at.is_(None),
               or_(Bank.organisation_id.is_(None), Bank.organisation_id == test.organisation_id))
        .order_by(Bank.key)
    ))
    fixed = {key for s in sections if s["draw"]["kind"] == "items" for key in s["draw"].get("items") or ()}

    def drawn(item: bm.Item) -> bool:
        if item.key in fixed:
            return True
        for s in sections:
            kind = s["draw"]["kind"]
            if s["framework"] not in (item.framework, *item.also_keyed) or s["section"] != item.section \
                    or kind == "items":
                continue
            if (kind == "scenarios") == (item.scenario is not None):
                return True
        return False

    notes = [f"Test {test.key} ({test.title}): {test.time_limit_minutes:g} minutes, pass mark "
             f"{test.pass_mark_percent:g}%. Its sections draw:"]
    for n, s in enumerate(sections, start=1):
        draw = s["draw"]
        what = _DRAWS.get(draw["kind"], draw["kind"]).format(count=draw.get("count"), section=s["section"],
                                                           items=", ".join(draw.get("items") or ()))
        notes.append(f"Section {n} ({s.get('title') or s['section']}): {what}, from framework {s['framework']}.")
    return to_moodle_xml(_banks(session, banks, keep=drawn), title=test.title,
                         frameworks=_frameworks(session, frameworks), notes=notes)
