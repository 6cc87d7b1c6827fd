"""Trapped-passenger rescue (困人救援): opened by a device alarm, arrival deadline, escalation, closure."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from zhijian.core import audit, events
from zhijian.core.models import Role

from ..models import Alarm, RescueCase, RescueStatus, Unit
from ..rules import RESCUE_ARRIVAL, RuleBook
from .common import DEVICE, SYSTEM, EquipmentError, audit_actor, is_system, require_staff


def open_rescue(alarm: Alarm, *, actor=DEVICE) -> RescueCase:
    """Open the rescue of a trapped-passenger alarm; the deadline is the arrival rule counted from the alarm.

    Runs inside the caller's transaction (the ingestion batch or a manual report).
    """
    rule = RuleBook(timezone.localdate(alarm.raised_at)).get(RESCUE_ARRIVAL)
    unit = Unit.objects.only("maintenance_uscc", "code").get(pk=alarm.unit_id)
    case = RescueCase.objects.create(
        alarm=alarm,
        unit_id=alarm.unit_id,
        district_id=alarm.district_id,
        maintenance_uscc=unit.maintenance_uscc,
        opened_at=alarm.raised_at,
        arrival_deadline=alarm.raised_at + dt.timedelta(minutes=int(rule.value)),
        deadline_rule=rule,
    )
    audit.record(
        audit_actor(actor),
        audit.Change(
            "equipment.rescue.open",
            "equipment.rescue",
            str(case.pk),
            None,
            {
                "unit": unit.code,
                "opened_at": case.opened_at.isoformat(),
                "deadline": case.arrival_deadline.isoformat(),
            },
        ),
    )
    events.emit(
        "equipment.rescue_opened",
        {
            "case": case.pk,
            "unit": unit.code,
            "district_id": case.district_id,
            "maintenance_uscc": case.maintenance_uscc,
            "deadline": case.arrival_deadline.isoformat(),
        },
    )
    return case


def _require_rescuer(actor, case: RescueCase) -> None:
    if is_system(actor):
        return
    if actor.role == Role.ENTERPRISE:
        if not case.maintenance_uscc or actor.entity_uscc != case.maintenance_uscc:
            raise EquipmentError("forbidden", "只有该电梯的维保单位可以登记救援")
        return
    require_staff(actor, case.district_id)


def record_arrival(*, actor, case: RescueCase, at: dt.datetime | None = None) -> RescueCase:
    """The maintenance company records its arrival on site (到达现场)."""
    _require_rescuer(actor, case)
    at = at or timezone.now()
    with transaction.atomic():
        case = RescueCase.objects.select_for_update().get(pk=case.pk)
        if case.status != RescueStatus.OPEN:
            raise EquipmentError("not_open", "该救援已登记到达")
        if at < case.opened_at:
            raise EquipmentError("bad_time", "到达时间不能早于报警时间", ("at",))
        case.arrived_at, case.status = at, RescueStatus.ARRIVED
        case.save(update_fields=["arrived_at", "status"])
        audit.record(
            audit_actor(actor),
            audit.Change(
                "equipment.rescue.arrive",
                "equipment.rescue",
                str(case.pk),
                {"status": "open"},
                {"status": "arrived", "arrived_at": at.isoformat(), "late": at > case.arrival_deadline},
            ),
        )
    return case


def close_rescue(
    *, actor, case: RescueCase, rescued_at: dt.datetime | None = None, note: str = ""
) -> RescueCase:
    """Close the case with the time the passengers were freed (解救时间)."""
    _require_rescuer(actor, case)
    rescued_at = rescued_at or timezone.now()
    with transaction.atomic():
        case = RescueCase.objects.select_for_update().get(pk=case.pk)
        if case.status != RescueStatus.ARRIVED:
            raise EquipmentError("not_arrived", "请先登记到达现场")
        if case.arrived_at is None or rescued_at < case.arrived_at:
            raise EquipmentError("bad_time", "解救时间不能早于到达时间", ("rescued_at",))
        case.rescued_at, case.status, case.note = rescued_at, RescueStatus.CLOSED, note
        case.save(update_fields=["rescued_at", "status", "note"])
        audit.record(
            audit_actor(actor),
            audit.Change(
                "equipment.rescue.close",
                "equipment.rescue",
                str(case.pk),
                {"status": "arrived"},
                {"status": "closed", "rescued_at": rescued_at.isoformat(), "minutes": case.rescue_minutes},
            ),
        )
        events.emit(
            "equipment.rescue_closed",
            {"case": case.pk, "district_id": case.district_id, "minutes": case.rescue_minutes},
        )
    return case


def escalate_rescues(*, actor=SYSTEM, now: dt.datetime | None = None) -> int:
    """Escalate every rescue whose arrival deadline passed with nobody on site (超时升级)."""
    now = now or timezone.now()
    with transaction.atomic():
        missed = list(
            RescueCase.objects.select_for_update()
            .filter(status=RescueStatus.OPEN, escalated_at__isnull=True, arrival_deadline__lt=now)
            .values_list("pk", "district_id", "maintenance_uscc", "arrival_deadline")
        )
        if not missed:
            return 0
        RescueCase.objects.filter(pk__in=[m[0] for m in missed]).update(escalated_at=now)
        audit.record_many(
            audit_actor(actor),
            [
                audit.Change(
                    "equipment.rescue.escalate",
                    "equipment.rescue",
                    str(pk),
                    None,
                    {"escalated_at": now.isoformat()},
                )
                for pk, *_ in missed
            ],
        )
        events.emit_many(
            "equipment.rescue_escalated",
            [
                {
                    "case": pk,
                    "district_id": district,
                    "maintenance_uscc": uscc,
                    "deadline": deadline.isoformat(),
                }
                for pk, district, uscc, deadline in missed
            ],
        )
    return len(missed)
