"""Credit repair (信用修复): every path, and the working-day deadlines of the decision."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from tests.factories import EntityFactory, UserFactory
from zhijian.core.access import SystemActor
from zhijian.core.models import Deadline, Role
from zhijian.credit import services
from zhijian.credit.classify import rescore_all
from zhijian.credit.models import (
    CreditList,
    CreditNotice,
    CreditStanding,
    ListEntry,
    ListGround,
    Publicity,
    RepairApplication,
    RepairKind,
    Sector,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def firm(haishu):
    return EntityFactory(jurisdiction=haishu, established_on=dt.date(2010, 1, 1), industry_code="C2911")


@pytest.fixture
def owner(firm):
    return UserFactory(username="t_owner", role=Role.ENTERPRISE, entity_uscc=firm.uscc)


def penalty(firm, measures, decided, published_today=None, sector=Sector.GENERAL, fulfilled=True):
    record = services.record_penalty(
        actor=SystemActor("test"),
        entity=firm,
        measures=measures,
        title="销售不合格产品",
        violation_type="产品质量",
        occurred_on=decided,
        sector=sector,
        fulfilled_on=decided + dt.timedelta(days=10) if fulfilled else None,
        today=published_today or decided,
    )
    return record


def abnormal(firm, on=dt.date(2026, 3, 2)):
    return services.enter_list(
        actor=SystemActor("test"),
        entity=firm,
        list_code=CreditList.ABNORMAL,
        ground=ListGround.ANNUAL_REPORT,
        entered_on=on,
        reason="未按期公示2025年度报告",
    )


def test_abnormal_removal_approved_delists_reclasses_and_notifies(firm, owner, users):
    # Given a firm on the abnormal list, classed C
    entry = abnormal(firm)
    rescore_all(actor=SystemActor("test"))
    assert CreditStanding.objects.get(entity=firm).credit_class == "C"
    # When it applies after filing the report and the district officer approves
    application = services.apply_for_repair(
        actor=owner,
        kind=RepairKind.ABNORMAL_REMOVAL,
        list_entry=entry,
        statement="已补报2025年度报告并公示",
        commitment=True,
    )
    deadline = services.decision_deadline(application)
    assert deadline.working_days == 5
    services.decide_repair(
        actor=users["haishu"], application=application, approve=True, reason="已补报年度报告"
    )
    # Then the entry is removed with reason and date, the firm is reclassed and notified
    entry.refresh_from_db()
    assert (
        entry.status == ListEntry.Status.REMOVED and entry.removed_on and "信用修复" in entry.removal_reason
    )
    assert CreditStanding.objects.get(entity=firm).credit_class == "A"
    assert CreditNotice.objects.filter(entity=firm, title__contains="准予信用修复").exists()


def test_refused_repair_keeps_the_listing_and_says_why(firm, owner, users):
    entry = abnormal(firm)
    application = services.apply_for_repair(
        actor=owner, kind=RepairKind.ABNORMAL_REMOVAL, list_entry=entry, statement="已整改", commitment=True
    )
    services.decide_repair(
        actor=users["haishu"], application=application, approve=False, reason="年度报告仍未公示"
    )
    entry.refresh_from_db()
    assert entry.status == ListEntry.Status.IN_FORCE
    notice = CreditNotice.objects.filter(entity=firm, title__contains="不予信用修复").get()
    assert "年度报告仍未公示" in notice.body


def test_publicity_end_after_minimum_period_approved(firm, owner, users):
    record = penalty(firm, ["fine"], dt.date(2026, 1, 5))
    application = services.apply_for_repair(
        actor=owner,
        kind=RepairKind.PUBLICITY_END,
        record=record,
        statement="罚款已缴清，已整改",
        commitment=True,
    )
    assert services.decision_deadline(application).working_days == 15
    services.decide_repair(
        actor=users["admin"], application=application, approve=True, reason="符合提前停止公示条件"
    )
    record.refresh_from_db()
    assert record.publicity == Publicity.ENDED_EARLY and record.repaired_on
    # The public no longer sees it
    from zhijian.credit.queries import public_records

    assert not public_records(firm).exists()


@pytest.mark.parametrize(
    ("measures", "decided", "sector", "fulfilled", "why"),
    [
        (["licence_revoked"], dt.date(2025, 1, 6), Sector.GENERAL, True, "不得提前停止公示"),
        (["suspension", "fine"], dt.date(2025, 1, 6), Sector.GENERAL, True, "不得提前停止公示"),
        (["small_fine"], dt.date(2026, 9, 1), Sector.GENERAL, True, "无需申请"),
        (["fine"], dt.date(2026, 8, 3), Sector.GENERAL, True, "公示期须满6个月"),
        (["fine"], dt.date(2026, 1, 5), Sector.FOOD, True, "公示期须满12个月"),
        (["fine"], dt.date(2026, 1, 5), Sector.GENERAL, False, "尚未履行完毕"),
    ],
)
def test_ineligible_penalties_are_refused_and_nothing_changes(
    firm, owner, measures, decided, sector, fulfilled, why
):
    record = penalty(firm, measures, decided, sector=sector, fulfilled=fulfilled)
    with pytest.raises(services.CreditError, match=why) as raised:
        services.apply_for_repair(
            actor=owner, kind=RepairKind.PUBLICITY_END, record=record, statement="已整改", commitment=True
        )
    assert raised.value.code == "ineligible"
    assert not RepairApplication.objects.exists()


def test_only_the_enterprise_itself_applies(firm, users, haishu):
    entry = abnormal(firm)
    other = EntityFactory(jurisdiction=haishu)
    stranger = UserFactory(username="t_stranger", role=Role.ENTERPRISE, entity_uscc=other.uscc)
    with pytest.raises(PermissionDenied):
        services.apply_for_repair(
            actor=stranger, kind=RepairKind.ABNORMAL_REMOVAL, list_entry=entry, statement="x", commitment=True
        )
    with pytest.raises(PermissionDenied):
        services.apply_for_repair(
            actor=users["haishu"],
            kind=RepairKind.ABNORMAL_REMOVAL,
            list_entry=entry,
            statement="x",
            commitment=True,
        )


def test_an_officer_of_another_district_cannot_decide(firm, owner, users):
    entry = abnormal(firm)
    application = services.apply_for_repair(
        actor=owner, kind=RepairKind.ABNORMAL_REMOVAL, list_entry=entry, statement="已补报", commitment=True
    )
    with pytest.raises(PermissionDenied):
        services.decide_repair(actor=users["yinzhou"], application=application, approve=True, reason="x")


def test_deadline_across_the_spring_festival(firm, owner):
    # Given an application on Friday 13 February 2026, before the Spring Festival holiday (15–23 Feb;
    # Saturday 14 Feb is a working day by the State Council's notice)
    entry = abnormal(firm, on=dt.date(2026, 1, 5))
    application = services.apply_for_repair(
        actor=owner,
        kind=RepairKind.ABNORMAL_REMOVAL,
        list_entry=entry,
        statement="已补报",
        commitment=True,
        applied_on=dt.date(2026, 2, 13),
    )
    deadline = Deadline.objects.get(object_id=str(application.pk), kind="credit.repair.decision")
    # Then the five working days are 14, 24, 25, 26 and 27 February
    assert deadline.due == dt.date(2026, 2, 27)
    assert not deadline.provisional


def test_deadline_in_a_year_the_calendar_does_not_know_is_provisional(firm, owner):
    record = penalty(firm, ["fine"], dt.date(2026, 1, 5))
    application = services.apply_for_repair(
        actor=owner,
        kind=RepairKind.PUBLICITY_END,
        record=record,
        statement="罚款已缴清",
        commitment=True,
        applied_on=dt.date(2026, 12, 21),
    )
    deadline = services.decision_deadline(application)
    assert deadline.provisional
    assert deadline.due.year == 2027
    notice = CreditNotice.objects.filter(application=application).get()
    assert "暂定" in notice.body
