"""Background tasks of sampling: a laboratory's results upload runs in the worker."""

from __future__ import annotations

from pathlib import Path

from django_tasks import task

from zhijian.core.jobs import job_progress, running
from zhijian.core.models import Job, User

from .importing import import_results


@task()
def import_results_task(job_id: int, path: str, file_name: str, dry_run: bool) -> dict:
    job = Job.objects.get(pk=job_id)
    actor = User.objects.get(pk=job.owner_id)
    with running(job_id):
        result = import_results(
            Path(path), actor=actor, dry_run=dry_run, progress=job_progress(job_id), file_name=file_name
        )
        summary = {
            "ok": result.ok,
            "dry_run": result.dry_run,
            "encoding": result.encoding,
            "rows": result.rows,
            "samples": result.samples,
            "failed_samples": result.failed_samples,
            "unchanged": result.unchanged,
            "unreadable": result.unreadable,
            "summary": result.summary() if result.ok else "",
            "issues": [[i.row, i.column, i.message] for i in result.issues[:1000]],
            "issue_count": len(result.issues),
        }
        Job.objects.filter(pk=job_id).update(result=summary)
    Path(path).unlink(missing_ok=True)
    return summary
