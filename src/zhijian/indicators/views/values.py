"""Reported values: the list (待审核, mine, locked), report, approve, return, correct."""

from __future__ import annotations

from django.contrib import messages
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
from .catalogue import _on, indicator_or_404


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
            success="已提交，等待处室负责人审核",
        )
        if row is not FAILED:
            return redirect("indicators:value_detail", pk=row.pk)
    else:
        messages.error(
            request,
            "填报内容有误："
            + "；".join(
                f"{form.fields[k].label}：{v[0]}" for k, v in form.errors.items() if k in form.fields
            ),
        )
    return redirect("indicators:indicator_detail", code=code)


@policy_view("indicators.view")
def value_detail(request, pk: int):
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
        },
    )


def _review(request, pk: int, operation, success: str):
    row = get_scoped(ReportedValue.objects.all(), request.user, VIEW, pk=pk)
    form = ReviewForm(request.POST)
    note = form.data.get("note", "")
    attempt(request, operation, actor=request.user, row=row, note=note, success=success)
    return redirect("indicators:value_detail", pk=pk)


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
        messages.error(request, "请填写更正后数值、更正原因和佐证说明")
        return redirect("indicators:value_detail", pk=pk)
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
        success="已提交更正（新版本），等待审核",
    )
    return redirect("indicators:value_detail", pk=pk if made is FAILED else made.pk)
