"""Excel exports every app shares (导出): a title row with the filters and the time, column widths, a
frozen header, an auto-filter, numbers and dates as real cells, a Chinese file name, and text that
Excel would run as a formula neutralised.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    """One exported column: its heading, width in characters and Excel number format."""

    label: str
    width: int = 14
    number_format: str = ""


def safe_cell(value):
    """A text cell that Excel would run as a formula gets a leading apostrophe (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _cell(sheet, value, *, bold=False, fill=None, number_format=""):
    cell = WriteOnlyCell(sheet, value=value)
    if bold:
        cell.font = Font(bold=True)
    if fill:
        cell.fill = PatternFill("solid", fgColor=fill)
    if number_format:
        cell.number_format = number_format
    return cell


def write_xlsx(
    out,
    *,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence],
    filters: Sequence[tuple[str, str]] = (),
    sheet_name: str = "",
) -> int:
    """Write one sheet to ``out``; return the number of data rows.

    Row 1: the title; row 2: the filters used and the export time; row 3: the headings (frozen, with
    an auto-filter over the data).
    """
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_name or title[:31])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A4"
    sheet.append([_cell(sheet, title, bold=True)])
    used = "；".join(f"{label}：{value}" for label, value in filters if value) or "全部"
    sheet.append([f"筛选条件：{used}　导出时间：{timezone.localtime():%Y-%m-%d %H:%M}"])
    sheet.append([_cell(sheet, c.label, bold=True, fill="EEF2F7") for c in columns])
    count = 0
    formats = [c.number_format for c in columns]
    for row in rows:
        sheet.append(
            [
                _cell(sheet, safe_cell(value), number_format=fmt)
                if fmt or isinstance(value, dt.date)
                else safe_cell(value)
                for value, fmt in zip(row, formats, strict=False)
            ]
        )
        count += 1
    last = get_column_letter(len(columns))
    sheet.auto_filter.ref = f"A3:{last}{3 + max(count, 1)}"
    book.save(out)
    return count


def xlsx_response(name: str) -> HttpResponse:
    """An attachment response named ``name`` (Chinese allowed; RFC 6266/5987 with an ASCII fallback)."""
    response = HttpResponse(content_type=XLSX)
    stamped = f"{name}-{timezone.localdate():%Y%m%d}.xlsx"
    fallback = f"export-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(stamped)}"
    )
    return response


__all__ = ["Column", "Alignment", "safe_cell", "write_xlsx", "xlsx_response"]
