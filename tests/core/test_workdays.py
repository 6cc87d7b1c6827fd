import datetime as dt

import pytest

from zhijian.core import audit
from zhijian.core.models import AuditEntry, Deadline
from zhijian.core.rules import MissingRule, rule
from zhijian.core.workdays import NoticeError, add_working_days, count_working_days, load_notice, set_deadline

pytestmark = pytest.mark.django_db


def test_twenty_working_days_across_spring_festival_2026():
    # 2026 Spring Festival: 2026-02-15..23 off, 2026-02-14 (Sat) and 2026-02-28 (Sat) worked.
    # Counting: 11,12,13,14(Sat, worked) = 4; 24,25,26,27,28(Sat, worked) = 9; March 2..6 = 14;
    # March 9..13 = 19; March 16 = 20. A plain weekday count would give 2026-03-10.
    result = add_working_days(dt.date(2026, 2, 10), 20)
    assert not result.provisional
    assert result.value == dt.date(2026, 3, 16)


def test_national_day_2026_is_skipped():
    result = add_working_days(dt.date(2026, 9, 30), 1)
    assert result.value == dt.date(2026, 10, 8)  # 10-01..10-07 off
    assert count_working_days(dt.date(2026, 9, 30), result.value).value == 1


def test_unknown_year_is_provisional_weekdays_only():
    result = add_working_days(dt.date(2026, 12, 28), 10)
    assert result.provisional
    assert result.value == dt.date(2027, 1, 11)  # weekdays only: 29,30,31, Jan 1,4,5,6,7,8,11


def test_deadline_recomputed_when_notice_loaded(users):
    rule_value = rule("inspections.result_publicity.publish_within", dt.date(2026, 12, 28))
    deadline = set_deadline(
        object_type="Test", object_id="1", kind="publicity", start=dt.date(2026, 12, 28), rule=rule_value
    )
    assert deadline.provisional and deadline.due == dt.date(2027, 1, 25)
    days = (
        [(dt.date(2027, 1, 1), False, "元旦")]
        + [(dt.date(2027, 2, d), False, "春节") for d in range(5, 12)]
        + [(dt.date(2027, 2, 13), True, "春节调休")]
    )
    recomputed = load_notice(actor=users["admin"], year=2027, source="测试通知", days=days)
    deadline.refresh_from_db()
    assert recomputed == 1
    assert not deadline.provisional
    assert deadline.due == dt.date(2027, 1, 26)  # Jan 1 is now a holiday: one day later
    assert AuditEntry.objects.filter(action="deadline.recompute", object_id=str(deadline.pk)).exists()
    assert AuditEntry.objects.filter(action="calendar.load_notice", object_id="2027").exists()


def test_notice_with_day_of_another_year_is_refused_and_changes_nothing(users):
    with pytest.raises(NoticeError, match="不属于 2027 年"):
        load_notice(actor=users["admin"], year=2027, source="x", days=[(dt.date(2028, 1, 1), False, "元旦")])
    assert not Deadline.objects.exists()
    assert not AuditEntry.objects.filter(action="calendar.load_notice").exists()


def test_notice_marking_a_weekday_as_workday_is_refused(users):
    with pytest.raises(NoticeError, match="本就是工作日"):
        load_notice(
            actor=users["admin"],
            year=2027,
            source="x",
            days=[(dt.date(2027, 1, 1), False, "元旦"), (dt.date(2027, 1, 4), True, "?")],
        )


def test_rule_lookup_by_date_and_missing_rule():
    found = rule("credit.penalty_publicity.publish_within", dt.date(2024, 1, 1))
    assert found.value == 20 and "第45号" in found.legal_source
    with pytest.raises(MissingRule, match="没有有效取值"):
        rule("credit.penalty_publicity.publish_within", dt.date(2020, 1, 1))


@pytest.mark.django_db(transaction=True)
def test_audit_requires_a_transaction():
    with pytest.raises(RuntimeError):
        audit.record_many(None, [])
