"""What every equipment service shares: the coded error and the permission checks."""

from __future__ import annotations

from zhijian.core.access import SystemActor, actor_of
from zhijian.core.errors import DomainError
from zhijian.core.models import Role
from zhijian.core.scoping import CHANGE, CITY_WIDE, can, user_district_id

# The system actors of this app: sweeps and jobs, devices (through the ingestion), the MQTT worker.
SYSTEM = SystemActor("system:equipment")
DEVICE = SystemActor("device")
WORKER = SystemActor("mqtt-worker")


class EquipmentError(DomainError):
    """A refused operation: a stable ``code`` and a Chinese ``message``; ``fields`` names the inputs."""

    def __init__(self, code: str, message: str, fields: tuple[str, ...] = ()):
        super().__init__(
            code, message, fields={f: message for f in fields}, status=403 if code == "forbidden" else 400
        )


def is_system(actor) -> bool:
    """A job, command or device acting on its own account (core's SystemActor); strings are refused."""
    return isinstance(actor_of(actor), SystemActor)


def audit_actor(actor):
    return actor_of(actor)


def user_or_none(actor):
    return None if is_system(actor) else actor


def require_change(actor, obj, message: str = "您无权办理该特种设备的事项") -> None:
    if is_system(actor):
        return
    if not can(actor, obj, CHANGE):
        raise EquipmentError("forbidden", message)


def require_staff(actor, district_id: int | None = None) -> None:
    """City staff anywhere; district staff in their own district only."""
    if is_system(actor):
        return
    if actor.role in CITY_WIDE:
        return
    if actor.role == Role.DISTRICT and (district_id is None or user_district_id(actor) == district_id):
        return
    raise EquipmentError("forbidden", "您无权办理该事项")
