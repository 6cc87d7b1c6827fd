"""Maintenance company grades A–D (维保单位质量评价), from the company's own record, then published.

The rule (docs/equipment.md, thresholds as rule data ``equipment.grade.*``): 100 points, less
- up to 40 for missed maintenance: 40 × (1 − visits made ÷ visits due), visits due being each
  maintained elevator's days in the year over its interval (15 days, or its on-demand interval);
- up to 15 for trapped passengers: 100 × rescues per maintained elevator;
- 5 per rescue reached after the arrival deadline (or not at all), up to 20;
- up to 15 for failed periodic inspections: 50 × failed ÷ inspected, over its elevators;
- 10 per accident on its elevators, up to 30.
A from ``equipment.grade.A`` points, B from ``.B``, C from ``.C``, D below.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from zhijian.core import audit, events
from zhijian.core.models import Role

from ..models import (
    Accident,
    AccidentClass,
    Conclusion,
    Inspection,
    InspectionKind,
    MaintenanceGrade,
    MaintenanceKind,
    MaintenanceRecord,
    RescueCase,
    Unit,
    UnitStatus,
)
from ..rules import MAINTENANCE, RuleBook
from .common import EquipmentError, audit_actor, is_system

MAINTENANCE_WEIGHT = 40
TRAPPED_CAP, TRAPPED_FACTOR = 15, 100
MISSED_EACH, MISSED_CAP = 5, 20
FAIL_CAP, FAIL_FACTOR = 15, 50
ACCIDENT_EACH, ACCIDENT_CAP = 10, 30


def _require_city(actor) -> None:
    if not is_system(actor) and actor.role not in (Role.CITY_ADMIN, Role.DEPARTMENT):
        raise EquipmentError("forbidden", "只有市局可以评定和公布维保单位等级")


def grade_for(score: Decimal, book: RuleBook) -> str:
    for letter in ("A", "B", "C"):
        if score >= book.get(f"equipment.grade.{letter}").value:
            return letter
    return "D"


def score_company(
    *,
    due_visits: float,
    visits: int,
    units: int,
    rescues: int,
    missed: int,
    inspected: int,
    failed: int,
    accidents: int,
) -> tuple[Decimal, dict]:
    """The score of one company from its year's counts, with each deduction (the documented rule)."""
    ratio = min(1.0, visits / due_visits) if due_visits else 1.0
    deductions = {
        "maintenance": MAINTENANCE_WEIGHT * (1 - ratio),
        "trapped": min(TRAPPED_CAP, TRAPPED_FACTOR * rescues / units) if units else 0.0,
        "missed_arrival": min(MISSED_CAP, MISSED_EACH * missed),
        "failed_inspection": min(FAIL_CAP, FAIL_FACTOR * failed / inspected) if inspected else 0.0,
        "accidents": min(ACCIDENT_CAP, ACCIDENT_EACH * accidents),
    }
    rounded = {
        k: float(Decimal(str(v)).quantize(Decimal("0.1"), ROUND_HALF_UP)) for k, v in deductions.items()
    }
    score = Decimal(100) - sum(Decimal(str(v)) for v in rounded.values())
    return max(score, Decimal(0)).quantize(Decimal("0.1")), rounded


def compute_grades(*, actor, year: int) -> int:
    """Work out every maintenance company's grade for ``year``; published grades are not recomputed."""
    _require_city(actor)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    book = RuleBook(end)
    base = book.number(MAINTENANCE)
    elevators = Unit.objects.filter(category="3000").exclude(maintenance_uscc="")
    units_by = defaultdict(list)
    names: dict[str, str] = {}
    for uscc, name, commissioned, scrapped, status, own, on_demand in elevators.values_list(
        "maintenance_uscc",
        "maintenance_name",
        "commissioned_on",
        "scrapped_on",
        "status",
        "maintenance_interval_days",
        "on_demand_maintenance",
    ):
        first = max(start, commissioned)
        last = min(end, scrapped) if status == UnitStatus.SCRAPPED and scrapped else end
        if last < first:
            continue
        names[uscc] = name
        units_by[uscc].append(((last - first).days + 1) / (own if on_demand and own else base))
    visits = Counter(
        dict(
            MaintenanceRecord.objects.filter(
                performed_on__range=(start, end),
                kind__in=[MaintenanceKind.HALF_MONTH, MaintenanceKind.ON_DEMAND],
            )
            .values_list("maintenance_uscc")
            .annotate(n=Count("id"))
        )
    )
    rescue_rows = RescueCase.objects.filter(opened_at__year=year).exclude(maintenance_uscc="")
    rescues = Counter(dict(rescue_rows.values_list("maintenance_uscc").annotate(n=Count("id"))))
    missed = Counter(
        dict(
            rescue_rows.filter(Q(arrived_at__gt=F("arrival_deadline")) | Q(escalated_at__isnull=False))
            .values_list("maintenance_uscc")
            .annotate(n=Count("id"))
        )
    )
    periodic = Inspection.objects.filter(
        inspected_on__range=(start, end), kind=InspectionKind.PERIODIC, unit__category="3000"
    ).exclude(unit__maintenance_uscc="")
    inspected = Counter(dict(periodic.values_list("unit__maintenance_uscc").annotate(n=Count("id"))))
    failed = Counter(
        dict(
            periodic.filter(conclusion=Conclusion.FAIL)
            .values_list("unit__maintenance_uscc")
            .annotate(n=Count("id"))
        )
    )
    accidents = Counter(
        dict(
            Accident.objects.filter(occurred_on__range=(start, end), unit__category="3000")
            .exclude(classification=AccidentClass.INCIDENT)
            .exclude(unit__maintenance_uscc="")
            .values_list("unit__maintenance_uscc")
            .annotate(n=Count("id"))
        )
    )
    published = set(
        MaintenanceGrade.objects.filter(year=year, published=True).values_list("company_uscc", flat=True)
    )
    rows = []
    for uscc, dues in units_by.items():
        if uscc in published:
            continue
        score, details = score_company(
            due_visits=sum(dues),
            visits=visits[uscc],
            units=len(dues),
            rescues=rescues[uscc],
            missed=missed[uscc],
            inspected=inspected[uscc],
            failed=failed[uscc],
            accidents=accidents[uscc],
        )
        details["counts"] = {
            "visits_due": round(sum(dues)),
            "visits": visits[uscc],
            "rescues": rescues[uscc],
            "missed": missed[uscc],
            "inspected": inspected[uscc],
            "failed": failed[uscc],
            "accidents": accidents[uscc],
        }
        rows.append((uscc, names[uscc], len(dues), score, grade_for(score, book), details))
    with transaction.atomic():
        for uscc, name, units, score, grade, details in rows:
            MaintenanceGrade.objects.update_or_create(
                company_uscc=uscc,
                year=year,
                defaults={
                    "company_name": name,
                    "units": units,
                    "score": score,
                    "grade": grade,
                    "details": details,
                },
            )
        audit.record(
            audit_actor(actor),
            audit.Change(
                "equipment.grades.compute",
                "equipment.grade",
                str(year),
                None,
                {"companies": len(rows), "grades": dict(Counter(r[4] for r in rows))},
            ),
        )
    return len(rows)


def publish_grades(*, actor, year: int) -> int:
    """Publish the year's grades (公布); the public page then lists them."""
    _require_city(actor)
    now = timezone.now()
    with transaction.atomic():
        count = MaintenanceGrade.objects.filter(year=year, published=False).update(
            published=True, published_at=now
        )
        if not count:
            raise EquipmentError("nothing_to_publish", f"{year}年度没有待公布的维保单位等级")
        audit.record(
            audit_actor(actor),
            audit.Change(
                "equipment.grades.publish", "equipment.grade", str(year), None, {"published": count}
            ),
        )
        events.emit("equipment.grades_published", {"year": year, "count": count})
    return count
