"""Background tasks of the plan cockpit: recomputing the computed indicators for many periods."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from zhijian.core.access import SystemActor

from .queries import month_periods, year_period
from .services.computing import compute_values


def periods_of(first_year: int, last_year: int, today: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Every year and every month from ``first_year`` to ``last_year`` that has begun by ``today``
    (the current one up to ``today``)."""
    periods = [year_period(y) for y in range(first_year, last_year + 1)] + month_periods(
        first_year, last_year
    )
    return [(start, min(end, today)) for start, end in periods if start <= today]


def recompute(first_year: int, last_year: int, *, engine=None, today: dt.date | None = None) -> int:
    """Every computed indicator for every month and every year from ``first_year`` to ``last_year``."""
    actor = SystemActor("task:indicators-recompute")
    periods = periods_of(first_year, last_year, today or dt.date.today())
    return compute_values(actor=actor, periods=periods, engine=engine) if periods else 0


@task()
def recompute_task(first_year: int, last_year: int) -> dict:
    return {"rows": recompute(first_year, last_year)}
