"""zhijian worker: the background worker — runs queued tasks and relays outbox events."""

from __future__ import annotations

import logging
import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections

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


class Command(BaseCommand):
    help = "后台工作进程：执行后台任务并投递领域事件"

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0)

    def handle(self, *args, interval, **options):
        stop = threading.Event()
        relay = threading.Thread(target=relay_loop, args=(stop, interval), name="outbox-relay", daemon=True)
        relay.start()
        try:
            call_command("db_worker", interval=interval, reload=False, verbosity=options["verbosity"])
        finally:
            stop.set()
            relay.join(timeout=5)
