"""The public credit report (信用报告) of an entity: public records only, as a page and as a PDF.

The PDF uses reportlab with its built-in CID font STSong-Light (Adobe-GB1), so Chinese text renders
without shipping a font file.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.utils import timezone

from zhijian.registry.models import Entity

from . import queries
from .models import CreditRecord, ListEntry


@dataclass
class CreditReport:
    entity: Entity
    records: list[CreditRecord]
    entries: list[ListEntry]
    generated_at: object


def build_report(entity: Entity) -> CreditReport:
    return CreditReport(
        entity=entity,
        records=list(queries.public_records(entity).order_by("-occurred_on", "-id")[:500]),
        entries=list(queries.public_list_entries(entity).order_by("-entered_on", "-id")),
        generated_at=timezone.localtime(),
    )


def render_pdf(report: CreditReport) -> bytes:
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
    title = ParagraphStyle("title", parent=base, fontSize=16, leading=22, alignment=1)
    heading = ParagraphStyle("heading", parent=base, fontSize=12, leading=18, spaceBefore=8)
    entity = report.entity
    story = [
        Paragraph("企业信用报告", title),
        Paragraph(f"生成时间：{report.generated_at:%Y-%m-%d %H:%M}　　数据范围：依法公示的信用信息", base),
        Spacer(1, 4 * mm),
        Paragraph("一、基本信息", heading),
    ]

    def table(rows, widths):
        t = Table([[Paragraph(str(c), base) for c in row] for row in rows], colWidths=widths, repeatRows=1)
        t.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa4b2")),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return t

    story.append(
        table(
            [
                ["项目", "内容"],
                ["名称", entity.name],
                ["统一社会信用代码", entity.uscc],
                ["类型", entity.get_entity_type_display()],
                ["法定代表人（负责人、经营者）", entity.legal_representative],
                ["成立日期", f"{entity.established_on:%Y-%m-%d}"],
                ["登记状态", entity.get_status_display()],
                ["住所（经营场所）", entity.address],
                ["登记机关", entity.jurisdiction.name],
            ],
            [50 * mm, 120 * mm],
        )
    )
    story.append(Paragraph("二、名录信息（经营异常名录、严重违法失信名单、守信激励名单）", heading))
    if report.entries:
        rows = [["名录", "事由", "列入日期", "移出日期", "作出决定机关"]]
        rows += [
            [
                e.get_list_display(),
                e.get_ground_display(),
                f"{e.entered_on:%Y-%m-%d}" if e.entered_on else "—",
                f"{e.removed_on:%Y-%m-%d}" if e.removed_on else "—",
                e.authority,
            ]
            for e in report.entries
        ]
        story.append(table(rows, [32 * mm, 52 * mm, 24 * mm, 24 * mm, 38 * mm]))
    else:
        story.append(Paragraph("无", base))
    story.append(Paragraph("三、公示中的信用记录（行政处罚、抽查检查结果、抽检、荣誉等）", heading))
    if report.records:
        rows = [["类别", "事由", "日期", "作出机关", "公示截止"]]
        rows += [
            [
                r.get_kind_display(),
                r.title + (f"（{'、'.join(r.measure_labels())}）" if r.measures else ""),
                f"{r.occurred_on:%Y-%m-%d}",
                r.authority or "—",
                f"{r.publicity_until:%Y-%m-%d}" if r.publicity_until else "—",
            ]
            for r in report.records
        ]
        story.append(table(rows, [24 * mm, 70 * mm, 22 * mm, 32 * mm, 22 * mm]))
    else:
        story.append(Paragraph("无", base))
    story.append(Spacer(1, 6 * mm))
    story.append(
        Paragraph(
            "说明：本报告仅载明依法公示的信息。行政处罚信息依《市场监督管理行政处罚信息公示规定》公示，"
            "公示期满或经信用修复提前停止公示的信息不再载明。信用风险分类结果用于监管，不对外公示。",
            base,
        )
    )
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"企业信用报告 {entity.uscc}",
        author="宁波市市场监督管理局",
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
    )
    doc.build(story)
    return buffer.getvalue()
