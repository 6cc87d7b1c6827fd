"""Background tasks: freezing and drawing from city-scale eligible sets, with progress."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from zhijian.core.jobs import running
from zhijian.core.models import Job, User

from . import services
from .models import Task


def _finish(job_id: int, total: int, message: str, result: dict) -> None:
    # The message is not stored: the job page shows a stored message as an error.
    Job.objects.filter(pk=job_id).update(done=total, total=total, result={**result, "summary": message})


@task()
def commit_draw_task(
    job_id: int, task_id: int, beacon_game: str, beacon_issue: str, beacon_date: str
) -> dict:
    job = Job.objects.get(pk=job_id)
    with running(job_id):
        draw = services.commit_draw(
            actor=User.objects.get(pk=job.owner_id),
            task=Task.objects.get(pk=task_id),
            beacon_game=beacon_game,
            beacon_issue=beacon_issue,
            beacon_date=dt.date.fromisoformat(beacon_date),
        )
        result = {
            "draw": draw.pk,
            "eligible_count": draw.eligible_count,
            "eligible_sha256": draw.eligible_sha256,
        }
        _finish(job_id, draw.eligible_count, f"已冻结抽查名录 {draw.eligible_count} 户", result)
    return result


@task()
def perform_draw_task(job_id: int, task_id: int, beacon_value: str) -> dict:
    job = Job.objects.get(pk=job_id)
    with running(job_id):
        draw = Task.objects.get(pk=task_id).current_draw()
        if draw is None:
            raise services.InspectionError("draw_missing", "该任务尚未公布抽取参数")
        draw = services.perform_draw(
            actor=User.objects.get(pk=job.owner_id), draw=draw, beacon_value=beacon_value
        )
        result = {
            "draw": draw.pk,
            "selected_count": draw.selected_count,
            "selected_sha256": draw.selected_sha256,
        }
        _finish(job_id, draw.eligible_count, f"抽取完成：共抽取 {draw.selected_count} 户", result)
    return result


@task()
def assign_inspectors_task(job_id: int, task_id: int) -> dict:
    job = Job.objects.get(pk=job_id)
    with running(job_id):
        run = services.assign_inspectors(
            actor=User.objects.get(pk=job.owner_id), task=Task.objects.get(pk=task_id)
        )
        result = {"assignment": run.pk, "assigned": run.assigned, "unassignable": run.unassignable}
        _finish(job_id, run.assigned + run.unassignable, f"已匹配 {run.assigned} 户", result)
    return result
