"""Read paths of special equipment, always through ``core.scoping.restrict``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from zhijian.core.params import choice_param, int_param, text_param
from zhijian.core.scoping import VIEW, restrict

from .models import (
    Accident,
    AccidentClass,
    Alarm,
    Category,
    Device,
    MaintenanceGrade,
    RescueCase,
    RescueStatus,
    RiskClass,
    Unit,
    UnitStatus,
)
from .rules import REQUEST_BEFORE, RuleBook, add_months

DUE_KINDS = {
    "due": "应申报定期检验",
    "overdue": "检验逾期",
    "never": "从未检验",
    "maintenance": "维保逾期",
    "registration": "逾期未登记",
}
PAGE = 50


def units_for(user, action: str = VIEW) -> QuerySet:
    return restrict(Unit.objects.all(), user, action)


@dataclass(frozen=True)
class UnitFilter:
    q: str = ""
    district: int | None = None
    category: str = ""
    status: str = ""
    risk: str = ""

    @classmethod
    def from_params(cls, params) -> UnitFilter:
        """The filter of the unit list and API; a hostile value is refused with 400 (core.params)."""
        return cls(
            q=text_param(params, "q", max_length=60),
            district=int_param(params, "district"),
            category=choice_param(params, "category", Category.values),
            status=choice_param(params, "status", UnitStatus.values),
            risk=choice_param(params, "risk", RiskClass.values),
        )

    def as_params(self) -> dict[str, str]:
        """The active filters, for the pager's and the sort headings' links."""
        return {k: str(v) for k, v in self.__dict__.items() if v not in ("", None)}


def search_units(user, flt: UnitFilter) -> QuerySet:
    rows = units_for(user)
    if flt.q:
        rows = rows.filter(
            Q(code=flt.q)
            | Q(certificate_no=flt.q)
            | Q(user_unit_uscc=flt.q.upper())
            | Q(user_unit_name__contains=flt.q)
        )
    if flt.district:
        rows = rows.filter(district_id=flt.district)
    if flt.category:
        rows = rows.filter(category=flt.category)
    if flt.status:
        rows = rows.filter(status=flt.status)
    if flt.risk:
        rows = rows.filter(risk_class=flt.risk)
    return rows.select_related("district").order_by("-id")


def due_units(user, kind: str, district_id: int | None, today: dt.date | None = None) -> QuerySet:
    """One due list of a district (or the user's whole scope): an index range scan each (see models)."""
    today = today or timezone.localdate()
    rows = units_for(user)
    if district_id:
        rows = rows.filter(district_id=district_id)
    if kind == "due":
        months = RuleBook(today).number(REQUEST_BEFORE)
        return rows.filter(
            status=UnitStatus.IN_USE,
            inspection_valid_until__gte=today,
            inspection_valid_until__lte=add_months(today, months),
        ).order_by("inspection_valid_until", "id")
    if kind == "overdue":
        return rows.filter(status=UnitStatus.IN_USE, inspection_valid_until__lt=today).order_by(
            "inspection_valid_until", "id"
        )
    if kind == "never":
        return rows.filter(status=UnitStatus.IN_USE, inspection_valid_until__isnull=True).order_by(
            "commissioned_on", "id"
        )
    if kind == "maintenance":
        return rows.filter(status=UnitStatus.IN_USE, category="3000", maintenance_due__lt=today).order_by(
            "maintenance_due", "id"
        )
    if kind == "registration":
        return rows.filter(registered_on__isnull=True, registration_due__lt=today).order_by(
            "registration_due", "id"
        )
    raise ValueError(kind)


def due_page(
    user, kind: str, district_id: int | None, *, page: int = 1, today: dt.date | None = None
) -> dict:
    """A page of a due list and its total, as the page and the API show it."""
    rows = due_units(user, kind, district_id, today)
    total = rows.count()
    offset = (max(page, 1) - 1) * PAGE
    items = list(rows.select_related("district")[offset : offset + PAGE])
    return {
        "kind": kind,
        "label": DUE_KINDS[kind],
        "total": total,
        "items": items,
        "page": page,
        "pages": max(1, -(-total // PAGE)),
    }


def due_counts(user, district_id: int | None, today: dt.date | None = None) -> dict[str, int]:
    return {kind: due_units(user, kind, district_id, today).count() for kind in DUE_KINDS}


def screen_alarms(
    user, district_id: int | None, since: dt.datetime | None = None, limit: int = 30
) -> list[Alarm]:
    rows = restrict(Alarm.objects.all(), user)
    if district_id:
        rows = rows.filter(district_id=district_id)
    if since:
        rows = rows.filter(received_at__gte=since)
    return list(rows.select_related("unit", "rescue").order_by("-received_at")[:limit])


def open_rescues(user, district_id: int | None = None) -> QuerySet:
    rows = restrict(RescueCase.objects.all(), user).exclude(status=RescueStatus.CLOSED)
    if district_id:
        rows = rows.filter(district_id=district_id)
    return rows.select_related("unit").order_by("arrival_deadline")


def silent_devices(user, district_id: int | None = None) -> QuerySet:
    rows = restrict(Device.objects.all(), user).filter(silent=True)
    if district_id:
        rows = rows.filter(district_id=district_id)
    return rows.select_related("unit")


def accident_rate(year: int, district_id: int | None = None) -> list[dict]:
    """Accidents per 10,000 units (万台特种设备事故率) by district for ``year``.

    Units are those in the register during the year: in use by 31 December and not scrapped before
    1 January; incidents (事件) are not accidents and do not count.
    """
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    units = Unit.objects.filter(commissioned_on__lte=end).exclude(
        status=UnitStatus.SCRAPPED, scrapped_on__lt=start
    )
    accidents = Accident.objects.filter(occurred_on__range=(start, end)).exclude(
        classification=AccidentClass.INCIDENT
    )
    if district_id:
        units, accidents = units.filter(district_id=district_id), accidents.filter(district_id=district_id)
    counts: dict[int, dict] = defaultdict(lambda: {"units": 0, "accidents": 0, "deaths": 0})
    names = {}
    for district, name, n in units.values_list("district_id", "district__name").annotate(n=Count("id")):
        counts[district]["units"] = n
        names[district] = name
    for district, name, n, deaths in accidents.values_list("district_id", "district__name").annotate(
        n=Count("id"), d=Count("id", filter=Q(deaths__gt=0))
    ):
        counts[district]["accidents"] = n
        counts[district]["deaths"] = deaths
        names[district] = name
    rows = []
    for district, c in sorted(counts.items()):
        rate = round(c["accidents"] * 10_000 / c["units"], 4) if c["units"] else None
        rows.append({"district_id": district, "district": names[district], "year": year, **c, "rate": rate})
    return rows


def city_accident_rate(year: int) -> dict:
    rows = accident_rate(year)
    units = sum(r["units"] for r in rows)
    accidents = sum(r["accidents"] for r in rows)
    return {
        "year": year,
        "units": units,
        "accidents": accidents,
        "rate": round(accidents * 10_000 / units, 4) if units else None,
    }


def published_grades(year: int | None = None) -> QuerySet:
    rows = MaintenanceGrade.objects.filter(published=True)
    if year:
        rows = rows.filter(year=year)
    return rows.order_by("-year", "grade", "-score", "company_uscc")
