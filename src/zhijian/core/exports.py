"""Excel exports every app shares (导出): a title row with the filters and the time, column widths, a
frozen header, an auto-filter, numbers and dates as real cells, a Chinese file name, and text that
Excel would run as a formula neutralised.

An export larger than ``settings.EXPORT_INLINE_ROWS`` runs as a background job (:func:`start_export_job`):
the page shows its progress (core/job_status.html) and, when done, a download link to
``core:job_download``, which hands the file to the job's owner only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROGRESS_EVERY = 1000


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
    progress=None,
    total: int = 0,
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
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count, total)
    if progress is not None:
        progress(count, max(total, count))
    last = get_column_letter(len(columns))
    sheet.auto_filter.ref = f"A3:{last}{3 + max(count, 1)}"
    book.save(out)
    return count


def stamped_name(name: str) -> str:
    """``市场主体名录-20261201.xlsx``: the file name an export is saved under."""
    return f"{name}-{timezone.localdate():%Y%m%d}.xlsx"


def attachment(response, file_name: str):
    """Name an attachment (Chinese allowed; RFC 6266/5987 with an ASCII fallback)."""
    fallback = f"export-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name)}"
    )
    return response


def xlsx_response(name: str) -> HttpResponse:
    """An attachment response named ``name`` and the date."""
    return attachment(HttpResponse(content_type=XLSX), stamped_name(name))


def export_path(job_id: int) -> Path:
    """Where a background export keeps its file (var/exports, outside the web root)."""
    folder = settings.VAR_DIR / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"job-{job_id}.xlsx"


def start_export_job(*, owner, kind: str, name: str, task, args: Sequence = ()):
    """Queue ``task(job_id, *args)`` that writes the export named ``name``; the caller shows the job."""
    from .models import Job

    job = Job.objects.create(kind=kind, owner=owner, title=f"导出：{name}")
    task.enqueue(job.pk, *args)
    return job


def run_export_job(job_id: int, name: str, write: Callable[..., int]) -> dict:
    """The body of an export task: ``write(out, progress)`` writes the workbook; the job keeps its name."""
    from .jobs import job_progress, running
    from .models import Job

    with running(job_id):
        with export_path(job_id).open("wb") as out:
            rows = write(out, job_progress(job_id))
        result = {"ok": True, "download": stamped_name(name), "summary": f"已导出 {rows:,} 条", "rows": rows}
        Job.objects.filter(pk=job_id).update(result=result)
    return result


__all__ = [
    "Column",
    "Alignment",
    "attachment",
    "export_path",
    "run_export_job",
    "safe_cell",
    "start_export_job",
    "write_xlsx",
    "xlsx_response",
]
