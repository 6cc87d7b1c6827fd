"""Plan indicators computed from quality infrastructure (see :class:`zhijian.core.hooks.IndicatorSource`).

- s002.g01b 开展对标达标提升工作的企业 (seed 002: 450 by 2022): distinct firms whose enrolment the city
  confirmed on or before the period's end, in any campaign year up to it — cumulative, per unit.
- s004.g07 省级及以上政府质量奖 (seed 004: 15 by 2025): firms of the quality-award library with a won
  provincial or national award in a year up to the period's end — a stock.
- s004.g31 质量基础“一站式”公共服务平台 (seed 004: 50 by 2025): active one-stop service points, per unit.
"""

from __future__ import annotations

import datetime as dt

import ibis
from django.urls import reverse

from zhijian.core.analytics import source
from zhijian.core.hooks import IndicatorSource

from .models import AwardRecord, CultivationEntry, Enrolment, ServiceProvider


def benchmark_firms(start: dt.date, end: dt.date, district_id: int | None = None):
    enrolment = source(Enrolment, ["entity", "jurisdiction", "status", "reviewed_on"])
    confirmed = enrolment.filter(enrolment.status == "approved", enrolment.reviewed_on <= end)
    if district_id is not None:
        confirmed = confirmed.filter(confirmed.jurisdiction_id == district_id)
    return confirmed.group_by(district_id=confirmed.jurisdiction_id).aggregate(
        numerator=confirmed.entity_id.nunique().cast("int64"), denominator=ibis.null().cast("int64")
    )


def provincial_quality_awards(start: dt.date, end: dt.date, district_id: int | None = None):
    award = source(AwardRecord, ["entry", "year", "level", "won"])
    entry = source(CultivationEntry, ["id", "library", "jurisdiction"])
    won = award.filter(award.won, award.level.isin(["province", "national"]), award.year <= end.year)
    joined = won.join(entry, won.entry_id == entry.id)
    joined = joined.filter(joined.library == "quality_award")
    if district_id is not None:
        joined = joined.filter(joined.jurisdiction_id == district_id)
    return joined.group_by(district_id=joined.jurisdiction_id).aggregate(
        numerator=joined.entry_id.nunique().cast("int64"), denominator=ibis.null().cast("int64")
    )


def service_points(start: dt.date, end: dt.date, district_id: int | None = None):
    provider = source(ServiceProvider, ["id", "kind", "jurisdiction", "active"])
    points = provider.filter(provider.kind == "service_point", provider.active)
    if district_id is not None:
        points = points.filter(points.jurisdiction_id == district_id)
    return points.group_by(district_id=points.jurisdiction_id).aggregate(
        numerator=points.count().cast("int64"), denominator=ibis.null().cast("int64")
    )


def definitions() -> list[IndicatorSource]:
    return [
        IndicatorSource(
            code="s002.g01b",
            app="quality",
            compute=benchmark_firms,
            records_url=lambda s, e, d=None: reverse("quality:campaign") + "?status=approved",
            note="累计：市局确认参加对标达标提升专项行动的企业（按企业去重）",
        ),
        IndicatorSource(
            code="s004.g07",
            app="quality",
            compute=provincial_quality_awards,
            records_url=lambda s, e, d=None: (
                reverse("quality:library_list") + "?library=quality_award&stage=awarded"
            ),
            note="政府质量奖培育库中获省级及以上政府质量奖的企业（截至期末）",
        ),
        IndicatorSource(
            code="s004.g31",
            app="quality",
            compute=service_points,
            records_url=lambda s, e, d=None: reverse("quality:services"),
            note="在线的质量基础设施“一站式”服务站点",
        ),
    ]
