"""Background tasks of credit supervision."""

from __future__ import annotations

from django_tasks import task

from zhijian.core.models import Job, User

from .classify import rescore_all


@task()
def rescore_task(job_id: int, engine: str) -> dict:
    """The batch classification as a job: its stages drive the page's progress bar."""
    from zhijian.core.jobs import running

    job = Job.objects.get(pk=job_id)
    actor = User.objects.get(pk=job.owner_id) if job.owner_id else None

    def stage(label: str, done: int, total: int) -> None:
        Job.objects.filter(pk=job_id).update(done=done, total=total, result={"stage": label})

    with running(job_id):
        run = rescore_all(actor=actor, engine=engine, stage=stage)
        counts = run.class_counts
        summary = "；".join(f"{c}类 {counts.get(c, 0)}" for c in "ABCD")
        result = {
            "summary": f"已完成：{run.entities} 户参与分类，{run.changed} 户结果变化。{summary}。",
            "run": run.pk,
        }
        Job.objects.filter(pk=job_id).update(result=result)
    return result
