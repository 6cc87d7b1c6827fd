"""Sampling plans and tasks (抽检计划与任务)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from zhijian.core import audit
from zhijian.core.models import Jurisdiction

from ..models import (
    Kind,
    Laboratory,
    Purpose,
    SamplingPlan,
    SamplingTask,
)
from ._common import SamplingError, _require

# --- plans and tasks ---------------------------------------------------------------------------------


def create_plan(
    *, actor, year: int, kind: str, purpose: str, title: str, level: str = "city", department=None
) -> SamplingPlan:
    """Create a sampling plan (抽检计划); city departments and the administrator only."""
    _require(actor, "sampling.plans.edit", "只有市局可以制定抽检计划")
    if not title.strip():
        raise SamplingError("title_missing", "请填写计划名称")
    if kind not in Kind.values or purpose not in Purpose.values:
        raise SamplingError("bad_choice", "计划类别或性质无效")
    with transaction.atomic():
        plan = SamplingPlan.objects.create(
            year=year, kind=kind, purpose=purpose, level=level, title=title.strip(), department=department
        )
        audit.record(
            actor,
            audit.Change(
                "sampling.plan.create",
                "SamplingPlan",
                str(plan.pk),
                None,
                {"year": year, "kind": kind, "purpose": purpose, "title": plan.title},
            ),
        )
    return plan


def create_task(
    *,
    actor,
    plan: SamplingPlan,
    category,
    stage: str,
    jurisdiction: Jurisdiction,
    laboratory: Laboratory,
    quota: int,
    due_on: dt.date,
) -> SamplingTask:
    """Assign a task of ``plan`` to a laboratory (下达抽检任务)."""
    _require(actor, "sampling.plans.edit", "只有市局可以下达抽检任务")
    if category.kind != plan.kind or category.parent_id is None:
        raise SamplingError("bad_category", "任务类别须为本计划类别下的细类")
    if not jurisdiction.is_county_level:
        raise SamplingError("bad_jurisdiction", "任务须下达到区县(市)局或分局")
    if not laboratory.active or not (
        laboratory.tests_food if plan.kind == Kind.FOOD else laboratory.tests_products
    ):
        raise SamplingError("bad_laboratory", f"{laboratory.name}不承检此类样品")
    if quota <= 0:
        raise SamplingError("bad_quota", "计划批次须大于0")
    with transaction.atomic():
        task = SamplingTask.objects.create(
            plan=plan,
            category=category,
            stage=stage,
            jurisdiction=jurisdiction,
            laboratory=laboratory,
            quota=quota,
            due_on=due_on,
        )
        audit.record(
            actor,
            audit.Change(
                "sampling.task.create",
                "SamplingTask",
                str(task.pk),
                None,
                {
                    "plan_id": plan.pk,
                    "category": category.code,
                    "stage": stage,
                    "jurisdiction": jurisdiction.code,
                    "laboratory": laboratory.code,
                    "quota": quota,
                    "due_on": due_on,
                },
            ),
        )
    return task
