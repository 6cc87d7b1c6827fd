"""Background tasks of special equipment: the register upload, and the periodic sweeps the worker runs."""

from __future__ import annotations

from django_tasks import task

from zhijian.registry.importing import run_import_job

from .importing import import_units


@task()
def import_units_task(job_id: int, path: str, file_name: str, dry_run: bool) -> dict:
    return run_import_job(job_id, path, file_name, dry_run, import_units)


@task()
def daily_sweep_task() -> dict:
    """Reminders, risk classes: once a day."""
    from . import services
    from .services.common import SYSTEM

    return {
        "reminders": services.send_reminders(actor=SYSTEM),
        "risk": services.compute_risk(actor=SYSTEM),
    }
