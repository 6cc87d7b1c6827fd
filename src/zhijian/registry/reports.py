"""How an import's outcome is shown: as an XLSX a person opens beside the file, and on the terminal.

Both work on any :class:`zhijian.registry.importing.ImportReport` (the register, a laboratory's
results): the outcome in one sentence, the import's own counts, every problem by row and column.
"""

from __future__ import annotations

from dataclasses import fields

from openpyxl import Workbook
from rich.console import Console
from rich.table import Table

from .exports import safe_cell

SHOWN = 50


def outcome(report) -> str:
    if report.unreadable:
        return "文件无法读取：" + report.unreadable
    return report.summary() if report.ok else f"发现 {len(report.issues)} 处错误，未写入任何数据"


def write_issue_report(report, out) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("导入报告")
    sheet.append(["文件", safe_cell(report.file_name)])
    sheet.append(["结果", safe_cell(outcome(report))])
    counts = [(f.name, getattr(report, f.name)) for f in fields(report) if f.type in ("int", int)]
    sheet.append([value for pair in counts for value in pair])
    sheet.append([])
    sheet.append(["行", "列", "问题"])
    for issue in report.issues:
        sheet.append([issue.row, safe_cell(issue.column), safe_cell(issue.message)])
    book.save(out)


def print_outcome(report, *, report_path: str | None = None) -> None:
    """The outcome on the terminal: the first SHOWN problems as a table, or the summary."""
    if report.unreadable:
        Console(stderr=True).print(f"[red]{outcome(report)}[/red]")
        return
    out = Console()
    if not report.issues:
        out.print(report.summary())
        return
    table = Table("行", "列", "问题", title=outcome(report))
    for issue in report.issues[:SHOWN]:
        table.add_row(str(issue.row), issue.column, issue.message)
    out.print(table)
    if len(report.issues) > SHOWN:
        more = "，见报告文件" if report_path else "，用 --report 导出全部"
        out.print(f"……另有 {len(report.issues) - SHOWN} 处错误{more}")


def run_import_command(
    importer, file: str, *, username: str | None, dry_run: bool, report: str | None
) -> None:
    """What every ``zhijian … import FILE [--dry-run] [--report OUT.xlsx] [--as USERNAME]`` does: run
    ``importer(path, actor=…, dry_run=…, progress=…)`` with a progress bar, write the issue report, print
    the outcome and exit 0 (imported or clean), 1 (row errors) or 2 (unreadable file)."""
    import sys
    from pathlib import Path

    from django.core.management.base import CommandError

    from zhijian.core.access import cli_actor
    from zhijian.core.errors import DomainError
    from zhijian.core.jobs import cli_progress

    actor = cli_actor(username)
    try:
        with cli_progress(f"导入 {Path(file).name}") as progress:
            result = importer(Path(file), actor=actor, dry_run=dry_run, progress=progress)
    except (DomainError, PermissionError) as exc:
        raise CommandError(str(exc)) from exc
    if report:
        write_issue_report(result, report)
    print_outcome(result, report_path=report)
    sys.exit(result.exit_code)
