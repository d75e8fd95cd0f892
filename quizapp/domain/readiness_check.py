"""Is readiness honest? A seeded experiment on simulated candidates of known ability (docs/readiness.md).

Pure numpy; the same code the service uses (rasch.calibrate, rasch.eap, readiness.predict).

1. A pool of items with known Rasch difficulties, N(0, 1).
2. A calibration cohort of candidates with known abilities, N(0, sigma); each takes one form of
   `form_length` questions drawn at random from the pool (so the forms overlap and link through
   their shared items) and answers each right with the Rasch probability.
3. The pool is calibrated from those responses alone: how well do the estimated difficulties
   match the true ones (correlation, root mean square error)?
4. A second cohort takes one form each; from it, each candidate's EAP ability and predicted
   chance of passing a fresh form at the pass mark. Then each takes a fresh form (true
   difficulties, a new draw) and passes or not. Grouped in tenths by prediction, the mean
   prediction and the observed pass rate should agree (within 5 points); the Brier score is the
   mean squared difference between prediction and outcome.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import rasch, readiness


@dataclass(frozen=True)
class Decile:
    candidates: int
    predicted: float  # mean prediction
    observed: float  # pass rate on the fresh form


@dataclass(frozen=True)
class CheckResult:
    correlation: float
    rmse: float
    sigma_true: float
    sigma_estimated: float
    deciles: tuple[Decile, ...]
    brier: float
    brier_base: float  # the Brier score of predicting the overall pass rate for everyone
    worst_gap: float  # largest |predicted - observed| over the deciles
    predictions: np.ndarray
    outcomes: np.ndarray
    truth: np.ndarray  # the pool's true difficulties
    estimated: np.ndarray  # and the calibrated ones

    def lines(self) -> list[str]:
        out = [
            f"Difficulty recovery: correlation {self.correlation:.3f}, RMSE {self.rmse:.3f} logits",
            f"Ability SD: true {self.sigma_true:.2f}, estimated {self.sigma_estimated:.2f}",
            f"Brier score {self.brier:.4f} (predicting the overall pass rate for everyone: {self.brier_base:.4f})",
            f"Largest gap in a tenth: {100 * self.worst_gap:.1f} points",
            "Tenth  Candidates  Predicted  Observed",
        ]
        out += [f"{k + 1:>5}  {d.candidates:>10}  {100 * d.predicted:>8.1f}%  {100 * d.observed:>7.1f}%"
                for k, d in enumerate(self.deciles)]
        return out


def simulate_responses(rng: np.random.Generator, abilities: np.ndarray, difficulties: np.ndarray,
                       form_length: int, discrimination: np.ndarray | None = None,
                       guessing: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Each candidate's form (item indices, persons x form_length) and 0/1 scores on it. With
    `discrimination` and `guessing` the answers follow the 3PL model instead of the Rasch one:
    P = c + (1 - c) / (1 + exp(-a (theta - b)))."""
    pool = len(difficulties)
    forms = np.array([rng.choice(pool, form_length, replace=False) for _ in abilities])
    a = np.ones(pool) if discrimination is None else discrimination
    p = guessing + (1 - guessing) / (1 + np.exp(-a * np.subtract.outer(abilities, difficulties)))
    p = p[np.arange(len(abilities))[:, None], forms]
    return forms, (rng.random(forms.shape) < p).astype(float)


def run(seed: int = 2026, pool: int = 120, form_length: int = 30, calibration_candidates: int = 1000,
        prediction_candidates: int = 10000, pass_mark_percent: float = 60.0, sigma: float = 1.0,
        model: str = "rasch") -> CheckResult:
    """The experiment (module docstring). `model="3pl"` makes the candidates break the Rasch
    model as the demo's do: discriminations from 0.5 to 2 and a one-in-four chance of guessing
    right, to show what happens to the predictions when its assumptions fail."""
    rng = np.random.default_rng(seed)
    truth = rng.normal(0.0, 1.0, pool)
    a = rng.uniform(0.5, 2.0, pool) if model == "3pl" else None
    c = 0.25 if model == "3pl" else 0.0
    abilities = rng.normal(0.0, sigma, calibration_candidates)
    forms, scores = simulate_responses(rng, abilities, truth, form_length, a, c)
    persons = np.repeat(np.arange(calibration_candidates), form_length)
    responses = rasch.Responses(persons, forms.ravel(), scores.ravel(), calibration_candidates, pool)
    fitted = rasch.calibrate(responses)
    estimated = fitted.difficulty
    correlation = float(np.corrcoef(estimated, truth)[0, 1])
    rmse = float(np.sqrt(np.mean((estimated - truth) ** 2)))

    form = readiness.FreshForm(form_length, pass_mark_percent, tuple(float(b) for b in estimated))
    true_form = readiness.FreshForm(form_length, pass_mark_percent, tuple(float(b) for b in truth))
    new_abilities = rng.normal(0.0, sigma, prediction_candidates)
    taken, taken_scores = simulate_responses(rng, new_abilities, truth, form_length, a, c)
    predictions = np.array([
        readiness.predict(form, rasch.eap(estimated[items], row, fitted.sigma)).probability
        for items, row in zip(taken, taken_scores, strict=True)
    ])
    _fresh, fresh_scores = simulate_responses(rng, new_abilities, truth, form_length, a, c)
    outcomes = (fresh_scores.sum(axis=1) >= true_form.needed).astype(float)

    order = np.argsort(predictions, kind="stable")
    deciles = tuple(
        Decile(len(group), float(predictions[group].mean()), float(outcomes[group].mean()))
        for group in np.array_split(order, 10)
    )
    brier = float(np.mean((predictions - outcomes) ** 2))
    base = float(np.mean((outcomes.mean() - outcomes) ** 2))
    return CheckResult(
        correlation=correlation, rmse=rmse, sigma_true=sigma, sigma_estimated=fitted.sigma, deciles=deciles,
        brier=brier, brier_base=base, worst_gap=max(abs(d.predicted - d.observed) for d in deciles),
        predictions=predictions, outcomes=outcomes, truth=truth, estimated=estimated,
    )
