"""Plan tasks (任务分解): the responsible unit's list, a task with milestones and progress reports."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhijian.core.access import policy_view
from zhijian.core.errors import attempt
from zhijian.core.uploads import upload_limit

from ..forms import ProgressForm
from ..queries import tasks_for
from ..services import tasks as task_services


@policy_view("indicators.view")
def task_list(request):
    today = timezone.localdate()
    tasks = list(tasks_for(request.user))
    overdue_only = request.GET.get("overdue") == "1"
    rows = []
    for task in tasks:
        milestones = list(task.milestones.all())
        overdue = [m for m in milestones if m.done_on is None and m.due_on < today]
        if overdue_only and not overdue:
            continue
        rows.append(
            {
                "task": task,
                "departments": [d.name for d in task.departments.all()],
                "done": sum(1 for m in milestones if m.done_on),
                "total": len(milestones),
                "overdue": len(overdue),
            }
        )
    return render(
        request, "indicators/tasks.html", {"rows": rows, "overdue_only": overdue_only, "today": today}
    )


@policy_view("indicators.view")
def task_detail(request, pk: int):
    task = get_object_or_404(tasks_for(request.user), pk=pk)
    milestones = list(task.milestones.all())
    return render(
        request,
        "indicators/task_detail.html",
        {
            "task": task,
            "milestones": milestones,
            "today": timezone.localdate(),
            "reports": task.reports.select_related("reported_by", "milestone"),
            "form": ProgressForm(milestones=milestones) if task_services.owns(request.user, task) else None,
        },
    )


@policy_view("indicators.report")
@upload_limit("indicators.evidence")
@require_POST
def task_progress(request, pk: int):
    task = get_object_or_404(tasks_for(request.user), pk=pk)
    milestones = list(task.milestones.all())
    form = ProgressForm(request.POST, request.FILES, milestones=milestones)
    if form.is_valid():
        data = form.cleaned_data
        milestone = next((m for m in milestones if str(m.pk) == data["milestone"]), None)
        attempt(
            request,
            task_services.report_progress,
            actor=request.user,
            task=task,
            text=data["text"],
            milestone=milestone,
            done=data["done"],
            evidence_note=data["evidence_note"],
            evidence_file=data["evidence_file"],
            success="进展已报告",
        )
    return redirect("indicators:task_detail", pk=pk)
