"""zhijian worker: the background worker — runs queued tasks, relays outbox events, runs the apps'
scheduled jobs (core/schedule.py) and signs audit heads."""

from __future__ import annotations

import logging
import signal
import threading

from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import InterfaceError, OperationalError, close_old_connections, connections

from zhijian.core import audit, schedule
from zhijian.core.events import relay_once

logger = logging.getLogger("zhijian.worker")


def relay_loop(stop: threading.Event, interval: float) -> None:
    while not stop.is_set():
        try:
            close_old_connections()
            delivered = relay_once()
        except Exception:
            logger.exception("outbox relay failed; retrying")
            delivered = 0
        if not delivered:
            stop.wait(interval)


HEAD_CHECK_SECONDS = 60.0


def audit_head_loop(stop: threading.Event, every: float = HEAD_CHECK_SECONDS) -> None:
    """Sign the audit chain's head at the set interval (AUDIT_HEAD_INTERVAL, daily by default).

    Without a configured key (production before ZHIJIAN_AUDIT_SIGNING_KEY is set) it says so once
    and keeps checking; a broken chain is logged as an error and never signed.
    """
    warned = False
    while not stop.is_set():
        try:
            close_old_connections()
            head = audit.sign_head_if_due()
            if head is not None:
                logger.info("audit head signed: seq %s, %s (key %s)", head.seq, head.hash, head.key_id)
        except ImproperlyConfigured as exc:
            if not warned:
                logger.warning("audit heads are not signed: %s", exc)
                warned = True
        except audit.ChainBroken as exc:
            logger.error("%s: %s", exc, "; ".join(b.detail for b in exc.breaks[:5]))
        except Exception:
            logger.exception("signing the audit head failed; retrying")
        stop.wait(every)


SCHEDULE_CHECK_SECONDS = 30.0


def schedule_loop(
    stop: threading.Event, every: float = SCHEDULE_CHECK_SECONDS, lane: str | None = None
) -> None:
    """Run the apps' scheduled jobs of ``lane`` (or all) when their slot comes, one at a time in this
    thread; the worker runs one loop per lane, so a long nightly job never holds up the minute's sweep."""
    while not stop.is_set():
        try:
            close_old_connections()
            schedule.run_due(lane=lane)
        except Exception:
            logger.exception("the schedule pass failed; retrying")
        stop.wait(every)


DATABASE_RETRY_SECONDS = 2.0


def run_tasks_until_stopped(stop: threading.Event, interval: float, verbosity: int) -> None:
    """django-tasks' db_worker, started again whenever the database goes away under it.

    db_worker ends on a database error (a PostgreSQL restart, a failover); the worker process must
    outlive that and resume by itself. It returns normally on SIGTERM/SIGINT, which ends the loop.
    """
    while not stop.is_set():
        try:
            call_command("db_worker", interval=interval, reload=False, verbosity=verbosity)
            return
        except (OperationalError, InterfaceError) as exc:
            logger.warning("database unavailable (%s); tasks resume in %.0f s", exc, DATABASE_RETRY_SECONDS)
            connections.close_all()
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stop.set())
            stop.wait(DATABASE_RETRY_SECONDS)


class Command(BaseCommand):
    help = "后台工作进程：执行后台任务、投递领域事件、按期签发审计链头"

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0)
        parser.add_argument(
            "--no-schedule",
            action="store_true",
            help="不运行定时任务（另有进程或 cron 运行 zhijian schedule tick 时）",
        )

    def handle(self, *args, interval, **options):
        stop = threading.Event()
        relay = threading.Thread(target=relay_loop, args=(stop, interval), name="outbox-relay", daemon=True)
        relay.start()
        heads = threading.Thread(target=audit_head_loop, args=(stop,), name="audit-heads", daemon=True)
        heads.start()
        clocks = [
            threading.Thread(
                target=schedule_loop,
                args=(stop, SCHEDULE_CHECK_SECONDS, lane),
                name=f"schedule-{lane}",
                daemon=True,
            )
            for lane in ("frequent", "long")
        ]
        if not options["no_schedule"]:
            for clock in clocks:
                clock.start()
        try:
            run_tasks_until_stopped(stop, interval, options["verbosity"])
        finally:
            stop.set()
            relay.join(timeout=5)
            heads.join(timeout=5)
            for clock in clocks:
                if clock.is_alive():
                    clock.join(timeout=5)
