"""State changes of special-equipment supervision, split by aggregate: each a function
``verb_noun(*, actor, ...)`` in one transaction — permission, save, due dates, audit, event.

``actor`` is a user, or a ``core.access.SystemActor`` naming the job, command or device, who
acts city-wide.
"""

from .accidents import record_accident
from .common import EquipmentError
from .devices import flag_silent_devices, ingest_messages, register_device
from .grades import compute_grades, publish_grades
from .records import confirm_rule, record_inspection, record_maintenance
from .register import change_unit_status, refresh_due_dates, register_unit
from .reminders import send_reminders
from .rescue import close_rescue, escalate_rescues, record_arrival
from .risk import compute_risk

__all__ = [
    "EquipmentError",
    "change_unit_status",
    "close_rescue",
    "compute_grades",
    "compute_risk",
    "confirm_rule",
    "escalate_rescues",
    "flag_silent_devices",
    "ingest_messages",
    "publish_grades",
    "record_accident",
    "record_arrival",
    "record_inspection",
    "record_maintenance",
    "refresh_due_dates",
    "register_device",
    "register_unit",
    "send_reminders",
]
