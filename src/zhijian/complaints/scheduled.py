"""12315 complaints' scheduled jobs (core/schedule.py)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from zhijian.core.access import SystemActor


def release_odr() -> dict:
    """Hand complaints an ODR firm did not settle within its period to the officers."""
    from .services.firms import release_overdue_odr

    actor = SystemActor("schedule:complaints.release-odr")
    return {"released": release_overdue_odr(actor=actor, today=timezone.localdate())}


def nightly() -> dict:
    """Mass-complaint clusters over the last year, and repeated reports from one source."""
    from .duplicates import compute_clusters, flag_repeated_reports

    end = timezone.localdate()
    return {
        "clusters": compute_clusters(start=dt.date(end.year - 1, end.month, 1), end=end),
        "repeated": flag_repeated_reports(),
    }


def prune_throttle() -> dict:
    """Drop the public form's rate-limit counters older than an hour."""
    from .models import IntakeThrottle

    deleted, _ = IntakeThrottle.objects.filter(minute__lt=timezone.now() - dt.timedelta(hours=1)).delete()
    return {"deleted": deleted}
