"""A laboratory's results file (检验结果导入): one row per sample and test item, all or nothing.

Built on the register import's machinery: :func:`zhijian.registry.tables.open_table` reads CSV (UTF-8,
UTF-8 with BOM, GB18030) and XLSX and maps Chinese headers; rows are validated one by one and reported
by row and column in Chinese; valid samples are written in batches inside one transaction that
commits only when every row was valid and this is not a dry run. A sample's rows must be contiguous
(as every laboratory system exports them); importing the same file twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from zhijian.core import audit
from zhijian.core.access import is_system
from zhijian.core.models import Role
from zhijian.registry.importing import ImportIssue, ImportReport, file_sha256, open_checked
from zhijian.registry.tables import Column, UnreadableFile

from .judgement import JUDGEMENT_LABELS, JudgementError, Limit, judge
from .models import (
    Laboratory,
    ResultImportRun,
    Round,
    Sample,
    SampleStatus,
    TestItem,
    TestResult,
    laboratory_id_of,
)
from .results import ItemOutcome, ResultWriter, SampleOutcome
from .services import NotAllowed

BATCH_SAMPLES = 2000
MAX_ISSUES = 100_000
COLUMNS = [
    Column("sample_no", "抽样单编号", True, ("抽样单编号", "抽样编号", "样品编号", "抽样单号", "抽检单编号")),
    Column("item", "检验项目", True, ("检验项目", "检测项目", "项目名称", "检验项目名称")),
    Column("measured", "检验结果", True, ("检验结果", "检测结果", "实测值", "结果", "检测值", "检验结果值")),
    Column("unit", "结果单位", False, ("结果单位", "单位", "计量单位")),
    Column("detection_limit", "检出限", False, ("检出限", "方法检出限")),
    Column("lab_judgement", "单项判定", False, ("单项判定", "项目判定", "结果判定", "判定")),
    Column("report_no", "报告编号", True, ("报告编号", "检验报告编号", "报告号")),
    Column("reported_on", "报告日期", True, ("报告日期", "签发日期", "检验报告日期", "报告签发日期")),
    Column("received_on", "收样日期", False, ("收样日期", "样品接收日期", "到样日期", "接样日期")),
]
_FORMULA = ("=", "+", "-", "@")
_TEXT_COLUMNS = ("sample_no", "item", "unit", "lab_judgement", "report_no")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
_JUDGEMENT_WORDS = {"合格": "pass", "符合": "pass", "不合格": "fail", "不符合": "fail"}


@dataclass
class ResultsImport(ImportReport):
    """A laboratory's results import: samples judged, failures, cases and notices opened."""

    samples: int = 0
    failed_samples: int = 0
    unchanged: int = 0
    cases: int = 0
    notices: int = 0

    def summary(self) -> str:
        return (
            f"{self._verb()}：共 {self.rows} 行，{self.samples} 个样品出具结论（不合格 {self.failed_samples}），"
            f"未变 {self.unchanged}；新开核查处置 {self.cases} 件、外地协查函 {self.notices} 份（编码：{self.encoding}）"
        )


def parse_day(text: str, label: str, today: dt.date) -> dt.date:
    text = text.strip()
    value = None
    if len(text) == 10 and text[4] == "-":
        try:
            value = dt.date.fromisoformat(text)
        except ValueError:
            value = None
    if value is None:
        for fmt in _DATE_FORMATS:
            try:
                value = dt.datetime.strptime(text, fmt).date()
                break
            except ValueError:
                continue
    if value is None:
        raise ValueError(f"{label}“{text}”格式无法识别（应如 2026-03-15）")
    if value > today:
        raise ValueError(f"{label}“{text}”晚于今天")
    if value.year < 2000:
        raise ValueError(f"{label}“{text}”早于2000年，疑似有误")
    return value


def _key(name: str) -> str:
    return "".join(name.split()).replace("(", "（").replace(")", "）")


class _Catalogue:
    """Test items by category and name; a name may leave out its parenthesis ('铅' for '铅（以Pb计）')."""

    def __init__(self) -> None:
        self.items: dict[tuple[int, str], tuple[int, str, Limit]] = {}
        self.names: dict[int, str] = {}
        ambiguous: set[tuple[int, str]] = set()
        for item in TestItem.objects.select_related("category"):
            entry = (item.pk, item.name, item.limit_spec)
            self.names[item.category_id] = item.category.name
            self.items[(item.category_id, _key(item.name))] = entry
            short = (item.category_id, _key(item.name).split("（")[0])
            if short in self.items and self.items[short][0] != item.pk:
                ambiguous.add(short)
            self.items.setdefault(short, entry)
        for key in ambiguous:
            self.items.pop(key, None)

    def find(self, category_id: int, name: str) -> tuple[int, str, Limit] | None:
        return self.items.get((category_id, _key(name)))


@dataclass
class _Group:
    """The rows of one sample as they stream past."""

    sample_no: str
    first_row: int
    sample: tuple | None  # (id, category_id, status, sampled_on, received_on, report_no, kind)
    report_no: str = ""
    reported_on: dt.date | None = None
    received_on: dt.date | None = None
    items: list[tuple[int, ItemOutcome]] = field(default_factory=list)
    item_ids: set[int] = field(default_factory=set)
    texts: tuple[str, str, str] = ("", "", "")  # report number and dates as the first row wrote them
    broken: bool = False


def _laboratory_of(actor) -> int | None:
    """None: every laboratory (the operator); else the actor's own laboratory, or refuse."""
    if is_system(actor):
        return None
    if not actor.is_active or actor.role != Role.LAB:
        raise NotAllowed("只有检验机构可以导入检验结果")
    lab = laboratory_id_of(actor)
    if lab is None:
        raise NotAllowed("您的账户未关联检验机构")
    return lab


class _Importer:
    def __init__(self, result: ResultsImport, actor, lab_id: int | None, labels: dict[str, str], write: bool):
        self.result, self.actor, self.labels, self.write = result, actor, labels, write
        self.today = timezone.localdate()
        self.catalogue = _Catalogue()
        samples = Sample.objects.all() if lab_id is None else Sample.objects.filter(laboratory_id=lab_id)
        self.samples = {
            row[0]: row[1:]
            for row in samples.values_list(
                "sample_no", "id", "category_id", "status", "sampled_on", "received_on", "report_no", "kind"
            ).iterator(chunk_size=10_000)
        }
        self.done: dict[str, int] = {}
        self.pending: list[SampleOutcome] = []
        self.pending_reported: list[tuple[_Group, SampleOutcome]] = []
        self.writer = ResultWriter(actor)

    def issue(self, row: int, column: str, message: str) -> None:
        if len(self.result.issues) < MAX_ISSUES:
            self.result.issues.append(ImportIssue(row, self.labels.get(column, column), message))

    def row(self, number: int, raw: dict[str, str], group: _Group | None) -> _Group | None:
        """Validate one row; return the group it belongs to (a new one when the sample changes)."""
        sample_no = raw.get("sample_no", "").strip()
        if group is None or sample_no != group.sample_no:
            if group is not None:
                self.finish(group)
            first = self.done.get(sample_no)
            sample = self.samples.get(sample_no)
            group = _Group(sample_no, number, sample)
            if not sample_no:
                self.issue(number, "sample_no", "抽样单编号不能为空")
                group.broken = True
            elif first is not None:
                self.issue(number, "sample_no", f"同一样品的检验项目应连续排列（该样品已在第{first}行出现）")
                group.broken = True
            elif sample is None:
                self.issue(number, "sample_no", f"抽样单编号“{sample_no}”不存在或不属于本机构")
                group.broken = True
            self.done.setdefault(sample_no, number)
        for column in _TEXT_COLUMNS:  # figures may start with + or -; text that starts so is refused
            text = raw.get(column, "")
            if text[:1] in _FORMULA:
                self.issue(number, column, f"内容以“{text[0]}”开头，疑似表格公式注入，已拒绝")
                group.broken = True
                return group
        self._sample_fields(number, raw, group)
        if group.sample is None:
            return group
        category_id = group.sample[1]
        found = self.catalogue.find(category_id, raw.get("item", ""))
        if found is None:
            name = raw.get("item", "").strip()
            self.issue(
                number,
                "item",
                f"检验项目“{name}”不在该样品类别（{self.catalogue.names.get(category_id, '')}）的检验项目中"
                if name
                else "检验项目不能为空",
            )
            group.broken = True
            return group
        item_id, item_name, limit = found
        if item_id in group.item_ids:
            self.issue(number, "item", f"检验项目“{item_name}”在该样品中重复")
            group.broken = True
            return group
        measured = raw.get("measured", "")
        try:
            verdict = judge(
                limit, measured.strip(), raw.get("unit", "").strip(), raw.get("detection_limit", "").strip()
            )
        except JudgementError as exc:
            self.issue(number, "measured", str(exc))
            group.broken = True
            return group
        stated = "".join(raw.get("lab_judgement", "").split())
        if stated:
            expected = _JUDGEMENT_WORDS.get(stated)
            if expected is None:
                self.issue(number, "lab_judgement", f"单项判定“{stated}”应为“合格”或“不合格”")
                group.broken = True
            elif expected != verdict.judgement:
                self.issue(
                    number,
                    "lab_judgement",
                    f"单项判定“{stated}”与按限量计算的“{JUDGEMENT_LABELS[verdict.judgement]}”不符（{verdict.reason}）",
                )
                group.broken = True
        group.items.append(
            (number, ItemOutcome(item_id, item_name, measured.strip(), raw.get("unit", "").strip(), verdict))
        )
        group.item_ids.add(item_id)
        return group

    def _sample_fields(self, number: int, raw: dict[str, str], group: _Group) -> None:
        texts = (
            raw.get("report_no", "").strip(),
            raw.get("reported_on", "").strip(),
            raw.get("received_on", "").strip(),
        )
        if number != group.first_row and texts == group.texts:
            return  # the same report as the sample's first row: nothing new to check
        report_no, reported_text, received_text = texts
        dates: dict[str, dt.date | None] = {}
        for column, label, text in (
            ("reported_on", "报告日期", reported_text),
            ("received_on", "收样日期", received_text),
        ):
            if not text:
                dates[column] = None
                if column == "reported_on":
                    self.issue(number, column, "报告日期不能为空")
                    group.broken = True
                continue
            try:
                dates[column] = parse_day(text, label, self.today)
            except ValueError as exc:
                self.issue(number, column, str(exc))
                group.broken = True
                dates[column] = None
        if not report_no:
            self.issue(number, "report_no", "报告编号不能为空")
            group.broken = True
        if number == group.first_row:
            group.texts = texts
            group.report_no, group.reported_on, group.received_on = (
                report_no,
                dates["reported_on"],
                dates["received_on"],
            )
            return
        for column, mine, theirs in (
            ("report_no", report_no, group.report_no),
            ("reported_on", dates["reported_on"], group.reported_on),
            ("received_on", dates["received_on"], group.received_on),
        ):
            if mine and theirs and mine != theirs:
                self.issue(
                    number,
                    column,
                    f"同一样品的{self.labels.get(column, column)}应一致（第{group.first_row}行为“{theirs}”）",
                )
                group.broken = True

    def finish(self, group: _Group) -> None:
        """A sample's rows are complete: check the sample as a whole and queue its report."""
        if group.sample is None or group.broken or not group.items:
            return
        sample_id, _category, status, sampled_on, received_on, report_no, kind = group.sample
        row = group.first_row
        receipt = received_on or group.received_on
        if status != SampleStatus.REPORTED:
            if receipt is None:
                self.issue(row, "received_on", "该样品尚未确认收样，须填写收样日期")
                return
            if receipt < sampled_on:
                self.issue(row, "received_on", f"收样日期早于抽样日期（{sampled_on:%Y-%m-%d}）")
                return
            if group.reported_on and group.reported_on < receipt:
                self.issue(row, "reported_on", f"报告日期早于收样日期（{receipt:%Y-%m-%d}）")
                return
        assert group.reported_on is not None
        outcome = SampleOutcome(
            sample_id,
            group.report_no,
            group.reported_on,
            group.received_on if received_on is None else None,
            [o for _, o in group.items],
            kind=kind,
            prior_status=status,
            prior_received_on=received_on,
        )
        if status == SampleStatus.REPORTED:
            if group.report_no != report_no:
                self.issue(
                    row,
                    "report_no",
                    f"该样品已出具检验报告（{report_no}），如需更正请联系组织抽检的市场监管部门",
                )
                return
            self.pending_reported.append((group, outcome))
            return
        self.pending.append(outcome)

    def flush(self, final: bool = False) -> None:
        if self.pending_reported:
            self._compare_reported()
        if self.result.issues or (not final and len(self.pending) < BATCH_SAMPLES):
            if self.result.issues:
                self.pending = []
            return
        if self.pending:
            self.result.samples += len(self.pending)
            self.result.failed_samples += sum(1 for o in self.pending if o.judgement == "fail")
            if self.write:
                self.writer.write(self.pending)
            self.pending = []

    def _compare_reported(self) -> None:
        """A sample already reported is unchanged when the file says exactly what is stored."""
        ids = [o.sample_id for _, o in self.pending_reported]
        stored: dict[int, set] = {}
        for sample_id, item_id, measured, unit in TestResult.objects.filter(
            sample_id__in=ids, round=Round.INITIAL
        ).values_list("sample_id", "item_id", "measured", "unit"):
            stored.setdefault(sample_id, set()).add((item_id, measured, unit))
        for group, outcome in self.pending_reported:
            mine = {(o.item_id, o.measured, o.unit) for o in outcome.items}
            if mine == stored.get(outcome.sample_id, set()):
                self.result.unchanged += 1
            else:
                self.issue(
                    group.first_row,
                    "measured",
                    f"该样品已出具检验报告（{group.report_no}），文件中的结果与已录入的不同；如需更正请联系组织抽检的市场监管部门",
                )
        self.pending_reported = []


def import_results(
    path: Path,
    *,
    actor,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    file_name: str | None = None,
) -> ResultsImport:
    """Import a results file. Nothing is written unless every row is valid and ``dry_run`` is off."""
    path = Path(path)
    lab_id = _laboratory_of(actor)
    result = ResultsImport(file_name=file_name or path.name, dry_run=dry_run)
    table = open_checked(path, COLUMNS, result)
    if table is None:
        return result
    labels = {c.field: table.labels.get(c.field, c.label) for c in COLUMNS}
    digest = file_sha256(path)
    try:
        with transaction.atomic():
            importer = _Importer(result, actor, lab_id, labels, write=not dry_run)
            group = None
            for number, raw in table.records():
                result.rows += 1
                group = importer.row(number, raw, group)
                if result.rows % 5000 == 0:
                    importer.flush()
                    if progress:
                        progress(result.rows, 0)
            if group is not None:
                importer.finish(group)
            importer.flush(final=True)
            if progress:
                progress(result.rows, result.rows)
            if not result.rows and not result.issues:
                result.issues.append(ImportIssue(table.header_row + 1, "", "文件中没有检验结果"))
            if not result.ok or dry_run:
                transaction.set_rollback(True)
                return result
            result.cases, result.notices = importer.writer.cases, importer.writer.notices
            run = ResultImportRun.objects.create(
                actor=None if lab_id is None else actor,
                laboratory=Laboratory.objects.get(pk=lab_id) if lab_id else None,
                file_name=result.file_name,
                file_sha256=digest,
                rows=result.rows,
                samples=result.samples,
                failed_samples=result.failed_samples,
                unchanged=result.unchanged,
                finished_at=timezone.now(),
            )
            result.run_id = run.pk
            audit.record(
                actor,
                audit.Change(
                    "sampling.results.import",
                    "ResultImportRun",
                    str(run.pk),
                    None,
                    {
                        "file": result.file_name,
                        "sha256": digest,
                        "rows": result.rows,
                        "samples": result.samples,
                        "failed_samples": result.failed_samples,
                        "unchanged": result.unchanged,
                    },
                ),
            )
    except UnreadableFile as exc:
        result.unreadable = str(exc)
    return result
