"""附件3 progress reports: figures generated from the data, deadlines from rule data (5 July, 5 January),
reminders, overdue and late flags, the city summary, and the XLSX and PDF files."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.quality.conftest import SYSTEM, enrol
from zhijian.core.errors import Forbidden
from zhijian.core.models import OutboxEvent, RuleValue
from zhijian.quality import exports, services
from zhijian.quality.models import Enrolment, ReportReminder
from zhijian.quality.reference import INDUSTRIES_2020, QUOTAS_2020
from zhijian.quality.services import reports
from zhijian.quality.services.reports import (
    city_summary,
    current_period,
    deadline_for,
    report_figures,
    report_states,
)

pytestmark = pytest.mark.django_db


def test_deadlines_are_5_july_and_5_january_from_rule_data():
    half, annual = deadline_for(2025, "half"), deadline_for(2025, "annual")
    assert (half.period_end, half.due_on) == (dt.date(2025, 6, 30), dt.date(2025, 7, 5))
    assert (annual.period_end, annual.due_on) == (dt.date(2025, 12, 31), dt.date(2026, 1, 5))
    assert "对标达标提升专项行动实施方案" in half.rule.legal_source
    assert half.remind_from == dt.date(2025, 6, 25)
    assert current_period(dt.date(2026, 7, 1)) == (2026, "half")
    assert current_period(dt.date(2026, 1, 3)) == (2025, "annual")


def test_a_missing_rule_is_said_not_guessed(campaign, users):
    from tests.quality.test_scoping_matrix import client_for
    from zhijian.core.rules import MissingRule

    RuleValue.objects.filter(key=reports.DUE_RULE).delete()
    with pytest.raises(MissingRule, match="没有有效取值"):
        deadline_for(2026, "half")
    page = client_for(users["haishu"]).get("/quality/reports/")
    assert page.status_code == 503 and "没有有效取值" in page.content.decode()
    home = client_for(users["admin"]).get("/", follow=True)  # the workbench still opens, with the finding
    assert home.status_code == 200 and "进展情况报表期限规则缺失" in home.content.decode()


def test_a_new_rule_version_applies_from_its_date_only():
    RuleValue.objects.create(
        key=reports.DUE_RULE,
        value=Decimal("10"),
        unit="days",
        valid_from=dt.date(2027, 1, 1),
        legal_source="（测试）新的实施方案",
    )
    assert deadline_for(2026, "half").due_on == dt.date(2026, 7, 5)
    assert deadline_for(2027, "half").due_on == dt.date(2027, 7, 10)


@pytest.fixture
def campaign_2025(city):
    return services.save_campaign(
        actor=SYSTEM,
        year=2025,
        title="2025年",
        industries=INDUSTRIES_2020,
        goal_year=2025,
        goal_industries=15,
        goal_firms=450,
        quotas=QUOTAS_2020,
    )


def _dated(enrolment, **dates):
    Enrolment.objects.filter(pk=enrolment.pk).update(**dates)


def test_report_figures_match_the_data_as_of_the_period_end(campaign_2025, firms, standards, users):
    e1 = enrol(SYSTEM, campaign_2025, firms["haishu"], standards)
    e2 = enrol(SYSTEM, campaign_2025, firms["haishu"], standards, product="圆锥滚子轴承")
    e3 = services.enrol_firm(
        actor=SYSTEM,
        campaign=campaign_2025,
        uscc=firms["haishu2"].uscc,
        product_name="家用电器",
        executed_standard=standards["GB 4706.1-2005"],
        compared_standard=standards["IEC 60335-1:2020"],
    )
    late = enrol(SYSTEM, campaign_2025, firms["yinzhou"], standards)  # another district: not in 海曙's report
    for e in (e1, e2, e3, late):
        services.review_enrolment(actor=SYSTEM, enrolment=e, approve=True)
    _dated(
        e1,
        reviewed_on=dt.date(2025, 5, 20),
        plan_uploaded_on=dt.date(2025, 6, 20),
        result_on=dt.date(2025, 6, 28),
        outcome="met",
    )
    _dated(
        e2, reviewed_on=dt.date(2025, 5, 20), plan_uploaded_on=dt.date(2025, 7, 10)
    )  # plan after the half year
    _dated(e3, reviewed_on=dt.date(2025, 8, 1))  # confirmed after the half year: not in it
    figures = report_figures(firms["haishu"].jurisdiction, 2025, "half")
    (block,) = figures["industries"]
    assert block["industry"] == "key_components" and block["industry_name"] == "关键基础件"
    # one firm (two products); 海曙 has two above-scale bearing makers → 50 %
    assert (block["firms"], block["above_scale_firms"], block["firms_ratio"]) == (1, 2, 50.0)
    assert (block["plans_uploaded"], block["plans_expected"], block["plans_ratio"]) == (1, 2, 50.0)
    assert (block["results_uploaded"], block["results_ratio"], block["met"]) == (1, 50.0, 1)
    annual = report_figures(firms["haishu"].jurisdiction, 2025, "annual")
    assert {b["industry"]: b["plans_uploaded"] for b in annual["industries"]} == {
        "key_components": 2,
        "smart_appliances": 0,
    }
    assert annual["total"]["firms"] == 2


def test_generate_review_submit_and_the_late_flag(campaign, firms, standards, users, monkeypatch):
    year, period = current_period(timezone.localdate())
    with pytest.raises(Forbidden):
        services.generate_report(actor=users["admin"], year=year, period=period)
    report = services.generate_report(actor=users["haishu"], year=year, period=period)
    assert report.jurisdiction.code == "330203" and report.due_on == deadline_for(year, period).due_on
    with pytest.raises(services.QualityError, match="须先审核"):
        services.submit_report(actor=users["haishu"], report=report)
    services.save_narrative(
        actor=users["haishu"],
        report=report,
        narrative={"finance": "区财政安排专项资金50万元", "x": "ignored"},
    )
    assert report.narrative == {"finance": "区财政安排专项资金50万元"}
    services.review_report(actor=users["haishu"], report=report)
    monkeypatch.setattr(reports, "today", lambda: report.due_on + dt.timedelta(days=1))
    services.submit_report(actor=users["haishu"], report=report)
    assert report.status == "submitted" and report.late
    assert OutboxEvent.objects.filter(topic="quality.report_submitted").exists()
    with pytest.raises(services.QualityError, match="已报送"):
        services.generate_report(actor=users["haishu"], year=year, period=period)


def test_overdue_flags_and_reminders_are_sent_once(city, users, monkeypatch):
    due = deadline_for(2026, "half").due_on
    states = report_states(2026, "half", on=due)
    assert len(states) == 15 and not any(s.overdue for s in states) and all(s.due_soon for s in states)
    assert all(s.overdue for s in report_states(2026, "half", on=due + dt.timedelta(days=1)))
    assert services.send_reminders(actor=users["admin"], on=dt.date(2026, 7, 1)) == 15
    assert services.send_reminders(actor=users["admin"], on=dt.date(2026, 7, 2)) == 0
    assert services.send_reminders(actor=users["admin"], on=dt.date(2026, 7, 6)) == 15
    assert ReportReminder.objects.filter(kind="overdue").count() == 15
    assert OutboxEvent.objects.filter(topic="quality.report_reminder").count() == 30
    with pytest.raises(Forbidden):
        services.send_reminders(actor=users["haishu"])


def test_city_summary_adds_up_submitted_reports_only(campaign, firms, standards, users):
    year, period = current_period(timezone.localdate())
    for key in ("haishu", "yinzhou"):
        e = enrol(users[key], campaign, firms[key], standards)
        services.review_enrolment(actor=users["admin"], enrolment=e, approve=True)
        _dated(e, reviewed_on=deadline_for(year, period).period_end - dt.timedelta(days=5))
    submitted = services.generate_report(actor=users["haishu"], year=year, period=period)
    services.review_report(actor=users["haishu"], report=submitted)
    services.submit_report(actor=users["haishu"], report=submitted)
    services.generate_report(actor=users["yinzhou"], year=year, period=period)  # a draft: not in the summary
    summary = city_summary(year, period)
    assert summary["submitted"] == 1
    assert summary["total"]["firms"] == 1
    (row,) = summary["industries"]
    assert (row["industry"], row["units"], row["firms"], row["plans_expected"]) == ("key_components", 1, 1, 1)
    book = load_workbook(io.BytesIO(exports.summary_xlsx(summary)))
    cells = [[c for c in r] for r in book["汇总"].iter_rows(values_only=True)]
    assert ["关键基础件", "1", "1", "0", "0.0%", "0", "0.0%", "0"] in [list(r[:8]) for r in cells]
    assert len(list(book["报送情况"].iter_rows())) == 16
    assert exports.summary_pdf(summary).startswith(b"%PDF")


def test_report_files_say_what_the_data_says(campaign, firms, standards, users):
    year, period = current_period(timezone.localdate())
    e = enrol(users["haishu"], campaign, firms["haishu"], standards)
    services.review_enrolment(actor=users["admin"], enrolment=e, approve=True)
    _dated(e, reviewed_on=deadline_for(year, period).period_end - dt.timedelta(days=5))
    report = services.generate_report(actor=users["haishu"], year=year, period=period)
    rows = exports.report_rows(report)
    assert ["对标产业名称", "关键基础件", "", ""] in rows
    assert ["参与对标企业数", "1", "占对标产业规上企业总数比例（%）", "50.0%"] in rows
    book = load_workbook(io.BytesIO(exports.report_xlsx(report)))
    values = [list(r) for r in book.active.iter_rows(min_row=3, values_only=True)]
    assert [[c or "" for c in r] for r in values] == rows
    pdf = exports.report_pdf(report)
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000
