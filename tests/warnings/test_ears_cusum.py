"""EARS C1/C2/C3 and the CUSUM against cases worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import norm

from zhijian.warnings.detection import cusum, ears


def test_c1_bound_is_mean_plus_z_sd_of_the_seven_weeks_before():
    # Given seven baseline weeks 2,4,4,4,5,5,7: mean 31/7, sample SD sqrt(Σ(x−m)²/6)
    counts = np.array([2, 4, 4, 4, 5, 5, 7, 12], dtype=float)
    mean = 31 / 7
    sd = math.sqrt(sum((x - mean) ** 2 for x in counts[:7]) / 6)
    # When C1 judges week 8
    upper, alarm = ears.ears(counts, "C1")
    # Then the bound is m + z_{0.999}·sd = 4.4286 + 3.0902·1.5119 and 12 is above it
    assert upper[0, 7] == pytest.approx(mean + norm.ppf(0.999) * sd, rel=1e-12)
    assert upper[0, 7] == pytest.approx(9.100, abs=1e-3)
    assert alarm[0, 7] == 1.0
    assert np.isnan(upper[0, :7]).all() and np.isnan(alarm[0, :7]).all()


def test_c2_skips_a_guard_band_of_two_weeks():
    counts = np.array([1, 1, 1, 1, 1, 1, 3, 50, 50, 4], dtype=float)
    upper, alarm = ears.ears(counts, "C2")
    # Week 10 is judged on weeks 1..7 (mean 9/7, sd of six 1s and a 3); the 50s are ignored.
    base = counts[:7]
    expected = base.mean() + norm.ppf(0.999) * base.std(ddof=1)
    assert upper[0, 9] == pytest.approx(expected, rel=1e-12)
    assert alarm[0, 9] == 1.0  # 4 > 1.2857 + 3.0902·0.7559 = 3.621
    assert np.isnan(upper[0, 8])  # week 9 has only six weeks before its guard band


def test_c3_follows_r_surveillance_previous_two_excesses():
    # C2 values: weeks 10 and 11 far above their baseline, week 12 back to normal.
    counts = np.array([2, 3, 2, 3, 2, 3, 2, 3, 2, 9, 9, 2], dtype=float)
    upper, alarm = ears.ears(counts, "C3")
    sd_12 = np.std(counts[2:9], ddof=1)
    c2 = {}
    for week in (10, 11):
        base = counts[week - 10 : week - 3]
        c2[week] = (counts[week - 1] - base.mean()) / base.std(ddof=1)
    z = norm.ppf(0.975)
    expected = counts[11] + sd_12 * (z - max(0, c2[10] - 1) - max(0, c2[11] - 1))
    assert upper[0, 11] == pytest.approx(max(0.0, expected), rel=1e-12)
    # R alarms when the two previous weeks' excesses exceed z, even though week 12 is normal.
    assert alarm[0, 11] == 1.0


def test_flat_baseline_alarms_on_any_rise_and_not_on_equal():
    counts = np.array([[3] * 7 + [3], [3] * 7 + [4]], dtype=float)
    upper, alarm = ears.ears(counts, "C1")
    assert upper[:, 7].tolist() == [3.0, 3.0]
    assert alarm[:, 7].tolist() == [0.0, 1.0]


def test_series_of_different_lengths_are_nan_padded():
    counts = np.full((2, 12), np.nan)
    counts[0, :12] = np.arange(12)
    counts[1, :9] = np.arange(9)
    upper, alarm = ears.ears(counts, "C1")
    assert np.isnan(alarm[1, 9:]).all()
    assert not np.isnan(alarm[1, 7:9]).any()


def test_cusum_accumulates_and_restarts_after_an_alarm():
    # Baseline 5 everywhere (sd 0 → σ_min 1), then 8s: z = 3 each week, k = 0.5, h = 4.
    counts = np.array([5.0] * 11 + [8.0] * 5)
    upper, alarm = cusum.cusum(counts)
    # Week 12: S = 2.5, no alarm; bound 5 + 1·(4.5 − 0) = 9.5
    assert upper[0, 11] == pytest.approx(9.5)
    assert alarm[0, 11] == 0.0
    # Week 13: S would be 5 > 4 → alarm; bound 5 + (4.5 − 2.5) = 7
    assert upper[0, 12] == pytest.approx(7.0)
    assert alarm[0, 12] == 1.0
    # Week 14 restarts from 0; its baseline (weeks 5..11) is still all 5s.
    assert alarm[0, 13] == 0.0
    assert np.isnan(alarm[0, :9]).all()
