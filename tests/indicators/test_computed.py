"""Each computed indicator on a fixture with its value computed by hand (see conftest.py for the
records), on the test database (SQLite or PostgreSQL); the same figures on Spark for one of them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.indicators.conftest import YEAR
from zhijian.core.access import SystemActor
from zhijian.core.analytics import java_available, spark_engine
from zhijian.indicators.models import ComputedValue
from zhijian.indicators.services.computing import compute, compute_values, definitions

pytestmark = pytest.mark.django_db
START, END = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
D = Decimal


def figures(code, start=START, end=END, **kwargs):
    return {f.jurisdiction_id: f for f in compute(code, start, end, **kwargs)}


def values(code, city, start=START, end=END, **kwargs):
    got = figures(code, start, end, **kwargs)
    return {
        place: got[city[place].pk].value for place in ("330203", "330212", "330200") if city[place].pk in got
    }


def test_every_provider_is_registered_under_a_catalogue_code(catalogue):
    from zhijian.indicators.models import Indicator

    codes = set(definitions())
    assert codes == {
        "s001.t21.r01",
        "s001.t21.r02",
        "s001.t21.r03",
        "s001.t21.r23",
        "s001.t21.r25",
        "s004.g41a",
        "s000.g04a",
        "s004.g42",
        "s002.g01b",  # quality: firms in the 对标达标 campaign
        "s004.g07",  # quality: 省级及以上政府质量奖 (cultivation library)
        "s004.g31",  # quality: one-stop service points
        "s001.t21.r05",  # complaints: 赔偿先付 firms
        "s001.t21.r06",  # complaints: ODR firms
        "s001.t21.r07",  # complaints: 消费者投诉处置率
        "s001.t21.r24",  # equipment: 万台特种设备事故率
    }
    assert codes <= set(Indicator.objects.values_list("code", flat=True))


def test_registered_entities(register_world, city):
    # 海曙 3 − 1 deregistered on 2026-03-01; 鄞州 1 (the 2027 one is not yet registered): 3 → 0.0003 万户
    got = figures("s001.t21.r01")
    assert (got[city["330203"].pk].numerator, got[city["330212"].pk].numerator) == (2, 1)
    assert got[city["330200"].pk].numerator == 3
    assert got[city["330200"].pk].value == D("0.0003")
    early = figures("s001.t21.r01", START, dt.date(YEAR, 2, 28))
    assert early[city["330203"].pk].numerator == 3


def test_double_random_share(inspection_world, city):
    # active items 4; 海曙 drew items {1,2} → 50 %; 鄞州 {1} → 25 %; city {1,2} → 50 % (not 3/4)
    assert values("s001.t21.r02", city) == {
        "330203": D("50.0000"),
        "330212": D("25.0000"),
        "330200": D("50.0000"),
    }


def test_credit_application_rate(inspection_world, city):
    # 海曙 1 of 2 drawn tasks differentiates by class; 鄞州 1 of 1 (A=0 differs); city 2/3
    assert values("s001.t21.r03", city) == {
        "330203": D("50.0000"),
        "330212": D("100.0000"),
        "330200": D("66.6667"),
    }


def test_credit_application_rate_leaves_out_tasks_over_special_equipment_user_units(inspection_world, city):
    # A drawn 海曙 task over special-equipment user units (key 0.2 / normal 0.05: not credit classes)
    # neither applies nor fails to apply the credit classes: the figures above do not move.
    from zhijian.inspections.models import ObjectKind, Task

    task = Task.objects.filter(jurisdiction=city["330203"], status="drawn").first()
    task.pk = None
    task.object_kind = ObjectKind.SPECIAL_EQUIPMENT
    task.ratios = {"K": "0.2", "N": "0.05"}
    task.save()
    task.draws.model.objects.create(
        **{
            f.name: getattr(
                task.draws.model.objects.filter(task__jurisdiction=city["330203"]).first(), f.name
            )
            for f in task.draws.model._meta.concrete_fields
            if f.name not in ("id", "task")
        }
        | {"task": task, "object_kind": ObjectKind.SPECIAL_EQUIPMENT}
    )
    assert values("s001.t21.r03", city) == {
        "330203": D("50.0000"),
        "330212": D("100.0000"),
        "330200": D("66.6667"),
    }
    # …while it counts among the drawn tasks of 双随机监管事项占比's cohort as before.
    assert values("s001.t21.r02", city)["330203"] == D("50.0000")


def test_food_batches_per_thousand(sampling_world, city):
    # 海曙 6 food / 600,000 × 1000; 鄞州 2 / 1,000,000 × 1000; city 8 / 1,600,000 × 1000
    assert values("s001.t21.r23", city) == {
        "330203": D("0.0100"),
        "330212": D("0.0020"),
        "330200": D("0.0050"),
    }


def test_food_batches_per_thousand_annualised(sampling_world, city):
    # all 8 food samples of the year were taken on 5 May: January–May (151 days) annualised
    got = values("s001.t21.r23", city, START, dt.date(YEAR, 5, 31))
    assert got["330200"] == (D(8) * 1000 / D(1_600_000) * 365 / 151).quantize(D("0.0001"))


def test_circulation_product_batches(sampling_world, city):
    got = figures("s001.t21.r25")
    assert {k: got[city[k].pk].value for k in ("330203", "330212", "330200")} == {
        "330203": D("2.0000"),
        "330212": D("1.0000"),
        "330200": D("3.0000"),
    }


def test_evaluative_food_pass_rate(sampling_world, city):
    # 海曙 2 of 3 evaluative judged pass; 鄞州 1 of 1; city 3 of 4
    assert values("s004.g41a", city) == {
        "330203": D("66.6667"),
        "330212": D("100.0000"),
        "330200": D("75.0000"),
    }


def test_food_pass_rate(sampling_world, city):
    # 海曙 4 of 6 judged food pass (the withdrawn failure passed its re-test); 鄞州 1 of 1 (one unjudged); city 5/7
    assert values("s000.g04a", city) == {
        "330203": D("66.6667"),
        "330212": D("100.0000"),
        "330200": D("71.4286"),
    }


def test_closure_rate(sampling_world, city):
    # 海曙 failures standing: 3 (food closed, food open, product closed), 2 closed; 鄞州 none; city 2/3
    assert values("s004.g42", city) == {"330203": D("66.6667"), "330200": D("66.6667")}


def test_one_district_alone(sampling_world, city):
    got = figures("s004.g41a", district_id=city["330212"].pk)
    assert list(got) == [city["330212"].pk] and got[city["330212"].pk].value == D("100.0000")


def test_compute_values_stores_and_replaces(sampling_world, register_world, inspection_world, city):
    actor = SystemActor("test")
    made = compute_values(actor=actor, start=START, end=END)
    assert made == ComputedValue.objects.count()
    again = compute_values(actor=actor, start=START, end=END)
    assert again == made == ComputedValue.objects.count()
    stored = ComputedValue.objects.get(code="s004.g42", jurisdiction=city["330200"], period_start=START)
    assert (stored.numerator, stored.denominator, stored.value) == (2, 3, D("66.6667"))


@pytest.mark.skipif(not java_available(), reason="NOTICE: java is missing: the Spark run is skipped")
def test_spark_gives_the_same_figures(sampling_world, city):
    on_database = figures("s004.g42")
    on_database_food = figures("s001.t21.r23")
    with spark_engine(cores=1) as engine:
        on_spark = figures("s004.g42", engine=engine)
        on_spark_food = figures("s001.t21.r23", engine=engine)
    assert on_spark == on_database
    assert on_spark_food == on_database_food
    assert on_spark[city["330200"].pk].value == D("66.6667")


def test_a_batch_reads_the_register_once_and_gives_each_period_its_count(register_world, city):
    from zhijian.indicators.services.computing import stock_series

    periods = [(dt.date(YEAR, m, 1), dt.date(YEAR, m + 1, 1) - dt.timedelta(days=1)) for m in (1, 2, 3, 4)]
    series = stock_series("s001.t21.r01", periods)
    for period in periods:
        single = {f.jurisdiction_id: f for f in compute("s001.t21.r01", *period)}
        assert {f.jurisdiction_id: f for f in series[period]} == single
    march = {f.jurisdiction_id: f.numerator for f in series[periods[2]]}
    assert (march[city["330203"].pk], march[city["330200"].pk]) == (2, 3)  # deregistered on 1 March
