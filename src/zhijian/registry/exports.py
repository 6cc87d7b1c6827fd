"""Excel export of a filtered entity list, safe against formula injection."""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl import Workbook

from .industries import cluster_choices, industry_label
from .models import Entity

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
HEADERS = [
    "统一社会信用代码",
    "名称",
    "类型",
    "法定代表人",
    "注册资本（万元）",
    "成立日期",
    "登记状态",
    "住所",
    "管辖单位",
    "所属行业",
    "246产业集群",
]


def safe_cell(value):
    """A text cell that Excel would run as a formula gets a leading apostrophe (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def write_entities_xlsx(entities: Iterable[Entity], out) -> int:
    clusters = dict(cluster_choices())
    book = Workbook(write_only=True)
    sheet = book.create_sheet("市场主体")
    sheet.append(HEADERS)
    count = 0
    for e in entities:
        sheet.append(
            [
                safe_cell(v)
                for v in (
                    e.uscc,
                    e.name,
                    e.get_entity_type_display(),
                    e.legal_representative,
                    float(e.registered_capital) if e.registered_capital is not None else None,
                    e.established_on,
                    e.get_status_display(),
                    e.address,
                    e.jurisdiction.name,
                    industry_label(e.industry_code),
                    clusters.get(e.cluster, ""),
                )
            ]
        )
        count += 1
    book.save(out)
    return count
