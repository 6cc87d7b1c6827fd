"""Events the equipment app emits (docs/equipment.md, docs/events.md)."""

from __future__ import annotations

from zhijian.core.events import register_topic
from zhijian.core.topics import Payload


class UnitStatusChanged(Payload):
    code: str
    status: str
    on: str
    district_id: int


class InspectionFailed(Payload):
    unit: str
    user_unit_uscc: str
    district_id: int
    report_no: str
    inspected_on: str


class RescueOpened(Payload):
    case: int
    unit: str
    district_id: int
    maintenance_uscc: str
    deadline: str


class RescueEscalated(Payload):
    case: int
    district_id: int
    maintenance_uscc: str
    deadline: str


class RescueClosed(Payload):
    case: int
    district_id: int
    minutes: int | None


class DevicesSilent(Payload):
    count: int
    at: str


class AccidentRecorded(Payload):
    accident: int
    district_id: int
    year: int
    classification: str
    deaths: int
    user_unit_uscc: str


class GradesPublished(Payload):
    year: int
    count: int


class RemindersSent(Payload):
    count: int
    on: str


class UnitsImported(Payload):
    created: int
    changed: int


register_topic("equipment.unit_status_changed", UnitStatusChanged)
register_topic("equipment.inspection_failed", InspectionFailed)
register_topic("equipment.rescue_opened", RescueOpened)
register_topic("equipment.rescue_escalated", RescueEscalated)
register_topic("equipment.rescue_closed", RescueClosed)
register_topic("equipment.devices_silent", DevicesSilent)
register_topic("equipment.accident_recorded", AccidentRecorded)
register_topic("equipment.grades_published", GradesPublished)
register_topic("equipment.reminders_sent", RemindersSent)
register_topic("equipment.units_imported", UnitsImported)
