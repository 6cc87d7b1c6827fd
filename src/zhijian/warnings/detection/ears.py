"""EARS C1, C2 and C3 (Early Aberration Reporting System) on many series at once.

Reference: Hutwagner L., Thompson W., Seeman G.M., Treadwell T. (2003). "The bioterrorism
preparedness and response Early Aberration Reporting System (EARS)". Journal of Urban Health 80(2
Suppl 1): i89–i96; and Fricker R.D., Hegler B.L., Dunfee D.A. (2008). "Comparing syndromic
surveillance detection methods: EARS' versus a CUSUM-based methodology". Statistics in Medicine
27(17): 3407–3429, which writes the three statistics out:

* C1: baseline the ``baseline`` (7) periods just before ``t``;
  ``C1_t = (y_t - mean) / sd``.
* C2: the same baseline moved back by a guard band of two periods (``t-9 … t-3``).
* C3: ``C3_t = Σ_{j=0..2} max(0, C2_{t-j} - 1)``.

The threshold is written as an upper bound on the count, ``mean + z_{1-α} · max(sd, minSigma)``,
so that alarm ⇔ ``y_t > upperbound``; α defaults to 0.001 for C1/C2 and 0.025 for C3.

C3 follows R ``surveillance::earsC`` (version 1.20.3) exactly, because the platform's EARS must
agree with that reference implementation: there the C3 upper bound is
``y_t + sd_t · (z - max(0, C2_{t-2} - 1) - max(0, C2_{t-1} - 1))`` (floored at 0), which alarms
when the two *previous* periods' excesses sum to more than ``z`` — the current period enters only
through its C2 baseline. ``docs/warnings.md`` records this difference from Fricker's C3.

Every function takes a matrix ``counts`` of shape (series, periods) — shorter series padded at
the end with NaN — and returns (upperbound, alarm) of the same shape, NaN where the method does
not judge (too little history, or an undefined statistic). Alarm is 1.0/0.0/NaN.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy.stats import norm

DEFAULT_BASELINE = 7


def first_period(method: str, baseline: int = DEFAULT_BASELINE) -> int:
    """The first period (0-based) the method can judge: C1 needs ``baseline``, C2 two more, C3 four more."""
    return baseline + {"C1": 0, "C2": 2, "C3": 4}[method]


def _baseline_stats(counts: np.ndarray, baseline: int, lag: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and sample SD of ``counts[:, t-lag-baseline : t-lag]`` for each t (NaN where short)."""
    n_series, n_periods = counts.shape
    mean = np.full((n_series, n_periods), np.nan)
    sd = np.full((n_series, n_periods), np.nan)
    start = baseline + lag
    if n_periods <= start:
        return mean, sd
    windows = sliding_window_view(counts, baseline, axis=1)[:, : n_periods - start]
    mean[:, start:] = windows.mean(axis=2)
    sd[:, start:] = windows.std(axis=2, ddof=1)
    return mean, sd


def _alarm(counts: np.ndarray, upperbound: np.ndarray) -> np.ndarray:
    alarm = np.where(counts > upperbound, 1.0, 0.0)
    alarm[np.isnan(upperbound) | np.isnan(counts)] = np.nan
    return alarm


def ears(
    counts: np.ndarray,
    method: str = "C1",
    *,
    baseline: int = DEFAULT_BASELINE,
    alpha: float | None = None,
    min_sigma: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Upper bounds and alarms of EARS ``method`` ("C1", "C2" or "C3") for every period of every series."""
    if baseline < 3:
        raise ValueError("EARS needs a baseline of at least 3 periods")
    counts = np.asarray(counts, dtype=float)
    if counts.ndim == 1:
        counts = counts[None, :]
    if alpha is None:
        alpha = 0.025 if method == "C3" else 0.001
    z = norm.ppf(1 - alpha)
    if method == "C1":
        mean, sd = _baseline_stats(counts, baseline, 0)
        upperbound = mean + z * np.maximum(sd, min_sigma)
    elif method == "C2":
        mean, sd = _baseline_stats(counts, baseline, 2)
        upperbound = mean + z * np.maximum(sd, min_sigma)
    elif method == "C3":
        mean, sd = _baseline_stats(counts, baseline, 2)
        sigma = np.maximum(sd, min_sigma)
        with np.errstate(divide="ignore", invalid="ignore"):
            c2 = (counts - mean) / sigma
            excess = np.maximum(0.0, c2 - 1.0)
            upperbound = np.full_like(counts, np.nan)
            upperbound[:, 2:] = counts[:, 2:] + sigma[:, 2:] * (z - excess[:, :-2] - excess[:, 1:-1])
        upperbound = np.maximum(0.0, upperbound)
        upperbound[:, : first_period("C3", baseline)] = np.nan
    else:
        raise ValueError(f"unknown EARS method {method!r}")
    return upperbound, _alarm(counts, upperbound)
