"""Answer deadlines by classification (rule data): hours on the clock, working days on the Chinese
calendar."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from zhijian.core.models import RuleValue
from zhijian.warnings.services.warnings import answer_due

pytestmark = pytest.mark.django_db
NINGBO = ZoneInfo("Asia/Shanghai")
BEFORE_NATIONAL_DAY = dt.datetime(2026, 9, 30, 16, 0, tzinfo=NINGBO)


def test_the_alert_rule_is_24_hours_with_its_legal_source():
    alert = RuleValue.objects.get(key="warnings.answer.alert")
    assert (alert.value, alert.unit, alert.get_unit_display()) == (Decimal(24), "hours", "小时")
    assert "预警分布管理" in alert.legal_source


def test_an_alert_is_due_24_hours_later_whatever_the_holidays():
    due = answer_due("alert", BEFORE_NATIONAL_DAY)
    assert due == dt.datetime(2026, 10, 1, 16, 0, tzinfo=NINGBO)  # 1 October is a holiday: no matter


def test_a_follow_up_is_due_after_5_working_days_on_the_chinese_calendar():
    # 1–7 October 2026 are the National Day holidays; Saturday 10 October is worked instead.
    due = answer_due("follow_up", BEFORE_NATIONAL_DAY)
    assert due.astimezone(NINGBO) == dt.datetime(2026, 10, 13, 23, 59, tzinfo=NINGBO)


def test_working_days_count_from_the_local_day_of_the_raising():
    after_midnight = dt.datetime(2026, 10, 9, 0, 30, tzinfo=NINGBO)  # still the 8th in UTC
    # 10 (Saturday, worked), 12, 13, 14, 15 October; from the 8th it would be the 14th
    due = answer_due("follow_up", after_midnight.astimezone(dt.UTC))
    assert due.astimezone(NINGBO).date() == dt.date(2026, 10, 15)


def test_a_limit_in_minutes_runs_on_the_clock():
    RuleValue.objects.create(
        key="warnings.answer.attention",
        value=Decimal(90),
        unit="minutes",
        valid_from=dt.date(2026, 9, 1),
        legal_source="测试",
    )
    assert answer_due("attention", BEFORE_NATIONAL_DAY) == BEFORE_NATIONAL_DAY + dt.timedelta(minutes=90)
    assert RuleValue(unit="minutes").get_unit_display() == "分钟"
