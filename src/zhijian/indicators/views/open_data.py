"""Open data (开放数据): the catalogue and the city's values as CSV, for anyone."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse

from zhijian.core.access import public_view

from ..catalogue import current_indicators
from ..models import ComputedValue, ReportedValue, ValueStatus

CATALOGUE_COLUMNS = [
    "code",
    "name",
    "unit",
    "group",
    "seed",
    "table",
    "row",
    "baseline_year",
    "baseline_value",
    "target_year",
    "target_value",
    "bound",
    "direction",
    "attribute",
    "department",
    "computed_by",
]
VALUE_COLUMNS = [
    "code",
    "jurisdiction",
    "period_start",
    "period_end",
    "source",
    "version",
    "value",
    "numerator",
    "denominator",
]


def _csv(name: str, header: list[str], rows) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def catalogue_rows():
    for i in current_indicators():
        yield [
            i.code,
            i.name,
            i.unit,
            i.group,
            i.seed,
            i.table,
            i.row,
            i.baseline_year or "",
            "" if i.baseline_value is None else i.baseline_value.normalize(),
            i.target_year,
            "" if i.target_value is None else i.target_value.normalize(),
            i.bound,
            i.direction,
            i.attribute,
            i.department.name if i.department else "",
            i.computed_by,
        ]


def public_value_rows():
    """City values only: computed, and reported ones once locked."""
    for r in (
        ComputedValue.objects.filter(jurisdiction__level="city")
        .select_related("jurisdiction")
        .order_by("code", "period_start", "period_end")
    ):
        yield [
            r.code,
            r.jurisdiction.code,
            r.period_start,
            r.period_end,
            "computed",
            "",
            r.value if r.value is not None else "",
            r.numerator,
            "" if r.denominator is None else r.denominator,
        ]
    for r in (
        ReportedValue.objects.filter(jurisdiction__level="city", status=ValueStatus.LOCKED)
        .select_related("jurisdiction")
        .order_by("code", "period_start")
    ):
        yield [
            r.code,
            r.jurisdiction.code,
            r.period_start,
            r.period_end,
            "reported",
            r.version,
            r.value,
            "",
            "",
        ]


@public_view
def catalogue_csv(request):
    return _csv("indicators.csv", CATALOGUE_COLUMNS, catalogue_rows())


@public_view
def values_csv(request):
    return _csv("indicator-values.csv", VALUE_COLUMNS, public_value_rows())
