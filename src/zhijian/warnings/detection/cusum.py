"""An adaptive CUSUM on standardised counts, many series at once.

References: Page E.S. (1954). "Continuous inspection schemes". Biometrika 41(1/2): 100–115 (the
cumulative sum); Fricker R.D., Hegler B.L., Dunfee D.A. (2008). Statistics in Medicine 27(17):
3407–3429 (the adaptive form for surveillance: each count standardised by the mean and standard
deviation of a moving baseline, as EARS C2 does, so seasonality and drift are followed).

    z_t = (y_t − m_t) / max(s_t, σ_min),   m_t, s_t from weeks t−9 … t−3 (guard band of two)
    S_t = max(0, S_{t−1} + z_t − k),       S = 0 before the first judged week
    alarm when S_t > h; S restarts from 0 after an alarm.

The upper bound reported is the count that would take S_t to h:
``m_t + max(s_t, σ_min) · (h + k − S_{t−1})``, so alarm ⇔ y_t > upperbound. Defaults k = 0.5,
h = 4 (a shift of one standard deviation detected in about 8 periods at an in-control run length
of about 170, Hawkins D.M., Olwell D.H. (1998). Cumulative Sum Charts and Charting for Quality
Improvement, table 3.1), σ_min = 1 case so a flat baseline does not make every case an alarm.
"""

from __future__ import annotations

import numpy as np

from .ears import DEFAULT_BASELINE, _baseline_stats

GUARD = 2


def first_period(baseline: int = DEFAULT_BASELINE) -> int:
    """First judged period, 0-based."""
    return baseline + GUARD


def cusum(
    counts: np.ndarray,
    *,
    k: float = 0.5,
    h: float = 4.0,
    min_sigma: float = 1.0,
    baseline: int = DEFAULT_BASELINE,
) -> tuple[np.ndarray, np.ndarray]:
    """Upper bounds and alarms (NaN before the first judged week and after each series' end)."""
    counts = np.asarray(counts, dtype=float)
    if counts.ndim == 1:
        counts = counts[None, :]
    mean, sd = _baseline_stats(counts, baseline, GUARD)
    sigma = np.maximum(sd, min_sigma)
    upperbound = np.full(counts.shape, np.nan)
    alarm = np.full(counts.shape, np.nan)
    state = np.zeros(counts.shape[0])
    for t in range(first_period(baseline), counts.shape[1]):
        present = ~np.isnan(counts[:, t])
        z = (counts[:, t] - mean[:, t]) / sigma[:, t]
        upperbound[:, t] = np.where(present, mean[:, t] + sigma[:, t] * (h + k - state), np.nan)
        new_state = np.maximum(0.0, state + z - k)
        fired = present & (new_state > h)
        alarm[:, t] = np.where(present, fired.astype(float), np.nan)
        state = np.where(present, np.where(fired, 0.0, new_state), state)
    return upperbound, alarm
