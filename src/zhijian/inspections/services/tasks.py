"""Plans and tasks (抽查计划与任务), and who is eligible for a task's draw."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet

from zhijian.core import audit
from zhijian.core.models import Jurisdiction
from zhijian.core.rules import rule
from zhijian.core.scoping import CITY_WIDE
from zhijian.registry.models import Entity, EntityStatus, EntityType

from .. import algorithm, snapshot, strata
from ..models import (
    CheckItem,
    ObjectKind,
    Plan,
    Task,
)
from ..topics import RESULT_TOPIC  # noqa: E402,F401 - the topic is declared with its schema
from ._common import CAP_RULE, TEAM_RULE, InspectionError, _covers, _require_staff, _role, _text
from .objects import available_kinds, equipment_eligible, equipment_ratios

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
        "object_kind": task.object_kind,
        "entity_types": task.entity_types,
        "industry_prefix": task.industry_prefix,
        "ratios": task.ratios,
        "ratio_source": task.ratio_source,
        "ratio_basis": task.ratio_basis,
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
    object_kind: str = ObjectKind.ENTITIES,
) -> Task:
    """Create a spot-check task in ``plan``: items, object scope, ratios per class, team size, dates.

    The ratios default to the rule data in force on ``starts_on``; an A-class ratio above zero needs
    its basis (a law, or a lead's requirement: otherwise A-class firms are left alone, 无事不扰);
    a task of general items only may not exceed the ratio cap; teams have at least the statutory two.
    A task over special-equipment user units (``object_kind``, offered only where the equipment app
    provides them) takes its strata and ratios from that app's rule data: key user units at the key
    ratio, the others at the normal one; it sets no ratios, A-class basis, entity types or industry.
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
    if object_kind not in dict(available_kinds()):
        raise InspectionError("task_objects", f"不可选的抽查对象：{object_kind}")
    entities = object_kind == ObjectKind.ENTITIES
    a_class_basis = _text(
        a_class_basis, field="抽取A类企业的依据", code="task_a_basis", max_length=300, required=False
    )
    ratio_basis = ""
    if entities:
        default, source = default_ratios(starts_on)
        try:
            chosen = algorithm.canonical_ratios(ratios) if ratios else default
        except algorithm.DrawInputError as exc:
            raise InspectionError("task_ratios", str(exc)) from None
        if chosen != default:
            source = "任务自定比例（制定人：{}）".format(
                getattr(actor, "display_name", "") or actor.get_username()
            )
    else:
        chosen, source, ratio_basis = equipment_ratios(starts_on)
        try:
            differs = bool(ratios) and (
                algorithm.canonical_ratios(ratios or {}, algorithm.strata_of(object_kind)) != chosen
            )
        except algorithm.DrawInputError:
            differs = True
        if differs:
            raise InspectionError(
                "task_ratios", "特种设备使用单位的抽查比例由特种设备规则数据确定，任务不能自定"
            )
        if a_class_basis or entity_types or industry_prefix:
            raise InspectionError(
                "task_objects",
                "抽查特种设备使用单位的任务按重点、一般使用单位分类抽取，不设A类依据、主体类型或行业",
            )
    if entities and algorithm.Fraction(chosen["A"]) > 0 and not a_class_basis:
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
            object_kind=object_kind,
            ratios=chosen,
            ratio_source=source[:300],
            ratio_basis=ratio_basis,
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


def eligible_lines(task: Task) -> tuple[list[bytes], dict[str, str]]:
    """The task's eligible list as unsorted canonical lines ``b"USCC,S\\n"`` and the ratios its draw
    applies: market entities by credit class at the task's ratios, or another kind of object as its
    provider gives them (:mod:`.objects`), within the task's territory either way."""
    if task.object_kind == ObjectKind.ENTITIES:
        return snapshot.read_eligible(eligible_entities(task)), dict(task.ratios)
    return equipment_eligible(task, [unit.pk for unit in _territory(task)])


def eligible_size(task: Task) -> int:
    """How many objects the task's draw would freeze (to choose between the request and the worker)."""
    if task.object_kind == ObjectKind.ENTITIES:
        return eligible_entities(task).count()
    try:
        return len(eligible_lines(task)[0])
    except InspectionError:  # the freeze itself refuses it, with its message
        return 0


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
