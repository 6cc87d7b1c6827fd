"""Read interfaces this app offers the others through core's AppConfig hooks (never by import).

``eligible_user_units`` serves the double-random draw (双随机抽查对象名录): special-equipment user
units, each in a stratum whose spot-check ratio is rule data — key user units (schools, hospitals,
malls, stations) and units of risk class 3–4 are drawn at ``equipment.spot_check_ratio.key``,
the others at ``equipment.spot_check_ratio.normal``; ``spot_check_strata`` names those strata with
their ratio, why a unit is in them and the legal source, so the draw can freeze a ratio for a stratum
that happens to be empty and the task page can say which ratios applied and why.
``accident_rate_figures`` serves the plan cockpit (万台特种设备事故率, table 2-1 of the plan).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import ibis
from django.urls import reverse
from django.utils import timezone

from zhijian.core.analytics import source
from zhijian.core.hooks import IndicatorSource

from .models import Accident, AccidentClass, Unit, UnitStatus, UserUnitRisk
from .queries import accident_rate, city_accident_rate
from .rules import RuleBook

KEY, NORMAL = "equipment_key", "equipment_normal"
RATIO_RULES = {KEY: "equipment.spot_check_ratio.key", NORMAL: "equipment.spot_check_ratio.normal"}
STRATUM_LABELS = {KEY: "重点使用单位", NORMAL: "一般使用单位"}
# Why a user unit is in a stratum (the rule's note says the same in the rule data's words).
STRATUM_REASONS = {
    KEY: "设备用于学校、医院、商场、车站等公众聚集场所，或使用单位风险等级为3、4级（较高、高风险）",
    NORMAL: "其他特种设备使用单位",
}


@dataclass(frozen=True)
class SpotCheckStratum:
    """A stratum of the draw over user units: its ratio (rule data) and why units fall in it."""

    stratum: str
    label: str
    reason: str
    ratio: Decimal
    rule_key: str
    legal_source: str


@dataclass(frozen=True)
class EligibleObject:
    uscc: str
    name: str
    district_id: int
    stratum: str
    ratio: Decimal


def spot_check_strata(*, on: dt.date | None = None) -> list[SpotCheckStratum]:
    """The strata of the draw over user units, key first, with the ratios in force on ``on``."""
    book = RuleBook(on or timezone.localdate())
    strata = []
    for stratum, key in RATIO_RULES.items():
        found = book.get(key)
        strata.append(
            SpotCheckStratum(
                stratum,
                STRATUM_LABELS[stratum],
                STRATUM_REASONS[stratum],
                found.value,
                key,
                found.legal_source,
            )
        )
    return strata


def eligible_user_units(*, district_id: int | None = None, on: dt.date | None = None) -> list[EligibleObject]:
    """Every classified user unit with its stratum and ratio, in USCC order (the draw sorts anyway)."""
    ratios = {s.stratum: s.ratio for s in spot_check_strata(on=on)}
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


def accident_rate_source(start: dt.date, end: dt.date, district_id: int | None = None):
    """万台特种设备事故率 as an Ibis expression (see :class:`zhijian.core.hooks.IndicatorSource`): per
    district, accidents (incidents excluded) that occurred in the period ÷ units in the register during
    it (in use by its last day, not scrapped before its first) — the rule of :func:`queries.accident_rate`
    for any period; the indicators app scales by 10,000 and annualises a part-year."""
    unit = source(Unit, ["district", "commissioned_on", "status", "scrapped_on"])
    registered = unit.filter(
        unit.commissioned_on <= end,
        (unit.status != UnitStatus.SCRAPPED) | unit.scrapped_on.isnull() | (unit.scrapped_on >= start),
    )
    accident = source(Accident, ["district", "occurred_on", "classification"])
    counted = accident.filter(
        accident.occurred_on >= start,
        accident.occurred_on <= end,
        accident.classification != AccidentClass.INCIDENT,
    )
    if district_id is not None:
        registered = registered.filter(registered.district_id == district_id)
        counted = counted.filter(counted.district_id == district_id)
    units = registered.group_by(place=registered.district_id).aggregate(
        units=registered.count().cast("int64")
    )
    accidents = counted.group_by(accident_place=counted.district_id).aggregate(
        accidents=counted.count().cast("int64")
    )
    joined = units.outer_join(accidents, units.place == accidents.accident_place)
    return joined.select(
        district_id=ibis.coalesce(joined.place, joined.accident_place).cast("int64"),
        numerator=ibis.coalesce(joined.accidents, 0).cast("int64"),
        denominator=ibis.coalesce(joined.units, 0).cast("int64"),
    )


def _accident_records(start: dt.date, end: dt.date, district_id: int | None = None) -> str:
    return reverse("equipment:accidents") + f"?year={end.year}"


def indicator_sources() -> list[IndicatorSource]:
    """The plan indicators this app computes (seed 001 table 2-1 row 24: 万台特种设备事故率 ≤ 0.22)."""
    return [
        IndicatorSource(
            code="s001.t21.r24",
            app="equipment",
            compute=accident_rate_source,
            records_url=_accident_records,
            note="期内事故起数（不含事件）÷ 期内在册设备台数 × 10000（不足一年按日折算为年）",
            scale=Decimal(10_000),
            annualise=True,
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
