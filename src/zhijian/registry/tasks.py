"""Background tasks of the register."""

from __future__ import annotations

from django_tasks import task

from .importing import import_entities, run_import_job


@task()
def import_entities_task(job_id: int, path: str, file_name: str, dry_run: bool) -> dict:
    return run_import_job(job_id, path, file_name, dry_run, import_entities)
