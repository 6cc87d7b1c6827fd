"""Read paths of the plan cockpit: values per indicator, status per indicator and district, tasks.

Every row of regulated data is read through :func:`zhijian.core.scoping.restrict`: a district
officer sees her district's reported and computed values (and the city's, which are open data).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from zhijian.core.hooks import Todo, indicator_sources
from zhijian.core.models import Jurisdiction, Role
from zhijian.core.scoping import VIEW, restrict, user_district_id

from .catalogue import current_indicators
from .models import ComputedValue, DistrictTarget, Indicator, Milestone, PlanTask, ReportedValue, ValueStatus
from .trajectory import LABELS, NO_DATA, Trajectory

RATE_UNITS = {"%", "批次/千人", "起/万台"}


def year_period(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def month_periods(first_year: int, last_year: int) -> list[tuple[dt.date, dt.date]]:
    out = []
    for year in range(first_year, last_year + 1):
        for month in range(1, 13):
            start = dt.date(year, month, 1)
            end = (dt.date(year + (month == 12), month % 12 + 1, 1)) - dt.timedelta(days=1)
            out.append((start, end))
    return out


def city() -> Jurisdiction:
    return Jurisdiction.objects.get(level=Jurisdiction.Level.CITY)


def county_units() -> QuerySet[Jurisdiction]:
    return Jurisdiction.objects.filter(level__in=[Jurisdiction.Level.DISTRICT, Jurisdiction.Level.ZONE])


def visible_units(user) -> list[Jurisdiction]:
    """The city and the county-level units whose figures ``user`` may see."""
    units = [city()] + list(county_units())
    if getattr(user, "role", None) in (Role.CITY_ADMIN, Role.DEPARTMENT):
        return units
    own = user_district_id(user)
    return [u for u in units if u.level == Jurisdiction.Level.CITY or u.pk == own]


def _with_open_data(queryset: QuerySet, user) -> QuerySet:
    """What ``user`` may see under scoping, and the open data (the city's rows) that anyone may."""
    public = queryset.model.scope.public
    scoped = restrict(queryset, user, VIEW)
    if scoped.query.is_empty():
        return queryset.filter(public)
    return queryset.filter(Q(pk__in=scoped.values("pk")) | public)


def visible_reported(user) -> QuerySet[ReportedValue]:
    """Reported values ``user`` may read: her scope's, and the city's locked ones (open data)."""
    return _with_open_data(
        ReportedValue.objects.select_related("jurisdiction", "reported_by", "reviewed_by"), user
    )


def visible_computed(user) -> QuerySet[ComputedValue]:
    """Computed values ``user`` may read: her scope's, and the city's (open data)."""
    return _with_open_data(ComputedValue.objects.select_related("jurisdiction"), user)


@dataclass
class Reading:
    """An indicator as the cockpit shows it: latest value, expected value, status, where it came from."""

    indicator: Indicator
    value: Decimal | None = None
    period_end: dt.date | None = None
    source: str = ""  # computed / reported
    expected: Decimal | None = None
    status: str = NO_DATA
    records_url: str = ""
    locked: bool = False
    districts: list[dict] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return LABELS[self.status]


def latest_city_values(codes: list[str], on: dt.date) -> dict[str, tuple[Decimal | None, dt.date, str, bool]]:
    """The newest value of each code for the city up to ``on``: locked reported first, then computed
    for the year to date (its period ending on or before ``on``)."""
    place = city()
    found: dict[str, tuple] = {}
    computed = ComputedValue.objects.filter(code__in=codes, jurisdiction=place, period_end__lte=on).order_by(
        "code", "-period_end", "period_start"
    )
    for row in computed:
        if row.code not in found and row.period_start.month == 1 and row.period_start.day == 1:
            found[row.code] = (row.value, row.period_end, "computed", True)
    reported = ReportedValue.objects.filter(
        code__in=codes, jurisdiction=place, status=ValueStatus.LOCKED, period_end__lte=on
    ).order_by("code", "-period_end")
    for row in reported:
        if row.code not in found:
            found[row.code] = (row.value, row.period_end, "reported", True)
    return found


def readings(user, on: dt.date | None = None, codes: list[str] | None = None) -> list[Reading]:
    """Every current indicator with its latest city value and status on ``on``."""
    on = on or timezone.localdate()
    indicators = list(current_indicators(on))
    if codes is not None:
        indicators = [i for i in indicators if i.code in codes]
    sources = indicator_sources()
    values = latest_city_values([i.code for i in indicators], on)
    out = []
    for ind in indicators:
        reading = Reading(ind)
        if ind.code in values:
            reading.value, reading.period_end, reading.source, reading.locked = values[ind.code]
        path = Trajectory.of(ind)
        reading.expected = path.expected(on)
        reading.status = (
            path.status(reading.value, reading.period_end or on) if reading.value is not None else NO_DATA
        )
        source = sources.get(ind.code)
        if source and source.records_url:
            reading.records_url = source.records_url(dt.date(on.year, 1, 1), on, None)
        out.append(reading)
    return out


def district_targets(indicator: Indicator) -> dict[int, Decimal]:
    return {t.jurisdiction_id: t.target_value for t in DistrictTarget.objects.filter(indicator=indicator)}


def district_rows(user, indicator: Indicator, year: int, on: dt.date) -> list[dict]:
    """Per county-level unit: value for the year (computed, else locked reported), target, status."""
    start, end = year_period(year)
    decomposed = district_targets(indicator)
    computed = {
        r.jurisdiction_id: r
        for r in visible_computed(user)
        .filter(code=indicator.code, period_start=start, period_end__lte=end)
        .order_by("period_end")
    }
    reported = {
        r.jurisdiction_id: r
        for r in visible_reported(user)
        .filter(code=indicator.code, status=ValueStatus.LOCKED, period_end__year=year)
        .order_by("period_end")
    }
    sources = indicator_sources()
    source = sources.get(indicator.code)
    rows = []
    for unit in visible_units(user):
        if unit.level == Jurisdiction.Level.CITY:
            continue
        row = computed.get(unit.pk) or reported.get(unit.pk)
        value = row.value if row is not None else None
        target = decomposed.get(unit.pk)
        if target is None and indicator.unit in RATE_UNITS:
            target = indicator.target_value
        status = NO_DATA
        if target is not None and value is not None:
            status = Trajectory.of(indicator, target).status(value, min(on, end))
        rows.append(
            {
                "unit": unit,
                "value": value,
                "target": target,
                "status": status,
                "status_label": LABELS[status],
                "records_url": source.records_url(start, min(on, end), unit.pk)
                if source and source.records_url
                else "",
            }
        )
    return rows


def series(
    user, indicator: Indicator, jurisdiction: Jurisdiction, years: range
) -> list[tuple[int, Decimal | None]]:
    """The indicator's yearly values: computed for the calendar year (the year to date when the
    year is not over: the latest period that starts on 1 January), else the locked reported value."""
    out = []
    computed = {
        r.period_end.year: r.value
        for r in visible_computed(user)
        .filter(code=indicator.code, jurisdiction=jurisdiction, period_start__month=1, period_start__day=1)
        .order_by("period_end")
        if r.period_start.year == r.period_end.year
    }
    reported = {
        r.period_end.year: r.value
        for r in visible_reported(user).filter(
            code=indicator.code, jurisdiction=jurisdiction, status=ValueStatus.LOCKED
        )
    }
    for year in years:
        out.append((year, computed.get(year, reported.get(year))))
    return out


def pending_for(user) -> QuerySet[ReportedValue]:
    """Submitted values waiting for ``user``'s approval (not her own)."""
    from .services.reporting import may_approve

    if not may_approve(user):
        return ReportedValue.objects.none()
    return visible_reported(user).filter(status=ValueStatus.SUBMITTED).exclude(reported_by=user)


def tasks_for(user) -> QuerySet[PlanTask]:
    """Plan tasks: a 处室 sees its own; a district those it owns; city administrators all."""
    qs = PlanTask.objects.prefetch_related("departments", "districts", "milestones").select_related("version")
    role = getattr(user, "role", None)
    if role == Role.CITY_ADMIN:
        return qs
    if role == Role.DEPARTMENT:
        return qs.filter(departments=user.department_id).distinct() if user.department_id else qs
    if role == Role.DISTRICT:
        return qs.filter(
            Q(districts=user_district_id(user)) | Q(milestones__jurisdiction=user_district_id(user))
        ).distinct()
    return qs.none()


def overdue_milestones(user, today: dt.date | None = None) -> QuerySet[Milestone]:
    today = today or timezone.localdate()
    return Milestone.objects.filter(task__in=tasks_for(user), done_on__isnull=True, due_on__lt=today)


def todos_for(user) -> list[Todo]:
    """Workbench items: values waiting for approval (heads), returned values, overdue milestones."""
    if getattr(user, "role", None) not in (Role.CITY_ADMIN, Role.DEPARTMENT, Role.DISTRICT):
        return []
    items = []
    pending = pending_for(user).count()
    if pending:
        items.append(
            Todo(
                "indicators",
                "待审核的指标填报值",
                pending,
                reverse("indicators:value_list") + "?status=submitted",
            )
        )
    returned = visible_reported(user).filter(status=ValueStatus.REJECTED, reported_by=user).count()
    if returned:
        items.append(
            Todo(
                "indicators",
                "被退回的指标填报值",
                returned,
                reverse("indicators:value_list") + "?status=rejected",
                urgent=True,
            )
        )
    overdue = overdue_milestones(user).count()
    if overdue:
        items.append(
            Todo(
                "indicators",
                "逾期的规划任务节点",
                overdue,
                reverse("indicators:task_list") + "?overdue=1",
                overdue=overdue,
            )
        )
    return items
