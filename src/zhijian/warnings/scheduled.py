"""Food-safety warnings' scheduled jobs (core/schedule.py): stale sources and detection."""

from __future__ import annotations

from django.utils import timezone

from zhijian.core.access import SystemActor


def check_sources() -> dict:
    """Raise the alarm of every source that went stale or whose last load failed."""
    from .services import check_stale_sources

    stale = check_stale_sources(actor=SystemActor("schedule:warnings.sources"))
    return {"stale": [s.name for s in stale]}


def detect() -> dict:
    """Build the series up to today and run every configured detector; alarms become signals."""
    from .services import run_detection

    signals = run_detection(
        actor=SystemActor("schedule:warnings.detect"), until=timezone.localdate(), weeks=1
    )
    return {"signals": len(signals)}
