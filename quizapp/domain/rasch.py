"""The Rasch model: calibrating items from scored responses, and a person's ability (docs/readiness.md).

Pure numpy and scipy; no Flask, no database. The model: a person of ability theta answers item j
(difficulty b_j) correctly with probability P = 1 / (1 + exp(-(theta - b_j))), on the logit scale.

- `calibrate`: marginal maximum likelihood. Abilities are N(0, sigma) (the mean fixed at 0 sets
  the scale's origin; sigma is estimated), integrated over a Gauss-Hermite grid, so a candidate
  who got everything right or wrong still counts and nobody needs an ability of their own. The
  difficulties and log sigma are found with scipy's L-BFGS-B on the exact gradient. Each response
  may be a score fraction in [0, 1] (partial credit): its log-likelihood x log P + (1 - x) log(1 - P)
  is the Bernoulli one, exact for 0/1 and a quasi-likelihood between, so the fitted model's
  expected score is the marked score. Missing responses (items a form did not have) are left out,
  which links forms through the items they share.
- Standard errors: the inverse of the cross-product of each person's score vector (the usual
  observed-information estimate for marginal ML).
- Infit and outfit mean squares: residuals at each person's EAP ability; both near 1 when the
  data fit the model, above about 1.3 noisy, below about 0.7 too predictable.
- `eap`: a person's ability given calibrated difficulties: the posterior mean and standard
  deviation on a grid, with the calibration's N(0, sigma) as the prior.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.polynomial.hermite_e import hermegauss
from scipy.optimize import minimize
from scipy.special import expit, log_expit

NODES = 41  # Gauss-Hermite points for the ability distribution
BOUND = 8.0  # difficulties and abilities are kept within +-BOUND logits
GRID = np.linspace(-6.0, 6.0, 241)  # the EAP grid, in units of the prior's sigma


@dataclass(frozen=True)
class Responses:
    """Scored responses: `persons[k]` answered `items[k]` with `scores[k]` in [0, 1]. Persons and
    items are 0-based indices; `n_persons` and `n_items` the sizes."""

    persons: np.ndarray
    items: np.ndarray
    scores: np.ndarray
    n_persons: int
    n_items: int

    @classmethod
    def of(cls, triples: Sequence[tuple[int, int, float]], n_persons: int, n_items: int) -> Responses:
        array = np.asarray(triples, dtype=float).reshape(-1, 3)
        return cls(array[:, 0].astype(int), array[:, 1].astype(int), np.clip(array[:, 2], 0.0, 1.0),
                   n_persons, n_items)

    def dense(self) -> tuple[np.ndarray, np.ndarray]:
        """(X, M): scores and a 0/1 mask, persons x items (a later response to the same cell wins)."""
        x = np.zeros((self.n_persons, self.n_items))
        m = np.zeros((self.n_persons, self.n_items))
        x[self.persons, self.items] = self.scores
        m[self.persons, self.items] = 1.0
        return x, m


@dataclass(frozen=True)
class Calibration:
    difficulty: np.ndarray  # b_j, logits
    se: np.ndarray  # standard error of b_j
    infit: np.ndarray  # information-weighted mean square
    outfit: np.ndarray  # unweighted mean square
    responses: np.ndarray  # responses per item
    facility: np.ndarray  # mean score per item
    sigma: float  # the ability distribution's standard deviation
    sigma_se: float
    log_likelihood: float
    converged: bool
    abilities: np.ndarray  # each person's EAP ability
    iterations: int


def probability(theta: np.ndarray | float, b: np.ndarray | float) -> np.ndarray:
    """P(correct) for abilities `theta` (column) against difficulties `b` (row), broadcast."""
    return expit(np.subtract.outer(np.asarray(theta, dtype=float), np.asarray(b, dtype=float)))


def _quadrature() -> tuple[np.ndarray, np.ndarray]:
    z, w = hermegauss(NODES)
    return z, w / w.sum()


def _posterior(params: np.ndarray, x: np.ndarray, m: np.ndarray, z: np.ndarray, w: np.ndarray):
    """The persons' posterior over the nodes, and what the likelihood and gradient need."""
    b, sigma = params[:-1], float(np.exp(params[-1]))
    theta = sigma * z
    logit = np.subtract.outer(theta, b)  # nodes x items
    log_p, log_q = log_expit(logit), log_expit(-logit)
    ll = x @ log_p.T + (m - x) @ log_q.T  # persons x nodes
    ll += np.log(w)
    top = ll.max(axis=1, keepdims=True)
    like = np.exp(ll - top)
    total = like.sum(axis=1, keepdims=True)
    post = like / total
    log_marginal = (np.log(total) + top).ravel()
    return post, log_marginal, theta, expit(logit)


def _person_scores(params, x, m, z, w) -> tuple[np.ndarray, np.ndarray]:
    """Each person's log marginal likelihood and its gradient (persons x (items + 1))."""
    post, log_marginal, theta, p = _posterior(params, x, m, z, w)
    expected = post @ p  # persons x items: E[P_j(theta) | person's answers]
    grad_b = -(x - m * expected)
    # d/d(log sigma): theta_q = sigma z_q, so d ll / d log sigma = theta_q * sum_j m (x - P_qj)
    residual = x.sum(axis=1, keepdims=True) - m @ p.T  # persons x nodes
    grad_s = (post * residual * theta).sum(axis=1, keepdims=True)
    return log_marginal, np.hstack([grad_b, grad_s])


def calibrate(responses: Responses, max_iterations: int = 500) -> Calibration:
    """Marginal ML estimates of the difficulties (and the abilities' sigma); see the module docstring.
    Every item should have responses that are neither all right nor all wrong (the caller leaves
    such items out: their difficulty is not finite)."""
    x, m = responses.dense()
    z, w = _quadrature()
    n_items = responses.n_items
    answered = m.sum(axis=0)
    facility = np.divide(x.sum(axis=0), answered, out=np.full(n_items, 0.5), where=answered > 0)
    start = np.append(np.log(np.clip(1 - facility, 0.02, 0.98) / np.clip(facility, 0.02, 0.98)), 0.0)

    def objective(params: np.ndarray) -> tuple[float, np.ndarray]:
        log_marginal, grads = _person_scores(params, x, m, z, w)
        return -float(log_marginal.sum()), -grads.sum(axis=0)

    bounds = [(-BOUND, BOUND)] * n_items + [(np.log(0.05), np.log(5.0))]
    result = minimize(objective, start, jac=True, method="L-BFGS-B", bounds=bounds,
                      options={"maxiter": max_iterations, "ftol": 1e-12, "gtol": 1e-6})
    params = result.x
    log_marginal, grads = _person_scores(params, x, m, z, w)
    information = grads.T @ grads
    try:
        covariance = np.linalg.inv(information)
        se_all = np.sqrt(np.clip(np.diag(covariance), 0.0, None))
    except np.linalg.LinAlgError:
        se_all = np.full(n_items + 1, np.nan)
    b, sigma = params[:-1], float(np.exp(params[-1]))
    post, _log_marginal, theta, _p = _posterior(params, x, m, z, w)
    abilities = post @ theta
    infit, outfit = fit_statistics(x, m, abilities, b)
    return Calibration(
        difficulty=b, se=se_all[:-1], infit=infit, outfit=outfit, responses=answered, facility=facility,
        sigma=sigma, sigma_se=float(sigma * se_all[-1]), log_likelihood=float(log_marginal.sum()),
        converged=bool(result.success), abilities=abilities, iterations=int(result.nit),
    )


def fit_statistics(x: np.ndarray, m: np.ndarray, abilities: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Infit and outfit mean squares per item, from residuals at the persons' abilities."""
    p = probability(abilities, b)
    variance = p * (1 - p)
    squared = m * (x - p) ** 2
    n = np.maximum(m.sum(axis=0), 1.0)
    outfit = (squared / np.maximum(variance, 1e-12)).sum(axis=0) / n
    infit = squared.sum(axis=0) / np.maximum((m * variance).sum(axis=0), 1e-12)
    return infit, outfit


@dataclass(frozen=True)
class Ability:
    theta: float  # posterior mean (EAP), logits
    se: float  # posterior standard deviation
    grid: np.ndarray  # abilities the posterior is held on
    weights: np.ndarray  # posterior probability of each grid point (sums to 1)
    answered: int  # responses used

    def quantile(self, q: float) -> float:
        """The ability below which the posterior puts probability q."""
        cumulative = np.cumsum(self.weights)
        return float(np.interp(q, cumulative, self.grid))


def eap(difficulties: Sequence[float], scores: Sequence[float], sigma: float = 1.0) -> Ability:
    """Expected a posteriori ability from scores in [0, 1] on items of known difficulty, with an
    N(0, sigma) prior (the calibration's ability distribution). With no responses it is the prior."""
    b = np.asarray(difficulties, dtype=float)
    x = np.clip(np.asarray(scores, dtype=float), 0.0, 1.0)
    grid = GRID * max(sigma, 0.05)
    logit = np.subtract.outer(grid, b)
    ll = (log_expit(logit) * x).sum(axis=1) + (log_expit(-logit) * (1 - x)).sum(axis=1)
    ll += -0.5 * (grid / max(sigma, 0.05)) ** 2
    weights = np.exp(ll - ll.max())
    weights /= weights.sum()
    mean = float(weights @ grid)
    sd = float(np.sqrt(weights @ (grid - mean) ** 2))
    return Ability(theta=mean, se=sd, grid=grid, weights=weights, answered=len(b))
