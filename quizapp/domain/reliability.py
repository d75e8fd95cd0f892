"""Reliability of a test form, as pure functions on a response matrix (one row per attempt, one
column per question position, scores 0 to 1): Cronbach's alpha (KR-20 for 0/1 scores), alpha with
each question left out, and the standard error of measurement. No Flask, no database. Feldt's
interval for alpha is in quizapp.domain.intervals; the item analysis (item_stats) uses all three."""

from __future__ import annotations

import math
from collections.abc import Sequence


def variance(values: Sequence[float]) -> float | None:
    """Sample variance (divides by n - 1); None for fewer than two values."""
    n = len(values)
    if n < 2:
        return None
    m = sum(values) / n
    return sum((v - m) ** 2 for v in values) / (n - 1)


def cronbach_alpha(matrix: Sequence[Sequence[float]]) -> float | None:
    """Cronbach's alpha of a response matrix (one row per attempt, one column per question
    position, every row the same length): k / (k - 1) * (1 - sum of column variances / variance
    of the row totals). For 0/1 scores this is KR-20, since a 0/1 column's variance is p(1 - p)
    (times n / (n - 1), which cancels with the total's). None when it is undefined (fewer than
    two rows or columns, or totals that do not vary)."""
    if len(matrix) < 2:
        return None
    k = len(matrix[0])
    if k < 2 or any(len(row) != k for row in matrix):
        return None
    totals = [sum(row) for row in matrix]
    total_variance = variance(totals)
    if not total_variance:
        return None
    parts = sum(variance([row[j] for row in matrix]) or 0.0 for j in range(k))
    return k / (k - 1) * (1 - parts / total_variance)


def alpha_if_deleted(matrix: Sequence[Sequence[float]]) -> list[float | None]:
    """Cronbach's alpha of the rest of the test without each column (question position) in turn:
    a column whose removal raises alpha pulls against the others."""
    k = len(matrix[0]) if matrix else 0
    return [cronbach_alpha([list(row[:j]) + list(row[j + 1:]) for row in matrix]) for j in range(k)] if k > 2 else []


def standard_error_of_measurement(sd_value: float | None, alpha: float | None) -> float | None:
    """SD x sqrt(1 - alpha); None when alpha is unknown (or above 1, which cannot happen)."""
    if sd_value is None or alpha is None or alpha > 1:
        return None
    return sd_value * math.sqrt(1 - alpha)
