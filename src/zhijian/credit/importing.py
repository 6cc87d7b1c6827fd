"""Import of credit records (信用记录导入) from other systems' exports: CSV (UTF-8/GB18030) or XLSX.

Every row is checked first; nothing is written unless all rows are valid (``dry_run`` writes nothing
at all). Rows are inserted set-based, audited in bulk, keyed on 来源编号 when given (a row already
imported is skipped, so an export can be imported again), and the affected entities are reclassed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from zhijian.core import audit
from zhijian.core.access import is_system
from zhijian.core.bulk import insert_rows
from zhijian.core.codes import normalize_uscc
from zhijian.core.rules import rule
from zhijian.core.scoping import CHANGE, restrict
from zhijian.core.workdays import set_deadline
from zhijian.registry.models import Entity
from zhijian.registry.tables import Column, UnreadableFile, open_table

from . import classify
from .models import CreditRecord, PenaltyMeasure, Publicity, RecordKind, Sector, Severity, Trigger
from .services import penalty_publicity_until, penalty_severity

COLUMNS = [
    Column("uscc", "统一社会信用代码", True, ("统一社会信用代码", "社会信用代码", "信用代码")),
    Column("kind", "类别", True, ("类别", "信息类别", "记录类别")),
    Column("title", "事由", True, ("事由", "违法行为", "事项", "标题")),
    Column("occurred_on", "决定日期", True, ("决定日期", "发生日期", "日期", "决定（发生）日期")),
    Column("severity", "严重程度", False, ("严重程度",)),
    Column("violation_type", "违法行为类型", False, ("违法行为类型",)),
    Column(
        "decision_no",
        "决定书文号",
        False,
        (
            "决定书文号",
            "文号",
        ),
    ),
    Column("authority", "作出机关", False, ("作出机关", "决定机关", "来源单位")),
    Column("legal_basis", "依据", False, ("依据", "法律依据", "处罚依据")),
    Column(
        "measures",
        "处罚种类",
        False,
        (
            "处罚种类",
            "处罚类型",
        ),
    ),
    Column("fine_amount", "罚没金额（元）", False, ("罚没金额（元）", "罚没金额", "罚款金额")),
    Column("sector", "领域", False, ("领域",)),
    Column(
        "public",
        "是否公示",
        False,
        (
            "是否公示",
            "公示",
        ),
    ),
    Column(
        "publicity_until",
        "公示截止日期",
        False,
        (
            "公示截止日期",
            "公示期限至",
        ),
    ),
    Column(
        "source_ref",
        "来源编号",
        False,
        (
            "来源编号",
            "业务编号",
        ),
    ),
]
FIELDS = (
    "entity_id",
    "kind",
    "severity",
    "title",
    "violation_type",
    "decision_no",
    "authority",
    "occurred_on",
    "legal_basis",
    "measures",
    "fine_amount",
    "sector",
    "source",
    "source_ref",
    "public",
    "publicity",
    "published_on",
    "publicity_until",
    "withdrawal_reason",
    "recorded_at",
    "recorded_by",
)
RECLASS_ONE_BY_ONE = 500  # more affected entities than this: one batch over everyone instead


@dataclass
class RecordImport:
    rows: int = 0
    created: int = 0
    skipped: int = 0
    dry_run: bool = False
    unreadable: str = ""
    issues: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.unreadable and not self.issues


def _choice(text: str, choices) -> str | None:
    text = text.strip()
    for value, label in choices:
        if text in (value, str(label)):
            return value
    return None


def parse_measures(text: str) -> list[str | None]:
    """Penalty measures written as labels (some contain “、” themselves) or codes; None for unknown parts."""
    found: list[str | None] = []
    rest = text.strip()
    for value, label in sorted(PenaltyMeasure.choices, key=lambda c: -len(str(c[1]))):
        if str(label) in rest:
            found.append(value)
            rest = rest.replace(str(label), " ")
    for token in (t for t in re.split(r"[、,，;；\s]+", rest) if t):
        found.append(token if token in PenaltyMeasure.values else None)
    return found


def parse_date(text: str) -> dt.date | None:
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text.strip())
    if not match:
        return None
    try:
        return dt.date(*map(int, match.groups()))
    except ValueError:
        return None


def import_records(path: Path, *, actor, dry_run: bool = False, today: dt.date | None = None) -> RecordImport:
    """Import credit records from ``path`` as ``actor`` (a user, or a system name)."""
    result = RecordImport(dry_run=dry_run)
    today = today or timezone.localdate()
    try:
        table = open_table(Path(path), COLUMNS)
    except UnreadableFile as exc:
        result.unreadable = str(exc)
        return result
    entities = Entity.objects.all() if is_system(actor) else restrict(Entity.objects.all(), actor, CHANGE)
    labels = {c.field: table.labels.get(c.field, c.label) for c in COLUMNS}
    parsed: list[tuple[int, dict]] = []
    seen_refs: set[str] = set()
    for number, cells in table.records():
        result.rows += 1

        def issue(name: str, message: str, number=number) -> None:
            result.issues.append((number, labels[name], message))

        uscc = normalize_uscc(cells["uscc"])
        kind = _choice(cells["kind"], RecordKind.choices)
        occurred = parse_date(cells["occurred_on"])
        row = {"uscc": uscc, "kind": kind, "occurred_on": occurred, "title": cells["title"].strip()}
        if kind is None:
            issue(
                "kind",
                f"类别“{cells['kind']}”无法识别，应为："
                + "、".join(str(label) for _, label in RecordKind.choices),
            )
        if occurred is None:
            issue("occurred_on", f"日期“{cells['occurred_on']}”无法识别，应为YYYY-MM-DD")
        elif occurred > today:
            issue("occurred_on", "日期不能晚于今天")
        if not row["title"]:
            issue("title", "事由不能为空")
        values = parse_measures(cells.get("measures", ""))
        if kind == RecordKind.PENALTY:
            if not values or None in values:
                issue("measures", "行政处罚须填写有效的处罚种类（如：罚款、没收违法所得、没收非法财物）")
            severity = penalty_severity(v for v in values if v)
        else:
            severity = _choice(cells.get("severity", "") or "一般信息", Severity.choices)
            if severity is None:
                issue("severity", f"严重程度“{cells['severity']}”无法识别")
        fine = None
        if cells.get("fine_amount", "").strip():
            try:
                fine = Decimal(cells["fine_amount"].replace(",", "").strip())
                if fine < 0:
                    raise InvalidOperation
            except InvalidOperation:
                issue("fine_amount", f"罚没金额“{cells['fine_amount']}”不是有效金额")
        sector = _choice(cells.get("sector", "") or "一般领域", Sector.choices)
        if sector is None:
            issue("sector", f"领域“{cells['sector']}”无法识别")
        public_text = cells.get("public", "").strip()
        if public_text not in ("", "是", "否"):
            issue("public", "是否公示应填“是”或“否”")
        public = public_text == "是" if public_text else kind != RecordKind.COMPLAINT
        if kind == RecordKind.PENALTY and values == [PenaltyMeasure.WARNING]:
            public = False  # only a warning is not published (Order 45 Art 2)
        until = None
        if cells.get("publicity_until", "").strip():
            until = parse_date(cells["publicity_until"])
            if until is None or (occurred and until < occurred):
                issue("publicity_until", "公示截止日期无效或早于决定日期")
        ref = cells.get("source_ref", "").strip()
        if ref:
            if ref in seen_refs:
                issue("source_ref", f"来源编号“{ref}”在文件中重复")
            seen_refs.add(ref)
        row.update(
            severity=severity,
            measures=[v for v in values if v],
            fine_amount=fine,
            sector=sector,
            public=public,
            publicity_until=until,
            source_ref=f"import:{ref}" if ref else "",
            violation_type=cells.get("violation_type", "").strip()[:100],
            decision_no=cells.get("decision_no", "").strip()[:80],
            authority=cells.get("authority", "").strip()[:100],
            legal_basis=cells.get("legal_basis", "").strip()[:300],
        )
        parsed.append((number, row))
    found = dict(entities.filter(uscc__in={r["uscc"] for _, r in parsed}).values_list("uscc", "pk"))
    for number, row in parsed:
        if row["uscc"] not in found:
            result.issues.append(
                (number, labels["uscc"], f"统一社会信用代码“{row['uscc']}”不在您可管理的市场主体中")
            )
    existing = set(
        CreditRecord.objects.filter(
            source_ref__in=[r["source_ref"] for _, r in parsed if r["source_ref"]]
        ).values_list("source_ref", flat=True)
    )
    if not result.ok or dry_run:
        result.skipped = sum(1 for _, r in parsed if r["source_ref"] in existing)
        return result
    new = [r for _, r in parsed if not r["source_ref"] or r["source_ref"] not in existing]
    result.skipped = len(parsed) - len(new)
    _write(new, found, actor=actor, today=today)
    result.created = len(new)
    return result


@transaction.atomic
def _write(rows: list[dict], found: dict[str, int], *, actor, today: dt.date) -> None:
    now = timezone.now()
    user = None if is_system(actor) else actor
    values = []
    for r in rows:
        publicity, published, until = Publicity.NOT_PUBLIC, None, r["publicity_until"]
        if r["public"]:
            publicity, published = Publicity.PUBLISHED, today
            if r["kind"] == RecordKind.PENALTY and until is None:
                until = penalty_publicity_until(today, r["measures"])
            if until is not None and until < today:
                publicity = Publicity.EXPIRED
        values.append(
            (
                found[r["uscc"]],
                r["kind"],
                r["severity"],
                r["title"][:200],
                r["violation_type"],
                r["decision_no"],
                r["authority"],
                r["occurred_on"],
                r["legal_basis"],
                r["measures"],
                r["fine_amount"],
                r["sector"],
                "import",
                r["source_ref"],
                r["public"],
                publicity,
                published,
                until,
                "",
                now,
                user.pk if user else None,
            )
        )
    insert_rows(CreditRecord, [f if f != "recorded_by" else "recorded_by_id" for f in FIELDS], values)
    # This call's rows: source "import" stamped with this call's own microsecond.
    created = CreditRecord.objects.filter(recorded_at=now, source="import")
    imported = list(created.values_list("pk", "entity_id", "kind", "occurred_on", "public", "title"))
    audit.record_many(
        actor,
        (
            audit.Change(
                "credit.import",
                "CreditRecord",
                str(pk),
                None,
                {
                    "entity_id": entity_id,
                    "kind": kind,
                    "occurred_on": occurred,
                    "public": public,
                    "title": title,
                },
            )
            for pk, entity_id, kind, occurred, public, title in imported
        ),
    )
    for pk, _entity_id, kind, occurred, public, _title in imported:
        if kind == RecordKind.PENALTY and public:
            set_deadline(
                object_type="credit.CreditRecord",
                object_id=str(pk),
                kind="credit.penalty.publication",
                start=occurred,
                rule=rule("credit.penalty.publication", on=occurred),
            )
    affected = sorted({entity_id for _, entity_id, *_ in imported})
    if len(affected) <= RECLASS_ONE_BY_ONE:
        for entity_id in affected:
            classify.reclassify_entity(entity_id, trigger=Trigger.RECORD, actor=actor)
    else:
        transaction.on_commit(lambda: classify.rescore_all(actor=actor))
