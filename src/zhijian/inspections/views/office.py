"""Staff pages: plans, tasks, the draw (commit → draw → redraw), assignment, results, publicity."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhijian.core.access import login_view, policy_view
from zhijian.core.errors import FAILED, attempt
from zhijian.core.lists import Sort, paginate
from zhijian.core.models import Job, Role
from zhijian.core.rules import rule
from zhijian.core.scoping import CHANGE, VIEW, can, get_scoped, restrict

from .. import algorithm, queries, services
from ..forms import CommitForm, DateForm, DrawForm, PlanForm, RecheckForm, RedrawForm, ReferralForm, TaskForm
from ..models import Attachment, Draw, Inspection, Plan, Task
from ..services import InspectionError
from ..verification import draw_package

STAFF_ROLES = {Role.CITY_ADMIN, Role.DEPARTMENT, Role.DISTRICT}
# Eligible sets larger than this are frozen and drawn by the worker, with progress shown.
INLINE_LIMIT = 50_000
CHECKS_SHOWN = 500


TASK_SORTS = {"due_on": Sort("完成期限", ("due_on",)), "title": Sort("任务", ("title",))}


@policy_view("inspections.manage")
def home(request):
    year = timezone.localdate().year
    # A work queue: unfinished tasks first, the nearest deadline first; finished ones latest first.
    tasks = queries.visible_tasks(request.user).annotate(
        finished=Case(
            When(status=Task.Status.COMPLETED, then=Value(1)), default=Value(0), output_field=IntegerField()
        ),
    )
    tasks = tasks.order_by("finished", "due_on", "-id")
    page = paginate(request, tasks, sorts=TASK_SORTS, default_size=20)
    # The counts of checks for the page's tasks only (not for every task before paging).
    counts = {
        pk: (checks, done)
        for pk, checks, done in Task.objects.filter(pk__in=[t.pk for t in page.rows])
        .annotate(
            checks=Count("inspections", filter=~Q(inspections__status=Inspection.Status.CANCELLED)),
            done=Count("inspections", filter=Q(inspections__status=Inspection.Status.COMPLETED)),
        )
        .order_by()
        .values_list("pk", "checks", "done")
    }
    for task in page.rows:
        task.checks, task.done = counts.get(task.pk, (0, 0))
    plans = _plans_for(request.user).filter(year__gte=year - 1)[:PLANS_ON_HOME]
    return render(
        request,
        "inspections/home.html",
        {
            "tasks": page.rows,
            "page": page,
            "plans": plans,
            "figures": queries.cockpit_figures(request.user, year),
            "year": year,
            "overdue": queries.overdue_publicity(request.user).count(),
        },
    )


PLANS_ON_HOME = 5
PLAN_SORTS = {"year": Sort("年度", ("year",)), "title": Sort("计划名称", ("title",))}


def _plans_for(user):
    return restrict(Plan.objects.select_related("jurisdiction"), user, VIEW)


@policy_view("inspections.manage")
def plan_list(request):
    return _plan_page(request)


def _plan_page(request, *, form: PlanForm | None = None, status: int = 200):
    """The annual plans (年度抽查计划) on the shared pager, with the form to make one; a refused plan
    comes back with what was typed."""
    page = paginate(request, _plans_for(request.user), sorts=PLAN_SORTS)
    tasks = dict(
        Task.objects.filter(plan__in=page.rows)
        .values("plan_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("plan_id", "n")
    )
    if form is None:
        form = PlanForm(
            initial={"year": timezone.localdate().year, "jurisdiction": request.user.jurisdiction_id}
        )
    return render(
        request,
        "inspections/plan_list.html",
        {"plans": [(p, tasks.get(p.pk, 0)) for p in page.rows], "page": page, "plan_form": form},
        status=status,
    )


@policy_view("inspections.manage")
@require_POST
def plan_new(request):
    form = PlanForm(request.POST)
    if form.is_valid():
        plan = attempt(request, services.create_plan, actor=request.user, **form.cleaned_data, form=form)
        if plan is not FAILED:
            messages.success(request, f"已制定计划：{plan}")
            return redirect("inspections:plans")
    return _plan_page(request, form=form, status=400)


@policy_view("inspections.manage")
def task_new(request):
    plans = _plans_for(request.user)
    kinds = services.available_kinds()
    if request.method == "POST":
        form = TaskForm(request.POST, plans=plans, object_kinds=kinds)
        if form.is_valid():
            data = form.cleaned_data
            task = attempt(
                request,
                services.create_task,
                actor=request.user,
                plan=data["plan"],
                title=data["title"],
                items=list(data["items"]),
                starts_on=data["starts_on"],
                due_on=data["due_on"],
                ratios=form.ratios(),
                a_class_basis=data["a_class_basis"],
                team_size=data["team_size"],
                districts=list(data["districts"]),
                entity_types=data["entity_types"],
                industry_prefix=data["industry_prefix"],
                object_kind=data["object_kind"],
                form=form,
            )
            if task is not FAILED:
                messages.success(request, "抽查任务已创建")
                return redirect("inspections:task_detail", pk=task.pk)
    else:
        today = timezone.localdate()
        ratios, _source = services.default_ratios(today)
        minimum = int(rule(services.TEAM_RULE, on=today).value)
        form = TaskForm(
            plans=plans,
            object_kinds=kinds,
            initial={
                "plan": plans.first(),
                "starts_on": today,
                "team_size": minimum,
                **{f"ratio_{s}": r for s, r in ratios.items()},
            },
        )
    equipment = None
    if len(kinds) > 1:
        try:
            _ratios, source, basis = services.equipment_ratios(timezone.localdate())
            equipment = {"source": source, "basis": basis.splitlines()}
        except InspectionError as exc:
            equipment = {"source": "", "basis": [str(exc)]}
    return render(request, "inspections/task_new.html", {"form": form, "equipment": equipment})


@policy_view("inspections.work")
def task_detail(request, pk: int):
    return _task_page(request, pk)


def _task_page(request, pk: int, *, status: int = 200, **bound):
    """The task with its draw forms; ``bound`` is a refused form shown again as typed, its errors
    beside the fields."""
    task = get_scoped(queries.visible_tasks(request.user), request.user, VIEW, pk=pk)
    draws = list(task.draws.order_by("-number"))
    current = task.current_draw()
    visible = queries.task_inspections(task, request.user) if current else Inspection.objects.none()
    by_status = dict(visible.order_by().values_list("status").annotate(n=Count("id")))
    checks = list(visible[:CHECKS_SHOWN])
    may_change = can(request.user, task, CHANGE)
    return render(
        request,
        "inspections/task_detail.html",
        {
            "task": task,
            "items": task.items.select_related("department"),
            "draws": draws,
            "current": current,
            "checks": checks,
            "check_total": sum(by_status.values()),
            "by_status": [(Inspection.Status(k).label, v) for k, v in sorted(by_status.items())],
            "today": timezone.localdate(),
            "may_change": may_change,
            "commit_form": CommitForm(),
            "draw_form": DrawForm(),
            "redraw_form": RedrawForm(),
            "redraws": current.number - 1 if current else 0,
            "beacon_template": (
                algorithm.GAMES[current.beacon_game].template
                if current and current.beacon_game in algorithm.GAMES
                else ""
            ),
            "unpublished": visible.filter(
                status=Inspection.Status.COMPLETED, published_at__isnull=True
            ).count(),
            **bound,
        },
        status=status,
    )


def _task_for_change(request, pk: int) -> Task:
    return get_scoped(Task.objects.all(), request.user, CHANGE, pk=pk)


def _run_or_enqueue(
    request, task: Task, kind: str, title: str, inline, size: int, *, bound: dict | None = None, **job_args
):
    """Small sets run in the request; city-scale ones go to the worker with a progress page.

    ``bound`` ({name: form}) is the form the operation came from: a refusal comes back beside it."""
    if size <= INLINE_LIMIT:
        form = next(iter(bound.values())) if bound else None
        if attempt(request, inline, form=form) is FAILED and bound:
            return _task_page(request, task.pk, status=400, **bound)
        return redirect("inspections:task_detail", pk=task.pk)
    from .. import tasks

    job = Job.objects.create(kind=kind, owner=request.user, title=title)
    getattr(tasks, kind.split(".")[1] + "_task").enqueue(job.pk, task.pk, **job_args)
    return redirect(reverse("core:job_detail", args=[job.pk]))


@policy_view("inspections.manage")
@require_POST
def task_commit(request, pk: int):
    task = _task_for_change(request, pk)
    form = CommitForm(request.POST)
    if not form.is_valid():
        return _task_page(request, pk, status=400, commit_form=form)
    data = form.cleaned_data

    def inline():
        services.commit_draw(actor=request.user, task=task, **data)
        messages.success(request, "抽取参数已冻结并公布")

    return _run_or_enqueue(
        request,
        task,
        "inspections.commit_draw",
        f"冻结抽查名录：{task.title}",
        inline,
        services.eligible_size(task),
        bound={"commit_form": form},
        beacon_game=data["beacon_game"],
        beacon_issue=data["beacon_issue"],
        beacon_date=data["beacon_date"].isoformat(),
    )


@policy_view("inspections.manage")
@require_POST
def task_draw(request, pk: int):
    task = _task_for_change(request, pk)
    form = DrawForm(request.POST)
    draw = task.current_draw()
    if draw is None:
        messages.error(request, "尚未冻结抽取参数，不能执行抽取")
        return redirect("inspections:task_detail", pk=pk)
    if not form.is_valid():
        return _task_page(request, pk, status=400, draw_form=form)
    beacon = form.cleaned_data["beacon_value"]

    def inline():
        result = services.perform_draw(actor=request.user, draw=draw, beacon_value=beacon)
        messages.success(request, f"抽取完成：共抽取 {result.selected_count} 户")

    return _run_or_enqueue(
        request,
        task,
        "inspections.perform_draw",
        f"执行抽取：{task.title}",
        inline,
        draw.eligible_count,
        bound={"draw_form": form},
        beacon_value=beacon,
    )


@policy_view("inspections.manage")
@require_POST
def task_redraw(request, pk: int):
    task = _task_for_change(request, pk)
    form = RedrawForm(request.POST)
    if form.is_valid():
        done = attempt(
            request,
            services.redraw,
            actor=request.user,
            task=task,
            **form.cleaned_data,
            form=form,
            success="已作废原抽取并公布新的抽取参数；重抽理由已公示",
        )
        if done is not FAILED:
            return redirect("inspections:task_detail", pk=pk)
    return _task_page(request, pk, status=400, redraw_form=form)


@policy_view("inspections.manage")
@require_POST
def task_assign(request, pk: int):
    task = _task_for_change(request, pk)
    draw = task.current_draw()

    def inline():
        run = services.assign_inspectors(actor=request.user, task=task)
        note = f"，{run.unassignable} 户无法组成检查组" if run.unassignable else ""
        messages.success(request, f"已随机匹配检查人员：{run.assigned} 户{note}")

    size = draw.selected_count if draw else 0
    return _run_or_enqueue(
        request, task, "inspections.assign_inspectors", f"匹配检查人员：{task.title}", inline, size
    )


@policy_view("inspections.manage")
@require_POST
def task_publish(request, pk: int):
    task = _task_for_change(request, pk)
    count = attempt(request, services.publish_results, actor=request.user, task=task)
    if count is not FAILED:
        messages.success(request, f"已公示 {count} 条检查结果")
    return redirect("inspections:task_detail", pk=pk)


@policy_view("inspections.manage")
def draw_full_json(request, pk: int):
    """The full package (with credit strata) for staff who may see the task, and for auditors."""
    draw = get_scoped(Draw.objects.select_related("task", "task__jurisdiction"), request.user, VIEW, pk=pk)
    response = JsonResponse(draw_package(draw, full=True), json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="draw-{draw.task_id}-{draw.number}-full.json"'
    return response


@login_view
def inspection_detail(request, pk: int):
    return _inspection_page(request, pk)


def _inspection_page(request, pk: int, *, status: int = 200, **bound):
    """A check with its follow-up forms; ``bound`` is a refused one shown again as typed."""
    inspection = get_scoped(
        queries.with_deadlines(Inspection.objects.select_related("entity", "task", "draw")),
        request.user,
        VIEW,
        pk=pk,
    )
    return render(
        request,
        "inspections/inspection_detail.html",
        {
            "inspection": inspection,
            "members": inspection.members.select_related("inspector"),
            "attachments": restrict(Attachment.objects.filter(inspection=inspection), request.user, VIEW),
            "may_work": services._may_work_on(request.user, inspection),
            "date_form": DateForm(),
            "recheck_form": RecheckForm(),
            "referral_form": ReferralForm(),
            "today": timezone.localdate(),
            **bound,
        },
        status=status,
    )


FOLLOW_UP_FORMS = {"rectification": "date_form", "recheck": "recheck_form", "referral": "referral_form"}


@policy_view("inspections.work")
@require_POST
def inspection_action(request, pk: int, action: str):
    """A check's follow-up (整改报告, 复查, 移送立案); a refused one comes back with what was typed."""
    inspection = get_scoped(Inspection.objects.all(), request.user, VIEW, pk=pk)
    forms = {"rectification": DateForm, "recheck": RecheckForm, "referral": ReferralForm}
    if action not in forms:
        return HttpResponse(status=404)
    form = forms[action](request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if action == "rectification":
            done = attempt(
                request,
                services.report_rectification,
                actor=request.user,
                inspection=inspection,
                reported_on=data["on"],
                form=form,
                success="已登记整改报告，复查期限已计算",
            )
        elif action == "recheck":
            done = attempt(
                request,
                services.record_recheck,
                actor=request.user,
                inspection=inspection,
                rechecked_on=data["on"],
                rectified=data["rectified"],
                note=data["note"],
                form=form,
                success="已登记复查结果",
            )
        else:
            done = attempt(
                request,
                services.refer_case,
                actor=request.user,
                inspection=inspection,
                note=data["note"],
                form=form,
                success="已移送立案",
            )
        if done is not FAILED:
            return redirect("inspections:inspection_detail", pk=pk)
    return _inspection_page(request, pk, status=400, **{FOLLOW_UP_FORMS[action]: form})


@login_view
def attachment(request, pk: int):
    found = get_scoped(Attachment.objects.all(), request.user, VIEW, pk=pk)
    return FileResponse(found.file.open("rb"), content_type=found.content_type, filename=found.original_name)
