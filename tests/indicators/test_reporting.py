"""Reported values: a district reports with evidence, the head approves and it is locked; a
correction after locking is a new audited version; the locked one is kept and never changed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from tests.factories import UserFactory
from zhijian.core.errors import Conflict, DomainError, Forbidden
from zhijian.core.models import AuditEntry, OutboxEvent, Role
from zhijian.indicators.models import Indicator, ReportedValue, ValueStatus
from zhijian.indicators.services import reporting

pytestmark = pytest.mark.django_db
START, END = dt.date(2020, 1, 1), dt.date(2020, 12, 31)


@pytest.fixture
def quota(catalogue):
    return Indicator.objects.get(code="s002.a1")  # 对标达标企业数, decomposed per district


def report(user, indicator, place, value="11", **kwargs):
    return reporting.report_value(
        actor=user,
        indicator=indicator,
        jurisdiction=place,
        period_start=START,
        period_end=END,
        value=value,
        evidence_note="对标达标企业名单（附件2）",
        **kwargs,
    )


def test_report_approve_lock(quota, users, head, city):
    row = report(users["haishu"], quota, city["330203"])
    assert (row.status, row.version, row.value) == (ValueStatus.SUBMITTED, 1, D("11"))
    locked = reporting.approve_value(actor=head, row=row, note="核实无误")
    assert locked.status == ValueStatus.LOCKED and locked.locked and locked.reviewed_by == head
    assert OutboxEvent.objects.filter(topic="indicators.value_locked").count() == 1
    actions = list(AuditEntry.objects.filter(object_type="ReportedValue").values_list("action", flat=True))
    assert actions == ["indicators.value.report", "indicators.value.approve"]
    with pytest.raises(Conflict) as refused:
        report(users["haishu"], quota, city["330203"], value="12")
    assert refused.value.code == "locked"
    with pytest.raises(Conflict):
        reporting.approve_value(actor=head, row=locked)


def test_who_may_report_and_approve(quota, users, head, city):
    with pytest.raises(Forbidden):
        report(users["haishu"], quota, city["330212"])  # another district
    with pytest.raises(Forbidden):
        report(users["inspector"], quota, city["330203"])
    with pytest.raises(DomainError):
        reporting.report_value(
            actor=users["haishu"],
            indicator=quota,
            jurisdiction=city["330203"],
            period_start=START,
            period_end=END,
            value="11",
            evidence_note=" ",
        )
    row = report(users["haishu"], quota, city["330203"])
    with pytest.raises(Forbidden):
        reporting.approve_value(actor=users["department"], row=row)  # not a head
    with pytest.raises(Forbidden):
        reporting.approve_value(actor=users["yinzhou"], row=row)
    own = report(head, Indicator.objects.get(code="s001.t21.r22"), city["330200"], value="3")
    with pytest.raises(Forbidden) as refused:
        reporting.approve_value(actor=head, row=own)
    assert refused.value.code == "own_report"


def test_return_and_report_again(quota, users, head, city):
    row = report(users["haishu"], quota, city["330203"])
    reporting.return_value(actor=head, row=row, note="缺少名单")
    row.refresh_from_db()
    assert row.status == ValueStatus.REJECTED
    again = report(users["haishu"], quota, city["330203"], value="10")
    assert again.pk == row.pk and again.status == ValueStatus.SUBMITTED and again.version == 1


def test_a_correction_is_a_new_version(quota, users, head, city):
    first = reporting.approve_value(actor=head, row=report(users["haishu"], quota, city["330203"]))
    correction = reporting.correct_value(
        actor=users["haishu"], row=first, value="12", reason="漏报一家企业", evidence_note="补充名单"
    )
    assert (correction.version, correction.supersedes_id, correction.status) == (
        2,
        first.pk,
        ValueStatus.SUBMITTED,
    )
    first.refresh_from_db()
    assert first.status == ValueStatus.LOCKED  # still the value in force until the correction is approved
    with pytest.raises(Conflict):
        reporting.correct_value(
            actor=users["haishu"], row=first, value="13", reason="再改", evidence_note="x"
        )
    reporting.approve_value(actor=head, row=correction)
    first.refresh_from_db()
    assert (first.status, first.value) == (ValueStatus.SUPERSEDED, D("11"))
    chain = list(
        ReportedValue.objects.filter(code="s002.a1")
        .order_by("version")
        .values_list("version", "value", "status")
    )
    assert chain == [(1, D("11"), ValueStatus.SUPERSEDED), (2, D("12"), ValueStatus.LOCKED)]
    audit = AuditEntry.objects.get(action="indicators.value.correct")
    assert (D(audit.before["value"]), D(audit.after["value"]), audit.after["reason"]) == (
        D(11),
        D(12),
        "漏报一家企业",
    )
    with pytest.raises(Conflict):
        reporting.correct_value(actor=users["haishu"], row=first, value="14", reason="x", evidence_note="x")


def test_a_department_reports_its_own_indicators_for_the_city(catalogue, city):
    food = UserFactory(
        username="t_food",
        role=Role.DEPARTMENT,
        department=Indicator.objects.get(code="s001.t21.r22").department,
    )
    row = report(food, Indicator.objects.get(code="s001.t21.r22"), city["330200"], value="3")
    assert row.status == ValueStatus.SUBMITTED
    with pytest.raises(Forbidden):
        report(food, Indicator.objects.get(code="s001.t21.r09"), city["330200"], value="50")  # 商标处's
    with pytest.raises(Forbidden):
        report(food, Indicator.objects.get(code="s001.t21.r22"), city["330203"], value="1")


def test_refused_reports_and_corrections_come_back_with_what_was_typed(quota, users, head, city):
    from django.test import Client

    from tests.factories import PASSWORD

    client = Client()
    assert client.login(username=users["haishu"].username, password=PASSWORD)
    # A report without its evidence note: the value and the period typed stay, nothing is reported
    response = client.post(
        f"/indicators/i/{quota.code}/report/",
        {
            "jurisdiction": city["330203"].pk,
            "period_start": "2020-01-01",
            "period_end": "2020-12-31",
            "value": "17",
            "miss_reason": "两家企业延期验收",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400 and 'value="17"' in page and 'value="两家企业延期验收"' in page
    assert 'aria-invalid="true"' in page and not ReportedValue.objects.exists()
    # A correction of a locked value without its reason keeps the new value, and adds no version
    locked = reporting.approve_value(
        actor=head, row=report(users["haishu"], quota, city["330203"]), note="核实"
    )
    response = client.post(
        f"/indicators/values/{locked.pk}/correct/", {"value": "12", "evidence_note": "补充名单"}
    )
    page = response.content.decode()
    assert response.status_code == 400 and 'value="12"' in page and '<details class="card" open>' in page
    assert ReportedValue.objects.count() == 1
