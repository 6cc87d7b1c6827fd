"""Background tasks of the complaints app: the platform import runs in the worker."""

from __future__ import annotations

from django_tasks import task

from zhijian.registry.importing import run_import_job

from .importing import import_cases


@task()
def import_cases_task(job_id: int, path: str, file_name: str, dry_run: bool) -> dict:
    return run_import_job(job_id, path, file_name, dry_run, import_cases)
