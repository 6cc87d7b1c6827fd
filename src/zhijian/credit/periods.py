"""Calendar periods of rule data (months, years) added to dates; working days live in core.workdays."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months; the 31st of a shorter month becomes its last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def add_period(day: dt.date, rule) -> dt.date:
    """``day`` plus the period of a rule counted in days, months or years."""
    value = int(rule.value)
    if rule.unit == "days":
        return day + dt.timedelta(days=value)
    if rule.unit == "months":
        return add_months(day, value)
    if rule.unit == "years":
        return add_months(day, 12 * value)
    raise ValueError(f"rule {rule.key} is counted in {rule.unit}, not a calendar period")
