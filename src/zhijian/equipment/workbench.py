"""The equipment app's lines on the role workbench (工作台): what waits for this user, and where."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from zhijian.core.access import allows
from zhijian.core.hooks import Figure, Todo
from zhijian.core.models import Role
from zhijian.core.scoping import restrict, user_district_id

from . import queries
from .models import Reminder, RescueCase, RescueStatus
from .services.records import unconfirmed_rules

APP = "特种设备"


def todos(user) -> list[Todo]:
    items: list[Todo] = []
    today = timezone.localdate()
    now = timezone.now()
    rescues = restrict(RescueCase.objects.all(), user).exclude(status=RescueStatus.CLOSED)
    if user.role in (Role.ENTERPRISE, Role.CITY_ADMIN, Role.DEPARTMENT, Role.DISTRICT):
        waiting = list(rescues.values_list("pk", "arrival_deadline", "status"))
        if waiting:
            late = sum(1 for _pk, deadline, status in waiting if status == "open" and deadline < now)
            url = (
                reverse("equipment:rescue_detail", args=[waiting[0][0]])
                if len(waiting) == 1
                else reverse("equipment:my_units" if user.role == Role.ENTERPRISE else "equipment:screen")
            )
            items.append(Todo(APP, "困人救援待办结", len(waiting), url, overdue=late, urgent=True))
    if allows(user, "equipment.register"):  # officers; inspectors are sent work, they do not chase due lists
        district = user_district_id(user) if user.role == Role.DISTRICT else None
        overdue = queries.due_units(user, "overdue", district, today).count()
        items.append(
            Todo(
                APP,
                "特种设备检验逾期",
                overdue,
                reverse("equipment:due_list", args=["overdue"]),
                overdue=overdue,
            )
        )
        due = queries.due_units(user, "due", district, today).count()
        items.append(Todo(APP, "特种设备应申报定期检验", due, reverse("equipment:due_list", args=["due"])))
    if user.role == Role.ENTERPRISE and user.entity_uscc:
        unread = restrict(Reminder.objects.filter(read_at__isnull=True), user)
        count = unread.count()
        first = unread.order_by("due_on").values_list("due_on", flat=True).first()
        items.append(
            Todo(
                APP,
                "特种设备到期提醒",
                count,
                reverse("equipment:my_units"),
                due=first,
                overdue=unread.filter(due_on__lt=today).count(),
            )
        )
        late = (
            queries.units_for(user)
            .filter(maintenance_uscc=user.entity_uscc, maintenance_due__lt=today)
            .count()
        )
        items.append(Todo(APP, "维保逾期的电梯", late, reverse("equipment:my_units"), overdue=late))
        # An enterprise without special equipment has no lines at all.
        items = [t for t in items if t.count]
    if allows(user, "equipment.rules.confirm"):
        items.append(Todo(APP, "待确认的特种设备规则", len(unconfirmed_rules()), reverse("equipment:rules")))
    return items


def figures(user) -> list[Figure]:
    """Key figures on the workbench: units in scope, overdue inspections, open rescues, accident rate."""
    if not getattr(user, "is_authenticated", False):
        return []
    units = queries.units_for(user).filter(status="in_use")
    items = [Figure(APP, "在用特种设备", units.count(), reverse("equipment:unit_list"), "台")]
    if allows(user, "equipment.view"):
        district = user_district_id(user) if user.role in (Role.DISTRICT, Role.INSPECTOR) else None
        today = timezone.localdate()
        items.append(
            Figure(
                APP,
                "检验逾期",
                queries.due_units(user, "overdue", district, today).count(),
                reverse("equipment:due_list", args=["overdue"]),
                "台",
            )
        )
        rate = queries.accident_rate(today.year, district)
        total = sum(r["units"] for r in rate)
        value = round(sum(r["accidents"] for r in rate) * 10_000 / total, 2) if total else "—"
        items.append(
            Figure(APP, "万台特种设备事故率（本年）", value, reverse("equipment:accidents"), "起/万台")
        )
    return items
