"""Background tasks of the plan cockpit: recomputing the computed indicators for many periods."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from zhijian.core.access import SystemActor

from .queries import month_periods, year_period
from .services.computing import compute_values


def recompute(first_year: int, last_year: int, *, engine=None, today: dt.date | None = None) -> int:
    """Every computed indicator for every month and every year from ``first_year`` to ``last_year``."""
    actor = SystemActor("task:indicators-recompute")
    today = today or dt.date.today()
    rows = 0
    for year in range(first_year, last_year + 1):
        start, end = year_period(year)
        if start <= today:
            rows += compute_values(actor=actor, start=start, end=min(end, today), engine=engine)
    for start, end in month_periods(first_year, last_year):
        if start <= today:
            rows += compute_values(actor=actor, start=start, end=min(end, today), engine=engine)
    return rows


@task()
def recompute_task(first_year: int, last_year: int) -> dict:
    return {"rows": recompute(first_year, last_year)}
