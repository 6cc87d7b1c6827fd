"""Synthetic weekly count series in the design of Noufaily et al. (2013), for tests, demo and benchmarks.

Noufaily A. et al. (2013), Statistics in Medicine 32(7): 1206–1222, section 4: baseline counts
are negative binomial with mean

    μ(t) = exp(θ + β·t + Σ_{j=1..m} [γ₁ cos(2πjt/52) + γ₂ sin(2πjt/52)])

and variance φ·μ(t) (φ = 1: Poisson), over 624 weeks; outbreaks add a number of cases equal to
k times the baseline standard deviation at their start, spread over the following weeks by a
lognormal delay; past outbreaks sit in the baseline years, the current one starts in weeks
576–624. The scenario grid here (``SCENARIOS``) spans the paper's factors — baseline level θ,
dispersion φ, trend β, seasonality m ∈ {0, 1, 2} — in 42 combinations; it is built from the
paper's description, not copied from its table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

WEEKS = 624
CURRENT_START = 576  # 1-based first week of the current period


@dataclass(frozen=True)
class Scenario:
    """One simulation scenario: the parameters of the baseline mean and dispersion."""

    number: int
    theta: float
    phi: float
    beta: float
    gamma1: float
    gamma2: float
    m: int


def _grid() -> tuple[Scenario, ...]:
    levels = [(0.5, 1.0), (1.5, 1.0), (2.5, 1.0), (0.5, 2.0), (1.5, 2.0), (2.5, 3.0), (3.75, 5.0)]
    seasons = [(0, 0.0, 0.0), (1, 0.2, -0.4), (2, 0.3, 0.5)]
    out = []
    number = 0
    for beta in (0.0, 0.0005):
        for m, g1, g2 in seasons:
            for theta, phi in levels:
                number += 1
                out.append(Scenario(number, theta, phi, beta, g1, g2, m))
    return tuple(out)


SCENARIOS = _grid()


def baseline_mean(scenario: Scenario, weeks: int = WEEKS) -> np.ndarray:
    """μ(t) for t = 1..weeks."""
    t = np.arange(1, weeks + 1, dtype=float)
    season = np.zeros_like(t)
    for j in range(1, scenario.m + 1):
        season += scenario.gamma1 * np.cos(2 * np.pi * j * t / 52) + scenario.gamma2 * np.sin(
            2 * np.pi * j * t / 52
        )
    return np.exp(scenario.theta + scenario.beta * t + season)


def negative_binomial(rng: np.random.Generator, mean: np.ndarray, phi: float, size) -> np.ndarray:
    """Counts with the given mean and variance φ·mean (Poisson when φ = 1)."""
    if phi <= 1:
        return rng.poisson(mean, size=size).astype(float)
    shape = mean / (phi - 1)
    return rng.poisson(rng.gamma(shape, phi - 1, size=size)).astype(float)


def add_outbreak(rng: np.random.Generator, counts: np.ndarray, start: int, cases: int) -> np.ndarray:
    """Add ``cases`` cases from 0-based week ``start`` on, delays lognormal (meanlog 0, sdlog 0.5) in weeks."""
    if cases <= 0:
        return np.zeros(len(counts), dtype=bool)
    delays = np.floor(rng.lognormal(0.0, 0.5, size=cases)).astype(int)
    weeks = start + delays
    weeks = weeks[weeks < len(counts)]
    np.add.at(counts, weeks, 1.0)
    hit = np.zeros(len(counts), dtype=bool)
    hit[weeks] = True
    return hit


def simulate(
    scenario: Scenario,
    replicates: int,
    *,
    k: float | None = None,
    seed: int = 0,
    past_outbreaks: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Counts (replicates × 624) and the mask of weeks carrying current-outbreak cases.

    With ``k`` given, each replicate gets one current outbreak of about k·SD cases starting at a
    random week in 576–624; with ``past_outbreaks``, four past outbreaks (k drawn in 2..5) fall
    in the baseline weeks, as in the paper.
    """
    rng = np.random.default_rng(seed)
    mean = baseline_mean(scenario)
    counts = negative_binomial(
        rng, np.broadcast_to(mean, (replicates, WEEKS)), scenario.phi, (replicates, WEEKS)
    )
    outbreak = np.zeros((replicates, WEEKS), dtype=bool)
    sd = np.sqrt(scenario.phi * mean)
    for r in range(replicates):
        if past_outbreaks:
            for _ in range(4):
                start = int(rng.integers(0, CURRENT_START - 1 - 26))
                size = int(rng.poisson(rng.integers(2, 6) * sd[start]))
                add_outbreak(rng, counts[r], start, size)
        if k is not None:
            start = int(rng.integers(CURRENT_START - 1, WEEKS))
            size = int(rng.poisson(k * sd[start]))
            outbreak[r] = add_outbreak(rng, counts[r], start, size)
    return counts, outbreak
