"""What every 双随机 service shares: the coded error, role and territory checks, snapshots."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied

from zhijian.core.errors import DomainError
from zhijian.core.models import Jurisdiction, Role
from zhijian.core.scoping import CHANGE, CITY_WIDE, can, user_district_id

from ..models import (
    CheckItem,
)
from ..topics import RESULT_TOPIC  # noqa: E402,F401 - the topic is declared with its schema

PUBLICITY_RULE = "inspections.result_publicity.publish_within"
RECHECK_RULE = "inspections.recheck.within"
TEAM_RULE = "inspections.team.min_size"
CAP_RULE = "inspections.sampling_ratio.general_cap"
DEADLINE_TYPE = "inspections.Inspection"
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# 32 symbols without 0/O and I/L, so that a code read aloud or typed from paper is unambiguous.
CODE_ALPHABET = "123456789ABCDEFGHJKMNPQRSTUVWXYZ"


class InspectionError(DomainError):
    """Input a service refuses; ``str()`` is the Chinese message, ``code`` a stable English code."""


# --- helpers --------------------------------------------------------------------------------------


def _role(actor) -> str | None:
    return getattr(actor, "role", None) if getattr(actor, "is_active", False) else None


def _require_staff(actor, roles: Iterable[str] = (Role.CITY_ADMIN, Role.DEPARTMENT, Role.DISTRICT)) -> None:
    if _role(actor) not in set(roles):
        raise PermissionDenied


def _covers(actor, jurisdiction: Jurisdiction) -> bool:
    """Whether ``actor`` works for ``jurisdiction`` (city-wide roles: everywhere)."""
    role = _role(actor)
    if role in CITY_WIDE:
        return True
    if role == Role.DISTRICT:
        return user_district_id(actor) == (jurisdiction.district_id or jurisdiction.pk)
    return False


def _require_change(actor, obj) -> None:
    if not can(actor, obj, CHANGE):
        raise PermissionDenied


def _text(value: Any, *, field: str, code: str, max_length: int, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise InspectionError(code, f"请填写{field}")
    if len(text) > max_length:
        raise InspectionError(code, f"{field}不能超过{max_length}个字")
    return text


def _snapshot_item(item: CheckItem) -> dict:
    return {
        "code": item.code,
        "department": item.department.code,
        "name": item.name,
        "legal_basis": item.legal_basis,
        "object_type": item.object_type,
        "entity_types": item.entity_types,
        "method": item.method,
        "content": item.content,
        "specialty": item.specialty,
        "is_key": item.is_key,
        "active": item.active,
    }


def new_verification_code() -> str:
    """12 symbols = 60 random bits from the system's cryptographic generator."""
    bits = secrets.randbits(60)
    return "".join(CODE_ALPHABET[(bits >> (5 * n)) & 31] for n in range(12))


def city_unit() -> Jurisdiction:
    return Jurisdiction.objects.get(level=Jurisdiction.Level.CITY)
