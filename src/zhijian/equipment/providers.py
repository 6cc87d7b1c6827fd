"""Read interfaces this app offers the others through core's AppConfig hooks (never by import).

``eligible_user_units`` serves the double-random draw (双随机抽查对象名录): special-equipment user
units, each in a stratum whose spot-check ratio is rule data — key user units (schools, hospitals,
malls, stations) and units of risk class 3–4 are drawn at ``equipment.spot_check_ratio.key``,
the others at ``equipment.spot_check_ratio.normal``.
``accident_rate_figures`` serves the plan cockpit (万台特种设备事故率, table 2-1 of the plan).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from zhijian.core.hooks import IndicatorSource

from .models import UserUnitRisk
from .queries import accident_rate, city_accident_rate
from .rules import RuleBook

KEY, NORMAL = "equipment_key", "equipment_normal"


@dataclass(frozen=True)
class EligibleObject:
    uscc: str
    name: str
    district_id: int
    stratum: str
    ratio: Decimal


def eligible_user_units(*, district_id: int | None = None, on: dt.date | None = None) -> list[EligibleObject]:
    """Every classified user unit with its stratum and ratio, in USCC order (the draw sorts anyway)."""
    book = RuleBook(on or timezone.localdate())
    ratios = {
        KEY: book.get("equipment.spot_check_ratio.key").value,
        NORMAL: book.get("equipment.spot_check_ratio.normal").value,
    }
    rows = UserUnitRisk.objects.all()
    if district_id:
        rows = rows.filter(district_id=district_id)
    result = []
    for uscc, name, district, key, risk in rows.order_by("uscc").values_list(
        "uscc", "name", "district_id", "key_unit", "risk_class"
    ):
        stratum = KEY if key or risk in ("3", "4") else NORMAL
        result.append(EligibleObject(uscc, name, district, stratum, ratios[stratum]))
    return result


def _accident_rate(start: dt.date, end: dt.date, district_id: int | None = None) -> float | None:
    """The cockpit's value: accidents per 10,000 units in the year of ``end`` (city or one district)."""
    rows = accident_rate(end.year, district_id)
    units = sum(r["units"] for r in rows)
    return round(sum(r["accidents"] for r in rows) * 10_000 / units, 4) if units else None


def _accident_records(start: dt.date, end: dt.date, district_id: int | None = None) -> str:
    return reverse("equipment:accidents") + f"?year={end.year}"


def indicator_sources() -> list[IndicatorSource]:
    """The plan indicators this app computes (table 2-1 of the plan: 万台特种设备事故率 ≤ 0.22)."""
    return [
        IndicatorSource(
            code="special_equipment_accident_rate",
            app="equipment",
            compute=_accident_rate,
            records_url=_accident_records,
            note="万台特种设备事故率（起/万台）：当年事故起数（不含事件）÷ 当年在册设备台数 × 10000",
            extra={"target_2025": "≤0.22", "baseline_2020": "≤0.28"},
        )
    ]


def accident_rate_figures(*, year: int | None = None) -> dict:
    """The cockpit's figure: the city's accident rate per 10,000 units and each district's."""
    year = year or timezone.localdate().year
    return {
        "indicator": "万台特种设备事故率",
        "unit": "起/万台",
        "target": "≤0.22（2025年）",
        "city": city_accident_rate(year),
        "districts": accident_rate(year),
    }
