"""Pages of the post-processing loop (核查处置): cases, measures, re-checks, evidence, notices."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhijian.core.access import login_view, policy_view
from zhijian.core.errors import attempt
from zhijian.core.lists import Sort, paginate, visible_districts
from zhijian.core.reference import county_units
from zhijian.core.scoping import CHANGE, VIEW, can, get_scoped
from zhijian.core.uploads import upload_limit

from .. import services
from ..deadlines import deadlines_of
from ..forms import CloseForm, EvidenceForm, MeasureForm, NoticeForm, RecheckForm
from ..models import CaseEvidence, CaseStatus, OutsideNotice, PostProcessingCase, TestResult
from ..queries import CaseFilter, search_cases


def _case(request, pk: int, action: str = VIEW) -> PostProcessingCase:
    return get_scoped(
        PostProcessingCase.objects.select_related(
            "sample", "sample__category", "sample__laboratory", "jurisdiction"
        ),
        request.user,
        action,
        pk=pk,
    )


CASE_SORTS = {
    "opened_on": Sort("立案", ("opened_on",)),
    "due": Sort("期限", ("due",)),
}


@login_view
def case_list(request):
    flt = CaseFilter.from_params(request.GET)
    page = paginate(request, search_cases(request.user, flt), sorts=CASE_SORTS, params=flt.as_params())
    return render(
        request,
        "sampling/case_list.html",
        {
            "flt": flt,
            "cases": page.rows,
            "page": page,
            "query": flt.as_params(),
            "statuses": CaseStatus.choices,
            "jurisdictions": visible_districts(request.user, county_units()),
            "today": timezone.localdate(),
        },
    )


@login_view
def case_detail(request, pk: int):
    case = _case(request, pk)
    sample = case.sample
    deadline = deadlines_of(case).get("disposal")
    editable = case.status == CaseStatus.OPEN and can(request.user, case, CHANGE)
    failed = (
        TestResult.objects.filter(sample=sample, judgement="fail").select_related("item").order_by("round")
    )
    # Of the other parties' cases only the count is shown: their districts' work is not ours to read.
    loop = PostProcessingCase.objects.filter(sample=sample).exclude(status=CaseStatus.WITHDRAWN)
    return render(
        request,
        "sampling/case_detail.html",
        {
            "case": case,
            "sample": sample,
            "deadline": deadline,
            "overdue": deadline is not None
            and case.status == CaseStatus.OPEN
            and deadline.due < timezone.localdate(),
            "failed": failed,
            "loop_total": loop.count(),
            "loop_closed": loop.filter(status=CaseStatus.CLOSED).count(),
            "measures": case.measures.all(),
            "rechecks": case.rechecks.all(),
            "evidence": case.evidence.all(),
            "editable": editable,
            "measure_form": MeasureForm(prefix="m"),
            "recheck_form": RecheckForm(prefix="r"),
            "evidence_form": EvidenceForm(prefix="e"),
            "close_form": CloseForm(prefix="c"),
        },
    )


def _done(request, case: PostProcessingCase, ok_message: str, call) -> None:
    attempt(request, call, success=ok_message)


def _invalid(request, form) -> None:
    errors = "；".join(
        f"{form.fields[f].label if f in form.fields else ''}{'：' if f in form.fields else ''}{e}"
        for f, es in form.errors.items()
        for e in es
    )
    messages.error(request, errors or "填写有误")


@policy_view("sampling.sample")
@require_POST
def case_measure(request, pk: int):
    case = _case(request, pk, CHANGE)
    form = MeasureForm(request.POST, prefix="m")
    if form.is_valid():
        _done(
            request,
            case,
            "已记录处置措施",
            lambda: services.add_measure(actor=request.user, case=case, **form.cleaned_data),
        )
    else:
        _invalid(request, form)
    return redirect("sampling:case_detail", pk=case.pk)


@policy_view("sampling.sample")
@require_POST
def case_recheck(request, pk: int):
    case = _case(request, pk, CHANGE)
    form = RecheckForm(request.POST, prefix="r")
    if form.is_valid():
        _done(
            request,
            case,
            "已记录复查",
            lambda: services.add_recheck(actor=request.user, case=case, **form.cleaned_data),
        )
    else:
        _invalid(request, form)
    return redirect("sampling:case_detail", pk=case.pk)


@policy_view("sampling.sample")
@require_POST
@upload_limit("sampling.evidence")
def case_evidence(request, pk: int):
    case = _case(request, pk, CHANGE)
    form = EvidenceForm(request.POST, request.FILES, prefix="e")
    if form.is_valid():
        _done(
            request,
            case,
            "已上传证据材料",
            lambda: services.add_evidence(
                actor=request.user,
                case=case,
                uploaded=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            ),
        )
    else:
        _invalid(request, form)
    return redirect("sampling:case_detail", pk=case.pk)


@policy_view("sampling.sample")
@require_POST
def case_close(request, pk: int):
    case = _case(request, pk, CHANGE)
    form = CloseForm(request.POST, prefix="c")
    if form.is_valid():
        _done(
            request,
            case,
            "核查处置已办结",
            lambda: services.close_case(actor=request.user, case=case, **form.cleaned_data),
        )
    else:
        _invalid(request, form)
    return redirect("sampling:case_detail", pk=case.pk)


@login_view
def evidence_download(request, pk: int):
    evidence = get_scoped(CaseEvidence.objects.all(), request.user, VIEW, pk=pk)
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.file_name)


@policy_view("sampling.sample")
@require_POST
def notice_send(request, pk: int):
    notice = get_scoped(OutsideNotice.objects.select_related("sample"), request.user, CHANGE, pk=pk)
    form = NoticeForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            services.send_notice,
            actor=request.user,
            notice=notice,
            **form.cleaned_data,
            success="已记录协查函发送",
        )
    else:
        _invalid(request, form)
    return redirect("sampling:sample_detail", sample_no=notice.sample.sample_no)
