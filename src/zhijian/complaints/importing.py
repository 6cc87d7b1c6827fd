"""Importing the national 12315 platform's export (全国12315平台数据导入): all or nothing, idempotent.

Built on the register import's machinery (``registry.importing.open_checked`` and ``registry.tables``):
CSV in UTF-8, UTF-8 with BOM or GB18030, and XLSX; Chinese headers with their usual synonyms. Every
row is validated by the same function the public form and the staff entry use (``intake.validate``),
and a problem is reported by row and column in Chinese. Nothing is written unless every row is valid
and this is not a dry run. A row whose platform number (平台编号) is already in the database is left
as it is, so importing the same export twice files nothing the second time.

The write is set-based: respondents and ODR enrolments are read once per chunk, cases go in with COPY
(``core.bulk.insert_rows``), their first deadline and history step likewise; deadlines are counted once
per receipt date. One audit entry carries every filed case as an attachment, one event reports the run.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from zhijian.core import audit, events
from zhijian.core.bulk import insert_rows
from zhijian.core.models import Deadline, Jurisdiction, RuleValue
from zhijian.core.workdays import Calendar, due_after
from zhijian.registry.importing import ImportIssue, ImportReport, file_sha256, open_checked
from zhijian.registry.models import Entity
from zhijian.registry.tables import Column, UnreadableFile

from . import deadlines
from .duplicates import complainant_key, flag_repeated_reports, respondent_key, text_hash
from .models import CASE_HANDLERS, Case, CaseStep, Category, Enrolment, ImportRun, Kind, Status
from .services._base import ComplaintsError, is_system, require_role
from .services.intake import CaseIn, new_code, validate
from .services.routing import county_unit

CHUNK = 20_000
MAX_ISSUES = 100_000
COLUMNS = [
    Column("platform_no", "平台编号", True, ("平台编号", "投诉举报编号", "登记编号", "工单编号", "编号")),
    Column("kind", "类别", True, ("类别", "诉求类别", "登记类别", "类型")),
    Column("received_on", "登记日期", True, ("登记日期", "受理日期", "接收日期", "登记时间")),
    Column("person_name", "姓名", False, ("姓名", "投诉人", "举报人", "投诉举报人", "投诉人姓名")),
    Column("person_phone", "联系电话", False, ("联系电话", "电话", "手机号码", "手机")),
    Column("person_id_number", "身份证号", False, ("身份证号", "身份证号码", "证件号码")),
    Column("person_address", "联系地址", False, ("联系地址", "地址", "投诉人地址")),
    Column("anonymous", "匿名", False, ("匿名", "是否匿名")),
    Column(
        "respondent_name",
        "被投诉举报对象",
        True,
        ("被投诉举报对象", "被投诉人", "被举报人", "被投诉人名称", "被投诉举报对象名称"),
    ),
    Column(
        "respondent_uscc",
        "统一社会信用代码",
        False,
        ("统一社会信用代码", "被投诉人统一社会信用代码", "信用代码"),
    ),
    Column("respondent_address", "被投诉人地址", False, ("被投诉人地址", "经营地址")),
    Column(
        "platform_uscc",
        "交易平台统一社会信用代码",
        False,
        ("交易平台统一社会信用代码", "平台统一社会信用代码"),
    ),
    Column("place", "交易发生地", False, ("交易发生地", "发生地", "属地")),
    Column("category", "商品服务类别", True, ("商品服务类别", "商品和服务分类", "分类", "商品类别")),
    Column("product", "商品或服务名称", False, ("商品或服务名称", "商品名称", "服务名称")),
    Column("subject", "标题", True, ("标题", "主题", "诉求标题")),
    Column("description", "事实和理由", True, ("事实和理由", "诉求内容", "内容", "投诉内容", "举报内容")),
    Column("demand", "诉求", False, ("诉求", "投诉诉求")),
    Column("amount_claimed", "涉案金额", False, ("涉案金额", "金额", "涉案金额（元）")),
]
KIND_WORDS = {"投诉": Kind.COMPLAINT, "举报": Kind.REPORT, "咨询": Kind.ENQUIRY}
CATEGORY_WORDS = {str(label): value for value, label in Category.choices} | {v: v for v in Category.values}
_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y%m%d",
    "%Y年%m月%d日",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
)


@dataclass
class CasesImport(ImportReport):
    """A platform import: cases filed, rows already imported."""

    created: int = 0
    unchanged: int = 0

    def summary(self) -> str:
        return f"{self._verb()}：共 {self.rows} 行，新登记 {self.created}，已存在 {self.unchanged}（编码：{self.encoding}）"


def parse_day(text: str) -> dt.date:
    text = text.strip()
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"登记日期“{text}”格式无法识别（应如 2026-03-15）")


class _Places(dict):
    """Jurisdictions by code and by name (a platform writes either)."""

    def __init__(self) -> None:
        super().__init__()
        for unit in Jurisdiction.objects.all():
            self[unit.code] = unit
            self[unit.name] = unit
            if unit.short_name:
                self.setdefault(unit.short_name, unit)


class _Writer:
    """Builds the case rows of a chunk set-based and writes them with COPY."""

    def __init__(self, actor, places: _Places) -> None:
        self.actor = actor
        self.places = places
        self.calendar = Calendar()
        self.city = Jurisdiction.objects.get(code="330200")
        self.rules: dict[tuple[str, dt.date], object] = {}
        self.versions: dict[str, list[RuleValue]] = {}
        self.dues: dict[tuple[int, dt.date], tuple[dt.date, bool]] = {}
        odr = Enrolment.objects.filter(programme=Enrolment.Programme.ODR)
        self.odr: dict[str, list[tuple[dt.date, dt.date | None]]] = {}
        for uscc, start, end in odr.values_list("uscc", "enrolled_on", "withdrawn_on"):
            self.odr.setdefault(uscc, []).append((start, end))

    def _rule(self, kind: str, on: dt.date):
        """The rule in force on ``on`` (the same choice as core.rules.rule), every version read once."""
        key = (kind, on)
        found = self.rules.get(key)
        if found is None:
            versions = self.versions.get(kind)
            if versions is None:
                versions = self.versions[kind] = list(
                    RuleValue.objects.filter(key=deadlines.KINDS[kind][0]).order_by("-valid_from")
                )
            found = next(
                (v for v in versions if v.valid_from <= on and (v.valid_to is None or v.valid_to >= on)), None
            ) or deadlines.rule(deadlines.KINDS[kind][0], on=on)  # raises MissingRule with its message
            self.rules[key] = found
        return found

    def _due(self, kind: str, on: dt.date):
        found = self._rule(kind, on)
        key = (found.pk, on)
        if key not in self.dues:
            result = due_after(on, found, self.calendar)
            self.dues[key] = (result.value, result.provisional)
        return found, *self.dues[key]

    def _in_odr(self, uscc: str, on: dt.date) -> bool:
        return any(start <= on and (end is None or end > on) for start, end in self.odr.get(uscc, ()))

    def write(self, rows: list[tuple[str, dict]]) -> None:
        usccs = {c["respondent_uscc"] for _, c in rows if c["respondent_uscc"]} | {
            c["platform_uscc"] for _, c in rows if c["platform_uscc"]
        }
        names = {c["respondent_name"] for _, c in rows if not c["respondent_uscc"]}
        by_uscc = {
            e.uscc: e for e in Entity.objects.filter(uscc__in=usccs).select_related("jurisdiction", "office")
        }
        by_name: dict[str, Entity | None] = {}
        for entity in Entity.objects.filter(name__in=names).select_related("jurisdiction", "office"):
            by_name[entity.name] = (
                None if entity.name in by_name else entity
            )  # an ambiguous name stays unknown
        now = timezone.now()
        cases, firsts = [], []
        for platform_no, c in rows:
            on = c["received_on"]
            version = deadlines.rule_version_on(on)
            respondent = (
                by_uscc.get(c["respondent_uscc"])
                if c["respondent_uscc"]
                else by_name.get(c["respondent_name"])
            )
            platform = by_uscc.get(c["platform_uscc"]) if c["platform_uscc"] else None
            if version == "order121" and platform is not None:
                unit, office, basis = platform.jurisdiction_id, None, "交易平台所在地（第121号令）"
            elif respondent is not None:
                unit, office, basis = respondent.jurisdiction_id, respondent.office_id, "被投诉人登记管辖"
            elif c["place"] is not None:
                place = c["place"]
                unit = county_unit(place).pk
                office, basis = (place.pk if place.level == "office" else None), "交易发生地"
            else:
                unit, office, basis = self.city.pk, None, "市局分派"
            uscc = respondent.uscc if respondent else c["respondent_uscc"]
            status, odr_until, acceptance_due, handling_due, first = Status.RECEIVED, None, None, None, None
            if c["kind"] == Kind.COMPLAINT and self._in_odr(uscc, on):
                first = ("odr", *self._due("odr", on))
                status, odr_until = Status.ODR, first[2]
            elif c["kind"] == Kind.COMPLAINT:
                first = ("acceptance", *self._due("acceptance", on))
                acceptance_due = first[2]
            elif c["kind"] == Kind.REPORT:
                first = ("report_verify", *self._due("report_verify", on))
                handling_due = first[2]
            cases.append(
                (
                    new_code(on),
                    c["kind"],
                    "platform",
                    platform_no,
                    on,
                    version,
                    c["person_name"],
                    c["person_phone"],
                    c["person_id_number"],
                    c["person_address"],
                    c["anonymous"],
                    complainant_key(c["person_phone"], c["person_id_number"]),
                    respondent.pk if respondent else None,
                    uscc,
                    respondent.name if respondent else (c["respondent_name"] or uscc),
                    c["respondent_address"] or (respondent.address if respondent else ""),
                    respondent_key(uscc, c["respondent_name"]),
                    c["platform_uscc"],
                    c["category"],
                    c["product"],
                    c["subject"],
                    c["description"],
                    c["demand"],
                    c["amount_claimed"],
                    text_hash(c["subject"], c["description"]),
                    unit,
                    office,
                    basis,
                    status,
                    odr_until,
                    acceptance_due,
                    handling_due,
                    0,
                    False,
                    now,
                    *EMPTY_TEXTS,
                )
            )
            firsts.append((platform_no, on, first))
        insert_rows(Case, CASE_FIELDS, cases)
        ids = dict(
            Case.objects.filter(platform_no__in=[p for p, _, _ in firsts]).values_list("platform_no", "id")
        )
        insert_rows(
            Deadline,
            ("object_type", "object_id", "kind", "start", "working_days", "due", "provisional", "rule"),
            [
                (deadlines.OBJECT_TYPE, str(ids[p]), f[0], on, int(f[1].value), f[2], f[3], f[1].pk)
                for p, on, f in firsts
                if f is not None
            ],
        )
        insert_rows(
            CaseStep,
            ("case", "at", "on", "action", "label", "note", "actor_name", "public"),
            [
                (ids[p], now, on, "received", "全国12315平台登记", "", "全国12315平台", True)
                for p, on, _ in firsts
            ],
        )


def ids_by_platform_no(numbers: list[str]) -> dict[str, int]:
    """{platform number: case id} of the numbers already filed; one array parameter on PostgreSQL
    (20,000 separate parameters cost more to send than the query costs to run)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT platform_no, id FROM {Case._meta.db_table} WHERE platform_no = ANY(%s)",  # noqa: S608
                [numbers],
            )
            return dict(cursor.fetchall())
    return {
        str(p): pk for p, pk in Case.objects.filter(platform_no__in=numbers).values_list("platform_no", "id")
    }


CASE_FIELDS = (
    "code",
    "kind",
    "channel",
    "platform_no",
    "received_on",
    "rule_version",
    "person_name",
    "person_phone",
    "person_id_number",
    "person_address",
    "anonymous",
    "complainant_key",
    "respondent",
    "respondent_uscc",
    "respondent_name",
    "respondent_address",
    "respondent_key",
    "platform_uscc",
    "category",
    "product",
    "subject",
    "description",
    "demand",
    "amount_claimed",
    "text_hash",
    "jurisdiction",
    "office",
    "routed_by",
    "status",
    "odr_until",
    "acceptance_due",
    "handling_due",
    "amount_recovered",
    "repeated_report",
    "created_at",
    # COPY applies no model defaults: every NOT NULL text column is written, empty.
    "not_accepted_ground",
    "outcome",
    "termination_ground",
    "result_text",
    "case_decision_no",
    "merge_reason",
)
EMPTY_TEXTS = ("",) * 6


def import_cases(
    path: Path,
    *,
    actor,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    file_name: str | None = None,
) -> CasesImport:
    """Import a platform export. Nothing is written unless every row is valid and ``dry_run`` is off."""
    path = Path(path)
    require_role(actor, CASE_HANDLERS, "您没有导入投诉举报数据的权限")
    result = CasesImport(file_name=file_name or path.name, dry_run=dry_run)
    table = open_checked(path, COLUMNS, result)
    if table is None:
        return result
    labels = {c.field: table.labels.get(c.field, c.label) for c in COLUMNS}
    places = _Places()
    today = timezone.localdate()
    seen: dict[str, int] = {}
    valid: list[tuple[str, dict]] = []

    def issue(row: int, field: str, message: str) -> None:
        if len(result.issues) < MAX_ISSUES:
            result.issues.append(ImportIssue(row, labels.get(field, field), message))

    try:
        for number, raw in table.records():
            result.rows += 1
            platform_no = raw.get("platform_no", "").strip()
            if not platform_no:
                issue(number, "platform_no", "平台编号不能为空")
                continue
            if platform_no in seen:
                issue(number, "platform_no", f"平台编号“{platform_no}”与第{seen[platform_no]}行重复")
                continue
            seen[platform_no] = number
            kind = KIND_WORDS.get(raw.get("kind", "").strip(), raw.get("kind", "").strip())
            try:
                received_on = parse_day(raw.get("received_on", ""))
            except ValueError as exc:
                issue(number, "received_on", str(exc))
                continue
            data = CaseIn(
                kind=kind,
                subject=raw.get("subject", ""),
                description=raw.get("description", ""),
                respondent_name=raw.get("respondent_name", ""),
                category=CATEGORY_WORDS.get(raw.get("category", "").strip(), ""),
                received_on=received_on,
                person_name=raw.get("person_name", ""),
                person_phone=raw.get("person_phone", ""),
                person_id_number=raw.get("person_id_number", ""),
                person_address=raw.get("person_address", ""),
                anonymous=raw.get("anonymous", "").strip() in ("是", "1", "Y", "y", "匿名"),
                respondent_uscc=raw.get("respondent_uscc", ""),
                respondent_address=raw.get("respondent_address", ""),
                platform_uscc=raw.get("platform_uscc", ""),
                place=raw.get("place", ""),
                product=raw.get("product", ""),
                demand=raw.get("demand", ""),
                amount_claimed=raw.get("amount_claimed", ""),
            )
            try:
                clean = validate(data, on_today=today, places=places)
            except ComplaintsError as exc:
                for field, message in exc.fields.items():
                    issue(number, field if field in labels else "description", message)
                continue
            valid.append((platform_no, clean))
            if progress and result.rows % 5000 == 0:
                progress(result.rows, 0)
    except UnreadableFile as exc:
        result.unreadable = str(exc)
        return result
    if result.issues:
        return result
    existing: set[str] = set()
    numbers = list(seen)
    for start in range(0, len(numbers), CHUNK):
        existing.update(ids_by_platform_no(numbers[start : start + CHUNK]))
    fresh = [(p, c) for p, c in valid if p not in existing]
    result.unchanged = len(valid) - len(fresh)
    digest = file_sha256(path)
    with transaction.atomic():
        writer = _Writer(actor, places)
        for start in range(0, len(fresh), CHUNK):
            writer.write(fresh[start : start + CHUNK])
            if progress:
                progress(min(start + CHUNK, len(fresh)), len(fresh))
        result.created = len(fresh)
        if fresh:
            flag_repeated_reports(since=min(c["received_on"] for _, c in fresh))
        if dry_run:
            transaction.set_rollback(True)
            return result
        run = ImportRun.objects.create(
            actor=None if is_system(actor) else actor,
            file_name=result.file_name,
            file_sha256=digest,
            rows=result.rows,
            created=result.created,
            unchanged=result.unchanged,
            finished_at=timezone.now(),
        )
        result.run_id = run.pk
        attachment = (
            "\n".join(json.dumps(p, ensure_ascii=False) for p, _ in fresh).encode() if fresh else None
        )
        audit.record(
            actor,
            audit.Change(
                "complaints.import",
                "complaints.ImportRun",
                str(run.pk),
                None,
                {
                    "file": result.file_name,
                    "sha256": digest,
                    "rows": result.rows,
                    "created": result.created,
                    "unchanged": result.unchanged,
                },
                attachment=attachment,
            ),
        )
        events.emit("complaints.cases_imported", {"run_id": run.pk, "created": result.created})
    return result
