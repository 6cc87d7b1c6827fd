"""Read paths of 双随机、一公开; every one goes through :func:`zhijian.core.scoping.restrict`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import CharField, Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast
from django.utils import timezone

from zhijian.core.models import Deadline
from zhijian.core.rules import MissingRule, rule
from zhijian.core.scoping import VIEW, restrict

from . import algorithm
from .models import CheckItem, Draw, Inspection, Inspector, ObjectKind, Task
from .services import DEADLINE_TYPE


def visible_tasks(user) -> QuerySet[Task]:
    return restrict(Task.objects.all(), user, VIEW).select_related("plan", "jurisdiction", "lead_department")


def visible_inspectors(user) -> QuerySet[Inspector]:
    return restrict(Inspector.objects.all(), user, VIEW).select_related("jurisdiction", "department", "user")


def with_deadlines(inspections: QuerySet[Inspection]) -> QuerySet[Inspection]:
    """Annotate ``publicity_due``/``recheck_due`` (and whether provisional) from core's deadlines."""

    def due(kind: str, field: str = "due"):
        return Subquery(
            Deadline.objects.filter(
                object_type=DEADLINE_TYPE, kind=kind, object_id=Cast(OuterRef("pk"), CharField())
            ).values(field)[:1]
        )

    return inspections.annotate(
        publicity_due=due("publicity"),
        publicity_provisional=due("publicity", "provisional"),
        recheck_due=due("recheck"),
    )


def task_inspections(task: Task, user) -> QuerySet[Inspection]:
    """The checks of a task's current draw that ``user`` may see, in draw order."""
    draw = task.current_draw()
    qs = restrict(Inspection.objects.filter(task=task, draw=draw), user, VIEW)
    return (
        with_deadlines(qs)
        .select_related("entity", "entity__jurisdiction")
        .prefetch_related("members__inspector")
    )


def field_assignments(user) -> QuerySet[Inspection]:
    """An inspector's open checks (today's work first: the nearest task due date), then recent results."""
    qs = restrict(Inspection.objects.filter(members__inspector__user=user), user, VIEW)
    return (
        with_deadlines(qs)
        .filter(status__in=[Inspection.Status.ASSIGNED, Inspection.Status.COMPLETED])
        .select_related("entity", "task")
        .order_by("status", "task__due_on", "pk")
        .distinct()
    )


def overdue_publicity(user, today: dt.date | None = None) -> QuerySet[Inspection]:
    """Completed results not yet public whose 20-working-day publicity deadline has passed (逾期未公示)."""
    today = today or timezone.localdate()
    return (
        with_deadlines(restrict(Inspection.objects.all(), user, VIEW))
        .filter(status=Inspection.Status.COMPLETED, published_at__isnull=True, task__publish_results=True)
        .filter(publicity_due__lt=today)
    )


def public_results(text: str = "") -> QuerySet[Inspection]:
    """Published spot-check results (抽查结果公示), for anyone."""
    qs = restrict(Inspection.objects.all(), None, VIEW).select_related("entity", "task", "task__jurisdiction")
    text = text.strip()[:100]
    if text:
        qs = qs.filter(Q(entity__uscc=text.upper()) | Q(entity__name__contains=text))
    return qs.order_by("-published_at", "-pk")


def by_verification_code(code: str) -> Inspection | None:
    """The check a verification code (行政行为码) names. The code itself is the key: it is printed on
    the inspection notice handed to the firm, and long enough not to be guessed."""
    code = "".join(ch for ch in str(code).upper() if ch.isalnum())
    if len(code) != 12:
        return None
    return (
        Inspection.objects.select_related(
            "entity", "task", "task__jurisdiction", "task__lead_department", "draw"
        )
        .prefetch_related("members__inspector", "task__items")
        .filter(verification_code=code)
        .first()
    )


def public_draws() -> QuerySet[Draw]:
    return (
        restrict(Draw.objects.all(), None, VIEW)
        .select_related("task", "task__jurisdiction")
        .order_by("-committed_at")
    )


@dataclass(frozen=True)
class Figure:
    """One cockpit figure: a share with its parts and, where the plan sets one, its target."""

    key: str
    label: str
    numerator: int
    denominator: int
    target: float | None
    target_source: str = ""

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "value": self.value,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "target": self.target,
            "target_source": self.target_source,
        }


def _target(key: str, on: dt.date) -> tuple[float | None, str]:
    try:
        found = rule(key, on=on)
    except MissingRule:
        return None, ""
    return float(found.value), found.legal_source


def cockpit_figures(user, year: int, today: dt.date | None = None) -> list[Figure]:
    """The four figures of 双随机、一公开 for the cockpit, over tasks ``user`` may see that were drawn
    with a start in ``year``.

    - 双随机监管事项占比: active catalogue items carried out by a drawn task / active items;
    - 信用应用率: drawn tasks over market entities whose ratios differ between credit classes / drawn
      tasks over market entities;
    - 部门联合抽查占比: drawn tasks whose items belong to two or more departments / drawn tasks;
    - 按时公示率: results published within their deadline / results whose deadline has passed or that
      are published.
    """
    today = today or timezone.localdate()
    on = min(today, dt.date(year, 12, 31))
    drawn = visible_tasks(user).filter(starts_on__year=year, draws__status=Draw.Status.DRAWN).distinct()
    tasks = list(
        drawn.annotate(departments=Count("items__department", distinct=True)).values(
            "pk", "ratios", "departments", "object_kind"
        )
    )
    # The credit classes apply to tasks over market entities only (see indicators.py).
    entity_tasks = [t for t in tasks if t["object_kind"] == ObjectKind.ENTITIES]
    active_items = CheckItem.objects.filter(active=True)
    used_items = active_items.filter(tasks__pk__in=[t["pk"] for t in tasks]).distinct().count()
    credit = sum(1 for t in entity_tasks if algorithm.differentiated(t["ratios"]))
    joint = sum(1 for t in tasks if t["departments"] > 1)
    results = with_deadlines(
        restrict(Inspection.objects.all(), user, VIEW).filter(
            task__in=[t["pk"] for t in tasks], status=Inspection.Status.COMPLETED, task__publish_results=True
        )
    ).values_list("published_at", "publicity_due")
    on_time = due_or_done = 0
    for published_at, due in results:
        if due is None:
            continue
        if published_at is not None:
            due_or_done += 1
            on_time += timezone.localdate(published_at) <= due
        elif due < today:
            due_or_done += 1
    share_target, share_source = _target("inspections.target.double_random_share", on)
    credit_target, credit_source = _target("inspections.target.credit_application_rate", on)
    return [
        Figure(
            "double_random_share",
            "双随机监管（抽查）事项占比",
            used_items,
            active_items.count(),
            share_target,
            share_source,
        ),
        Figure(
            "credit_application_rate",
            "“双随机、一公开”信用应用率",
            credit,
            len(entity_tasks),
            credit_target,
            credit_source,
        ),
        Figure("joint_task_share", "部门联合抽查占比", joint, len(tasks), None),
        Figure("on_time_publicity_rate", "抽查结果按时公示率", on_time, due_or_done, None),
    ]


def check_citation(inspection_id: int | None) -> tuple[str, str] | None:
    """(task title, verification code) of a spot check: the ``inspections.check_citation`` provider."""
    found = (
        Inspection.objects.filter(pk=inspection_id).values_list("task__title", "verification_code").first()
        if inspection_id
        else None
    )
    return (found[0], found[1]) if found else None
