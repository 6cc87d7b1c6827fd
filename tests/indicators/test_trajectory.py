"""The status rule at its boundaries (docs/indicators.md): on the path → 正常; short by at most the
tolerance → 预警; beyond → 滞后; for 越高越好 and 越低越好, with and without a baseline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from zhijian.indicators.trajectory import AT_RISK, NO_DATA, OFF_TRACK, ON_TRACK, Trajectory, meets, rule_on

EPSILON = D("0.0001")
SHARE = Trajectory(2020, D("10.27"), 2025, D("60"), "up")  # 双随机监管事项占比 10.27 → 60以上
ACCIDENTS = Trajectory(2020, D("0.28"), 2025, D("0.22"), "down")  # 万台事故率 0.28以内 → 0.22以内
CLOSURE = Trajectory(None, None, 2025, D("100"), "up")  # 后处理闭环率 100 %, no baseline
MID = dt.date(2023, 7, 2)


def test_the_path_runs_straight_from_baseline_to_target():
    assert SHARE.expected(dt.date(2020, 12, 31)) == D("10.27")
    assert SHARE.expected(dt.date(2019, 1, 1)) == D("10.27")
    assert SHARE.expected(dt.date(2025, 12, 31)) == D("60")
    assert SHARE.expected(dt.date(2027, 1, 1)) == D("60")
    halfway = dt.date(2020, 12, 31) + (dt.date(2025, 12, 31) - dt.date(2020, 12, 31)) / 2
    assert abs(SHARE.expected(halfway) - (D("10.27") + D("60")) / 2) < D("0.01")
    assert CLOSURE.expected(MID) == D("100")


def test_tolerance_is_rule_data():
    rule = rule_on(MID)
    assert rule.version == 1 and rule.at_risk_share_of_span == D("0.10")
    assert SHARE.tolerance(MID) == (D("60") - D("10.27")) * D("0.10")
    assert CLOSURE.tolerance(MID) == D("1.00")


@pytest.mark.parametrize(
    ("path", "sign"),
    [(SHARE, -1), (ACCIDENTS, 1)],
    ids=["higher-is-better", "lower-is-better"],
)
def test_boundaries(path, sign):
    expected, tolerance = path.expected(MID), path.tolerance(MID)
    assert path.status(expected, MID) == ON_TRACK
    assert path.status(expected - sign * EPSILON, MID) == ON_TRACK  # better than the path
    assert path.status(expected + sign * EPSILON, MID) == AT_RISK
    assert path.status(expected + sign * tolerance, MID) == AT_RISK
    assert path.status(expected + sign * (tolerance + EPSILON), MID) == OFF_TRACK


def test_a_level_without_baseline():
    assert CLOSURE.status(D("100"), MID) == ON_TRACK
    assert CLOSURE.status(D("99"), MID) == AT_RISK
    assert CLOSURE.status(D("98.9999"), MID) == OFF_TRACK
    assert CLOSURE.status(None, MID) == NO_DATA


class _Indicator:
    def __init__(self, target, direction):
        self.target_value, self.direction = target, direction


def test_final_verdict_meets_the_target_in_its_direction():
    assert meets(_Indicator(D("60"), "up"), D("60")) is True
    assert meets(_Indicator(D("60"), "up"), D("59.99")) is False
    assert meets(_Indicator(D("0.22"), "down"), D("0.22")) is True
    assert meets(_Indicator(D("0.22"), "down"), D("0.23")) is False
    assert meets(_Indicator(D("0.22"), "down"), None) is None
