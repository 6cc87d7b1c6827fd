"""Sampling's scheduled jobs (core/schedule.py)."""

from __future__ import annotations

from zhijian.core.access import SystemActor


def escalate() -> dict:
    """Escalate verification-and-disposal cases past their time limit to the city's division."""
    from .services import escalate_overdue_cases

    return {"escalated": escalate_overdue_cases(actor=SystemActor("schedule:sampling.escalate"))}
