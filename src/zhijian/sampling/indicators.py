"""Plan indicators computed from sampling (see :class:`zhijian.core.hooks.IndicatorSource`).

The cohort of a period is the samples taken in it (``sampled_on`` in the period), per the sampling
jurisdiction — the same cohort as :mod:`zhijian.sampling.figures`:

- 食品安全抽检监测数 (seed 001 表2-1 row 23, 批次/千人 a year): food samples ÷ resident population
  (:class:`~zhijian.sampling.models.Population`, each unit's newest figure up to the period's last
  year) × 1,000, annualised for a part-year; functional zones have no census figure, so their
  samples count for the city only;
- 流通领域产品质量监督抽查量 (row 25, 批次/年): product samples of the circulation stage, annualised;
- 主要食品评价性抽检合格率 (seed 004, ≥ 99.5 %): food samples of evaluative purpose judged 合格 ÷ judged;
- 主要食品质量抽检合格率 (seed 000, ≥ 98 %): food samples judged 合格 ÷ judged, every purpose;
- 不合格产品后处理闭环率 (seed 004, 100 %): failing samples whose loop is closed ÷ failing samples
  whose failure stands (loop open or closed; withdrawn after a passing re-test counts on neither side).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

import ibis
from django.urls import reverse

from zhijian.core.analytics import source
from zhijian.core.hooks import IndicatorSource
from zhijian.core.models import Jurisdiction

from .models import Judgement, Kind, LoopStatus, Population, Purpose, Sample, Stage

COLUMNS = ["id", "kind", "purpose", "stage", "jurisdiction", "sampled_on", "judgement", "loop_status"]


def _cohort(start: dt.date, end: dt.date, district_id: int | None):
    sample = source(Sample, COLUMNS)
    cohort = sample.filter(sample.sampled_on >= start, sample.sampled_on <= end)
    if district_id is not None:
        cohort = cohort.filter(cohort.jurisdiction_id == district_id)
    return cohort


def _share(cohort, numerator):
    """Per jurisdiction: rows meeting ``numerator`` (a condition) and all rows."""
    flagged = cohort.mutate(n=numerator.ifelse(1, 0).cast("int64"))
    return flagged.group_by(district_id=flagged.jurisdiction_id).aggregate(
        numerator=flagged.n.sum().cast("int64"), denominator=flagged.count().cast("int64")
    )


def _count(cohort, condition):
    kept = cohort.filter(condition)
    return kept.group_by(district_id=kept.jurisdiction_id).aggregate(
        numerator=kept.count().cast("int64"), denominator=ibis.null().cast("int64")
    )


def residents_of(year: int):
    """Residents of each county-level unit by its newest figure of ``year`` or before."""
    population = source(Population, ["jurisdiction", "year", "residents"])
    place = source(Jurisdiction, ["id", "level"])
    county = place.filter(place.level.isin(["district", "zone"])).select(county_id=place.id)
    known = population.filter(population.year <= year)
    known = known.join(county, known.jurisdiction_id == county.county_id).select(
        "jurisdiction_id", "year", "residents"
    )
    newest = known.group_by(newest_place=known.jurisdiction_id).aggregate(newest_year=known.year.max())
    rows = known.join(
        newest, (known.jurisdiction_id == newest.newest_place) & (known.year == newest.newest_year)
    )
    return rows.select(place=rows.jurisdiction_id, residents=rows.residents.cast("int64"))


def food_batches_per_thousand(start: dt.date, end: dt.date, district_id: int | None = None):
    """Every unit with a population figure has a row (0 batches when none was taken), so that the
    city's denominator is the whole population; a zone's batches have no denominator of their own."""
    cohort = _cohort(start, end, district_id)
    food = _count(cohort, cohort.kind == Kind.FOOD).drop("denominator")
    residents = residents_of(end.year)
    if district_id is not None:
        residents = residents.filter(residents.place == district_id)
    joined = residents.outer_join(food, residents.place == food.district_id)
    return joined.select(
        district_id=ibis.coalesce(joined.district_id, joined.place).cast("int64"),
        numerator=ibis.coalesce(joined.numerator, 0).cast("int64"),
        denominator=joined.residents,
    )


def circulation_product_batches(start: dt.date, end: dt.date, district_id: int | None = None):
    cohort = _cohort(start, end, district_id)
    return _count(cohort, (cohort.kind == Kind.PRODUCT) & (cohort.stage == Stage.CIRCULATION))


def _pass_rate(cohort):
    judged = cohort.filter(cohort.judgement != "")
    return _share(judged, judged.judgement == Judgement.PASS)


def evaluative_food_pass_rate(start: dt.date, end: dt.date, district_id: int | None = None):
    cohort = _cohort(start, end, district_id)
    return _pass_rate(cohort.filter(cohort.kind == Kind.FOOD, cohort.purpose == Purpose.EVALUATION))


def food_pass_rate(start: dt.date, end: dt.date, district_id: int | None = None):
    cohort = _cohort(start, end, district_id)
    return _pass_rate(cohort.filter(cohort.kind == Kind.FOOD))


def closure_rate(start: dt.date, end: dt.date, district_id: int | None = None):
    cohort = _cohort(start, end, district_id)
    failing = cohort.filter(cohort.loop_status.isin([LoopStatus.OPEN, LoopStatus.CLOSED]))
    return _share(failing, failing.loop_status == LoopStatus.CLOSED)


def _samples_url(**params):
    def url(start: dt.date, end: dt.date, district_id: int | None = None) -> str:
        query = {"sampled_from": start.isoformat(), "sampled_to": end.isoformat(), **params}
        if district_id:
            query["jurisdiction"] = str(district_id)
        return f"{reverse('sampling:sample_list')}?{urlencode(query)}"

    return url


def definitions() -> list[IndicatorSource]:
    percent = Decimal(100)
    return [
        IndicatorSource(
            code="s001.t21.r23",
            app="sampling",
            compute=food_batches_per_thousand,
            records_url=_samples_url(kind=Kind.FOOD),
            note="期内食品抽样批次 ÷ 常住人口 × 1000（不足一年按日折算为年）",
            scale=Decimal(1000),
            annualise=True,
        ),
        IndicatorSource(
            code="s001.t21.r25",
            app="sampling",
            compute=circulation_product_batches,
            records_url=_samples_url(kind=Kind.PRODUCT),
            note="期内流通环节工业产品抽样批次（不足一年按日折算为年）",
            annualise=True,
        ),
        IndicatorSource(
            code="s004.g41a",
            app="sampling",
            compute=evaluative_food_pass_rate,
            records_url=_samples_url(kind=Kind.FOOD, judgement=Judgement.PASS),
            note="期内评价性食品抽检判定合格批次 ÷ 已判定批次",
            scale=percent,
        ),
        IndicatorSource(
            code="s000.g04a",
            app="sampling",
            compute=food_pass_rate,
            records_url=_samples_url(kind=Kind.FOOD, judgement=Judgement.PASS),
            note="期内食品抽检判定合格批次 ÷ 已判定批次",
            scale=percent,
        ),
        IndicatorSource(
            code="s004.g42",
            app="sampling",
            compute=closure_rate,
            records_url=_samples_url(judgement=Judgement.FAIL),
            note="期内不合格且未经复检撤销的样品中核查处置已闭环的批次 ÷ 该类批次",
            scale=percent,
        ),
    ]
