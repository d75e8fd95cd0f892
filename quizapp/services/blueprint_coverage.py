"""Blueprint coverage: what a test's draws give candidates, estimated from many seeded draws.

For one test, from the live pool (what `quizapp.domain.assembly` draws from when a candidate starts):

- per section, how much is available for each draw (items or whole scenarios);
- per statement, how many questions a form holds on average (and the fewest and most);
- per item, its exposure: the share of forms it appears in;
- the expected overlap between two attempts of the same candidate. Each attempt is a fresh
  draw with a new random seed, so two attempts are independent draws, and the expected number
  of questions they share is the sum over items of P(item in form)^2. It is estimated without
  bias from the simulated forms as the average overlap over all pairs of different forms:
  sum over items of c(c - 1) / (N (N - 1)), where c is the number of the N forms holding the item.
  The same sum over scenarios gives the chance of meeting a case scenario again.

Pure functions over an assembly Pool (`simulate`), and one that loads the pool (`for_test`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from quizapp.domain.assembly import DrawError, DrawSpec, Pool, assemble

DEFAULT_DRAWS = 500


@dataclass(frozen=True)
class SectionSupply:
    section: str
    title: str
    framework: str
    kind: str  # count | per_statement | scenarios | items
    drawn: int  # items (or scenarios) a form takes
    available: int  # items (or scenarios) the pool offers for it
    unit: str  # "items" | "scenarios"

    @property
    def ratio(self) -> float | None:
        return self.available / self.drawn if self.drawn else None


@dataclass(frozen=True)
class StatementSampling:
    framework: str
    code: str
    mean: float
    fewest: int
    most: int
    share_with_any: float  # forms with at least one question keyed to it


@dataclass
class Coverage:
    draws: int
    sections: list[SectionSupply]
    statements: list[StatementSampling]
    exposure: dict[str, float]  # item key -> share of forms holding it
    form_length_mean: float
    form_length_range: tuple[int, int]
    expected_overlap: float  # questions two forms share, on average
    scenario_repeat: float | None  # chance two forms share a scenario (None: no scenario draws)
    error: str | None = None
    pool_items: int = 0
    never_drawn: list[str] = field(default_factory=list)

    @property
    def overlap_share(self) -> float:
        return self.expected_overlap / self.form_length_mean if self.form_length_mean else 0.0

    @property
    def fixed(self) -> bool:
        """Every form holds the same questions."""
        return bool(self.exposure) and all(share == 1.0 for share in self.exposure.values())

    @property
    def exposure_range(self) -> tuple[float, float]:
        values = list(self.exposure.values())
        return (min(values), max(values)) if values else (0.0, 0.0)


def supply(pool: Pool, specs: Sequence[DrawSpec]) -> list[SectionSupply]:
    out = []
    for spec in specs:
        if spec.kind == "scenarios":
            available, unit, drawn = len(pool.scenarios(spec.framework, spec.section)), "scenarios", spec.count
        elif spec.kind == "items":
            available, unit, drawn = len(spec.items), "items", len(spec.items)
        elif spec.kind == "per_statement":
            codes = pool.statements.get(spec.framework, [])
            available, unit, drawn = len(pool.standalone(spec.framework, spec.section)), "items", spec.count * len(codes)
        else:
            available, unit, drawn = len(pool.standalone(spec.framework, spec.section)), "items", spec.count
        out.append(SectionSupply(spec.section, "", spec.framework, spec.kind, drawn, available, unit))
    return out


def _pair_rate(counts: Counter[str], n: int) -> float:
    """The average, over all ordered pairs of different forms, of how many keys they share."""
    if n < 2:
        return 0.0
    return sum(c * (c - 1) for c in counts.values()) / (n * (n - 1))


def simulate(pool: Pool, specs: Sequence[DrawSpec], *, shuffle_options: bool = True, draws: int = DEFAULT_DRAWS,
             seed: int = 0) -> Coverage:
    """Assemble `draws` forms with seeds seed, seed + 1, ... and summarise them."""
    by_key = {item.key: item for item in pool.items}
    frameworks = list(dict.fromkeys(spec.framework for spec in specs))
    codes = [(fw, code) for fw in frameworks for code in pool.statements.get(fw, [])]
    item_counts: Counter[str] = Counter()
    scenario_counts: Counter[str] = Counter()
    per_statement: dict[tuple[str, str], list[int]] = {c: [] for c in codes}
    lengths: list[int] = []
    sections = supply(pool, specs)
    for n in range(draws):
        try:
            form = assemble(pool, specs, seed + n, shuffle_options)
        except DrawError as error:
            return Coverage(0, sections, [], {}, 0.0, (0, 0), 0.0, None, error=str(error), pool_items=len(pool.items))
        lengths.append(len(form))
        counts: Counter[tuple[str, str]] = Counter()
        for question in form:
            item_counts[question.key] += 1
            item = by_key[question.key]
            for fw in frameworks:  # its codes of each framework drawn, also_keyed ones included
                for code in item.keyed(fw):
                    counts[(fw, code)] += 1
        for scenario in {q.scenario for q in form if q.scenario is not None}:
            scenario_counts[scenario] += 1
        for key in per_statement:
            per_statement[key].append(counts.get(key, 0))
    statements = [
        StatementSampling(fw, code, sum(values) / len(values), min(values), max(values),
                          sum(1 for v in values if v) / len(values))
        for (fw, code), values in per_statement.items() if values
    ]
    drawable: set[str] = set()
    for spec in specs:
        if spec.kind == "items":
            drawable.update(spec.items)
        elif spec.kind == "scenarios":
            drawable.update(i.key for group in pool.scenarios(spec.framework, spec.section).values() for i in group)
        else:
            drawable.update(i.key for i in pool.standalone(spec.framework, spec.section))
    has_scenarios = any(spec.kind == "scenarios" for spec in specs)
    return Coverage(
        draws=draws,
        sections=sections,
        statements=statements,
        exposure={key: count / draws for key, count in sorted(item_counts.items())},
        form_length_mean=sum(lengths) / len(lengths),
        form_length_range=(min(lengths), max(lengths)),
        expected_overlap=_pair_rate(item_counts, draws),
        scenario_repeat=_pair_rate(scenario_counts, draws) if has_scenarios else None,
        pool_items=len(drawable),
        never_drawn=sorted(drawable - set(item_counts)) if not all(s.kind == "items" for s in specs) else [],
    )


def for_test(session: Session, test: object, *, draws: int = DEFAULT_DRAWS, seed: int = 0) -> Coverage:
    """Coverage of a TestForm's blueprint over the live pool."""
    from .attempts import draw_specs, load_pool

    specs = draw_specs(test)  # type: ignore[arg-type]
    pool = load_pool(session, {spec.framework for spec in specs}, test.organisation_id)
    coverage = simulate(pool, specs, shuffle_options=bool(test.blueprint.get("shuffle_options", True)),  # type: ignore[attr-defined]
                        draws=draws, seed=seed)
    titles = [s.get("title", "") for s in test.blueprint["sections"]]  # type: ignore[attr-defined]
    coverage.sections = [SectionSupply(s.section, title, s.framework, s.kind, s.drawn, s.available, s.unit)
                         for s, title in zip(coverage.sections, titles, strict=True)]
    return coverage
