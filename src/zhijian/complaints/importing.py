"""Importing the national 12315 platform's export (全国12315平台数据导入): all or nothing, idempotent.

Built on the register import's machinery (``registry.importing.open_checked``, ``registry.tables`` and
``registry.parallel``): CSV in UTF-8, UTF-8 with BOM or GB18030, and XLSX; Chinese headers with their
usual synonyms. Every row is validated by the same function the public form and the staff entry use
(``intake.validate``), and a problem is reported by row and column in Chinese. Nothing is written
unless every row is valid and this is not a dry run. A row whose platform number (平台编号) is already
in the database is left as it is, so importing the same export twice files nothing the second time.

One pass, streamed, as the register's import: on a machine with more than one core a second process
reads and validates the file (``registry.parallel.batches_in_child`` running :func:`platform_batches`)
and hands over batches of rows already in the case table's column order, while this process writes
them inside one transaction; the transaction is rolled back when any row failed or on a dry run.

The write is set-based: respondents and ODR enrolments are read once per chunk, cases go in with COPY
(``core.bulk.insert_rows``) under ids drawn from the table's sequence, their first deadline and history
step likewise; deadlines are counted once per receipt date. One audit entry carries every filed case as
an attachment, one event reports the run.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from zhijian.core import audit, events
from zhijian.core.bulk import insert_rows
from zhijian.core.models import Deadline, Jurisdiction, RuleValue
from zhijian.core.workdays import Calendar, due_after
from zhijian.registry.importing import (
    PARALLEL_MIN_BYTES,
    ImportReport,
    chunks_to_write,
    file_sha256,
    open_checked,
)
from zhijian.registry.models import Entity
from zhijian.registry.parallel import Batch, batches_in_child
from zhijian.registry.tables import Column, Table, UnreadableFile, open_table

from . import deadlines
from .duplicates import complainant_key, flag_repeated_reports, respondent_key, text_hash
from .models import CASE_HANDLERS, Case, CaseStep, Category, Enrolment, ImportRun, Kind, Status
from .services._base import ComplaintsError, is_system, require_role
from .services.intake import CaseIn, new_code, validate

CHUNK = 20_000
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
    if len(text) == 10 and text[4] == "-" and text[7] == "-":  # the platform's own format, parsed directly
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"登记日期“{text}”格式无法识别（应如 2026-03-15）")


# A place of the transaction as the validator and the writer need it, plain data that the validating
# process can receive: (jurisdiction id, the id of its county-level unit, whether it is a 市场监管所).
PlaceRef = tuple[int, int, bool]


def places_by_word() -> dict[str, PlaceRef]:
    """Jurisdictions by code and by name (a platform writes either)."""
    found: dict[str, PlaceRef] = {}
    for unit in Jurisdiction.objects.all():
        # the county-level unit, as routing.county_unit finds it
        county = unit.pk if unit.level in ("district", "zone", "city") else (unit.district_id or unit.pk)
        ref = (unit.pk, county, unit.level == "office")
        found[unit.code] = ref
        found[unit.name] = ref
        if unit.short_name:
            found.setdefault(unit.short_name, ref)
    return found


# The case table's columns in two parts. The validating process fills the first from the row alone;
# the writer adds the second, which depends on the register, the rules and the ODR enrolments.
ROW_FIELDS = (
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
    "platform_uscc",
    "category",
    "product",
    "subject",
    "description",
    "demand",
    "amount_claimed",
    "text_hash",
    "amount_recovered",
    "repeated_report",
    # COPY applies no model defaults: every NOT NULL text column is written, empty.
    "not_accepted_ground",
    "outcome",
    "termination_ground",
    "result_text",
    "case_decision_no",
    "merge_reason",
)
RESOLVED_FIELDS = (
    "respondent",
    "respondent_uscc",
    "respondent_name",
    "respondent_address",
    "respondent_key",
    "jurisdiction",
    "office",
    "routed_by",
    "status",
    "odr_until",
    "acceptance_due",
    "handling_due",
    "created_at",
)
CASE_FIELDS = ROW_FIELDS + RESOLVED_FIELDS
EMPTY_TEXTS = ("",) * 6
_ANONYMOUS = frozenset(("是", "1", "Y", "y", "匿名"))
# (ROW_FIELDS values, platform number, receipt date, kind, rule version, respondent USCC, respondent
# name, respondent address, platform USCC, place, respondent key): one valid row, picklable
ValidRow = tuple


def platform_batches(path: str, places: dict[str, PlaceRef], today: dt.date) -> Iterator[Batch]:
    """The batches of the export at ``path``: what the validating process runs (registry.parallel)."""
    yield from validated_batches(open_table(Path(path), COLUMNS), places, today)


def validated_batches(table: Table, places: dict[str, PlaceRef], today: dt.date) -> Iterator[Batch]:
    """Every row of ``table`` validated, in batches of ``registry.parallel.BATCH`` rows.

    A batch's ``lines`` are :data:`ValidRow` tuples, its ``issues`` (row, field, message): the field of
    a column of the export, else ``description``. A platform number seen earlier in the file is a
    problem; tracking codes are unique within the file.
    """
    from zhijian.registry import parallel

    size = parallel.BATCH
    seen: dict[str, int] = {}
    codes: set[str] = set()
    batch = Batch()
    for number, raw in table.records():
        batch.count += 1
        row = _validated_row(number, raw, places, today, seen, codes, batch.issues)
        if row is not None:
            batch.lines.append(row)
        if batch.count >= size:
            yield batch
            batch = Batch()
    if batch.count:
        yield batch


_FIELDS = frozenset(c.field for c in COLUMNS)


def _validated_row(number, raw, places, today, seen, codes, issues) -> ValidRow | None:
    get = raw.get
    platform_no = get("platform_no", "").strip()
    if not platform_no:
        issues.append((number, "platform_no", "平台编号不能为空"))
        return None
    if platform_no in seen:
        issues.append((number, "platform_no", f"平台编号“{platform_no}”与第{seen[platform_no]}行重复"))
        return None
    seen[platform_no] = number
    kind = get("kind", "").strip()
    kind = KIND_WORDS.get(kind, kind)
    try:
        received_on = parse_day(get("received_on", ""))
    except ValueError as exc:
        issues.append((number, "received_on", str(exc)))
        return None
    data = CaseIn(
        kind=kind,
        subject=get("subject", ""),
        description=get("description", ""),
        respondent_name=get("respondent_name", ""),
        category=CATEGORY_WORDS.get(get("category", "").strip(), ""),
        received_on=received_on,
        person_name=get("person_name", ""),
        person_phone=get("person_phone", ""),
        person_id_number=get("person_id_number", ""),
        person_address=get("person_address", ""),
        anonymous=get("anonymous", "").strip() in _ANONYMOUS,
        respondent_uscc=get("respondent_uscc", ""),
        respondent_address=get("respondent_address", ""),
        platform_uscc=get("platform_uscc", ""),
        place=get("place", ""),
        product=get("product", ""),
        demand=get("demand", ""),
        amount_claimed=get("amount_claimed", ""),
    )
    try:
        c = validate(data, on_today=today, places=places)
    except ComplaintsError as exc:
        issues.extend(
            (number, field if field in _FIELDS else "description", message)
            for field, message in exc.fields.items()
        )
        return None
    on = c["received_on"]
    code = new_code(on)
    while code in codes:  # 31**6 codes a day: rare, but one clash would fail the whole file
        code = new_code(on)
    codes.add(code)
    fixed = (
        code,
        c["kind"],
        "platform",
        platform_no,
        on,
        deadlines.rule_version_on(on),
        c["person_name"],
        c["person_phone"],
        c["person_id_number"],
        c["person_address"],
        c["anonymous"],
        complainant_key(c["person_phone"], c["person_id_number"]),
        c["platform_uscc"],
        c["category"],
        c["product"],
        c["subject"],
        c["description"],
        c["demand"],
        c["amount_claimed"],
        text_hash(c["subject"], c["description"]),
        0,
        False,
        *EMPTY_TEXTS,
    )
    return (
        fixed,
        platform_no,
        on,
        c["kind"],
        fixed[5],
        c["respondent_uscc"],
        c["respondent_name"],
        c["respondent_address"],
        c["platform_uscc"],
        c["place"],
        respondent_key(c["respondent_uscc"], c["respondent_name"]),
    )


# (id, uscc, name, address, jurisdiction id, office id) of a register entity
_ENTITY_COLUMNS = ("id", "uscc", "name", "address", "jurisdiction_id", "office_id")


def _entities(field: str, values: set[str]) -> list[tuple]:
    """The entities whose ``field`` (uscc or name) is one of ``values``, as plain tuples."""
    if not values:
        return []
    if connection.vendor == "postgresql":  # one array parameter, not thousands
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(_ENTITY_COLUMNS)} FROM {Entity._meta.db_table} "  # noqa: S608
                f"WHERE {field} = ANY(%s)",
                [list(values)],
            )
            return cursor.fetchall()
    return list(Entity.objects.filter(**{f"{field}__in": values}).values_list(*_ENTITY_COLUMNS))


def _new_case_ids(count: int) -> list[int] | None:
    """``count`` ids drawn from the case table's sequence (PostgreSQL), so that COPY needs no read-back."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Case._meta.db_table, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


class _Writer:
    """Builds the case rows of a chunk set-based and writes them with COPY."""

    def __init__(self) -> None:
        self.calendar = Calendar()
        self.city = Jurisdiction.objects.values_list("pk", flat=True).get(code="330200")
        self.rules: dict[tuple[str, dt.date], object] = {}
        self.versions: dict[str, list[RuleValue]] = {}
        self.dues: dict[tuple[int, dt.date], tuple[dt.date, bool]] = {}
        odr = Enrolment.objects.filter(programme=Enrolment.Programme.ODR)
        self.odr: dict[str, list[tuple[dt.date, dt.date | None]]] = {}
        for uscc, start, end in odr.values_list("uscc", "enrolled_on", "withdrawn_on"):
            self.odr.setdefault(uscc, []).append((start, end))
        self.created = 0
        self.unchanged = 0
        self.filed: list[str] = []  # platform numbers of the cases filed, for the audit entry
        self.case_ids: list[int] = []  # their ids, announced as ranges with the run's event
        self.earliest: dt.date | None = None

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

    def write(self, rows: list[ValidRow]) -> None:
        """File the rows whose platform number is not filed yet."""
        if not rows:
            return
        existing = ids_by_platform_no([r[1] for r in rows])
        if existing:
            rows = [r for r in rows if r[1] not in existing]
            self.unchanged += len(existing)
        if not rows:
            return
        by_uscc = {
            e[1]: e for e in _entities("uscc", {r[5] for r in rows if r[5]} | {r[8] for r in rows if r[8]})
        }
        by_name: dict[str, tuple | None] = {}
        for entity in _entities("name", {r[6] for r in rows if not r[5]}):
            by_name[entity[2]] = None if entity[2] in by_name else entity  # an ambiguous name stays unknown
        now = timezone.now()
        cases, firsts = [], []
        for (
            fixed,
            platform_no,
            on,
            kind,
            version,
            r_uscc,
            r_name,
            r_address,
            platform_uscc,
            place,
            key,
        ) in rows:
            respondent = by_uscc.get(r_uscc) if r_uscc else by_name.get(r_name)
            platform = by_uscc.get(platform_uscc) if platform_uscc else None
            if version == "order121" and platform is not None:
                unit, office, basis = platform[4], None, "交易平台所在地（第121号令）"
            elif respondent is not None:
                unit, office, basis = respondent[4], respondent[5], "被投诉人登记管辖"
            elif place is not None:
                unit, office, basis = place[1], (place[0] if place[2] else None), "交易发生地"
            else:
                unit, office, basis = self.city, None, "市局分派"
            if respondent is not None:
                uscc, name, address = respondent[1], respondent[2], r_address or respondent[3]
                if not r_uscc:  # found by its name: the key is its USCC
                    key = respondent_key(uscc, r_name)
            else:
                uscc, name, address = r_uscc, r_name or r_uscc, r_address
            status, odr_until, acceptance_due, handling_due, first = Status.RECEIVED, None, None, None, None
            if kind == Kind.COMPLAINT and uscc in self.odr and self._in_odr(uscc, on):
                first = ("odr", *self._due("odr", on))
                status, odr_until = Status.ODR, first[2]
            elif kind == Kind.COMPLAINT:
                first = ("acceptance", *self._due("acceptance", on))
                acceptance_due = first[2]
            elif kind == Kind.REPORT:
                first = ("report_verify", *self._due("report_verify", on))
                handling_due = first[2]
            cases.append(
                (
                    *fixed,
                    respondent[0] if respondent is not None else None,
                    uscc,
                    name,
                    address,
                    key,
                    unit,
                    office,
                    basis,
                    status,
                    odr_until,
                    acceptance_due,
                    handling_due,
                    now,
                )
            )
            firsts.append((platform_no, on, first))
        ids = _new_case_ids(len(cases))
        if ids is not None:
            insert_rows(
                Case, ("id", *CASE_FIELDS), ((pk, *case) for pk, case in zip(ids, cases, strict=True))
            )
            case_ids = ids
        else:
            insert_rows(Case, CASE_FIELDS, cases)
            by_number = ids_by_platform_no([p for p, _, _ in firsts])
            case_ids = [by_number[p] for p, _, _ in firsts]
        insert_rows(
            Deadline,
            ("object_type", "object_id", "kind", "start", "working_days", "due", "provisional", "rule"),
            [
                (deadlines.OBJECT_TYPE, str(pk), f[0], on, int(f[1].value), f[2], f[3], f[1].pk)
                for pk, (_, on, f) in zip(case_ids, firsts, strict=True)
                if f is not None
            ],
        )
        insert_rows(
            CaseStep,
            ("case", "at", "on", "action", "label", "note", "actor_name", "public"),
            [
                (pk, now, on, "received", "全国12315平台登记", "", "全国12315平台", True)
                for pk, (_, on, _) in zip(case_ids, firsts, strict=True)
            ],
        )
        self.created += len(cases)
        self.filed.extend(p for p, _, _ in firsts)
        self.case_ids.extend(case_ids)
        earliest = min(on for _, on, _ in firsts)
        self.earliest = earliest if self.earliest is None else min(self.earliest, earliest)


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


def import_cases(
    path: Path,
    *,
    actor,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    file_name: str | None = None,
    parallel: bool | None = None,
) -> CasesImport:
    """Import a platform export. Nothing is written unless every row is valid and ``dry_run`` is off.

    ``parallel`` validates in a second process (default: for files over the register import's
    PARALLEL_MIN_BYTES on a machine with more than one core).
    """
    path = Path(path)
    require_role(actor, CASE_HANDLERS, "您没有导入投诉举报数据的权限")
    result = CasesImport(file_name=file_name or path.name, dry_run=dry_run)
    table = open_checked(path, COLUMNS, result)
    if table is None:
        return result
    labels = {c.field: table.labels.get(c.field, c.label) for c in COLUMNS}
    places = places_by_word()
    today = timezone.localdate()
    if parallel is None:
        parallel = (os.cpu_count() or 1) > 1 and path.stat().st_size >= PARALLEL_MIN_BYTES
    batches = (
        batches_in_child(platform_batches, str(path), places, today)
        if parallel
        else validated_batches(table, places, today)
    )
    digest = file_sha256(path)
    try:
        with transaction.atomic():
            writer = _Writer()
            for chunk in chunks_to_write(batches, result, labels, CHUNK, progress):
                writer.write(chunk)
            if result.issues:
                transaction.set_rollback(True)
                return result
            result.created, result.unchanged = writer.created, writer.unchanged
            if writer.earliest is not None:
                flag_repeated_reports(since=writer.earliest)
            if progress:
                progress(result.rows, result.rows)
            if dry_run:
                transaction.set_rollback(True)
                return result
            _record(actor, result, digest, writer.filed, id_ranges(writer.case_ids))
    except UnreadableFile as exc:  # raised mid-stream, e.g. a broken CSV quote
        result.unreadable = str(exc)
    return result


def id_ranges(ids: list[int]) -> list[tuple[int, int]]:
    """Sorted ids as inclusive ``(first, last)`` runs of consecutive numbers."""
    ranges: list[tuple[int, int]] = []
    for pk in sorted(ids):
        if ranges and pk == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], pk)
        else:
            ranges.append((pk, pk))
    return ranges


def _record(
    actor, result: CasesImport, digest: str, filed: list[str], case_ranges: list[tuple[int, int]]
) -> None:
    """The run, its audit entry (every filed case's platform number attached) and its event."""
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
    encode = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps would build one encoder per number
    attachment = "\n".join(map(encode, filed)).encode() if filed else None
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
    events.emit(
        "complaints.cases_imported",
        {"run_id": run.pk, "created": result.created, "case_ranges": [list(r) for r in case_ranges]},
    )
