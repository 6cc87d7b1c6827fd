"""Credit's items on the workbench: repair applications to decide, listing proposals to decide."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from zhijian.core.access import allows
from zhijian.core.hooks import Todo
from zhijian.core.workdays import due_summary

from . import queries
from .models import ListingProposal, RepairApplication

APP = "信用监管"


def todos(user) -> list[Todo]:
    if not allows(user, "credit.record"):
        return []
    today = timezone.localdate()
    items = []
    repairs = queries.repairs(user, status=RepairApplication.Status.SUBMITTED)
    due, overdue = due_summary(
        repairs, object_type="credit.RepairApplication", kind="credit.repair.decision", today=today
    )
    items.append(Todo(APP, "信用修复申请待决定", repairs.count(), reverse("credit:repairs"), due, overdue))
    if allows(user, "credit.proposals"):
        proposals = queries.listing_proposals(user, status=ListingProposal.Status.OPEN)
        due, overdue = due_summary(
            proposals,
            object_type="credit.ListingProposal",
            kind="credit.abnormal.listing_decision",
            today=today,
        )
        url = reverse("credit:proposals") + "?status=open"
        items.append(Todo(APP, "列入经营异常名录建议待决定", proposals.count(), url, due, overdue))
    return items
