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

from django.utils import timezone

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
