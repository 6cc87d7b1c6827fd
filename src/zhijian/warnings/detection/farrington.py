"""The Farrington outbreak detector, original and improved, on many weekly series at once.

References:

* Farrington C.P., Andrews N.J., Beale A.D., Catchpole M.A. (1996). "A statistical algorithm for
  the early detection of outbreaks of infectious disease". Journal of the Royal Statistical
  Society, Series A 159(3): 547–563. — quasi-Poisson log-linear model on the weeks ``t−52y−w …
  t−52y+w`` of the ``b`` previous years, a linear trend kept only when significant (5 %), at least
  three years back and not extrapolating beyond the largest baseline count; past outbreaks
  down-weighted by their Anscombe residuals (weights ∝ s⁻² above 1); dispersion φ ≥ 1; the 2/3
  power transformation to correct skewness; an upper bound
  ``U = (μ₀^{2/3} + z_{1−α} · √(4/9 · μ₀^{1/3} · (φ + Var μ̂₀/μ₀)))^{3/2}``; no alarm unless at
  least 5 cases in the last 4 weeks.
* Noufaily A., Enki D.G., Farrington C.P., Garthwaite P., Andrews N.J., Charlett A. (2013). "An
  improved algorithm for outbreak detection in multiple surveillance systems". Statistics in
  Medicine 32(7): 1206–1222. — all weeks of the ``b`` years enter the model, the weeks outside the
  ±w windows grouped in a 10-level seasonal factor (``noPeriods``), the 26 most recent weeks left
  out, down-weighting only above an Anscombe residual of 2.58, the trend always fitted, and the
  threshold taken as the (1−α) quantile of the negative binomial with mean μ₀ and dispersion φ
  (the "NB plug-in"), which fixes the original's excess of false alarms.

This module follows the reference implementation ``surveillance::farringtonFlexible`` (R package
surveillance 1.20.3; Salmon M., Schumacher D., Höhle M. (2016). "Monitoring count time series in
R: aberration detection in public health surveillance". Journal of Statistical Software 70(10))
step for step — its block layout, its order of fits and its reporting (``upperbound`` NA and no
alarm when the 5-in-4-weeks rule is not met; NA when no model converges) — so that its upper
bounds can be checked against R's. The fits are batched: every (series, week) pair shares one
design relative to the judged week, so ``glm.fit_quasipoisson`` fits them all together.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy.stats import nbinom, norm, poisson
from scipy.stats import t as student_t

from .glm import fit_quasipoisson

FREQUENCY = 52


@dataclass(frozen=True)
class FarringtonSettings:
    """The control parameters of ``farringtonFlexible`` that this implementation supports."""

    b: int = 5  # years back
    w: int = 3  # half-width of the seasonal window
    alpha: float = 0.05  # one-sided
    reweight: bool = True
    weights_threshold: float = 2.58
    trend: bool = True
    p_threshold_trend: float = 0.05
    limit54: tuple[int, int] = (5, 4)  # (cases, weeks)
    no_periods: int = 1
    past_weeks_not_included: int | None = None  # defaults to w
    threshold_method: str = "delta"  # "delta" (2/3 power) or "nbPlugin"

    @property
    def excluded_recent(self) -> int:
        return self.w if self.past_weeks_not_included is None else self.past_weeks_not_included

    def first_period(self) -> int:
        """First judged period, 0-based (R: ``freq*b + w + 1``, 1-based)."""
        return FREQUENCY * self.b + self.w


#: Farrington et al. (1996) as in the surveillance vignette's ``con.farrington``.
ORIGINAL = FarringtonSettings(weights_threshold=1.0, threshold_method="delta", no_periods=1)
#: Noufaily et al. (2013) as in the surveillance vignette's ``con.noufaily``.
IMPROVED = FarringtonSettings(
    weights_threshold=2.58,
    threshold_method="nbPlugin",
    no_periods=10,
    past_weeks_not_included=26,
    p_threshold_trend=1.0,
)


def reference_design(settings: FarringtonSettings) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Offsets (relative to the judged week), their group codes, the number of groups, the current group.

    Mirrors ``surveillance:::blocks``: the window ``±w`` around the same week of each past year is
    group ``noPeriods``; with ``noPeriods > 1`` the weeks between two windows are cut into
    ``noPeriods − 1`` blocks (the first ``rest`` blocks one week longer); then the most recent
    ``pastWeeksNotIncluded`` weeks and the judged week are dropped.
    """
    b, w, p = settings.b, settings.w, settings.no_periods
    span = FREQUENCY * b + w
    factors = np.full(span + 1, -1)  # index i ↔ offset i − span
    now = span
    factors[now - w : now + 1] = p
    for year in range(1, b + 1):
        ref = now - FREQUENCY * year
        factors[ref - w : ref + w + 1] = p
        if p != 1:
            period = (now - FREQUENCY * (year - 1)) - 2 * w - 1 - ref
            if period < p - (2 * w + 1):
                raise ValueError("too many seasonal periods for the window")
            lengths = np.full(p - 1, period // (p - 1))
            lengths[: period % (p - 1)] += 1
            edges = np.concatenate([[0], np.cumsum(lengths)])
            for j in range(1, p):
                factors[ref + w + 1 + edges[j - 1] : ref + w + 1 + edges[j]] = j
    factors[now - settings.excluded_recent :] = -1
    keep = np.flatnonzero(factors >= 0)
    offsets = keep - span
    levels = np.unique(factors[keep])
    codes = np.searchsorted(levels, factors[keep])
    current = int(np.searchsorted(levels, p))
    return offsets, codes, len(levels), current


@dataclass
class _Model:
    eta0: np.ndarray
    var_unscaled: np.ndarray  # x0' (X'WX)^-1 x0
    dispersion: np.ndarray  # the dispersion R's summary/predict report (see _fit_with_reweighting)
    phi: np.ndarray  # max(dispersion, 1)
    beta: np.ndarray
    spread: np.ndarray
    df_residual: int
    ok: np.ndarray


def _fit_with_reweighting(y, codes, n_groups, current, offsets, settings, trend) -> _Model:
    """``algo.farrington.fitGLM.flexible`` for one model form (with or without the trend)."""
    t = offsets.astype(float)
    fit = fit_quasipoisson(y, codes, n_groups, t, trend=trend, hat=settings.reweight)
    ok = fit.converged.copy()
    phi = np.maximum(fit.dispersion, 1.0)
    if settings.reweight:
        with np.errstate(divide="ignore", invalid="ignore"):
            mu = fit.mu
            # A group without cases has μ = 0 exactly here (R stops near 1e-10): residual 0.
            anscombe = np.where(mu > 0, 1.5 * (y ** (2 / 3) * mu ** (-1 / 6) - mu**0.5), 0.0)
            anscombe = anscombe / np.sqrt(phi[:, None] * (1.0 - fit.hat))
            high = anscombe > settings.weights_threshold
            inverse_square = np.where(high, anscombe**-2.0, 1.0)
            gamma = y.shape[1] / inverse_square.sum(axis=1)
            omega = gamma[:, None] * inverse_square
        fit = fit_quasipoisson(y, codes, n_groups, t, trend=trend, prior=omega)
        phi = np.maximum(fit.dispersion, 1.0)
        # R's fitFun then stores the prior weights ω in ``model$weights``, where summary.glm and
        # predict.glm look for the working weights; the dispersion behind the trend's t-test and
        # the prediction's standard error is therefore Σ ω_i ((y_i − μ_i)/μ_i)² / df. Reproduced
        # here so that bounds agree with the reference implementation.
        with np.errstate(divide="ignore", invalid="ignore"):
            working = np.where(fit.mu > 0, (y - fit.mu) / fit.mu, -1.0)  # R: y = 0, μ → 0 gives −1
            reported = (omega * working**2).sum(axis=1) / fit.df_residual
    else:
        reported = fit.dispersion
    with np.errstate(divide="ignore", invalid="ignore"):
        eta0 = fit.alpha[:, current]  # the judged week has offset 0
        centred = 0.0 - fit.group_time[:, current]
        var_unscaled = 1.0 / fit.group_weight[:, current] + centred * centred / fit.spread
    return _Model(eta0, var_unscaled, reported, phi, fit.beta, fit.spread, fit.df_residual, ok)


def _take(model: _Model, other: _Model, rows: np.ndarray) -> _Model:
    """``model`` with the given rows replaced by ``other`` (fitted on exactly those rows)."""
    pick = {}
    for name in ("eta0", "var_unscaled", "dispersion", "phi", "beta", "spread", "ok"):
        column = getattr(model, name).copy()
        column[rows] = getattr(other, name)
        pick[name] = column
    return replace(model, **pick)


def _discrete_quantile(dist, q: float, *args) -> np.ndarray:
    """Smallest x with P(X ≤ x) ≥ q·(1 − 64ε), as R's qnbinom/qpois search it."""
    target = q * (1 - 64 * np.finfo(float).eps)
    x = np.nan_to_num(dist.ppf(q, *args), nan=0.0, posinf=0.0)
    x = np.maximum(x, 0.0)
    for _ in range(3):
        lower = (x > 0) & (dist.cdf(x - 1, *args) >= target)
        x = np.where(lower, x - 1, x)
        higher = dist.cdf(x, *args) < target
        x = np.where(higher, x + 1, x)
    return x


def _bounds(models: _Model, y_now: np.ndarray, settings: FarringtonSettings) -> tuple[np.ndarray, np.ndarray]:
    """Upper bound and score (R: ``lu$upper``, ``lu$score``) for each row."""
    alpha = settings.alpha
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if settings.threshold_method == "delta":
            mu0 = np.exp(models.eta0)
            se_response = mu0 * np.sqrt(models.dispersion * models.var_unscaled)
            tau = models.phi + se_response**2 / mu0
            se = np.sqrt(4 / 9 * mu0 ** (1 / 3) * tau)
            upper = (mu0 ** (2 / 3) + norm.ppf(1 - alpha) * se) ** 1.5
            score = (y_now - mu0) / (upper - mu0)
        elif settings.threshold_method == "nbPlugin":
            mu0 = np.exp(models.eta0)
            upper = np.full_like(mu0, np.nan)
            finite = np.isfinite(mu0)
            over = finite & (models.phi > 1)
            if over.any():
                phi = models.phi[over]
                upper[over] = _discrete_quantile(nbinom, 1 - alpha, mu0[over] / (phi - 1), 1 / phi)
            plain = finite & ~(models.phi > 1)
            if plain.any():
                upper[plain] = _discrete_quantile(poisson, 1 - alpha, mu0[plain])
            # R scores against the linear predictor here (predFit is on the link scale).
            score = (y_now - models.eta0) / (upper - models.eta0)
        else:
            raise ValueError(f"unknown threshold method {settings.threshold_method!r}")
    # No case at all in the window (μ0 = 0; R stops IRLS near 1e-10): the bound is 0 and any
    # case is above it.
    zero = mu0 == 0
    upper = np.where(zero, 0.0, upper)
    score = np.where(zero, np.where(y_now > 0, np.inf, 0.0), score)
    return upper, score


def judge_rows(
    reference: np.ndarray, y_now: np.ndarray, recent_sum: np.ndarray, settings: FarringtonSettings
):
    """Judge a batch: ``reference`` (N × n) counts at the design's offsets, the judged counts, the last weeks' sums.

    Returns (upperbound, alarm, expected) with NaN where R gives NA.
    """
    offsets, codes, n_groups, current = reference_design(settings)
    y = np.asarray(reference, dtype=float)
    max_ref = y.max(axis=1)
    if settings.trend:
        model = _fit_with_reweighting(y, codes, n_groups, current, offsets, settings, trend=True)
        # fitFun's own fallback: a trend model that does not converge is replaced by the plain one.
        has_trend = model.ok
        with np.errstate(divide="ignore", invalid="ignore"):
            t_value = model.beta / np.sqrt(model.dispersion / model.spread)
            p_value = 2 * student_t.sf(np.abs(t_value), model.df_residual)
            mu0 = np.exp(model.eta0)
        significant = p_value < settings.p_threshold_trend
        no_extrapolation = mu0 <= max_ref
        keep_trend = has_trend & significant & no_extrapolation & (settings.b >= 3)
        refit = np.flatnonzero(~keep_trend)
        if refit.size:
            plain = _fit_with_reweighting(y[refit], codes, n_groups, current, offsets, settings, trend=False)
            model = _take(model, plain, refit)
    else:
        model = _fit_with_reweighting(y, codes, n_groups, current, offsets, settings, trend=False)
        keep_trend = np.zeros(len(y), dtype=bool)
    upper, score = _bounds(model, np.asarray(y_now, dtype=float), settings)
    enough = recent_sum >= settings.limit54[0]
    alarm = np.where(enough & (score > 1) & (y_now != 0), 1.0, 0.0)
    upper = np.where(enough, upper, np.nan)
    expected = np.where(enough & np.isfinite(upper), np.exp(model.eta0), np.nan)
    failed = ~model.ok
    alarm[failed] = np.nan
    upper[failed] = np.nan
    expected[failed] = np.nan
    return upper, alarm, expected


def farrington(
    counts: np.ndarray,
    settings: FarringtonSettings = ORIGINAL,
    *,
    first: int | None = None,
    chunk_rows: int = 1_000,
) -> tuple[np.ndarray, np.ndarray]:
    """Upper bounds and alarms for every judgeable week of every series (rows of ``counts``, NaN-padded)."""
    counts = np.asarray(counts, dtype=float)
    if counts.ndim == 1:
        counts = counts[None, :]
    n_series, n_periods = counts.shape
    upperbound = np.full(counts.shape, np.nan)
    alarm = np.full(counts.shape, np.nan)
    start = settings.first_period() if first is None else max(first, settings.first_period())
    if n_periods <= start:
        return upperbound, alarm
    offsets, _, _, _ = reference_design(settings)
    series_idx, week_idx = np.nonzero(~np.isnan(counts[:, start:]))
    week_idx = week_idx + start
    weeks_back = settings.limit54[1]
    padded = np.concatenate([np.zeros((n_series, weeks_back)), np.nan_to_num(counts)], axis=1)
    cumulative = np.cumsum(padded, axis=1)
    for lo in range(0, len(series_idx), chunk_rows):
        s = series_idx[lo : lo + chunk_rows]
        k = week_idx[lo : lo + chunk_rows]
        reference = counts[s[:, None], k[:, None] + offsets[None, :]]
        recent = cumulative[s, k + weeks_back] - cumulative[s, k]
        up, al, _ = judge_rows(reference, counts[s, k], recent, settings)
        upperbound[s, k] = up
        alarm[s, k] = al
    return upperbound, alarm
