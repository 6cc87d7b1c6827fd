"""Evaluation (like 表1-1, XLSX and PDF), the quality-development index, overdue milestones, the demo."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.utils import timezone

from zhijian.core.models import Jurisdiction
from zhijian.indicators import evaluation
from zhijian.indicators.composite import compute_index, score
from zhijian.indicators.models import ComputedValue, Milestone, PlanTask, ReportedValue, ValueStatus
from zhijian.indicators.queries import overdue_milestones, todos_for

pytestmark = pytest.mark.django_db


def _computed(city, code, place, value, year=2025):
    ComputedValue.objects.create(
        code=code,
        jurisdiction=city[place],
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 12, 31),
        numerator=1,
        denominator=1,
        value=D(value),
        computed_at=timezone.now(),
    )


def test_final_evaluation_like_table_1_1(catalogue, city, users):
    _computed(city, "s001.t21.r23", "330200", "6.2")  # target 6 → 完成
    _computed(city, "s001.t21.r25", "330200", "2900")  # target 3000 → 未完成
    ReportedValue.objects.create(
        code="s001.t21.r24",
        jurisdiction=city["330200"],
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        value=D("0.25"),
        status=ValueStatus.LOCKED,
        evidence_note="年报",
        miss_reason="电梯困人事故增多",
        reported_by=users["admin"],
        reported_at=timezone.now(),
    )
    rows = {r.indicator.code: r for r in evaluation.evaluate("s001", "表2-1", dt.date(2025, 12, 31))}
    assert len(rows) == 31
    assert rows["s001.t21.r23"].verdict == "完成"
    assert rows["s001.t21.r25"].verdict == "未完成"
    assert rows["s001.t21.r25"].reason.startswith("未说明")
    assert (rows["s001.t21.r24"].verdict, rows["s001.t21.r24"].reason) == (
        "未完成",
        "电梯困人事故增多",
    )  # 0.25 > 0.22以内
    assert rows["s001.t21.r04"].verdict == "无数据"
    title = evaluation.title_for("宁波市市场监管“十四五”规划", dt.date(2025, 12, 31), "终期")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(evaluation.to_xlsx(title, list(rows.values())))).active
    assert sheet["A1"].value == title
    assert [c.value for c in sheet[2]] == evaluation.COLUMNS
    assert sheet.max_row == 2 + 31
    pdf = evaluation.to_pdf(title, list(rows.values()))
    assert pdf.startswith(b"%PDF") and len(pdf) > 2000


def test_mid_term_evaluation_judges_the_trajectory(catalogue, city):
    # 流通抽查量 2000 (2020) → 3000 (2025): expected end of 2023 is 2600; 2650 is on track → 完成
    _computed(city, "s001.t21.r25", "330200", "2650", year=2023)
    rows = {r.indicator.code: r for r in evaluation.evaluate("s001", "表2-1", dt.date(2023, 12, 31))}
    assert rows["s001.t21.r25"].verdict == "完成"


def test_quality_index_normalises_weights_and_ranks(catalogue, city):
    assert score(D("99.5"), D("99.5"), "up") == D("100.00")
    assert score(D("120"), D("100"), "up") == D("100.00")  # capped
    assert score(D("0.44"), D("0.22"), "down") == D("50.00")
    for place, rate in (("330203", "99.5"), ("330212", "89.55")):
        _computed(city, "s004.g41a", place, rate)
        _computed(city, "s004.g42", place, "100")
        _computed(city, "s004.g41a", place, "99.5", year=2024)
    units = list(Jurisdiction.objects.filter(code__in=["330203", "330212"]))
    rows = {r.name: r for r in compute_index(units, 2025)}
    haishu, yinzhou = rows["海曙"], rows["鄞州"]
    # 质量安全 = 50 % × 100 + 50 % × 100 = 100 for 海曙, 50 % × 90 + 50 % × 100 = 95 for 鄞州; × 40 %
    assert haishu.subindices["质量安全"] == D("100.00") and yinzhou.subindices["质量安全"] == D("95.00")
    assert (haishu.index, yinzhou.index) == (D("40.00"), D("38.00"))  # the other sub-indices lack data
    assert (haishu.rank, yinzhou.rank) == (1, 2)
    assert haishu.previous == D("20.00") and haishu.change == D("20.00")  # 2024: only the pass rate
    assert "双随机监管(抽查)事项占比" in haishu.missing


def test_overdue_milestones_reach_the_owner(catalogue, city, users):
    task = PlanTask.objects.get(content__startswith="建设宁波市食品安全风险分析预警平台")
    Milestone.objects.create(
        task=task, title="上线", due_on=dt.date(2021, 6, 30), jurisdiction=city["330203"]
    )
    Milestone.objects.create(task=task, title="验收", due_on=dt.date(2099, 1, 1), jurisdiction=city["330203"])
    assert overdue_milestones(users["haishu"]).count() == 1
    assert overdue_milestones(users["yinzhou"]).count() == 0
    assert [t.label for t in todos_for(users["haishu"])] == ["逾期的规划任务节点"]


def test_demo_loader_is_deterministic(city, reference, labs):
    from zhijian.demo.indicators import loader as demo

    first = demo.load(today=dt.date(2026, 3, 31))
    again = demo.load(today=dt.date(2026, 3, 31))
    assert first["catalogue"] == 131 and again["catalogue"] == 0
    assert first["computed"] == again["computed"] > 0
    assert ReportedValue.objects.filter(status=ValueStatus.LOCKED).count() == len(demo.REPORTED)
    assert Milestone.objects.count() == 2 * PlanTask.objects.count()
    assert ComputedValue.objects.filter(code="s001.t21.r23").exists()
