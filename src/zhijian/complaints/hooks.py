"""What the complaints app offers the platform through the AppConfig hooks (core.hooks).

``todos``: the officer's workbench (cases overdue, falling due, disputes awaiting the city; ODR
complaints waiting in a firm's account). ``indicators``: the table 2-1 figures for the cockpit.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from zhijian.core.access import allows
from zhijian.core.hooks import IndicatorSource, Todo
from zhijian.core.models import Role
from zhijian.core.scoping import VIEW, restrict

from . import queries
from .models import Case, Enrolment, Status


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


def _disposal_rate(start: dt.date, end: dt.date, district_id: int | None = None):
    return queries.figures(_CITY, start, end, district_id)["disposal_rate"]


def _odr(start: dt.date, end: dt.date, district_id: int | None = None):
    return queries.enrolled_count(Enrolment.Programme.ODR, end, district_id)


def _comp_first(start: dt.date, end: dt.date, district_id: int | None = None):
    return queries.enrolled_count(Enrolment.Programme.COMPENSATION_FIRST, end, district_id)


class _CityReader:
    """The cockpit reads city-wide figures (the indicators app scopes its own pages)."""

    is_authenticated = True
    is_active = True
    role = Role.CITY_ADMIN
    pk = None


_CITY = _CityReader()


def indicators() -> list[IndicatorSource]:
    note = "《宁波市市场监管“十四五”规划》表2-1"
    return [
        IndicatorSource(
            "consumer_complaint_disposal_rate",
            "complaints",
            _disposal_rate,
            note=note + "：消费者投诉处置率（%）",
        ),
        IndicatorSource("odr_firms", "complaints", _odr, note=note + "：ODR企业数（家）"),
        IndicatorSource(
            "compensation_first_firms", "complaints", _comp_first, note=note + "：赔偿先付企业数（家）"
        ),
    ]
