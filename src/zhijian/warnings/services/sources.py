"""Sources (信息源管理): the registry, loads of outside files with their lineage, own events, staleness."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from zhijian.core import audit
from zhijian.core.access import actor_of, require
from zhijian.core.events import emit
from zhijian.core.models import Jurisdiction
from zhijian.registry.importing import ImportIssue, ImportReport, file_sha256, open_checked
from zhijian.registry.tables import Column

from ..models import Channel, Observation, Source, SourceLoad
from ._common import WarningsError, actor_name

# Every outside file has these columns (the source's own ``columns`` may name more it keeps).
FILE_COLUMNS = [
    Column(field, label, required, (label, *synonyms))
    for field, label, required, synonyms in [
        ("reference", "记录号", True, ("编号", "id")),
        ("occurred_on", "日期", True, ("发生日期", "date")),
        ("district", "区县", False, ("辖区", "区县代码", "district")),
        ("category", "食品类别", False, ("类别", "category")),
        ("hazard", "危害因素", False, ("检验项目", "hazard")),
        ("channel", "环节", False, ("channel",)),
        ("producer", "生产者", False, ("生产企业", "producer")),
        ("product", "产品", False, ("产品名称", "product")),
        ("lot", "批次", False, ("生产批号", "lot")),
        ("count", "数量", False, ("病例数", "count")),
        ("tested", "检测数", False, ("tested",)),
        ("failed", "不合格数", False, ("failed",)),
    ]
]
CHANNELS = {label: value for value, label in Channel.choices} | {value: value for value in Channel.values}


@dataclass
class LoadReport(ImportReport):
    """What came of loading a file into a source."""

    created: int = 0
    already_loaded: bool = False
    load_id: int | None = None
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.already_loaded:
            return f"该文件已于此前导入（批次 {self.load_id}），未重复写入"
        return f"导入完成：共 {self.rows} 行，新增记录 {self.created}（编码：{self.encoding}）"


def _districts() -> dict[str, Jurisdiction]:
    units = Jurisdiction.objects.filter(level__in=["district", "zone"])
    return {u.code: u for u in units} | {u.name: u for u in units}


def _int(value: str, column: str, number: int, issues: list[ImportIssue]) -> int:
    text = (value or "").strip()
    if not text:
        return 0
    if not text.isdigit():
        issues.append(ImportIssue(number, column, f"“{text}”不是非负整数"))
        return 0
    return int(text)


def load_source_file(*, actor, source: Source, path: Path, file_name: str | None = None) -> LoadReport:
    """Load an outside file into ``source``: every row valid or nothing written; a file loaded before
    is recognised by its SHA-256 and not loaded again; the load keeps its lineage."""
    actor = require(actor, "warnings.sources")
    if source.kind != Source.Kind.OUTSIDE:
        raise WarningsError("warnings.source_not_outside", "平台自有信息源由事件归集，不能导入文件")
    path = Path(path)
    report = LoadReport(file_name=file_name or path.name)
    digest = file_sha256(path)
    earlier = SourceLoad.objects.filter(source=source, sha256=digest).first()
    if earlier is not None:
        report.already_loaded, report.load_id = True, earlier.pk
        return report
    table = open_checked(path, FILE_COLUMNS, report)
    if table is None:
        _record_failure(source, report)
        return report
    districts = _districts()
    rows: list[Observation] = []
    seen: set[str] = set()
    for number, cells in table.records():
        report.rows += 1
        reference = cells["reference"].strip()
        if not reference:
            report.issues.append(ImportIssue(number, "记录号", "记录号不能为空"))
        elif reference in seen:
            report.issues.append(ImportIssue(number, "记录号", f"记录号“{reference}”在文件中重复"))
        seen.add(reference)
        try:
            occurred = dt.date.fromisoformat(cells["occurred_on"].strip())
        except ValueError:
            report.issues.append(
                ImportIssue(number, "日期", f"“{cells['occurred_on']}”不是日期（YYYY-MM-DD）")
            )
            occurred = None
        district = None
        if cells.get("district", "").strip():
            district = districts.get(cells["district"].strip())
            if district is None:
                report.issues.append(
                    ImportIssue(number, "区县", f"“{cells['district']}”不是本市的区县（市）")
                )
        channel = CHANNELS.get(cells.get("channel", "").strip(), "")
        if cells.get("channel", "").strip() and not channel:
            report.issues.append(
                ImportIssue(number, "环节", f"“{cells['channel']}”应为生产、流通、餐饮或网络")
            )
        count = (
            _int(cells.get("count", ""), "数量", number, report.issues)
            if cells.get("count", "").strip()
            else 1
        )
        tested = _int(cells.get("tested", ""), "检测数", number, report.issues)
        failed = _int(cells.get("failed", ""), "不合格数", number, report.issues)
        if failed > tested and tested:
            report.issues.append(ImportIssue(number, "不合格数", "不合格数不能大于检测数"))
        rows.append(
            Observation(
                source=source,
                reference=reference,
                occurred_on=occurred or dt.date.min,
                district=district,
                category=cells.get("category", "").strip(),
                hazard=cells.get("hazard", "").strip(),
                channel=channel,
                producer=cells.get("producer", "").strip(),
                product=cells.get("product", "").strip(),
                lot=cells.get("lot", "").strip(),
                count=count,
                tested=tested,
                failed=failed,
            )
        )
    known = set(
        Observation.objects.filter(source=source, reference__in=[r.reference for r in rows]).values_list(
            "reference", flat=True
        )
    )
    for number, row in enumerate(rows, start=table.header_row + 1):
        if row.reference in known:
            report.issues.append(ImportIssue(number, "记录号", f"记录号“{row.reference}”已由此前的文件导入"))
    if not report.ok:
        _record_failure(source, report)
        return report
    with transaction.atomic():
        load = SourceLoad.objects.create(
            source=source,
            file_name=report.file_name,
            sha256=digest,
            rows=len(rows),
            loaded_by=actor_name(actor),
        )
        for row in rows:
            row.load = load
        Observation.objects.bulk_create(rows, batch_size=2000)
        source.last_data_at, source.stale_since, source.last_error = timezone.now(), None, ""
        source.save(update_fields=["last_data_at", "stale_since", "last_error"])
        audit.record(
            actor,
            audit.Change(
                "warnings.load_source_file",
                "warnings.SourceLoad",
                str(load.pk),
                None,
                {"source": source.code, "file": report.file_name, "sha256": digest, "rows": len(rows)},
            ),
        )
    report.created, report.load_id = len(rows), load.pk
    return report


def _record_failure(source: Source, report: LoadReport) -> None:
    first = report.unreadable or (report.issues[0].message if report.issues else "")
    Source.objects.filter(pk=source.pk).update(
        last_error=f"{timezone.now():%Y-%m-%d %H:%M} 导入失败：{first}"[:300]
    )


def record_own_observation(*, source_code: str, reference: str, **values) -> Observation:
    """Keep one record from the platform's own events (idempotent on the event's reference)."""
    source = Source.objects.get(code=source_code)
    observation, _ = Observation.objects.update_or_create(source=source, reference=reference, defaults=values)
    Source.objects.filter(pk=source.pk).update(last_data_at=timezone.now(), stale_since=None)
    return observation


def record_own_observations(*, source_code: str, items: list[tuple[str, dict]]) -> int:
    """Keep many records from one event at once (an import's cases); a reference already kept is left
    as it is (idempotent on the reference, like :func:`record_own_observation`). Returns how many are new."""
    if not items:
        return 0
    source = Source.objects.get(code=source_code)
    references = [r for r, _ in items]
    known: set[str] = set()
    for start in range(0, len(references), 2000):  # bounded IN lists (SQLite's variable limit)
        known.update(
            Observation.objects.filter(
                source=source, reference__in=references[start : start + 2000]
            ).values_list("reference", flat=True)
        )
    fresh = [Observation(source=source, reference=r, **v) for r, v in items if r not in known]
    Observation.objects.bulk_create(fresh, batch_size=2000, ignore_conflicts=True)
    Source.objects.filter(pk=source.pk).update(last_data_at=timezone.now(), stale_since=None)
    return len(fresh)


def check_stale_sources(*, actor, now: dt.datetime | None = None) -> list[Source]:
    """Raise the alarm (事件 + 标记) for every source whose newest data is older than its freshness limit."""
    actor = actor_of(actor)
    now = now or timezone.now()
    stale = []
    with transaction.atomic():
        for source in Source.objects.select_for_update().order_by("code"):
            limit = dt.timedelta(days=source.freshness_days)
            late = source.last_data_at is None or now - source.last_data_at > limit
            if late and source.stale_since is None:
                source.stale_since = now
                source.save(update_fields=["stale_since"])
                emit(
                    "warnings.source_stale",
                    {
                        "source": source.code,
                        "last_data_at": source.last_data_at.isoformat() if source.last_data_at else None,
                    },
                )
                audit.record(
                    actor,
                    audit.Change(
                        "warnings.source_stale", "warnings.Source", str(source.pk), None, {"stale_since": now}
                    ),
                )
            if late:
                stale.append(source)
    return stale
