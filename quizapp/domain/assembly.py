"""Assembling a test form from a blueprint: a seeded random draw, pure and replayable.

Given the same pool and seed, `assemble` returns the same questions in the same order with the
same option orders. The attempt stores the result (item versions and option orders), so a past
attempt can be replayed exactly even after the pool changes.

Draw rules per section:
- count N: N standalone items, spread across the statements: each pick goes to the statement
  covered least so far (ties broken at random), then a random unused item keyed to it.
- per_statement N: N items drawn for every statement of the framework (N x statements in all).
- scenarios N: N whole scenarios (random), their items together and in authored order.
- items [ids]: exactly those items, in that order.
A section draws the items keyed to its framework: those of its banks and those whose also_keyed
names it (a scenario only when every one of its items is keyed to it).
Option order: shuffled when the blueprint says so; ordering items are always shuffled (and never
shown already in the right order), while their key stays the authored order.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class PoolItem:
    """One drawable item: its current version and what a draw needs to know about it."""

    version_id: int
    key: str
    framework: str
    section: str
    statements: tuple[str, ...]
    type: str
    n_options: int
    scenario: str | None = None
    position: int = 0  # position within its scenario (or bank)
    also: tuple[tuple[str, tuple[str, ...]], ...] = ()  # other frameworks' codes (also_keyed)

    def keyed(self, framework: str) -> tuple[str, ...]:
        """The codes of `framework` this item is keyed to (its bank's own, or also_keyed)."""
        if framework == self.framework:
            return self.statements
        return next((codes for key, codes in self.also if key == framework), ())

    def as_framework(self, framework: str) -> PoolItem:
        """This item seen from `framework`: its statements are those of that framework."""
        if framework == self.framework:
            return self
        return replace(self, framework=framework, statements=self.keyed(framework), also=())


@dataclass(frozen=True)
class DrawSpec:
    section: str
    framework: str
    kind: str  # count | per_statement | scenarios | items
    count: int = 0
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class DrawnQuestion:
    version_id: int
    key: str
    section: str
    option_order: tuple[int, ...]
    scenario: str | None = None


@dataclass
class Pool:
    items: list[PoolItem]
    statements: dict[str, list[str]] = field(default_factory=dict)  # framework -> statement codes in order

    def keyed_to(self, framework: str) -> list[PoolItem]:
        """The items keyed to `framework` (in its banks, or through also_keyed), seen from it."""
        return [i.as_framework(framework) for i in self.items if i.keyed(framework)]

    def standalone(self, framework: str, section: str) -> list[PoolItem]:
        return [i for i in self.keyed_to(framework) if i.section == section and i.scenario is None]

    def scenarios(self, framework: str, section: str) -> dict[str, list[PoolItem]]:
        """Whole scenarios whose items are all of `section` and all keyed to `framework`."""
        groups: dict[str, list[PoolItem]] = {}
        for item in self.items:
            if item.scenario is not None:
                groups.setdefault(item.scenario, []).append(item)
        return {
            key: sorted((m.as_framework(framework) for m in members), key=lambda i: i.position)
            for key, members in sorted(groups.items())
            if all(m.section == section and m.keyed(framework) for m in members)
        }


class DrawError(ValueError):
    """The pool cannot satisfy the blueprint (the validator normally catches this first)."""


def _draw_count(rng: random.Random, candidates: list[PoolItem], codes: Sequence[str], n: int,
                used: set[str]) -> list[PoolItem]:
    available = [c for c in candidates if c.key not in used]
    if len(available) < n:
        raise DrawError(f"needs {n} items, only {len(available)} available")
    coverage = {code: 0 for code in codes}
    for item in available:
        for code in item.statements:
            coverage.setdefault(code, 0)
    chosen: list[PoolItem] = []
    while len(chosen) < n:
        by_statement: dict[str, list[PoolItem]] = {}
        for item in available:
            for code in item.statements:
                by_statement.setdefault(code, []).append(item)
        live = [code for code in coverage if by_statement.get(code)]
        least = min(coverage[code] for code in live)
        code = rng.choice(sorted(c for c in live if coverage[c] == least))
        item = rng.choice(by_statement[code])
        chosen.append(item)
        available.remove(item)
        for covered in item.statements:
            coverage[covered] += 1
    return chosen


def _draw_per_statement(rng: random.Random, candidates: list[PoolItem], codes: Sequence[str], n: int,
                        used: set[str]) -> list[PoolItem]:
    """n distinct items drawn *for* each statement (an item keyed to two statements is drawn for
    one of them), so a form always has n x statements questions and covers each statement at
    least n times. Statements with the fewest items are served first."""
    available = [c for c in candidates if c.key not in used]
    chosen: list[PoolItem] = []
    order = sorted(codes, key=lambda code: (sum(code in i.statements for i in available), rng.random()))
    for code in order:
        options = [i for i in available if code in i.statements]
        if len(options) < n:
            raise DrawError(f"statement {code} needs {n} items, only {len(options)} left to draw")
        for item in rng.sample(options, n):
            chosen.append(item)
            available.remove(item)
    rng.shuffle(chosen)
    return chosen


def option_order(rng: random.Random, item: PoolItem, shuffle: bool) -> tuple[int, ...]:
    order = list(range(item.n_options))
    if item.type == "ordering":
        if item.n_options > 1:
            while order == sorted(order):
                rng.shuffle(order)
    elif shuffle:
        rng.shuffle(order)
    return tuple(order)


def assemble(pool: Pool, sections: Sequence[DrawSpec], seed: int, shuffle_options: bool = True) -> list[DrawnQuestion]:
    """The questions of one form, in order. Raises DrawError if the pool falls short."""
    rng = random.Random(seed)
    used: set[str] = set()
    out: list[DrawnQuestion] = []
    for spec in sections:
        codes = pool.statements.get(spec.framework, [])
        drawn: list[PoolItem]
        if spec.kind == "count":
            drawn = _draw_count(rng, pool.standalone(spec.framework, spec.section), codes, spec.count, used)
            rng.shuffle(drawn)
        elif spec.kind == "per_statement":
            drawn = _draw_per_statement(rng, pool.standalone(spec.framework, spec.section), codes, spec.count, used)
        elif spec.kind == "scenarios":
            groups = pool.scenarios(spec.framework, spec.section)
            keys = [k for k in groups if not any(i.key in used for i in groups[k])]
            if len(keys) < spec.count:
                raise DrawError(f"needs {spec.count} scenarios, only {len(keys)} available")
            drawn = [item for key in rng.sample(keys, spec.count) for item in groups[key]]
        elif spec.kind == "items":
            by_key = {i.key: i for i in pool.items}
            missing = [k for k in spec.items if k not in by_key]
            if missing:
                raise DrawError(f"items not in the pool: {', '.join(missing)}")
            drawn = [by_key[k] for k in spec.items]
        else:
            raise DrawError(f"unknown draw kind {spec.kind!r}")
        for item in drawn:
            used.add(item.key)
            out.append(DrawnQuestion(item.version_id, item.key, spec.section, option_order(rng, item, shuffle_options), item.scenario))
    return out


def practice_set(pool_items: Sequence[PoolItem], weak_statements: Sequence[str], size: int, seed: int,
                 seen: frozenset[str] | set[str] = frozenset(), wrong: frozenset[str] | set[str] = frozenset()) -> list[DrawnQuestion]:
    """An untimed practice set of standalone items keyed to `weak_statements`.

    Items the candidate got wrong come first, then items never seen, then the rest; within
    each tier, picks go to the weak statement covered least so far.
    """
    rng = random.Random(seed)
    weak = list(dict.fromkeys(weak_statements))
    remaining = [i for i in pool_items if set(weak) & set(i.statements) and i.scenario is None]

    def tier(item: PoolItem) -> int:
        return 0 if item.key in wrong else 1 if item.key not in seen else 2

    coverage = {code: 0 for code in weak}
    chosen: list[PoolItem] = []
    while remaining and len(chosen) < size:
        best = min(tier(i) for i in remaining)
        candidates = [i for i in remaining if tier(i) == best]
        live = sorted({c for i in candidates for c in i.statements if c in coverage})
        least = min(coverage[c] for c in live)
        code = rng.choice([c for c in live if coverage[c] == least])
        item = rng.choice([i for i in candidates if code in i.statements])
        chosen.append(item)
        remaining.remove(item)
        for covered in item.statements:
            if covered in coverage:
                coverage[covered] += 1
    return [DrawnQuestion(i.version_id, i.key, i.section, option_order(rng, i, True), None) for i in chosen]
