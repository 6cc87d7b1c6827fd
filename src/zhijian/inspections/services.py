"""State changes of 双随机、一公开: each one transaction, permission-checked, audited, events emitted.

Bad input raises :class:`InspectionError` (a stable English ``code``, a Chinese message) and
changes nothing; a user who may not act raises ``PermissionDenied``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from zhijian.core import audit, events
from zhijian.core.errors import DomainError
from zhijian.core.models import Department, Jurisdiction, Role, User
from zhijian.core.rules import rule
from zhijian.core.scoping import CHANGE, CITY_WIDE, can, user_district_id
from zhijian.core.workdays import set_deadline
from zhijian.registry.models import Entity, EntityStatus, EntityType

from . import algorithm, snapshot, strata
from .assignment import REASONS, assign, assignment_seed, inputs_digest, result_digest
from .models import (
    Absence,
    AssignmentRun,
    Attachment,
    CheckItem,
    Conflict,
    Draw,
    DrawSnapshot,
    Inspection,
    InspectionMember,
    Inspector,
    Method,
    Plan,
    ResultCode,
    Specialty,
    Task,
)
from .topics import RESULT_TOPIC  # noqa: E402,F401 - the topic is declared with its schema

PUBLICITY_RULE = "inspections.result_publicity.publish_within"
RECHECK_RULE = "inspections.recheck.within"
TEAM_RULE = "inspections.team.min_size"
CAP_RULE = "inspections.sampling_ratio.general_cap"
DEADLINE_TYPE = "inspections.Inspection"
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# 32 symbols without 0/O and I/L, so that a code read aloud or typed from paper is unambiguous.
CODE_ALPHABET = "123456789ABCDEFGHJKMNPQRSTUVWXYZ"


class InspectionError(DomainError):
    """Input a service refuses; ``str()`` is the Chinese message, ``code`` a stable English code."""


# --- helpers --------------------------------------------------------------------------------------


def _role(actor) -> str | None:
    return getattr(actor, "role", None) if getattr(actor, "is_active", False) else None


def _require_staff(actor, roles: Iterable[str] = (Role.CITY_ADMIN, Role.DEPARTMENT, Role.DISTRICT)) -> None:
    if _role(actor) not in set(roles):
        raise PermissionDenied


def _covers(actor, jurisdiction: Jurisdiction) -> bool:
    """Whether ``actor`` works for ``jurisdiction`` (city-wide roles: everywhere)."""
    role = _role(actor)
    if role in CITY_WIDE:
        return True
    if role == Role.DISTRICT:
        return user_district_id(actor) == (jurisdiction.district_id or jurisdiction.pk)
    return False


def _require_change(actor, obj) -> None:
    if not can(actor, obj, CHANGE):
        raise PermissionDenied


def _text(value: Any, *, field: str, code: str, max_length: int, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise InspectionError(code, f"请填写{field}")
    if len(text) > max_length:
        raise InspectionError(code, f"{field}不能超过{max_length}个字")
    return text


def _snapshot_item(item: CheckItem) -> dict:
    return {
        "code": item.code,
        "department": item.department.code,
        "name": item.name,
        "legal_basis": item.legal_basis,
        "object_type": item.object_type,
        "entity_types": item.entity_types,
        "method": item.method,
        "content": item.content,
        "specialty": item.specialty,
        "is_key": item.is_key,
        "active": item.active,
    }


def new_verification_code() -> str:
    """12 symbols = 60 random bits from the system's cryptographic generator."""
    bits = secrets.randbits(60)
    return "".join(CODE_ALPHABET[(bits >> (5 * n)) & 31] for n in range(12))


def city_unit() -> Jurisdiction:
    return Jurisdiction.objects.get(level=Jurisdiction.Level.CITY)


# --- the catalogue --------------------------------------------------------------------------------


def save_check_item(*, actor, code: str, department: Department, fields: Mapping[str, Any]) -> CheckItem:
    """Create or update an item of the catalogue (抽查事项清单). City administrators and departments
    only; a department edits its own items."""
    _require_staff(actor, (Role.CITY_ADMIN, Role.DEPARTMENT))
    if _role(actor) == Role.DEPARTMENT and actor.department_id != department.pk:
        raise PermissionDenied
    code = _text(code, field="事项编码", code="item_code", max_length=30)
    entity_types = [str(t) for t in fields.get("entity_types") or []]
    values: dict[str, Any] = {
        "name": _text(fields.get("name"), field="抽查事项名称", code="item_name", max_length=200),
        "legal_basis": _text(fields.get("legal_basis"), field="检查依据", code="item_basis", max_length=4000),
        "object_type": _text(fields.get("object_type"), field="抽查对象", code="item_object", max_length=200),
        "content": _text(fields.get("content"), field="检查内容", code="item_content", max_length=4000),
        "entity_types": entity_types,
        "method": fields.get("method"),
        "specialty": fields.get("specialty"),
        "is_key": bool(fields.get("is_key")),
        "active": bool(fields.get("active", True)),
    }
    if values["method"] not in Method.values:
        raise InspectionError("item_method", "请选择检查方式")
    if values["specialty"] not in Specialty.values:
        raise InspectionError("item_specialty", "请选择所需执法资格")
    bad = [t for t in entity_types if t not in EntityType.values]
    if bad:
        raise InspectionError("item_entity_types", f"未知的主体类型：{'、'.join(bad)}")
    with transaction.atomic():
        item = CheckItem.objects.select_for_update().filter(code=code).first()
        before = _snapshot_item(item) if item else None
        if item and _role(actor) == Role.DEPARTMENT and item.department_id != actor.department_id:
            raise PermissionDenied
        item = item or CheckItem(code=code)
        item.department = department
        for name, value in values.items():
            setattr(item, name, value)
        item.save()
        audit.record(
            actor,
            audit.Change("inspections.save_item", "CheckItem", str(item.pk), before, _snapshot_item(item)),
        )
    return item


# --- the inspector register -----------------------------------------------------------------------


def _snapshot_inspector(inspector: Inspector) -> dict:
    return {
        "name": inspector.name,
        "certificate_no": inspector.certificate_no,
        "jurisdiction": inspector.jurisdiction.code,
        "department": inspector.department.code if inspector.department else None,
        "specialties": inspector.specialties,
        "active": inspector.active,
        "user": inspector.user.username if inspector.user else None,
    }


def save_inspector(
    *,
    actor,
    certificate_no: str,
    name: str,
    jurisdiction: Jurisdiction,
    specialties: list[str],
    department: Department | None = None,
    user: User | None = None,
    active: bool = True,
) -> Inspector:
    """Add an officer to the inspector register (执法检查人员名录库), or update her entry."""
    _require_staff(actor)
    if jurisdiction.level not in (
        Jurisdiction.Level.CITY,
        Jurisdiction.Level.DISTRICT,
        Jurisdiction.Level.ZONE,
    ):
        raise InspectionError("inspector_jurisdiction", "执法检查人员须归属市局或县级单位")
    if not _covers(actor, jurisdiction) or (
        jurisdiction.level == Jurisdiction.Level.CITY and _role(actor) not in CITY_WIDE
    ):
        raise PermissionDenied
    certificate_no = _text(certificate_no, field="执法证号", code="inspector_certificate", max_length=30)
    name = _text(name, field="姓名", code="inspector_name", max_length=40)
    if not specialties or any(s not in Specialty.values for s in specialties):
        raise InspectionError("inspector_specialties", "请至少选择一项有效的执法资格")
    if user is not None and user.role != Role.INSPECTOR:
        raise InspectionError("inspector_user", f"账户“{user.username}”不是执法检查人员角色")
    with transaction.atomic():
        inspector = Inspector.objects.select_for_update().filter(certificate_no=certificate_no).first()
        if inspector is not None and not _covers(actor, inspector.jurisdiction):
            raise PermissionDenied
        before = _snapshot_inspector(inspector) if inspector else None
        inspector = inspector or Inspector(certificate_no=certificate_no)
        inspector.name, inspector.jurisdiction, inspector.department = name, jurisdiction, department
        inspector.specialties = sorted(set(specialties))
        inspector.user, inspector.active = user, active
        inspector.save()
        audit.record(
            actor,
            audit.Change(
                "inspections.save_inspector",
                "Inspector",
                str(inspector.pk),
                before,
                _snapshot_inspector(inspector),
            ),
        )
    return inspector


def record_absence(
    *, actor, inspector: Inspector, starts_on: dt.date, ends_on: dt.date, reason: str
) -> Absence:
    """Record a period an inspector is away; she is not matched to tasks that overlap it."""
    _require_change(actor, inspector)
    reason = _text(reason, field="事由", code="absence_reason", max_length=100)
    if ends_on < starts_on:
        raise InspectionError("absence_dates", "结束日期不能早于开始日期")
    with transaction.atomic():
        absence = Absence.objects.create(
            inspector=inspector, starts_on=starts_on, ends_on=ends_on, reason=reason
        )
        audit.record(
            actor,
            audit.Change(
                "inspections.record_absence",
                "Absence",
                str(absence.pk),
                None,
                {
                    "inspector": inspector.certificate_no,
                    "starts_on": starts_on,
                    "ends_on": ends_on,
                    "reason": reason,
                },
            ),
        )
    return absence


def declare_conflict(*, actor, inspector: Inspector, entity: Entity, reason: str) -> Conflict:
    """Record an inspector's conflict of interest with a firm (回避声明): she declares it herself, or
    staff record it for her. She is never matched to that firm afterwards."""
    own = _role(actor) == Role.INSPECTOR and inspector.user_id == actor.pk
    if not own:
        _require_change(actor, inspector)
    reason = _text(reason, field="回避事由", code="conflict_reason", max_length=200)
    with transaction.atomic():
        conflict, created = Conflict.objects.get_or_create(
            inspector=inspector,
            entity=entity,
            defaults={"reason": reason, "declared_on": timezone.localdate()},
        )
        if not created:
            raise InspectionError("conflict_exists", "该回避声明已存在")
        audit.record(
            actor,
            audit.Change(
                "inspections.declare_conflict",
                "Conflict",
                str(conflict.pk),
                None,
                {"inspector": inspector.certificate_no, "uscc": entity.uscc, "reason": reason},
            ),
        )
    return conflict


# --- plans and tasks ------------------------------------------------------------------------------


def create_plan(*, actor, year: int, title: str, jurisdiction: Jurisdiction, note: str = "") -> Plan:
    """Make a department's or district's annual spot-check plan (年度抽查工作计划)."""
    _require_staff(actor)
    if not _covers(actor, jurisdiction) or (
        jurisdiction.level == Jurisdiction.Level.CITY and _role(actor) not in CITY_WIDE
    ):
        raise PermissionDenied
    if jurisdiction.level == Jurisdiction.Level.OFFICE:
        raise InspectionError("plan_jurisdiction", "计划由市局或县级单位制定")
    if not 2000 <= int(year) <= 2100:
        raise InspectionError("plan_year", "年度无效")
    title = _text(title, field="计划名称", code="plan_title", max_length=200)
    with transaction.atomic():
        plan = Plan.objects.create(
            year=year,
            title=title,
            jurisdiction=jurisdiction,
            department=getattr(actor, "department", None),
            note=str(note or "")[:4000],
            created_by=actor,
        )
        audit.record(
            actor,
            audit.Change(
                "inspections.create_plan",
                "Plan",
                str(plan.pk),
                None,
                {"year": plan.year, "title": title, "jurisdiction": jurisdiction.code},
            ),
        )
    return plan


def default_ratios(on: dt.date) -> tuple[dict[str, str], str]:
    """The ratios per credit class in force on ``on`` (rule data), and their sources."""
    ratios, sources = {}, []
    for stratum in algorithm.STRATA:
        found = rule(f"inspections.sampling_ratio.{stratum}", on=on)
        ratios[stratum] = algorithm.canonical_ratio(found.value)
        if found.legal_source not in sources:
            sources.append(found.legal_source)
    return ratios, "；".join(sources)[:300]


def _territory(task: Task) -> list[Jurisdiction]:
    chosen = list(task.districts.all())
    if chosen:
        return chosen
    if task.jurisdiction.level == Jurisdiction.Level.CITY:
        return list(
            Jurisdiction.objects.filter(level__in=[Jurisdiction.Level.DISTRICT, Jurisdiction.Level.ZONE])
        )
    return [task.jurisdiction]


def _snapshot_task(task: Task) -> dict:
    return {
        "title": task.title,
        "plan": task.plan_id,
        "jurisdiction": task.jurisdiction.code,
        "items": sorted(task.items.values_list("code", flat=True)),
        "districts": sorted(task.districts.values_list("code", flat=True)),
        "entity_types": task.entity_types,
        "industry_prefix": task.industry_prefix,
        "ratios": task.ratios,
        "ratio_source": task.ratio_source,
        "a_class_basis": task.a_class_basis,
        "team_size": task.team_size,
        "starts_on": task.starts_on,
        "due_on": task.due_on,
        "publish_results": task.publish_results,
        "status": task.status,
    }


def create_task(
    *,
    actor,
    plan: Plan,
    title: str,
    items: list[CheckItem],
    starts_on: dt.date,
    due_on: dt.date,
    ratios: Mapping[str, Any] | None = None,
    a_class_basis: str = "",
    team_size: int | None = None,
    districts: list[Jurisdiction] | None = None,
    entity_types: list[str] | None = None,
    industry_prefix: str = "",
    publish_results: bool = True,
) -> Task:
    """Create a spot-check task in ``plan``: items, object scope, ratios per class, team size, dates.

    The ratios default to the rule data in force on ``starts_on``; an A-class ratio above zero needs
    its basis (a law, or a lead's requirement: otherwise A-class firms are left alone, 无事不扰);
    a task of general items only may not exceed the ratio cap; teams have at least the statutory two.
    """
    _require_staff(actor)
    if not _covers(actor, plan.jurisdiction):
        raise PermissionDenied
    title = _text(title, field="任务名称", code="task_title", max_length=200)
    if not items:
        raise InspectionError("task_items", "请至少选择一项抽查事项")
    inactive = [i.code for i in items if not i.active]
    if inactive:
        raise InspectionError("task_items", f"抽查事项已停用：{'、'.join(inactive)}")
    if due_on < starts_on:
        raise InspectionError("task_dates", "完成期限不能早于开始日期")
    default, source = default_ratios(starts_on)
    try:
        chosen = algorithm.canonical_ratios(ratios) if ratios else default
    except algorithm.DrawInputError as exc:
        raise InspectionError("task_ratios", str(exc)) from None
    if chosen != default:
        source = "任务自定比例（制定人：{}）".format(
            getattr(actor, "display_name", "") or actor.get_username()
        )
    a_class_basis = _text(
        a_class_basis, field="抽取A类企业的依据", code="task_a_basis", max_length=300, required=False
    )
    if algorithm.Fraction(chosen["A"]) > 0 and not a_class_basis:
        raise InspectionError(
            "task_a_basis", "A类企业实行“无事不扰”：抽取A类企业须写明法律法规依据或上级部署要求"
        )
    if not any(item.is_key for item in items):
        cap = rule(CAP_RULE, on=starts_on)
        over = [s for s, r in chosen.items() if algorithm.Fraction(r) > algorithm.Fraction(str(cap.value))]
        if over:
            raise InspectionError(
                "task_ratio_cap",
                f"仅含一般检查事项的任务，抽查比例不得超过{algorithm.canonical_ratio(cap.value)}"
                f"（{cap.legal_source}）：{'、'.join(over)}类超出；如确需提高，请纳入重点检查事项",
            )
    minimum = int(rule(TEAM_RULE, on=starts_on).value)
    team_size = minimum if team_size is None else int(team_size)
    if team_size < minimum:
        raise InspectionError("task_team_size", f"检查组不得少于{minimum}人（行政处罚法第四十二条）")
    entity_types = list(entity_types or [])
    bad = [t for t in entity_types if t not in EntityType.values]
    if bad:
        raise InspectionError("task_entity_types", f"未知的主体类型：{'、'.join(bad)}")
    districts = list(districts or [])
    for unit in districts:
        if unit.level not in (Jurisdiction.Level.DISTRICT, Jurisdiction.Level.ZONE):
            raise InspectionError("task_districts", f"抽查范围须为县级单位：{unit.name}")
        if plan.jurisdiction.level != Jurisdiction.Level.CITY and unit.pk != plan.jurisdiction.pk:
            raise InspectionError("task_districts", f"抽查范围超出组织单位辖区：{unit.name}")
    industry_prefix = str(industry_prefix or "").strip().upper()[:5]
    with transaction.atomic():
        task = Task.objects.create(
            plan=plan,
            title=title,
            jurisdiction=plan.jurisdiction,
            lead_department=getattr(actor, "department", None),  # a district bureau's task has none
            entity_types=entity_types,
            industry_prefix=industry_prefix,
            ratios=chosen,
            ratio_source=source[:300],
            a_class_basis=a_class_basis,
            team_size=team_size,
            starts_on=starts_on,
            due_on=due_on,
            publish_results=publish_results,
            created_by=actor,
        )
        task.items.set(items)
        task.districts.set(districts)
        audit.record(
            actor, audit.Change("inspections.create_task", "Task", str(task.pk), None, _snapshot_task(task))
        )
    return task


def eligible_entities(task: Task) -> QuerySet:
    """The firms a task may draw (抽查对象名录): active entities in its territory that match its
    object scope, each annotated with its ``stratum``."""
    qs = Entity.objects.filter(
        status=EntityStatus.ACTIVE, jurisdiction__in=[unit.pk for unit in _territory(task)]
    )
    types = set(task.entity_types)
    for item in task.items.all():
        if item.entity_types:
            types = set(item.entity_types) if not types else types & set(item.entity_types)
            if not types:
                return Entity.objects.none()
    if types:
        qs = qs.filter(entity_type__in=sorted(types))
    if task.industry_prefix:
        qs = qs.filter(industry_code__startswith=task.industry_prefix)
    return strata.with_stratum(qs)


# --- the draw -------------------------------------------------------------------------------------


REDRAW_RULE = "inspections.draw.redraw_limit"


def _beacon(beacon_game: str, beacon_issue: str, beacon_date: dt.date) -> algorithm.Beacon:
    """The lottery issue a draw commits to; its draw time must lie in the future."""
    try:
        beacon = algorithm.beacon_for(beacon_game, beacon_issue, beacon_date)
    except algorithm.DrawInputError as exc:
        raise InspectionError("beacon_source", str(exc)) from None
    if dt.datetime.fromisoformat(beacon.due) <= timezone.now():
        raise InspectionError("beacon_due", "公共随机数须在公布之后才产生：请选择一个尚未开奖的期次")
    return beacon


def _freeze(
    *,
    actor,
    task: Task,
    number: int,
    reason: str,
    beacon: algorithm.Beacon,
    replaces: Draw | None,
    secret: str | None,
    salt: str | None,
) -> Draw:
    """Freeze the eligible list and write the draw's frozen inputs (公布抽取参数), hashed and audited."""
    now = timezone.now().replace(microsecond=0)
    secret = secret or algorithm.new_secret()
    salt = salt or algorithm.new_secret()
    commitment = algorithm.commitment_of(secret)
    # The limit is fixed by the first draw of a task and carried by every redraw's frozen text.
    redraw_limit = (
        replaces.redraw_limit if replaces else int(rule(REDRAW_RULE, on=timezone.localdate(now)).value)
    )
    lines = snapshot.read_eligible(eligible_entities(task))
    if not lines:
        raise InspectionError("eligible_empty", "抽查范围内没有符合条件的市场主体")
    try:
        canonical = algorithm.canonical_from_lines(lines)
    except algorithm.DrawInputError as exc:
        raise InspectionError("eligible_invalid", str(exc)) from None
    counts = algorithm.count_strata(canonical)
    draw = Draw(
        task=task,
        number=number,
        reason=reason,
        eligible_count=len(lines),
        eligible_sha256=algorithm.salted_sha256(salt, canonical),
        population_sha256=algorithm.sha256_hex(algorithm.population_text(canonical)),
        strata_counts=counts,
        ratios=task.ratios,
        beacon_source=beacon.label,
        beacon_game=beacon.game,
        beacon_issue=beacon.issue,
        beacon_due_at=dt.datetime.fromisoformat(beacon.due),
        commitment=commitment,
        secret=secret,
        salt=salt,
        redraw_limit=redraw_limit,
        replaces_sha256=replaces.frozen_sha256 if replaces else "",
        committed_at=now,
        committed_by=actor if isinstance(actor, User) else None,
    )
    frozen = frozen_text_of(draw).encode("utf-8")
    draw.frozen_sha256 = algorithm.sha256_hex(frozen)
    draw.save()
    DrawSnapshot.objects.create(draw=draw, members=snapshot.pack_members(canonical))
    # The frozen text itself rides in the audit chain as the entry's attachment: the chain (and the
    # signed heads built on it) archive the commitment where it cannot be changed afterwards.
    audit.record(
        actor,
        audit.Change(
            "inspections.commit_draw" if replaces is None else "inspections.redraw",
            "Draw",
            str(draw.pk),
            {"superseded_draw": replaces.pk} if replaces else None,
            _draw_public(draw),
            attachment=frozen,
        ),
    )
    archive_in_signed_head(
        actor, f"draw:{draw.pk}:frozen", draw.frozen_sha256, {"task": task.pk, "number": number}
    )
    return draw


COMMITMENT_KIND = "inspections.draw"


def archive_in_signed_head(actor, key: str, sha256: str, detail: dict) -> None:
    """Name a draw's commitment in the next signed audit-chain head (issue 15, item 2:
    ``core.audit.archive_commitment``) where the core offers it; until then the audit entry that
    carries the frozen text is the archive, and the signed heads, once they exist, cover it too."""
    archive = getattr(audit, "archive_commitment", None)
    if archive is not None:
        archive(actor=actor, kind=COMMITMENT_KIND, key=key, sha256=sha256, detail=detail)


def frozen_text_of(draw: Draw) -> str:
    """The frozen inputs of a stored draw (docs/inspections-draw.md §2)."""
    return algorithm.frozen_text(
        task_id=draw.task_id,
        draw_number=draw.number,
        replaces=draw.replaces_sha256,
        reason=draw.reason,
        redraw_limit=draw.redraw_limit,
        committed_at=algorithm.due_text(draw.committed_at),
        counts=draw.strata_counts,
        eligible_salted_sha256=draw.eligible_sha256,
        population_sha256=draw.population_sha256,
        ratios=draw.ratios,
        beacon=draw_beacon(draw),
        commitment=draw.commitment,
    )


def draw_beacon(draw: Draw) -> algorithm.Beacon:
    return algorithm.Beacon(draw.beacon_game, draw.beacon_issue, algorithm.due_text(draw.beacon_due_at))


def _draw_public(draw: Draw) -> dict:
    """What the audit entry of a draw records: everything published, never the salt."""
    return {
        "format": draw.algorithm,
        "task": draw.task_id,
        "number": draw.number,
        "status": draw.status,
        "eligible_count": draw.eligible_count,
        "eligible_salted_sha256": draw.eligible_sha256,
        "population_sha256": draw.population_sha256,
        "strata_counts": draw.strata_counts,
        "ratios": draw.ratios,
        "beacon_game": draw.beacon_game,
        "beacon_issue": draw.beacon_issue,
        "beacon_due_at": draw.beacon_due_at,
        "commitment": draw.commitment,
        "redraw_limit": draw.redraw_limit,
        "replaces_sha256": draw.replaces_sha256,
        "frozen_sha256": draw.frozen_sha256,
        "reason": draw.reason,
        "beacon_value": draw.beacon_value,
        "seed": draw.seed,
        "selected_count": draw.selected_count,
        "selected_salted_sha256": draw.selected_sha256,
        "drawn_sha256": draw.drawn_sha256,
    }


def commit_draw(
    *,
    actor,
    task: Task,
    beacon_game: str,
    beacon_issue: str,
    beacon_date: dt.date,
    secret: str | None = None,
    salt: str | None = None,
) -> Draw:
    """Freeze and publish a task's draw inputs (公布抽取参数): the eligible list's hashes, the counts
    per class, the ratios, the lottery issue whose result will complete the seed, and the commitment
    to a fresh secret — one frozen text, archived in the audit chain."""
    _require_staff(actor)
    _require_change(actor, task)
    beacon = _beacon(beacon_game, beacon_issue, beacon_date)
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        if task.status != Task.Status.DRAFT:
            raise InspectionError("task_not_draft", "该任务的抽取参数已公布")
        draw = _freeze(
            actor=actor,
            task=task,
            number=1,
            reason="",
            beacon=beacon,
            replaces=None,
            secret=secret,
            salt=salt,
        )
        task.status = Task.Status.COMMITTED
        task.save(update_fields=["status"])
    return draw


_INSPECTION_FIELDS = (
    "task_id",
    "draw_id",
    "entity_id",
    "stratum",
    "rank",
    "verification_code",
    "status",
    "assignment_note",
    "result_code",
    "violated_regulation",
    "findings",
    "recheck_note",
    "referral_note",
    "created_at",
)


def _materialise_checks(draw: Draw) -> int:
    """One check per drawn firm, each with a fresh verification code, inserted in bulk (检查任务单).

    Done when inspectors are first matched, not in the draw itself: the draw's result is its
    stored list; a city-scale list becomes 70,000 checks in the assignment job.
    """
    from zhijian.core.bulk import insert_rows

    if draw.inspections.exists():
        return 0
    selected = snapshot.selected_of(draw.pk)
    ids: dict[str, int] = {}
    usccs = [s.uscc for s in selected]
    for start in range(0, len(usccs), 2000):
        ids.update(Entity.objects.filter(uscc__in=usccs[start : start + 2000]).values_list("uscc", "pk"))
    now = timezone.now()
    codes: set[str] = set()

    def rows():
        for s in selected:
            code = new_verification_code()
            while code in codes:
                code = new_verification_code()
            codes.add(code)
            yield (
                draw.task_id, draw.pk, ids[s.uscc], s.stratum, s.rank, code, Inspection.Status.DRAWN,
                "", "", "", "", "", "", now,
            )  # fmt: skip

    return insert_rows(Inspection, _INSPECTION_FIELDS, rows())


def perform_draw(*, actor, draw: Draw, beacon_value: str) -> Draw:
    """Complete the seed with the lottery result, reveal the secret and draw (执行抽取).

    The result is accepted only in its one canonical text for the committed game: a different
    spelling of the same numbers is refused, never normalised, so nobody can choose among spellings.
    """
    _require_staff(actor)
    _require_change(actor, draw.task)
    with transaction.atomic():
        draw = Draw.objects.select_for_update().select_related("task").get(pk=draw.pk)
        if draw.status != Draw.Status.COMMITTED:
            raise InspectionError("draw_done", "该次抽取已执行或已作废")
        if draw.algorithm != algorithm.FORMAT:
            raise InspectionError("draw_format", f"该次抽取使用旧算法 {draw.algorithm}，请重新公布抽取参数")
        if timezone.now() < draw.beacon_due_at:
            due = timezone.localtime(draw.beacon_due_at)
            raise InspectionError(
                "beacon_pending", f"公共随机数尚未产生（预定于 {due:%Y-%m-%d %H:%M} 开奖），不能抽取"
            )
        try:
            beacon_value = algorithm.canonical_beacon_value(algorithm.game_of(draw.beacon_game), beacon_value)
        except algorithm.DrawInputError as exc:
            raise InspectionError("beacon_value", str(exc)) from None
        seed = algorithm.seed_of(draw.frozen_sha256, draw.secret, beacon_value)
        key_seed = algorithm.key_seed_of(seed, draw.salt)
        selected = algorithm.select(snapshot.members_of(draw.pk), draw.ratios, key_seed)
        text = algorithm.selected_text(selected)
        DrawSnapshot.objects.filter(draw=draw).update(selected=text)
        draw.beacon_value = beacon_value
        draw.seed = seed.hex()
        draw.selected_count = len(selected)
        draw.selected_sha256 = algorithm.salted_sha256(draw.salt, text)
        draw.drawn_sha256 = algorithm.sha256_hex(algorithm.drawn_text(s.uscc for s in selected))
        draw.status = Draw.Status.DRAWN
        draw.drawn_at = timezone.now()
        draw.drawn_by = actor if isinstance(actor, User) else None
        draw.save()
        Task.objects.filter(pk=draw.task_id).update(status=Task.Status.DRAWN)
        audit.record(
            actor,
            audit.Change(
                "inspections.perform_draw",
                "Draw",
                str(draw.pk),
                {"status": Draw.Status.COMMITTED},
                {**_draw_public(draw), "secret": draw.secret},
            ),
        )
        archive_in_signed_head(
            actor,
            f"draw:{draw.pk}:drawn",
            draw.drawn_sha256,
            {"seed": draw.seed, "count": draw.selected_count},
        )
    return draw


def redraw(
    *,
    actor,
    task: Task,
    reason: str,
    beacon_game: str,
    beacon_issue: str,
    beacon_date: dt.date,
    secret: str | None = None,
    salt: str | None = None,
) -> Draw:
    """Void the current draw and commit a new one (重新抽取): only with a reason, published as such,
    at most the rule's number of times per task, only while no check of the current draw has a
    result, and never for a draw whose lottery result is out but which was not performed — that
    draw is performed first, so the list a redraw replaces is always public."""
    _require_staff(actor)
    _require_change(actor, task)
    reason = _text(reason, field="重抽理由", code="redraw_reason", max_length=2000)
    if len(reason) < 5:
        raise InspectionError("redraw_reason", "重抽理由须具体说明（至少5个字）")
    beacon = _beacon(beacon_game, beacon_issue, beacon_date)
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        current = task.current_draw()
        if current is None:
            raise InspectionError("redraw_nothing", "该任务尚未公布抽取参数")
        limit = current.redraw_limit
        if current.number - 1 >= limit:
            raise InspectionError(
                "redraw_limit", f"每项任务最多重新抽取{limit}次（{REDRAW_RULE}），本任务已达上限"
            )
        legacy = current.algorithm != algorithm.FORMAT  # a /1 draw can no longer be performed
        if current.status == Draw.Status.COMMITTED and timezone.now() >= current.beacon_due_at and not legacy:
            raise InspectionError(
                "redraw_after_beacon", "本次抽取的公共随机数已产生：须先执行抽取并公示结果，再说明理由重抽"
            )
        if current.inspections.filter(status=Inspection.Status.COMPLETED).exists():
            raise InspectionError("redraw_after_results", "已有检查结果，不能重新抽取")
        current.status = Draw.Status.SUPERSEDED
        current.superseded_at = timezone.now()
        current.save(update_fields=["status", "superseded_at"])
        current.inspections.exclude(status=Inspection.Status.CANCELLED).update(
            status=Inspection.Status.CANCELLED
        )
        draw = _freeze(
            actor=actor,
            task=task,
            number=current.number + 1,
            reason=reason,
            beacon=beacon,
            replaces=current,
            secret=secret,
            salt=salt,
        )
        task.status = Task.Status.COMMITTED
        task.save(update_fields=["status"])
    return draw


# --- assignment -----------------------------------------------------------------------------------


def _county_code(entity: Entity) -> str:
    return entity.jurisdiction.code


def assignment_inputs(task: Task, draw: Draw, inspections: list[Inspection], on: dt.date) -> dict:
    """The snapshot the assignment runs on: pool, exclusions per firm, loads, the draw's seed."""
    departments = task.department_ids()
    firm_units = {i.entity.jurisdiction_id for i in inspections}
    pool = [
        i
        for i in Inspector.objects.filter(active=True).select_related("jurisdiction", "department")
        if i.jurisdiction_id in firm_units
        or (i.jurisdiction.level == Jurisdiction.Level.CITY and i.department_id in departments)
    ]
    away = set(
        Absence.objects.filter(inspector__in=pool, starts_on__lte=task.due_on, ends_on__gte=on).values_list(
            "inspector_id", flat=True
        )
    )
    open_load: dict[int, int] = {}
    for inspector_id in InspectionMember.objects.filter(
        inspector__in=pool, inspection__status=Inspection.Status.ASSIGNED
    ).values_list("inspector_id", flat=True):
        open_load[inspector_id] = open_load.get(inspector_id, 0) + 1
    entity_ids = [i.entity_id for i in inspections]
    conflicts: dict[int, dict[str, str]] = {}
    for entity_id, cert in Conflict.objects.filter(entity_id__in=entity_ids).values_list(
        "entity_id", "inspector__certificate_no"
    ):
        conflicts.setdefault(entity_id, {})[cert] = "conflict"
    previous: dict[int, tuple] = {}
    earlier = (
        InspectionMember.objects.filter(inspection__entity_id__in=entity_ids)
        .exclude(inspection__task=task)
        .exclude(inspection__status=Inspection.Status.CANCELLED)
        .values_list(
            "inspection__entity_id", "inspection__created_at", "inspection_id", "inspector__certificate_no"
        )
    )
    for entity_id, created_at, inspection_id, cert in earlier:
        key = (created_at, inspection_id)
        if entity_id not in previous or key > previous[entity_id][0]:
            previous[entity_id] = (key, {cert})
        elif key == previous[entity_id][0]:
            previous[entity_id][1].add(cert)
    firms = []
    for inspection in inspections:
        exclude = dict(conflicts.get(inspection.entity_id, {}))
        for cert in sorted(previous.get(inspection.entity_id, (None, set()))[1]):
            exclude.setdefault(cert, "previous")
        firms.append(
            {"uscc": inspection.entity.uscc, "district": _county_code(inspection.entity), "exclude": exclude}
        )
    return {
        "format": "zhijian-assign/1",
        "task": task.pk,
        "draw": draw.pk,
        "draw_seed": draw.seed,
        "on": on.isoformat(),
        "team_size": task.team_size,
        "required": sorted({item.specialty for item in task.items.all()}),
        "inspectors": [
            {
                "id": i.certificate_no,
                "district": "" if i.jurisdiction.level == Jurisdiction.Level.CITY else i.jurisdiction.code,
                "specialties": sorted(i.specialties),
                "load": open_load.get(i.pk, 0),
            }
            for i in sorted(pool, key=lambda i: i.certificate_no)
            if i.pk not in away
        ],
        "unavailable": sorted(i.certificate_no for i in pool if i.pk in away),
        "firms": firms,
    }


def assign_inspectors(*, actor, task: Task) -> AssignmentRun:
    """Match inspectors to the drawn firms still without a team (随机匹配检查人员), reproducibly."""
    _require_staff(actor)
    _require_change(actor, task)
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        draw = task.current_draw()
        if draw is None or draw.status != Draw.Status.DRAWN:
            raise InspectionError("assign_before_draw", "请先完成抽取")
        created = _materialise_checks(draw)
        pending = list(
            draw.inspections.filter(status__in=[Inspection.Status.DRAWN, Inspection.Status.UNASSIGNABLE])
            .select_related("entity__jurisdiction")
            .order_by("stratum", "rank")
        )
        if not pending:
            raise InspectionError("assign_nothing", "没有待分派的检查对象")
        inputs = assignment_inputs(task, draw, pending, timezone.localdate())
        results = assign(inputs)
        certs = dict(
            Inspector.objects.filter(certificate_no__in={c for r in results for c in r["team"]}).values_list(
                "certificate_no", "pk"
            )
        )
        members: list[InspectionMember] = []
        assigned: list[int] = []
        unassignable: list[tuple[int, str]] = []
        for inspection, result in zip(pending, results, strict=True):
            if result["team"]:
                assigned.append(inspection.pk)
                members.extend(
                    InspectionMember(inspection=inspection, inspector_id=certs[c], lead=n == 0, position=n)
                    for n, c in enumerate(result["team"])
                )
            else:
                unassignable.append((inspection.pk, REASONS[result["reason"]]))
        InspectionMember.objects.bulk_create(members, batch_size=2000)
        Inspection.objects.filter(pk__in=assigned).update(
            status=Inspection.Status.ASSIGNED, assignment_note=""
        )
        for pk, note in unassignable:
            Inspection.objects.filter(pk=pk).update(
                status=Inspection.Status.UNASSIGNABLE, assignment_note=note
            )
        number = (draw.assignments.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        run = AssignmentRun.objects.create(
            draw=draw,
            number=number,
            inputs=inputs,
            inputs_sha256=inputs_digest(inputs),
            seed=assignment_seed(inputs).hex(),
            result_sha256=result_digest(results),
            assigned=len(assigned),
            unassignable=len(unassignable),
            created_by=actor if isinstance(actor, User) else None,
        )
        if assigned:
            task.status = Task.Status.ASSIGNED
            task.save(update_fields=["status"])
        audit.record(
            actor,
            audit.Change(
                "inspections.assign",
                "AssignmentRun",
                str(run.pk),
                None,
                {
                    "draw": draw.pk,
                    "inputs_sha256": run.inputs_sha256,
                    "result_sha256": run.result_sha256,
                    "assigned": run.assigned,
                    "unassignable": run.unassignable,
                    "checks_created": created,
                },
            ),
        )
    return run


# --- results --------------------------------------------------------------------------------------


def _may_work_on(actor, inspection: Inspection) -> bool:
    """Team members work on their own checks; staff of the firm's district (or the city) on any."""
    role = _role(actor)
    if role == Role.INSPECTOR:
        return inspection.members.filter(inspector__user=actor).exists()
    return role in (Role.CITY_ADMIN, Role.DEPARTMENT, Role.DISTRICT) and can(actor, inspection, CHANGE)


def _require_work(actor, inspection: Inspection) -> None:
    if not _may_work_on(actor, inspection):
        raise PermissionDenied


def _snapshot_result(inspection: Inspection) -> dict:
    return {
        "status": inspection.status,
        "result_code": inspection.result_code,
        "violated_regulation": inspection.violated_regulation,
        "findings": inspection.findings,
        "completed_on": inspection.completed_on,
        "rectification_due": inspection.rectification_due,
        "rectification_reported_on": inspection.rectification_reported_on,
        "rechecked_on": inspection.rechecked_on,
        "recheck_rectified": inspection.recheck_rectified,
        "recheck_note": inspection.recheck_note,
        "referred_at": inspection.referred_at,
        "referral_note": inspection.referral_note,
        "published_at": inspection.published_at,
    }


def legal_basis_text(task: Task) -> str:
    return "；".join(dict.fromkeys(item.legal_basis for item in task.items.order_by("code")))


def _emit_result(inspection: Inspection) -> None:
    task = inspection.task
    department = task.lead_department.name if task.lead_department else task.jurisdiction.name
    events.emit(
        RESULT_TOPIC,
        {
            "inspection_id": inspection.pk,
            "task_id": task.pk,
            "entity_id": inspection.entity_id,
            "uscc": inspection.entity.uscc,
            "result_code": inspection.result_code,
            "result_label": inspection.result_label,
            "completed_on": inspection.completed_on.isoformat() if inspection.completed_on else None,
            "department": department,
            "legal_basis": legal_basis_text(task),
            "public": task.publish_results,
            "task_title": task.title,
            "verification_code": inspection.verification_code,
        },
    )


def record_result(
    *,
    actor,
    inspection: Inspection,
    result_code: str,
    completed_on: dt.date,
    findings: str = "",
    violated_regulation: str = "",
    rectification_due: dt.date | None = None,
) -> Inspection:
    """Record (or correct) a check's result (录入检查结果); starts the 20-working-day publicity clock."""
    _require_work(actor, inspection)
    if result_code not in ResultCode.values:
        raise InspectionError("result_code", "请选择检查结果")
    findings = _text(findings, field="检查情况", code="result_findings", max_length=5000, required=False)
    violated_regulation = _text(
        violated_regulation,
        field="违反的规定",
        code="result_regulation",
        max_length=200,
        required=result_code == ResultCode.VIOLATION,
    )
    today = timezone.localdate()
    if completed_on is None or completed_on > today:
        raise InspectionError("result_date", "检查完成日期不能晚于今天")
    if result_code == ResultCode.PENDING:
        if rectification_due is None or rectification_due < completed_on:
            raise InspectionError(
                "result_rectification_due", "发现问题待后续处理的，请填写不早于检查日期的责令整改期限"
            )
    else:
        rectification_due = None
    with transaction.atomic():
        inspection = (
            Inspection.objects.select_for_update().select_related("task", "entity").get(pk=inspection.pk)
        )
        if inspection.status not in (Inspection.Status.ASSIGNED, Inspection.Status.COMPLETED):
            raise InspectionError("result_state", "该检查尚未分派或已作废，不能录入结果")
        if inspection.draw.drawn_at and completed_on < timezone.localdate(inspection.draw.drawn_at):
            raise InspectionError("result_date", "检查完成日期不能早于抽取日期")
        before = _snapshot_result(inspection)
        inspection.result_code = result_code
        inspection.violated_regulation = violated_regulation if result_code == ResultCode.VIOLATION else ""
        inspection.findings = findings
        inspection.completed_on = completed_on
        inspection.rectification_due = rectification_due
        inspection.status = Inspection.Status.COMPLETED
        inspection.recorded_by = actor
        inspection.recorded_at = timezone.now()
        inspection.save()
        set_deadline(
            object_type=DEADLINE_TYPE,
            object_id=str(inspection.pk),
            kind="publicity",
            start=completed_on,
            rule=rule(PUBLICITY_RULE, on=completed_on),
        )
        audit.record(
            actor,
            audit.Change(
                "inspections.record_result",
                "Inspection",
                str(inspection.pk),
                before,
                _snapshot_result(inspection),
            ),
        )
        _emit_result(inspection)
        open_left = inspection.task.inspections.filter(
            draw=inspection.draw, status__in=[Inspection.Status.DRAWN, Inspection.Status.ASSIGNED]
        ).exists()
        if not open_left:
            Task.objects.filter(pk=inspection.task_id).update(status=Task.Status.COMPLETED)
    return inspection


_MAGIC = [
    (b"\xff\xd8\xff", "image/jpeg", Attachment.Kind.PHOTO),
    (b"\x89PNG\r\n\x1a\n", "image/png", Attachment.Kind.PHOTO),
    (b"%PDF-", "application/pdf", Attachment.Kind.DOCUMENT),
]


def sniff(head: bytes) -> tuple[str, str] | None:
    """(content type, kind) from a file's first bytes, or None for a type not accepted."""
    for magic, content_type, kind in _MAGIC:
        if head.startswith(magic):
            return content_type, kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", Attachment.Kind.PHOTO
    return None


def attach_file(*, actor, inspection: Inspection, name: str, data: bytes) -> Attachment:
    """Attach a photo (JPEG, PNG, WebP) or a document (PDF) of at most 10 MB to a check."""
    _require_work(actor, inspection)
    if inspection.status == Inspection.Status.CANCELLED:
        raise InspectionError("attachment_state", "该检查已作废")
    if not data:
        raise InspectionError("attachment_empty", "文件为空")
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise InspectionError(
            "attachment_size",
            f"文件过大：{len(data) / 1048576:.1f} MB，单个文件不能超过 {MAX_ATTACHMENT_BYTES // 1048576} MB",
        )
    sniffed = sniff(data[:16])
    if sniffed is None:
        raise InspectionError("attachment_type", "只能上传JPEG、PNG、WebP格式的照片或PDF格式的文书")
    content_type, kind = sniffed
    digest = hashlib.sha256(data).hexdigest()
    extension = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "application/pdf": "pdf"}[
        content_type
    ]
    original = (str(name or "").replace("\\", "/").rsplit("/", 1)[-1] or f"file.{extension}")[:200]
    with transaction.atomic():
        attachment = Attachment(
            inspection=inspection,
            kind=kind,
            original_name=original,
            content_type=content_type,
            size=len(data),
            sha256=digest,
            uploaded_by=actor,
        )
        attachment.file.save(f"{inspection.pk}-{digest[:16]}.{extension}", ContentFile(data), save=False)
        attachment.save()
        audit.record(
            actor,
            audit.Change(
                "inspections.attach_file",
                "Attachment",
                str(attachment.pk),
                None,
                {
                    "inspection": inspection.pk,
                    "name": original,
                    "content_type": content_type,
                    "size": len(data),
                    "sha256": digest,
                },
            ),
        )
    return attachment


def report_rectification(*, actor, inspection: Inspection, reported_on: dt.date) -> Inspection:
    """Record the firm's rectification report (整改报告); the re-check falls due 10 working days on."""
    _require_work(actor, inspection)
    with transaction.atomic():
        inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if inspection.result_code != ResultCode.PENDING:
            raise InspectionError("rectification_state", "只有“发现问题待后续处理”的检查需要整改")
        if reported_on > timezone.localdate() or (
            inspection.completed_on and reported_on < inspection.completed_on
        ):
            raise InspectionError("rectification_date", "整改报告日期须在检查日期与今天之间")
        before = _snapshot_result(inspection)
        inspection.rectification_reported_on = reported_on
        inspection.save(update_fields=["rectification_reported_on"])
        set_deadline(
            object_type=DEADLINE_TYPE,
            object_id=str(inspection.pk),
            kind="recheck",
            start=reported_on,
            rule=rule(RECHECK_RULE, on=reported_on),
        )
        audit.record(
            actor,
            audit.Change(
                "inspections.report_rectification",
                "Inspection",
                str(inspection.pk),
                before,
                _snapshot_result(inspection),
            ),
        )
    return inspection


def record_recheck(
    *, actor, inspection: Inspection, rechecked_on: dt.date, rectified: bool, note: str = ""
) -> Inspection:
    """Record the re-check (复查). Rectified: the result becomes 发现问题经责令已改正 (a corrected
    result, announced again); not rectified: the check stays pending and may be referred for a case."""
    _require_work(actor, inspection)
    note = _text(note, field="复查情况", code="recheck_note", max_length=5000, required=not rectified)
    with transaction.atomic():
        inspection = (
            Inspection.objects.select_for_update().select_related("task", "entity").get(pk=inspection.pk)
        )
        if inspection.result_code != ResultCode.PENDING or inspection.rectification_reported_on is None:
            raise InspectionError("recheck_state", "请先登记整改报告")
        if rechecked_on > timezone.localdate() or rechecked_on < inspection.rectification_reported_on:
            raise InspectionError("recheck_date", "复查日期须在整改报告日期与今天之间")
        before = _snapshot_result(inspection)
        inspection.rechecked_on, inspection.recheck_rectified, inspection.recheck_note = (
            rechecked_on,
            rectified,
            note,
        )
        if rectified:
            inspection.result_code = ResultCode.RECTIFIED
        inspection.save()
        audit.record(
            actor,
            audit.Change(
                "inspections.record_recheck",
                "Inspection",
                str(inspection.pk),
                before,
                _snapshot_result(inspection),
            ),
        )
        if rectified:
            _emit_result(inspection)
    return inspection


def refer_case(*, actor, inspection: Inspection, note: str) -> Inspection:
    """Refer a check's findings for a case (移送立案调查)."""
    _require_work(actor, inspection)
    note = _text(note, field="移送说明", code="referral_note", max_length=2000)
    with transaction.atomic():
        inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if inspection.status != Inspection.Status.COMPLETED:
            raise InspectionError("referral_state", "请先录入检查结果")
        if inspection.referred_at:
            raise InspectionError("referral_exists", "该检查已移送立案")
        before = _snapshot_result(inspection)
        inspection.referred_at, inspection.referral_note = timezone.now(), note
        inspection.save(update_fields=["referred_at", "referral_note"])
        audit.record(
            actor,
            audit.Change(
                "inspections.refer_case",
                "Inspection",
                str(inspection.pk),
                before,
                _snapshot_result(inspection),
            ),
        )
    return inspection


def publish_results(*, actor, task: Task) -> int:
    """Publish a task's completed, unpublished results on the public portal (结果公示); returns how many."""
    _require_staff(actor)
    _require_change(actor, task)
    if not task.publish_results:
        raise InspectionError("publicity_off", "该任务设定为不公示结果")
    with transaction.atomic():
        pending = list(
            Inspection.objects.select_for_update()
            .filter(task=task, status=Inspection.Status.COMPLETED, published_at__isnull=True)
            .order_by("pk")
        )
        if not pending:
            return 0
        now = timezone.now()
        Inspection.objects.filter(pk__in=[i.pk for i in pending]).update(published_at=now)
        audit.record_many(
            actor,
            (
                audit.Change(
                    "inspections.publish",
                    "Inspection",
                    str(i.pk),
                    {"published_at": None},
                    {"published_at": now},
                )
                for i in pending
            ),
        )
    return len(pending)
