"""The due dates of special equipment, from dated rule data (规则数据) with their legal sources.

Every number comes from ``core.rules``; the rows are seeded by migration 0002 with their sources.
A calendar-day period whose last day falls on a public holiday ends on the next working day
(民法典 第二百零三条), counted on the State Council's holiday notices (``core.workdays``).
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from zhijian.core.models import RuleValue
from zhijian.core.rules import MissingRule
from zhijian.core.workdays import Calendar

REGISTRATION = "equipment.registration.within"
REQUEST_BEFORE = "equipment.inspection.request_before"
MAINTENANCE = "equipment.maintenance.interval"
RESCUE_ARRIVAL = "equipment.rescue.arrival"
SILENT_AFTER = "equipment.device.silent_after"
ELEVATOR_AGE = "equipment.elevator.age_threshold"
ELEVATOR_YOUNG = "equipment.elevator.interval_young"
ELEVATOR_OLD = "equipment.elevator.interval_old"
# Rules entered before an administrator has checked them against the published text.
UNCONFIRMED_KEYS = (ELEVATOR_AGE, ELEVATOR_YOUNG, ELEVATOR_OLD)


def interval_key(category: str) -> str:
    return f"equipment.inspection.interval.{category}"


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months, clamped to the month's last day (3-31 minus one month is 2-28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = month_calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


def roll_to_workday(day: dt.date, calendar: Calendar) -> dt.date:
    """A period's last day moved past holidays and weekends (民法典 第二百零三条)."""
    while not calendar.is_workday(day):
        day += dt.timedelta(days=1)
    return day


@dataclass
class DueDates:
    registration_due: dt.date | None
    inspection_valid_until: dt.date | None
    inspection_request_by: dt.date | None
    selftest_due: dt.date | None
    maintenance_due: dt.date | None


class RuleBook:
    """The rules in force on one day, read once and reused for a whole batch (an import, a refresh)."""

    def __init__(self, on: dt.date):
        self.on = on
        self._versions: dict[str, list[RuleValue]] = {}
        for row in RuleValue.objects.filter(key__startswith="equipment.").order_by("valid_from"):
            self._versions.setdefault(row.key, []).append(row)

    def get(self, key: str, on: dt.date | None = None) -> RuleValue:
        """The version of ``key`` in force on ``on`` (default: the book's day)."""
        on = on or self.on
        for row in reversed(self._versions.get(key, [])):
            if row.valid_from <= on and (row.valid_to is None or row.valid_to >= on):
                return row
        raise MissingRule(key, on)

    def number(self, key: str, on: dt.date | None = None) -> int:
        return int(self.get(key, on).value)

    @cached_property
    def calendar(self) -> Calendar:
        return Calendar()

    def registration_due(self, commissioned_on: dt.date) -> dt.date:
        """特种设备安全法 第三十三条: register within 30 days of going into use."""
        days = self.number(REGISTRATION)
        return roll_to_workday(commissioned_on + dt.timedelta(days=days), self.calendar)

    def inspection_years(self, category: str, commissioned_on: dt.date, inspected_on: dt.date) -> int:
        """The periodic-inspection interval; elevators by age under TSG T7001-2023."""
        if category == "3000":
            try:
                threshold = self.number(ELEVATOR_AGE, inspected_on)
            except MissingRule:  # inspected under TSG T7001-2009: one year for every elevator
                return self.number(interval_key(category), inspected_on)
            age = (inspected_on - commissioned_on).days / 365.25
            return self.number(ELEVATOR_OLD if age > threshold else ELEVATOR_YOUNG, inspected_on)
        return self.number(interval_key(category), inspected_on)

    def request_by(self, valid_until: dt.date) -> dt.date:
        """特种设备安全法 第四十条: request the periodic inspection one month before validity ends."""
        return add_months(valid_until, -self.number(REQUEST_BEFORE))

    def maintenance_days(self, on_demand: bool, own_interval: int | None) -> int:
        """TSG T5002: every 15 days, unless an on-demand scheme (按需维保) sets its own interval."""
        if on_demand and own_interval:
            return own_interval
        return self.number(MAINTENANCE)

    def due_dates(
        self,
        *,
        category: str,
        commissioned_on: dt.date,
        registered_on: dt.date | None,
        last_inspected_on: dt.date | None,
        report_valid_until: dt.date | None,
        last_maintained_on: dt.date | None,
        on_demand: bool = False,
        own_interval: int | None = None,
    ) -> DueDates:
        registration = None if registered_on else self.registration_due(commissioned_on)
        valid_until = report_valid_until
        selftest = None
        if last_inspected_on and valid_until is None:
            years = self.inspection_years(category, commissioned_on, last_inspected_on)
            valid_until = add_years(last_inspected_on, years)
        if category == "3000" and last_inspected_on and valid_until:
            # In a year without periodic inspection the user unit tests the elevator itself (自行检测).
            first_anniversary = add_years(last_inspected_on, 1)
            if first_anniversary < valid_until:
                selftest = first_anniversary
        maintenance = None
        if category == "3000":
            start = last_maintained_on or commissioned_on
            maintenance = start + dt.timedelta(days=self.maintenance_days(on_demand, own_interval))
        return DueDates(
            registration_due=registration,
            inspection_valid_until=valid_until,
            inspection_request_by=self.request_by(valid_until) if valid_until else None,
            selftest_due=selftest,
            maintenance_due=maintenance,
        )

    def rescue_minutes(self) -> RuleValue:
        return self.get(RESCUE_ARRIVAL)
