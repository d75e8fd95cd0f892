"""Parallel mock forms: splitting a pool into disjoint, balanced fixed forms, and measuring
how much two random draws would share instead.

Pure: everything takes items already loaded (a :class:`~quizapp.banks.model.BankSet`, or the
small :class:`Candidate` records made from it) and returns ids; nothing is read or written.
``scripts/make_mock_forms.py`` uses it to write the mock blueprints in ``question_banks/tests/``.

The rules of a split (:func:`split_knowledge`), for ``forms`` forms of ``size`` items each:

1. An item counts for its *first* statement (its primary statement).
2. Every form gets the same number of items per statement (:func:`statement_quotas`): ``size``
   spread as evenly as possible over the statements (18 over 10 statements: 2 each for 8 of
   them, 1 each for the other 2); the extra items go to the statements with the most items
   to spare, ties in framework order.
3. No item is in two forms, and no item in ``exclude`` is used (e.g. the items of other forms).
4. Within a statement, the forms take turns; each picks the item whose type its form needs
   most, as the unfilled share of that type's target (type targets are the pool's type mix,
   scaled to ``size``), then the item that keeps
   its mean difficulty closest to the pool's (a missing difficulty counts as 2), then the
   first in a seeded shuffle. The scarcest statements are filled first.
5. Each form's items are finally put in a seeded random order, so statements are mixed.

Scenarios are split whole (:func:`split_scenarios`): of every way to give each form
``per_form`` different scenarios, the one whose weakest form covers the most statements wins,
then the one with the closest total difficulty, then the closest mix of types, then the
lowest scenario ids.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from statistics import fmean

from quizapp.domain.assembly import DrawSpec, Pool, PoolItem, assemble
from quizapp.banks.model import BankSet, Item, TestBlueprint

DEFAULT_DIFFICULTY = 2


class FormError(ValueError):
    """The pool cannot supply the forms asked for."""


@dataclass(frozen=True)
class Candidate:
    """What a split needs to know about one item."""

    key: str
    statements: tuple[str, ...]
    type: str
    difficulty: int = DEFAULT_DIFFICULTY
    scenario: str | None = None

    @classmethod
    def of(cls, item: Item) -> Candidate:
        difficulty = item.difficulty if item.difficulty is not None else DEFAULT_DIFFICULTY
        return cls(item.key, item.statements, item.type, difficulty, item.scenario)


@dataclass(frozen=True)
class ScenarioCandidate:
    """A scenario and its items, in authored order."""

    key: str
    items: tuple[Candidate, ...]

    @property
    def statements(self) -> frozenset[str]:
        return frozenset(code for item in self.items for code in item.statements)

    @property
    def difficulty(self) -> int:
        return sum(item.difficulty for item in self.items)


# --------------------------------------------------------------------------------------
# From a bank set


def knowledge_candidates(bank_set: BankSet, framework: str, section: str = "knowledge") -> list[Candidate]:
    """The standalone items of ``section`` in ``framework``'s banks."""
    return [Candidate.of(item) for bank in bank_set.banks.values() if bank.framework == framework
            for item in bank.items if item.section == section]


def scenario_candidates(bank_set: BankSet, framework: str, section: str = "reasoning") -> list[ScenarioCandidate]:
    """The scenarios of ``framework``'s banks whose items are all of ``section``."""
    return [ScenarioCandidate(s.key, tuple(Candidate.of(i) for i in s.items))
            for bank in bank_set.banks.values() if bank.framework == framework
            for s in bank.scenarios if s.items and all(i.section == section for i in s.items)]


# --------------------------------------------------------------------------------------
# Knowledge forms


def statement_quotas(codes: Sequence[str], size: int, available: Mapping[str, int], forms: int = 2) -> dict[str, int]:
    """Items per statement in each form (rule 2). Raises FormError when a statement has fewer
    than ``quota x forms`` items, or there are no statements."""
    if not codes:
        raise FormError("no statements to spread the items over")
    base, extra = divmod(size, len(codes))
    spare_order = sorted(codes, key=lambda c: (-(available.get(c, 0) - base * forms), codes.index(c)))
    quotas = {code: base for code in codes}
    for code in spare_order[:extra]:
        quotas[code] += 1
    short = [f"{code} has {available.get(code, 0)} items, needs {quotas[code] * forms}"
             for code in codes if available.get(code, 0) < quotas[code] * forms]
    if short:
        raise FormError(f"{forms} forms of {size} items cannot be made: " + "; ".join(short))
    return quotas


@dataclass
class _Form:
    items: list[Candidate] = field(default_factory=list)
    types: Counter[str] = field(default_factory=Counter)
    difficulty: int = 0

    def add(self, item: Candidate) -> None:
        self.items.append(item)
        self.types[item.type] += 1
        self.difficulty += item.difficulty

    def cost(self, item: Candidate, type_target: Mapping[str, int], mean_difficulty: float) -> tuple[float, float]:
        """Lower is better: the share of the item's type target still unfilled (negated), then
        how far the item moves the form's mean difficulty from the pool's."""
        target = type_target.get(item.type, 0)
        need = (target - self.types[item.type]) / target if target else -1.0 - self.types[item.type]
        drift = abs(self.difficulty + item.difficulty - mean_difficulty * (len(self.items) + 1))
        return (-need, drift)


def split_knowledge(candidates: Iterable[Candidate], codes: Sequence[str], size: int, *, forms: int = 2,
                    exclude: Iterable[str] = (), seed: int = 0) -> list[list[str]]:
    """``forms`` disjoint forms of ``size`` item ids, balanced by statement, type and difficulty
    (the rules in the module docstring). Deterministic for a given pool and seed."""
    rng = random.Random(seed)
    excluded = set(exclude)
    pool = sorted((c for c in candidates if c.key not in excluded and c.statements and c.statements[0] in codes),
                  key=lambda c: c.key)
    by_code: dict[str, list[Candidate]] = {code: [] for code in codes}
    for item in pool:
        by_code[item.statements[0]].append(item)
    for items in by_code.values():
        rng.shuffle(items)
    quotas = statement_quotas(codes, size, {c: len(v) for c, v in by_code.items()}, forms)
    type_target = apportion(Counter(c.type for c in pool), size)
    mean_difficulty = fmean(c.difficulty for c in pool)
    built = [_Form() for _ in range(forms)]
    turn = 0
    for code in sorted(codes, key=lambda c: (len(by_code[c]) / max(quotas[c] * forms, 1), codes.index(c))):
        for _ in range(quotas[code]):
            for f in range(forms):
                form = built[(turn + f) % forms]
                best = min(by_code[code], key=lambda c, form=form: form.cost(c, type_target, mean_difficulty))
                by_code[code].remove(best)
                form.add(best)
            turn += 1
    out = []
    for form in built:
        keys = [item.key for item in form.items]
        rng.shuffle(keys)
        out.append(keys)
    return out


def apportion(counts: Mapping[str, int], size: int) -> dict[str, int]:
    """``size`` shared in proportion to ``counts`` (largest remainder, ties by name)."""
    total = sum(counts.values())
    if not total:
        return {}
    exact = {k: size * n / total for k, n in counts.items()}
    out = {k: int(v) for k, v in exact.items()}
    for k in sorted(exact, key=lambda k: (-(exact[k] - out[k]), k))[: size - sum(out.values())]:
        out[k] += 1
    return out


# --------------------------------------------------------------------------------------
# Scenario forms


def split_scenarios(scenarios: Iterable[ScenarioCandidate], per_form: int, *, forms: int = 2,
                    exclude: Iterable[str] = ()) -> list[list[str]]:
    """``forms`` disjoint lists of ``per_form`` scenario ids (the rule in the module
    docstring). Tries every choice, so keep it to banks of a few dozen scenarios."""
    excluded = set(exclude)
    eligible = sorted((s for s in scenarios if s.key not in excluded), key=lambda s: s.key)
    need = per_form * forms
    if len(eligible) < need:
        raise FormError(f"{forms} forms of {per_form} scenarios need {need} scenarios, only {len(eligible)} available")
    best: tuple[tuple, list[list[ScenarioCandidate]]] | None = None
    for chosen in combinations(eligible, need):
        for groups in _partitions(list(chosen), per_form):
            score = _scenario_score(groups)
            if best is None or score < best[0]:
                best = (score, groups)
    assert best is not None
    return [[s.key for s in group] for group in best[1]]


def _partitions(items: list[ScenarioCandidate], size: int) -> Iterator[list[list[ScenarioCandidate]]]:
    """Every way to cut ``items`` into unordered groups of ``size`` (the first item's group first)."""
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for companions in combinations(rest, size - 1):
        remaining = [s for s in rest if s not in companions]
        for tail in _partitions(remaining, size):
            yield [[first, *companions], *tail]


def _scenario_score(groups: list[list[ScenarioCandidate]]) -> tuple:
    covered = [len(frozenset().union(*(s.statements for s in g))) for g in groups]
    difficulty = [sum(s.difficulty for s in g) for g in groups]
    types = [Counter(i.type for s in g for i in s.items) for g in groups]
    kinds = set().union(*types)
    type_spread = sum(max(t[k] for t in types) - min(t[k] for t in types) for k in kinds)
    return (-min(covered), max(difficulty) - min(difficulty), type_spread, [[s.key for s in g] for g in groups])


def scenario_items(scenarios: Iterable[ScenarioCandidate], keys: Sequence[str]) -> list[str]:
    """The item ids of the scenarios ``keys``, scenario by scenario, in authored order."""
    by_key = {s.key: s for s in scenarios}
    return [item.key for key in keys for item in by_key[key].items]


# --------------------------------------------------------------------------------------
# Drawing from a bank set (for tests and measurements, without a database)


def pool_from_bank_set(bank_set: BankSet) -> Pool:
    """An assembly pool of every item in ``bank_set`` (version ids are positions, from 1)."""
    items = [
        PoolItem(version_id=n, key=item.key, framework=item.framework, section=item.section,
                 statements=item.statements, type=item.type, n_options=len(item.options),
                 scenario=item.scenario, position=item.position,
                 also=tuple((key, codes) for key, codes in item.also_keyed.items()))
        for n, item in enumerate(bank_set.items(), start=1)
    ]
    statements = {key: [s.code for s in fw.statements] for key, fw in bank_set.frameworks.items()}
    return Pool(items, statements)


def draw_specs(test: TestBlueprint) -> list[DrawSpec]:
    """The assembly draw specs of a blueprint's sections."""
    return [DrawSpec(s.section, s.framework, s.draw.kind, s.draw.count, s.draw.items) for s in test.sections]


def shared_items(first: Iterable[str], second: Iterable[str]) -> int:
    return len(set(first) & set(second))


def mean_random_overlap(pool: Pool, specs: Sequence[DrawSpec], pairs: int = 200) -> float:
    """The mean number of items two independent random forms of ``specs`` share, over
    ``pairs`` seeded pairs: what a candidate taking "mock A" then "mock B" would meet again
    if both were random draws."""
    total = 0
    for n in range(pairs):
        a = assemble(pool, specs, seed=2 * n)
        b = assemble(pool, specs, seed=2 * n + 1)
        total += shared_items((q.key for q in a), (q.key for q in b))
    return total / pairs


__all__ = [
    "Candidate",
    "FormError",
    "ScenarioCandidate",
    "apportion",
    "draw_specs",
    "knowledge_candidates",
    "mean_random_overlap",
    "pool_from_bank_set",
    "scenario_candidates",
    "scenario_items",
    "shared_items",
    "split_knowledge",
    "split_scenarios",
    "statement_quotas",
]
