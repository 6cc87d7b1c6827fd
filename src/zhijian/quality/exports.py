"""附件3 as files: a district's progress report and the city's summary, as XLSX (openpyxl) and PDF
(reportlab with its built-in CID font STSong-Light, as the credit report does). Both formats are drawn
from the same rows, so the file and the page always say the same thing."""

from __future__ import annotations

import io

from .models import NARRATIVE_FIELDS, Period, ProgressReport


def _pct(value) -> str:
    return "—" if value is None else f"{value}%"


def report_rows(report: ProgressReport) -> list[list[str]]:
    """附件3's rows, one block per 对标产业, then the rows in words."""
    f = report.figures
    rows: list[list[str]] = []
    for block in f.get("industries", []):
        rows += [
            ["对标产业名称", block["industry_name"], "", ""],
            [
                "参与对标企业数",
                str(block["firms"]),
                "占对标产业规上企业总数比例（%）",
                _pct(block["firms_ratio"]),
            ],
            [
                "上传对标方案数",
                str(block["plans_uploaded"]),
                "占应上传方案总数比例（%）",
                _pct(block["plans_ratio"]),
            ],
            [
                "上传对标结果数",
                str(block["results_uploaded"]),
                "占应上传结果总数比例（%）",
                _pct(block["results_ratio"]),
            ],
        ]
    if not f.get("industries"):
        rows.append(["对标产业名称", "本期无确认的对标企业", "", ""])
    total = f.get("total", {})
    rows.append(
        ["合计参与对标企业数", str(total.get("firms", 0)), "达标企业（产品）数", str(total.get("met", 0))]
    )
    for key, label in NARRATIVE_FIELDS:
        rows.append([label, report.narrative.get(key, "") or "—", "", ""])
    rows.append(
        [
            "形成对标达标报告情况",
            f"形成对标结果 {f.get('reports_formed', 0)} 份，其中达标 {total.get('met', 0)} 份",
            "",
            "",
        ]
    )
    rows.append(["树立企业标准“领跑者”情况", f"推荐企业标准“领跑者” {f.get('leaders', 0)} 家", "", ""])
    return rows


def _title(report: ProgressReport) -> str:
    what = "上年度" if report.period == Period.ANNUAL else "半年度"
    return f"对标达标提升专项行动进展情况报表（{report.year}年{what}）"


def report_xlsx(report: ProgressReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "进展情况报表"
    sheet.append([_title(report)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(
        [
            f"填报单位：{report.jurisdiction.name}",
            "",
            f"统计截止：{report.period_end:%Y-%m-%d}",
            f"报送期限：{report.due_on:%Y-%m-%d}",
        ]
    )
    for row in report_rows(report):
        sheet.append(row)
    for column, width in zip("ABCD", (34, 40, 34, 16), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _pdf(title: str, subtitle: str, rows: list[list[str]], widths_mm: list[float]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    base = ParagraphStyle("base", fontName="STSong-Light", fontSize=9.5, leading=14)
    heading = ParagraphStyle("title", parent=base, fontSize=15, leading=22, alignment=1)
    table = Table(
        [[Paragraph(str(c), base) for c in row] for row in rows], colWidths=[w * mm for w in widths_mm]
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa4b2")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, title=title)
    doc.build([Paragraph(title, heading), Paragraph(subtitle, base), Spacer(1, 4 * mm), table])
    return out.getvalue()


def report_pdf(report: ProgressReport) -> bytes:
    subtitle = (
        f"填报单位：{report.jurisdiction.name}　　统计截止：{report.period_end:%Y-%m-%d}　　"
        f"报送期限：{report.due_on:%Y-%m-%d}　　状态：{report.get_status_display()}"
    )
    return _pdf(_title(report), subtitle, report_rows(report), [50, 55, 50, 25])


def summary_rows(summary: dict) -> list[list[str]]:
    rows = [
        [
            "对标产业",
            "报送单位数",
            "参与对标企业数",
            "上传方案数",
            "方案上传比例",
            "上传结果数",
            "结果上传比例",
            "达标数",
        ]
    ]
    for r in [
        *summary["industries"],
        {**summary["total"], "industry_name": "合计", "units": summary["submitted"]},
    ]:
        rows.append(
            [
                r["industry_name"],
                str(r["units"]),
                str(r["firms"]),
                str(r["plans_uploaded"]),
                _pct(r["plans_ratio"]),
                str(r["results_uploaded"]),
                _pct(r["results_ratio"]),
                str(r["met"]),
            ]
        )
    return rows


def status_rows(summary: dict) -> list[list[str]]:
    rows = [["填报单位", "状态", "报送时间", "逾期"]]
    for s in summary["states"]:
        report = s.report
        rows.append(
            [
                s.unit.short_name or s.unit.name,
                report.get_status_display() if report else "未生成",
                f"{report.submitted_at:%Y-%m-%d %H:%M}" if report and report.submitted_at else "—",
                "逾期报送" if report and report.late else ("已逾期" if s.overdue else ""),
            ]
        )
    return rows


def _summary_title(summary: dict) -> str:
    what = "上年度" if summary["period"] == Period.ANNUAL else "半年度"
    return f"全市对标达标提升专项行动进展情况汇总（{summary['year']}年{what}）"


def summary_xlsx(summary: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "汇总"
    sheet.append([_summary_title(summary)])
    sheet["A1"].font = Font(bold=True, size=14)
    for row in summary_rows(summary):
        sheet.append(row)
    sheet.append(["推荐企业标准“领跑者”", str(summary["leaders"])])
    states = book.create_sheet("报送情况")
    for row in status_rows(summary):
        states.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def summary_pdf(summary: dict) -> bytes:
    subtitle = f"已报送 {summary['submitted']} 个单位，逾期未报 {summary['overdue']} 个单位；推荐“领跑者” {summary['leaders']} 家"
    rows = (
        summary_rows(summary)
        + [["", "", "", "", "", "", "", ""]]
        + [r + ["", "", "", ""] for r in status_rows(summary)]
    )
    return _pdf(_summary_title(summary), subtitle, rows, [30, 18, 22, 20, 22, 20, 22, 18])
