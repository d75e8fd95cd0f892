"""The three statistics behind lint's cue rules, against values from statistical tables."""

from __future__ import annotations

import pytest

from quizapp.banks.cue_stats import chi_square_uniform, two_proportion_p, wilson_interval


@pytest.mark.parametrize(
    ("successes", "trials", "low", "high"),
    [
        (0, 12, 0.0, 0.2425),  # z^2 / (n + z^2)
        (12, 12, 0.7575, 1.0),
        (5, 10, 0.2366, 0.7634),
        (3, 27, 0.0385, 0.2806),
    ],
)
def test_wilson_interval(successes, trials, low, high):
    lo, hi = wilson_interval(successes, trials)
    assert lo == pytest.approx(low, abs=5e-4) and hi == pytest.approx(high, abs=5e-4)


def test_wilson_interval_of_nothing_is_everything():
    assert wilson_interval(0, 0) == (0.0, 1.0)


@pytest.mark.parametrize(
    ("statistic", "df", "p"),
    [(3.841, 1, 0.05), (7.815, 3, 0.05), (11.345, 3, 0.01), (14.067, 7, 0.05), (0.0, 3, 1.0), (1.0, 2, 0.6065)],
)
def test_chi_square_p_values_match_the_tables(statistic, df, p):
    from quizapp.banks.cue_stats import chi_square_p

    assert chi_square_p(statistic, df) == pytest.approx(p, abs=5e-4)


@pytest.mark.parametrize(
    ("counts", "statistic"),
    [([3, 3, 3, 3], 0.0), ([12, 0, 0, 0], 36.0), ([3, 19, 2, 3], 29.7407)],
)
def test_chi_square_against_uniform(counts, statistic):
    result, p = chi_square_uniform(counts)
    assert result == pytest.approx(statistic, abs=1e-3)
    assert (p < 0.05) is (statistic > 7.815)


@pytest.mark.parametrize(
    ("k1", "n1", "k2", "n2", "significant"),
    [(4, 72, 38, 156, True), (3, 25, 11, 55, False), (10, 100, 10, 100, False), (0, 10, 0, 30, False)],
)
def test_two_proportion_p(k1, n1, k2, n2, significant):
    assert (two_proportion_p(k1, n1, k2, n2) < 0.05) is significant
