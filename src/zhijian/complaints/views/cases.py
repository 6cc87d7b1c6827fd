"""Officers' pages: the landing page with figures and chart, the case list and export, a case with its
time limits and actions, staff entry of phone and walk-in cases."""

from __future__ import annotations

import datetime as dt
import io
import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from zhijian.core.access import policy_view
from zhijian.core.errors import FAILED, attempt
from zhijian.core.lists import Sort, paginate, visible_districts
from zhijian.core.models import Jurisdiction, Role, User
from zhijian.core.reference import county_units
from zhijian.core.scoping import CHANGE, can
from zhijian.registry.exports import safe_cell

from .. import deadlines, queries
from ..duplicates import duplicate_candidates
from ..forms import (
    AcceptForm,
    AnswerForm,
    AssignForm,
    CloseForm,
    DayForm,
    DecideForm,
    DisputeForm,
    ExtendForm,
    MediateForm,
    MergeForm,
    PauseForm,
    RejectForm,
    ResumeForm,
    StaffFilingForm,
    TransferForm,
)
from ..models import Case, Category, Kind, Outcome, RuleVersion, Status
from ..privacy import UnmaskRefused, may_unmask, person_of, unmask
from ..services import ComplaintsError, handling, routing
from ..services.intake import file_case
from ._common import case_for


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


CASE_SORTS = {"received_on": Sort("登记", ("received_on", "id"))}


@policy_view("complaints.read")
def case_list(request):
    flt = queries.CaseFilter.from_params(request.GET)
    page = paginate(
        request,
        queries.search_cases(request.user, flt),
        sorts=CASE_SORTS,
        params=flt.as_params(),
        bounded_sorts=True,  # a city's year of cases keeps its newest-first order; a filtered list sorts
    )
    cases = page.rows
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
            "query": flt.as_params(),
            "statuses": Status.choices,
            "kinds": Kind.choices,
            "categories": Category.choices,
            "jurisdictions": visible_districts(request.user, county_units()),
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


def _shown_actions(case: Case, editable: bool, closed_editable: bool) -> set[str]:
    """The actions the case page offers now: one place decides, the template and a refusal both ask it."""
    shown: set[str] = set()
    if editable:
        if case.status == Status.RECEIVED and case.kind == Kind.COMPLAINT:
            shown |= {"accept", "reject"}
        if case.status in (Status.ACCEPTED, Status.MEDIATING):
            shown |= {"mediate", "close", "pause", "resume"}
        if case.kind == Kind.ENQUIRY:
            shown.add("close")
        if case.kind == Kind.REPORT:
            shown |= {"decide", "extend"}
            if case.repeated_report and case.rule_version == RuleVersion.ORDER_121:
                shown.add("leave_repeated")
        shown |= {"assign", "transfer", "dispute", "merge"}
    if closed_editable and case.outcome == Outcome.TERMINATED and not case.parties_told_on:
        shown.add("tell_parties")
    if (
        closed_editable
        and case.kind == Kind.REPORT
        and not case.anonymous
        and not case.reporter_told_on
        and case.status == Status.CLOSED
    ):
        shown.add("tell_reporter")
    return shown


def _handlers(case: Case):
    return User.objects.filter(
        role__in=[Role.DISTRICT, Role.INSPECTOR],
        is_active=True,
        jurisdiction__district_id=case.jurisdiction_id,
    ).order_by("username")


def _action_form(action: str, case: Case, data=None, candidates=()) -> forms.Form:
    """The form of one action, unbound or bound to what was posted. Ids are prefixed with the action
    (several forms on the page have an ``on`` or a ``reason``); the posted names stay the services'."""
    kwargs: dict = {"auto_id": f"id_{action}_%s"}
    form_class: type[forms.Form]
    if action == "close":
        form_class = AnswerForm if case.kind == Kind.ENQUIRY else CloseForm
    elif action in ("tell_parties", "tell_reporter", "leave_repeated"):
        form_class = DayForm
        kwargs["label"] = "日期" if action == "leave_repeated" else "告知日期"
    else:
        form_class = ACTION_FORMS[action]
    if action == "assign":
        kwargs["handlers"] = _handlers(case)
        kwargs["offices"] = Jurisdiction.objects.filter(level="office", district_id=case.jurisdiction_id)
    elif action in ("transfer", "dispute"):
        kwargs["units"] = county_units().exclude(pk=case.jurisdiction_id)
    if data is None:
        if action == "assign":
            kwargs["initial"] = {"handler": case.handler_id, "office": case.office_id}
        elif action == "merge" and candidates:
            kwargs["initial"] = {"into": candidates[0].code}
        return form_class(**kwargs)
    return form_class(data, **kwargs)


def _case_page(
    request, case: Case, person, *, status: int = 200, refused: tuple[str, forms.Form] | None = None
):
    """The case with its action forms; ``refused`` is a refused action's bound form, shown again with
    what was typed and its errors beside the fields (a form the case no longer offers: in the messages)."""
    editable = case.is_open and can(request.user, case, CHANGE)
    closed_editable = not case.is_open and can(request.user, case, CHANGE)
    candidates = duplicate_candidates(case) if case.is_open else []
    shown = _shown_actions(case, editable, closed_editable)
    action_forms = {action: _action_form(action, case, candidates=candidates) for action in shown}
    if refused is not None:
        action, form = refused
        if action in shown:
            action_forms[action] = form
        else:
            for errors in form.errors.values():
                messages.error(request, "；".join(str(e) for e in errors))
    return render(
        request,
        "complaints/case_detail.html",
        {
            "case": case,
            "person": person,
            "may_unmask": may_unmask(request.user, case),
            "deadlines": deadlines.deadline_rows(case),
            "candidates": candidates,
            "steps": case.steps.all(),
            "mediations": case.mediations.all(),
            "transfers": case.transfers.select_related("from_unit", "to_unit"),
            "disputes": case.disputes.select_related("other_unit", "decided_unit"),
            "pauses": case.pauses.all(),
            "merged": case.merged_cases.all(),
            "editable": editable,
            "shown": shown,
            "forms": action_forms,
        },
        status=status,
    )


@policy_view("complaints.read")
def case_detail(request, pk: int):
    case = case_for(request, pk)
    return _case_page(request, case, person_of(case))


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
    return _case_page(request, case, person)


ACTION_FORMS: dict[str, type[forms.Form]] = {
    "accept": AcceptForm,
    "reject": RejectForm,
    "mediate": MediateForm,
    "pause": PauseForm,
    "resume": ResumeForm,
    "close": CloseForm,
    "decide": DecideForm,
    "extend": ExtendForm,
    "tell_reporter": DayForm,
    "tell_parties": DayForm,
    "leave_repeated": DayForm,
    "transfer": TransferForm,
    "dispute": DisputeForm,
    "assign": AssignForm,
    "merge": MergeForm,
}


def _act(user, case: Case, action: str, d: dict) -> str:
    """Run one action with the form's cleaned data; the success message."""
    today = timezone.localdate()
    if action == "accept":
        handling.accept_case(actor=user, case=case, on=d["on"])
        return "已受理"
    if action == "reject":
        handling.reject_case(actor=user, case=case, on=d["on"], ground=d["ground"], note=d["note"])
        return "已作出不予受理决定"
    if action == "mediate":
        handling.record_mediation(
            actor=user,
            case=case,
            held_on=d["held_on"],
            agreed=d["agreed"],
            note=d["note"],
            amount=d["amount"] if d["amount"] is not None else "0",
            method=d["method"],
        )
        return "已记录调解"
    if action == "pause":
        handling.pause_clock(actor=user, case=case, reason=d["reason"], started_on=d["started_on"])
        return "已中止计时"
    if action == "resume":
        handling.resume_clock(actor=user, case=case, ended_on=d["ended_on"])
        return "已恢复计时"
    if action == "close":
        if case.kind == Kind.ENQUIRY:
            handling.close_case(
                actor=user, case=case, on=d["on"], outcome=Outcome.ANSWERED, result_text=d["result_text"]
            )
            return "已答复"
        handling.close_case(
            actor=user,
            case=case,
            on=d["on"],
            outcome=d["outcome"],
            result_text=d["result_text"],
            termination_ground=d["termination_ground"],
        )
        return "已办结"
    if action == "decide":
        handling.decide_report(
            actor=user, case=case, on=d["on"], filed=d["filed"], decision_no=d["decision_no"], note=d["note"]
        )
        return "已作出决定"
    if action == "extend":
        handling.extend_verification(actor=user, case=case, reason=d["reason"])
        return "已延长核查期限"
    if action == "tell_reporter":
        handling.tell_reporter(actor=user, case=case, on=d["on"])
        return "已记录告知举报人"
    if action == "tell_parties":
        handling.tell_parties(actor=user, case=case, on=d["on"])
        return "已记录告知当事人"
    if action == "leave_repeated":
        handling.leave_repeated_report(actor=user, case=case, on=d["on"])
        return "重复举报，不再处理"
    if action == "transfer":
        routing.transfer_case(actor=user, case=case, to_unit=d["to_unit"], reason=d["reason"], on=today)
        return f"已移送{d['to_unit'].name}"
    if action == "dispute":
        routing.raise_dispute(actor=user, case=case, other_unit=d["other_unit"], reason=d["reason"], on=today)
        return "已报请市局指定管辖"
    if action == "assign":
        routing.assign_case(actor=user, case=case, handler=d["handler"], office=d["office"])
        return "已分派"
    if action == "merge":
        into = Case.objects.filter(code=d["into"]).first() if d["into"] else None
        if into is None or not can(user, into, CHANGE):
            message = "请填写本单位可办理的主件查询码"
            raise ComplaintsError("bad_case", message, {"into": message})
        handling.merge_cases(actor=user, case=case, into=into, reason=d["reason"], on=today)
        return f"已并入{into.code}"
    raise ComplaintsError("bad_action", "未知操作")


@policy_view("complaints.read")
@require_POST
def case_action(request, pk: int, action: str):
    """Every officer action on a case: the case must be in the officer's scope to change (else 404).
    A refusal shows the case page again (400) with the form as typed and nothing changed."""
    if action not in ACTION_FORMS:
        return HttpResponse(status=404)
    case = case_for(request, pk, CHANGE)
    form = _action_form(action, case, request.POST)
    if form.is_valid():
        done = attempt(request, _act, request.user, case, action, form.cleaned_data, form=form)
        if done is not FAILED:
            messages.success(request, done)
            return redirect("complaints:case_detail", pk=case.pk)
    return _case_page(request, case, person_of(case), status=400, refused=(action, form))


@policy_view("complaints.handle")
@require_http_methods(["GET", "POST"])
def case_new(request):
    """Staff entry of a phone call or a walk-in (电话、来访登记); a refusal comes back (400) as typed."""
    form = StaffFilingForm(
        request.POST if request.method == "POST" else None,
        places=county_units().values_list("code", "name"),
        auto_id="%s",
    )
    if request.method == "POST":
        if form.is_valid():
            filed = attempt(
                request,
                file_case,
                actor=request.user,
                data=form.case_in(),
                channel=form.cleaned_data["channel"],
                form=form,
            )
            if filed is not FAILED:
                case, _ = filed
                messages.success(request, f"已登记，查询码 {case.code}")
                if can(request.user, case):
                    return redirect("complaints:case_detail", pk=case.pk)
                return redirect("complaints:case_list")
        return render(request, "complaints/case_new.html", {"form": form}, status=400)
    return render(request, "complaints/case_new.html", {"form": form})
