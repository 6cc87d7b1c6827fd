"""Farrington (1996) and its improvement (Noufaily 2013) against cases worked out by hand, and the
batch fit against a plain one-row-at-a-time GLM."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from scipy.stats import norm, poisson

from zhijian.warnings.detection import farrington as F
from zhijian.warnings.detection.glm import fit_quasipoisson


def test_original_reference_weeks_are_five_windows_of_seven():
    offsets, codes, n_groups, current = F.reference_design(F.ORIGINAL)
    expected = sorted(-52 * y + d for y in range(1, 6) for d in range(-3, 4))
    assert offsets.tolist() == expected
    assert n_groups == 1 and current == 0 and (codes == 0).all()


def test_improved_design_has_ten_periods_and_leaves_out_26_weeks():
    offsets, codes, n_groups, current = F.reference_design(F.IMPROVED)
    assert n_groups == 10
    assert offsets.min() == -52 * 5 - 3 and offsets.max() == -27
    assert len(offsets) == 52 * 5 + 3 - 26
    # The windows around the same week of past years form the last level (R: factor level noPeriods).
    window = offsets[codes == current]
    assert sorted(window.tolist()) == sorted(-52 * y + d for y in range(1, 6) for d in range(-3, 4))
    # Between two windows: 45 weeks in 9 blocks of 5.
    year2 = [(o, c) for o, c in zip(offsets.tolist(), codes.tolist(), strict=True) if -100 <= o <= -56]
    assert [c for _, c in year2] == [g for g in range(9) for _ in range(5)]


def _constant_series(level: float, weeks: int = 300) -> np.ndarray:
    return np.full(weeks, level)


def test_constant_history_delta_bound_by_hand():
    # Given every past week at 4 cases: μ0 = 4, dispersion 0 → φ = 1, no trend (β = 0, p = 1),
    # and R's reported dispersion is 0, so Var(μ̂0) = 0 and τ = φ = 1.
    counts = _constant_series(4.0)
    counts[-1] = 9
    upper, alarm = F.farrington(counts, F.ORIGINAL)
    z = norm.ppf(0.95)
    by_hand = (4 ** (2 / 3) + z * np.sqrt(4 / 9 * 4 ** (1 / 3) * 1.0)) ** 1.5
    assert by_hand == pytest.approx(7.7061, abs=1e-4)
    assert upper[0, -1] == pytest.approx(by_hand, rel=1e-9)
    assert alarm[0, -1] == 1.0  # 9 > 7.71
    assert upper[0, -2] == pytest.approx(by_hand, rel=1e-9) and alarm[0, -2] == 0.0
    assert np.isnan(upper[0, : 52 * 5 + 3]).all()


def test_constant_history_nb_plugin_bound_is_the_poisson_quantile():
    counts = _constant_series(4.0)
    upper, _ = F.farrington(counts, F.IMPROVED)
    # φ = 1 → Poisson(4): P(X ≤ 7) = 0.9489 < 0.95 ≤ P(X ≤ 8) = 0.9786
    assert poisson.cdf(7, 4) < 0.95 <= poisson.cdf(8, 4)
    assert upper[0, -1] == 8.0


def test_fewer_than_five_cases_in_four_weeks_means_no_bound_and_no_alarm():
    counts = _constant_series(1.0)
    counts[-1] = 4  # last four weeks: 1 + 1 + 1 + 4 = 7 ≥ 5 → judged
    counts[-6] = 0  # weeks −9..−6 … irrelevant
    upper, alarm = F.farrington(counts, F.ORIGINAL)
    assert not np.isnan(upper[0, -1])
    counts2 = _constant_series(0.0)
    counts2[-1] = 4  # 4 < 5 cases in four weeks
    upper2, alarm2 = F.farrington(counts2, F.ORIGINAL)
    assert np.isnan(upper2[0, -1]) and alarm2[0, -1] == 0.0


def test_all_zero_history_gives_a_zero_bound():
    counts = np.zeros(300)
    counts[-4:] = [2, 2, 2, 2]
    for settings in (F.ORIGINAL, F.IMPROVED):
        upper, alarm = F.farrington(counts, settings)
        assert upper[0, -1] == 0.0 and alarm[0, -1] == 1.0


def test_an_outbreak_is_found_and_past_outbreaks_are_down_weighted():
    rng = np.random.default_rng(7)
    counts = rng.poisson(10, 400).astype(float)
    counts[400 - 52 - 1] += 60  # an outbreak a year ago, in the reference window
    counts[-1] += 30
    upper_w, alarm_w = F.farrington(counts, F.ORIGINAL)
    upper_u, _ = F.farrington(counts, replace(F.ORIGINAL, reweight=False))
    assert alarm_w[0, -1] == 1.0
    assert upper_w[0, -1] < upper_u[0, -1]  # the past outbreak inflates the unweighted bound


def _irls_one_row(y, X, prior):
    """Textbook IRLS for a Poisson log-linear model, one row at a time (the oracle for the batch)."""
    beta = np.linalg.lstsq(X, np.log(y + 0.5), rcond=None)[0]
    for _ in range(100):
        mu = np.exp(X @ beta)
        w = prior * mu
        z = X @ beta + (y - mu) / mu
        new = np.linalg.solve(X.T @ (w[:, None] * X), X.T @ (w * z))
        if np.max(np.abs(new - beta)) < 1e-13:
            beta = new
            break
        beta = new
    mu = np.exp(X @ beta)
    w = prior * mu
    xtwx_inv = np.linalg.inv(X.T @ (w[:, None] * X))
    hat = w * np.einsum("ij,jk,ik->i", X, xtwx_inv, X)
    pearson = (prior * (y - mu) ** 2 / mu).sum() / (len(y) - X.shape[1])
    return beta, mu, hat, pearson, xtwx_inv


@pytest.mark.parametrize("trend", [True, False])
def test_batch_fit_equals_row_by_row_irls(trend):
    rng = np.random.default_rng(3)
    offsets, codes, n_groups, current = F.reference_design(F.IMPROVED)
    t = offsets.astype(float)
    rows = rng.poisson(rng.uniform(1, 30, size=(6, 1)) * np.exp(0.002 * t)[None, :]).astype(float)
    prior = rng.uniform(0.3, 1.5, size=rows.shape)
    fit = fit_quasipoisson(rows, codes, n_groups, t, trend=trend, prior=prior, hat=True)
    design = np.eye(n_groups)[codes]
    if trend:
        design = np.column_stack([design, t])
    for i in range(len(rows)):
        beta, mu, hat, pearson, inv = _irls_one_row(rows[i], design, prior[i])
        np.testing.assert_allclose(fit.mu[i], mu, rtol=1e-9)
        np.testing.assert_allclose(fit.hat[i], hat, rtol=1e-7, atol=1e-12)
        assert fit.dispersion[i] == pytest.approx(pearson, rel=1e-9)
        x0 = np.eye(n_groups)[current]
        if trend:
            x0 = np.append(x0, 0.0)
            assert fit.beta[i] == pytest.approx(beta[-1], rel=1e-8)
        variance = 1 / fit.group_weight[i, current] + fit.group_time[i, current] ** 2 / fit.spread[i]
        assert variance == pytest.approx(x0 @ inv @ x0, rel=1e-8)
