"""Pages of samples: list, detail, registration, receipt, results, service, re-test."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from zhijian.core.access import allows, login_view, policy_view
from zhijian.core.errors import FAILED, attempt
from zhijian.core.lists import Sort, paginate, visible_districts
from zhijian.core.models import Role
from zhijian.core.reference import county_units
from zhijian.core.scoping import CHANGE, VIEW, can, get_scoped, restrict

from .. import services
from ..deadlines import chain_view, deadlines_of, request_kind
from ..draw import replay
from ..forms import NoticeForm, ObjectionForm, ReceiveForm, ReportForm, SampleForm, ServeForm
from ..judgement import FAIL
from ..models import (
    Category,
    Laboratory,
    Objection,
    OutsideNotice,
    PostProcessingCase,
    Round,
    Sample,
    SampleStatus,
    SamplingTask,
    TestItem,
    TestResult,
    laboratory_id_of,
)
from ..queries import SampleFilter, results_of, search_samples


def _sample(request, sample_no: str, action: str = VIEW) -> Sample:
    return get_scoped(
        Sample.objects.select_related("category", "laboratory", "jurisdiction", "task__plan"),
        request.user,
        action,
        sample_no=sample_no,
    )


def _fail(request, exc: services.SamplingError) -> None:
    messages.error(request, str(exc))


SAMPLE_SORTS = {
    "sample_no": Sort("抽样单编号", ("sample_no",)),
    "sampled_on": Sort("抽样日期", ("sampled_on",)),
    "due": Sort("期限", ("next_due",)),
}


@login_view
def sample_list(request):
    flt = SampleFilter.from_params(request.GET)
    page = paginate(request, search_samples(request.user, flt), sorts=SAMPLE_SORTS, params=flt.as_params())
    return render(
        request,
        "sampling/sample_list.html",
        {
            "flt": flt,
            "samples": page.rows,
            "page": page,
            "query": flt.as_params(),
            "jurisdictions": visible_districts(request.user, county_units()),
            "laboratories": Laboratory.objects.all(),
            "categories": Category.objects.filter(parent__isnull=False),
            "statuses": SampleStatus.choices,
            "is_lab": request.user.role == Role.LAB,
            "today": timezone.localdate(),
        },
    )


@login_view
def sample_detail(request, sample_no: str):
    return sample_page(request, _sample(request, sample_no))


def sample_page(request, sample: Sample, *, status: int = 200, notice: tuple | None = None, **bound):
    """The sample with its action forms; ``bound`` (and ``notice``: a notice's pk and form) is a refused
    action's form, shown again with what was typed and its errors beside the fields."""
    user = request.user
    results = list(results_of(user, sample))
    # The re-test request belongs to the sample's record, which ``user`` may see.
    objection = sample.objections.select_related("retest_lab").prefetch_related("items").first()
    lab_id = laboratory_id_of(user)
    is_first_lab = lab_id is not None and lab_id == sample.laboratory_id
    official = allows(user, "sampling.sample") and can(user, sample, CHANGE)
    failed_items = [r.item for r in results if r.round == Round.INITIAL and r.judgement == FAIL]
    context = {
        "sample": sample,
        "initial": [r for r in results if r.round == Round.INITIAL],
        "retest": [r for r in results if r.round == Round.RETEST],
        "objection": objection,
        "draw_replayed": replay(objection) if objection else None,
        "chain": chain_view(sample),
        "cases": restrict(PostProcessingCase.objects.filter(sample=sample), user, VIEW).select_related(
            "jurisdiction"
        ),
        "notices": [
            (n, notice[1] if notice and notice[0] == n.pk else NoticeForm(auto_id=f"id_n{n.pk}_%s"))
            for n in restrict(OutsideNotice.objects.filter(sample=sample), user, VIEW)
        ],
        "may_receive": is_first_lab and sample.status == SampleStatus.SAMPLED,
        "may_report": is_first_lab and sample.status != SampleStatus.REPORTED,
        "may_retest": objection is not None
        and lab_id == objection.retest_lab_id
        and objection.status == "retesting",
        "may_serve": official and sample.status == SampleStatus.REPORTED and sample.served_on is None,
        "may_object": official
        and sample.initial_judgement == FAIL
        and sample.served_on
        and objection is None,
        "receive_form": ReceiveForm(),
        "serve_form": ServeForm(),
        "failed_items": failed_items,
        **bound,
    }
    return render(request, "sampling/sample_detail.html", context, status=status)


@policy_view("sampling.sample")
@require_http_methods(["GET", "POST"])
def sample_new(request, task_id: int):
    task = get_scoped(
        SamplingTask.objects.select_related("plan", "category", "jurisdiction"),
        request.user,
        CHANGE,
        pk=task_id,
    )
    form = SampleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        sample = attempt(
            request,
            services.register_sample,
            actor=request.user,
            task=task,
            product_name=d["product_name"],
            sampled_on=d["sampled_on"],
            brand=d["brand"],
            specification=d["specification"],
            batch_no=d["batch_no"],
            production_date=d["production_date"],
            samplers=d["samplers"],
            seller=services.PartyIn(d["seller_name"], d["seller_uscc"], d["seller_address"]),
            producer=services.PartyIn(
                d["producer_name"], d["producer_uscc"], d["producer_address"], d["producer_region"]
            ),
            form=form,
        )
        if sample is not FAILED:
            messages.success(request, f"已登记样品 {sample.sample_no}")
            return redirect("sampling:sample_detail", sample_no=sample.sample_no)
    return render(request, "sampling/sample_form.html", {"form": form, "task": task})


@policy_view("sampling.lab")
@require_POST
def sample_receive(request, sample_no: str):
    sample = _sample(request, sample_no, CHANGE)
    form = ReceiveForm(request.POST)
    if form.is_valid():
        done = attempt(
            request,
            services.confirm_receipt,
            actor=request.user,
            sample=sample,
            received_on=form.cleaned_data["received_on"],
            form=form,
            success="已确认收样",
        )
        if done is not FAILED:
            return redirect("sampling:sample_detail", sample_no=sample.sample_no)
    return sample_page(request, sample, status=400, receive_form=form)


@policy_view("sampling.lab")
@require_http_methods(["GET", "POST"])
def sample_results(request, sample_no: str):
    sample = _sample(request, sample_no, CHANGE)
    if laboratory_id_of(request.user) != sample.laboratory_id:
        raise PermissionDenied
    if sample.status == SampleStatus.REPORTED:
        messages.error(request, f"该样品已出具检验报告（{sample.report_no}）")
        return redirect("sampling:sample_detail", sample_no=sample.sample_no)
    items = TestItem.objects.filter(category=sample.category).order_by("sort_order")
    form = ReportForm(request.POST or None, items=items, need_receipt=sample.received_on is None)
    if request.method == "POST" and form.is_valid():
        outcome = attempt(
            request,
            services.record_results,
            actor=request.user,
            sample=sample,
            report_no=form.cleaned_data["report_no"],
            reported_on=form.cleaned_data["reported_on"],
            received_on=form.cleaned_data.get("received_on"),
            items=form.entries(),
            form=form,
        )
        if outcome is not FAILED:
            sample.refresh_from_db()
            messages.success(request, f"检验结果已录入，结论：{sample.get_judgement_display()}")
            return redirect("sampling:sample_detail", sample_no=sample.sample_no)
    return render(request, "sampling/results_form.html", {"form": form, "sample": sample, "retest": None})


@policy_view("sampling.sample")
@require_POST
def sample_serve(request, sample_no: str):
    sample = _sample(request, sample_no, CHANGE)
    form = ServeForm(request.POST)
    if form.is_valid():
        done = attempt(
            request,
            services.serve_result,
            actor=request.user,
            sample=sample,
            served_on=form.cleaned_data["served_on"],
            form=form,
            success="已记录结论送达",
        )
        if done is not FAILED:
            return redirect("sampling:sample_detail", sample_no=sample.sample_no)
    return sample_page(request, sample, status=400, serve_form=form)


@policy_view("sampling.sample")
@require_http_methods(["GET", "POST"])
def sample_objection(request, sample_no: str):
    sample = _sample(request, sample_no, CHANGE)
    failed = [
        r.item
        for r in TestResult.objects.filter(sample=sample, round=Round.INITIAL, judgement=FAIL).select_related(
            "item"
        )
    ]
    form = ObjectionForm(request.POST or None, failed_items=failed)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        objection = attempt(
            request,
            services.file_objection,
            actor=request.user,
            sample=sample,
            applicant_uscc=d["applicant_uscc"],
            applicant_name=d["applicant_name"],
            applied_on=d["applied_on"],
            item_ids=[int(i) for i in d["items"]],
            reason=d["reason"],
            form=form,
        )
        if objection is not FAILED:
            messages.success(request, f"已受理，随机抽取的复检机构为：{objection.retest_lab.name}")
            return redirect("sampling:sample_detail", sample_no=sample.sample_no)
    window = deadlines_of(sample).get(request_kind(sample.kind))
    return render(request, "sampling/objection_form.html", {"form": form, "sample": sample, "window": window})


@policy_view("sampling.lab")
@require_http_methods(["GET", "POST"])
def objection_retest(request, pk: int):
    objection = get_scoped(
        Objection.objects.select_related("sample", "sample__category"), request.user, CHANGE, pk=pk
    )
    if laboratory_id_of(request.user) != objection.retest_lab_id:
        raise PermissionDenied
    items = objection.items.order_by("sort_order")
    form = ReportForm(request.POST or None, items=items, need_receipt=False)
    if request.method == "POST" and form.is_valid():
        outcome = attempt(
            request,
            services.record_retest,
            actor=request.user,
            objection=objection,
            report_no=form.cleaned_data["report_no"],
            reported_on=form.cleaned_data["reported_on"],
            items=form.entries(),
            form=form,
        )
        if outcome is not FAILED:
            messages.success(request, "复检结果已录入")
            return redirect("sampling:sample_detail", sample_no=objection.sample.sample_no)
    return render(
        request, "sampling/results_form.html", {"form": form, "sample": objection.sample, "retest": objection}
    )
