"""Computing the computed indicators (计算指标) for a period, on the database or on Spark.

Every definition an app declares (:func:`zhijian.core.hooks.indicator_sources`) is one Ibis
expression: here it runs on the application database (compiled to its dialect and executed on
Django's connection) or on a :class:`~zhijian.core.analytics.ParquetEngine` (Spark, DuckDB) fed
with Parquet exports of the same tables. One query per indicator and period answers every
county-level jurisdiction at once; the city's value is summed from them.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import ibis.expr.operations as ops
from django.db import connection, transaction
from django.utils import timezone

from zhijian.core import audit
from zhijian.core.access import require
from zhijian.core.analytics import ParquetEngine, batch_memory, compile_sql
from zhijian.core.hooks import IndicatorSource, indicator_sources
from zhijian.core.models import Jurisdiction

from ..models import ComputedValue

FOUR_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class Figure:
    """One computed figure: a jurisdiction's numerator, denominator and value for a period."""

    code: str
    jurisdiction_id: int
    numerator: int
    denominator: int | None
    value: Decimal | None


def definitions() -> dict[str, IndicatorSource]:
    return indicator_sources()


def unbound_tables(expr) -> list:
    """The application tables an expression reads (what a Parquet engine must be given)."""
    return [op.to_expr() for op in expr.op().find(ops.UnboundTable)]


def run(expr, engine: ParquetEngine | None = None, sql: str | None = None) -> list[tuple]:
    """The rows of ``expr`` (or of its already compiled ``sql``): on the database, or on ``engine``."""
    if engine is not None:
        for table in unbound_tables(expr):
            engine.register(table)
        return list(engine.batches(expr))
    sql = sql if sql is not None else compile_sql(expr)
    with connection.cursor() as cursor:
        cursor.execute(sql.replace("%", "%%"), [])
        return cursor.fetchall()


# Compiling an Ibis expression costs tens to hundreds of milliseconds, more than running most of
# them; a batch over many periods compiles each definition once with placeholder dates and puts
# each period's dates into the SQL text. Placeholders are dates no real period has.
PLACEHOLDER_START, PLACEHOLDER_END = dt.date(1788, 2, 3), dt.date(1789, 4, 5)
_compiled: dict[tuple[str, str, int | None], str | None] = {}


def _date_forms(day: dt.date) -> list[str]:
    return [f"MAKE_DATE({day.year}, {day.month}, {day.day})", f"'{day.isoformat()}'"]


def sql_for(code: str, start: dt.date, end: dt.date, district_id: int | None) -> str:
    """The SQL of ``code`` for the period, from a compilation cached per definition and dialect.

    Falls back to compiling afresh when the placeholder compilation does not show both dates (a
    definition that reads its dates other than as values of its expression).
    """
    key = (code, connection.vendor, district_id)
    if key not in _compiled:
        template = compile_sql(definitions()[code].compute(PLACEHOLDER_START, PLACEHOLDER_END, district_id))
        starts = sum(template.count(form) for form in _date_forms(PLACEHOLDER_START))
        ends = sum(template.count(form) for form in _date_forms(PLACEHOLDER_END))
        _compiled[key] = template if starts or ends else None
    template = _compiled[key]
    if template is None:
        return compile_sql(definitions()[code].compute(start, end, district_id))
    for placeholder, day in ((PLACEHOLDER_START, start), (PLACEHOLDER_END, end)):
        for form, real in zip(_date_forms(placeholder), _date_forms(day), strict=True):
            template = template.replace(form, real)
    # a year read from the period (e.g. the population figure's year) is an integer literal
    return template.replace(str(PLACEHOLDER_END.year), str(end.year)).replace(
        str(PLACEHOLDER_START.year), str(start.year)
    )


def value_of(
    definition: IndicatorSource, numerator: int | None, denominator: int | None, start: dt.date, end: dt.date
) -> Decimal | None:
    """``numerator × scale ÷ denominator`` (annualised for a part-year), to four places."""
    if numerator is None or (denominator is not None and denominator == 0):
        return None
    value = Decimal(int(numerator)) * definition.scale
    if denominator is not None:
        value /= Decimal(int(denominator))
    days = (end - start).days + 1
    if definition.annualise and days < 365:
        value = value * Decimal(365) / Decimal(days)
    return value.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)


def _is_ratio(definition: IndicatorSource, rows: Sequence[tuple]) -> bool:
    return definition.city_denominator == "same" or any(r[2] is not None for r in rows)


def compute(
    code: str,
    start: dt.date,
    end: dt.date,
    district_id: int | None = None,
    *,
    engine: ParquetEngine | None = None,
    city: Jurisdiction | None = None,
) -> list[Figure]:
    """Figures of indicator ``code`` for the period: one per county-level jurisdiction with records,
    and the city's (unless ``district_id`` narrows to one jurisdiction)."""
    definition = definitions()[code]
    if engine is None:
        everything = run(None, sql=sql_for(code, start, end, district_id))
    else:
        everything = run(definition.compute(start, end, district_id), engine)
    rows = [r for r in everything if r[0] is not None]
    total = next((r for r in everything if r[0] is None), None)
    figures = [
        Figure(
            code,
            int(d),
            int(n or 0),
            None if den is None else int(den),
            value_of(definition, n or 0, den, start, end),
        )
        for d, n, den in rows
    ]
    if district_id is None:
        city = city or Jurisdiction.objects.get(level=Jurisdiction.Level.CITY)
        figures = [f for f in figures if f.jurisdiction_id != city.pk]
        numerator = sum(int(r[1] or 0) for r in rows)
        denominator: int | None
        if total is not None:  # the definition's own city-wide figure (numerators that do not add up)
            numerator, denominator = int(total[1] or 0), None if total[2] is None else int(total[2])
        elif not _is_ratio(definition, rows):
            denominator = None
        elif definition.city_denominator == "same":
            denominator = max((int(r[2] or 0) for r in rows), default=0) or None
        else:
            denominator = sum(int(r[2]) for r in rows if r[2] is not None) or None
        city_value = value_of(definition, numerator, denominator, start, end)
        if _is_ratio(definition, rows) and denominator is None:
            city_value = None
        figures.append(Figure(code, city.pk, numerator, denominator, city_value))
    return figures


def stock_series(
    code: str,
    periods: list[tuple[dt.date, dt.date]],
    *,
    engine: ParquetEngine | None = None,
    city: Jurisdiction | None = None,
) -> dict[tuple[dt.date, dt.date], list[Figure]]:
    """Figures of a stock indicator for many periods from one read of its daily changes."""
    definition = definitions()[code]
    last = max(end for _, end in periods)
    rows = run(definition.changes(last, None), engine)
    city = city or Jurisdiction.objects.get(level=Jurisdiction.Level.CITY)
    by_unit: dict[int, list[tuple[dt.date, int]]] = {}
    for district, day, delta in rows:
        if district is not None:
            by_unit.setdefault(int(district), []).append((_as_date(day), int(delta)))
    cumulative: dict[int, tuple[list[dt.date], list[int]]] = {}
    for unit, changes in by_unit.items():
        changes.sort()
        days, totals, running = [], [], 0
        for day, delta in changes:
            running += delta
            days.append(day)
            totals.append(running)
        cumulative[unit] = (days, totals)
    out = {}
    for start, end in periods:
        figures, city_total = [], 0
        for unit, (days, totals) in cumulative.items():
            at = bisect_right(days, end)
            count = totals[at - 1] if at else 0
            city_total += count
            if unit != city.pk:
                figures.append(Figure(code, unit, count, None, value_of(definition, count, None, start, end)))
        figures.append(
            Figure(code, city.pk, city_total, None, value_of(definition, city_total, None, start, end))
        )
        out[(start, end)] = figures
    return out


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def compute_values(
    *,
    actor,
    start: dt.date | None = None,
    end: dt.date | None = None,
    periods: list[tuple[dt.date, dt.date]] | None = None,
    codes: Iterable[str] | None = None,
    engine: ParquetEngine | None = None,
) -> int:
    """Recompute and store the figures of ``codes`` (every computed indicator) for one period
    (``start``–``end``) or many (``periods``), in one transaction. A stock indicator with
    ``changes`` reads its tables once for all the periods."""
    require(actor, "indicators.compute")
    periods = list(periods or [(start, end)])
    codes = list(codes or definitions())
    city = Jurisdiction.objects.get(level=Jurisdiction.Level.CITY)
    now = timezone.now()
    with transaction.atomic(), batch_memory():
        made: list[ComputedValue] = []

        def keep(code, period, figures):
            made.extend(
                ComputedValue(
                    code=code,
                    jurisdiction_id=f.jurisdiction_id,
                    period_start=period[0],
                    period_end=period[1],
                    numerator=f.numerator,
                    denominator=f.denominator,
                    value=f.value,
                    computed_at=now,
                )
                for f in figures
            )

        for code in codes:
            if definitions()[code].changes is not None and len(periods) > 1:
                for period, figures in stock_series(code, periods, engine=engine, city=city).items():
                    keep(code, period, figures)
                continue
            for period in periods:
                keep(code, period, compute(code, period[0], period[1], engine=engine, city=city))
        for period_start, period_end in periods:
            ComputedValue.objects.filter(
                code__in=codes, period_start=period_start, period_end=period_end
            ).delete()
        ComputedValue.objects.bulk_create(made, batch_size=5000)
        audit.record(
            actor,
            audit.Change(
                "indicators.values.compute",
                "ComputedValue",
                f"{periods[0][0].isoformat()}/{periods[-1][1].isoformat()}",
                None,
                {"codes": codes, "periods": len(periods), "rows": len(made)},
            ),
        )
    return len(made)
