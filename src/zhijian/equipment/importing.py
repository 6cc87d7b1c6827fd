"""Importing the provincial special-equipment register export (特种设备台账导入), all or nothing.

Built on the register import's machinery (``registry.importing``): CSV in UTF-8 (with or without
BOM) or GB18030 and XLSX; Chinese headers matched with their synonyms; every row validated and
reported by row and column in Chinese; nothing written unless every row is valid and this is not a
dry run. Units are matched by 设备代码, and only real differences are written, each as a history row,
so importing the same file twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from zhijian.core import audit, events
from zhijian.core.codes import CodeError, validate_uscc
from zhijian.core.models import Jurisdiction, Role
from zhijian.core.scoping import CITY_WIDE, user_district_id
from zhijian.registry.importing import ImportIssue, ImportReport, file_sha256, open_checked
from zhijian.registry.models import Entity
from zhijian.registry.tables import Column, UnreadableFile

from .models import Category, PlaceKind, Unit, UnitChange, UnitStatus
from .rules import RuleBook
from .services.common import is_system
from .services.register import REGISTER_FIELDS, UnitIn, apply_due_dates, differences, register_fields

BATCH = 2000
MAX_ISSUES = 100_000
COLUMNS = [
    Column("code", "设备代码", True, ("设备代码", "设备注册代码", "设备编号")),
    Column("category", "设备种类", True, ("设备种类", "设备种类代码", "种类")),
    Column(
        "category_code", "设备品种代码", False, ("设备品种代码", "设备类别代码", "品种代码", "类别品种代码")
    ),
    Column("certificate_no", "使用登记证编号", False, ("使用登记证编号", "使用登记证号", "登记证编号")),
    Column(
        "user_unit_uscc", "使用单位统一社会信用代码", True, ("使用单位统一社会信用代码", "使用单位信用代码")
    ),
    Column(
        "maintenance_uscc",
        "维保单位统一社会信用代码",
        False,
        ("维保单位统一社会信用代码", "维保单位信用代码"),
    ),
    Column(
        "institute_uscc", "检验机构统一社会信用代码", False, ("检验机构统一社会信用代码", "检验机构信用代码")
    ),
    Column("district", "所在区县", True, ("所在区县", "区县", "所属辖区", "行政区划代码", "区域")),
    Column("address", "设备使用地点", True, ("设备使用地点", "使用地点", "安装地点")),
    Column("place_kind", "使用场所", False, ("使用场所", "场所类型", "使用场所类别")),
    Column("manufacturer", "制造单位", False, ("制造单位", "制造单位名称")),
    Column("model_no", "设备型号", False, ("设备型号", "型号", "型号规格")),
    Column("commissioned_on", "投入使用日期", True, ("投入使用日期", "投用日期", "启用日期")),
    Column("registered_on", "使用登记日期", False, ("使用登记日期", "登记日期", "发证日期")),
    Column("status", "设备状态", True, ("设备状态", "状态", "使用状态")),
    Column("scrapped_on", "报废日期", False, ("报废日期", "注销日期")),
    Column("on_demand", "按需维保", False, ("按需维保", "是否按需维保")),
    Column("maintenance_interval", "按需维保周期", False, ("按需维保周期", "按需维保周期（日）")),
    Column("last_inspected_on", "最近检验日期", False, ("最近检验日期", "检验日期", "上次检验日期")),
    Column("valid_until", "下次检验日期", False, ("下次检验日期", "检验有效期至", "下次检验日期（有效期）")),
]
_FORMULA = ("=", "+", "-", "@")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
CATEGORY_WORDS = {str(label): value for value, label in Category.choices} | {
    "场内专用机动车辆": "5000",
    "场(厂)内专用机动车辆": "5000",
    "厂内机动车辆": "5000",
    "游乐设施": "6000",
}
STATUS_WORDS = {
    "在用": "in_use",
    "使用": "in_use",
    "停用": "stopped",
    "报停": "stopped",
    "报废": "scrapped",
    "注销": "scrapped",
}
PLACE_WORDS = {str(label): value for value, label in PlaceKind.choices} | {
    "小学": "school",
    "中学": "school",
    "幼儿园": "school",
    "高校": "school",
    "医疗机构": "hospital",
    "商场超市": "mall",
    "购物中心": "mall",
    "超市": "mall",
    "火车站": "station",
    "地铁站": "station",
    "汽车站": "station",
    "机场": "station",
    "住宅": "residential",
    "小区": "residential",
}
YES = {"是", "Y", "y", "1", "true", "TRUE"}


@dataclass
class UnitImport(ImportReport):
    """A register import: units created, changed and found unchanged."""

    created: int = 0
    changed: int = 0
    unchanged: int = 0

    def summary(self) -> str:
        return (
            f"{self._verb()}：共 {self.rows} 行，新增 {self.created}，变更 {self.changed}，"
            f"未变 {self.unchanged}（编码：{self.encoding}）"
        )


class NotAllowed(Exception):
    pass


def parse_day(text: str, label: str, today: dt.date) -> dt.date:
    text = text.strip()
    for fmt in _DATE_FORMATS:
        try:
            value = dt.datetime.strptime(text, fmt).date()
            break
        except ValueError:
            continue
    else:
        raise ValueError(f"{label}“{text}”格式无法识别（应如 2026-03-15）")
    if value.year < 1950:
        raise ValueError(f"{label}“{text}”早于1950年，疑似有误")
    return value


class RowValidator:
    """Turns one row into a :class:`UnitIn` or a list of (column, message)."""

    def __init__(self, allowed: set[int] | None, today: dt.date):
        self.today = today
        self.allowed = allowed
        self.districts: dict[str, int] = {}
        for pk, code, name, short in Jurisdiction.objects.filter(level__in=["district", "zone"]).values_list(
            "pk", "code", "name", "short_name"
        ):
            place = name.replace("市场监督管理局", "").replace("分局", "")
            for key in (code, name, short, place):
                if key:
                    self.districts[key] = pk
        self.seen: set[str] = set()

    def validate(self, row: dict[str, str]) -> tuple[UnitIn | None, list[tuple[str, str]]]:
        errors: list[tuple[str, str]] = []
        text = {k: (v or "").strip() for k, v in row.items()}
        for field in ("code", "certificate_no", "address", "manufacturer", "model_no"):
            if text.get(field, "").startswith(_FORMULA):
                errors.append((field, "单元格以公式符号开头，请删除"))
        code = text.get("code", "").upper()
        if not code:
            errors.append(("code", "设备代码不能为空"))
        elif len(code) > 24:
            errors.append(("code", f"设备代码“{code}”超过24位"))
        elif code in self.seen:
            errors.append(("code", f"设备代码“{code}”在文件中重复"))
        self.seen.add(code)
        raw_category = text.get("category", "")
        category = raw_category if raw_category in Category.values else CATEGORY_WORDS.get(raw_category)
        if category is None and raw_category[:1].isdigit() and raw_category[:1] + "000" in Category.values:
            category = raw_category[:1] + "000"
        if category is None:
            errors.append(("category", f"设备种类“{raw_category}”无法识别"))
        category_code = text.get("category_code") or (
            raw_category if raw_category[:1].isdigit() else category or ""
        )
        if category and category_code[:1] != category[:1]:
            errors.append(("category_code", f"品种代码“{category_code}”与设备种类不符"))
        usccs = {}
        for field, label in (
            ("user_unit_uscc", "使用单位"),
            ("maintenance_uscc", "维保单位"),
            ("institute_uscc", "检验机构"),
        ):
            value = text.get(field, "")
            if not value:
                usccs[field] = ""
                if field == "user_unit_uscc":
                    errors.append((field, "使用单位统一社会信用代码不能为空"))
                continue
            try:
                usccs[field] = validate_uscc(value)
            except CodeError as exc:
                errors.append((field, f"{label}：{exc}"))
        district = self.districts.get(text.get("district", ""))
        if district is None:
            errors.append(("district", f"所在区县“{text.get('district', '')}”不是本市的区县（市）或功能区"))
        elif self.allowed is not None and district not in self.allowed:
            errors.append(("district", "该设备不在您的辖区内"))
        if not text.get("address"):
            errors.append(("address", "设备使用地点不能为空"))
        place = text.get("place_kind", "")
        place_kind = (
            place if place in PlaceKind.values else PLACE_WORDS.get(place, "other" if not place else None)
        )
        if place_kind is None:
            errors.append(("place_kind", f"使用场所“{place}”无法识别"))
        dates: dict[str, dt.date | None] = {}
        for field, label in (
            ("commissioned_on", "投入使用日期"),
            ("registered_on", "使用登记日期"),
            ("scrapped_on", "报废日期"),
            ("last_inspected_on", "最近检验日期"),
            ("valid_until", "下次检验日期"),
        ):
            value = text.get(field, "")
            if not value:
                dates[field] = None
                if field == "commissioned_on":
                    errors.append((field, "投入使用日期不能为空"))
                continue
            try:
                dates[field] = parse_day(value, label, self.today)
            except ValueError as exc:
                errors.append((field, str(exc)))
                continue
            if field != "valid_until" and dates[field] > self.today:
                errors.append((field, f"{label}“{value}”晚于今天"))
        if (
            dates.get("valid_until")
            and dates.get("last_inspected_on")
            and dates["valid_until"] <= dates["last_inspected_on"]
        ):
            errors.append(("valid_until", "下次检验日期须晚于最近检验日期"))
        status = STATUS_WORDS.get(
            text.get("status", ""), text.get("status") if text.get("status") in UnitStatus.values else None
        )
        if status is None:
            errors.append(("status", f"设备状态“{text.get('status', '')}”无法识别（在用、停用、报废）"))
        elif status == UnitStatus.SCRAPPED and not dates.get("scrapped_on"):
            errors.append(("scrapped_on", "报废设备须填写报废日期"))
        on_demand = text.get("on_demand", "") in YES
        interval = None
        if text.get("maintenance_interval"):
            if (
                not text["maintenance_interval"].isdigit()
                or not 1 <= int(text["maintenance_interval"]) <= 120
            ):
                errors.append(("maintenance_interval", "按需维保周期须为1–120之间的整数（日）"))
            else:
                interval = int(text["maintenance_interval"])
        if on_demand and interval is None:
            errors.append(("maintenance_interval", "按需维保的设备须填写维保周期"))
        if errors:
            return None, errors
        return (
            UnitIn(
                code=code,
                category=category,
                category_code=category_code[:4],
                user_unit_uscc=usccs["user_unit_uscc"],
                district_id=district,
                address=text["address"],
                commissioned_on=dates["commissioned_on"],
                certificate_no=text.get("certificate_no", ""),
                maintenance_uscc=usccs["maintenance_uscc"],
                institute_uscc=usccs["institute_uscc"],
                place_kind=place_kind,
                manufacturer=text.get("manufacturer", ""),
                model_no=text.get("model_no", ""),
                registered_on=dates["registered_on"],
                status=status,
                scrapped_on=dates["scrapped_on"] if status == UnitStatus.SCRAPPED else None,
                on_demand_maintenance=on_demand,
                maintenance_interval_days=interval if on_demand else None,
                last_inspected_on=dates["last_inspected_on"],
                inspection_valid_until=dates["valid_until"],
            ),
            [],
        )


def _allowed(actor) -> set[int] | None:
    if is_system(actor):
        return None  # the operator on the server's command line, a job, the demo
    if not actor.is_active or actor.role not in (Role.CITY_ADMIN, Role.DEPARTMENT, Role.DISTRICT):
        raise NotAllowed("您没有导入特种设备台账的权限")
    if actor.role in CITY_WIDE:
        return None
    district = user_district_id(actor)
    if district is None:
        raise NotAllowed("您的账户未设置所属辖区")
    return {district}


def import_units(
    path: Path,
    *,
    actor,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    file_name: str | None = None,
) -> UnitImport:
    """Import a provincial export. Nothing is written unless every row is valid and ``dry_run`` is off."""
    path = Path(path)
    report = UnitImport(file_name=file_name or path.name, dry_run=dry_run)
    try:
        allowed = _allowed(actor)
    except NotAllowed as exc:
        report.unreadable = str(exc)
        return report
    table = open_checked(path, COLUMNS, report)
    if table is None:
        return report
    labels = {c.field: table.labels.get(c.field, c.label) for c in COLUMNS}
    validator = RowValidator(allowed, timezone.localdate())
    book = RuleBook(timezone.localdate())
    digest = file_sha256(path)
    try:
        with transaction.atomic():
            pending: list[tuple[int, UnitIn]] = []
            for number, row in table.records():
                report.rows += 1
                data, errors = validator.validate(row)
                if errors:
                    if len(report.issues) < MAX_ISSUES:
                        report.issues.extend(ImportIssue(number, labels[f], m) for f, m in errors)
                    pending = []
                elif not report.issues:
                    pending.append((number, data))
                    if len(pending) >= BATCH:
                        _write(pending, report, book, actor, dry_run)
                        pending = []
                if progress and report.rows % 1000 == 0:
                    progress(report.rows, 0)
            if not report.issues:
                _write(pending, report, book, actor, dry_run)
            if not report.ok or dry_run:
                transaction.set_rollback(True)
            elif report.created or report.changed:
                audit.record(
                    actor,
                    audit.Change(
                        "equipment.import",
                        "equipment.unit",
                        digest[:16],
                        None,
                        {
                            "file": report.file_name,
                            "sha256": digest,
                            "rows": report.rows,
                            "created": report.created,
                            "changed": report.changed,
                            "unchanged": report.unchanged,
                        },
                    ),
                )
                events.emit(
                    "equipment.units_imported", {"created": report.created, "changed": report.changed}
                )
    except UnreadableFile as exc:
        report.unreadable = str(exc)
    if progress:
        progress(report.rows, report.rows)
    return report


def _write(
    pending: list[tuple[int, UnitIn]], report: UnitImport, book: RuleBook, actor, dry_run: bool
) -> None:
    """Resolve a batch's parties in the market-entity register, then create or change its units."""
    if not pending:
        return
    wanted = {d.user_unit_uscc for _, d in pending} | {
        d.maintenance_uscc for _, d in pending if d.maintenance_uscc
    }
    names = dict(Entity.objects.filter(uscc__in=wanted).values_list("uscc", "name"))
    existing = {u.code: u for u in Unit.objects.filter(code__in=[d.code for _, d in pending])}
    create, update, history, audited = [], [], [], []
    today = timezone.localdate()
    for number, data in pending:
        for field, label in (
            ("user_unit_uscc", "使用单位统一社会信用代码"),
            ("maintenance_uscc", "维保单位统一社会信用代码"),
        ):
            value = getattr(data, field)
            if value and value not in names:
                report.issues.append(ImportIssue(number, label, f"“{value}”不在市场主体库中"))
        if report.issues:
            continue
        data.user_unit_name = names[data.user_unit_uscc]
        data.maintenance_name = names.get(data.maintenance_uscc, "")
        values = asdict(data)
        values.pop("code")
        unit = existing.get(data.code)
        if unit is None:
            unit = Unit(code=data.code, **values)
            apply_due_dates(unit, book)
            create.append(unit)
            continue
        before = register_fields(unit)
        for name, value in values.items():
            setattr(unit, name, value)
        changes = differences(before, register_fields(unit))
        if not changes:
            report.unchanged += 1
            continue
        apply_due_dates(unit, book)
        update.append(unit)
        history.append(
            UnitChange(unit=unit, occurred_on=today, changes=changes, source=f"导入：{report.file_name}")
        )
        audited.append(audit.Change("equipment.unit.update", "equipment.unit", unit.code, None, changes))
    if report.issues:
        return
    Unit.objects.bulk_create(create, batch_size=1000)
    if update:
        fields = [f if f != "district_id" else "district" for f in REGISTER_FIELDS] + [
            "user_unit_name",
            "maintenance_name",
            "registration_due",
            "inspection_request_by",
            "selftest_due",
            "maintenance_due",
        ]
        Unit.objects.bulk_update(update, fields, batch_size=1000)
    created_units = Unit.objects.filter(code__in=[u.code for u in create]).values_list("pk", "code")
    history.extend(
        UnitChange(
            unit_id=pk, occurred_on=today, changes={"created": True}, source=f"导入：{report.file_name}"
        )
        for pk, _code in created_units
    )
    UnitChange.objects.bulk_create(history, batch_size=1000)
    report.created += len(create)
    report.changed += len(update)
    if audited and not dry_run:
        audit.record_many(actor, audited)
