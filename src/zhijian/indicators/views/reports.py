"""Evaluation (规划实施评估: HTML, XLSX, PDF) and the quality-development index with the district ranking."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from zhijian.core.access import policy_view
from zhijian.core.params import date_param, int_param, text_param

from .. import evaluation
from ..catalogue import PLANS
from ..composite import compute_index, scheme_for
from ..queries import county_units, visible_units

TABLES = {"s001": "表2-1"}


def _params(request):
    plan = text_param(request.GET, "plan") or "s001"
    if plan not in PLANS:
        plan = "s001"
    kind = text_param(request.GET, "kind") or "mid"
    default_end = {"mid": dt.date(2023, 12, 31), "final": dt.date(2025, 12, 31)}.get(
        kind, timezone.localdate()
    )
    end = date_param(request.GET, "end") or default_end
    label = {"mid": "中期", "final": "终期"}.get(kind, "")
    return plan, end, label


def _rows(request):
    plan, end, label = _params(request)
    rows = evaluation.evaluate(plan, TABLES.get(plan), end)
    title = evaluation.title_for(PLANS[plan]["title"], end, label)
    return plan, end, rows, title


@policy_view("indicators.view")
def evaluation_page(request):
    plan, end, rows, title = _rows(request)
    return render(
        request,
        "indicators/evaluation.html",
        {
            "rows": rows,
            "title": title,
            "plan": plan,
            "end": end,
            "plans": PLANS,
            "query": request.GET.urlencode(),
        },
    )


@policy_view("indicators.view")
def evaluation_xlsx(request):
    _, end, rows, title = _rows(request)
    response = HttpResponse(
        evaluation.to_xlsx(title, rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="evaluation-{end.isoformat()}.xlsx"'
    return response


@policy_view("indicators.view")
def evaluation_pdf(request):
    _, end, rows, title = _rows(request)
    response = HttpResponse(evaluation.to_pdf(title, rows), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="evaluation-{end.isoformat()}.pdf"'
    return response


@policy_view("indicators.view")
def quality_index(request):
    year = int_param(request.GET, "year", minimum=2000, maximum=2100) or timezone.localdate().year
    visible = {u.pk for u in visible_units(request.user)}
    rows = [r for r in compute_index(list(county_units()), year) if r.jurisdiction_id in visible]
    return render(
        request,
        "indicators/index.html",
        {"rows": rows, "year": year, "scheme": scheme_for(year), "years": range(year - 3, year + 2)},
    )
