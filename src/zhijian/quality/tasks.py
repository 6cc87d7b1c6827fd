"""Background tasks of quality infrastructure: a standards list upload, the daily report reminders."""

from __future__ import annotations

from django_tasks import task

from zhijian.registry.importing import run_import_job

from .importing import import_standards


@task()
def import_standards_task(job_id: int, path: str, file_name: str, dry_run: bool) -> dict:
    return run_import_job(job_id, path, file_name, dry_run, import_standards)


@task()
def send_report_reminders_task() -> int:
    from zhijian.core.access import SystemActor

    from .services import send_reminders

    return send_reminders(actor=SystemActor("task:quality-remind"))
