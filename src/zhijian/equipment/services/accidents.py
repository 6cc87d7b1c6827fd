"""Accidents and incidents with special equipment (特种设备事故), the basis of the accident rate."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from zhijian.core import audit, events

from ..models import Accident, AccidentClass, Category, Unit
from .common import EquipmentError, audit_actor, require_staff, user_or_none


def record_accident(
    *,
    actor,
    district_id: int,
    category: str,
    occurred_on: dt.date,
    classification: str,
    description: str,
    unit: Unit | None = None,
    deaths: int = 0,
    serious_injuries: int = 0,
    minor_injuries: int = 0,
    direct_loss: Decimal = Decimal(0),
) -> Accident:
    """Record an accident or incident; it counts in the accident rate of its district and year."""
    if unit is not None:
        district_id, category = unit.district_id, unit.category
    require_staff(actor, district_id)
    if classification not in AccidentClass.values or category not in Category.values:
        raise EquipmentError("bad_accident", "事故等级或设备种类不正确", ("classification", "category"))
    if occurred_on > timezone.localdate():
        raise EquipmentError("future_date", "发生日期不能晚于今天", ("occurred_on",))
    if min(deaths, serious_injuries, minor_injuries) < 0:
        raise EquipmentError("bad_casualties", "伤亡人数不能为负", ("deaths",))
    if not description.strip():
        raise EquipmentError("description_required", "请填写事故经过", ("description",))
    with transaction.atomic():
        accident = Accident.objects.create(
            unit=unit,
            district_id=district_id,
            category=category,
            occurred_on=occurred_on,
            classification=classification,
            deaths=deaths,
            serious_injuries=serious_injuries,
            minor_injuries=minor_injuries,
            direct_loss=direct_loss,
            description=description.strip(),
            recorded_by=user_or_none(actor),
        )
        audit.record(
            audit_actor(actor),
            audit.Change(
                "equipment.accident.record",
                "equipment.accident",
                str(accident.pk),
                None,
                {
                    "district_id": district_id,
                    "category": category,
                    "occurred_on": occurred_on.isoformat(),
                    "classification": classification,
                    "deaths": deaths,
                    "serious_injuries": serious_injuries,
                    "minor_injuries": minor_injuries,
                    "unit": unit.code if unit else None,
                },
            ),
        )
        events.emit(
            "equipment.accident_recorded",
            {
                "accident": accident.pk,
                "district_id": district_id,
                "year": occurred_on.year,
                "classification": classification,
                "deaths": deaths,
                "user_unit_uscc": unit.user_unit_uscc if unit else "",
            },
        )
    return accident
