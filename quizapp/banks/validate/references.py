"""The checks across files that follow references: ids unique across the whole set (the first
wins, each later one is reported), banks (and a framework's `replaces`) naming a framework that
exists, and items naming statement codes of their bank's framework (and, in `also_keyed`, of
other frameworks that exist)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from quizapp.banks.validate.fields import suggest
from quizapp.banks.validate.records import (
    BankRec,
    FrameworkRec,
    ItemRec,
    Ref,
    ScenarioRec,
    SetState,
    bank_items,
)


def first_wins(state: SetState, refs: Iterable[tuple[Ref, Any]], noun: str) -> dict[str, Any]:
    """Rule: ids are unique across all files; each later one is reported, naming the first."""
    first: dict[str, tuple[Ref, Any]] = {}
    for ref, value in refs:
        earlier = first.get(ref.value)
        if earlier is not None:
            state.error(ref, f"duplicate {noun} id '{ref.value}' (first defined at {earlier[0].where()})")
        else:
            first[ref.value] = (ref, value)
    return {key: value for key, (_, value) in first.items()}


def known_framework(state: SetState, ref: Ref, frameworks: dict[str, FrameworkRec]) -> bool:
    """Rule: a framework reference names a framework defined in the set (not checked while a
    file cannot be read: it may be the one that defines it)."""
    if ref.value in frameworks:
        return True
    if state.unreadable:
        return False
    hint = suggest(ref.value, frameworks)
    tail = f" (did you mean '{hint}'?)" if hint else " (none of the files given defines it)"
    state.error(ref, f"unknown framework '{ref.value}'{tail}")
    return False


def check_references(state: SetState) -> tuple[dict[str, FrameworkRec], dict[str, ItemRec],
                                              dict[str, ScenarioRec]]:
    """Ids unique, frameworks and statement codes known; keeps only the first of each id in
    ``state`` and returns the frameworks, items and scenarios by id."""
    frameworks: dict[str, FrameworkRec] = first_wins(
        state, ((rec.ref, rec) for rec in state.frameworks), "framework")
    banks: dict[str, BankRec] = first_wins(state, ((rec.ref, rec) for rec in state.banks), "bank")
    state.frameworks = list(frameworks.values())
    state.banks = list(banks.values())

    file_order = {name: index for index, name in enumerate(state.files)}
    scenario_refs = [(s.ref, s) for b in state.banks for s in b.scenarios if s.ref is not None]
    scenario_refs.sort(key=lambda pair: (file_order[pair[0].file], pair[0].line))
    scenarios: dict[str, ScenarioRec] = first_wins(state, scenario_refs, "scenario")
    for _, scenario in scenario_refs:
        if scenarios.get(scenario.ref.value) is not scenario:  # type: ignore[union-attr]
            scenario.ok = False
    item_refs = [(rec.ref, rec) for bank in state.banks for rec in bank_items(bank) if rec.ref]
    item_refs.sort(key=lambda pair: (file_order[pair[0].file], pair[0].line))
    items: dict[str, ItemRec] = first_wins(state, item_refs, "item")
    for _, rec in item_refs:
        if items.get(rec.ref.value) is not rec:  # type: ignore[union-attr]
            rec.ok = False

    for framework in state.frameworks:
        replaced = framework.replaces
        if replaced is None:
            continue
        if replaced.value == framework.ref.value:
            state.error(replaced, "a framework cannot replace itself")
        elif not known_framework(state, replaced, frameworks):
            framework.framework.replaces = ""
    for bank in state.banks:
        if bank.framework is None or not known_framework(state, bank.framework, frameworks):
            continue
        codes = set(frameworks[bank.framework.value].codes)
        for rec in bank_items(bank):
            check_codes(state, rec, codes, bank.framework.value)
            check_also_keyed(state, rec, frameworks, bank.framework.value)
    return frameworks, items, scenarios


def check_codes(state: SetState, rec: ItemRec, codes: set[str], framework: str) -> None:
    """Rule: an item's statements are codes of its bank's framework."""
    for code in rec.codes:
        if code.value not in codes:
            hint = suggest(code.value, codes)
            tail = f" (did you mean '{hint}'?)" if hint else ""
            state.error(code, f"unknown statement code '{code.value}' for framework '{framework}'{tail}")
            rec.ok = False



def check_also_keyed(state: SetState, rec: ItemRec, frameworks: dict[str, FrameworkRec], own: str) -> None:
    """Rule: an item's ``also_keyed`` names frameworks that exist other than its bank's own,
    and statement codes of each (a standard's code is named as such, with its statements)."""
    for framework, codes in rec.also:
        if framework.value == own:
            state.error(framework, f"'{own}' is the framework of this item's bank: list its codes in "
                                   "'statements', not in 'also_keyed'")
            rec.ok = False
            continue
        if not known_framework(state, framework, frameworks):
            rec.ok = False
            continue
        other = frameworks[framework.value]
        known = set(other.codes)
        standards = {g.code: g for g in other.framework.standards}
        for code in codes:
            if code.value in known:
                continue
            rec.ok = False
            standard = standards.get(code.value)
            if standard is not None:
                state.error(code, f"'{code.value}' is a standard of framework '{framework.value}', not a "
                                  f"statement: key the item to its statements ({', '.join(standard.statements)})")
                continue
            hint = suggest(code.value, known)
            tail = f" (did you mean '{hint}'?)" if hint else ""
            state.error(code, f"unknown statement code '{code.value}' for framework '{framework.value}'{tail}")
