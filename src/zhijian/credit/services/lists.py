"""Credit lists (经营异常名录、严重违法失信名单、守信激励名单): entering and removing entries."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from zhijian.core import audit
from zhijian.core.access import is_system
from zhijian.registry.models import Entity

from .. import classify
from ..models import (
    GROUNDS_BY_LIST,
    CreditList,
    ListEntry,
    Trigger,
)
from ._common import CreditError, _notify, _require, _snapshot

# ---------------------------------------------------------------------------------------------
# Lists (经营异常名录, 严重违法失信名单, 守信激励名单)

ENTRY_FIELDS = (
    "entity_id",
    "list",
    "ground",
    "status",
    "entered_on",
    "entry_reason",
    "removed_on",
    "removal_reason",
)


def _check_ground(list_code: str, ground: str) -> None:
    allowed: tuple[str, ...] = (
        GROUNDS_BY_LIST.get(CreditList(list_code), ()) if list_code in CreditList.values else ()
    )
    if ground not in allowed:
        raise CreditError("bad_ground", "该名录不适用所选列入事由")


def authority_of(actor) -> str:
    """The authority in whose name an officer decides: her county-level bureau (an office's staff
    decide for their district's bureau; jurisdiction names are the bureaus' full names), else the
    city bureau."""
    if is_system(actor):
        return "系统"
    jurisdiction = actor.jurisdiction if actor.jurisdiction_id else None
    if jurisdiction is not None:
        return (jurisdiction.district or jurisdiction).name
    return "宁波市市场监督管理局"


@transaction.atomic
def enter_list(
    *,
    actor,
    entity: Entity,
    list_code: str,
    ground: str,
    entered_on: dt.date,
    reason: str,
    decision_no: str = "",
) -> ListEntry:
    """Put an entity on the abnormal list or the red list (a direct decision, public at once)."""
    _require(actor, entity)
    if list_code == CreditList.SERIOUS:
        raise CreditError("needs_review", "列入严重违法失信名单须经审核，请提交列入申请")
    _check_ground(list_code, ground)
    if not reason.strip():
        raise CreditError("reason_required", "请填写列入说明", fields={"reason": "请填写列入说明"})
    if entered_on > timezone.localdate():
        raise CreditError("future_date", "列入日期不能晚于今天", fields={"entered_on": "不能晚于今天"})
    if ListEntry.objects.filter(
        entity=entity, list=list_code, ground=ground, status=ListEntry.Status.IN_FORCE
    ).exists():
        raise CreditError("already_listed", "该主体已因同一事由在列")
    entry = ListEntry.objects.create(
        entity=entity,
        list=list_code,
        ground=ground,
        status=ListEntry.Status.IN_FORCE,
        entered_on=entered_on,
        entry_reason=reason.strip()[:300],
        decision_no=decision_no[:80],
        authority=authority_of(actor),
        recorded_by=None if is_system(actor) else actor,
    )
    audit.record(
        actor,
        audit.Change("credit.list_enter", "ListEntry", str(entry.pk), None, _snapshot(entry, ENTRY_FIELDS)),
    )
    _notify(
        entity,
        f"列入{entry.get_list_display()}",
        f"因“{entry.get_ground_display()}”，自{entered_on:%Y年%m月%d日}起列入{entry.get_list_display()}。{entry.entry_reason}"
        + (f"（决定书文号：{entry.decision_no}）" if entry.decision_no else ""),
    )
    classify.reclassify_entity(entity.pk, trigger=Trigger.LIST, actor=actor)
    return entry


def _remove(entry: ListEntry, *, actor, removed_on: dt.date, reason: str, action: str) -> None:
    before = _snapshot(entry, ENTRY_FIELDS)
    entry.status = ListEntry.Status.REMOVED
    entry.removed_on = removed_on
    entry.removal_reason = reason[:300]
    entry.save(update_fields=["status", "removed_on", "removal_reason"])
    audit.record(
        actor, audit.Change(action, "ListEntry", str(entry.pk), before, _snapshot(entry, ENTRY_FIELDS))
    )


@transaction.atomic
def remove_from_list(*, actor, entry: ListEntry, removed_on: dt.date, reason: str) -> ListEntry:
    """Remove an entry from the abnormal or the red list (移出), with reason and date."""
    _require(actor, entry)
    if entry.list == CreditList.SERIOUS:
        raise CreditError("needs_review", "移出严重违法失信名单须经审核，请提交移出申请")
    if entry.status != ListEntry.Status.IN_FORCE:
        raise CreditError("not_in_force", "该记录不在列，无需移出")
    if not reason.strip():
        raise CreditError("reason_required", "请填写移出原因")
    if (entry.entered_on and removed_on < entry.entered_on) or removed_on > timezone.localdate():
        raise CreditError("bad_date", "移出日期须在列入日期之后、今天之前")
    _remove(entry, actor=actor, removed_on=removed_on, reason=reason.strip(), action="credit.list_remove")
    classify.reclassify_entity(entry.entity_id, trigger=Trigger.LIST, actor=actor)
    return entry
