"""Targets and trajectories (目标与进度): the path from baseline to target and the status at a date.

The rule (``data/status_rule.json``, versioned; docs/indicators.md):

- **Path.** The expected value on a date runs in a straight line from the baseline value at the end of
  the baseline year to the target value at the end of the target year; before the baseline year's
  end it is the baseline, after the target year's end the target. An indicator without a baseline
  (a level to reach and hold, e.g. 闭环率 100 %) expects its target throughout.
- **Shortfall.** How far the actual value falls short of the expected value in the good direction
  (below for 越高越好, above for 越低越好); zero or less is no shortfall.
- **Status.** ``on_track`` (正常) when there is no shortfall; ``at_risk`` (预警) when the shortfall is
  at most the tolerance; ``off_track`` (滞后) beyond it; ``no_data`` (无数据) without a value.
  The tolerance is ``at_risk_share_of_span`` (10 %) of |target − baseline|, or, when there is no
  baseline or it equals the target, ``at_risk_share_of_level`` (1 %) of |target|.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA = "on_track", "at_risk", "off_track", "no_data"
LABELS = {ON_TRACK: "正常", AT_RISK: "预警", OFF_TRACK: "滞后", NO_DATA: "无数据"}
RULE_FILE = Path(__file__).resolve().parent / "data" / "status_rule.json"


@dataclass(frozen=True)
class StatusRule:
    version: int
    valid_from: dt.date
    source: str
    at_risk_share_of_span: Decimal
    at_risk_share_of_level: Decimal


@cache
def _rules() -> list[StatusRule]:
    data = json.loads(RULE_FILE.read_text(encoding="utf-8"))
    return sorted(
        (
            StatusRule(
                v["version"],
                dt.date.fromisoformat(v["valid_from"]),
                v["source"],
                Decimal(v["at_risk_share_of_span"]),
                Decimal(v["at_risk_share_of_level"]),
            )
            for v in data["versions"]
        ),
        key=lambda r: r.valid_from,
    )


def rule_on(on: dt.date) -> StatusRule:
    rules = [r for r in _rules() if r.valid_from <= on]
    return rules[-1] if rules else _rules()[0]


@dataclass(frozen=True)
class Trajectory:
    """An indicator's path: baseline (year, value), target (year, value), direction."""

    baseline_year: int | None
    baseline: Decimal | None
    target_year: int
    target: Decimal | None
    direction: str = "up"

    @classmethod
    def of(cls, indicator, target: Decimal | None = None) -> Trajectory:
        return cls(
            indicator.baseline_year,
            indicator.baseline_value,
            indicator.target_year,
            indicator.target_value if target is None else target,
            indicator.direction,
        )

    def expected(self, on: dt.date) -> Decimal | None:
        if self.target is None:
            return None
        if self.baseline is None or self.baseline_year is None:
            return self.target
        start, end = dt.date(self.baseline_year, 12, 31), dt.date(self.target_year, 12, 31)
        if on <= start:
            return self.baseline
        if on >= end:
            return self.target
        share = Decimal((on - start).days) / Decimal((end - start).days)
        return self.baseline + (self.target - self.baseline) * share

    def tolerance(self, on: dt.date) -> Decimal:
        rule = rule_on(on)
        if self.baseline is not None and self.baseline_year is not None and self.baseline != self.target:
            return abs(self.target - self.baseline) * rule.at_risk_share_of_span
        return abs(self.target or 0) * rule.at_risk_share_of_level

    def shortfall(self, actual: Decimal, on: dt.date) -> Decimal | None:
        expected = self.expected(on)
        if expected is None:
            return None
        gap = expected - actual if self.direction == "up" else actual - expected
        return max(gap, Decimal(0))

    def status(self, actual: Decimal | None, on: dt.date) -> str:
        if actual is None or self.target is None:
            return NO_DATA
        shortfall = self.shortfall(Decimal(actual), on)
        if shortfall is None:
            return NO_DATA
        if shortfall <= 0:
            return ON_TRACK
        return AT_RISK if shortfall <= self.tolerance(on) else OFF_TRACK

    def points(self, years: range) -> list[tuple[str, float | None]]:
        """The expected value at each year's end (for the target line of a chart)."""
        out = []
        for year in years:
            value = self.expected(dt.date(year, 12, 31))
            out.append((str(year), None if value is None else float(value)))
        return out


def meets(indicator, actual: Decimal | None, target: Decimal | None = None) -> bool | None:
    """Whether ``actual`` reaches the target in the indicator's direction (完成 / 未完成)."""
    target = indicator.target_value if target is None else target
    if actual is None or target is None:
        return None
    return actual >= target if indicator.direction == "up" else actual <= target
