"""The evaluation report (规划实施评估), laid out like seed 001 表1-1: 序号, 指标名称, 目标值, 实际值,
综合评价 (完成 / 未完成), and the reason for each miss; for any period (mid-term: the plan's third
year; final: its target year), as XLSX and PDF.

The actual value of an indicator for a period is the city's locked reported value for the period's
last year, else its computed value for that calendar year (to the period's end). In a mid-term
report (period ending before the target year) 完成 means *on track* on the trajectory; in the final
report, the target is reached in its direction.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from .catalogue import current_indicators
from .models import ComputedValue, Indicator, ReportedValue, ValueStatus
from .queries import city
from .trajectory import ON_TRACK, Trajectory, meets

COLUMNS = ["序号", "指标名称", "单位", "目标年", "目标值", "实际值", "综合评价", "未完成原因", "数据来源"]


@dataclass
class EvaluationRow:
    number: int
    indicator: Indicator
    actual: Decimal | None
    source: str
    verdict: str
    reason: str

    def cells(self) -> list:
        ind = self.indicator
        return [
            self.number,
            ind.name,
            ind.unit,
            ind.target_year,
            ind.target_text or (str(ind.target_value) if ind.target_value is not None else ""),
            "" if self.actual is None else format(self.actual.normalize(), "f"),
            self.verdict,
            self.reason,
            self.source,
        ]


def evaluate(plan: str, table: str | None, end: dt.date) -> list[EvaluationRow]:
    """Rows of the report for the indicators of ``plan`` (and ``table``) in force on ``end``."""
    indicators = [
        i
        for i in current_indicators(end)
        if i.version.plan == plan and (table is None or i.table == table) and i.target_year >= end.year - 5
    ]
    place = city()
    codes = [i.code for i in indicators]
    reported = {
        r.code: r
        for r in ReportedValue.objects.filter(
            code__in=codes, jurisdiction=place, status=ValueStatus.LOCKED, period_end__year=end.year
        ).order_by("period_end")
    }
    computed = {
        r.code: r
        for r in ComputedValue.objects.filter(
            code__in=codes,
            jurisdiction=place,
            period_start=dt.date(end.year, 1, 1),
            period_end__lte=end,
        ).order_by("period_end")
    }
    rows = []
    for number, ind in enumerate(indicators, start=1):
        actual, source, reason = None, "", ""
        if ind.code in reported:
            actual, source, reason = (
                reported[ind.code].value,
                "填报（已锁定）",
                reported[ind.code].miss_reason,
            )
        elif ind.code in computed and computed[ind.code].value is not None:
            actual, source = computed[ind.code].value, "平台计算"
        if actual is None:
            verdict = "无数据"
        elif end.year < ind.target_year:
            verdict = "完成" if Trajectory.of(ind).status(actual, end) == ON_TRACK else "未完成"
        else:
            verdict = {True: "完成", False: "未完成", None: "无数据"}[meets(ind, actual)]
        if verdict == "未完成" and not reason:
            reason = "未说明（请责任处室在填报时说明原因）"
        rows.append(EvaluationRow(number, ind, actual, source, verdict, reason))
    return rows


def title_for(plan_title: str, end: dt.date, kind: str) -> str:
    return f"{plan_title}主要指标{kind}评估表（截至{end:%Y年%m月%d日}）"


def to_xlsx(title: str, rows: list[EvaluationRow]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "评估"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append(row.cells())
    for column, width in zip("ABCDEFGHI", (6, 40, 10, 8, 16, 12, 10, 40, 14), strict=True):
        sheet.column_dimensions[column].width = width
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_pdf(title: str, rows: list[EvaluationRow]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=8, leading=10)
    head = ParagraphStyle("head", fontName="STSong-Light", fontSize=14, leading=18)
    data = [[Paragraph(c, body) for c in COLUMNS]]
    for row in rows:
        data.append([Paragraph(str(c), body) for c in row.cells()])
    table = Table(data, colWidths=[22, 190, 45, 35, 75, 55, 45, 200, 60], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef6")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=landscape(A4), title=title, leftMargin=20, rightMargin=20)
    document.build([Paragraph(title, head), table])
    return buffer.getvalue()
