"""Background tasks of the register."""

from __future__ import annotations

from django_tasks import task

from .importing import import_entities, run_import_job


@task()
def import_entities_task(job_id: int, path: str, file_name: str, dry_run: bool) -> dict:
    return run_import_job(job_id, path, file_name, dry_run, import_entities)


@task()
def export_entities_task(job_id: int, params: dict) -> dict:
    """A large register export, as the job's owner sees the register (core.exports.run_export_job)."""
    from zhijian.core.exports import run_export_job
    from zhijian.core.models import Job

    from .exports import export_entities

    owner = Job.objects.select_related("owner").get(pk=job_id).owner
    return run_export_job(
        job_id, "市场主体名录", lambda out, progress: export_entities(owner, params, out, progress=progress)
    )
