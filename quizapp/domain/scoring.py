"""The scoring rules, as pure functions (documented in docs/scoring.md).

An answer is always expressed in *authored* option indices (the order in the YAML), never in the
shuffled order a candidate saw, so shuffling can never change a score:
- single: ``[i]``, the chosen option;
- multiple: the chosen options, in any order;
- ordering: every option once, in the order the candidate put them (the key is 0, 1, 2, ...).

Item scores are in [0, 1]. A missing or malformed answer scores 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

ALL_OR_NOTHING = "all-or-nothing"
PARTIAL = "partial"


def score_single(correct: int, answer: Sequence[int] | None) -> float:
    """1 if the one chosen option is the correct one, else 0."""
    return 1.0 if answer is not None and len(answer) == 1 and answer[0] == correct else 0.0


def score_multiple(correct: Iterable[int], answer: Sequence[int] | None, rule: str = ALL_OR_NOTHING) -> float:
    """all-or-nothing: 1 only for exactly the correct set.
    partial: (right choices - wrong choices) / number of correct options, never below 0."""
    if not answer:
        return 0.0
    key = set(correct)
    chosen = set(answer)
    if rule == PARTIAL:
        right = len(chosen & key)
        wrong = len(chosen - key)
        return max(0.0, (right - wrong) / len(key))
    return 1.0 if chosen == key else 0.0


def discordant_pairs(order: Sequence[int]) -> int:
    """Pairs of options the candidate put the wrong way round relative to the key (0, 1, 2, ...)."""
    return sum(1 for i in range(len(order)) for j in range(i + 1, len(order)) if order[i] > order[j])


def is_complete_order(n_options: int, answer: Sequence[int] | None) -> bool:
    return answer is not None and sorted(answer) == list(range(n_options))


def score_ordering(n_options: int, answer: Sequence[int] | None, rule: str = ALL_OR_NOTHING) -> float:
    """all-or-nothing: 1 only for the authored order.
    partial: 1 - discordant pairs / all pairs (Kendall's distance, scaled)."""
    if not is_complete_order(n_options, answer):
        return 0.0
    assert answer is not None
    if rule == PARTIAL:
        pairs = n_options * (n_options - 1) // 2
        return 1.0 - discordant_pairs(answer) / pairs if pairs else 1.0
    return 1.0 if list(answer) == list(range(n_options)) else 0.0


# -- aggregation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementScore:
    code: str
    items: int
    score: float  # sum of the scores of the items keyed to the statement

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.items if self.items else 0.0


def statement_scores(scored_items: Iterable[tuple[Sequence[str], float]]) -> dict[str, StatementScore]:
    """Per statement: the sum of item scores / number of items, for every statement an item is
    keyed to (an item keyed to two statements counts fully for both)."""
    totals: dict[str, list[float]] = {}
    for codes, score in scored_items:
        for code in dict.fromkeys(codes):
            entry = totals.setdefault(code, [0, 0.0])
            entry[0] += 1
            entry[1] += score
    return {code: StatementScore(code, int(n), s) for code, (n, s) in totals.items()}


def percent(total: float, maximum: float) -> float:
    return 100.0 * total / maximum if maximum else 0.0


def passed(percent_score: float, pass_mark_percent: float) -> bool:
    """Pass when the overall percent reaches the pass mark (a small tolerance absorbs float noise)."""
    return percent_score + 1e-9 >= pass_mark_percent


def band_for(percent_score: float, bands: Sequence[Mapping[str, object]]) -> str:
    """The label of the first band (highest `min_percent` first) that the percent reaches."""
    for band in sorted(bands, key=lambda b: float(b["min_percent"]), reverse=True):  # type: ignore[arg-type]
        if percent_score + 1e-9 >= float(band["min_percent"]):  # type: ignore[arg-type]
            return str(band["label"])
    return str(bands[-1]["label"]) if bands else ""
