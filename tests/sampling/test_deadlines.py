"""Chain deadlines as rule data, counted in working days over the holidays, and into 2027."""

import datetime as dt

import pytest

from zhijian.core.models import RuleValue
from zhijian.core.workdays import load_notice
from zhijian.sampling.deadlines import rule_for, set_chain_deadline
from zhijian.sampling.models import Sample

pytestmark = pytest.mark.django_db


class Obj:
    """Anything with a primary key can carry a deadline."""

    def __init__(self, pk):
        self.pk = pk


Obj.__name__ = "Sample"


def due(kind, sample_kind, start):
    return set_chain_deadline(Obj(start.toordinal()), kind, sample_kind, start)


def test_every_chain_rule_is_seeded_with_its_legal_source():
    keys = set(RuleValue.objects.filter(key__startswith="sampling.").values_list("key", flat=True))
    for kind in ("food", "product"):
        for name in ("deliver_to_lab", "report_within", "retest_report_within", "disposal_within"):
            assert f"sampling.{kind}.{name}" in keys
    assert {"sampling.food.retest_request_within", "sampling.product.objection_within"} <= keys
    food_retest = rule_for("retest_request", "food", dt.date(2026, 1, 5))
    assert (food_retest.value, food_retest.unit) == (7, "working_days")
    assert "食品安全法》第八十八条" in food_retest.legal_source
    objection = rule_for("objection", "product", dt.date(2026, 1, 5))
    assert (objection.value, objection.unit) == (
        15,
        "days",
    ) and "产品质量法》第十五条" in objection.legal_source
    assert all(r.legal_source for r in RuleValue.objects.filter(key__startswith="sampling."))


@pytest.mark.parametrize(
    ("kind", "start", "expected", "why"),
    [
        # Spring Festival 2025: 01-28..02-04 off, Sun 01-26 and Sat 02-08 worked
        ("at_lab", dt.date(2025, 1, 24), dt.date(2025, 2, 7), "26(Sun) 27 | 5 6 7"),
        ("retest_request", dt.date(2025, 1, 27), dt.date(2025, 2, 12), "5 6 7 8(Sat) 10 11 12"),
        # Spring Festival 2026: 02-15..02-23 off, Sat 02-14 and Sat 02-28 worked
        ("at_lab", dt.date(2026, 2, 12), dt.date(2026, 2, 26), "13 14(Sat) | 24 25 26"),
        ("report", dt.date(2026, 2, 10), dt.date(2026, 3, 16), "11-14(Sat) | 24-28(Sat) | 3/2-6 | 9-13 | 16"),
        ("retest_request", dt.date(2026, 2, 13), dt.date(2026, 3, 2), "14(Sat) | 24 25 26 27 28(Sat) | 3/2"),
        # National Day 2025: 10-01..10-08 off, Sun 09-28 and Sat 10-11 worked
        ("at_lab", dt.date(2025, 9, 26), dt.date(2025, 10, 10), "28(Sun) 29 30 | 9 10"),
        ("retest_request", dt.date(2025, 9, 30), dt.date(2025, 10, 16), "9 10 11(Sat) 13 14 15 16"),
        # National Day 2026: 10-01..10-07 off, Sat 10-10 worked; 中秋 09-25 off, Sun 09-20 worked
        ("at_lab", dt.date(2026, 9, 29), dt.date(2026, 10, 12), "30 | 8 9 10(Sat) 12"),
        (
            "report",
            dt.date(2026, 9, 18),
            dt.date(2026, 10, 22),
            "20(Sun) 21-24 28-30 | 8 9 10(Sat) 12-16 19-22",
        ),
    ],
)
def test_food_deadlines_over_holidays(kind, start, expected, why):
    deadline = due(kind, "food", start)
    assert deadline.due == expected, why
    assert not deadline.provisional


@pytest.mark.parametrize(
    ("kind", "sample_kind", "start", "expected", "why"),
    [
        (
            "retest_report",
            "food",
            dt.date(2026, 2, 11),
            dt.date(2026, 3, 3),
            "12 13 14(Sat) | 24-28(Sat) | 3/2 3",
        ),
        ("retest_report", "food", dt.date(2025, 9, 29), dt.date(2025, 10, 20), "30 | 9 10 11(Sat) 13-17 20"),
        ("deliver_to_lab", "product", dt.date(2026, 2, 12), dt.date(2026, 2, 26), "13 14(Sat) | 24 25 26"),
        (
            "report",
            "product",
            dt.date(2026, 9, 24),
            dt.date(2026, 10, 29),
            "(25 中秋) 28-30 | 8 9 10(Sat) 12-16 19-23 26-29",
        ),
        (
            "retest_report",
            "product",
            dt.date(2025, 1, 20),
            dt.date(2025, 2, 21),
            "21-24 26(Sun) 27 | 5-8(Sat) 10-14 17-21",
        ),
    ],
)
def test_other_chain_deadlines_over_holidays(kind, sample_kind, start, expected, why):
    kind = "at_lab" if kind == "deliver_to_lab" else kind
    assert due(kind, sample_kind, start).due == expected, why


def test_calendar_day_limits_ignore_holidays():
    # 产品质量法 第十五条: 十五日, counted in calendar days straight across National Day
    assert due("objection", "product", dt.date(2026, 9, 28)).due == dt.date(2026, 10, 13)
    # 90 days (日) to finish food post-processing, across Spring Festival
    assert due("disposal", "food", dt.date(2026, 1, 20)).due == dt.date(2026, 4, 20)


def test_a_deadline_running_into_2027_is_provisional_until_the_notice_is_loaded(users):
    deadline = due("report", "food", dt.date(2026, 12, 15))
    # weekdays only after 2026: 16,17,18,21..25(5 incl. Christmas),28..31(4) = 12 in 2026; 2027: 1,4..8,11,12 = 8
    assert deadline.provisional and deadline.due == dt.date(2027, 1, 12)
    days = [(dt.date(2027, 1, 1), False, "元旦")] + [
        (dt.date(2027, 2, d), False, "春节") for d in range(6, 13)
    ]
    load_notice(actor=users["admin"], year=2027, source="测试：2027年放假安排", days=days)
    deadline.refresh_from_db()
    assert not deadline.provisional and deadline.due == dt.date(2027, 1, 13)  # New Year's Day is off


def test_product_objection_deadline_into_2027_is_never_provisional():
    deadline = due("objection", "product", dt.date(2026, 12, 25))
    assert deadline.due == dt.date(2027, 1, 9) and not deadline.provisional


def test_a_rule_change_applies_to_cases_that_start_after_it():
    RuleValue.objects.create(
        key="sampling.food.report_within",
        value=15,
        unit="working_days",
        valid_from=dt.date(2027, 1, 1),
        legal_source="测试：假设的新规定",
    )
    assert rule_for("report", "food", dt.date(2026, 12, 31)).value == 20
    assert rule_for("report", "food", dt.date(2027, 1, 4)).value == 15
    assert Sample.objects.count() == 0
