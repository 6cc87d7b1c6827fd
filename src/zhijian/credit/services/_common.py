"""What every credit service shares: the coded error, the permission check, snapshots and notices."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied

from zhijian.core.access import is_system
from zhijian.core.errors import DomainError
from zhijian.core.scoping import CHANGE, can
from zhijian.registry.models import Entity

from ..models import (
    CreditNotice,
    RepairApplication,
)


class CreditError(DomainError):
    """Bad input to a credit operation; the message is for the user, in Chinese, and nothing changed."""


def _require(actor, obj, action: str = CHANGE) -> None:
    """Refuse unless ``actor`` (a user; system actors pass) may ``action`` ``obj``."""
    if is_system(actor):
        return
    if not can(actor, obj, action):
        raise PermissionDenied("无权进行此操作")


def _snapshot(obj, fields: Iterable[str]) -> dict[str, Any]:
    return {f: getattr(obj, f) for f in fields}


RECORD_FIELDS = (
    "entity_id",
    "kind",
    "severity",
    "title",
    "occurred_on",
    "source",
    "source_ref",
    "public",
    "publicity",
    "published_on",
    "publicity_until",
    "publicity_ended_on",
    "withdrawn_on",
    "repaired_on",
    "fulfilled_on",
)


def _notify(entity: Entity, title: str, body: str, application: RepairApplication | None = None) -> None:
    CreditNotice.objects.create(entity=entity, application=application, title=title, body=body)
