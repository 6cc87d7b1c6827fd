"""双随机's items on the workbench: an inspector's open checks; officers' tasks to draw and to assign,
and results past their publicity deadline."""

from __future__ import annotations

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone

from zhijian.core.access import allows
from zhijian.core.hooks import Todo

from . import queries
from .models import Inspection, Task

APP = "双随机抽查"


def todos(user) -> list[Todo]:
    today = timezone.localdate()
    items = []
    if allows(user, "inspections.field") and getattr(user, "pk", None) is not None:
        open_checks = queries.field_assignments(user).filter(status=Inspection.Status.ASSIGNED)
        found = open_checks.aggregate(
            n=Count("pk", distinct=True),
            due=Min("task__due_on"),
            overdue=Count("pk", filter=Q(task__due_on__lt=today), distinct=True),
        )
        items.append(
            Todo(
                APP,
                "我的待检查",
                found["n"],
                reverse("inspections:field_today"),
                found["due"],
                found["overdue"],
            )
        )
    if allows(user, "inspections.manage"):
        tasks = queries.visible_tasks(user)
        waiting = tasks.filter(status__in=[Task.Status.COMMITTED, Task.Status.DRAWN])
        found = waiting.aggregate(
            n=Count("pk"), due=Min("due_on"), overdue=Count("pk", filter=Q(due_on__lt=today))
        )
        items.append(
            Todo(
                APP,
                "抽查任务待抽取或分派",
                found["n"],
                reverse("inspections:home"),
                found["due"],
                found["overdue"],
            )
        )
        late = queries.overdue_publicity(user, today).count()
        items.append(
            Todo(APP, "检查结果逾期未公示", late, reverse("inspections:home"), None, late, urgent=True)
        )
    return items
