"""How an import's outcome is shown: as an XLSX a person opens beside the file, and on the terminal.

Both work on any :class:`zhijian.registry.importing.ImportReport` (the register, a laboratory's
results): the outcome in one sentence, the import's own counts, every problem by row and column.
"""

from __future__ import annotations

from dataclasses import fields

from rich.console import Console
from rich.table import Table

from zhijian.core.exports import Column, write_xlsx

SHOWN = 50


def outcome(report) -> str:
    if report.unreadable:
        return "文件无法读取：" + report.unreadable
    return report.summary() if report.ok else f"发现 {len(report.issues)} 处错误，未写入任何数据"


def write_issue_report(report, out) -> None:
    """The import's problems as the shared export (core.exports): the file and outcome in the title
    rows, one problem per row under a frozen, filterable header."""
    counts = [(f.name, str(getattr(report, f.name))) for f in fields(report) if f.type in ("int", int)]
    write_xlsx(
        out,
        title=f"导入报告：{report.file_name}",
        columns=[Column("行", 8, "0"), Column("列", 20), Column("问题", 80)],
        rows=((issue.row, issue.column, issue.message) for issue in report.issues),
        filters=[("结果", outcome(report)), *counts],
        sheet_name="导入报告",
    )


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
