"""Importing a standards list (标准清单导入): CSV (UTF-8, UTF-8 with BOM, GB18030) or XLSX, all or nothing.

Built on the register import's machinery (:mod:`zhijian.registry.tables` reads and maps the Chinese
headers; :class:`~zhijian.registry.importing.ImportReport` reports by row and column). Every row is
validated first; only a file without a single bad row is written, in one transaction, through the
same rules as :func:`~zhijian.quality.services.standards.save_standard` (a form's path), set-based
(:func:`~zhijian.quality.services.standards.save_standards`). Importing the same file
twice changes nothing. A replaced-by number may name a standard further down the same file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from zhijian.core import events
from zhijian.registry.importing import ImportIssue, ImportReport, file_sha256, open_checked
from zhijian.registry.tables import Column, UnreadableFile

from .models import Standard, StandardImportRun, StandardStatus
from .services.common import record, require, system
from .services.standards import StandardRow, save_standards
from .standard_numbers import StandardNumberError, parse_standard_number

COLUMNS = [
    Column("number", "标准编号", True, ("标准编号", "标准号", "编号", "标准代号")),
    Column("name", "标准名称", True, ("标准名称", "名称", "中文名称", "标准中文名称")),
    Column("status", "状态", False, ("状态", "标准状态")),
    Column("issued_on", "发布日期", False, ("发布日期", "发布日")),
    Column("effective_on", "实施日期", False, ("实施日期", "实施日")),
    Column("replaced_by", "代替标准", False, ("被代替标准", "被…代替", "代替标准号", "代替标准", "被代替为")),
]
STATUS_WORDS = {
    "现行": StandardStatus.CURRENT,
    "现行有效": StandardStatus.CURRENT,
    "有效": StandardStatus.CURRENT,
    "即将实施": StandardStatus.UPCOMING,
    "被代替": StandardStatus.REPLACED,
    "作废": StandardStatus.WITHDRAWN,
    "废止": StandardStatus.WITHDRAWN,
}
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")


@dataclass
class StandardsImport(ImportReport):
    created: int = 0
    changed: int = 0
    unchanged: int = 0

    def summary(self) -> str:
        return (
            f"{self._verb()}：共 {self.rows} 行，新增 {self.created}，变更 {self.changed}，"
            f"未变 {self.unchanged}（编码：{self.encoding}）"
        )


def _day(text: str, label: str) -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text[:10] if fmt == "%Y-%m-%d" else text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{label}“{text}”格式无法识别（应如 2021-03-15）")


@dataclass(frozen=True)
class _Row:
    number: str
    name: str
    status: str
    issued_on: dt.date | None
    effective_on: dt.date | None
    replaced_by: str


def _validate(
    values: dict[str, str], row: int, issues: list[ImportIssue], labels: dict[str, str]
) -> _Row | None:
    bad = len(issues)

    def issue(field: str, message: str) -> None:
        issues.append(ImportIssue(row, labels.get(field, field), message))

    try:
        number = parse_standard_number(values.get("number", "")).number
    except StandardNumberError as exc:
        issue("number", str(exc))
        number = ""
    name = values.get("name", "").strip()
    if not name:
        issue("name", "标准名称不能为空")
    status_text = values.get("status", "").strip()
    status = STATUS_WORDS.get(status_text, status_text if status_text in StandardStatus.values else None)
    if status_text and status is None:
        issue("status", f"状态“{status_text}”应为现行、即将实施、被代替或废止")
    dates = {}
    for field in ("issued_on", "effective_on"):
        try:
            dates[field] = _day(values.get(field, ""), labels.get(field, field))
        except ValueError as exc:
            issue(field, str(exc))
            dates[field] = None
    if dates["issued_on"] and dates["effective_on"] and dates["effective_on"] < dates["issued_on"]:
        issue("effective_on", "实施日期不能早于发布日期")
    replaced_by = ""
    if values.get("replaced_by", "").strip():
        try:
            replaced_by = parse_standard_number(values["replaced_by"]).number
        except StandardNumberError as exc:
            issue("replaced_by", str(exc))
    if len(issues) > bad:
        return None
    return _Row(
        number, name, status or StandardStatus.CURRENT, dates["issued_on"], dates["effective_on"], replaced_by
    )


def import_standards(
    path: Path,
    *,
    actor,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    file_name: str | None = None,
) -> StandardsImport:
    """Import a standards list file. Nothing is written unless every row is valid and ``dry_run`` is off."""
    require(actor, "quality.standard.change", "只有市局可以导入标准库")
    path = Path(path)
    report = StandardsImport(file_name=file_name or path.name, dry_run=dry_run)
    table = open_checked(path, COLUMNS, report)
    if table is None:
        return report
    labels = {c.field: table.labels.get(c.field, c.label) for c in COLUMNS}
    rows: list[_Row] = []
    seen: dict[str, int] = {}
    try:
        for number, values in table.records():
            report.rows += 1
            parsed = _validate(values, number, report.issues, labels)
            if parsed is None:
                continue
            if parsed.number in seen:
                report.issues.append(
                    ImportIssue(number, labels["number"], f"与第{seen[parsed.number]}行的标准编号重复")
                )
                continue
            seen[parsed.number] = number
            rows.append(parsed)
            if progress and report.rows % 500 == 0:
                progress(report.rows, 0)
    except UnreadableFile as exc:
        report.unreadable = str(exc)
        return report
    known = set(
        Standard.objects.filter(number__in=[r.replaced_by for r in rows if r.replaced_by]).values_list(
            "number", flat=True
        )
    )
    for row in rows:
        if row.replaced_by and row.replaced_by not in seen and row.replaced_by not in known:
            report.issues.append(
                ImportIssue(
                    seen[row.number],
                    labels["replaced_by"],
                    f"代替标准{row.replaced_by}既不在标准库中，也不在本文件中",
                )
            )
        if row.replaced_by == row.number:
            report.issues.append(ImportIssue(seen[row.number], labels["replaced_by"], "标准不能被自身代替"))
    if not report.ok or dry_run:
        return report
    digest = file_sha256(path)
    with transaction.atomic():
        outcome = save_standards(
            actor=actor,
            rows=[
                StandardRow(r.number, r.name, r.status, r.issued_on, r.effective_on, r.replaced_by)
                for r in rows
            ],
        )
        report.created, report.changed, report.unchanged = (
            outcome["created"],
            outcome["changed"],
            outcome["unchanged"],
        )
        if progress:
            progress(report.rows, report.rows)
        run = StandardImportRun.objects.create(
            actor=None if system(actor) else actor,
            file_name=report.file_name,
            file_sha256=digest,
            rows=report.rows,
            created=report.created,
            changed=report.changed,
            unchanged=report.unchanged,
        )
        report.run_id = run.pk
        from zhijian.core import audit

        record(
            actor,
            audit.Change(
                "quality.standard.import",
                "StandardImportRun",
                str(run.pk),
                None,
                {
                    "file": report.file_name,
                    "sha256": digest,
                    "rows": report.rows,
                    "created": report.created,
                    "changed": report.changed,
                },
            ),
        )
        events.emit(
            "quality.standards_imported",
            {"run_id": run.pk, "created": report.created, "changed": report.changed},
        )
    if progress:
        progress(report.rows, report.rows)
    return report
