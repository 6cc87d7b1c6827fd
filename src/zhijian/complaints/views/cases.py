"""Officers' pages: the landing page with figures and chart, the case list and export, a case with its
time limits and actions, staff entry of phone and walk-in cases."""

from __future__ import annotations

import datetime as dt
import io
import json

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from zhijian.core.access import policy_view
from zhijian.core.models import Jurisdiction, Role, User
from zhijian.core.reference import county_units
from zhijian.core.scoping import CHANGE, can
from zhijian.registry.exports import safe_cell
from zhijian.registry.views import page_of

from .. import deadlines, queries
from ..duplicates import duplicate_candidates
from ..forms import case_in_from
from ..models import (
    Case,
    Category,
    Channel,
    Kind,
    NotAcceptedGround,
    Outcome,
    Status,
    TerminationGround,
)
from ..privacy import UnmaskRefused, may_unmask, person_of, unmask
from ..services import ComplaintsError, handling, routing
from ..services.intake import file_case
from ._common import case_for, day


@policy_view("complaints.read")
def home(request):
    """The officers' landing page: to-dos, the table 2-1 figures of the year and the monthly chart."""
    today = timezone.localdate()
    start = dt.date(today.year, 1, 1)
    numbers = queries.figures(request.user, start, today)
    chart = {
        "months": [m for m, *_ in numbers["by_month"]],
        "complaints": [c for _m, c, _r, _e in numbers["by_month"]],
        "reports": [r for _m, _c, r, _e in numbers["by_month"]],
        "enquiries": [e for _m, _c, _r, e in numbers["by_month"]],
    }
    return render(
        request,
        "complaints/home.html",
        {"todos": queries.todos(request.user, today), "f": numbers, "chart": json.dumps(chart)},
    )


@policy_view("complaints.read")
def case_list(request):
    flt = queries.CaseFilter.from_params(request.GET)
    cases, page, has_next = page_of(queries.search_cases(request.user, flt), request.GET)
    today = timezone.localdate()
    for case in cases:
        case.current_due = queries.current_due(case)
        case.overdue = case.current_due is not None and case.current_due < today
    return render(
        request,
        "complaints/case_list.html",
        {
            "flt": flt,
            "cases": cases,
            "page": page,
            "has_next": has_next,
            "query": flt.as_params(),
            "statuses": Status.choices,
            "kinds": Kind.choices,
            "categories": Category.choices,
            "jurisdictions": county_units(),
        },
    )


EXPORT_COLUMNS = (
    "查询码",
    "类别",
    "渠道",
    "登记日期",
    "适用程序",
    "投诉举报人",
    "联系电话",
    "被投诉举报对象",
    "统一社会信用代码",
    "商品服务类别",
    "标题",
    "承办单位",
    "状态",
    "处理结果",
    "挽回经济损失（元）",
)


@policy_view("complaints.read")
def case_export(request):
    """The list as XLSX; personal data masked for every role (the export leaves the handler's hands)."""
    import openpyxl

    flt = queries.CaseFilter.from_params(request.GET)
    rows = list(queries.search_cases(request.user, flt)[: settings.EXPORT_MAX_ROWS + 1])
    if len(rows) > settings.EXPORT_MAX_ROWS:
        messages.error(request, f"超过{settings.EXPORT_MAX_ROWS}行，请缩小查询范围后再导出")
        return redirect("complaints:case_list")
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("投诉举报")
    sheet.append(EXPORT_COLUMNS)
    for case in rows:
        person = person_of(case)
        sheet.append(
            [
                safe_cell(v)
                for v in (
                    case.code,
                    case.get_kind_display(),
                    case.get_channel_display(),
                    case.received_on,
                    case.get_rule_version_display(),
                    person.name,
                    person.phone,
                    case.respondent_name,
                    case.respondent_uscc,
                    case.get_category_display(),
                    case.subject,
                    case.jurisdiction.name,
                    case.get_status_display(),
                    case.get_outcome_display(),
                    case.amount_recovered,
                )
            ]
        )
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="complaints.xlsx"'
    return response


def _detail_context(request, case: Case, person) -> dict:
    editable = case.is_open and can(request.user, case, CHANGE)
    handlers = []
    if editable:
        handlers = User.objects.filter(
            role__in=[Role.DISTRICT, Role.INSPECTOR],
            is_active=True,
            jurisdiction__district_id=case.jurisdiction_id,
        ).order_by("username")[:50]
    return {
        "case": case,
        "person": person,
        "may_unmask": may_unmask(request.user, case),
        "deadlines": deadlines.deadline_rows(case),
        "candidates": duplicate_candidates(case) if case.is_open else [],
        "steps": case.steps.all(),
        "mediations": case.mediations.all(),
        "transfers": case.transfers.select_related("from_unit", "to_unit"),
        "disputes": case.disputes.select_related("other_unit", "decided_unit"),
        "pauses": case.pauses.all(),
        "merged": case.merged_cases.all(),
        "editable": editable,
        "closed_editable": not case.is_open and can(request.user, case, CHANGE),
        "units": county_units().exclude(pk=case.jurisdiction_id),
        "offices": Jurisdiction.objects.filter(level="office", district_id=case.jurisdiction_id),
        "handlers": handlers,
        "not_accepted_grounds": NotAcceptedGround.choices,
        "termination_grounds": TerminationGround.choices,
        "today": timezone.localdate(),
        "Outcome": Outcome,
    }


@policy_view("complaints.read")
def case_detail(request, pk: int):
    case = case_for(request, pk)
    return render(request, "complaints/case_detail.html", _detail_context(request, case, person_of(case)))


@policy_view("complaints.read")
@require_POST
def case_unmask(request, pk: int):
    """The handling officer sees the person in full; the viewing is audited."""
    case = case_for(request, pk)
    try:
        person = unmask(actor=request.user, case=case, reason=request.POST.get("reason", ""))
    except UnmaskRefused as exc:
        messages.error(request, str(exc))
        return redirect("complaints:case_detail", pk=pk)
    return render(request, "complaints/case_detail.html", _detail_context(request, case, person))


def _act(request, case: Case, action: str):
    p, user, today = request.POST, request.user, timezone.localdate()
    if action == "accept":
        return handling.accept_case(actor=user, case=case, on=day(p.get("on"), today)), "已受理"
    if action == "reject":
        handling.reject_case(
            actor=user,
            case=case,
            on=day(p.get("on"), today),
            ground=p.get("ground", ""),
            note=p.get("note", ""),
        )
        return None, "已作出不予受理决定"
    if action == "mediate":
        handling.record_mediation(
            actor=user,
            case=case,
            held_on=day(p.get("held_on"), today),
            agreed=p.get("agreed") == "1",
            note=p.get("note", ""),
            amount=p.get("amount") or "0",
            method=p.get("method") or "电话调解",
        )
        return None, "已记录调解"
    if action == "pause":
        handling.pause_clock(
            actor=user, case=case, reason=p.get("reason", ""), started_on=day(p.get("on"), today)
        )
        return None, "已中止计时"
    if action == "resume":
        handling.resume_clock(actor=user, case=case, ended_on=day(p.get("on"), today))
        return None, "已恢复计时"
    if action == "close":
        handling.close_case(
            actor=user,
            case=case,
            on=day(p.get("on"), today),
            outcome=p.get("outcome", ""),
            result_text=p.get("result_text", ""),
            termination_ground=p.get("termination_ground", ""),
            amount=p.get("amount") or None,
        )
        return None, "已办结"
    if action == "decide":
        handling.decide_report(
            actor=user,
            case=case,
            on=day(p.get("on"), today),
            filed=p.get("filed") == "1",
            decision_no=p.get("decision_no", ""),
            note=p.get("note", ""),
        )
        return None, "已作出决定"
    if action == "extend":
        handling.extend_verification(actor=user, case=case, reason=p.get("reason", ""))
        return None, "已延长核查期限"
    if action == "tell_reporter":
        handling.tell_reporter(actor=user, case=case, on=day(p.get("on"), today))
        return None, "已记录告知举报人"
    if action == "tell_parties":
        handling.tell_parties(actor=user, case=case, on=day(p.get("on"), today))
        return None, "已记录告知当事人"
    if action == "leave_repeated":
        handling.leave_repeated_report(actor=user, case=case, on=day(p.get("on"), today))
        return None, "重复举报，不再处理"
    if action == "transfer":
        to = Jurisdiction.objects.filter(pk=p.get("to_unit") or 0).first()
        if to is None:
            raise ComplaintsError("bad_unit", "请选择移送单位")
        routing.transfer_case(actor=user, case=case, to_unit=to, reason=p.get("reason", ""), on=today)
        return None, f"已移送{to.name}"
    if action == "dispute":
        other = Jurisdiction.objects.filter(pk=p.get("other_unit") or 0).first()
        if other is None:
            raise ComplaintsError("bad_unit", "请选择争议对方单位")
        routing.raise_dispute(actor=user, case=case, other_unit=other, reason=p.get("reason", ""), on=today)
        return None, "已报请市局指定管辖"
    if action == "assign":
        handler = User.objects.filter(pk=p.get("handler") or 0).first()
        office = Jurisdiction.objects.filter(pk=p.get("office") or 0).first()
        routing.assign_case(actor=user, case=case, handler=handler, office=office)
        return None, "已分派"
    if action == "merge":
        into = Case.objects.filter(code=p.get("into", "").strip().upper()).first()
        if into is None or not can(user, into, CHANGE):
            raise ComplaintsError("bad_case", "请填写本单位可办理的主件查询码")
        handling.merge_cases(actor=user, case=case, into=into, reason=p.get("reason", ""), on=today)
        return None, f"已并入{into.code}"
    raise ComplaintsError("bad_action", "未知操作")


ACTIONS = {
    "accept",
    "reject",
    "mediate",
    "pause",
    "resume",
    "close",
    "decide",
    "extend",
    "tell_reporter",
    "tell_parties",
    "leave_repeated",
    "transfer",
    "dispute",
    "assign",
    "merge",
}


@policy_view("complaints.read")
@require_POST
def case_action(request, pk: int, action: str):
    """Every officer action on a case: the case must be in the officer's scope to change (else 404)."""
    if action not in ACTIONS:
        return HttpResponse(status=404)
    case = case_for(request, pk, CHANGE)
    try:
        _result, message = _act(request, case, action)
    except ComplaintsError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, message)
    return redirect("complaints:case_detail", pk=case.pk)


@policy_view("complaints.handle")
@require_http_methods(["GET", "POST"])
def case_new(request):
    """Staff entry of a phone call or a walk-in (电话、来访登记)."""
    context = {
        "kinds": Kind.choices,
        "categories": Category.choices,
        "channels": [(Channel.PHONE, Channel.PHONE.label), (Channel.WALK_IN, Channel.WALK_IN.label)],
        "places": county_units(),
        "post": {},
        "errors": {},
    }
    if request.method == "POST":
        channel = request.POST.get("channel", Channel.PHONE)
        if channel not in (Channel.PHONE, Channel.WALK_IN):
            channel = Channel.PHONE
        try:
            received = day(request.POST.get("received_on"), timezone.localdate())
            case, _ = file_case(
                actor=request.user, data=case_in_from(request.POST, received_on=received), channel=channel
            )
        except ComplaintsError as exc:
            context.update(post=request.POST, errors=exc.fields, message=exc.message)
            return render(request, "complaints/case_new.html", context, status=400)
        messages.success(request, f"已登记，查询码 {case.code}")
        if can(request.user, case):
            return redirect("complaints:case_detail", pk=case.pk)
        return redirect("complaints:case_list")
    return render(request, "complaints/case_new.html", context)
