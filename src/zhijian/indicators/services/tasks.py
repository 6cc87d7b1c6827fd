"""Plan tasks (规划任务): progress reports with evidence, milestones done."""

from __future__ import annotations

from pathlib import PurePath

from django.db import transaction
from django.utils import timezone

from zhijian.core import audit
from zhijian.core.access import require
from zhijian.core.errors import DomainError, Forbidden
from zhijian.core.models import Role
from zhijian.core.scoping import user_district_id

from ..models import Milestone, PlanTask, ProgressReport
from .reporting import EVIDENCE_MAX_BYTES, EVIDENCE_SUFFIXES


def owns(actor, task: PlanTask) -> bool:
    """The responsible units of a task: its 处室 and its districts; a city administrator for all."""
    role = getattr(actor, "role", None)
    if role == Role.CITY_ADMIN:
        return True
    if role == Role.DEPARTMENT:
        return task.departments.filter(pk=actor.department_id).exists()
    if role == Role.DISTRICT:
        district = user_district_id(actor)
        return (
            task.districts.filter(pk=district).exists()
            or task.milestones.filter(jurisdiction_id=district).exists()
        )
    return False


def report_progress(
    *,
    actor,
    task: PlanTask,
    text: str,
    milestone: Milestone | None = None,
    done: bool = False,
    evidence_note: str = "",
    evidence_file=None,
) -> ProgressReport:
    """Record progress on ``task`` (optionally completing ``milestone``), with evidence."""
    require(actor, "indicators.report")
    if not owns(actor, task):
        raise Forbidden("not_responsible", "只能报告本单位负责的任务进展")
    if not (text or "").strip():
        raise DomainError("text_required", "请填写进展情况", fields={"text": "请填写进展情况"})
    if milestone is not None and milestone.task_id != task.pk:
        raise DomainError("bad_milestone", "节点不属于该任务", fields={"milestone": "节点不属于该任务"})
    if evidence_file is not None and (
        PurePath(evidence_file.name).suffix.lower() not in EVIDENCE_SUFFIXES
        or evidence_file.size > EVIDENCE_MAX_BYTES
    ):
        raise DomainError(
            "bad_evidence", "佐证材料格式不支持或超过20MB", fields={"evidence_file": "格式不支持或超过20MB"}
        )
    with transaction.atomic():
        report = ProgressReport.objects.create(
            task=task,
            milestone=milestone,
            text=text.strip(),
            evidence_note=(evidence_note or "").strip(),
            evidence_file=evidence_file or "",
            reported_by=actor,
            reported_at=timezone.now(),
        )
        if milestone is not None and done and milestone.done_on is None:
            milestone.done_on = timezone.localdate()
            milestone.save(update_fields=["done_on"])
        audit.record(
            actor,
            audit.Change(
                "indicators.task.progress",
                "PlanTask",
                str(task.pk),
                None,
                {"report": report.pk, "milestone": milestone.pk if milestone else None, "done": bool(done)},
            ),
        )
    return report


def add_milestone(
    *, actor, task: PlanTask, title: str, due_on, department=None, jurisdiction=None
) -> Milestone:
    require(actor, "indicators.manage")
    with transaction.atomic():
        milestone = Milestone.objects.create(
            task=task, title=title, due_on=due_on, department=department, jurisdiction=jurisdiction
        )
        audit.record(
            actor,
            audit.Change(
                "indicators.milestone.add",
                "Milestone",
                str(milestone.pk),
                None,
                {"task": task.pk, "title": title, "due_on": due_on},
            ),
        )
    return milestone
