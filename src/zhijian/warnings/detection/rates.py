"""A test for rates (failures out of tests): is this period's failure rate above its history?

Sampling results are rates, not counts: 3 failures mean little out of 300 tests and much out of
10. Each period's failures x_t out of n_t tests are compared with the ``baseline`` preceding
periods (after a guard band):

* Binomial test (Clopper C.J., Pearson E.S. (1934), Biometrika 26(4): 404–413) when the history
  shows no extra-binomial variation: p = P(X ≥ x_t), X ~ Bin(n_t, p̂), p̂ = Σx / Σn.
* Beta-binomial test when it does (Williams D.A. (1975). "The analysis of binary responses from
  toxicological experiments involving reproduction and teratogenicity". Biometrics 31(4):
  949–952; Tarone R.E. (1979). "Testing the goodness of fit of the binomial distribution".
  Biometrika 66(3): 585–590): the period rate is drawn from Beta(a, b) fitted to the history by
  the method of moments (Kleinman J.C. (1973). "Proportions with extraneous variance: single and
  independent samples". JASA 68(341): 46–54), intra-class correlation
  ρ = (S − p̂(1−p̂)·Σ(1/n_i)/m) / (p̂(1−p̂)(1 − Σ(1/n_i)/m)), with S the weighted variance of
  the period rates; a = p̂(1−ρ)/ρ, b = (1−p̂)(1−ρ)/ρ; p = P(X ≥ x_t), X ~ BetaBin(n_t, a, b).

Alarm when p < α (default 0.01). The upper bound is the largest failure count that does not
alarm, so alarm ⇔ x_t > upperbound.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import betabinom, binom

BASELINE = 12
GUARD = 1


def first_period(baseline: int = BASELINE, guard: int = GUARD) -> int:
    return baseline + guard


def _upper(dist, n: np.ndarray, alpha: float, *shape) -> np.ndarray:
    """Largest x with P(X ≥ x) ≥ α (the largest count that does not alarm), by bisection on integers."""
    lo = np.zeros_like(n)
    hi = n.copy()
    # Invariant: sf(lo − 1) = P(X ≥ lo) ≥ α; find the largest such lo.
    for _ in range(int(np.ceil(np.log2(max(float(n.max(initial=1)), 1.0)))) + 2):
        mid = np.ceil((lo + hi) / 2)
        ok = dist.sf(mid - 1, n, *shape) >= alpha
        lo = np.where(ok, mid, lo)
        hi = np.where(ok, hi, mid - 1)
    return lo


def rate_test(
    failures: np.ndarray,
    tests: np.ndarray,
    *,
    alpha: float = 0.01,
    baseline: int = BASELINE,
    guard: int = GUARD,
) -> dict[str, np.ndarray]:
    """Per series and period: p-value, upper bound, alarm, baseline rate and ρ (NaN where not judged).

    ``failures`` and ``tests`` are (series × periods) arrays; periods without tests are not judged.
    """
    x = np.atleast_2d(np.asarray(failures, dtype=float))
    n = np.atleast_2d(np.asarray(tests, dtype=float))
    shape = x.shape
    p_value = np.full(shape, np.nan)
    upper = np.full(shape, np.nan)
    rate = np.full(shape, np.nan)
    rho = np.full(shape, np.nan)
    start = first_period(baseline, guard)
    for t in range(start, shape[1]):
        hx = x[:, t - guard - baseline : t - guard]
        hn = n[:, t - guard - baseline : t - guard]
        valid = hn > 0
        periods = valid.sum(axis=1)
        total_n = np.where(valid, hn, 0).sum(axis=1)
        total_x = np.where(valid, hx, 0).sum(axis=1)
        judge = (n[:, t] > 0) & (periods >= 2) & (total_n > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            p_hat = total_x / total_n
            period_rate = np.where(valid, hx / np.where(valid, hn, 1), 0)
            spread = (np.where(valid, hn, 0) * (period_rate - p_hat[:, None]) ** 2).sum(axis=1) / (
                total_n * (periods - 1) / periods
            )
            inv_n = np.where(valid, 1 / np.where(valid, hn, 1), 0).sum(axis=1) / periods
            pq = p_hat * (1 - p_hat)
            r = (spread - pq * inv_n) / (pq * (1 - inv_n))
        r = np.where(np.isfinite(r), np.clip(r, 0.0, 0.999), 0.0)
        # A zero baseline rate would make any failure infinitely surprising: borrow half a failure.
        p_hat = np.where(p_hat > 0, p_hat, 0.5 / np.maximum(total_n, 1))
        over = judge & (r > 1e-9)
        plain = judge & ~over
        nt = n[:, t]
        if plain.any():
            p_value[plain, t] = binom.sf(x[plain, t] - 1, nt[plain], p_hat[plain])
            upper[plain, t] = _upper(binom, nt[plain], alpha, p_hat[plain])
        if over.any():
            a = p_hat[over] * (1 - r[over]) / r[over]
            b = (1 - p_hat[over]) * (1 - r[over]) / r[over]
            p_value[over, t] = betabinom.sf(x[over, t] - 1, nt[over], a, b)
            upper[over, t] = _upper(betabinom, nt[over], alpha, a, b)
        rate[judge, t] = p_hat[judge]
        rho[judge, t] = r[judge]
    alarm = np.where(np.isnan(p_value), np.nan, (p_value < alpha).astype(float))
    return {"p_value": p_value, "upperbound": upper, "alarm": alarm, "baseline_rate": rate, "rho": rho}
