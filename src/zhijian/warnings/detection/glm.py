"""Quasi-Poisson log-linear GLMs on many rows at once, for the Farrington detectors.

Every row is one (series, week) pair and all rows share one design: a factor (the seasonal group
of each reference week) plus, optionally, a linear time trend,

    log μ_i = α_{g(i)} + β·t_i,       prior weights ω_i (1 unless re-weighted).

The quasi-Poisson estimates are the Poisson maximum-likelihood ones (McCullagh P., Nelder J.A.
(1989). Generalized Linear Models, 2nd ed., §9.2). With one intercept per group they separate:
for a given β, ``e^{α_g} = Y_g / E_g(β)`` with ``Y_g = Σ_{i∈g} ω_i y_i`` and
``E_g(β) = Σ_{i∈g} ω_i e^{β t_i}``, so only β is iterated — Newton's method on the profile
score ``U(β) = Σ ω_i t_i y_i − Σ_g Y_g A_g/E_g`` (``A_g = Σ ω_i t_i e^{βt_i}``), whose negative
derivative ``H = Σ_g Y_g (B_g/E_g − (A_g/E_g)²)`` (``B_g = Σ ω_i t_i² e^{βt_i}``) is also the
Schur complement ``s`` of the weighted normal equations. Without a trend the fit is closed-form.
Each Newton step costs a few passes over the rows (one exp, three group sums as matrix products),
so hundreds of thousands of fits take seconds.

At the optimum the working weights are w_i = ω_i μ_i, the group weight S_g = Σ_{i∈g} w_i = Y_g,
the hat values are h_i = w_i (1/S_g + (t_i − t̄_g)²/s) with t̄_g = A_g/E_g, and the unscaled
variance of the linear predictor at (g, t) is 1/S_g + (t − t̄_g)²/s — all that Farrington needs.
R's ``glm.fit`` reaches the same optimum by IRLS and stops when the deviance changes by less than
1e-8 relatively; the two agree to that precision (tests/warnings/test_against_r.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TOLERANCE = 1e-12  # on the Newton step for β
MAX_ITERATIONS = 60
MAX_STEP = 0.02  # per week; keeps Newton inside the region where it converges


@dataclass
class Fit:
    """A fitted batch: per-row coefficients and what the Farrington steps read from them."""

    mu: np.ndarray  # (N, n) fitted means
    alpha: np.ndarray  # (N, p) group intercepts (−inf for a group without cases)
    beta: np.ndarray  # (N,) trend slope (0 without trend)
    group_weight: np.ndarray  # (N, p) S_g
    group_time: np.ndarray  # (N, p) t̄_g
    spread: np.ndarray  # (N,) s (inf without trend)
    hat: np.ndarray | None  # (N, n) hat values, when asked for
    dispersion: np.ndarray  # (N,) Pearson χ² / residual df
    converged: np.ndarray  # (N,) bool
    df_residual: int


def _group_sums(e: np.ndarray, t: np.ndarray, member: np.ndarray):
    et = e * t
    return e @ member, et @ member, (et * t) @ member


def _newton_beta(prior, t, member, y_g, ty):
    """β maximising the profile likelihood, for every row; and whether each row converged."""
    n_rows = y_g.shape[0]
    beta = np.zeros(n_rows)
    converged = np.zeros(n_rows, dtype=bool)
    ids = np.arange(n_rows)
    w_prior, w_yg, w_ty = prior, y_g, ty
    for _ in range(MAX_ITERATIONS):
        e = np.exp(np.multiply.outer(beta[ids], t))
        if w_prior is not None:
            e *= w_prior
        big_e, big_a, big_b = _group_sums(e, t, member)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(w_yg > 0, big_a / big_e, 0.0)
            score = w_ty - (w_yg * ratio).sum(axis=1)
            info = (w_yg * np.where(w_yg > 0, big_b / big_e - ratio * ratio, 0.0)).sum(axis=1)
            step = np.where(info > 0, score / info, 0.0)
        step = np.clip(step, -MAX_STEP, MAX_STEP)
        beta[ids] += step
        done = np.abs(step) < TOLERANCE
        converged[ids[done]] = True
        if done.all():
            break
        keep = ~done
        ids, w_yg, w_ty = ids[keep], w_yg[keep], w_ty[keep]
        w_prior = w_prior[keep] if w_prior is not None else None
    return beta, converged


def fit_quasipoisson(
    y: np.ndarray,
    groups: np.ndarray,
    n_groups: int,
    time: np.ndarray,
    *,
    trend: bool,
    prior: np.ndarray | None = None,
    hat: bool = False,
) -> Fit:
    """Fit log E[y_i] = α_{groups[i]} (+ β·time[i]) for every row of ``y`` (shape N × n)."""
    n_rows, n_obs = y.shape
    member = np.zeros((n_obs, n_groups))
    member[np.arange(n_obs), groups] = 1.0
    t = np.asarray(time, dtype=float)
    py = prior * y if prior is not None else y
    y_g = py @ member
    if trend:
        beta, converged = _newton_beta(prior, t, member, y_g, py @ t)
        e = np.exp(np.multiply.outer(beta, t))
        if prior is not None:
            e *= prior
        big_e, big_a, big_b = _group_sums(e, t, member)
    else:
        beta = np.zeros(n_rows)
        converged = np.ones(n_rows, dtype=bool)
        big_e = (
            prior @ member if prior is not None else np.broadcast_to(member.sum(axis=0), (n_rows, n_groups))
        )
        big_a = big_b = None
    with np.errstate(divide="ignore", invalid="ignore"):
        level = y_g / big_e  # e^{α_g}
        alpha = np.log(level)
        mu = np.take(level, groups, axis=1)
        if trend:
            mu *= np.exp(np.multiply.outer(beta, t))
            group_time = np.where(y_g > 0, big_a / big_e, 0.0)
            spread = (y_g * np.where(y_g > 0, big_b / big_e - group_time * group_time, 0.0)).sum(axis=1)
        else:
            group_time = np.zeros((n_rows, n_groups))
            spread = np.full(n_rows, np.inf)
        weights = prior * mu if prior is not None else mu
        df_residual = n_obs - n_groups - (1 if trend else 0)
        pearson = np.where(mu > 0, (y - mu) ** 2 / mu, 0.0)
        if prior is not None:
            pearson *= prior
        dispersion = pearson.sum(axis=1) / df_residual if df_residual > 0 else np.full(n_rows, np.nan)
        hat_values = None
        if hat:
            hat_values = np.take(np.where(y_g > 0, 1.0 / y_g, 0.0), groups, axis=1)
            if trend:
                centred = t[None, :] - np.take(group_time, groups, axis=1)
                hat_values += centred * centred / spread[:, None]
            hat_values *= weights
    return Fit(
        mu=mu,
        alpha=alpha,
        beta=beta,
        group_weight=y_g,
        group_time=group_time,
        spread=spread,
        hat=hat_values,
        dispersion=dispersion,
        converged=converged,
        df_residual=df_residual,
    )
