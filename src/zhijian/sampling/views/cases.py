"""Pages of the post-processing loop (核查处置): cases, measures, re-checks, evidence, notices."""

from __future__ import annotations

from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhijian.core.access import login_view, policy_view
from zhijian.core.errors import FAILED, attempt
from zhijian.core.lists import Sort, paginate, visible_districts
from zhijian.core.reference import county_units
from zhijian.core.scoping import CHANGE, VIEW, can, get_scoped
from zhijian.core.uploads import upload_limit

from .. import services
from ..deadlines import deadlines_of
from ..forms import CloseForm, EvidenceForm, MeasureForm, NoticeForm, RecheckForm
from ..models import CaseEvidence, CaseStatus, OutsideNotice, PostProcessingCase, Sample, TestResult
from ..queries import CaseFilter, search_cases
from .samples import sample_page


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


CASE_FORMS = {
    "measure_form": (MeasureForm, "m"),
    "recheck_form": (RecheckForm, "r"),
    "evidence_form": (EvidenceForm, "e"),
    "close_form": (CloseForm, "c"),
}


def _case_page(request, case: PostProcessingCase, *, status: int = 200, **bound):
    """The case with its action forms; ``bound`` is a refused action's form, shown again with what was
    typed and its errors beside the fields."""
    sample = case.sample
    deadline = deadlines_of(case).get("disposal")
    editable = case.status == CaseStatus.OPEN and can(request.user, case, CHANGE)
    failed = (
        TestResult.objects.filter(sample=sample, judgement="fail").select_related("item").order_by("round")
    )
    # Of the other parties' cases only the count is shown: their districts' work is not ours to read.
    loop = PostProcessingCase.objects.filter(sample=sample).exclude(status=CaseStatus.WITHDRAWN)
    forms = {name: form_class(prefix=prefix) for name, (form_class, prefix) in CASE_FORMS.items()}
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
            **forms,
            **bound,
        },
        status=status,
    )


@login_view
def case_detail(request, pk: int):
    return _case_page(request, _case(request, pk))


def _act(request, case: PostProcessingCase, name: str, success: str, operation):
    """Run a case action from its form; a refusal re-renders the case page with the form as typed."""
    form_class, prefix = CASE_FORMS[name]
    form = form_class(request.POST, request.FILES or None, prefix=prefix)
    if (
        form.is_valid()
        and attempt(request, operation, form.cleaned_data, form=form, success=success) is not FAILED
    ):
        return redirect("sampling:case_detail", pk=case.pk)
    return _case_page(request, case, status=400, **{name: form})


@policy_view("sampling.sample")
@require_POST
def case_measure(request, pk: int):
    case = _case(request, pk, CHANGE)
    return _act(
        request,
        case,
        "measure_form",
        "已记录处置措施",
        lambda d: services.add_measure(actor=request.user, case=case, **d),
    )


@policy_view("sampling.sample")
@require_POST
def case_recheck(request, pk: int):
    case = _case(request, pk, CHANGE)
    return _act(
        request,
        case,
        "recheck_form",
        "已记录复查",
        lambda d: services.add_recheck(actor=request.user, case=case, **d),
    )


@policy_view("sampling.sample")
@require_POST
@upload_limit("sampling.evidence")
def case_evidence(request, pk: int):
    case = _case(request, pk, CHANGE)
    return _act(
        request,
        case,
        "evidence_form",
        "已上传证据材料",
        lambda d: services.add_evidence(
            actor=request.user, case=case, uploaded=d["file"], description=d["description"]
        ),
    )


@policy_view("sampling.sample")
@require_POST
def case_close(request, pk: int):
    case = _case(request, pk, CHANGE)
    return _act(
        request,
        case,
        "close_form",
        "核查处置已办结",
        lambda d: services.close_case(actor=request.user, case=case, **d),
    )


@login_view
def evidence_download(request, pk: int):
    evidence = get_scoped(CaseEvidence.objects.all(), request.user, VIEW, pk=pk)
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.file_name)


@policy_view("sampling.sample")
@require_POST
def notice_send(request, pk: int):
    notice = get_scoped(OutsideNotice.objects.select_related("sample"), request.user, CHANGE, pk=pk)
    form = NoticeForm(request.POST, auto_id=f"id_n{notice.pk}_%s")
    if form.is_valid():
        done = attempt(
            request,
            services.send_notice,
            actor=request.user,
            notice=notice,
            **form.cleaned_data,
            form=form,
            success="已记录协查函发送",
        )
        if done is not FAILED:
            return redirect("sampling:sample_detail", sample_no=notice.sample.sample_no)
    sample = get_scoped(
        Sample.objects.select_related("category", "laboratory", "jurisdiction", "task__plan"),
        request.user,
        VIEW,
        pk=notice.sample_id,
    )
    return sample_page(request, sample, status=400, notice=(notice.pk, form))
