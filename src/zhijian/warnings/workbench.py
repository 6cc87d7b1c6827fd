"""The warnings app on the role workbench: signals to triage, answers due, warnings to close."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from zhijian.core.access import allows
from zhijian.core.hooks import Figure, Todo

from .models import RiskWarning, Signal
from .queries import recipients_for, signals_for, warnings_for

APP = "风险预警"


def todos(user) -> list[Todo]:
    items = []
    if allows(user, "warnings.triage"):
        new = signals_for(user).filter(state=Signal.State.NEW).count()
        items.append(Todo(APP, "待研判的预警信号", new, reverse("warnings:signal_list") + "?state=new"))
        closable = warnings_for(user).filter(state=RiskWarning.State.OPEN).count()
        items.append(Todo(APP, "处置中的预警", closable, reverse("warnings:warning_list") + "?state=open"))
    if allows(user, "warnings.answer") and not allows(user, "warnings.triage"):
        waiting = recipients_for(user).filter(must_follow_up=True, answered_at=None, warning__state="open")
        first = waiting.order_by("due_at").first()
        items.append(
            Todo(
                APP,
                "待反馈的预警",
                waiting.count(),
                reverse("warnings:warning_list") + "?state=open",
                due=timezone.localtime(first.due_at).date() if first else None,
                overdue=waiting.filter(due_at__lt=timezone.now()).count(),
            )
        )
    return items


def figures(user) -> list[Figure]:
    if not allows(user, "warnings.view"):
        return []
    url = reverse("warnings:cockpit")
    return [
        Figure(APP, "待研判信号", signals_for(user).filter(state=Signal.State.NEW).count(), url),
        Figure(APP, "处置中预警", warnings_for(user).filter(state=RiskWarning.State.OPEN).count(), url),
    ]
