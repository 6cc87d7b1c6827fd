"""The beta-binomial rate test and the rules that need no statistics, on hand-worked cases."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from scipy.stats import binom

from zhijian.warnings.detection import rates, rules


def test_binomial_when_history_has_no_extra_variation():
    # Twelve months of exactly 1 failure in 100 tests: p̂ = 0.01, ρ = 0 → binomial test.
    failures = np.array([[1] * 13 + [5]])
    tests = np.full_like(failures, 100)
    result = rates.rate_test(failures, tests)
    assert result["rho"][0, -1] == 0.0
    assert result["p_value"][0, -1] == pytest.approx(binom.sf(4, 100, 0.01), rel=1e-12)
    # Largest non-alarming count: P(X ≥ 4) = 0.0184 ≥ 0.01 > P(X ≥ 5) = 0.0034
    assert result["upperbound"][0, -1] == 4
    assert result["alarm"][0, -1] == 1.0


def test_beta_binomial_widens_the_bound_when_rates_vary():
    steady = np.array([[2] * 13 + [0]])
    varying = np.array([[0, 4, 0, 5, 1, 0, 6, 0, 3, 0, 4, 1, 0, 0]])
    tests = np.full((1, 14), 100)
    bound_steady = rates.rate_test(steady, tests)["upperbound"][0, -1]
    result = rates.rate_test(varying, tests)
    assert result["rho"][0, -1] > 0
    assert result["upperbound"][0, -1] > bound_steady


def test_periods_without_tests_are_not_judged():
    failures = np.array([[1] * 14])
    tests = np.array([[100] * 13 + [0]])
    assert np.isnan(rates.rate_test(failures, tests)["alarm"][0, -1])


def _failure(i, day, district, producer="91330200MA2AAAAA1X", item="铅"):
    return rules.Failure(f"r{i}", dt.date(2026, 5, day), district, producer, item)


def test_a_banned_substance_is_a_signal_by_itself():
    failures = [_failure(1, 3, "海曙区", item="苏丹红"), _failure(2, 4, "江北区", item="铅")]
    hits = rules.banned_substance(failures, {"苏丹红", "孔雀石绿"})
    assert [h.failures[0].record_id for h in hits] == ["r1"]


def test_same_producer_in_two_districts_within_the_window():
    failures = [
        _failure(1, 1, "海曙区"),
        _failure(2, 20, "海曙区"),
        _failure(3, 25, "鄞州区"),  # second district within 30 days of r2 → hit
        _failure(4, 28, "北仑区"),  # joins the same hit
        _failure(5, 2, "江北区", producer="another"),
    ]
    hits = rules.producer_in_districts(failures, window_days=30)
    assert len(hits) == 1
    assert hits[0].districts == ["北仑区", "海曙区", "鄞州区"]


def test_two_districts_too_far_apart_are_not_a_hit():
    failures = [
        _failure(1, 1, "海曙区"),
        rules.Failure("r2", dt.date(2026, 7, 1), "鄞州区", "91330200MA2AAAAA1X", "铅"),
    ]
    assert rules.producer_in_districts(failures, window_days=30) == []
