"""Risk classes (风险分级) of units and of user units, from age, inspection, faults and maintenance.

Points per unit: elevator or equipment older than 15 years 2 (older than 10: 1); inspection
overdue 3; never inspected more than 60 days after going into use 2; fault alarms in the last
365 days: 5 or more 2, 2 or more 1; maintainer's latest published grade C 1, D 2.
Class 1 (低) up to 1 point, 2 up to 3, 3 up to 5, 4 (高) from 6. A user unit takes its worst
unit's class; it is a key user unit (重点使用单位) when any unit serves a school, hospital, mall or
station.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from zhijian.core import audit

from ..models import KEY_PLACES, Alarm, MaintenanceGrade, MessageKind, Unit, UnitStatus, UserUnitRisk
from .common import SYSTEM, audit_actor, require_staff

NEVER_INSPECTED_GRACE = dt.timedelta(days=60)
GRADE_POINTS = {"C": 1, "D": 2}


def unit_points(
    *, today: dt.date, commissioned_on: dt.date, valid_until: dt.date | None, faults: int, grade: str | None
) -> int:
    age = (today - commissioned_on).days / 365.25
    points = 2 if age > 15 else 1 if age > 10 else 0
    if valid_until is not None and valid_until < today:
        points += 3
    if valid_until is None and today - commissioned_on > NEVER_INSPECTED_GRACE:
        points += 2
    points += 2 if faults >= 5 else 1 if faults >= 2 else 0
    return points + GRADE_POINTS.get(grade or "", 0)


def risk_class(points: int) -> str:
    return "1" if points <= 1 else "2" if points <= 3 else "3" if points <= 5 else "4"


def compute_risk(*, actor=SYSTEM, today: dt.date | None = None) -> dict[str, int]:
    """Classify every unit in use and every user unit; return units per class."""
    require_staff(actor)
    today = today or timezone.localdate()
    faults = Counter(
        dict(
            Alarm.objects.filter(raised_at__date__gt=today - dt.timedelta(days=365))
            .exclude(kind=MessageKind.POWER_LOSS)
            .values_list("unit_id")
            .annotate(n=Count("id"))
        )
    )
    grades: dict[str, str] = {}
    for uscc, grade in (
        MaintenanceGrade.objects.filter(published=True).order_by("year").values_list("company_uscc", "grade")
    ):
        grades[uscc] = grade  # the latest year wins
    by_class: dict[str, list[int]] = defaultdict(list)
    users: dict[str, dict] = {}
    rows = Unit.objects.filter(status=UnitStatus.IN_USE).values_list(
        "pk",
        "commissioned_on",
        "inspection_valid_until",
        "maintenance_uscc",
        "user_unit_uscc",
        "user_unit_name",
        "district_id",
        "place_kind",
        "risk_class",
    )
    changed: dict[str, list[int]] = defaultdict(list)
    for pk, commissioned, valid_until, maintainer, uscc, name, district, place, old in rows.iterator(
        chunk_size=10000
    ):
        cls = risk_class(
            unit_points(
                today=today,
                commissioned_on=commissioned,
                valid_until=valid_until,
                faults=faults[pk],
                grade=grades.get(maintainer),
            )
        )
        by_class[cls].append(pk)
        if cls != old:
            changed[cls].append(pk)
        user = users.setdefault(
            uscc, {"name": name, "district": district, "units": 0, "key": False, "cls": "1"}
        )
        user["units"] += 1
        user["key"] |= place in KEY_PLACES
        user["cls"] = max(user["cls"], cls)
    with transaction.atomic():
        for cls, pks in changed.items():
            for i in range(0, len(pks), 5000):
                Unit.objects.filter(pk__in=pks[i : i + 5000]).update(risk_class=cls)
        UserUnitRisk.objects.all().delete()
        UserUnitRisk.objects.bulk_create(
            [
                UserUnitRisk(
                    uscc=uscc,
                    name=u["name"],
                    district_id=u["district"],
                    units=u["units"],
                    key_unit=u["key"],
                    risk_class=u["cls"],
                )
                for uscc, u in users.items()
            ],
            batch_size=5000,
        )
        summary = {cls: len(pks) for cls, pks in sorted(by_class.items())}
        audit.record(
            audit_actor(actor),
            audit.Change(
                "equipment.risk.compute",
                "equipment.unit",
                "*",
                None,
                {"classes": summary, "user_units": len(users), "on": today.isoformat()},
            ),
        )
    return summary
