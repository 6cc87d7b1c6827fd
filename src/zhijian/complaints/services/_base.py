"""What every complaints service shares: coded errors, permission checks, history steps, events."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from zhijian.core import audit, events
from zhijian.core.access import SystemActor, actor_of
from zhijian.core.errors import DomainError
from zhijian.core.scoping import CHANGE, can

from ..models import Case, CaseStep

# The public filing on the form or the API: a named system actor, refused every officer action.
ACTOR_PUBLIC = SystemActor("public:12315")


class ComplaintsError(DomainError):
    """A refused operation (core.errors): ``code`` stable English, ``message`` Chinese, ``fields`` per field."""

    def __init__(
        self, code: str, message: str, fields: dict[str, str] | None = None, status: int | None = None
    ):
        super().__init__(code, message, fields=fields, status=status)


class NotAllowed(ComplaintsError):
    status = 403

    def __init__(self, message: str = "您没有执行该操作的权限"):
        super().__init__("forbidden", message)


def is_system(actor) -> bool:
    """A job, command or the public (core.access: strings and None are refused, not trusted)."""
    return isinstance(actor_of(actor), SystemActor)


def actor_name(actor) -> str:
    if actor == ACTOR_PUBLIC:
        return "投诉举报人"
    return str(actor)


def require_change(actor, case: Case) -> None:
    """The case's unit (its district, a grassroots office in it) or the city may act on it."""
    if is_system(actor) and actor != ACTOR_PUBLIC:
        return
    if actor == ACTOR_PUBLIC or not actor.is_active or not can(actor, case, CHANGE):
        raise NotAllowed()


def require_role(actor, roles, message: str = "您没有执行该操作的权限") -> None:
    if is_system(actor) and actor != ACTOR_PUBLIC:
        return
    if actor == ACTOR_PUBLIC or not actor.is_active or actor.role not in set(roles):
        raise NotAllowed(message)


def today() -> dt.date:
    return timezone.localdate()


def not_future(day: dt.date, label: str, field: str | None = None) -> None:
    """Refuse a date after today; ``field`` names the input it came from, so a page puts it beside it."""
    if day > today():
        message = f"{label}（{day:%Y-%m-%d}）不能晚于今天"
        raise ComplaintsError("date_in_future", message, {field: message} if field else None)


def lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def step(
    case: Case, actor, action: str, label: str, on: dt.date, note: str = "", public: bool = True
) -> None:
    CaseStep.objects.create(
        case=case, on=on, action=action, label=label, note=note, actor_name=actor_name(actor), public=public
    )


def record(actor, action: str, case: Case, before: dict | None, after: dict | None) -> None:
    audit.record(
        actor,
        audit.Change(action, "complaints.Case", str(case.pk), before, after),
    )


def outcome_payload(case: Case) -> dict:
    """The payload of ``complaints.case_closed`` (documented in docs/complaints.md and docs/events.md)."""
    return {
        "case_id": case.pk,
        "code": case.code,
        "kind": case.kind,
        "outcome": case.outcome,
        "outcome_label": case.get_outcome_display(),
        "respondent_uscc": case.respondent_uscc,
        "respondent_name": case.respondent_name,
        "entity_id": case.respondent_id,
        "received_on": case.received_on,
        "closed_on": case.closed_on,
        "amount_recovered": str(case.amount_recovered or Decimal(0)),
        "category": case.category,
        "jurisdiction": case.jurisdiction.code,
        "rule_version": case.rule_version,
        "case_decision_no": case.case_decision_no,
    }


def emit_outcome(case: Case) -> None:
    events.emit("complaints.case_closed", outcome_payload(case))
