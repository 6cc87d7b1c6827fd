"""Reported values: the list (待审核, mine, locked), report, approve, return, correct."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhijian.core.access import policy_view
from zhijian.core.errors import FAILED, attempt
from zhijian.core.models import Jurisdiction
from zhijian.core.params import text_param
from zhijian.core.scoping import VIEW, get_scoped
from zhijian.core.uploads import upload_limit

from ..forms import CorrectionForm, ReportForm, ReviewForm
from ..models import ReportedValue, ValueStatus
from ..queries import visible_reported, visible_units
from ..services import reporting
from .catalogue import _on, indicator_or_404, indicator_page


@policy_view("indicators.view")
def value_list(request):
    rows = visible_reported(request.user)
    status = text_param(request.GET, "status")
    if status in ValueStatus.values:
        rows = rows.filter(status=status)
    return render(
        request,
        "indicators/values.html",
        {
            "rows": rows[:200],
            "status": status,
            "statuses": ValueStatus.choices,
            "may_approve": reporting.may_approve(request.user),
        },
    )


@policy_view("indicators.report")
@upload_limit("indicators.evidence")
@require_POST
def report(request, code: str):
    indicator = indicator_or_404(code, _on(request))
    units = [u for u in visible_units(request.user) if reporting.may_report(request.user, indicator, u)]
    form = ReportForm(request.POST, request.FILES, units=units)
    if form.is_valid():
        data = form.cleaned_data
        row = attempt(
            request,
            reporting.report_value,
            actor=request.user,
            indicator=indicator,
            jurisdiction=Jurisdiction.objects.get(pk=data["jurisdiction"]),
            period_start=data["period_start"],
            period_end=data["period_end"],
            value=data["value"],
            evidence_note=data["evidence_note"],
            evidence_file=data["evidence_file"],
            miss_reason=data["miss_reason"],
            form=form,
            success="已提交，等待处室负责人审核",
        )
        if row is not FAILED:
            return redirect("indicators:value_detail", pk=row.pk)
    return indicator_page(request, code, form=form, status=400)


@policy_view("indicators.view")
def value_detail(request, pk: int):
    return _value_page(request, pk)


def _value_page(request, pk: int, *, status: int = 200, **bound):
    """A reported value with its review and correction forms; ``bound`` is a refused one, as typed."""
    row = get_scoped(
        ReportedValue.objects.select_related("jurisdiction", "reported_by", "reviewed_by", "supersedes"),
        request.user,
        VIEW,
        pk=pk,
    )
    chain = ReportedValue.objects.filter(
        code=row.code, jurisdiction=row.jurisdiction, period_start=row.period_start, period_end=row.period_end
    ).order_by("version")
    return render(
        request,
        "indicators/value_detail.html",
        {
            "row": row,
            "chain": chain,
            "review_form": ReviewForm(),
            "correction_form": CorrectionForm(initial={"value": row.value}),
            "may_approve": reporting.may_approve(request.user) and row.reported_by_id != request.user.pk,
            **bound,
        },
        status=status,
    )


def _review(request, pk: int, operation, success: str):
    row = get_scoped(ReportedValue.objects.all(), request.user, VIEW, pk=pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        done = attempt(
            request,
            operation,
            actor=request.user,
            row=row,
            note=form.cleaned_data["note"],
            form=form,
            success=success,
        )
        if done is not FAILED:
            return redirect("indicators:value_detail", pk=pk)
    return _value_page(request, pk, status=400, review_form=form)


@policy_view("indicators.approve")
@require_POST
def approve(request, pk: int):
    return _review(request, pk, reporting.approve_value, "已审核并锁定")


@policy_view("indicators.approve")
@require_POST
def return_(request, pk: int):
    return _review(request, pk, reporting.return_value, "已退回")


@policy_view("indicators.report")
@upload_limit("indicators.evidence")
@require_POST
def correct(request, pk: int):
    row = get_scoped(ReportedValue.objects.all(), request.user, VIEW, pk=pk)
    form = CorrectionForm(request.POST, request.FILES)
    if not form.is_valid():
        return _value_page(request, pk, status=400, correction_form=form)
    data = form.cleaned_data
    made = attempt(
        request,
        reporting.correct_value,
        actor=request.user,
        row=row,
        value=data["value"],
        reason=data["reason"],
        evidence_note=data["evidence_note"],
        evidence_file=data["evidence_file"],
        form=form,
        success="已提交更正（新版本），等待审核",
    )
    if made is FAILED:
        return _value_page(request, pk, status=400, correction_form=form)
    return redirect("indicators:value_detail", pk=made.pk)
