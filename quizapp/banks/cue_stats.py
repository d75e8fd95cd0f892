"""The small statistics behind lint's cue rules (:mod:`quizapp.banks.cues`): pure functions on
counts, standard library only.

- :func:`wilson_interval`: the Wilson score interval of a proportion (good at small counts and
  at 0 or 100%, where the textbook "p +/- 1.96 SE" interval collapses to a point);
- :func:`chi_square_uniform` and :func:`chi_square_p`: Pearson's goodness of fit against equal
  counts, and its p-value (the regularised upper incomplete gamma function, by its series or its
  continued fraction as in *Numerical Recipes*, section 6.2);
- :func:`two_proportion_p`: the two-sided p-value of the pooled z-test that two proportions are
  equal.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Z_95 = 1.959963984540054
"""The two-sided 95% point of the standard normal distribution."""


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval (95% by default) of ``successes`` out of ``trials``;
    (0, 1) when there are no trials."""
    if trials <= 0:
        return 0.0, 1.0
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def chi_square_uniform(counts: Sequence[int]) -> tuple[float, float]:
    """Pearson's chi-square statistic of ``counts`` against equal expected counts, and its
    p-value with ``len(counts) - 1`` degrees of freedom. (0, 1) for fewer than two cells or
    no counts."""
    total = sum(counts)
    if len(counts) < 2 or total == 0:
        return 0.0, 1.0
    expected = total / len(counts)
    statistic = sum((c - expected) ** 2 for c in counts) / expected
    return statistic, chi_square_p(statistic, len(counts) - 1)


def chi_square_p(statistic: float, df: int) -> float:
    """P(X >= statistic) for X chi-square distributed with ``df`` degrees of freedom."""
    if statistic <= 0:
        return 1.0
    return _upper_gamma(df / 2, statistic / 2)


def two_proportion_p(k1: int, n1: int, k2: int, n2: int) -> float:
    """The two-sided p-value of the pooled z-test that k1/n1 and k2/n2 come from one
    proportion; 1.0 when either group is empty or the pooled proportion is 0 or 1."""
    if n1 <= 0 or n2 <= 0:
        return 1.0
    pooled = (k1 + k2) / (n1 + n2)
    if pooled in (0.0, 1.0):
        return 1.0
    z = (k1 / n1 - k2 / n2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return math.erfc(abs(z) / math.sqrt(2))


def _upper_gamma(a: float, x: float) -> float:
    """Q(a, x), the regularised upper incomplete gamma function."""
    log_prefix = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1:  # the series for P(a, x), then Q = 1 - P
        term = total = 1 / a
        n = a
        for _ in range(1000):
            n += 1
            term *= x / n
            total += term
            if abs(term) < abs(total) * 1e-15:
                break
        return max(0.0, 1 - total * math.exp(log_prefix))
    tiny = 1e-300  # Lentz's continued fraction for Q(a, x)
    b = x + 1 - a
    c, d = 1 / tiny, 1 / b
    h = d
    for i in range(1, 1000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-15:
            break
    return min(1.0, math.exp(log_prefix) * h)


__all__ = ["Z_95", "chi_square_p", "chi_square_uniform", "two_proportion_p", "wilson_interval"]
