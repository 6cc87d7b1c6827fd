"""The error report of an import, as an XLSX a person can open beside the file."""

from __future__ import annotations

from openpyxl import Workbook

from .exports import safe_cell


def write_issue_report(result, out) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("导入报告")
    sheet.append(["文件", safe_cell(result.file_name)])
    sheet.append(
        [
            "结果",
            "文件无法读取：" + result.unreadable
            if result.unreadable
            else ("通过" if result.ok else f"{len(result.issues)} 处错误，未写入"),
        ]
    )
    sheet.append(
        ["行数", result.rows, "新增", result.created, "变更", result.changed, "未变", result.unchanged]
    )
    sheet.append([])
    sheet.append(["行", "列", "问题"])
    for issue in result.issues:
        sheet.append([issue.row, safe_cell(issue.column), safe_cell(issue.message)])
    book.save(out)
