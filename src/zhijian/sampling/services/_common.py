"""What every sampling service shares: the coded errors, permission checks, dates and locks."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from zhijian.core.access import actor_of, allows, is_system, policy
from zhijian.core.errors import DomainError, Forbidden
from zhijian.core.scoping import CHANGE, can

from ..models import (
    Kind,
)

EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
EVIDENCE_SUFFIXES = {".pdf", ".jpg", ".jpeg", ".png", ".ofd", ".docx", ".xlsx", ".doc", ".xls", ".zip"}
# Where an overdue case is escalated (逾期升级): the city department that leads the kind of sampling.
ESCALATE_TO = {Kind.FOOD: "food_coordination", Kind.PRODUCT: "product"}


class SamplingError(DomainError):
    """A refused operation: ``code`` is stable English, ``str()`` the Chinese message."""


class NotAllowed(SamplingError, Forbidden):
    def __init__(self, message: str = "您没有执行该操作的权限"):
        super().__init__("forbidden", message)


def _require(actor, policy_name: str, message: str = "") -> None:
    """Refuse with :class:`NotAllowed` unless ``actor`` holds the access policy (system actors do)."""
    if not allows(actor_of(actor), policy_name):
        raise NotAllowed(message or policy(policy_name).message)


def _may_change(actor, obj) -> None:
    if not is_system(actor) and not can(actor, obj, CHANGE):
        raise NotAllowed()


def _today() -> dt.date:
    return timezone.localdate()


def _not_future(day: dt.date, label: str, field: str = "") -> None:
    """Refuse a date after today; ``field`` names the form field the message belongs beside."""
    if day > _today():
        message = f"{label}（{day:%Y-%m-%d}）不能晚于今天"
        raise SamplingError("date_in_future", message, fields={field: message} if field else None)


def _lock(model, pk: int):
    return model.objects.select_for_update().get(pk=pk)
