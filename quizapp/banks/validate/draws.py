"""The checks across files for test blueprints: the test's frameworks exist, and every
section's draw can be met from the items of the banks (enough items per section, per
statement, enough whole scenarios; fixed items exist, fit the section and are drawn once).
A section draws the items keyed to its framework, in a bank of that framework or through
their ``also_keyed``."""

from __future__ import annotations

from quizapp.banks.validate.fields import plural
from quizapp.banks.validate.records import (
    BankRec,
    FrameworkRec,
    ItemRec,
    ScenarioRec,
    SectionRec,
    SetState,
    TestRec,
    bank_items,
)
from quizapp.banks.validate.references import first_wins, known_framework


def check_tests(state: SetState, frameworks: dict[str, FrameworkRec], items: dict[str, ItemRec],
                scenarios: dict[str, ScenarioRec]) -> None:
    """Test ids unique across the set (the first wins), then each test's draws (not while a
    file cannot be read: the items it holds would be missing from every count)."""
    tests: dict[str, TestRec] = first_wins(state, ((rec.ref, rec) for rec in state.tests), "test")
    state.tests = list(tests.values())
    if state.unreadable:
        return
    pools = Pools(state.banks, items, scenarios)
    for test in state.tests:
        check_test(state, test, frameworks, pools)


class Pools:
    """Items available to draws, by framework: every item whose section is known, valid or
    not (see the package's docstring), except the second and later items of a duplicate id.
    An item counts for its bank's framework and for each framework its ``also_keyed`` names
    (with that framework's codes); a scenario counts for another framework when every one of
    its items is keyed to it."""

    def __init__(self, banks: list[BankRec], items: dict[str, ItemRec],
                 scenarios: dict[str, ScenarioRec]) -> None:
        self.standalone: dict[str, list[tuple[ItemRec, frozenset[str]]]] = {}
        self.scenarios: dict[str, list[ScenarioRec]] = {}
        self.framework_of: dict[str, str] = {}
        self.keyed_to: dict[str, set[str]] = {}  # item id -> every framework it is keyed to
        for bank in banks:
            framework = bank.bank.framework
            for rec in bank.items:
                # an item whose id is malformed still exists: count it (its id is reported)
                if rec.section and (rec.ref is None or items.get(rec.ref.value) is rec):
                    for fw, codes in keyings(rec, framework).items():
                        self.standalone.setdefault(fw, []).append((rec, codes))
            for scenario in bank.scenarios:
                if scenario.ref is not None and scenarios.get(scenario.ref.value) is scenario:
                    shared = set.intersection(*(set(keyings(r, framework)) for r in scenario.items)) \
                        if scenario.items else {framework}
                    for fw in sorted(shared | {framework}):
                        self.scenarios.setdefault(fw, []).append(scenario)
            for rec in bank_items(bank):
                if rec.ref and items.get(rec.ref.value) is rec:
                    self.framework_of[rec.ref.value] = framework
                    self.keyed_to[rec.ref.value] = set(keyings(rec, framework))
        self.items = items


def keyings(rec: ItemRec, own: str) -> dict[str, frozenset[str]]:
    """The codes an item is keyed to, by framework: its bank's own, then its ``also_keyed``."""
    out = {own: frozenset(code.value for code in rec.codes)}
    for framework, codes in rec.also:
        out.setdefault(framework.value, frozenset(code.value for code in codes))
    return out


def check_test(state: SetState, test: TestRec, frameworks: dict[str, FrameworkRec],
                pools: Pools) -> None:
    """Rule: the test's frameworks exist and every section's draw can be met."""
    test_fw_ok = test.framework is not None and known_framework(state, test.framework, frameworks)
    fixed: dict[str, tuple[str, int]] = {}  # item id -> (section, line), over `items` draws
    for section in test.sections:
        if section.framework is not None:
            if not known_framework(state, section.framework, frameworks):
                continue
            framework = section.framework.value
        elif test_fw_ok:
            framework = test.framework.value  # type: ignore[union-attr]
        else:
            continue
        if section.name is None or section.draw_kind is None:
            continue
        fw = frameworks[framework]
        if section.draw_kind == "count":
            _check_count(state, section, framework, pools)
        elif section.draw_kind == "per_statement":
            _check_per_statement(state, section, fw, pools)
        elif section.draw_kind == "scenarios":
            _check_scenarios(state, section, framework, pools)
        else:
            _check_items(state, section, framework, pools, fixed)


def _check_count(state: SetState, section: SectionRec, framework: str, pools: Pools) -> None:
    """Rule: count <= the standalone items of that section for the framework."""
    n = section.draw_number
    available = sum(1 for rec, _ in pools.standalone.get(framework, ()) if rec.section == section.name)
    if n > available:
        state.error(section.draw_count,  # type: ignore[arg-type]
                    f"section '{section.name}' draws {plural(n, 'item')} but only {available} "
                    f"standalone {section.name} item{'' if available == 1 else 's'} exist"
                    f"{'s' if available == 1 else ''} for framework '{framework}'")


def _check_per_statement(state: SetState, section: SectionRec, fw: FrameworkRec,
                         pools: Pools) -> None:
    """Rule: every statement has >= n standalone items of the section, and there are at
    least n x statements distinct such items (checked once every statement has enough)."""
    n = section.draw_number
    counts = dict.fromkeys(fw.codes, 0)
    distinct = 0
    for rec, codes in pools.standalone.get(fw.ref.value, ()):
        if rec.section != section.name:
            continue
        keyed = False
        for code in codes:
            if code in counts:
                counts[code] += 1
                keyed = True
        distinct += keyed
    short = [(code, count) for code, count in counts.items() if count < n]
    for code, count in short:
        state.error(section.draw_count,  # type: ignore[arg-type]
                    f"section '{section.name}' draws {plural(n, 'item')} per statement but statement "
                    f"'{code}' has only {count} standalone {section.name} "
                    f"item{'' if count == 1 else 's'} for framework '{fw.ref.value}'")
    needed = n * len(counts)
    if not short and distinct < needed:
        state.error(section.draw_count,  # type: ignore[arg-type]
                    f"section '{section.name}' draws {plural(n, 'item')} for each of "
                    f"{len(counts)} statements ({needed} in all) but only {distinct} distinct "
                    f"standalone {section.name} items exist for framework '{fw.ref.value}'")


def _check_scenarios(state: SetState, section: SectionRec, framework: str, pools: Pools) -> None:
    """Rule: scenarios <= the scenarios whose items are all of that section."""
    n = section.draw_number
    eligible = 0
    for scenario in pools.scenarios.get(framework, ()):
        sections = {rec.section for rec in scenario.items}
        if sections == {section.name}:
            eligible += 1
    if n > eligible:
        state.error(section.draw_count,  # type: ignore[arg-type]
                    f"section '{section.name}' draws {plural(n, 'scenario')} but only {eligible} "
                    f"scenario{'' if eligible == 1 else 's'} with only {section.name} items "
                    f"exist{'s' if eligible == 1 else ''} for framework '{framework}'")


def _check_items(state: SetState, section: SectionRec, framework: str, pools: Pools,
                 fixed: dict[str, tuple[str, int]]) -> None:
    """Rule: each listed item exists, is of the framework and the section, and is not
    already listed by another section of the same test."""
    for ref in section.draw_items:
        rec = pools.items.get(ref.value)
        if rec is None:
            state.error(ref, f"unknown item '{ref.value}' in section '{section.name}'")
            continue
        item_framework = pools.framework_of.get(ref.value)
        if item_framework != framework and framework not in pools.keyed_to.get(ref.value, ()):
            state.error(ref, f"item '{ref.value}' is from framework '{item_framework}', but section "
                             f"'{section.name}' draws from framework '{framework}' (and the item's "
                             f"also_keyed does not name it)")
        elif rec.section is not None and rec.section != section.name:
            state.error(ref, f"item '{ref.value}' is a {rec.section} item, so it cannot be drawn "
                             f"in section '{section.name}'")
        earlier = fixed.get(ref.value)
        if earlier is not None:
            state.error(ref, f"item '{ref.value}' is already drawn in section '{earlier[0]}' "
                             f"(line {earlier[1]})")
        else:
            fixed[ref.value] = (section.name or "", ref.line)

