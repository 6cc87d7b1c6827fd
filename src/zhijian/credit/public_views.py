"""The public credit report (信用报告): no login, public records only."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from zhijian.core.scoping import VIEW, get_scoped
from zhijian.registry.models import PUBLIC_FIELDS, Entity

from .report import build_report, render_pdf


def _public_entity(uscc: str) -> Entity:
    return get_scoped(
        Entity.objects.select_related("jurisdiction").only(*PUBLIC_FIELDS, "jurisdiction__name"),
        None,
        VIEW,
        uscc=uscc.upper(),
    )


def credit_report(request, uscc: str):
    return render(request, "credit/report.html", {"report": build_report(_public_entity(uscc))})


def credit_report_pdf(request, uscc: str):
    report = build_report(_public_entity(uscc))
    response = HttpResponse(render_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="credit-report-{report.entity.uscc}.pdf"'
    return response
