"""The Rasch model (domain/rasch.py): the fit on data of known difficulty, partial credit, EAP."""

from __future__ import annotations

import numpy as np
import pytest

from quizapp.domain import rasch


def _data(seed: int, persons: int, items: int, per_form: int, sigma: float = 1.0):
    rng = np.random.default_rng(seed)
    b = rng.normal(0, 1, items)
    theta = rng.normal(0, sigma, persons)
    triples = []
    for p in range(persons):
        for j in rng.choice(items, per_form, replace=False):
            triples.append((p, j, float(rng.random() < 1 / (1 + np.exp(-(theta[p] - b[j]))))))
    return b, rasch.Responses.of(triples, persons, items)


def test_difficulties_ses_and_sigma_are_recovered_on_linked_forms():
    b, responses = _data(7, persons=600, items=60, per_form=20, sigma=1.3)
    fit = rasch.calibrate(responses)
    assert fit.converged
    assert np.corrcoef(fit.difficulty, b)[0, 1] > 0.97
    # The standard errors are honest: about 95% of the estimates are within 1.96 SE of the truth.
    covered = np.mean(np.abs(fit.difficulty - b) / fit.se < 1.96)
    assert 0.88 <= covered <= 1.0
    assert fit.sigma == pytest.approx(1.3, abs=3 * fit.sigma_se + 0.05)
    assert 0.85 < fit.infit.mean() < 1.1 and 0.8 < fit.outfit.mean() < 1.1


def test_an_item_answered_against_the_model_misfits():
    """Item 0 answered right more by the weaker candidates (every answer flipped), as with a wrong key:
    its mean squares rise well above 1."""
    b, responses = _data(8, persons=500, items=20, per_form=20)
    rng = np.random.default_rng(1)
    scores = responses.scores.copy()
    noisy = responses.items == 0
    scores[noisy] = 1 - scores[noisy]
    fit = rasch.calibrate(rasch.Responses(responses.persons, responses.items, scores, 500, 20))
    assert fit.infit[0] > 1.2 and fit.outfit[0] > 1.2
    assert np.median(fit.infit[1:]) < 1.05


def test_score_fractions_are_the_expected_scores():
    """Partial credit as a score fraction: an item where everyone scores 0.5 sits where P = 0.5
    on average, between an easy and a hard dichotomous item."""
    triples = []
    for p in range(200):
        triples += [(p, 0, 0.5), (p, 1, float(p % 5 != 0)), (p, 2, float(p % 5 == 0))]
    fit = rasch.calibrate(rasch.Responses.of(triples, 200, 3))
    assert fit.difficulty[1] < fit.difficulty[0] < fit.difficulty[2]
    assert fit.facility[0] == pytest.approx(0.5)


def test_eap_moves_with_the_answers_and_narrows_with_more_of_them():
    b = np.linspace(-2, 2, 10)
    low = rasch.eap(b, [1, 1, 0, 0, 0, 0, 0, 0, 0, 0])
    high = rasch.eap(b, [1, 1, 1, 1, 1, 1, 1, 1, 0, 0])
    assert low.theta < 0 < high.theta
    more = rasch.eap(np.tile(b, 4), [1, 1, 1, 1, 1, 1, 1, 1, 0, 0] * 4)
    assert more.se < high.se and more.answered == 40
    prior = rasch.eap([], [], sigma=1.5)
    assert prior.theta == pytest.approx(0, abs=1e-9) and prior.se == pytest.approx(1.5, rel=0.01)
    assert prior.quantile(0.5) == pytest.approx(0, abs=0.05)
    assert prior.quantile(0.9) == pytest.approx(1.5 * 1.2816, abs=0.05)
