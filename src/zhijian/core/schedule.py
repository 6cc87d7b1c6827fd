"""Scheduled jobs (定时任务): what the worker runs by the clock, declared by each app.

An app lists its jobs on its ``AppConfig`` as ``schedule = [Scheduled(...)]``: a name, the dotted
path of a function taking no argument (it acts as the system actor and returns a JSON-able summary),
and either ``every`` (a :class:`datetime.timedelta`) or ``daily_at`` (``"HH:MM"``, local time).

Each run belongs to a *slot* — the interval or the local day it is for. The worker claims a slot by
inserting a :class:`~zhijian.core.models.ScheduledRun` row under a unique constraint, so with several
workers each slot runs once; a worker started late runs the current slot at once and never replays
slots it missed (the jobs work from the state of the data, not from the time they run). Every run is
recorded with its outcome; a failed slot is tried again a minute later, up to three attempts in
all, and a failure shows on the administrator's workbench and on
``/admin-tools/schedule/``; ``zhijian schedule`` lists, ``zhijian schedule run NAME`` runs one now.

``settings.SCHEDULE`` overrides a job by name: ``{"equipment.daily": {"daily_at": "03:00"}}``,
``{"warnings.detect": {"every_minutes": 30}}`` or ``{"...": {"off": True}}``.
"""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from .models import ScheduledRun

logger = logging.getLogger("zhijian.schedule")

# AppConfig modules import this one before the models are ready: the models are imported in the
# functions that use them.


@dataclass(frozen=True)
class Scheduled:
    name: str
    call: str
    description: str
    every: dt.timedelta | None = None
    daily_at: str | None = None
    off: bool = False

    def __post_init__(self) -> None:
        if (self.every is None) == (self.daily_at is None):
            raise ValueError(f"scheduled job {self.name}: give exactly one of every / daily_at")
        if self.every is not None and self.every < dt.timedelta(minutes=1):
            raise ValueError(f"scheduled job {self.name}: every must be at least a minute")
        if self.daily_at is not None:
            dt.time.fromisoformat(self.daily_at)

    @property
    def when(self) -> str:
        if self.off:
            return "已停用"
        if self.daily_at is not None:
            return f"每天 {self.daily_at}"
        minutes = int(self.every.total_seconds() // 60)  # type: ignore[union-attr]
        return f"每 {minutes // 60} 小时" if minutes % 60 == 0 else f"每 {minutes} 分钟"

    def slot(self, now: dt.datetime) -> str | None:
        """The slot ``now`` falls in, or None before the first daily run time of the first day."""
        if self.off:
            return None
        local = timezone.localtime(now)
        if self.daily_at is not None:
            at = dt.time.fromisoformat(self.daily_at)
            day = local.date() if local.time() >= at else local.date() - dt.timedelta(days=1)
            return day.isoformat()
        seconds = int(self.every.total_seconds())  # type: ignore[union-attr]
        start = int(local.timestamp()) // seconds * seconds
        return timezone.localtime(dt.datetime.fromtimestamp(start, tz=dt.UTC)).strftime("%Y-%m-%dT%H:%M")


def _overridden(job: Scheduled) -> Scheduled:
    change = getattr(settings, "SCHEDULE", {}).get(job.name)
    if not change:
        return job
    if change.get("off"):
        return replace(job, off=True)
    if "daily_at" in change:
        return replace(job, daily_at=change["daily_at"], every=None)
    if "every_minutes" in change:
        return replace(job, every=dt.timedelta(minutes=int(change["every_minutes"])), daily_at=None)
    raise ValueError(f"settings.SCHEDULE[{job.name!r}]: give off, daily_at or every_minutes")


@cache
def jobs() -> dict[str, Scheduled]:
    found: dict[str, Scheduled] = {}
    for config in apps.get_app_configs():
        for job in getattr(config, "schedule", ()):
            if job.name in found:
                raise ValueError(f"scheduled job {job.name} is declared twice")
            found[job.name] = _overridden(job)
    return found


RETRIES = 3  # attempts of a slot whose run failed (e.g. a database busy or restarting), a minute apart
RETRY_AFTER = dt.timedelta(minutes=1)


def run(job: Scheduled, slot: str) -> ScheduledRun | None:
    """Claim ``slot`` for ``job`` and run it; None when another worker already has the slot."""
    from .models import ScheduledRun

    try:
        with transaction.atomic():
            record = ScheduledRun.objects.create(job=job.name, slot=slot)
    except IntegrityError:
        return None
    return _execute(job, record)


def _retry(job: Scheduled, record: ScheduledRun, now: dt.datetime) -> ScheduledRun | None:
    """Run a failed slot again, if it has attempts left and its last one ended a while ago; the
    conditional UPDATE is the claim, so two workers never retry the same attempt."""
    from .models import ScheduledRun

    if record.attempts >= RETRIES or record.finished_at is None or now - record.finished_at < RETRY_AFTER:
        return None
    claimed = ScheduledRun.objects.filter(
        pk=record.pk, status=ScheduledRun.Status.FAILED, attempts=record.attempts
    ).update(
        status=ScheduledRun.Status.RUNNING,
        attempts=record.attempts + 1,
        started_at=timezone.now(),
        finished_at=None,
    )
    if not claimed:
        return None
    record.refresh_from_db()
    return _execute(job, record)


def _execute(job: Scheduled, record: ScheduledRun) -> ScheduledRun:
    from .models import ScheduledRun

    logger.info("scheduled job %s (%s) started, attempt %s", job.name, record.slot, record.attempts)
    try:
        result = import_string(job.call)()
    except Exception as exc:
        logger.exception("scheduled job %s (%s) failed", job.name, record.slot)
        record.status = ScheduledRun.Status.FAILED
        record.message = f"{type(exc).__name__}: {exc}"[:2000]
        record.detail = traceback.format_exc()[-8000:]
    else:
        record.status = ScheduledRun.Status.SUCCEEDED
        record.message = record.detail = ""
        record.result = result if isinstance(result, dict | list | int | str | None) else str(result)
    record.finished_at = timezone.now()
    record.save(update_fields=["status", "message", "detail", "result", "finished_at"])
    return record


FREQUENT = dt.timedelta(hours=1)  # jobs at least this frequent have a lane of their own


def lane_of(job: Scheduled) -> str:
    """``frequent`` (every hour or more often: rescue escalation must not wait behind a nightly
    recomputation) or ``long`` (daily jobs and longer intervals)."""
    return "frequent" if job.every is not None and job.every <= FREQUENT else "long"


def run_due(now: dt.datetime | None = None, lane: str | None = None) -> list[ScheduledRun]:
    """Run every job (of ``lane``, or all) whose current slot has not run yet, or failed with attempts
    left (one pass of one of the worker's schedule loops)."""
    from .models import ScheduledRun

    now = now or timezone.now()
    done = []
    for job in jobs().values():
        if lane is not None and lane_of(job) != lane:
            continue
        slot = job.slot(now)
        if slot is None:
            continue
        existing = ScheduledRun.objects.filter(job=job.name, slot=slot).first()
        if existing is None:
            record = run(job, slot)
        elif existing.status == ScheduledRun.Status.FAILED:
            record = _retry(job, existing, now)
        else:
            continue
        if record is not None:
            done.append(record)
    return done


def run_now(name: str) -> ScheduledRun:
    """Run a job at once, outside its slots (``zhijian schedule run NAME``)."""
    try:
        job = jobs()[name]
    except KeyError:
        raise KeyError(f"没有名为 {name} 的定时任务；可用：{'、'.join(sorted(jobs()))}") from None
    record = run(job, "manual " + timezone.localtime().strftime("%Y-%m-%dT%H:%M:%S.%f"))
    assert record is not None
    return record


def latest_runs() -> dict[str, ScheduledRun]:
    from .models import ScheduledRun

    latest: dict[str, ScheduledRun] = {}
    for record in ScheduledRun.objects.filter(job__in=list(jobs())).order_by("job", "-started_at", "-id"):
        latest.setdefault(record.job, record)
    return latest


def failing() -> list[ScheduledRun]:
    """Jobs whose latest run failed."""
    from .models import ScheduledRun

    return [r for r in latest_runs().values() if r.status == ScheduledRun.Status.FAILED]
