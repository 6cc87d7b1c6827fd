"""Reminders to user units (到期提醒), in their enterprise account, once per unit, matter and due date."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zhijian.core import events

from ..models import Reminder, ReminderKind, Unit, UnitStatus
from .common import SYSTEM, require_staff

# How far ahead a reminder goes out, where the law sets no window of its own.
REGISTRATION_AHEAD = dt.timedelta(days=10)
SELF_TEST_AHEAD = dt.timedelta(days=30)


def send_reminders(*, actor=SYSTEM, today: dt.date | None = None) -> int:
    """Put every due matter in its user unit's inbox; return how many reminders are new."""
    require_staff(actor)
    today = today or timezone.localdate()
    in_use = Unit.objects.filter(status=UnitStatus.IN_USE)
    plans = [
        (
            ReminderKind.REGISTRATION,
            Unit.objects.filter(
                registered_on__isnull=True, registration_due__lte=today + REGISTRATION_AHEAD
            ).exclude(status=UnitStatus.SCRAPPED),
            "registration_due",
        ),
        (
            ReminderKind.INSPECTION,
            in_use.filter(inspection_request_by__lte=today, inspection_valid_until__gte=today),
            "inspection_valid_until",
        ),
        (ReminderKind.OVERDUE, in_use.filter(inspection_valid_until__lt=today), "inspection_valid_until"),
        (ReminderKind.SELF_TEST, in_use.filter(selftest_due__lte=today + SELF_TEST_AHEAD), "selftest_due"),
        (ReminderKind.MAINTENANCE, in_use.filter(Q(maintenance_due__lt=today)), "maintenance_due"),
    ]
    created = 0
    with transaction.atomic():
        for kind, units, due_field in plans:
            batch = [
                Reminder(unit_id=pk, user_unit_uscc=uscc, kind=kind, due_on=due)
                for pk, uscc, due in units.values_list("pk", "user_unit_uscc", due_field).iterator(
                    chunk_size=5000
                )
            ]
            before = Reminder.objects.filter(kind=kind).count()
            Reminder.objects.bulk_create(batch, ignore_conflicts=True, batch_size=5000)
            created += Reminder.objects.filter(kind=kind).count() - before
        if created:
            events.emit("equipment.reminders_sent", {"count": created, "on": today.isoformat()})
    return created
