"""The plan cockpit's scheduled job (core/schedule.py): the nightly recomputation."""

from __future__ import annotations

from django.utils import timezone

from .tasks import recompute


def nightly() -> dict:
    """Recompute every computed indicator, month by month and by year, for last year and this one."""
    year = timezone.localdate().year
    return {"rows": recompute(year - 1, year)}
