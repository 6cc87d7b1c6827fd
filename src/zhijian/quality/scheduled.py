"""Quality infrastructure's scheduled jobs (core/schedule.py)."""

from __future__ import annotations

from django.utils import timezone

from zhijian.core.access import SystemActor


def remind() -> dict:
    """Remind units whose progress report falls due soon or is overdue."""
    from .services import send_reminders

    return {"sent": send_reminders(actor=SystemActor("schedule:quality.remind"), on=timezone.localdate())}
