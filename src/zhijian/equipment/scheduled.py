"""Special equipment's scheduled jobs (core/schedule.py): the minute sweep and the daily round."""

from __future__ import annotations

from .services.common import SYSTEM


def sweep() -> dict:
    """Escalate rescues past their arrival deadline; flag devices that stopped sending."""
    from . import services

    return {
        "escalated": services.escalate_rescues(actor=SYSTEM),
        "silent": services.flag_silent_devices(actor=SYSTEM),
    }


def daily() -> dict:
    """Reminders to user units of what falls due; risk classes of units and user units."""
    from . import services

    return {"reminders": services.send_reminders(actor=SYSTEM), "risk": services.compute_risk(actor=SYSTEM)}
