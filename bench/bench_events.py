"""Benchmark: the event relay does not jam (issue 8).

A valid event is emitted behind ``--failing`` events whose subscriber always fails. The figure is the
time from the relay's start until the valid event is delivered; beside it, in the same process and
database, the baseline: the time to deliver the same number of events to a subscriber that never
fails (what a relay that delivers everything in order would need before it reached the valid one).

    EVENTS_BENCH_DB=zhijian_events_bench .venv/bin/python bench/bench_events.py --failing 1000
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("BENCH_DB", os.environ.get("EVENTS_BENCH_DB", "zhijian_events_bench"))

from _common import BENCH_DB, PG_BASE, check_bench_db_name, django_setup, machine  # noqa: E402


def _fresh_database() -> None:
    import psycopg

    check_bench_db_name(BENCH_DB)
    with psycopg.connect(f"{PG_BASE}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--failing", type=int, default=1000)
    args = parser.parse_args()
    _fresh_database()
    django_setup()
    from django.core.management import call_command
    from django.db import transaction
    from pydantic import BaseModel

    from zhijian.core import events
    from zhijian.core.models import EventDelivery, OutboxEvent

    call_command("migrate", verbosity=0)

    class Numbered(BaseModel):
        n: int

    events._topics.update({"bench.bad": Numbered, "bench.good": Numbered})
    events._subscribers.clear()
    delivered: list[int] = []
    events.subscriber("bench.bad", "bench.broken")(lambda e: 1 / 0)
    events.subscriber("bench.good", "bench.working")(lambda e: delivered.append(e.payload["n"]))

    def emit(topic: str, count: int) -> None:
        with transaction.atomic():
            events.emit_many(topic, [{"n": i} for i in range(count)])

    # Baseline: the same number of events, all delivered to a subscriber that never fails.
    emit("bench.good", args.failing + 1)
    started = time.perf_counter()
    while len(delivered) < args.failing + 1:
        events.relay_once()
    baseline = time.perf_counter() - started
    EventDelivery.objects.all().delete()
    OutboxEvent.objects.all().delete()
    delivered.clear()

    # The case: the failing backlog first, then one valid event.
    emit("bench.bad", args.failing)
    emit("bench.good", 1)
    started = time.perf_counter()
    passes = 0
    while not delivered:
        events.relay_once()
        passes += 1
    valid_after = time.perf_counter() - started
    facts = machine()
    print(f"== bench_events on {facts.get('cpu', '')} · {BENCH_DB}")
    print(
        f"valid event behind {args.failing:,} failing ones delivered after {valid_after * 1000:.0f} ms "
        f"({passes} relay pass{'es' if passes > 1 else ''}); baseline: delivering {args.failing + 1:,} "
        f"events in order to a working subscriber took {baseline * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
