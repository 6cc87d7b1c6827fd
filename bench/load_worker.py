"""The background worker of the load test (bench/bench_load.py): ``zhijian worker`` plus a probe subscriber.

The load test emits ``bench.load_probe`` events while it restarts PostgreSQL; this subscriber
takes them like any domain subscriber, so that a delivery row marked done proves each one arrived.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

PROBE_TOPIC = "bench.load_probe"
PROBE_SUBSCRIBER = "bench.load_probe_receiver"


def register_probe() -> None:
    """Declare the probe topic's payload (every emitting process must) and its subscriber."""
    from zhijian.core.events import register_topic, subscriber
    from zhijian.core.topics import Payload

    class LoadProbe(Payload):
        """One numbered probe event of the load test."""

        n: int

    register_topic(PROBE_TOPIC, LoadProbe)

    @subscriber(PROBE_TOPIC, PROBE_SUBSCRIBER)
    def receive(event) -> None:
        """Nothing to do: the delivery row, marked done in this transaction, is the receipt."""


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhijian.settings")
    django.setup()
    from django.core.management import call_command

    register_probe()
    call_command("worker", interval=0.5)


if __name__ == "__main__":
    main()
