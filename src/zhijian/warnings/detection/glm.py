"""Quasi-Poisson log-linear GLMs fitted by IRLS on many rows at once, for the Farrington detectors.

Every row is one (series, week) pair and shares one design: a factor (the seasonal group of each
reference week) plus, optionally, a linear time trend. With the factor coded as one intercept per
group, the weighted normal equations have a closed form, so each IRLS step is a handful of
matrix-vector sums over the rows instead of a p×p solve per row:

    α_g = (Z_g − β·T_g) / S_g,     β = (ZT − Σ_g T_g·Z_g/S_g) / s,     s = Q − Σ_g T_g²/S_g

with S_g = Σ_{i∈g} w_i, T_g = Σ w_i t_i, Z_g = Σ w_i z_i, Q = Σ w_i t_i², ZT = Σ w_i t_i z_i.
The hat values are h_i = w_i (1/S_g + (t_i − t̄_g)²/s) and the unscaled variance of the linear
predictor at (g, t) is 1/S_g + (t − t̄_g)²/s, which is all Farrington needs. The iteration, its
starting values (μ = y + 0.1), its convergence test (|dev − dev_old| / (|dev| + 0.1) < 1e-8,
at most 25 steps) and the quantities reported after it (working weights of the last step,
Pearson dispersion on the residual degrees of freedom) are those of R's ``glm.fit`` (McCullagh P.,
Nelder J.A. (1989). Generalized Linear Models, 2nd ed., ch. 2.5), so the fits agree with R's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EPSILON = 1e-8
MAX_ITERATIONS = 25


@dataclass
class Fit:
    """A fitted batch: per-row coefficients and what the Farrington steps read from them."""

    mu: np.ndarray  # (N, n) fitted means
    alpha: np.ndarray  # (N, p) group intercepts
    beta: np.ndarray  # (N,) trend slope (0 without trend)
    group_weight: np.ndarray  # (N, p) S_g with the last step's working weights
    group_time: np.ndarray  # (N, p) t̄_g
    spread: np.ndarray  # (N,) s (inf without trend)
    hat: np.ndarray  # (N, n) hat values
    dispersion: np.ndarray  # (N,) Pearson χ² / residual df
    converged: np.ndarray  # (N,) bool
    df_residual: int


def _deviance(y: np.ndarray, mu: np.ndarray, prior: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(y > 0, y * np.log(y / mu), 0.0)
    return 2.0 * (prior * (term - (y - mu))).sum(axis=1)


def fit_quasipoisson(
    y: np.ndarray,
    groups: np.ndarray,
    n_groups: int,
    time: np.ndarray,
    *,
    trend: bool,
    prior: np.ndarray | None = None,
) -> Fit:
    """Fit log E[y_i] = α_{groups[i]} (+ β·time[i]) for every row of ``y`` (shape N × n)."""
    n_rows, n_obs = y.shape
    if prior is None:
        prior = np.ones_like(y)
    member = np.zeros((n_obs, n_groups))
    member[np.arange(n_obs), groups] = 1.0
    t = np.asarray(time, dtype=float)
    t2 = t * t

    mu = y + 0.1
    eta = np.log(mu)
    dev_old = _deviance(y, mu, prior)
    converged = np.zeros(n_rows, dtype=bool)
    active = np.ones(n_rows, dtype=bool)
    alpha = np.zeros((n_rows, n_groups))
    beta = np.zeros(n_rows)
    weight_sum = np.ones((n_rows, n_groups))
    time_sum = np.zeros((n_rows, n_groups))
    spread = np.full(n_rows, np.inf)
    last_weights = prior * mu

    for _ in range(MAX_ITERATIONS):
        rows = np.flatnonzero(active)
        if rows.size == 0:
            break
        y_a, mu_a, eta_a, prior_a = y[rows], mu[rows], eta[rows], prior[rows]
        w = prior_a * mu_a
        wz = w * (eta_a + (y_a - mu_a) / mu_a)
        s_g = w @ member
        z_g = wz @ member
        with np.errstate(divide="ignore", invalid="ignore"):
            if trend:
                t_g = (w * t) @ member
                q = w @ t2
                zt = wz @ t
                s = q - (t_g * t_g / s_g).sum(axis=1)
                b = (zt - (t_g * z_g / s_g).sum(axis=1)) / s
                a = (z_g - b[:, None] * t_g) / s_g
            else:
                t_g = np.zeros_like(s_g)
                s = np.full(rows.size, np.inf)
                b = np.zeros(rows.size)
                a = z_g / s_g
        new_eta = a @ member.T + b[:, None] * t
        new_mu = np.exp(new_eta)
        dev = _deviance(y_a, new_mu, prior_a)
        done = np.abs(dev - dev_old[rows]) / (np.abs(dev) + 0.1) < EPSILON
        alpha[rows], beta[rows], eta[rows], mu[rows] = a, b, new_eta, new_mu
        weight_sum[rows], time_sum[rows], spread[rows] = s_g, t_g, s
        last_weights[rows] = w
        dev_old[rows] = dev
        converged[rows] = done
        active[rows[done]] = False

    with np.errstate(divide="ignore", invalid="ignore"):
        group_time = time_sum / weight_sum
        centred = t[None, :] - group_time @ member.T
        hat = last_weights * ((1.0 / weight_sum) @ member.T + centred * centred / spread[:, None])
        df_residual = n_obs - n_groups - (1 if trend else 0)
        pearson = (last_weights * ((y - mu) / mu) ** 2).sum(axis=1)
        dispersion = pearson / df_residual if df_residual > 0 else np.full(n_rows, np.nan)
    return Fit(
        mu=mu,
        alpha=alpha,
        beta=beta,
        group_weight=weight_sum,
        group_time=group_time,
        spread=spread,
        hat=hat,
        dispersion=dispersion,
        converged=converged,
        df_residual=df_residual,
    )
