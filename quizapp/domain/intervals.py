"""Intervals and a significance test for the item analysis, as pure functions (no Flask, no
database). docs/item-analysis.md explains each with its formula.

- wilson           the Wilson score interval of a proportion (a facility): unlike p +/- z*SE it
                   stays inside 0 to 1 and is not zero-width at 0 or 1, where easy and hard
                   items live.
- fisher_z         the interval of a correlation (a discrimination, a distractor's
                   point-biserial) through Fisher's z = atanh(r): it stays inside -1 to 1 and is
                   lopsided near the ends, as the sampling distribution of r is.
- feldt            Feldt's (1965) interval for Cronbach's alpha, from the F distribution with
                   n - 1 and (n - 1)(k - 1) degrees of freedom.
- more_in_first    the one-sided Fisher exact test that a share is larger in one group than in
                   another (top against bottom third choosing a distractor): the hypergeometric
                   tail, exact for small groups.
"""

from __future__ import annotations

import math
from statistics import NormalDist

Interval = tuple[float, float]


def _z(level: float) -> float:
    return NormalDist().inv_cdf(0.5 + level / 2)


def wilson(proportion: float | None, n: int, level: float) -> Interval | None:
    """The Wilson score interval for a proportion observed in n trials; None when n is 0."""
    if proportion is None or n <= 0:
        return None
    z = _z(level)
    z2 = z * z
    centre = (proportion + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(max(proportion * (1 - proportion), 0.0) / n + z2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def fisher_z(r: float | None, n: int, level: float) -> Interval | None:
    """The interval of Pearson's r from n pairs: tanh(atanh(r) +/- z / sqrt(n - 3)). None when r is
    undefined or n < 4; a correlation of exactly +/-1 has no width to give."""
    if r is None or n < 4:
        return None
    if abs(r) >= 1:
        return (r, r)
    centre, half = math.atanh(r), _z(level) / math.sqrt(n - 3)
    return math.tanh(centre - half), math.tanh(centre + half)


def feldt(alpha: float | None, n: int, k: int, level: float) -> Interval | None:
    """Feldt's interval for Cronbach's alpha over n candidates and k questions: (1 - alpha) times an
    F quantile, from 1 - (1 - alpha) F(upper) to 1 - (1 - alpha) F(lower). None when undefined."""
    if alpha is None or n < 3 or k < 2:
        return None
    from scipy.stats import f  # imported here: only the item analysis page needs it

    df1, df2 = n - 1, (n - 1) * (k - 1)
    tail = (1 - level) / 2
    return 1 - (1 - alpha) * float(f.ppf(1 - tail, df1, df2)), 1 - (1 - alpha) * float(f.ppf(tail, df1, df2))


def more_in_first(first: int, first_of: int, second: int, second_of: int) -> float:
    """One-sided p-value of Fisher's exact test that the first group's share (first of first_of)
    is larger than the second's: the chance, with the margins fixed, of the first group holding at
    least `first` of the first + second who chose."""
    total, chose = first_of + second_of, first + second
    if chose == 0 or first_of == 0:
        return 1.0
    denominator = math.comb(total, chose)
    tail = sum(math.comb(first_of, x) * math.comb(second_of, chose - x)
               for x in range(first, min(first_of, chose) + 1))
    return min(1.0, tail / denominator)
