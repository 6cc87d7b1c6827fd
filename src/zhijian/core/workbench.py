"""The core's own workbench items: what the platform administrator must look after."""

from __future__ import annotations

from django.urls import reverse

from .access import allows
from .hooks import Todo
from .models import EventDelivery
from .schedule import failing


def todos(user) -> list[Todo]:
    if not allows(user, "core.operate"):
        return []
    dead = EventDelivery.objects.filter(dead=True).count()
    return [
        Todo(
            "平台运维",
            "死信事件待处理（zhijian events replay）",
            dead,
            reverse("core:events_dead"),
            urgent=True,
        ),
        Todo("平台运维", "定时任务最近一次运行失败", len(failing()), reverse("core:schedule"), urgent=True),
    ]
