"""Background jobs with visible progress.

A long operation takes a ``progress`` callback ``(done, total)``. In a background task the callback
writes to a :class:`~zhijian.core.models.Job` row that the page polls; on the command line it drives
a rich progress bar. The operation itself does not know which.
"""

from __future__ import annotations

import tempfile
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager

from django.conf import settings
from django.utils import timezone

from .models import Job

Progress = Callable[[int, int], None]


def job_progress(job_id: int, min_interval: float = 0.5) -> Progress:
    last = [0.0]

    def update(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= min_interval or (total and done >= total):
            Job.objects.filter(pk=job_id).update(done=done, total=total)
            last[0] = now

    return update


@contextmanager
def running(job_id: int):
    """Mark a job running, then succeeded or failed with the error's message."""
    Job.objects.filter(pk=job_id).update(status=Job.Status.RUNNING)
    try:
        yield
    except Exception as exc:
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED, message=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    Job.objects.filter(pk=job_id).update(status=Job.Status.SUCCEEDED, finished_at=timezone.now())


@contextmanager
def cli_progress(description: str):
    """A rich progress bar as a ``Progress`` callback."""
    from rich.progress import BarColumn, MofNCompleteColumn, TimeRemainingColumn
    from rich.progress import Progress as Bar

    with Bar(
        "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()
    ) as bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total or None)

        yield update


def start_upload_job(*, owner, kind: str, title: str, upload, dry_run: bool, task) -> Job:
    """Keep an uploaded file under var/uploads and queue ``task(job_id, path, file_name, dry_run)``.

    The file is streamed to disk (never held in memory); the task removes it when it is done.
    """
    from .uploads import stored_name

    upload_dir = settings.VAR_DIR / "uploads"
    upload_dir.mkdir(parents=True, exist_ok=True)
    # The file keeps its extension: openpyxl refuses a workbook whose name does not end in .xlsx.
    with tempfile.NamedTemporaryFile(
        dir=upload_dir, prefix=f"{uuid.uuid4().hex}-", suffix=stored_name(upload.name), delete=False
    ) as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    job = Job.objects.create(kind=kind, owner=owner, title=title + ("（试导入）" if dry_run else ""))
    task.enqueue(job.pk, handle.name, upload.name, dry_run)
    return job
