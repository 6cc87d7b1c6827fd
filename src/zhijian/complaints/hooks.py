"""What the complaints app offers the platform through the AppConfig hooks (core.hooks).

``todos``: the officer's workbench (cases overdue, falling due, disputes awaiting the city; ODR
complaints waiting in a firm's account). The table 2-1 figures for the cockpit are in :mod:`.indicators`.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from zhijian.core.access import allows
from zhijian.core.hooks import Todo
from zhijian.core.models import Role
from zhijian.core.scoping import VIEW, restrict

from . import queries
from .models import Case, Status


def todos(user) -> list[Todo]:
    today = timezone.localdate()
    if allows(user, "complaints.handle"):  # the officers who act on cases; inspectors only read them
        counts = queries.todos(user, today)
        items = [
            Todo(
                "投诉举报",
                "逾期未办结的投诉举报",
                counts["overdue"],
                reverse("complaints:case_list") + "?overdue=1",
                overdue=counts["overdue"],
                urgent=bool(counts["overdue"]),
            ),
            Todo(
                "投诉举报",
                "即将到期的投诉举报",
                counts["due_soon"],
                reverse("complaints:case_list") + "?due_soon=1",
            ),
            Todo("投诉举报", "我承办的投诉举报", counts["mine"], reverse("complaints:case_list") + "?mine=1"),
        ]
        if allows(user, "complaints.decide_dispute"):
            items.append(
                Todo("投诉举报", "管辖争议待指定", counts["disputed"], reverse("complaints:disputes"))
            )
        return items
    if getattr(user, "role", None) == Role.ENTERPRISE:
        pending = restrict(Case.objects.filter(status=Status.ODR), user, VIEW)
        count = pending.count()
        if not count:
            return []
        first = pending.order_by("odr_until").values_list("odr_until", flat=True).first()
        return [
            Todo("消费投诉", "待企业先行处理的消费投诉", count, reverse("complaints:firm_cases"), due=first)
        ]
    return []
