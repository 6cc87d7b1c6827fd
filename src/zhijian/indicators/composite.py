"""The quality-development index (质量发展指数) per county-level unit.

Normalisation and weights are rule data (``data/quality_index.json``, versioned; docs/indicators.md):
each component indicator is scored against its target (``min(100, 100 × value ÷ target)`` for
越高越好, ``min(100, 100 × target ÷ value)`` for 越低越好), sub-indices are weighted means of their
components and the index the weighted mean of the sub-indices. Values are the computed values of the
calendar year (or locked reported values); year-on-year change compares with the previous year.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

from .catalogue import current_indicators
from .models import ComputedValue, DistrictTarget, ReportedValue, ValueStatus

RULE_FILE = Path(__file__).resolve().parent / "data" / "quality_index.json"
HUNDRED = Decimal(100)
TWO = Decimal("0.01")


@cache
def _versions() -> list[dict]:
    data = json.loads(RULE_FILE.read_text(encoding="utf-8"))
    return sorted(data["versions"], key=lambda v: v["valid_from"])


def scheme_for(year: int) -> dict:
    end = dt.date(year, 12, 31).isoformat()
    eligible = [v for v in _versions() if v["valid_from"] <= end]
    return eligible[-1] if eligible else _versions()[0]


def score(value: Decimal | None, target: Decimal | None, direction: str) -> Decimal | None:
    """A component's score 0–100 against its target (None when there is no value or target)."""
    if value is None or target is None or target == 0:
        return None
    if direction == "down":
        raw = HUNDRED if value == 0 else HUNDRED * target / value
    else:
        raw = HUNDRED * value / target
    return max(Decimal(0), min(HUNDRED, raw)).quantize(TWO, rounding=ROUND_HALF_UP)


@dataclass
class IndexRow:
    jurisdiction_id: int
    name: str
    index: Decimal
    subindices: dict[str, Decimal] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    previous: Decimal | None = None
    rank: int = 0

    @property
    def change(self) -> Decimal | None:
        return None if self.previous is None else (self.index - self.previous).quantize(TWO)


def _values(codes: list[str], year: int) -> dict[tuple[str, int], Decimal]:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    out: dict[tuple[str, int], Decimal] = {}
    for row in ReportedValue.objects.filter(
        code__in=codes, status=ValueStatus.LOCKED, period_start=start, period_end=end
    ):
        out[(row.code, row.jurisdiction_id)] = row.value
    for row in ComputedValue.objects.filter(code__in=codes, period_start=start, period_end__lte=end).order_by(
        "period_end"
    ):
        if row.value is not None:
            out[(row.code, row.jurisdiction_id)] = row.value
    return out


def compute_index(units, year: int) -> list[IndexRow]:
    """The index of ``units`` (county-level jurisdictions) for ``year``, ranked, with last year's."""
    rows = _index(units, year)
    previous = {r.jurisdiction_id: r.index for r in _index(units, year - 1)}
    for row in rows:
        row.previous = previous.get(row.jurisdiction_id)
    rows.sort(key=lambda r: (-r.index, r.name))
    for position, row in enumerate(rows, start=1):
        row.rank = position
    return rows


def _index(units, year: int) -> list[IndexRow]:
    scheme = scheme_for(year)
    codes = [c["indicator"] for s in scheme["subindices"] for c in s["components"]]
    indicators = {i.code: i for i in current_indicators(dt.date(year, 12, 31)) if i.code in codes}
    decomposed = {
        (t.indicator.code, t.jurisdiction_id): t.target_value
        for t in DistrictTarget.objects.filter(indicator__in=indicators.values()).select_related("indicator")
    }
    values = _values(codes, year)
    out = []
    for unit in units:
        row = IndexRow(unit.pk, unit.short_name or unit.name, Decimal(0))
        total = Decimal(0)
        for sub in scheme["subindices"]:
            sub_total = Decimal(0)
            for component in sub["components"]:
                indicator = indicators.get(component["indicator"])
                if indicator is None:
                    continue
                target = decomposed.get((indicator.code, unit.pk), indicator.target_value)
                got = score(values.get((indicator.code, unit.pk)), target, indicator.direction)
                if got is None:
                    row.missing.append(indicator.name)
                    got = Decimal(0)
                sub_total += got * Decimal(component["weight"]) / HUNDRED
            row.subindices[sub["name"]] = sub_total.quantize(TWO)
            total += sub_total * Decimal(sub["weight"]) / HUNDRED
        row.index = total.quantize(TWO, rounding=ROUND_HALF_UP)
        out.append(row)
    return out
