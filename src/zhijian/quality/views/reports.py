"""Half-yearly progress reports (附件3): a district's reports, the city's summary, XLSX and PDF."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhijian.core.access import allows, policy_view
from zhijian.core.errors import FAILED, attempt
from zhijian.core.models import Jurisdiction, Role
from zhijian.core.params import choice_param, int_param
from zhijian.core.rules import MissingRule
from zhijian.core.scoping import VIEW, get_scoped, restrict, user_district_id

from .. import exports, services
from ..forms import NarrativeForm
from ..models import NARRATIVE_FIELDS, Period, ProgressReport
from ..services.common import today
from ..services.reports import city_summary, current_period, deadline_for, report_states

REPORT_VIEWERS = "quality.view"


def _period(request) -> tuple[int, str]:
    year, period = current_period(today())
    year = int_param(request.GET, "year", minimum=2000, maximum=2100) or year
    period = choice_param(request.GET, "period", Period.values, default=period)
    return year, period


@policy_view(REPORT_VIEWERS)
def report_list(request):
    year, period = _period(request)
    try:
        deadline = deadline_for(year, period)
    except MissingRule as exc:
        return render(request, "quality/report_missing_rule.html", {"message": str(exc)}, status=503)
    context = {"year": year, "period": period, "period_label": Period(period).label, "deadline": deadline}
    if allows(request.user, "quality.report.summary"):
        context["summary"] = city_summary(year, period)
        return render(request, "quality/report_summary.html", context)
    unit_id = user_district_id(request.user)
    if unit_id is None:
        raise PermissionDenied
    unit = Jurisdiction.objects.get(pk=unit_id)
    context["state"] = report_states(year, period, units=[unit])[0]
    context["reports"] = restrict(ProgressReport.objects.select_related("jurisdiction"), request.user, VIEW)
    context["may_prepare"] = request.user.role == Role.DISTRICT
    return render(request, "quality/report_list.html", context)


@require_POST
@policy_view("quality.report.prepare")
def report_generate(request):
    year, period = _period(request) if request.GET else current_period(today())
    if request.POST.get("year", "").isdigit():
        year = int(request.POST["year"])
    if request.POST.get("period") in Period.values:
        period = request.POST["period"]
    report = attempt(
        request,
        services.generate_report,
        actor=request.user,
        year=year,
        period=period,
        success="已根据本辖区数据生成报表",
    )
    if report is FAILED:
        return redirect("quality:report_list")
    return redirect("quality:report_detail", pk=report.pk)


@policy_view(REPORT_VIEWERS)
def report_detail(request, pk: int):
    report = get_scoped(ProgressReport.objects.select_related("jurisdiction"), request.user, VIEW, pk=pk)
    editable = request.user.role == Role.DISTRICT and report.status != "submitted"
    form = NarrativeForm(request.POST or None, initial=report.narrative) if editable else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            done = attempt(
                request,
                services.save_narrative,
                actor=request.user,
                report=report,
                narrative=form.cleaned_data,
                success="已保存情况说明",
            )
            if done is not FAILED:
                return redirect("quality:report_detail", pk=pk)
    rows = exports.report_rows(report)
    return render(
        request,
        "quality/report_detail.html",
        {
            "report": report,
            "rows": rows,
            "form": form,
            "narrative_fields": NARRATIVE_FIELDS,
            "overdue": report.status != "submitted" and today() > report.due_on,
        },
    )


@require_POST
@policy_view("quality.report.prepare")
def report_review(request, pk: int):
    report = get_scoped(ProgressReport.objects.all(), request.user, VIEW, pk=pk)
    attempt(request, services.review_report, actor=request.user, report=report, success="已审核")
    return redirect("quality:report_detail", pk=pk)


@require_POST
@policy_view("quality.report.prepare")
def report_submit(request, pk: int):
    report = get_scoped(ProgressReport.objects.all(), request.user, VIEW, pk=pk)
    attempt(request, services.submit_report, actor=request.user, report=report, success="已报送市局")
    return redirect("quality:report_detail", pk=pk)


def _file(content: bytes, name: str, kind: str) -> HttpResponse:
    types = {
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pdf": "application/pdf",
    }
    response = HttpResponse(content, content_type=types[kind])
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}.{kind}".replace(" ", "")
    return response


@policy_view(REPORT_VIEWERS)
def report_file(request, pk: int, kind: str):
    report = get_scoped(ProgressReport.objects.select_related("jurisdiction"), request.user, VIEW, pk=pk)
    if kind not in ("xlsx", "pdf"):
        raise Http404
    content = exports.report_xlsx(report) if kind == "xlsx" else exports.report_pdf(report)
    return _file(content, f"progress-{report.jurisdiction.code}-{report.year}-{report.period}", kind)


@policy_view("quality.report.summary")
def summary_file(request, year: int, period: str, kind: str):
    if kind not in ("xlsx", "pdf") or period not in Period.values:
        raise Http404
    summary = city_summary(year, period)
    content = exports.summary_xlsx(summary) if kind == "xlsx" else exports.summary_pdf(summary)
    return _file(content, f"progress-summary-{year}-{period}", kind)


@require_POST
@policy_view("quality.report.summary")
def remind(request):
    sent = attempt(request, services.send_reminders, actor=request.user)
    if sent is not FAILED:
        messages.success(
            request, f"已发送催报提醒 {sent} 条" if sent else "没有需要提醒的单位（或今日已提醒）"
        )
    return redirect("quality:report_list")
