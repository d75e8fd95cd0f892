"""Readiness (domain/readiness.py): a fresh form's pass chance, the words, a cohort's distribution,
and the seeded honesty check (domain/readiness_check.py) at the issue's sizes."""

from __future__ import annotations

import numpy as np
import pytest

from quizapp.domain import rasch, readiness, readiness_check

FORM = readiness.FreshForm(30, 60.0, tuple(np.linspace(-1.5, 1.5, 60)))


def test_the_cut_is_where_the_expected_score_meets_the_pass_mark():
    cut = FORM.cut_theta()
    assert float(FORM.expected_fraction(cut)[0]) == pytest.approx(0.60, abs=1e-5)
    assert FORM.needed == 18
    chances = FORM.pass_given(np.array([-2.0, cut, 2.0]))
    assert chances[0] < 0.05 and 0.45 < chances[1] < 0.65 and chances[2] > 0.95
    assert readiness.FreshForm(30, 100.0, (0.0,)).cut_theta() == rasch.BOUND


@pytest.mark.parametrize(("probability", "words"), [
    (0.95, "Very likely to pass"), (0.8, "Very likely to pass"), (0.75, "Likely to pass"),
    (0.5, "Could go either way"), (0.39, "Unlikely to pass"), (0.05, "Very unlikely to pass"),
])
def test_words_for_a_probability(probability, words):
    assert readiness.words_for(probability) == words


def test_a_prediction_has_an_interval_around_it_in_words_and_numbers():
    ability = rasch.eap(np.tile(np.linspace(-1.5, 1.5, 30), 2), [1] * 44 + [0] * 16)
    p = readiness.predict(FORM, ability)
    assert p.low < p.probability < p.high
    assert p.sentence() == (f"{p.words}: about {round(100 * p.probability)}%, "
                            f"between {round(100 * p.low)}% and {round(100 * p.high)}%")
    fewer = readiness.predict(FORM, rasch.eap(np.linspace(-1.5, 1.5, 30), [1] * 22 + [0] * 8))
    assert fewer.high - fewer.low > p.high - p.low  # less evidence, a wider interval


def test_a_cohorts_distribution_counts_bands_with_ranges():
    abilities = [rasch.eap(np.linspace(-1.5, 1.5, 30), [1] * k + [0] * (30 - k)) for k in range(6, 30, 2)]
    d = readiness.distribution(FORM, abilities, draws=200, seed=1)
    assert d.candidates == 12
    assert [b.words for b in d.bands] == [words for _low, words in readiness.BANDS]
    assert all(b.low <= b.count <= b.high for b in d.bands)
    assert d.passes_low <= d.expected_passes <= d.passes_high
    assert d == readiness.distribution(FORM, abilities, draws=200, seed=1)  # seeded


@pytest.mark.slow
def test_calibration_recovers_difficulties_and_predictions_are_calibrated():
    """The issue's honesty check: 1,000 calibration candidates, 10,000 predicted ones (seeded)."""
    result = readiness_check.run(seed=2026, calibration_candidates=1000, prediction_candidates=10000)
    assert result.correlation >= 0.95
    assert result.worst_gap <= 0.05, "\n".join(result.lines())
    assert [d.candidates for d in result.deciles] == [1000] * 10
    assert result.brier < 0.6 * result.brier_base  # far better than one rate for everyone
