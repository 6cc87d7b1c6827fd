"""What every quality service shares: coded errors in Chinese, the core access checks, the audit actor.

``actor`` is a :class:`~zhijian.core.models.User` or a :class:`~zhijian.core.access.SystemActor` (a
command or job acting city-wide); policies are declared in ``quality/policies.py``.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from zhijian.core import audit
from zhijian.core.access import is_system, require, require_object
from zhijian.core.errors import DomainError, Forbidden

# Refusals because of the object's state, not the input: the API answers 409.
CONFLICT_CODES = frozenset(
    {
        "bad_state",
        "not_pending",
        "not_draft",
        "not_reviewed",
        "already_submitted",
        "already_enrolled",
        "already_nominated",
        "not_approved",
        "stage_backwards",
        "not_met",
    }
)


class QualityError(DomainError):
    """A refused operation: ``code`` is stable English, ``str()`` the Chinese message, ``fields`` per field."""

    def __init__(self, code: str, message: str, fields: dict[str, str] | None = None):
        super().__init__(code, message, fields=fields, status=409 if code in CONFLICT_CODES else None)


class NotAllowed(QualityError, Forbidden):
    status = 403

    def __init__(self, message: str = "您没有执行该操作的权限"):
        super().__init__("forbidden", message)


def system(actor) -> bool:
    return is_system(actor)


def may_change(actor, obj) -> None:
    """Refuse unless ``obj`` is within what ``actor`` may change (their district, their laboratory …)."""
    require_object(actor, obj, "change", "该记录不在您的管辖或服务范围内")


def record(actor, change: audit.Change) -> None:
    """Write the audit entry of ``change`` in the current transaction."""
    audit.record(actor, change)


def today() -> dt.date:
    return timezone.localdate()


__all__ = ["NotAllowed", "QualityError", "may_change", "record", "require", "system", "today"]
