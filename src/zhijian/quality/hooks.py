"""What quality infrastructure offers the platform through core.hooks: workbench to-dos and cockpit figures."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from zhijian.core.access import allows
from zhijian.core.hooks import Figure, Todo
from zhijian.core.models import Role
from zhijian.core.rules import MissingRule
from zhijian.core.scoping import VIEW, restrict, user_district_id

from .models import (
    Enrolment,
    EnrolmentStatus,
    Outcome,
    RequestStatus,
    ServiceRequest,
)
from .services.common import today
from .services.reports import current_period, report_states

APP = "对标达标与质量服务"


def _report_todos(user, on: dt.date) -> list[Todo]:
    """The progress-report to-dos: overdue units for the city, the unit's own report when due."""
    from zhijian.core.models import Jurisdiction

    from .models import DistrictQuota

    items: list[Todo] = []
    year, period = current_period(on)
    # a unit owes the period's report when the year's campaign gave it a quota
    owing = Jurisdiction.objects.filter(
        pk__in=DistrictQuota.objects.filter(campaign__year=year).values("jurisdiction_id")
    ).order_by("sort_order")
    if allows(user, "quality.report.summary") and owing.exists():
        states = report_states(year, period, on, units=owing)
        overdue = [s for s in states if s.overdue]
        items.append(
            Todo(
                APP,
                "进展情况报表逾期未报（单位）",
                len(overdue),
                reverse("quality:report_list"),
                due=states[0].deadline.due_on if states else None,
                overdue=len(overdue),
                urgent=bool(overdue),
            )
        )
    unit = owing.filter(pk=user_district_id(user)).first() if user.role == Role.DISTRICT else None
    if unit is not None:
        state = report_states(year, period, on, units=[unit])[0]
        if state.overdue or state.due_soon:
            label = f"报送{year}年{'半年度' if period == 'half' else '年度'}进展情况报表"
            items.append(
                Todo(
                    APP,
                    label,
                    1,
                    reverse("quality:report_list"),
                    due=state.deadline.due_on,
                    overdue=int(state.overdue),
                    urgent=state.overdue,
                )
            )
    return items


def todos(user) -> list[Todo]:
    """A role's quality to-dos: reviews for the city, reports for a district, quotes for a laboratory …"""
    items: list[Todo] = []
    if not getattr(user, "is_authenticated", False):
        return items
    on = today()
    if allows(user, "quality.enrolment.review"):
        pending = Enrolment.objects.filter(status=EnrolmentStatus.SUBMITTED).count()
        items.append(Todo(APP, "对标企业待确认", pending, reverse("quality:campaign") + "?status=submitted"))
    try:
        items.extend(_report_todos(user, on))
    except MissingRule:
        # the deadline rule is missing (an administrator must load it): the workbench still opens
        items.append(
            Todo(
                APP, "进展情况报表期限规则缺失，请管理员补录", 1, reverse("quality:report_list"), urgent=True
            )
        )
    if user.role == Role.DISTRICT and user_district_id(user):
        no_plan = restrict(
            Enrolment.objects.filter(status=EnrolmentStatus.APPROVED, plan_uploaded_on__isnull=True),
            user,
            VIEW,
        ).count()
        items.append(
            Todo(APP, "对标企业待登记技术方案", no_plan, reverse("quality:campaign") + "?status=approved")
        )
    if user.role == Role.LAB:
        mine = restrict(ServiceRequest.objects.all(), user, VIEW)
        items.append(
            Todo(
                APP,
                "服务需求待报价",
                mine.filter(status=RequestStatus.REQUESTED).count(),
                reverse("quality:request_list") + "?status=requested",
            )
        )
        items.append(
            Todo(
                APP,
                "已预约待出具报告",
                mine.filter(status=RequestStatus.BOOKED).count(),
                reverse("quality:request_list") + "?status=booked",
            )
        )
    if user.role == Role.ENTERPRISE:
        mine = restrict(ServiceRequest.objects.all(), user, VIEW)
        items.append(
            Todo(
                APP,
                "机构已报价待确认预约",
                mine.filter(status=RequestStatus.QUOTED).count(),
                reverse("quality:mine"),
            )
        )
        items.append(
            Todo(
                APP,
                "报告已出具待评价",
                mine.filter(status=RequestStatus.DELIVERED).count(),
                reverse("quality:mine"),
            )
        )
    return [t for t in items if t.count]  # nothing waiting: no line


def figures(user) -> list[Figure]:
    """Key figures on the workbench: the campaign's firms in the user's scope, and open service requests."""
    from .models import Campaign
    from .queries import requests_for

    items: list[Figure] = []
    if allows(user, "quality.view"):
        campaign = Campaign.objects.first()
        if campaign is not None:
            mine = restrict(Enrolment.objects.filter(campaign=campaign), user, VIEW)
            url = reverse("quality:campaign")
            items.append(
                Figure(
                    APP,
                    f"{campaign.year}年对标企业（已确认）",
                    mine.filter(status=EnrolmentStatus.APPROVED).values("entity").distinct().count(),
                    url,
                    "家",
                )
            )
            items.append(
                Figure(
                    APP, f"{campaign.year}年对标达标", mine.filter(outcome=Outcome.MET).count(), url, "个产品"
                )
            )
    if allows(user, "quality.request.view"):
        open_requests = requests_for(user).filter(
            status__in=[RequestStatus.REQUESTED, RequestStatus.QUOTED, RequestStatus.BOOKED]
        )
        items.append(
            Figure(APP, "进行中的服务需求", open_requests.count(), reverse("quality:request_list"), "件")
        )
    return items
