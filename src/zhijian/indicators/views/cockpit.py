"""The cockpit: the large screen (大屏, 1920×1080, refreshing itself) and the department view."""

from __future__ import annotations

import datetime as dt

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from zhijian.core.access import policy_view
from zhijian.core.hooks import indicator_sources
from zhijian.core.params import date_param

from ..composite import compute_index
from ..queries import city, county_units, readings, series, tasks_for, visible_units
from ..trajectory import LABELS, Trajectory

REFRESH_SECONDS = 60


def screen_data(user, on: dt.date) -> dict:
    """Everything the large screen draws, with the URL each figure drills to."""
    rows = readings(user, on)
    sources = indicator_sources()
    counts = [
        {
            "name": LABELS[key],
            "value": sum(1 for r in rows if r.status == key),
            "url": reverse("indicators:home") + f"?status={key}",
        }
        for key in LABELS
    ]
    place = city()
    trajectories = []
    for reading in rows:
        if reading.indicator.code not in sources:
            continue
        ind = reading.indicator
        years = range(max(on.year - 4, (ind.baseline_year or on.year - 4)), on.year + 1)
        values = series(user, ind, place, years)
        source = sources[ind.code]
        trajectories.append(
            {
                "code": ind.code,
                "name": ind.label,
                "status": reading.status,
                "status_label": reading.status_label,
                "years": [str(y) for y in years],
                "values": [None if v is None else float(v) for _, v in values],
                "path": [v for _, v in Trajectory.of(ind).points(years)],
                "target": None if ind.target_value is None else float(ind.target_value),
                "urls": [
                    source.records_url(dt.date(y, 1, 1), min(dt.date(y, 12, 31), on), None)
                    if source.records_url
                    else ""
                    for y in years
                ],
                "detail": reverse("indicators:indicator_detail", args=[ind.code]),
            }
        )
    visible = {u.pk for u in visible_units(user)}
    ranking = [r for r in compute_index(list(county_units()), on.year) if r.jurisdiction_id in visible]
    tasks = {}
    for task in tasks_for(user):
        entry = tasks.setdefault(task.major_task, {"done": 0, "open": 0, "overdue": 0})
        for milestone in task.milestones.all():
            if milestone.done_on:
                entry["done"] += 1
            elif milestone.due_on < on:
                entry["overdue"] += 1
            else:
                entry["open"] += 1
    return {
        "on": on.isoformat(),
        "refreshed": timezone.localtime().strftime("%Y-%m-%d %H:%M:%S"),
        "total": len(rows),
        "status": counts,
        "trajectories": trajectories,
        "ranking": {
            "names": [r.name for r in ranking],
            "values": [float(r.index) for r in ranking],
            "url": reverse("indicators:quality_index") + f"?year={on.year}",
        },
        "tasks": {
            "names": list(tasks),
            "done": [v["done"] for v in tasks.values()],
            "open": [v["open"] for v in tasks.values()],
            "overdue": [v["overdue"] for v in tasks.values()],
            "url": reverse("indicators:task_list"),
        },
    }


def _on(request) -> dt.date:
    return date_param(request.GET, "on") or timezone.localdate()


@policy_view("indicators.view")
def screen(request):
    return render(
        request,
        "indicators/screen.html",
        {"refresh": REFRESH_SECONDS, "on": _on(request), "data_url": reverse("indicators:screen_data")},
    )


@policy_view("indicators.view")
def screen_json(request):
    return JsonResponse(screen_data(request.user, _on(request)), json_dumps_params={"ensure_ascii": False})


@policy_view("indicators.view")
def department(request):
    """The department view: the indicators and tasks of the user's 处室 (or district)."""
    on = _on(request)
    user = request.user
    rows = readings(user, on)
    if getattr(user, "department_id", None):
        rows = [r for r in rows if r.indicator.department_id == user.department_id]
    return render(
        request,
        "indicators/department.html",
        {
            "rows": rows,
            "tasks": list(tasks_for(user))[:100],
            "on": on,
            "department": getattr(user, "department", None),
        },
    )
