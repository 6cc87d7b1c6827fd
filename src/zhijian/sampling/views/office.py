"""Pages of the office: the sampling dashboard with its figures, plans and tasks, announcements,
the catalogue, and the laboratory's results upload."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from zhijian.core.access import allows, login_view, policy_view
from zhijian.core.errors import FAILED, attempt
from zhijian.core.jobs import start_upload_job
from zhijian.core.lists import Sort, paginate
from zhijian.core.models import Job, Jurisdiction
from zhijian.core.scoping import VIEW, get_scoped, is_city_wide, restrict
from zhijian.core.summaries import kept_for_user, summary_seconds
from zhijian.core.uploads import upload_limit

from .. import services
from ..figures import figures_by_jurisdiction, figures_by_office, sampling_figures
from ..forms import AnnouncementForm, PlanForm, TaskForm
from ..models import (
    Announcement,
    Category,
    Judgement,
    Laboratory,
    Sample,
    SamplingPlan,
    SamplingTask,
    Standard,
    TestItem,
)
from ..queries import failures_with_results


def _year(request) -> int:
    text = request.GET.get("year", "")
    return int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else timezone.localdate().year


@login_view
def home(request):
    user = request.user
    if not allows(user, "sampling.plans"):
        return redirect("sampling:sample_list")
    year = _year(request)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    city_wide = is_city_wide(user)

    def count():
        total = sampling_figures(user, start=start, end=end)
        rows = figures_by_jurisdiction(user, start=start, end=end) if city_wide else []
        # A district compares its own grassroots offices (市场监管所), not one bar of itself.
        offices, unplaced = ([], 0) if city_wide else figures_by_office(user, start=start, end=end)
        return total, rows, offices, unplaced

    # The year's figures read every sample of the year: kept a few seconds per user (core/summaries.py).
    (total, rows, offices, unplaced), counted_at = kept_for_user(
        user, "sampling.figures", count, version=year
    )
    office_chart = {
        "names": [o.jurisdiction_name for o in offices],
        "unit": "批次",
        "unit2": "%",
        "series": [
            {"name": "食品抽检批次", "data": [o.food_batches for o in offices], "stack": "b"},
            {"name": "产品抽查批次", "data": [o.product_batches for o in offices], "stack": "b"},
            {
                "name": "后处理闭环率（%）",
                "type": "line",
                "axis": 1,
                "data": [float(o.closure_rate) if o.closure_rate is not None else None for o in offices],
            },
        ],
    }
    short = dict(
        Jurisdiction.objects.filter(code__in=[r.jurisdiction for r in rows]).values_list("code", "short_name")
    )
    chart = {
        "names": [short.get(r.jurisdiction, r.jurisdiction_name) for r in rows],
        "unit": "批次/千人",
        "unit2": "%",
        "series": [
            {
                "name": "食品抽检批次/千人",
                "data": [
                    float(r.food_batches_per_thousand) if r.food_batches_per_thousand is not None else None
                    for r in rows
                ],
            },
            {
                "name": "后处理闭环率（%）",
                "type": "line",
                "axis": 1,
                "data": [float(r.closure_rate) if r.closure_rate is not None else None for r in rows],
            },
        ],
    }
    cards = [
        {
            "key": "per_thousand",
            "label": "食品抽检批次/千人",
            "value": total.food_batches_per_thousand,
            "target": 6,
            "percent": False,
            "note": f"食品 {total.food_batches:,} 批次"
            + (f"，常住人口 {total.residents:,}" if total.residents else ""),
        },
        {
            "key": "circulation",
            "label": "流通领域产品抽查（批次/年）",
            "value": total.circulation_product_batches,
            "target": 3000 if is_city_wide(user) else None,
            "percent": False,
            "note": f"产品共 {total.product_batches:,} 批次",
        },
        {
            "key": "pass_rate",
            "label": "评价性抽检合格率",
            "value": total.evaluative_pass_rate,
            "target": 99.5,
            "percent": False,
            "unit": "%",
            "note": f"{total.evaluative_passed:,} / {total.evaluative_judged:,}",
        },
        {
            "key": "closure",
            "label": "后处理闭环率",
            "value": total.closure_rate,
            "target": 100,
            "percent": False,
            "unit": "%",
            "note": f"{total.closure_done:,} / {total.closure_base:,}",
        },
        {
            "key": "on_time",
            "label": "按时出具报告率",
            "value": total.on_time_report_rate,
            "percent": False,
            "unit": "%",
            "note": f"{total.reported_on_time:,} / {total.reported:,}",
        },
    ]
    return render(
        request,
        "sampling/home.html",
        {
            "year": year,
            "counted_at": counted_at,
            "cache_seconds": summary_seconds(),
            "years": range(timezone.localdate().year, timezone.localdate().year - 4, -1),
            "total": total,
            "rows": rows,
            "chart": chart,
            "cards": cards,
            "offices": offices,
            "unplaced": unplaced,
            "office_chart": office_chart,
        },
    )


# --- plans and tasks ---------------------------------------------------------------------------------

PLAN_SORTS = {"title": Sort("计划", ("title",)), "kind": Sort("类别", ("kind",))}
ANNOUNCEMENT_SORTS = {
    "issue": Sort("期号", ("issue",)),
    "published_on": Sort("发布日期", ("published_on",)),
}


@policy_view("sampling.plans")
def plan_list(request):
    return _plan_page(request)


def _plan_page(request, *, form: PlanForm | None = None, status: int = 200):
    """The year's plans with the form to make one; a refused plan comes back with what was typed."""
    year = _year(request)
    page = paginate(
        request,
        SamplingPlan.objects.filter(year=year).order_by("kind", "id"),
        sorts=PLAN_SORTS,
        params={"year": str(year)},
    )
    plans = page.rows
    tasks = restrict(SamplingTask.objects.filter(plan__in=plans), request.user, VIEW)
    per_plan: dict[int, list[int]] = {}
    for plan_id, quota in tasks.values_list("plan_id", "quota"):
        entry = per_plan.setdefault(plan_id, [0, 0])
        entry[0] += 1
        entry[1] += quota
    sampled = dict(
        restrict(Sample.objects.filter(task__plan__in=plans), request.user, VIEW)
        .values("task__plan_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("task__plan_id", "n")
    )
    return render(
        request,
        "sampling/plan_list.html",
        {
            "year": year,
            "plans": [(p, *per_plan.get(p.pk, [0, 0]), sampled.get(p.pk, 0)) for p in plans],
            "page": page,
            "form": form or (PlanForm() if allows(request.user, "sampling.plans.edit") else None),
        },
        status=status,
    )


@policy_view("sampling.plans.edit")
@require_POST
def plan_new(request):
    form = PlanForm(request.POST)
    if form.is_valid():
        plan = attempt(
            request,
            services.create_plan,
            actor=request.user,
            department=request.user.department,
            **form.cleaned_data,
            form=form,
        )
        if plan is not FAILED:
            return redirect("sampling:plan_detail", pk=plan.pk)
    return _plan_page(request, form=form, status=400)


@policy_view("sampling.plans")
@require_http_methods(["GET", "POST"])
def plan_detail(request, pk: int):
    plan = get_object_or_404(SamplingPlan, pk=pk)
    form = TaskForm(request.POST or None, plan=plan) if allows(request.user, "sampling.plans.edit") else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            outcome = attempt(
                request, services.create_task, actor=request.user, plan=plan, **form.cleaned_data, form=form
            )
            if outcome is not FAILED:
                messages.success(request, "任务已下达")
                return redirect("sampling:plan_detail", pk=plan.pk)
    tasks = (
        restrict(SamplingTask.objects.filter(plan=plan), request.user, VIEW)
        .select_related("category", "jurisdiction", "laboratory")
        .annotate(sampled=Count("samples"), reported=Count("samples", filter=Q(samples__status="reported")))
    )
    may_register = allows(request.user, "sampling.sample")
    return render(
        request,
        "sampling/plan_detail.html",
        {"plan": plan, "tasks": tasks, "form": form, "may_register": may_register},
    )


# --- announcements -----------------------------------------------------------------------------------


@policy_view("sampling.plans")
@require_http_methods(["GET", "POST"])
def announcement_list(request):
    form = AnnouncementForm(request.POST or None) if allows(request.user, "sampling.plans.edit") else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            announcement = attempt(
                request, services.compile_announcement, actor=request.user, **form.cleaned_data, form=form
            )
            if announcement is not FAILED:
                messages.success(
                    request,
                    f"已编制公告草稿：合格 {announcement.passes} 批次，不合格 {announcement.failures} 批次",
                )
                return redirect("sampling:announcement_list")
    visible = (
        Announcement.objects.all()
        if allows(request.user, "sampling.plans.edit")
        else restrict(Announcement.objects.all(), None, VIEW)
    )
    page = paginate(request, visible.order_by("-period_end", "-id"), sorts=ANNOUNCEMENT_SORTS)
    return render(
        request,
        "sampling/announcement_list.html",
        {"announcements": page.rows, "page": page, "form": form},
    )


@policy_view("sampling.plans.edit")
def announcement_preview(request, pk: int):
    announcement = get_scoped(Announcement.objects.all(), request.user, VIEW, pk=pk)
    failures = list(
        Sample.objects.filter(announcement=announcement, judgement=Judgement.FAIL).select_related(
            "category", "laboratory"
        )
    )
    return render(
        request,
        "sampling/public_detail.html",
        {
            "announcement": announcement,
            "failures": failures_with_results(failures),
            "passes": Sample.objects.filter(announcement=announcement, judgement=Judgement.PASS)[:200],
            "preview": True,
        },
    )


@policy_view("sampling.plans.edit")
@require_POST
def announcement_publish(request, pk: int):
    announcement = get_scoped(Announcement.objects.all(), request.user, VIEW, pk=pk)
    attempt(
        request,
        services.publish_announcement,
        actor=request.user,
        announcement=announcement,
        success="公告已发布",
    )
    return redirect("sampling:announcement_list")


# --- catalogue ---------------------------------------------------------------------------------------


@login_view
def catalogue(request):
    categories = Category.objects.filter(parent__isnull=False).select_related("parent")
    items = TestItem.objects.select_related("category").order_by("category__sort_order", "sort_order")
    by_category: dict[int, list] = {}
    for item in items:
        by_category.setdefault(item.category_id, []).append(item)
    return render(
        request,
        "sampling/catalogue.html",
        {
            "categories": [(c, by_category.get(c.pk, [])) for c in categories],
            "standards": Standard.objects.all(),
            "laboratories": Laboratory.objects.all(),
        },
    )


# --- results upload ----------------------------------------------------------------------------------


@policy_view("sampling.lab")
@require_http_methods(["GET", "POST"])
@upload_limit("sampling.results_import")
def results_import(request):
    from ..tasks import import_results_task

    recent = Job.objects.filter(owner=request.user, kind="sampling.results_import").order_by("-id")[:10]
    if request.method == "GET":
        return render(request, "sampling/import.html", {"recent": recent})
    upload = request.FILES.get("file")
    if upload is None:
        return render(
            request, "sampling/import.html", {"error": "请选择要导入的文件", "recent": recent}, status=400
        )
    job = start_upload_job(
        owner=request.user,
        kind="sampling.results_import",
        title=f"导入检验结果：{upload.name}",
        upload=upload,
        dry_run=request.POST.get("dry_run") == "1",
        task=import_results_task,
    )
    return redirect(reverse("core:job_detail", args=[job.pk]))
