"""The catalogue with each indicator's status, and an indicator's page (trajectory, districts, values)."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from zhijian.core.access import policy_view
from zhijian.core.hooks import indicator_sources
from zhijian.core.params import date_param, text_param

from ..catalogue import current_indicators
from ..forms import ReportForm
from ..models import PlanVersion
from ..queries import city, district_rows, readings, series, visible_reported, visible_units
from ..services.reporting import may_report
from ..trajectory import LABELS, Trajectory


def _on(request) -> dt.date:
    return date_param(request.GET, "on") or timezone.localdate()


@policy_view("indicators.view")
def home(request):
    on = _on(request)
    plan = text_param(request.GET, "plan")
    status = text_param(request.GET, "status")
    rows = readings(request.user, on)
    if plan:
        rows = [r for r in rows if r.indicator.version.plan == plan]
    if status in LABELS:
        rows = [r for r in rows if r.status == status]
    counts = {key: sum(1 for r in rows if r.status == key) for key in LABELS}
    return render(
        request,
        "indicators/home.html",
        {
            "rows": rows,
            "on": on,
            "plan": plan,
            "status": status,
            "plans": PlanVersion.objects.order_by("plan", "number"),
            "labels": LABELS,
            "counts": counts,
        },
    )


def indicator_or_404(code: str, on: dt.date):
    found = next((i for i in current_indicators(on) if i.code == code), None)
    if found is None:
        raise Http404
    return found


@policy_view("indicators.view")
def indicator_detail(request, code: str):
    return indicator_page(request, code)


def indicator_page(request, code: str, *, form=None, status: int = 200):
    """An indicator with the report form; ``form`` is a refused report shown again as typed."""
    on = _on(request)
    indicator = indicator_or_404(code, on)
    year = on.year
    first = indicator.baseline_year or max(indicator.target_year - 5, 2016)
    years = range(first, max(indicator.target_year, on.year) + 1)
    values = series(request.user, indicator, city(), years)
    path = Trajectory.of(indicator)
    chart = {
        "years": [str(y) for y in years],
        "values": [None if v is None else float(v) for _, v in values],
        "path": [v for _, v in path.points(years)],
        "target": None if indicator.target_value is None else float(indicator.target_value),
        "name": indicator.label,
    }
    districts = district_rows(request.user, indicator, year, on)
    chart["districts"] = {
        "names": [d["unit"].short_name or d["unit"].name for d in districts],
        "values": [None if d["value"] is None else float(d["value"]) for d in districts],
        "targets": [None if d["target"] is None else float(d["target"]) for d in districts],
        "urls": [d["records_url"] for d in districts],
    }
    source = indicator_sources().get(code)
    units = [u for u in visible_units(request.user) if may_report(request.user, indicator, u)]
    if form is None:
        form = ReportForm(
            units=units, initial={"period_start": dt.date(year, 1, 1), "period_end": dt.date(year, 12, 31)}
        )
    return render(
        request,
        "indicators/detail.html",
        {
            "indicator": indicator,
            "on": on,
            "source": source,
            "records_url": source.records_url(dt.date(year, 1, 1), on, None)
            if source and source.records_url
            else "",
            "chart_data": chart,
            "districts": districts,
            "values": visible_reported(request.user).filter(code=code)[:50],
            "form": form if units else None,
            "versions": indicator.version.__class__.objects.filter(plan=indicator.version.plan).order_by(
                "number"
            ),
        },
        status=status,
    )
