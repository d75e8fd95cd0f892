"""Readiness: the chance of passing a fresh form, from an ability estimate (docs/readiness.md).

Pure numpy and scipy. A fresh form is `n` questions drawn from the calibrated pool. At ability
theta each drawn question is answered right with probability pbar(theta), the mean of the pool's
Rasch probabilities, so the form's score is Binomial(n, pbar(theta)) and

    P(pass | theta) = P(score >= pass mark x n).

The pass mark converts to a cut on the ability scale, `cut_theta`: where the expected percent
score, pbar(theta), equals the pass mark. The prediction for a candidate is P(pass | theta)
averaged over their posterior ability (the probability of passing the next fresh form, counting
both what we do not know about them and the luck of the draw); its interval is P(pass | theta)
at the 10th and 90th percentiles of that posterior (an 80% interval for the chance at their
true level).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import brentq
from scipy.stats import binom

from . import rasch

LOWER_Q, UPPER_Q = 0.10, 0.90  # the interval: 10th to 90th percentile of the ability posterior
# Words for a probability of passing: (lowest probability, words), highest first.
BANDS: tuple[tuple[float, str], ...] = (
    (0.80, "Very likely to pass"),
    (0.60, "Likely to pass"),
    (0.40, "Could go either way"),
    (0.20, "Unlikely to pass"),
    (0.0, "Very unlikely to pass"),
)


@dataclass(frozen=True)
class FreshForm:
    """What a fresh form is: its length, the pass mark and the calibrated pool it is drawn from."""

    n_items: int
    pass_mark_percent: float
    difficulties: tuple[float, ...]
    # P(pass | theta) on each ability grid asked for (the EAP grid depends only on sigma).
    _on_grid: dict[tuple[float, int], np.ndarray] = field(default_factory=dict, compare=False, repr=False)

    @property
    def needed(self) -> int:
        """Questions right (full marks) a form needs to reach the pass mark."""
        return max(0, math.ceil(self.pass_mark_percent * self.n_items / 100 - 1e-9))

    def expected_fraction(self, theta: np.ndarray | float) -> np.ndarray:
        return np.atleast_2d(rasch.probability(theta, self.difficulties)).mean(axis=-1)

    def pass_given(self, theta: np.ndarray | float) -> np.ndarray:
        """P(pass | theta) for each ability."""
        pbar = self.expected_fraction(np.atleast_1d(theta))
        return binom.sf(self.needed - 1, self.n_items, pbar)

    def cut_theta(self) -> float:
        """The ability whose expected percent score is the pass mark (the pass mark on the logit
        scale); +-BOUND when the pass mark is out of reach either way."""
        target = self.pass_mark_percent / 100

        def gap(theta: float) -> float:
            return float(self.expected_fraction(theta)[0]) - target

        low, high = -rasch.BOUND, rasch.BOUND
        if gap(low) >= 0:
            return low
        if gap(high) <= 0:
            return high
        return float(brentq(gap, low, high, xtol=1e-6))


@dataclass(frozen=True)
class Prediction:
    probability: float  # of passing the next fresh form
    low: float  # the 80% interval for the chance at the candidate's true level
    high: float
    theta: float
    se: float
    answered: int

    @property
    def words(self) -> str:
        return words_for(self.probability)

    def sentence(self) -> str:
        """"Likely to pass: about 75%, between 60% and 87%"."""
        return (f"{self.words}: about {percent(self.probability)}, "
                f"between {percent(self.low)} and {percent(self.high)}")


def words_for(probability: float) -> str:
    return next(words for lowest, words in BANDS if probability >= lowest)


def percent(probability: float) -> str:
    return f"{round(100 * probability):d}%"


def predict(form: FreshForm, ability: rasch.Ability) -> Prediction:
    """The candidate's chance of passing a fresh form, with its interval (module docstring)."""
    key = (float(ability.grid[-1]), len(ability.grid))
    chance = form._on_grid.get(key)
    if chance is None:
        chance = form._on_grid[key] = form.pass_given(ability.grid)
    probability = float(chance @ ability.weights)
    low, high = form.pass_given(np.array([ability.quantile(LOWER_Q), ability.quantile(UPPER_Q)]))
    return Prediction(probability=probability, low=float(low), high=float(high), theta=ability.theta,
                      se=ability.se, answered=ability.answered)


@dataclass(frozen=True)
class BandCount:
    words: str
    count: int  # candidates whose chance at their true level is in the band (the median over draws)
    low: int  # the 80% range of that count, drawing each candidate's ability from their posterior
    high: int


@dataclass(frozen=True)
class Distribution:
    candidates: int
    bands: tuple[BandCount, ...]
    expected_passes: float  # sum of the predictions: how many would pass a fresh form today
    passes_low: int
    passes_high: int


def distribution(form: FreshForm, abilities: Sequence[rasch.Ability], draws: int = 400,
                 seed: int = 0) -> Distribution:
    """A cohort's readiness without anyone's answers: how many candidates' chance of passing at
    their true level is in each band, and how many would pass a fresh form today, each as the
    median and 80% range over `draws` seeded draws of every candidate's ability from their
    posterior (and, for passes, of the form's luck). The expected passes are the sum of the
    candidates' predictions."""
    rng = np.random.default_rng(seed)
    predictions = [predict(form, a) for a in abilities]
    n = len(abilities)
    drawn_bands = np.zeros((draws, len(BANDS)), dtype=int)
    drawn_passes = np.zeros(draws, dtype=int)
    if n:
        cumulative = np.array([np.cumsum(a.weights) for a in abilities])  # candidates x grid
        grids = np.array([a.grid for a in abilities])
        for d in range(draws):
            u = rng.random(n)
            index = np.minimum((cumulative < u[:, None]).sum(axis=1), grids.shape[1] - 1)
            theta = grids[np.arange(n), index]
            chance = form.pass_given(theta)
            for k, (lowest, _words) in enumerate(BANDS):
                upper = BANDS[k - 1][0] if k else 1.01
                drawn_bands[d, k] = int(((chance >= lowest) & (chance < upper)).sum())
            drawn_passes[d] = int((rng.random(n) < chance).sum())
    bands = tuple(
        BandCount(words, int(np.median(drawn_bands[:, k])), int(np.percentile(drawn_bands[:, k], 10)),
                  int(np.percentile(drawn_bands[:, k], 90)))
        for k, (_lowest, words) in enumerate(BANDS)
    )
    return Distribution(
        candidates=n, bands=bands, expected_passes=float(sum(p.probability for p in predictions)),
        passes_low=int(np.percentile(drawn_passes, 10)), passes_high=int(np.percentile(drawn_passes, 90)),
    )
