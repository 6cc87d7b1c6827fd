"""Credit's scheduled jobs (core/schedule.py)."""

from __future__ import annotations

from zhijian.core.access import SystemActor


def expire() -> dict:
    """End the publicity of records whose publicity period is over."""
    from .services import expire_publicity

    return {"expired": expire_publicity(actor=SystemActor("schedule:credit.expire"))}
